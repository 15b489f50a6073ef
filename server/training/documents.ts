// Documents and their chunks. Content is hashed: an unchanged document is a no-op, a changed one is
// re-chunked, and any chunk whose text was embedded before gets its vector back from the cache, free.
//
// Writes happen on the server's event loop, so a large document is written in slices of WRITE_BATCH chunks,
// each its own short transaction, with the event loop free between them (a 5-million-character file is
// about 9,000 chunks: one transaction would stall every visitor for a second or more). Nothing stored is
// lost meanwhile: an update adds the new chunks beside the old ones (positions after the old last one), then
// switches the document to its new text, then removes the old chunks. `document_writes` records a write in
// progress, so a crash at any step is rolled back or finished at the next start (recoverDocumentWrites).
import { createHash } from 'node:crypto';
import { setImmediate as yieldToVisitors } from 'node:timers/promises';
import { z } from 'zod';
import { perDatabase, type Db } from '../stores/sqlite/database.js';
import type { ChunkOptions } from './ingest/chunk.js';
import type { ContentReader } from './ingest/reader.js';
import type { Chunk, ExtractedDocument } from './ingest/types.js';
import { activeIndex, buildingIndex, deleteVectors, insertVectors, type VectorIndex } from '../vectors/vector-index.js';
import { chunkTotals } from './stats.js';

export type DocumentKind = 'page' | 'file' | 'text' | 'qa' | 'post';
export interface UpsertResult {
  documentId: number;
  status: 'added' | 'updated' | 'unchanged';
  chunks: number;
  tokens: number;
}

/** Chunks written or removed per transaction: about 15 ms each on a small server. */
export const WRITE_BATCH = 250;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const contentHash = (title: string, url: string | null, text: string) => sha256(`${title}\n${url ?? ''}\n${text}`);

/**
 * The optional public address of an uploaded file or a Text entry: where visitors can read it. With one, the
 * widget lists the document as a source link; without one, it is never shown to visitors (the model still reads it).
 */
export const PublicUrl = z
  .string()
  .trim()
  .max(2000, 'Keep the address under 2,000 characters.')
  .refine(
    (v) => v === '' || z.url({ protocol: /^https?$/ }).safeParse(v).success,
    'Enter the full public address, starting with https:// or http://, e.g. https://example.com/warranty.',
  )
  .nullable()
  .transform((v) => v || null);

/** A Q&A entry as a document: titled by its question, its content "# <question>\n\n<answer>" (qaAnswer reads it back). */
export const qaDocument = (question: string, answer: string) => ({ title: question, text: `# ${question}\n\n${answer}` });

const findDocument = (db: Db, sourceId: number, sourceKey: string) =>
  db.prepare('SELECT id, content_hash, title, url, kind, content FROM documents WHERE source_id = ? AND source_key = ?').get(sourceId, sourceKey) as
    | { id: number; content_hash: string; title: string; url: string | null; kind: string; content: string }
    | undefined;

/** A document's public address, or null (also when there is no such document). */
export const documentUrl = (db: Db, sourceId: number, sourceKey: string): string | null => findDocument(db, sourceId, sourceKey)?.url ?? null;

/** Sets a document's public address. Its chunks stay as they are: a URL is not part of what is embedded. */
export function setDocumentUrl(db: Db, documentId: number, url: string | null): void {
  const doc = db.prepare('SELECT title, content FROM documents WHERE id = ?').get(documentId) as { title: string; content: string } | undefined;
  if (!doc) return;
  db.prepare(`UPDATE documents SET url = ?, content_hash = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`).run(
    url,
    contentHash(doc.title, url, doc.content),
    documentId,
  );
}

// One document write at a time: a write spans several transactions, and two writes of one document
// (an upload and a sync, say) must not interleave.
const writeLock = perDatabase(() => ({ tail: Promise.resolve() as Promise<unknown> }));
function exclusively<T>(db: Db, write: () => Promise<T>): Promise<T> {
  const lock = writeLock(db);
  const run = lock.tail.then(write, write);
  lock.tail = run.catch(() => undefined);
  return run;
}

/**
 * Adds or updates one document. Chunking (tokenizing) runs in `reader` — an extraction process on the
 * server — and only the write happens here, in slices (see the top of this file).
 */
