// Writing documents: large ones in slices with the event loop free between them, and a write cut off
// half-way (a crash) finished or undone at the next start, so nothing stored is lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createTestApp, type TestApp } from '../../e2e/support/harness.js';
import { type TestDb, testDb } from '../../e2e/support/test-db.js';
import { createInProcessReader } from './ingest/reader.js';
import { deleteDocument, recoverDocumentWrites, upsertDocument, WRITE_BATCH } from './documents.js';

const reader = createInProcessReader();

/** A document of `paragraphs` distinct paragraphs of about 60 tokens: with 100-token chunks, one chunk each. */
function manual(paragraphs: number, version: string) {
  const text = Array.from(
    { length: paragraphs },
    (_, i) =>
      `Section ${i} of the ${version} manual: part ${i} ships in ${(i % 9) + 1} days, weighs ${i} grams, comes in a recycled box with a printed guide, and can be returned within thirty days for a full refund of the price paid.`,
  ).join('\n\n');
  return { title: 'Manual', url: null, text, sourceKey: 'file:manual.txt' };
}
const OPTIONS = { maxTokens: 100, overlapTokens: 0 };

/**
 * Runs `write` with a "power cut": the chunk whose content mentions `section` of `version` cannot be
 * inserted (or removed); the write must fail half-way, leaving what a crash would leave.
 */
async function cutOff(db: TestDb, on: 'INSERT' | 'DELETE', section: number, version: string, write: () => Promise<unknown>) {
  const row = on === 'INSERT' ? 'new' : 'old';
  const cut = `${row}.content LIKE '%Section ${section} of the ${version}%'`;
  if (db.backend === 'sqlite') {
    await db.run(`CREATE TEMP TRIGGER crash BEFORE ${on} ON chunks WHEN ${cut} BEGIN SELECT RAISE(ABORT, 'power cut'); END`);
  } else {
    await db.run(
      `CREATE FUNCTION power_cut() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF ${cut} THEN RAISE EXCEPTION 'power cut'; END IF; RETURN ${row}; END $$`,
    );
    await db.run(`CREATE TRIGGER crash BEFORE ${on} ON chunks FOR EACH ROW EXECUTE FUNCTION power_cut()`);
  }
  try {
    await assert.rejects(write(), /power cut/);
  } finally {
    if (db.backend === 'sqlite') await db.run('DROP TRIGGER crash');
    else await db.run('DROP FUNCTION power_cut() CASCADE');
  }
}

async function app(t: { after(fn: () => unknown): void }): Promise<TestApp> {
  const testApp = await createTestApp();
  t.after(testApp.close);
  return testApp;
}

const chunkTexts = (testApp: TestApp, documentId: number) =>
  testDb(testApp.app)
    .all<{ content: string }>('SELECT content FROM chunks WHERE document_id = ? ORDER BY position', documentId)
    .then((rows) => rows.map((r) => r.content));
/** Chunks the keyword index finds with `word`: FTS5's table on SQLite, the tsvector column on PostgreSQL. */
const keywordHits = (testApp: TestApp, word: string) => {
  const db = testDb(testApp.app);
  return db.backend === 'sqlite'
    ? db.value<number>('SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?', word)
    : db.value<number>("SELECT count(*) FROM chunks WHERE search @@ plainto_tsquery('english', ?)", word);
};

test('a large document is written in slices: the event loop stays free, and the result is the whole new version', async (t) => {
  const testApp = await app(t);
  const { stores } = testApp.app;
  const db = testDb(testApp.app);
  const files = (await stores.knowledge.sourceOfKind('files')).id;
  const paragraphs = WRITE_BATCH * 12;
  const first = await upsertDocument(stores.knowledge, reader, files, manual(paragraphs, 'spring'), 'file', OPTIONS);
  assert.equal(first.status, 'added');
  assert.ok(first.chunks > WRITE_BATCH * 8, `${first.chunks} chunks`);

  // Other work gets the event loop between slices: a ticker that reschedules itself keeps running.
  let turns = 0;
  let writing = true;
  const tick = () => {
    if (writing) {
      turns++;
      setImmediate(tick);
    }
  };
  setImmediate(tick);
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const second = await upsertDocument(stores.knowledge, reader, files, manual(paragraphs, 'autumn'), 'file', OPTIONS);
  loop.disable();
  writing = false;
  assert.equal(second.status, 'updated');
  const slices = Math.ceil(second.chunks / WRITE_BATCH) + Math.ceil(first.chunks / WRITE_BATCH);
  assert.ok(turns >= slices - 2, `other work ran ${turns} times during ${slices} slices`);
  // And a gross bound for a shared machine: the longest stall is one slice, not the whole write.
  assert.ok(loop.max / 1e6 < 2000, `the event loop stalled for ${Math.round(loop.max / 1e6)} ms`);
  const texts = await chunkTexts(testApp, second.documentId);
  assert.equal(texts.length, second.chunks);
  assert.ok(
    texts.every((c) => c.includes('autumn manual')),
    'only the new version is left',
  );
  assert.equal(await keywordHits(testApp, 'spring'), 0);
  assert.equal(await keywordHits(testApp, 'autumn'), second.chunks);
  assert.equal(await db.value('SELECT count(*) FROM document_writes'), 0);
});

