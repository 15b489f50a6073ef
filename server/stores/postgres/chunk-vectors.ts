// A chunk's vectors are written and removed with it, in the knowledge store's transaction (as in SQLite): rows of
// index_vectors (the compact code every node's in-memory index is loaded from), each change logged in
// vector_changes and announced with NOTIFY docent_vectors (delivered at commit), so that every node applies it to
// its in-memory copy (the vector store's listener; a poll catches up after a lost connection).
import { encodeVector } from '../vector-index/compact-index.js';
import { type Client, rows } from './database.js';

/** The channel the vector store listens on; the payload is the last change's id. */
export const VECTOR_CHANNEL = 'docent_vectors';

/**
 * The vector writers' lock (the PostgreSQL vector store's VECTORS_LOCK), taken before any vector or index is read or
 * written and held to commit: writers take turns, so change ids are handed out in commit order, and an index is not
 * dropped between the read of the indexes and the write of their vectors.
 */
const VECTORS_LOCK = 7305241860;

/** Takes the vector writers' lock (again, if held: it is re-entrant), before any row lock of the transaction. */
export async function lockVectors(client: Client): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [VECTORS_LOCK]);
}

/** Logs changes of index_vectors (already made in this transaction) and announces them at commit. */
async function logChanges(client: Client, changes: Array<{ index_id: number; chunk_id: number }>, deleted: boolean): Promise<void> {
  if (changes.length === 0) return;
  await client.query(
    `WITH logged AS (INSERT INTO vector_changes (index_id, chunk_id, deleted)
      SELECT i, c, $3 FROM unnest($1::bigint[], $2::bigint[]) AS t(i, c) RETURNING id)
    SELECT pg_notify($4, max(id)::text) FROM logged`,
    [changes.map((c) => c.index_id), changes.map((c) => c.chunk_id), deleted, VECTOR_CHANNEL],
  );
}

/** A float32 vector from its little-endian bytes (copied when the bytes are not 4-byte aligned). */
function floats(bytes: Buffer): Float32Array {
  if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return new Float32Array(Uint8Array.from(bytes).buffer);
}

/**
 * Gives new chunks the vectors already paid for (same endpoint and model, same text) in the active and the building
 * index, inside the caller's transaction.
 */
export async function restoreCachedVectors(client: Client, chunkIds: number[]): Promise<void> {
  if (chunkIds.length === 0) return;
  await lockVectors(client);
  const indexes = await rows<{ id: number; endpoint: string; model: string }>(
    client,
    "SELECT id, endpoint, model FROM vector_indexes WHERE status IN ('active', 'building') AND dimensions IS NOT NULL ORDER BY id",
  );
  for (const index of indexes) {
    const cached = await rows<{ chunk_id: number; vector: Buffer }>(
      client,
      `SELECT c.id AS chunk_id, e.vector FROM chunks c JOIN embedding_cache e ON e.endpoint = $2 AND e.model = $3 AND e.text_hash = c.text_hash
      WHERE c.id = ANY($1::bigint[])`,
      [chunkIds, index.endpoint, index.model],
    );
    if (cached.length === 0) continue;
    const written = await rows<{ index_id: number; chunk_id: number }>(
      client,
      `INSERT INTO index_vectors (index_id, chunk_id, code) SELECT $1, c, code FROM unnest($2::bigint[], $3::bytea[]) AS t(c, code)
      ON CONFLICT (index_id, chunk_id) DO UPDATE SET code = EXCLUDED.code RETURNING index_id, chunk_id`,
      [index.id, cached.map((r) => r.chunk_id), cached.map((r) => Buffer.from(encodeVector(floats(r.vector))))],
    );
    await logChanges(client, written, false);
  }
}

/** Removes the vectors of chunks about to be deleted, from every index. */
export async function deleteChunkVectors(client: Client, chunkIds: number[]): Promise<void> {
  if (chunkIds.length === 0) return;
  await lockVectors(client);
  const removed = await rows<{ index_id: number; chunk_id: number }>(
    client,
    // index_vectors is keyed (index, chunk): naming the indexes lets the key find the rows.
    `DELETE FROM index_vectors WHERE index_id = ANY(ARRAY(SELECT id FROM vector_indexes)) AND chunk_id = ANY($1::bigint[])
    RETURNING index_id, chunk_id`,
    [chunkIds],
  );
  await logChanges(client, removed, true);
}