export async function upsertDocument(
  db: Db,
  reader: Pick<ContentReader, 'chunk'>,
  sourceId: number,
  doc: ExtractedDocument,
  kind: DocumentKind,
  chunkOptions?: ChunkOptions,
): Promise<UpsertResult> {
  const hash = contentHash(doc.title, doc.url, doc.text);
  const before = findDocument(db, sourceId, doc.sourceKey);
  if (before && before.content_hash === hash) return unchanged(db, before.id);
  if (before && before.title === doc.title && before.content === doc.text && before.kind === kind) {
    // Only the address changed: nothing to chunk again.
    setDocumentUrl(db, before.id, doc.url);
    return { ...unchanged(db, before.id), status: 'updated' };
  }
  const chunks = await reader.chunk({ title: doc.title, text: doc.text }, chunkOptions);
  const tokens = chunks.reduce((sum, c) => sum + c.tokenCount, 0);
  return exclusively(db, async () => {
    // Read again: another request may have written this document while it was being chunked.
    const existing = findDocument(db, sourceId, doc.sourceKey);
    if (existing && existing.content_hash === hash) return unchanged(db, existing.id);
    const fields = [doc.title, doc.url, kind, doc.text, hash, tokens, doc.modifiedAt ?? null] as const;

    if (!existing) {
      const small = chunks.length <= WRITE_BATCH;
      const id = db.transaction(() => {
        const newId = Number(
          db
            .prepare(`INSERT INTO documents (title, url, kind, content, content_hash, token_count, modified_at, source_id, source_key)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
            .run(...fields, sourceId, doc.sourceKey).lastInsertRowid,
        );
        if (small) insertChunkRows(db, newId, chunks, 0);
        // A large new document is undone whole if its write does not finish.
        else beginWrite(db, newId, -1, 'inserting');
        return newId;
      })();
      if (!small) {
        await insertChunks(db, id, chunks, 0);
        endWrite(db, id);
      }
      return { documentId: id, status: 'added', chunks: chunks.length, tokens };
    }

    const id = existing.id;
    const oldCount = countChunks(db, id);
    const update = () =>
      db
        .prepare(`UPDATE documents SET title = ?, url = ?, kind = ?, content = ?, content_hash = ?, token_count = ?, modified_at = ?,
      updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`)
        .run(...fields, id);
    if (chunks.length + oldCount <= WRITE_BATCH) {
      // Small enough for one transaction: replaced whole or not at all.
      db.transaction(() => {
        removeChunkRows(db, id, ALL);
        update();
        insertChunkRows(db, id, chunks, 0);
      })();
    } else {
      const lastOld = db.prepare('SELECT coalesce(max(position), -1) FROM chunks WHERE document_id = ?').pluck().get(id) as number;
      beginWrite(db, id, lastOld, 'inserting');
      await insertChunks(db, id, chunks, lastOld + 1);
      // The switch: from here on the document is its new version; what is left is removing the old chunks.
      db.transaction(() => {
        update();
        db.prepare("UPDATE document_writes SET phase = 'removing' WHERE document_id = ?").run(id);
      })();
      await removeChunks(db, id, { upTo: lastOld });
      endWrite(db, id);
    }
    return { documentId: id, status: 'updated', chunks: chunks.length, tokens };
  });
}

function unchanged(db: Db, documentId: number): UpsertResult {
  return { documentId, status: 'unchanged', ...chunkTotals(db, { documentId }) };
}

const countChunks = (db: Db, documentId: number) => db.prepare('SELECT count(*) FROM chunks WHERE document_id = ?').pluck().get(documentId) as number;

function beginWrite(db: Db, documentId: number, lastOldPosition: number, phase: 'inserting' | 'removing' | 'deleting'): void {
  db.prepare('INSERT OR REPLACE INTO document_writes (document_id, last_old_position, phase) VALUES (?, ?, ?)').run(documentId, lastOldPosition, phase);
}

function endWrite(db: Db, documentId: number): void {
  db.prepare('DELETE FROM document_writes WHERE document_id = ?').run(documentId);
}

/** Inserts chunks with positions from `firstPosition`, restoring cached vectors for them (one transaction). */
function insertChunkRows(db: Db, documentId: number, chunks: Chunk[], firstPosition: number): void {
  const insert = db.prepare('INSERT INTO chunks (document_id, position, text, content, heading_path, token_count, text_hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const ids: number[] = [];
  for (const c of chunks)
    ids.push(Number(insert.run(documentId, firstPosition + c.index, c.text, c.content, c.headingPath.join(' › '), c.tokenCount, c.hash).lastInsertRowid));
  for (const index of [activeIndex(db), buildingIndex(db)]) if (index) restoreCachedVectors(db, index, ids);
}

async function insertChunks(db: Db, documentId: number, chunks: Chunk[], firstPosition: number): Promise<void> {
  for (let i = 0; i < chunks.length; i += WRITE_BATCH) {
    if (i > 0) await yieldToVisitors();
    db.transaction(() => insertChunkRows(db, documentId, chunks.slice(i, i + WRITE_BATCH), firstPosition))();
  }
}

/** Gives chunks the vectors already paid for (same endpoint and model, same text). */
function restoreCachedVectors(db: Db, index: VectorIndex, chunkIds: number[]): void {
  if (!index.dimensions || chunkIds.length === 0) return;
  // CROSS JOIN: start from the chunks, not from every cached vector of the model.
  const rows = db
    .prepare(`SELECT c.id AS chunkId, e.vector FROM json_each(?) j CROSS JOIN chunks c ON c.id = j.value
    CROSS JOIN embedding_cache e ON e.endpoint = ? AND e.model = ? AND e.text_hash = c.text_hash`)
    .all(JSON.stringify(chunkIds), index.endpoint, index.model) as Array<{ chunkId: number; vector: Buffer }>;
  insertVectors(db, index, rows);
}

/** Positions of a document's chunks: [after, upTo]; a bound left out is open. */
interface Positions {
  after?: number;
  upTo?: number;
}
const ALL: Positions = {};

/** Removes chunks in `range` with their vectors, at most `limit` (all by default); returns how many. */
function removeChunkRows(db: Db, documentId: number, range: Positions, limit = -1): number {
  const ids = db
    .prepare('SELECT id FROM chunks WHERE document_id = ? AND position > ? AND position <= ? ORDER BY position LIMIT ?')
    .pluck()
    .all(documentId, range.after ?? -1, range.upTo ?? Number.MAX_SAFE_INTEGER, limit) as number[];
  deleteVectors(db, ids);
  const remove = db.prepare('DELETE FROM chunks WHERE id = ?');
  for (const chunkId of ids) remove.run(chunkId);
  return ids.length;
}

/** Removes the chunks in `range` in slices, the event loop free between them. */
async function removeChunks(db: Db, documentId: number, range: Positions): Promise<void> {
  while (db.transaction(() => removeChunkRows(db, documentId, range, WRITE_BATCH))() === WRITE_BATCH) await yieldToVisitors();
}

/** Deletes a document and its chunks; a large one in slices, gone from every list as soon as its last slice is. */
export async function deleteDocument(db: Db, documentId: number): Promise<boolean> {
  return exclusively(db, () => deleteDocumentNow(db, documentId));
}

async function deleteDocumentNow(db: Db, documentId: number): Promise<boolean> {
  if (db.prepare('SELECT 1 FROM documents WHERE id = ?').get(documentId) === undefined) return false;
  if (countChunks(db, documentId) > WRITE_BATCH) {
    beginWrite(db, documentId, -1, 'deleting');
    await removeChunks(db, documentId, ALL);
  }
  db.transaction(() => {
    removeChunkRows(db, documentId, ALL);
    db.prepare('DELETE FROM documents WHERE id = ?').run(documentId);
    endWrite(db, documentId);
  })();
  return true;
}

/** Deletes the documents of a source whose keys are not in `keep` (pages gone from the site). */
export async function deleteMissingDocuments(db: Db, sourceId: number, keep: Set<string>): Promise<number> {
  const rows = db.prepare('SELECT id, source_key FROM documents WHERE source_id = ?').all(sourceId) as Array<{ id: number; source_key: string }>;
  let deleted = 0;
  for (const row of rows) {
    if (keep.has(row.source_key)) continue;
    if (await deleteDocument(db, row.id)) deleted++;
    await yieldToVisitors();
  }
  return deleted;
}

export function deleteSourceDocuments(db: Db, sourceId: number): Promise<number> {
  return deleteMissingDocuments(db, sourceId, new Set());
}

/**
 * Finishes or undoes the document writes a crash interrupted: a new document half written is removed,
 * an update that had not switched yet loses its new chunks (the old version stays whole), one that had
 * switched loses its old chunks, a deletion is completed. Runs at start, before any job.
 */
export async function recoverDocumentWrites(db: Db): Promise<number> {
  const writes = db.prepare('SELECT document_id AS documentId, last_old_position AS lastOld, phase FROM document_writes').all() as Array<{
    documentId: number;
    lastOld: number;
    phase: 'inserting' | 'removing' | 'deleting';
  }>;
  for (const w of writes) {
    await exclusively(db, async () => {
      if (w.phase === 'deleting' || (w.phase === 'inserting' && w.lastOld < 0)) {
        await deleteDocumentNow(db, w.documentId);
        return;
      }
      // An update that had not switched loses its new chunks (after the old last position); one that had, its old ones.
      await removeChunks(db, w.documentId, w.phase === 'inserting' ? { after: w.lastOld } : { upTo: w.lastOld });
      endWrite(db, w.documentId);
    });
  }
  return writes.length;
}
