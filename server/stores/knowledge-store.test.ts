// The KnowledgeStore as training and retrieval use it, on both backends: sources and their documents round trip,
// the documents list pages newest first and matches % and _ literally, a large document is written in slices
// whose progress is recorded, a chunk's vectors are written and removed with it, a switched-off source's content
// is never found, and the keyword search takes plain words (never query syntax), stems them, ranks a rare word's
// chunk first and stays bounded on a large knowledge base. (SQLite's FTS5 internals: sqlite/keyword-search.test.ts;
// PostgreSQL's change log for the other nodes' vector indexes: the last test.)
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import pg from 'pg';
import { backends } from '../../e2e/support/store-backends.js';
import { POSTGRES_KEYWORD_BOUNDS } from './postgres/keywords.js';
import { SQLITE_KEYWORD_BOUNDS } from './sqlite/knowledge-store.js';
import type { ChunkWrite, DocumentFields, KnowledgeStore } from './knowledge-store.js';

const D = 8;
const SPACE = { endpoint: 'openrouter', model: 'test/embed' };
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const fields = (title: string, content = title, extra: Partial<DocumentFields> = {}): DocumentFields => ({
  title,
  url: null,
  kind: 'text',
  content,
  contentHash: `hash of ${title}`,
  tokenCount: 10,
  modifiedAt: null,
  ...extra,
});
const chunk = (index: number, text: string, hash = `h-${text}`): ChunkWrite => ({
  index,
  text,
  content: text,
  headingPath: ['Guide', 'Setup'],
  tokenCount: 5,
  hash,
});

/** Adds chunks with the texts given, 1,000 to a document; returns their ids in order. */
async function addChunks(knowledge: KnowledgeStore, texts: string[]): Promise<number[]> {
  const source = await knowledge.sourceOfKind('text');
  const ids: number[] = [];
  for (let start = 0; start < texts.length; start += 1000) {
    const batch = texts.slice(start, start + 1000).map((text, i) => ({ ...chunk(i, text), headingPath: [] }));
    const documentId = await knowledge.insertDocument(source.id, `doc-${start}`, fields(`Document ${start}`), batch);
    ids.push(...(await knowledge.documentChunks(documentId)).map((c) => c.chunkId));
  }
  return ids;
}

