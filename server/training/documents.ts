// Documents and their chunks. Content is hashed: an unchanged document is a no-op, a changed one is
// re-chunked, and any chunk whose text was embedded before gets its vector back from the cache, free.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/database.js';
import type { ChunkOptions } from './ingest/chunk.js';
import type { ContentReader } from './ingest/reader.js';
import type { ExtractedDocument } from './ingest/types.js';
import { activeIndex, buildingIndex, deleteVectors, insertVectors, type VectorIndex } from './vector-index.js';

export type DocumentKind = 'page' | 'file' | 'text' | 'qa' | 'post';
export interface UpsertResult { documentId: number; status: 'added' | 'updated' | 'unchanged'; chunks: number; tokens: number }

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const contentHash = (title: string, url: string | null, text: string) => sha256(`${title}\n${url ?? ''}\n${text}`);

/**
 * The optional public address of an uploaded file or a Text entry: where visitors can read it. With one, the
 * widget lists the document as a source link; without one, it is never shown to visitors (the model still reads it).
 */
export const PublicUrl = z.string().trim().max(2000, 'Keep the address under 2,000 characters.')
  .refine((v) => v === '' || z.url({ protocol: /^https?$/ }).safeParse(v).success, 'Enter the full public address, starting with https:// or http://, e.g. https://example.com/warranty.')
  .nullable().transform((v) => v || null);

const findDocument = (db: Db, sourceId: number, sourceKey: string) =>
  db.prepare('SELECT id, content_hash, title, url, kind, content FROM documents WHERE source_id = ? AND source_key = ?').get(sourceId, sourceKey) as
    { id: number; content_hash: string; title: string; url: string | null; kind: string; content: string } | undefined;

/** A document's public address, or null (also when there is no such document). */
export const documentUrl = (db: Db, sourceId: number, sourceKey: string): string | null =>
  findDocument(db, sourceId, sourceKey)?.url ?? null;

/** Sets a document's public address. Its chunks stay as they are: a URL is not part of what is embedded. */
export function setDocumentUrl(db: Db, documentId: number, url: string | null): void {
  const doc = db.prepare('SELECT title, content FROM documents WHERE id = ?').get(documentId) as { title: string; content: string } | undefined;
  if (!doc) return;
  db.prepare(`UPDATE documents SET url = ?, content_hash = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`)
    .run(url, contentHash(doc.title, url, doc.content), documentId);
}

/**
 * Adds or updates one document. Chunking (tokenizing) runs in `reader` — an extraction process on the
 * server — and only the write happens here, in one transaction: a document is replaced whole or not at all.
 */
export async function upsertDocument(db: Db, reader: Pick<ContentReader, 'chunk'>, sourceId: number, doc: ExtractedDocument, kind: DocumentKind, chunkOptions?: ChunkOptions): Promise<UpsertResult> {
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
  return db.transaction((): UpsertResult => {
    // Read again: another request may have written this document while it was being chunked.
    const existing = findDocument(db, sourceId, doc.sourceKey);
    if (existing && existing.content_hash === hash) return unchanged(db, existing.id);
    let id: number;
    if (existing) {
      removeChunks(db, existing.id);
      db.prepare(`UPDATE documents SET title = ?, url = ?, kind = ?, content = ?, content_hash = ?, token_count = ?, modified_at = ?,
        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`)
        .run(doc.title, doc.url, kind, doc.text, hash, tokens, doc.modifiedAt ?? null, existing.id);
      id = existing.id;
    } else {
      id = Number(db.prepare(`INSERT INTO documents (source_id, source_key, title, url, kind, content, content_hash, token_count, modified_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(sourceId, doc.sourceKey, doc.title, doc.url, kind, doc.text, hash, tokens, doc.modifiedAt ?? null).lastInsertRowid);
    }
    const insert = db.prepare('INSERT INTO chunks (document_id, position, text, content, heading_path, token_count, text_hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const c of chunks) insert.run(id, c.index, c.text, c.content, c.headingPath.join(' › '), c.tokenCount, c.hash);
    for (const index of [activeIndex(db), buildingIndex(db)]) if (index) restoreCachedVectors(db, index, id);
    return { documentId: id, status: existing ? 'updated' : 'added', chunks: chunks.length, tokens };
  })();
}

function unchanged(db: Db, documentId: number): UpsertResult {
  const counts = db.prepare('SELECT count(*) AS chunks, coalesce(sum(token_count), 0) AS tokens FROM chunks WHERE document_id = ?').get(documentId) as { chunks: number; tokens: number };
  return { documentId, status: 'unchanged', ...counts };
}

/** Gives a document's chunks the vectors already paid for (same endpoint and model, same text). */
function restoreCachedVectors(db: Db, index: VectorIndex, documentId: number): void {
  if (!index.dimensions) return;
  // CROSS JOIN: start from the document's chunks, not from every cached vector of the model.
  const rows = db.prepare(`SELECT c.id AS chunkId, e.vector FROM chunks c
    CROSS JOIN embedding_cache e ON e.endpoint = ? AND e.model = ? AND e.text_hash = c.text_hash WHERE c.document_id = ?`).all(index.endpoint, index.model, documentId) as Array<{ chunkId: number; vector: Buffer }>;
  insertVectors(db, index, rows);
}

function removeChunks(db: Db, documentId: number): void {
  const ids = db.prepare('SELECT id FROM chunks WHERE document_id = ?').pluck().all(documentId) as number[];
  deleteVectors(db, ids);
  db.prepare('DELETE FROM chunks WHERE document_id = ?').run(documentId);
}

export function deleteDocument(db: Db, documentId: number): boolean {
  return db.transaction(() => {
    removeChunks(db, documentId);
    return db.prepare('DELETE FROM documents WHERE id = ?').run(documentId).changes === 1;
  })();
}

/** Deletes the documents of a source whose keys are not in `keep` (pages gone from the site). */
export function deleteMissingDocuments(db: Db, sourceId: number, keep: Set<string>): number {
  const rows = db.prepare('SELECT id, source_key FROM documents WHERE source_id = ?').all(sourceId) as Array<{ id: number; source_key: string }>;
  let deleted = 0;
  for (const row of rows) if (!keep.has(row.source_key) && deleteDocument(db, row.id)) deleted++;
  return deleted;
}

export function deleteSourceDocuments(db: Db, sourceId: number): number {
  return deleteMissingDocuments(db, sourceId, new Set());
}
