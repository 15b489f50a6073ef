// The config store on both backends: sections and sealed secrets round-trip, a read-modify-write writes its
// secrets with it or nothing at all, and changes made at the same time (several nodes) all survive.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends, openForTest, type OpenBackend } from '../../e2e/support/store-backends.js';
import { openSqliteStores } from './sqlite/open.js';
import { openPostgresStores } from './postgres/open.js';
import type { ConfigStore } from './config-store.js';

/** A second node on the same data: another handle on the SQLite file, or another pool on the database. */
async function secondNode(opened: OpenBackend, t: { after(fn: () => unknown): void }): Promise<ConfigStore> {
  if (opened.sqlite) {
    const other = openSqliteStores(opened.sqlite.db.name);
    t.after(() => other.close());
    return other.config;
  }
  const other = await openPostgresStores(String(opened.postgres!.pool.options.connectionString), { max: 2 });
  t.after(() => other.close());
  return other.config;
}

/** Reads until `read` gives `want` (a node hears of another's change a moment after its commit), for at most 2 s. */
async function eventually<T>(read: () => Promise<T>, want: T): Promise<void> {
  const deadline = Date.now() + 2_000;
  while ((await read()) !== want) {
    if (Date.now() > deadline) assert.equal(await read(), want, "the other node's change was not seen within 2 s");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

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

    it("another node's changes to sections and secrets are read here, however often this node read them before", async (t) => {
      const opened = await openForTest(backend, t);
      const here = opened.stores.config;
      const there = await secondNode(opened, t);
      await here.writeSection('widget', '{"title":"Ask us"}');
      await here.saveSecret('api_key', 'sealed-1', '…abcd');
      for (let i = 0; i < 5; i++) {
        assert.equal(await here.readSection('widget'), '{"title":"Ask us"}');
        assert.equal(await here.readSealedSecret('api_key'), 'sealed-1');
      }
      await there.writeSection('widget', '{"title":"Help"}');
      await there.updateSection('api', () => ({ json: '{"model":"b"}', secrets: [{ name: 'api_key', sealed: 'sealed-2', hint: '…wxyz' }] }));
      await eventually(() => here.readSection('widget'), '{"title":"Help"}');
      await eventually(() => here.readSealedSecret('api_key'), 'sealed-2');
      await eventually(() => here.secretHint('api_key'), '…wxyz');
      await there.deleteSecret('api_key');
      await eventually(() => here.readSealedSecret('api_key'), null);
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

describe('config store (postgres): the cache', { skip: backends()[1].skip }, () => {
  it('repeated reads cost no query while the node listens; with its LISTEN connection lost, every read goes to the database', async (t) => {
    const opened = await openForTest(backends()[1], t);
    const pool = opened.postgres!.pool;
    const config = opened.stores.config;
    await config.writeSection('chatbot', '{"tone":"friendly"}');
    let queries = 0;
    const query = pool.query.bind(pool);
    (pool as { query: unknown }).query = (...args: Parameters<typeof pool.query>) => {
      queries++;
      return (query as (...a: unknown[]) => unknown)(...args);
    };
    // Cached once the listener is up (the first reads start it).
    const deadline = Date.now() + 5_000;
    for (;;) {
      await config.readSection('chatbot');
      queries = 0;
      for (let i = 0; i < 10; i++) assert.equal(await config.readSection('chatbot'), '{"tone":"friendly"}');
      if (queries === 0) break;
      assert.ok(Date.now() < deadline, `still ${queries} queries for 10 reads after 5 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // The listener's connection is cut (as a restarted database or a network failure would): reads go to the
    // database until it is back, so a change written meanwhile, which this node was never told of, is read at once.
    const admin = await openPostgresStores(String(pool.options.connectionString), { max: 1 });
    t.after(() => admin.close());
    await admin.pool.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE '% listener' AND pid <> pg_backend_pid()",
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await admin.pool.query('UPDATE settings SET value = \'{"tone":"formal"}\' WHERE section = \'chatbot\'');
    assert.equal(await config.readSection('chatbot'), '{"tone":"formal"}');
  });
});
