// The KnowledgeStore as training and retrieval use it, on a real SQLite file: the keyword search takes words and
// never runs them as FTS5 syntax, a chunk's vectors are written and removed with it, and a switched-off source's
// content is never found.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test, { type TestContext } from 'node:test';
import type { ChunkWrite, DocumentFields } from '../knowledge-store.js';
import { openSqliteStores, type SqliteStores } from './open.js';

const D = 8;
const SPACE = { endpoint: 'openrouter', model: 'test/embed' };

function open(t: TestContext): SqliteStores {
  const dir = mkdtempSync(path.join(tmpdir(), 'docent-knowledge-store-'));
  const stores = openSqliteStores(path.join(dir, 'docent.db'));
  t.after(() => {
    stores.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return stores;
}

const fields = (title: string, content: string): DocumentFields => ({
  title,
  url: null,
  kind: 'text',
  content,
  contentHash: `hash of ${title}`,
  tokenCount: 10,
  modifiedAt: null,
});
const chunk = (index: number, text: string, hash = `h-${text}`): ChunkWrite => ({ index, text, content: text, headingPath: [], tokenCount: 5, hash });

test('the keyword search takes plain words: any may match, and quotes or FTS5 operators in them are words, never syntax', async (t) => {
  const { knowledge } = open(t);
  const source = await knowledge.sourceOfKind('text');
  await knowledge.insertDocument(source.id, 'a', fields('Warranty', 'The warranty covers parts.'), [chunk(0, 'The warranty covers parts for two years.')]);
  await knowledge.insertDocument(source.id, 'b', fields('Shipping', 'Shipping takes a week.'), [chunk(0, 'Shipping takes a week to most countries.')]);

  assert.equal((await knowledge.keywordSearch(['warranty'], 10)).length, 1);
  assert.equal((await knowledge.keywordSearch(['warranty', 'shipping', 'nothing'], 10)).length, 2, 'any word may match');
  assert.equal((await knowledge.keywordSearch(['warranty', 'shipping'], 1)).length, 1, 'at most the limit');
  assert.deepEqual(await knowledge.keywordSearch([], 10), []);
  for (const hostile of ['"', 'warr*', 'a" OR "warranty', 'NEAR(warranty shipping)', 'warranty:', '^shipping', '(', 'AND']) {
    const ids = await knowledge.keywordSearch([hostile], 10);
    assert.ok(Array.isArray(ids), `${hostile} is searched for, not run`);
  }
  assert.equal((await knowledge.keywordSearch(['warr*'], 10)).length, 0, 'a * is not a prefix query');
});

test("a chunk's vectors go with it: written chunks get their cached vectors at once, replaced and deleted chunks take theirs along", async (t) => {
  const { knowledge, vectors } = open(t);
  const source = await knowledge.sourceOfKind('files');
  const index = await vectors.setDimensions(await vectors.ensureActiveIndex(SPACE), D);
  const vector = Float32Array.from({ length: D }, (_, i) => i + 1);
  await vectors.cacheVectors(SPACE, [{ textHash: 'paid', vector }]);

  const id = await knowledge.insertDocument(source.id, 'file:a.txt', fields('A', 'old'), [chunk(0, 'old text', 'paid'), chunk(1, 'more old text')]);
  assert.equal(await vectors.countVectors(index), 1, 'the chunk whose text was embedded before has its vector back, free');
  assert.deepEqual(await knowledge.chunkTotals({ documentId: id }), { chunks: 2, tokens: 10 });

  await knowledge.replaceDocument(id, fields('A', 'new'), [chunk(0, 'new text')]);
  assert.equal(await vectors.countVectors(index), 0, "the old chunk's vector left with it");
  assert.deepEqual(
    (await knowledge.documentChunks(id)).map((c) => c.text),
    ['new text'],
  );

  await knowledge.insertChunks(id, [chunk(0, 'paid again', 'paid')], 5);
  assert.equal(await vectors.countVectors(index), 1);
  assert.equal(await knowledge.lastChunkPosition(id), 5);
  assert.equal(await knowledge.removeChunks(id, { after: 0 }, 10), 1, 'only the chunks after position 0');
  assert.equal(await vectors.countVectors(index), 0);

  assert.equal(await knowledge.deleteDocument(id), true);
  assert.equal(await knowledge.deleteDocument(id), false, 'gone');
  assert.equal(await knowledge.countChunks(id), 0);
  assert.deepEqual(await knowledge.pendingDocumentWrites(), []);
});

test("a switched-off source's chunks are never found; the documents list matches % and _ literally", async (t) => {
  const { knowledge } = open(t);
  const web = await knowledge.createSource('web', 'Shop', { mode: 'urls', urls: ['https://shop.example/'] }, 'off');
  const id = await knowledge.insertDocument(web.id, 'https://shop.example/cotton', fields('100% cotton', 'Cotton shirts.'), [chunk(0, 'Cotton shirts.')]);
  await knowledge.insertDocument(web.id, 'https://shop.example/other', fields('1000 cotton', 'Other shirts.'), [chunk(0, 'Other shirts.')]);
  const [chunkId] = await knowledge.keywordSearch(['cotton'], 10);
  assert.equal((await knowledge.enabledChunks([chunkId])).length, 1);

  const listed = await knowledge.listDocuments({ contains: '100%', offset: 0, limit: 10 });
  assert.equal(listed.total, 1);
  assert.deepEqual(
    listed.documents.map((d) => [d.id, d.title, d.chunks]),
    [[id, '100% cotton', 1]],
  );

  await knowledge.updateSource(web.id, { enabled: false });
  assert.deepEqual(await knowledge.enabledChunks([chunkId]), []);
  assert.equal((await knowledge.getSource(web.id))?.name, 'Shop', 'an update changes only the fields given');
});
