// The embedding step shared by "Start Training", source syncs and index rebuilds: every chunk that has
// no vector in the index gets one, from the cache when that text was embedded before, else from the API.
import type OpenAI from 'openai';
import type { Db } from '../stores/sqlite/database.js';
import type { Provider } from '../openrouter/client.js';
import { embedBatch, EMBED_BATCH_SIZE, EMBED_CONCURRENCY } from '../vectors/embedder.js';
import type { JobContext } from './jobs.js';
import {
  cacheVector,
  chunksMissingVectors,
  indexById,
  missingChunksClause,
  insertVectors,
  setDimensions,
  type EmbeddingSpace,
  type VectorIndex,
} from '../vectors/vector-index.js';
import type { KeyOutcomeReport } from '../openrouter/key-status.js';
import { chunkTotals } from './stats.js';
import { qaQuestionsMissingVectors } from '../retrieval/qa-match.js';

export interface EmbedDeps {
  db: Db;
  client: OpenAI;
  provider: Provider;
  pricePerToken: number | null;
  onOutcome?: KeyOutcomeReport;
}

/** What a job still has to do for `index`, counted in SQL (no chunk text is loaded). */
export function countMissing(db: Db, index: VectorIndex): { chunks: number; tokens: number; uncachedChunks: number; uncachedTokens: number } {
  return db
    .prepare(`WITH missing AS (SELECT c.text_hash, c.token_count ${missingChunksClause(db, index)}),
    uncached AS (
      SELECT text_hash, max(token_count) AS tokens FROM missing m
      WHERE NOT EXISTS (SELECT 1 FROM embedding_cache e WHERE e.endpoint = ? AND e.model = ? AND e.text_hash = m.text_hash) GROUP BY text_hash)
    SELECT (SELECT count(*) FROM missing) AS chunks, (SELECT coalesce(sum(token_count), 0) FROM missing) AS tokens,
      (SELECT count(*) FROM uncached) AS uncachedChunks, (SELECT coalesce(sum(tokens), 0) FROM uncached) AS uncachedTokens`)
    .get(index.endpoint, index.model) as { chunks: number; tokens: number; uncachedChunks: number; uncachedTokens: number };
}

function cachedHashes(db: Db, space: EmbeddingSpace, hashes: string[]): Array<{ text_hash: string; dimensions: number; vector: Buffer }> {
  if (hashes.length === 0) return [];
  return db
    .prepare('SELECT text_hash, dimensions, vector FROM embedding_cache WHERE endpoint = ? AND model = ? AND text_hash IN (SELECT value FROM json_each(?))')
    .all(space.endpoint, space.model, JSON.stringify(hashes)) as Array<{ text_hash: string; dimensions: number; vector: Buffer }>;
}