for (const backend of backends()) {
  describe(`knowledge store (${backend.name})`, { skip: backend.skip }, () => {
    const openStores = async (t: TestContext) => {
      const open = await backend.open();
      t.after(() => open.close());
      return open;
    };

    it('sources: the two built-in ones, web sources created, changed field by field, synced and deleted', async (t) => {
      const { stores } = await openStores(t);
      const { knowledge } = stores;
      const builtIn = await knowledge.listSources();
      assert.deepEqual(
        builtIn.map((s) => [s.kind, s.name, s.enabled, s.schedule, s.config, s.lastSyncedAt, s.lastError]),
        [
          ['text', 'Text & Q&A', true, 'off', {}, null, null],
          ['files', 'Files', true, 'off', {}, null, null],
        ],
      );
      assert.equal((await knowledge.sourceOfKind('files')).id, builtIn[1].id);

      const config = { mode: 'urls', urls: ['https://shop.example/'], depth: 2 };
      const web = await knowledge.createSource('web', 'Shop', config, 'daily');
      assert.deepEqual(web, { id: web.id, kind: 'web', name: 'Shop', enabled: true, config, schedule: 'daily', lastSyncedAt: null, lastError: null });
      assert.deepEqual(await knowledge.getSource(web.id), web);
      assert.equal(await knowledge.getSource(999_999), null);

      assert.deepEqual(await knowledge.updateSource(web.id, { enabled: false }), { ...web, enabled: false }, 'only the fields given change');
      assert.deepEqual(await knowledge.updateSource(web.id, { name: 'Shop 2', schedule: 'weekly', config: { mode: 'sitemap' } }), {
        ...web,
        name: 'Shop 2',
        enabled: false,
        schedule: 'weekly',
        config: { mode: 'sitemap' },
      });
      assert.equal(await knowledge.updateSource(999_999, { name: 'x' }), null);

      await knowledge.recordSync(web.id, 'The site did not answer.');
      const synced = (await knowledge.getSource(web.id))!;
      assert.match(synced.lastSyncedAt!, ISO);
      assert.equal(synced.lastError, 'The site did not answer.');
      await knowledge.recordSync(web.id, null);
      assert.equal((await knowledge.getSource(web.id))?.lastError, null);

      const press = await knowledge.createSource('wordpress', 'Blog', { url: 'https://blog.example' }, 'off');
      const other = await knowledge.createSource('web', 'Docs', {}, 'off');
      assert.deepEqual(
        (await knowledge.listSources()).map((s) => s.id),
        [builtIn[0].id, builtIn[1].id, web.id, press.id, other.id],
        'in the order created',
      );
      await knowledge.deleteSource(other.id);
      assert.equal(await knowledge.getSource(other.id), null);
      await knowledge.deleteWebSources();
      assert.deepEqual(
        (await knowledge.listSources()).map((s) => s.kind),
        ['text', 'files'],
        'the built-in sources stay',
      );
    });

    it('documents: found by key, read whole, listed newest first with their chunks, filtered literally in any case', async (t) => {
      const { stores } = await openStores(t);
      const { knowledge } = stores;
      const text = await knowledge.sourceOfKind('text');
      const files = await knowledge.sourceOfKind('files');
      const web = await knowledge.createSource('web', 'Shop', {}, 'off');

      const qa = await knowledge.insertDocument(text.id, 'qa:1', fields('How long is the warranty?', 'Two years.', { kind: 'qa' }), [chunk(0, 'Two years.')]);
      await knowledge.insertDocument(text.id, 'qa:2', fields('How long is the warranty?', 'Still two years.', { kind: 'qa' }), []);
      const file = await knowledge.insertDocument(files.id, 'file:Price_list 100%.pdf', fields('Prices', 'Prices.', { kind: 'file' }), [
        chunk(0, 'first'),
        chunk(1, 'second'),
        chunk(2, 'third'),
      ]);
      const page = await knowledge.insertDocument(
        web.id,
        'https://shop.example/cotton',
        fields('100% Cotton', 'Cotton shirts.', { kind: 'page', url: 'https://shop.example/cotton', modifiedAt: '2026-01-02T03:04:05.000Z' }),
        [chunk(0, 'Cotton shirts.')],
      );
      await knowledge.insertDocument(web.id, 'https://shop.example/other', fields('1000 cotton', 'Other.', { kind: 'page' }), [chunk(0, 'Other shirts.')]);

      assert.deepEqual(await knowledge.findDocument(web.id, 'https://shop.example/cotton'), {
        id: page,
        title: '100% Cotton',
        url: 'https://shop.example/cotton',
        kind: 'page',
        content: 'Cotton shirts.',
        contentHash: 'hash of 100% Cotton',
      });
      assert.equal(await knowledge.findDocument(web.id, 'https://shop.example/none'), null);
      const detail = (await knowledge.getDocument(file))!;
      assert.deepEqual(
        { ...detail, updatedAt: '' },
        {
          id: file,
          sourceId: files.id,
          sourceKey: 'file:Price_list 100%.pdf',
          title: 'Prices',
          url: null,
          kind: 'file',
          content: 'Prices.',
          updatedAt: '',
        },
      );
      assert.match(detail.updatedAt, ISO);
      assert.equal(await knowledge.getDocument(999_999), null);

      const all = await knowledge.listDocuments({ offset: 0, limit: 10 });
      assert.equal(all.total, 5);
      const fileRow = all.documents.find((d) => d.id === file)!;
      assert.deepEqual(
        { ...fileRow, updatedAt: '' },
        {
          id: file,
          sourceId: files.id,
          title: 'Prices',
          url: null,
          kind: 'file',
          updatedAt: '',
          fileName: 'Price_list 100%.pdf',
          chunks: 3,
          tokens: 15,
        },
      );
      assert.equal(all.documents.find((d) => d.kind === 'qa' && d.chunks === 0)?.tokens, 0, 'a document without chunks counts none');
      assert.equal(all.documents.find((d) => d.id === page)?.fileName, null);
      const order = all.documents.map((d) => `${d.updatedAt} ${String(d.id).padStart(9, '0')}`);
      assert.deepEqual(order, [...order].sort().reverse(), 'newest first, then the highest id');

      const paged = await knowledge.listDocuments({ offset: 1, limit: 2 });
      assert.equal(paged.total, 5);
      assert.deepEqual(
        paged.documents.map((d) => d.id),
        all.documents.slice(1, 3).map((d) => d.id),
      );
      assert.deepEqual((await knowledge.listDocuments({ sourceId: web.id, offset: 0, limit: 10 })).documents.map((d) => d.id).sort(), [page, page + 1]);
      const literal = await knowledge.listDocuments({ contains: '100%', offset: 0, limit: 10 });
      assert.deepEqual(
        literal.documents.map((d) => d.id).sort((a, b) => a - b),
        [file, page],
        '% is a character (the title "1000 cotton" does not match); a file matches by its name',
      );
      assert.equal(literal.total, 2);
      assert.deepEqual(
        (await knowledge.listDocuments({ contains: 'price_', offset: 0, limit: 10 })).documents.map((d) => d.id),
        [file],
        'any case; _ is a character',
      );
      assert.deepEqual(
        (await knowledge.listDocuments({ contains: 'SHOP.EXAMPLE/COTTON', offset: 0, limit: 10 })).documents.map((d) => d.id),
        [page],
        'by address',
      );
      assert.deepEqual(await knowledge.listDocuments({ contains: 'nothing like it', offset: 0, limit: 10 }), { documents: [], total: 0 });

      assert.equal(await knowledge.textEntryKey(qa), 'qa:1');
      assert.equal(await knowledge.textEntryKey(page), null, 'not an entry of the Text & Q&A source');
      assert.equal(await knowledge.qaEntryKey(text.id, 'How long is the warranty?'), 'qa:1', 'the oldest entry asking it');
      assert.equal(await knowledge.qaEntryKey(text.id, 'how long is the warranty?'), null, 'exactly that question');
      assert.deepEqual(await knowledge.documentsAt(web.id, 'https://shop.example/cotton'), [page]);
      assert.deepEqual(await knowledge.documentsAt(web.id, 'https://shop.example/other'), [page + 1], 'by key');
      assert.deepEqual(
        (await knowledge.documentKeys(web.id)).sort((a, b) => a.documentId - b.documentId),
        [
          { documentId: page, sourceKey: 'https://shop.example/cotton' },
          { documentId: page + 1, sourceKey: 'https://shop.example/other' },
        ],
      );
      assert.equal(await knowledge.countDocuments(text.id), 2);
      assert.equal(await knowledge.countDocuments(web.id), 2);

      const chunks = await knowledge.documentChunks(file);
      assert.deepEqual(
        chunks.map((c) => [c.text, c.textHash]),
        [
          ['first', 'h-first'],
          ['second', 'h-second'],
          ['third', 'h-third'],
        ],
      );
      assert.deepEqual(await knowledge.chunkTotals({ documentId: file }), { chunks: 3, tokens: 15 });
      assert.deepEqual(await knowledge.chunkTotals({ chunkIds: [chunks[0].chunkId, chunks[2].chunkId, 999_999] }), { chunks: 2, tokens: 10 });
      assert.deepEqual(await knowledge.chunkTotals({ chunkIds: [] }), { chunks: 0, tokens: 0 });

      const stats = await knowledge.sourceStats(null);
      assert.deepEqual(stats.get(files.id), { documents: 1, chunks: 3, tokens: 15, trainedChunks: 0 });
      assert.deepEqual(stats.get(text.id), { documents: 2, chunks: 1, tokens: 5, trainedChunks: 0 });
      assert.deepEqual(stats.get(web.id), { documents: 2, chunks: 2, tokens: 10, trainedChunks: 0 });

      const before = (await knowledge.getDocument(page))!.updatedAt;
      await sleep(5);
      assert.equal(await knowledge.setDocumentUrl(page, 'https://shop.example/cotton-shirts', (doc) => `${doc.title}|${doc.content}`), true);
      assert.deepEqual(await knowledge.findDocument(web.id, 'https://shop.example/cotton'), {
        id: page,
        title: '100% Cotton',
        url: 'https://shop.example/cotton-shirts',
        kind: 'page',
        content: 'Cotton shirts.',
        contentHash: '100% Cotton|Cotton shirts.',
      });
      assert.ok((await knowledge.getDocument(page))!.updatedAt > before, 'the change counts as an update');
      assert.equal(await knowledge.setDocumentUrl(999_999, null, () => 'x'), false);
      await assert.rejects(knowledge.insertDocument(web.id, 'https://shop.example/other', fields('Again'), []), 'a source holds one document per key');
    });

    it('a large document written in slices: its write is recorded, switched, its old chunks removed a few at a time, then ended', async (t) => {
      const { stores } = await openStores(t);
      const { knowledge } = stores;
      const source = await knowledge.sourceOfKind('files');
      const id = await knowledge.insertDocument(source.id, 'file:big.txt', fields('Big', 'v1'), null);
      assert.deepEqual(await knowledge.pendingDocumentWrites(), [{ documentId: id, lastOldPosition: -1, phase: 'inserting' }]);
      assert.equal(await knowledge.lastChunkPosition(id), -1);
      await knowledge.insertChunks(id, [chunk(0, 'a'), chunk(1, 'b')], 0);
      await knowledge.insertChunks(id, [chunk(0, 'c')], 2);
      await knowledge.endDocumentWrite(id);
      assert.deepEqual(await knowledge.pendingDocumentWrites(), []);
      assert.equal(await knowledge.lastChunkPosition(id), 2);

      // Version 2: new chunks after the old ones, then the switch, then the old ones removed in slices.
      await knowledge.beginDocumentWrite(id, 2, 'inserting');
      await knowledge.insertChunks(id, [chunk(0, 'd'), chunk(1, 'e')], 3);
      assert.equal(await knowledge.countChunks(id), 5);
      await knowledge.switchDocument(id, fields('Big v2', 'v2'));
      assert.deepEqual(await knowledge.pendingDocumentWrites(), [{ documentId: id, lastOldPosition: 2, phase: 'removing' }]);
      assert.equal((await knowledge.getDocument(id))?.title, 'Big v2');
      assert.equal(await knowledge.removeChunks(id, { upTo: 2 }, 2), 2, 'at most the limit');
      assert.deepEqual(
        (await knowledge.documentChunks(id)).map((c) => c.text),
        ['c', 'd', 'e'],
        'the lowest positions first',
      );
      assert.equal(await knowledge.removeChunks(id, { upTo: 2 }, 2), 1);
      assert.equal(await knowledge.removeChunks(id, { upTo: 2 }, 2), 0);
      await knowledge.endDocumentWrite(id);
      assert.deepEqual(
        (await knowledge.documentChunks(id)).map((c) => c.text),
        ['d', 'e'],
      );

      await knowledge.replaceDocument(id, fields('Big v3', 'v3'), [chunk(0, 'f')]);
      assert.deepEqual(
        (await knowledge.documentChunks(id)).map((c) => c.text),
        ['f'],
      );
      assert.equal(await knowledge.lastChunkPosition(id), 0, 'replaced chunks start again at 0');

      await knowledge.beginDocumentWrite(id, 0, 'deleting');
      assert.equal(await knowledge.deleteDocument(id), true);
      assert.equal(await knowledge.deleteDocument(id), false, 'gone');
      assert.equal(await knowledge.countChunks(id), 0);
      assert.deepEqual(await knowledge.pendingDocumentWrites(), [], 'its write record goes with it');
    });

    it('writes racing on one source or document: no change is lost, a document is deleted once', async (t) => {
      const { stores } = await openStores(t);
      const { knowledge } = stores;
      const web = await knowledge.createSource('web', 'Shop', { depth: 1 }, 'off');
      // Different fields changed at once (two admins, two nodes): both stay.
      for (let round = 0; round < 5; round++) {
        await Promise.all([
          knowledge.updateSource(web.id, { name: `Shop ${round}` }),
          knowledge.updateSource(web.id, { schedule: round % 2 ? 'daily' : 'weekly' }),
          knowledge.updateSource(web.id, { config: { depth: round } }),
          knowledge.recordSync(web.id, `error ${round}`),
        ]);
        assert.deepEqual(
          { ...(await knowledge.getSource(web.id))!, lastSyncedAt: null },
          {
            id: web.id,
            kind: 'web',
            name: `Shop ${round}`,
            enabled: true,
            config: { depth: round },
            schedule: round % 2 ? 'daily' : 'weekly',
            lastSyncedAt: null,
            lastError: `error ${round}`,
          },
        );
      }
      const id = await knowledge.insertDocument(web.id, 'https://shop.example/', fields('Home'), [chunk(0, 'a'), chunk(1, 'b')]);
      const renamed = await Promise.all(['/a', '/b', '/c'].map((url) => knowledge.setDocumentUrl(id, url, (doc) => `${doc.title}${url}`)));
      assert.deepEqual(renamed, [true, true, true]);
      const after = (await knowledge.findDocument(web.id, 'https://shop.example/'))!;
      assert.equal(after.contentHash, `Home${after.url}`, 'the hash is of the address written with it');
      const deleted = await Promise.all([1, 2, 3, 4].map(() => knowledge.deleteDocument(id)));
      assert.deepEqual(deleted.filter(Boolean), [true], 'deleted once');
      assert.equal(await knowledge.countChunks(id), 0);
    });

    it("a chunk's vectors go with it: written chunks get their cached vectors at once, replaced and deleted chunks take theirs along", async (t) => {
      const { knowledge, vectors } = (await openStores(t)).stores;
      const source = await knowledge.sourceOfKind('files');
      const index = await vectors.setDimensions(await vectors.ensureActiveIndex(SPACE), D);
      const vector = Float32Array.from({ length: D }, (_, i) => i + 1);
      await vectors.cacheVectors(SPACE, [{ textHash: 'paid', vector }]);

      const id = await knowledge.insertDocument(source.id, 'file:a.txt', fields('A', 'old'), [chunk(0, 'old text', 'paid'), chunk(1, 'more old text')]);
      assert.equal(await vectors.countVectors(index), 1, 'the chunk whose text was embedded before has its vector back, free');
      assert.deepEqual(await knowledge.chunkTotals({ documentId: id }), { chunks: 2, tokens: 10 });
      assert.deepEqual((await knowledge.sourceStats(index)).get(source.id), { documents: 1, chunks: 2, tokens: 10, trainedChunks: 1 });
      assert.equal((await knowledge.sourceStats(null)).get(source.id)?.trainedChunks, 0);

      await knowledge.replaceDocument(id, fields('A', 'new'), [chunk(0, 'new text')]);
      assert.equal(await vectors.countVectors(index), 0, "the old chunk's vector left with it");

      await knowledge.insertChunks(id, [chunk(0, 'paid again', 'paid')], 5);
      assert.equal(await vectors.countVectors(index), 1);
      assert.equal(await knowledge.removeChunks(id, { after: 0 }, 10), 1, 'only the chunks after position 0');
      assert.equal(await vectors.countVectors(index), 0);

      await knowledge.insertChunks(id, [chunk(0, 'paid once more', 'paid')], 6);
      assert.equal(await vectors.countVectors(index), 1);
      assert.equal(await knowledge.deleteDocument(id), true);
      assert.equal(await vectors.countVectors(index), 0, 'a deleted document takes its vectors along');
    });

    it("the keyword search takes plain words: any may match, and quotes or query operators in them are words, never syntax; a switched-off source's chunks are never found", async (t) => {
      const { stores } = await openStores(t);
      const { knowledge } = stores;
      const source = await knowledge.sourceOfKind('text');
      await knowledge.insertDocument(source.id, 'a', fields('Warranty'), [chunk(0, 'The warranty covers parts for two years.')]);
      await knowledge.insertDocument(source.id, 'b', fields('Shipping'), [chunk(0, 'Shipping takes a week to most countries.')]);

      assert.equal((await knowledge.keywordSearch(['warranty'], 10)).length, 1);
      assert.equal((await knowledge.keywordSearch(['warranty', 'shipping', 'nothing'], 10)).length, 2, 'any word may match');
      assert.equal((await knowledge.keywordSearch(['warranty', 'shipping'], 1)).length, 1, 'at most the limit');
      assert.deepEqual(await knowledge.keywordSearch([], 10), []);
      assert.deepEqual(await knowledge.keywordSearch(['zebra'], 10), []);
      for (const hostile of [
        '"',
        'warr*',
        'warr:*',
        'a" OR "warranty',
        'NEAR(warranty shipping)',
        'warranty:',
        '^shipping',
        '(',
        'AND',
        '!warranty',
        'warranty & shipping',
        "'",
        '\\',
      ]) {
        const ids = await knowledge.keywordSearch([hostile], 10);
        assert.ok(Array.isArray(ids), `${hostile} is searched for, not run`);
      }
      assert.equal((await knowledge.keywordSearch(['warr*'], 10)).length, 0, 'a * is not a prefix query');
      assert.equal((await knowledge.keywordSearch(['warr:*'], 10)).length, 0, 'nor :*');
      assert.equal((await knowledge.keywordSearch(['!warranty'], 10)).length, 1, 'a ! is no negation: the word is found');

      const web = await knowledge.createSource('web', 'Shop', {}, 'off');
      await knowledge.insertDocument(web.id, 'https://shop.example/cotton', fields('Cotton'), [chunk(0, 'Cotton shirts.')]);
      const [cotton] = await knowledge.keywordSearch(['cotton'], 10);
      const found = await knowledge.enabledChunks([cotton]);
      assert.deepEqual(found, [
        {
          chunkId: cotton,
          documentId: found[0].documentId,
          title: 'Cotton',
          url: null,
          headingPath: 'Guide › Setup',
          content: 'Cotton shirts.',
          tokens: 5,
        },
      ]);
      assert.deepEqual(await knowledge.enabledChunks([]), []);
      await knowledge.updateSource(web.id, { enabled: false });
      assert.deepEqual(await knowledge.enabledChunks([cotton]), []);
    });

    it('keywords are stemmed as the index was, and a rare word’s chunk comes first however often the common words appear', async (t) => {
      const { stores } = await openStores(t);
      const { knowledge } = stores;
      const texts = Array.from({ length: 200 }, (_, i) => `The printer warranty: warranty claims, warranty terms and warranty repairs, case ${i}.`);
      texts.push('Error E1234 when the printer runs out of paper.', 'The installer keeps running after the update.');
      const ids = await addChunks(knowledge, texts);
      const [runs, running] = ids.slice(-2);

      assert.deepEqual(new Set(await knowledge.keywordSearch(['runs'], 10)), new Set([running, runs]), '"runs" finds "running" too');
      assert.deepEqual(new Set(await knowledge.keywordSearch(['running'], 10)), new Set([running, runs]));
      assert.deepEqual(await knowledge.keywordSearch(['e1234'], 10), [runs], 'an error code finds its chunk');
      assert.deepEqual((await knowledge.keywordSearch(['warranty', 'printer', 'e1234'], 5))[0], runs, 'the rare word outweighs common words said four times');
      assert.equal((await knowledge.keywordSearch(['warranty'], 500)).length, 200);
    });

    it('on a large knowledge base, common words are left out and the rare word ranked: its chunk comes first; a question of common words only finds nothing', async (t) => {
      // Each backend has its own numbers (its cost per match): a word in more than `cap` chunks is left out, and
      // the rarest words are ranked up to twice that in all. Here every chunk says "install", "product",
      // "account", "settings" and "running" (a few "runs"): 2.2 caps, well over; cobalt, marble and saffron are in
      // 0.95, 0.9 and 1 cap of chunks, under it but over the total together; one chunk has the code zx81sku.
      const bounds = backend.name === 'postgres' ? POSTGRES_KEYWORD_BOUNDS : SQLITE_KEYWORD_BOUNDS;
      const cap = bounds.wordChunks;
      assert.equal(bounds.rankedChunks, 2 * cap);
      const total = Math.round(2.2 * cap);
      const rareAt = Math.round(0.1234 * cap);
      const open = await openStores(t);
      const { knowledge } = open.stores;
      const texts = Array.from({ length: total }, (_, i) =>
        [
          `install the product for your account settings, chunk ${i}`,
          i % Math.round(cap / 2) === 7 ? 'runs' : 'running',
          i < 0.95 * cap ? 'cobalt' : '',
          i >= 1.2 * cap && i < 2.1 * cap ? 'marble' : '',
          i >= 0.1 * cap && i < 1.1 * cap ? 'saffron' : '',
          i === rareAt ? 'the zx81sku model' : '',
        ].join(' '),
      );
      const ids = await addChunks(knowledge, texts);
      const rare = ids[rareAt];
      // PostgreSQL: with the planner's statistics, the words in every chunk are left out without being counted.
      if (open.postgres) await open.postgres.pool.query('ANALYZE chunks');

      const question = ['install', 'product', 'account', 'settings', 'runs', 'zx81sku'];
      assert.deepEqual(await knowledge.keywordSearch(question, 24), [rare], 'only the rare word is ranked, and its chunk is found');
      assert.deepEqual(await knowledge.keywordSearch(['install', 'product', 'account', 'settings', 'running'], 24), [], 'every word common: no keyword hits');
      assert.deepEqual(await knowledge.keywordSearch(['runs'], 24), [], '"runs" is counted as its stem "run": in every chunk');
      // Eight words, five of them in every chunk: the rare word's chunk first, then chunks of the words under the cap.
      const many = await knowledge.keywordSearch(['install', 'product', 'account', 'settings', 'running', 'cobalt', 'marble', 'zx81sku'], 24);
      assert.equal(many[0], rare);
      assert.equal(many.length, 24);
      const position = new Map(ids.map((id, i) => [id, i]));
      assert.ok(
        many.every((id) => texts[position.get(id)!].includes('cobalt') || texts[position.get(id)!].includes('marble')),
        'no chunk found by a common word alone',
      );
      // Under the per-word cap, but over the total: the rarest words are ranked, up to the total.
      assert.deepEqual(
        await knowledge.keywordSearch(['saffron', 'marble', 'cobalt'], 24),
        await knowledge.keywordSearch(['marble', 'cobalt'], 24),
        'the same as searching the two rarer words alone',
      );
      assert.notDeepEqual(await knowledge.keywordSearch(['saffron'], 24), [], 'saffron alone is ranked');
    });
  });
}

