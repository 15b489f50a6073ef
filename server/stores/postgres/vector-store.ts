// Vectors on PostgreSQL (cluster mode), with no extension: each index's compact codes in index_vectors, searched
// in memory on every node (vector-copies.ts keeps each node's copy in step with the writes of all), candidates
// rescored exactly with the float vectors kept in embedding_cache. Same behaviour as sqlite/vector-store.ts through
// the VectorStore interface.
import { createRequire } from 'node:module';
import type pg from 'pg';
import { encodeVector } from '../vector-index/compact-index.js';
import { runExactSample } from '../vector-index/exact-scan.js';
import { cosine, fromBlob, toBlob } from '../vector-index/floats.js';
import { searchPlan } from '../vector-index/search-plan.js';
import {
  type EmbeddingSpace,
  type IndexRecall,
  indexKeySecret,
  type MissingChunk,
  type MissingCounts,
  type QaDocument,
  type VectorHit,
  type VectorIndex,
  type VectorStore,
} from '../vector-store.js';
import { type Client, type Pool, type Queryable, row, rows, transaction } from './database.js';
import { codeDimensions, padded, VectorCopies } from './vector-copies.js';
import { NotifiedCache, type PostgresListener } from './listener.js';

/** Notified by a trigger on vector_indexes (migration 020) at every commit that changes one. */
export const INDEXES_CHANNEL = 'docent_indexes';

const INDEX_COLUMNS = 'id, endpoint, model, dimensions, status';
/**
 * The lock vector_changes' triggers take (migration 002), held to commit. Whatever writes vectors or indexes takes it
 * first, before any row lock: two nodes never make two active indexes, a chunk deleted meanwhile never keeps a
 * vector, and the order of locks is the same everywhere (no deadlock between a vector write and a chunk delete).
 */
const VECTORS_LOCK = 7305241860;

/** Takes the vector writers' lock (again, if held: it is re-entrant): what a knowledge write does before any row lock. */
export async function lockVectorWriters(client: Client): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [VECTORS_LOCK]);
}

/** An index's stored code for a vector: compact-index.ts's, of the vector padded to a multiple of 8 dimensions. */
const codeOf = (vector: Float32Array, dimensions: number) => encodeVector(padded(vector, codeDimensions(dimensions)));

const indexRow = async (db: Queryable, where: string, params: unknown[] = []) =>
  (await row<VectorIndex>(db, `SELECT ${INDEX_COLUMNS} FROM vector_indexes WHERE ${where}`, params)) ?? null;

/**
 * The cached float vector (in `space`) of each of `chunkIds` that has one. The chunks are read by primary key, then
 * each vector by embedding_cache_key: a subquery in the select list is never turned into a join, so the plan does not
 * hang on statistics. As a join, right after a large training and before autovacuum's ANALYZE, the planner took the
 * cache for nearly empty and looped over all of it (3,000 cached vectors: a search took 65 ms instead of 2).
 */
async function cachedVectorsOfChunks(db: Queryable, space: EmbeddingSpace, chunkIds: number[]): Promise<Array<{ chunkId: number; vector: Buffer }>> {
  const found = await rows<{ chunkId: number; vector: Buffer | null }>(
    db,
    `SELECT c.id AS "chunkId", (SELECT e.vector FROM embedding_cache e WHERE e.endpoint = $2 AND e.model = $3 AND e.text_hash = c.text_hash) AS vector
    FROM chunks c WHERE c.id = ANY($1::bigint[])`,
    [chunkIds, space.endpoint, space.model],
  );
  return found.filter((r): r is { chunkId: number; vector: Buffer } => r.vector !== null);
}

/** Exact similarity of the given chunks to `query`, from their cached float vectors (chunks without one are left out). */
async function exactSimilarities(db: Queryable, space: EmbeddingSpace, query: Float32Array, chunkIds: number[]): Promise<Map<number, number>> {
  const found = new Map<number, number>();
  if (chunkIds.length === 0) return found;
  for (const { chunkId: id, vector } of await cachedVectorsOfChunks(db, space, chunkIds)) {
    const similarity = cosine(query, fromBlob(vector));
    if (similarity !== null) found.set(id, similarity);
  }
  return found;
}

