// Documents and their chunks. Content is hashed: an unchanged document is a no-op, a changed one is
// re-chunked, and any chunk whose text was embedded before gets its vector back from the cache, free.
//
// Writes happen on the server's event loop, so a large document is written in slices of WRITE_BATCH chunks,
// each its own short store transaction, with the event loop free between them (a 5-million-character file is
// about 9,000 chunks: one transaction would stall every visitor for a second or more). Nothing stored is
// lost meanwhile: an update adds the new chunks beside the old ones (positions after the old last one), then
// switches the document to its new text, then removes the old chunks. The knowledge store records a write in
// progress, so a crash at any step is rolled back or finished at the next start (recoverDocumentWrites).
import { createHash } from 'node:crypto';
import { setImmediate as yieldToVisitors } from 'node:timers/promises';
import { z } from 'zod';
import type { ChunkPositions, DocumentFields, DocumentKind, KnowledgeStore } from '../stores/knowledge-store.js';
import type { ChunkOptions } from './ingest/chunk.js';
import type { ContentReader } from './ingest/reader.js';
import type { Chunk, ExtractedDocument } from './ingest/types.js';

export type { DocumentKind };
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

/** A document's public address, or null (also when there is no such document). */
export const documentUrl = async (knowledge: KnowledgeStore, sourceId: number, sourceKey: string): Promise<string | null> =>
  (await knowledge.findDocument(sourceId, sourceKey))?.url ?? null;

/** Sets a document's public address. Its chunks stay as they are: a URL is not part of what is embedded. */
export async function setDocumentUrl(knowledge: KnowledgeStore, documentId: number, url: string | null): Promise<void> {
  await knowledge.setDocumentUrl(documentId, url, (doc) => contentHash(doc.title, url, doc.content));
}

// One document write at a time: a write spans several transactions, and two writes of one document
// (an upload and a sync, say) must not interleave.
const writeLocks = new WeakMap<KnowledgeStore, { tail: Promise<unknown> }>();
function exclusively<T>(knowledge: KnowledgeStore, write: () => Promise<T>): Promise<T> {
  let lock = writeLocks.get(knowledge);
  if (!lock) writeLocks.set(knowledge, (lock = { tail: Promise.resolve() }));
  const run = lock.tail.then(write, write);
  lock.tail = run.catch(() => undefined);
  return run;
}

/**
 * Adds or updates one document. Chunking (tokenizing) runs in `reader` — an extraction process on the
 * server — and only the write happens here, in slices (see the top of this file).
 */
export async function upsertDocument(
  knowledge: KnowledgeStore,
  reader: Pick<ContentReader, 'chunk'>,
  sourceId: number,
  doc: ExtractedDocument,
  kind: DocumentKind,
  chunkOptions?: ChunkOptions,
): Promise<UpsertResult> {
  const hash = contentHash(doc.title, doc.url, doc.text);
  const before = await knowledge.findDocument(sourceId, doc.sourceKey);
  if (before && before.contentHash === hash) return unchanged(knowledge, before.id);
  if (before && before.title === doc.title && before.content === doc.text && before.kind === kind) {
    // Only the address changed: nothing to chunk again.
    await setDocumentUrl(knowledge, before.id, doc.url);
    return { ...(await unchanged(knowledge, before.id)), status: 'updated' };
  }
  const chunks = await reader.chunk({ title: doc.title, text: doc.text }, chunkOptions);
  const tokens = chunks.reduce((sum, c) => sum + c.tokenCount, 0);
  return exclusively(knowledge, async () => {
    // Read again: another request may have written this document while it was being chunked.
    const existing = await knowledge.findDocument(sourceId, doc.sourceKey);
    if (existing && existing.contentHash === hash) return unchanged(knowledge, existing.id);
    const fields: DocumentFields = {
      title: doc.title,
      url: doc.url,
      kind,
      content: doc.text,
      contentHash: hash,
      tokenCount: tokens,
      modifiedAt: doc.modifiedAt ?? null,
    };

    if (!existing) {
      const small = chunks.length <= WRITE_BATCH;
      // A large new document is added without chunks first, and undone whole if its write does not finish.
      const id = await knowledge.insertDocument(sourceId, doc.sourceKey, fields, small ? chunks : null);
      if (!small) {
        await insertChunks(knowledge, id, chunks, 0);
        await knowledge.endDocumentWrite(id);
      }
      return { documentId: id, status: 'added', chunks: chunks.length, tokens };
    }

    const id = existing.id;
    const oldCount = await knowledge.countChunks(id);
    if (chunks.length + oldCount <= WRITE_BATCH) {
      // Small enough for one transaction: replaced whole or not at all.
      await knowledge.replaceDocument(id, fields, chunks);
    } else {
      const lastOld = await knowledge.lastChunkPosition(id);
      await knowledge.beginDocumentWrite(id, lastOld, 'inserting');
      await insertChunks(knowledge, id, chunks, lastOld + 1);
      // The switch: from here on the document is its new version; what is left is removing the old chunks.
      await knowledge.switchDocument(id, fields);
      await removeChunks(knowledge, id, { upTo: lastOld });
      await knowledge.endDocumentWrite(id);
    }
    return { documentId: id, status: 'updated', chunks: chunks.length, tokens };
  });
}