/** Fills `index` until no chunk lacks a vector (or the job is stopped). */
export async function embedMissing(ctx: JobContext, deps: EmbedDeps, start: VectorIndex): Promise<void> {
  const { db } = deps;
  let index = start;
  const todo = countMissing(db, index);
  // Chunks still to do per document: a document is done when its count reaches zero.
  const remaining = new Map(
    db
      .prepare(`SELECT c.document_id, count(*) ${missingChunksClause(db, index)} GROUP BY c.document_id`)
      .raw()
      .all() as Array<[number, number]>,
  );
  ctx.progress({
    phase: `Embedding with ${index.model}`,
    chunksTotal: ctx.job.progress.chunksDone + todo.chunks,
    documentsTotal: ctx.job.progress.documentsDone + remaining.size,
  });
  if (todo.chunks === 0) return embedQaQuestions(ctx, deps, index);
  ctx.log(
    'info',
    `${todo.chunks} chunks of ${remaining.size} ${remaining.size === 1 ? 'document' : 'documents'} to index with ${index.model}: ${todo.uncachedChunks} new texts (${todo.uncachedTokens} tokens) to embed, the rest from the cache.`,
  );

  const documentOf = new Map<number, number>();
  const store = (hashToVector: Map<string, Buffer>, chunkIds: Map<string, number[]>) => {
    db.transaction(() => {
      const rows: Array<{ chunkId: number; vector: Buffer }> = [];
      const stillThere = new Set(
        db
          .prepare('SELECT id FROM chunks WHERE id IN (SELECT value FROM json_each(?))')
          .pluck()
          .all(JSON.stringify([...chunkIds.values()].flat())) as number[],
      );
      for (const [hash, vector] of hashToVector) for (const id of chunkIds.get(hash) ?? []) if (stillThere.has(id)) rows.push({ chunkId: id, vector });
      insertVectors(db, index, rows);
      let documentsDone = 0;
      for (const { chunkId } of rows) {
        const documentId = documentOf.get(chunkId)!;
        documentOf.delete(chunkId);
        const left = (remaining.get(documentId) ?? 1) - 1;
        remaining.set(documentId, left);
        if (left === 0) documentsDone++;
      }
      // Tokens as every screen counts them (chunkTotals): those of the chunks indexed, from the cache too.
      ctx.count({ chunksDone: rows.length, documentsDone, tokens: chunkTotals(db, { chunkIds: rows.map((r) => r.chunkId) }).tokens });
    })();
  };

  while (!ctx.stopped()) {
    const missing = chunksMissingVectors(db, index, EMBED_BATCH_SIZE * EMBED_CONCURRENCY * 4);
    if (missing.length === 0) break;
    const idsByHash = new Map<string, number[]>();
    const textByHash = new Map<string, string>();
    const tokensByHash = new Map<string, number>();
    for (const m of missing) {
      documentOf.set(m.id, m.document_id);
      idsByHash.set(m.text_hash, [...(idsByHash.get(m.text_hash) ?? []), m.id]);
      textByHash.set(m.text_hash, m.text);
      tokensByHash.set(m.text_hash, m.token_count);
    }
    const cached = cachedHashes(db, index, [...idsByHash.keys()]);
    if (cached.length > 0) {
      if (!index.dimensions) index = setDimensions(db, index, cached[0].dimensions);
      store(new Map(cached.map((c) => [c.text_hash, c.vector])), idsByHash);
      for (const c of cached) textByHash.delete(c.text_hash);
    }
    const pending = [...textByHash.entries()];
    const batches: Array<Array<[string, string]>> = [];
    for (let i = 0; i < pending.length; i += EMBED_BATCH_SIZE) batches.push(pending.slice(i, i + EMBED_BATCH_SIZE));

    // A few batches in flight; each is written as soon as it returns, so a crash loses at most those in flight.
    let next = 0;
    const worker = async () => {
      while (next < batches.length && !ctx.stopped()) {
        const batch = batches[next++];
        const result = await embedBatch(
          deps.client,
          batch.map(([, text]) => text),
          {
            provider: deps.provider,
            model: index.model,
            expectedDimensions: index.dimensions,
            signal: ctx.signal,
            onRetry: (message) => ctx.log('warn', message),
            onOutcome: deps.onOutcome,
          },
        );
        if (!index.dimensions) {
          index = setDimensions(db, index, result.dimensions);
          ctx.log('info', `${index.model} returns ${result.dimensions}-dimension vectors; the index is set to that size.`);
        }
        const vectors = new Map<string, Buffer>();
        db.transaction(() => {
          batch.forEach(([hash], i) => vectors.set(hash, cacheVector(db, index, hash, result.vectors[i])));
        })();
        store(vectors, idsByHash);
        // The cost is what the provider bills: its own count, or ours when it reports none.
        const billed = result.tokens || batch.reduce((sum, [hash]) => sum + (tokensByHash.get(hash) ?? 0), 0);
        const cost = result.cost ?? (deps.pricePerToken !== null ? billed * deps.pricePerToken : 0);
        ctx.count({ cost });
      }
    };
    await Promise.all(Array.from({ length: Math.min(EMBED_CONCURRENCY, batches.length) }, worker));
    index = indexById(db, index.id) ?? index;
  }
  await embedQaQuestions(ctx, deps, indexById(db, index.id) ?? index);
}

/**
 * Each Q&A entry's question is embedded on its own too (into the cache, under the key a visitor's identical
 * question has): that is what a visitor's question is compared with to answer word for word. A few tokens per
 * entry, so not counted in the content's tokens; their cost is.
 */
async function embedQaQuestions(ctx: JobContext, deps: EmbedDeps, index: VectorIndex): Promise<void> {
  if (!index.dimensions || ctx.stopped()) return;
  const missing = qaQuestionsMissingVectors(deps.db, index);
  for (let i = 0; i < missing.length && !ctx.stopped(); i += EMBED_BATCH_SIZE) {
    const batch = missing.slice(i, i + EMBED_BATCH_SIZE);
    const result = await embedBatch(
      deps.client,
      batch.map((q) => q.text),
      {
        provider: deps.provider,
        model: index.model,
        expectedDimensions: index.dimensions,
        signal: ctx.signal,
        onRetry: (message) => ctx.log('warn', message),
        onOutcome: deps.onOutcome,
      },
    );
    deps.db.transaction(() => batch.forEach((q, n) => cacheVector(deps.db, index, q.hash, result.vectors[n])))();
    ctx.count({ cost: result.cost ?? (deps.pricePerToken !== null ? result.tokens * deps.pricePerToken : 0) });
  }
  if (missing.length) ctx.log('info', `${missing.length} Q&A ${missing.length === 1 ? 'question' : 'questions'} embedded for word-for-word answers.`);
}
