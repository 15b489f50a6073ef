// The config store on both backends: sections and sealed secrets round-trip, a read-modify-write writes its
// secrets with it or nothing at all, and changes made at the same time (several nodes) all survive.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends, openForTest } from '../../e2e/support/store-backends.js';

for (const backend of backends()) {
  describe(`config store (${backend.name})`, { skip: backend.skip }, () => {
    it('a section reads back as it was written, and a second write replaces it', async (t) => {
      const { config } = (await openForTest(backend, t)).stores;
      assert.equal(await config.readSection('widget'), undefined);
      await config.writeSection('widget', '{"title":"Ask us"}');
      assert.equal(await config.readSection('widget'), '{"title":"Ask us"}');
      await config.writeSection('widget', '{"title":"Help"}');
      assert.equal(await config.readSection('widget'), '{"title":"Help"}');
    });

    it('secrets: sealed value and hint read back, replaced, and deleted', async (t) => {
      const { config } = (await openForTest(backend, t)).stores;
      assert.equal(await config.readSealedSecret('api_key'), null);
      assert.equal(await config.secretHint('api_key'), null);
      await config.saveSecret('api_key', 'sealed-1', '…abcd');
      assert.equal(await config.readSealedSecret('api_key'), 'sealed-1');
      assert.equal(await config.secretHint('api_key'), '…abcd');
      await config.saveSecret('api_key', 'sealed-2', '…wxyz');
      assert.equal(await config.readSealedSecret('api_key'), 'sealed-2');
      assert.equal(await config.secretHint('api_key'), '…wxyz');
      await config.deleteSecret('api_key');
      assert.equal(await config.readSealedSecret('api_key'), null);
      assert.equal(await config.secretHint('api_key'), null);
    });

    it('updateSection gets the stored text and writes the section with its secrets (null deletes one)', async (t) => {
      const { config } = (await openForTest(backend, t)).stores;
      await config.saveSecret('webhook_token', 'old-token', '…oken');
      const seen: Array<string | undefined> = [];
      await config.updateSection('api', (json) => {
        seen.push(json);
        return {
          json: '{"model":"a"}',
          secrets: [
            { name: 'api_key', sealed: 'sealed-key', hint: '…1234' },
            { name: 'webhook_token', sealed: null },
          ],
        };
      });
      await config.updateSection('api', (json) => {
        seen.push(json);
        return { json: '{"model":"b"}' };
      });
      assert.deepEqual(seen, [undefined, '{"model":"a"}']);
      assert.equal(await config.readSection('api'), '{"model":"b"}');
      assert.equal(await config.readSealedSecret('api_key'), 'sealed-key');
      assert.equal(await config.secretHint('api_key'), '…1234');
      assert.equal(await config.readSealedSecret('webhook_token'), null);
    });

    it('a change that throws writes nothing: neither the section nor its secrets', async (t) => {
      const { config } = (await openForTest(backend, t)).stores;
      await config.writeSection('api', '{"model":"a"}');
      await assert.rejects(
        config.updateSection('api', () => {
          throw new Error('invalid settings');
        }),
        /invalid settings/,
      );
      assert.equal(await config.readSection('api'), '{"model":"a"}');
      assert.equal(await config.readSealedSecret('api_key'), null);
    });

    it('changes made at the same time to a section never saved before all survive', async (t) => {
      const { config } = (await openForTest(backend, t)).stores;
      const add = (word: string) =>
        config.updateSection('allowed', (json) => ({ json: JSON.stringify([...(json ? (JSON.parse(json) as string[]) : []), word]) }));
      const words = Array.from({ length: 12 }, (_, i) => `site-${i}.example`);
      // Every connection open first, so the changes really overlap instead of queueing behind connection set-up.
      await Promise.all(words.map(() => config.readSection('allowed')));
      await Promise.all(words.map(add));
      assert.deepEqual((JSON.parse((await config.readSection('allowed'))!) as string[]).sort(), words.sort());
    });
  });
}