async function unchanged(knowledge: KnowledgeStore, documentId: number): Promise<UpsertResult> {
  return { documentId, status: 'unchanged', ...(await knowledge.chunkTotals({ documentId })) };
}

async function insertChunks(knowledge: KnowledgeStore, documentId: number, chunks: Chunk[], firstPosition: number): Promise<void> {
  for (let i = 0; i < chunks.length; i += WRITE_BATCH) {
    if (i > 0) await yieldToVisitors();
    await knowledge.insertChunks(documentId, chunks.slice(i, i + WRITE_BATCH), firstPosition);
  }
}

/** Removes the chunks in `range` in slices, the event loop free between them. */
async function removeChunks(knowledge: KnowledgeStore, documentId: number, range: ChunkPositions): Promise<void> {
  while ((await knowledge.removeChunks(documentId, range, WRITE_BATCH)) === WRITE_BATCH) await yieldToVisitors();
}

/** Deletes a document and its chunks; a large one in slices, gone from every list as soon as its last slice is. */
export async function deleteDocument(knowledge: KnowledgeStore, documentId: number): Promise<boolean> {
  return exclusively(knowledge, () => deleteDocumentNow(knowledge, documentId));
}

async function deleteDocumentNow(knowledge: KnowledgeStore, documentId: number): Promise<boolean> {
  // A document that is gone has no chunks: the last step says so.
  if ((await knowledge.countChunks(documentId)) > WRITE_BATCH) {
    await knowledge.beginDocumentWrite(documentId, -1, 'deleting');
    await removeChunks(knowledge, documentId, {});
  }
  return knowledge.deleteDocument(documentId);
}

/** Deletes the documents of a source whose keys are not in `keep` (pages gone from the site). */
export async function deleteMissingDocuments(knowledge: KnowledgeStore, sourceId: number, keep: Set<string>): Promise<number> {
  let deleted = 0;
  for (const row of await knowledge.documentKeys(sourceId)) {
    if (keep.has(row.sourceKey)) continue;
    if (await deleteDocument(knowledge, row.documentId)) deleted++;
    await yieldToVisitors();
  }
  return deleted;
}

export function deleteSourceDocuments(knowledge: KnowledgeStore, sourceId: number): Promise<number> {
  return deleteMissingDocuments(knowledge, sourceId, new Set());
}

/**
 * Finishes or undoes the document writes a crash interrupted: a new document half written is removed,
 * an update that had not switched yet loses its new chunks (the old version stays whole), one that had
 * switched loses its old chunks, a deletion is completed. Runs at start, before any job.
 */
export async function recoverDocumentWrites(knowledge: KnowledgeStore): Promise<number> {
  const writes = await knowledge.pendingDocumentWrites();
  for (const w of writes) {
    await exclusively(knowledge, async () => {
      if (w.phase === 'deleting' || (w.phase === 'inserting' && w.lastOldPosition < 0)) {
        await deleteDocumentNow(knowledge, w.documentId);
        return;
      }
      // An update that had not switched loses its new chunks (after the old last position); one that had, its old ones.
      await removeChunks(knowledge, w.documentId, w.phase === 'inserting' ? { after: w.lastOldPosition } : { upTo: w.lastOldPosition });
      await knowledge.endDocumentWrite(w.documentId);
    });
  }
  return writes.length;
}