/**
 * Adds (or replaces) the codes of vectors in an index, inside the caller's transaction (the knowledge store's too:
 * chunks written with the vectors already paid for). The triggers log them for every node.
 */
export async function insertVectors(client: Client, index: VectorIndex, vectors: Array<{ chunkId: number; vector: Float32Array }>): Promise<void> {
  if (!index.dimensions) throw new Error('index has no dimension yet');
  if (vectors.length === 0) return;
  await client.query('SELECT pg_advisory_xact_lock($1)', [VECTORS_LOCK]);
  // The last vector given for a chunk wins (one statement cannot write a row twice).
  const byChunk = new Map(vectors.map((v) => [v.chunkId, v.vector]));
  await client.query(
    `INSERT INTO index_vectors (index_id, chunk_id, code) SELECT $1, * FROM unnest($2::bigint[], $3::bytea[])
    ON CONFLICT (index_id, chunk_id) DO UPDATE SET code = excluded.code`,
    [index.id, [...byChunk.keys()], [...byChunk.values()].map((v) => Buffer.from(codeOf(v, index.dimensions!)))],
  );
}

/**
 * Gives new chunks the vectors already paid for (same endpoint and model, same text) in the active and building
 * indexes, inside the caller's transaction: what the knowledge store does when it writes chunks.
 */
export async function restoreCachedVectors(client: Client, chunkIds: number[]): Promise<void> {
  if (chunkIds.length === 0) return;
  // The lock before reading the indexes: none is dropped between that read and the write.
  await client.query('SELECT pg_advisory_xact_lock($1)', [VECTORS_LOCK]);
  const indexes = await rows<VectorIndex>(
    client,
    `SELECT ${INDEX_COLUMNS} FROM vector_indexes WHERE status IN ('active', 'building') AND dimensions IS NOT NULL`,
  );
  for (const index of indexes) {
    const cached = await cachedVectorsOfChunks(client, index, chunkIds);
    await insertVectors(
      client,
      index,
      cached.map((c) => ({ chunkId: c.chunkId, vector: fromBlob(c.vector) })),
    );
  }
}

/** FROM/WHERE selecting the chunks (alias c) of enabled sources that have no vector in index $1. */
const MISSING_CHUNKS = `FROM chunks c JOIN documents d ON d.id = c.document_id JOIN sources s ON s.id = d.source_id
  WHERE s.enabled = 1 AND NOT EXISTS (SELECT 1 FROM index_vectors v WHERE v.index_id = $1 AND v.chunk_id = c.id)`;

/**
 * The recall reference's worker (vector-index/exact-scan.ts) on PostgreSQL: its own connection, one snapshot,
 * the index's vectors read in pages by chunk id.
 */
const WORKER_SOURCE = `
const { parentPort, workerData: w } = require('node:worker_threads');
const pg = require(w.pg);
(async () => {
  const client = new pg.Client(w.connection);
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const floats = 'FROM index_vectors v JOIN chunks c ON c.id = v.chunk_id JOIN embedding_cache e ON e.endpoint = $2 AND e.model = $3 AND e.text_hash = c.text_hash';
    // The ids first (a sort of integers), then the vectors of those: never a read of every vector to pick a few.
    const sample = await client.query(
      'SELECT e.vector FROM (SELECT chunk_id FROM index_vectors WHERE index_id = $1 ORDER BY random() LIMIT $4) s ' +
      'JOIN chunks c ON c.id = s.chunk_id JOIN embedding_cache e ON e.endpoint = $2 AND e.model = $3 AND e.text_hash = c.text_hash',
      [w.indexId, w.endpoint, w.model, w.sampleSize * 2],
    );
    const picked = sample.rows.map((r) => r.vector).filter((v) => v.byteLength === w.dimensions * 4).slice(0, w.sampleSize);
    const scanner = exactScanner(w, picked);
    let after = -1;
    for (;;) {
      const page = await client.query(
        'SELECT v.chunk_id, e.vector ' + floats + ' WHERE v.index_id = $1 AND v.chunk_id > $4 ORDER BY v.chunk_id LIMIT 2000',
        [w.indexId, w.endpoint, w.model, after],
      );
      for (const r of page.rows) scanner.add(Number(r.chunk_id), r.vector);
      if (page.rows.length < 2000) break;
      after = page.rows[page.rows.length - 1].chunk_id;
    }
    await client.query('COMMIT');
    parentPort.postMessage(...scanner.reply());
  } catch (err) {
    parentPort.postMessage({ ok: false, message: String((err && err.message) || err) });
  } finally {
    await client.end().catch(() => {});
  }
})();
`;
const PG_MODULE = createRequire(import.meta.url).resolve('pg');

