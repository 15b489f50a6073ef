// The provider store on both backends: catalogs cached per kind and endpoint, the key's status and the last
// balance check each one row that a save replaces, and isOpen false once the storage is closed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends, openForTest } from '../../e2e/support/store-backends.js';

const models = (...ids: string[]) => ids.map((id) => ({ id, context_length: 128_000, pricing: { prompt: '0.000001' } }));

for (const backend of backends()) {
  describe(`provider store (${backend.name})`, { skip: backend.skip }, () => {
    it('catalogs: one per kind and endpoint, replaced by a newer fetch; the newest fetch of a kind across endpoints', async (t) => {
      const { provider } = (await openForTest(backend, t)).stores;
      assert.equal(await provider.readCatalog('chat', 'openrouter'), null);
      assert.equal(await provider.catalogFetchedAt('chat', 'openrouter'), null);
      assert.equal(await provider.newestCatalogFetch('chat'), null);

      await provider.saveCatalog('chat', 'openrouter', { fetchedAt: 1_000, models: models('a/one', 'b/two') });
      await provider.saveCatalog('chat', 'custom:https://llm.example', { fetchedAt: 3_000, models: models('c/three') });
      await provider.saveCatalog('embedding', 'openrouter', { fetchedAt: 5_000, models: models('e/embed') });
      assert.deepEqual(await provider.readCatalog('chat', 'openrouter'), { fetchedAt: 1_000, models: models('a/one', 'b/two') });
      assert.equal(await provider.catalogFetchedAt('chat', 'custom:https://llm.example'), 3_000);
      assert.equal(await provider.newestCatalogFetch('chat'), 3_000);
      assert.equal(await provider.newestCatalogFetch('embedding'), 5_000);

      await provider.saveCatalog('chat', 'openrouter', { fetchedAt: 7_000, models: models('d/four') });
      assert.deepEqual(await provider.readCatalog('chat', 'openrouter'), { fetchedAt: 7_000, models: models('d/four') });
      assert.equal(await provider.newestCatalogFetch('chat'), 7_000);
    });

    it("the key's status and the balance check read back as saved, and a save replaces them", async (t) => {
      const { provider } = (await openForTest(backend, t)).stores;
      assert.equal(await provider.keyStatus(), null);
      assert.equal(await provider.balanceCheck(), null);

      await provider.saveKeyStatus({ fingerprint: 'fp1', state: 'invalid_key', since: 1_000, message: 'Key revoked', call: 'answer' });
      await provider.saveKeyStatus({ fingerprint: 'fp2', state: 'ok', since: 2_000, message: null, call: 'key' });
      assert.deepEqual(await provider.keyStatus(), { fingerprint: 'fp2', state: 'ok', since: 2_000, message: null, call: 'key' });

      await provider.saveBalanceCheck({ fingerprint: 'fp2', checkedAt: 3_000, amount: 12.75, source: 'credits', measuredAt: 3_000 });
      assert.deepEqual(await provider.balanceCheck(), { fingerprint: 'fp2', checkedAt: 3_000, amount: 12.75, source: 'credits', measuredAt: 3_000 });
      await provider.saveBalanceCheck({ fingerprint: 'fp2', checkedAt: 4_000, amount: null, source: null, measuredAt: null });
      assert.deepEqual(await provider.balanceCheck(), { fingerprint: 'fp2', checkedAt: 4_000, amount: null, source: null, measuredAt: null });
    });

    it('is open until the storage is closed', async () => {
      const opened = await backend.open();
      assert.equal(await opened.stores.provider.isOpen(), true);
      await opened.close();
      assert.equal(await opened.stores.provider.isOpen(), false);
    });
  });
}
