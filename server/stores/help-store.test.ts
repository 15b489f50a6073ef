// The help store's contract on both backends: what a failed answer offers without any API call. Keyword matches are
// ranked by bm25 on SQLite and ts_rank on PostgreSQL; the cases here hold on both (see the PostgreSQL store).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { knowledgeSeed, type KnowledgeSeed } from '../../e2e/support/knowledge-seed.js';
import { backends, type OpenBackend } from '../../e2e/support/store-backends.js';
import type { HelpStore } from './help-store.js';

for (const backend of backends()) {
  describe(`help store (${backend.name})`, { skip: backend.skip }, () => {
    let opened: OpenBackend;
    let help: HelpStore;
    let seed: KnowledgeSeed;
    const ids: Record<string, number> = {};
    before(async () => {
      opened = await backend.open();
      help = opened.stores.help;
      seed = knowledgeSeed(opened);
      const add = async (name: string, doc: Parameters<KnowledgeSeed['document']>[0]) => {
        ids[name] = (await seed.document(doc)).id;
      };
      await add('qa', { title: 'Can I return shoes?', kind: 'qa', content: '# Can I return shoes?\n\nYes, within 30 days.' });
      await add('hiddenQa', { title: 'Secret?', kind: 'qa', content: '# Secret?\n\nHidden.', sourceId: 2 });
      await add('refunds', {
        title: 'Refunds',
        url: 'https://shop.example/refunds',
        content: 'Refunds',
        chunks: ['refund refund refund policy', 'shipping costs for a parcel'],
      });
      await add('policy', { title: 'Policy', content: 'Policy', chunks: ['refund policy for shoes'] });
      await add('covers', { title: 'Phone cover', content: 'Covers', chunks: ['every cover ships in a box'] });
      await add('hats', { title: 'Hats', content: 'Hats', chunks: ['wool hats in winter'] });
      await add('gloves', { title: 'Gloves', content: 'Gloves', chunks: ['leather gloves in winter'] });
      await add('hidden', { title: 'Hidden zebra', content: 'Zebra', chunks: ['a zebra in the files'], sourceId: 2 });
      await seed.disableSource(2);
    });
    after(async () => {
      await opened?.close();
    });

    it('gives the Q&A entries among documents of enabled sources', async () => {
      const found = await help.qaEntries([ids.qa, ids.hiddenQa, ids.refunds, 424242]);
      assert.deepEqual(found, [{ id: ids.qa, title: 'Can I return shoes?', content: '# Can I return shoes?\n\nYes, within 30 days.' }]);
      assert.deepEqual(await help.qaEntries([]), []);
    });

    it('matches any of the words, in any form, best match first, one row per chunk', async () => {
      const refund = await help.keywordMatches(['refund'], 10);
      assert.deepEqual(
        refund.map((d) => d.title),
        ['Refunds', 'Policy'],
      );
      assert.deepEqual(refund[0], { id: ids.refunds, title: 'Refunds', url: 'https://shop.example/refunds', kind: 'page', content: 'Refunds' });
      // "covers" finds "cover" (both backends stem the index and the query alike).
      assert.deepEqual(
        (await help.keywordMatches(['covers'], 10)).map((d) => d.id),
        [ids.covers],
      );
      assert.deepEqual((await help.keywordMatches(['hats', 'gloves'], 10)).map((d) => d.title).sort(), ['Gloves', 'Hats']);
      // A document matching with two chunks comes twice.
      assert.deepEqual((await help.keywordMatches(['refund', 'parcel'], 10)).filter((d) => d.id === ids.refunds).length, 2);
      assert.equal((await help.keywordMatches(['refund', 'hats', 'gloves', 'cover'], 2)).length, 2);
    });

    it('leaves out disabled sources and words nothing has', async () => {
      assert.deepEqual(await help.keywordMatches(['zebra'], 10), []);
      assert.deepEqual(await help.keywordMatches(['xylophone'], 10), []);
      assert.deepEqual(await help.keywordMatches([], 10), []);
    });

    it('does not rank a word found in very many chunks (the search stays bounded)', async () => {
      const fresh = await backend.open();
      try {
        const many = knowledgeSeed(fresh);
        await many.document({ title: 'Filler', content: 'filler', chunks: Array.from({ length: 20_001 }, (_, i) => `common filler number${i}`) });
        const rare = await many.document({ title: 'Rare', content: 'rare', chunks: ['common okapi sighting'] });
        const check = async () => {
          assert.deepEqual(
            (await fresh.stores.help.keywordMatches(['common', 'okapi'], 5)).map((d) => d.id),
            [rare.id],
          );
          assert.deepEqual(await fresh.stores.help.keywordMatches(['common'], 5), []);
          assert.equal((await fresh.stores.help.keywordMatches(['filler', 'number7'], 5)).length, 1);
          assert.equal((await fresh.stores.help.keywordMatches(['number7', 'number8', 'okapi'], 5)).length, 3);
        };
        await check();
        // The same once the database has statistics (PostgreSQL then leaves a word in over 20,000 chunks out without counting it).
        if (fresh.sqlite) fresh.sqlite.db.exec('ANALYZE');
        else await fresh.postgres!.pool.query('ANALYZE chunks');
        await check();
      } finally {
        await fresh.close();
      }
    });
  });
}