// PostgreSQL: every node keeps the vector index in memory and learns of the others' writes from vector_changes
// and NOTIFY docent_vectors. A chunk written or removed by the knowledge store is one such write.
const postgres = backends().find((b) => b.name === 'postgres')!;
describe('knowledge store (postgres): chunk vectors reach the other nodes', { skip: postgres.skip }, () => {
  it('restored and removed vectors are logged in vector_changes and announced at commit', async (t) => {
    const open = await postgres.open();
    const pool = open.postgres!.pool;
    const { knowledge } = open.stores;
    const listener = new pg.Client({ connectionString: pool.options.connectionString });
    await listener.connect();
    t.after(async () => {
      await listener.end();
      await open.close();
    });
    const notified: string[] = [];
    listener.on('notification', (n) => notified.push(`${n.channel}:${n.payload}`));
    await listener.query('LISTEN docent_vectors');

    // An active and a building index, and a vector paid for in each one's space (as the vector store writes them).
    const index = (await pool.query("INSERT INTO vector_indexes (endpoint, model, dimensions, status) VALUES ('openrouter', 'a', 8, 'active') RETURNING id"))
      .rows[0].id as number;
    const building = (
      await pool.query("INSERT INTO vector_indexes (endpoint, model, dimensions, status) VALUES ('openrouter', 'b', 8, 'building') RETURNING id")
    ).rows[0].id as number;
    const vector = Buffer.from(Float32Array.from({ length: D }, (_, i) => i - 3.5).buffer);
    await pool.query("INSERT INTO embedding_cache (endpoint, model, text_hash, dimensions, vector) VALUES ('openrouter', 'a', 'paid', 8, $1)", [vector]);
    await pool.query("INSERT INTO embedding_cache (endpoint, model, text_hash, dimensions, vector) VALUES ('openrouter', 'b', 'paid', 8, $1)", [vector]);

    const source = await knowledge.sourceOfKind('text');
    const id = await knowledge.insertDocument(source.id, 'k', fields('K'), [chunk(0, 'paid text', 'paid'), chunk(1, 'unpaid text')]);
    const [paid] = await knowledge.documentChunks(id);
    const stored = await pool.query('SELECT index_id, chunk_id, length(code) AS bytes FROM index_vectors ORDER BY index_id');
    assert.deepEqual(stored.rows, [
      { index_id: index, chunk_id: paid.chunkId, bytes: 4 + D / 2 },
      { index_id: building, chunk_id: paid.chunkId, bytes: 4 + D / 2 },
    ]);
    const changes = async () => (await pool.query('SELECT id, index_id, chunk_id, deleted FROM vector_changes ORDER BY id')).rows;
    const added = await changes();
    assert.deepEqual(
      added.map((c) => [c.index_id, c.chunk_id, c.deleted]),
      [
        [index, paid.chunkId, false],
        [building, paid.chunkId, false],
      ],
    );
    for (let i = 0; i < 50 && notified.length < 2; i++) await sleep(10);
    assert.deepEqual(notified, [`docent_vectors:${added[0].id}`, `docent_vectors:${added[1].id}`], 'each write announced with its last change');

    // A rolled-back write announces nothing and leaves no change behind.
    await assert.rejects(knowledge.insertDocument(source.id, 'k', fields('K again'), [chunk(0, 'paid text', 'paid')]));
    assert.equal((await changes()).length, 2);

    assert.equal(await knowledge.deleteDocument(id), true);
    const all = await changes();
    assert.deepEqual(
      all.slice(2).map((c) => [c.index_id, c.chunk_id, c.deleted]),
      [
        [index, paid.chunkId, true],
        [building, paid.chunkId, true],
      ],
    );
    assert.equal((await pool.query('SELECT count(*) AS n FROM index_vectors')).rows[0].n, 0);
    for (let i = 0; i < 50 && notified.length < 3; i++) await sleep(10);
    assert.deepEqual(notified.slice(2), [`docent_vectors:${all[3].id}`], 'the removal announced once, with its last change');
  });
});