/**
 * Should a deadlock still involve a vector write (locks taken by a caller's transaction in another order), PostgreSQL
 * aborts one of the two: the vector write, idempotent, is simply run again.
 */
async function retryDeadlock<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= 3 || (err as { code?: string }).code !== '40P01') throw err;
    }
  }
}

export interface PostgresVectorStore extends VectorStore {
  close(): Promise<void>;
}

export function postgresVectorStore(pool: Pool, listener: PostgresListener): PostgresVectorStore {
  const copies = new VectorCopies(pool, listener);
  // The active index is read three times per visitor's question and changes when an admin trains or rebuilds.
  const indexes = new NotifiedCache(listener, INDEXES_CHANNEL);
  /** A change to vector_indexes: the cache is emptied after it, whether it committed or not. */
  const changingIndexes = async <T>(change: () => Promise<T>): Promise<T> => {
    try {
      return await change();
    } finally {
      indexes.forget();
    }
  };

  /** A write, then this node's copies brought up to date (with it and whatever other nodes wrote meanwhile). */
  const write = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const result = await changingIndexes(() => retryDeadlock(() => transaction(pool, work)));
    void copies.start();
    // Committed: a catch-up that fails here (the database gone for a moment) is retried by the poll.
    await copies.catchUp().catch(() => {});
    return result;
  };

  return {
    async warmUp() {
      await copies.start();
      const index = await indexRow(pool, "status = 'active'");
      if (index?.dimensions) await copies.copyOf(index);
    },
    async close() {
      await copies.close();
    },
    activeIndex: () => indexes.read('active', () => indexRow(pool, "status = 'active'")),
    buildingIndex: () => indexRow(pool, "status = 'building'"),
    indexById: (indexId) => indexRow(pool, 'id = $1', [indexId]),
    async ensureActiveIndex(space) {
      return changingIndexes(() =>
        transaction(pool, async (client) => {
          await client.query('SELECT pg_advisory_xact_lock($1)', [VECTORS_LOCK]);
          const existing = await indexRow(client, "status = 'active'");
          // One that never received a vector (the first training failed on the key, say) follows the settings.
          if (existing?.dimensions === null && (existing.endpoint !== space.endpoint || existing.model !== space.model)) {
            return (await row<VectorIndex>(client, `UPDATE vector_indexes SET endpoint = $2, model = $3 WHERE id = $1 RETURNING ${INDEX_COLUMNS}`, [
              existing.id,
              space.endpoint,
              space.model,
            ]))!;
          }
          if (existing) return existing;
          return (await row<VectorIndex>(
            client,
            `INSERT INTO vector_indexes (endpoint, model, status, activated_at) VALUES ($1, $2, 'active', docent_now()) RETURNING ${INDEX_COLUMNS}`,
            [space.endpoint, space.model],
          ))!;
        }),
      );
    },
    async createBuildingIndex(space) {
      const created = await write(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [VECTORS_LOCK]);
        const old = await row<{ id: number }>(client, "DELETE FROM vector_indexes WHERE status = 'building' RETURNING id");
        if (old) await client.query('DELETE FROM secrets WHERE name = $1', [indexKeySecret(old)]);
        return (await row<VectorIndex>(client, `INSERT INTO vector_indexes (endpoint, model, status) VALUES ($1, $2, 'building') RETURNING ${INDEX_COLUMNS}`, [
          space.endpoint,
          space.model,
        ]))!;
      });
      return created;
    },
    async activateIndex(index) {
      // One transaction: searches (on any node) see the old index or the new, never neither.
      await write(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [VECTORS_LOCK]);
        const previous = await row<{ id: number }>(client, "UPDATE vector_indexes SET status = 'retired' WHERE status = 'active' AND id != $1 RETURNING id", [
          index.id,
        ]);
        await client.query("UPDATE vector_indexes SET status = 'active', activated_at = docent_now() WHERE id = $1", [index.id]);
        if (previous) {
          await client.query('DELETE FROM vector_indexes WHERE id = $1', [previous.id]);
          await client.query('DELETE FROM secrets WHERE name = $1', [indexKeySecret(previous)]);
        }
      });
    },
    async dropIndex(index) {
      copies.forget(index.id);
      await write(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [VECTORS_LOCK]);
        // Its vectors go with it (ON DELETE CASCADE), and the key saved for it, in the same transaction.
        await client.query('DELETE FROM vector_indexes WHERE id = $1', [index.id]);
        await client.query('DELETE FROM secrets WHERE name = $1', [indexKeySecret(index)]);
      });
    },
    async indexesOn(endpoint) {
      return rows<VectorIndex>(pool, `SELECT ${INDEX_COLUMNS} FROM vector_indexes WHERE status != 'retired' AND endpoint = $1 ORDER BY id`, [endpoint]);
    },
    async setDimensions(index, dimensions) {
      if (index.dimensions === dimensions) return index;
      const mismatch = (held: number) => new Error(`The embedding model returned ${dimensions} dimensions, but this index holds ${held}.`);
      if (index.dimensions !== null) throw mismatch(index.dimensions);
      // Another node may fix it first: the same dimension is fine, another is not.
      // Written only when unset: a change of dimension makes every node read the index again (migration 002).
      const held = await changingIndexes(() =>
        transaction(pool, async (client) => {
          await client.query('SELECT pg_advisory_xact_lock($1)', [VECTORS_LOCK]);
          return (
            (await row<{ dimensions: number }>(client, 'UPDATE vector_indexes SET dimensions = $2 WHERE id = $1 AND dimensions IS NULL RETURNING dimensions', [
              index.id,
              dimensions,
            ])) ?? (await row<{ dimensions: number }>(client, 'SELECT dimensions FROM vector_indexes WHERE id = $1', [index.id]))
          );
        }),
      );
      if (held && held.dimensions !== dimensions) throw mismatch(held.dimensions);
      return { ...index, dimensions };
    },
    async countVectors(index) {
      return (await row<{ n: number }>(pool, 'SELECT count(*) AS n FROM index_vectors WHERE index_id = $1', [index.id]))!.n;
    },

    async search(index, query, k, options) {
      if (!index.dimensions) return [];
      if (query.length !== index.dimensions) throw new Error(`query has ${query.length} dimensions but the index holds ${index.dimensions}`);
      void copies.start();
      const codes = await copies.copyOf(index);
      if (!codes || codes.size === 0) return [];
      const plan = searchPlan(codes.size, k, options?.oversample);
      const candidates = codes.nearest(padded(query, codeDimensions(index.dimensions)), plan.rescored, plan.coarse);
      const exact = await exactSimilarities(pool, index, query, candidates);
      return [...exact]
        .map(([chunkId, similarity]): VectorHit => ({ chunkId, similarity }))
        .sort((a, b) => b.similarity - a.similarity)
        .slice(0, k);
    },
    similarities: (index, query, chunkIds) => exactSimilarities(pool, index, query, chunkIds),

    async writeVectors(index, vectors) {
      return write(async (client) => {
        // The lock first, then the chunks: one deleted before is skipped; one deleted after (its delete waits for
        // this commit) takes its vector with it.
        await client.query('SELECT pg_advisory_xact_lock($1)', [VECTORS_LOCK]);
        const ids = vectors.map((v) => v.chunkId);
        const stillThere = new Set((await rows<{ id: number }>(client, 'SELECT id FROM chunks WHERE id = ANY($1::bigint[])', [ids])).map((r) => r.id));
        const kept = vectors.filter((v) => stillThere.has(v.chunkId));
        await insertVectors(client, index, kept);
        const chunkIds = kept.map((v) => v.chunkId);
        // Tokens as every screen counts them (training/stats.ts chunkTotals): those of the chunks indexed.
        const { tokens } = (await row<{ tokens: number }>(client, 'SELECT coalesce(sum(token_count), 0) AS tokens FROM chunks WHERE id = ANY($1::bigint[])', [
          chunkIds,
        ]))!;
        return { chunkIds, tokens };
      });
    },
    async clearVectors(forgetCacheOf) {
      await write(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [VECTORS_LOCK]);
        await client.query('DELETE FROM index_vectors');
        if (forgetCacheOf) await client.query('DELETE FROM embedding_cache WHERE endpoint = $1 AND model = $2', [forgetCacheOf.endpoint, forgetCacheOf.model]);
      });
    },

    async chunksMissingVectors(index, limit) {
      return rows<MissingChunk>(
        pool,
        `SELECT c.id AS "chunkId", c.document_id AS "documentId", c.text, c.text_hash AS "textHash", c.token_count AS "tokenCount"
        ${MISSING_CHUNKS} ORDER BY c.id LIMIT $2`,
        [index.id, limit],
      );
    },
    async countMissing(index) {
      return (await row<MissingCounts>(
        pool,
        `WITH missing AS (SELECT c.text_hash, c.token_count ${MISSING_CHUNKS}),
        uncached AS (
          SELECT text_hash, max(token_count) AS tokens FROM missing m
          WHERE NOT EXISTS (SELECT 1 FROM embedding_cache e WHERE e.endpoint = $2 AND e.model = $3 AND e.text_hash = m.text_hash) GROUP BY text_hash)
        SELECT (SELECT count(*) FROM missing) AS chunks, (SELECT coalesce(sum(token_count), 0) FROM missing) AS tokens,
          (SELECT count(*) FROM uncached) AS "uncachedChunks", (SELECT coalesce(sum(tokens), 0) FROM uncached) AS "uncachedTokens"`,
        [index.id, index.endpoint, index.model],
      ))!;
    },
    async missingByDocument(index) {
      const counts = await rows<{ documentId: number; n: number }>(
        pool,
        `SELECT c.document_id AS "documentId", count(*) AS n ${MISSING_CHUNKS} GROUP BY c.document_id ORDER BY c.document_id`,
        [index.id],
      );
      return new Map(counts.map((c) => [c.documentId, c.n]));
    },

    async cachedVector(space, textHash) {
      const found = await row<{ vector: Buffer }>(pool, 'SELECT vector FROM embedding_cache WHERE endpoint = $1 AND model = $2 AND text_hash = $3', [
        space.endpoint,
        space.model,
        textHash,
      ]);
      return found ? fromBlob(found.vector) : null;
    },
    async cachedVectors(space, textHashes) {
      if (textHashes.length === 0) return new Map();
      const found = await rows<{ text_hash: string; vector: Buffer }>(
        pool,
        'SELECT text_hash, vector FROM embedding_cache WHERE endpoint = $1 AND model = $2 AND text_hash = ANY($3::text[])',
        [space.endpoint, space.model, textHashes],
      );
      return new Map(found.map((r) => [r.text_hash, fromBlob(r.vector)]));
    },
    async cachedHashes(space, textHashes) {
      if (textHashes.length === 0) return new Set();
      const found = await rows<{ text_hash: string }>(
        pool,
        'SELECT text_hash FROM embedding_cache WHERE endpoint = $1 AND model = $2 AND text_hash = ANY($3::text[])',
        [space.endpoint, space.model, textHashes],
      );
      return new Set(found.map((r) => r.text_hash));
    },
    async cacheVectors(space, entries) {
      if (entries.length === 0) return;
      // The last vector given for a text wins, as INSERT OR REPLACE does in SQLite.
      const byHash = new Map(entries.map((e) => [e.textHash, e.vector]));
      await pool.query(
        `INSERT INTO embedding_cache (endpoint, model, text_hash, dimensions, vector)
        SELECT $1, $2, * FROM unnest($3::text[], $4::integer[], $5::bytea[])
        ON CONFLICT (endpoint, model, text_hash) DO UPDATE SET dimensions = excluded.dimensions, vector = excluded.vector`,
        [space.endpoint, space.model, [...byHash.keys()], [...byHash.values()].map((v) => v.length), [...byHash.values()].map((v) => toBlob(v))],
      );
    },
    async forgetCachedVectors(space) {
      await pool.query('DELETE FROM embedding_cache WHERE endpoint = $1 AND model = $2', [space.endpoint, space.model]);
    },

    async qaEntriesAmong(chunkIds) {
      if (chunkIds.length === 0) return [];
      return rows<QaDocument>(
        pool,
        `SELECT DISTINCT d.id AS "documentId", d.title, d.content FROM chunks c JOIN documents d ON d.id = c.document_id JOIN sources s ON s.id = d.source_id
        WHERE s.enabled = 1 AND d.kind = 'qa' AND c.id = ANY($1::bigint[])`,
        [chunkIds],
      );
    },
    async qaEntries(maxTitleLength) {
      return rows<QaDocument>(
        pool,
        `SELECT d.id AS "documentId", d.title, d.content FROM documents d JOIN sources s ON s.id = d.source_id
        WHERE s.enabled = 1 AND d.kind = 'qa' AND length(d.title) <= $1`,
        [maxTitleLength],
      );
    },
    async qaQuestions() {
      return (
        await rows<{ title: string }>(pool, `SELECT d.title FROM documents d JOIN sources s ON s.id = d.source_id WHERE s.enabled = 1 AND d.kind = 'qa'`)
      ).map((r) => r.title);
    },

    async exactSample(index, options) {
      const config = pool.options as pg.PoolConfig;
      return runExactSample(
        WORKER_SOURCE,
        {
          pg: PG_MODULE,
          connection: { connectionString: config.connectionString, application_name: `${config.application_name ?? 'docent'} recall` },
          indexId: index.id,
          endpoint: index.endpoint,
          model: index.model,
        },
        index,
        options,
      );
    },
    async indexRecall(index) {
      return (
        (await row<IndexRecall>(
          pool,
          'SELECT recall, k, sample_size AS "sampleSize", index_size AS "indexSize", measured_at AS "measuredAt" FROM index_recall WHERE index_id = $1',
          [index.id],
        )) ?? null
      );
    },
    async saveIndexRecall(index, recall) {
      return transaction(pool, async (client) => {
        // The index row is held until commit: it cannot go between the check and the write.
        if (!(await row(client, 'SELECT 1 FROM vector_indexes WHERE id = $1 FOR KEY SHARE', [index.id]))) return false;
        await client.query(
          `INSERT INTO index_recall (index_id, recall, k, sample_size, index_size) VALUES ($1, $2, $3, $4, $5)
          ON CONFLICT (index_id) DO UPDATE SET recall = excluded.recall, k = excluded.k, sample_size = excluded.sample_size,
            index_size = excluded.index_size, measured_at = docent_now()`,
          [index.id, recall.recall, recall.k, recall.sampleSize, recall.indexSize],
        );
        return true;
      });
    },
  };
}