test('an update cut off before its switch is undone at the next start: the old version is whole', async (t) => {
  const testApp = await app(t);
  const { stores } = testApp.app;
  const db = testDb(testApp.app);
  const files = (await stores.knowledge.sourceOfKind('files')).id;
  const before = await upsertDocument(stores.knowledge, reader, files, manual(WRITE_BATCH * 3, 'spring'), 'file', OPTIONS);
  // The "crash": a chunk of the third slice cannot be written.
  await cutOff(db, 'INSERT', WRITE_BATCH * 2 + 5, 'autumn', () =>
    upsertDocument(stores.knowledge, reader, files, manual(WRITE_BATCH * 3, 'autumn'), 'file', OPTIONS),
  );
  assert.ok(
    (await chunkTexts(testApp, before.documentId)).some((c) => c.includes('autumn')),
    'half of the new version was written',
  );

  assert.equal(await recoverDocumentWrites(stores.knowledge), 1);
  const texts = await chunkTexts(testApp, before.documentId);
  assert.equal(texts.length, before.chunks);
  assert.ok(texts.every((c) => c.includes('spring manual')));
  assert.equal((await db.value('SELECT content_hash FROM documents WHERE id = ?', before.documentId)) !== null, true);
  // The next upload of the new version is a normal update.
  const again = await upsertDocument(stores.knowledge, reader, files, manual(WRITE_BATCH * 3, 'autumn'), 'file', OPTIONS);
  assert.equal(again.status, 'updated');
  assert.ok((await chunkTexts(testApp, before.documentId)).every((c) => c.includes('autumn manual')));
});

test('an update cut off after its switch is finished at the next start; a new document cut off is removed', async (t) => {
  const testApp = await app(t);
  const { stores } = testApp.app;
  const db = testDb(testApp.app);
  const files = (await stores.knowledge.sourceOfKind('files')).id;
  const old = await upsertDocument(stores.knowledge, reader, files, manual(WRITE_BATCH * 3, 'spring'), 'file', OPTIONS);
  // Cut off while removing the old chunks: the document already says it is the new version.
  await cutOff(db, 'DELETE', WRITE_BATCH + 5, 'spring', () =>
    upsertDocument(stores.knowledge, reader, files, manual(WRITE_BATCH * 3, 'autumn'), 'file', OPTIONS),
  );
  assert.match(await db.value<string>('SELECT content FROM documents WHERE id = ?', old.documentId), /autumn/);

  // A new large document cut off half-way.
  await cutOff(db, 'INSERT', WRITE_BATCH + 5, 'winter', () =>
    upsertDocument(stores.knowledge, reader, files, { ...manual(WRITE_BATCH * 3, 'winter'), sourceKey: 'file:winter.txt' }, 'file', OPTIONS),
  );

  assert.equal(await recoverDocumentWrites(stores.knowledge), 2);
  const texts = await chunkTexts(testApp, old.documentId);
  assert.ok(texts.length > WRITE_BATCH && texts.every((c) => c.includes('autumn manual')), 'the update is complete');
  assert.equal(await db.value("SELECT count(*) FROM documents WHERE source_key = 'file:winter.txt'"), 0, 'the half-written document is gone');
  assert.equal(await keywordHits(testApp, 'winter'), 0);
  assert.equal(await keywordHits(testApp, 'spring'), 0);
});

test('deleting a large document removes it in slices; a deletion cut off is completed at the next start', async (t) => {
  const testApp = await app(t);
  const { stores } = testApp.app;
  const db = testDb(testApp.app);
  const files = (await stores.knowledge.sourceOfKind('files')).id;
  const doc = await upsertDocument(stores.knowledge, reader, files, manual(WRITE_BATCH * 3, 'spring'), 'file', OPTIONS);
  await cutOff(db, 'DELETE', WRITE_BATCH + 5, 'spring', () => deleteDocument(stores.knowledge, doc.documentId));
  assert.equal(await recoverDocumentWrites(stores.knowledge), 1);
  assert.equal(await db.value('SELECT count(*) FROM documents'), 0);
  assert.equal(await db.value('SELECT count(*) FROM chunks'), 0);
  assert.equal(await keywordHits(testApp, 'spring'), 0);
});
