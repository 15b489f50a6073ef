// The embedding step shared by "Start Training", source syncs and index rebuilds: every chunk that has
// no vector in the index gets one, from the cache when that text was embedded before, else from the API.
import type OpenAI from 'openai';
import type { Provider } from '../openrouter/client.js';
import type { KeyOutcomeReport } from '../openrouter/key-status.js';
import { qaQuestionsMissingVectors } from '../retrieval/qa-match.js';
import type { VectorIndex, VectorStore } from '../stores/vector-store.js';
import { embedBatch, EMBED_BATCH_SIZE, EMBED_CONCURRENCY } from '../vectors/embedder.js';
import type { JobContext } from './jobs.js';

export interface EmbedDeps {
  vectors: VectorStore;
  client: OpenAI;
  provider: Provider;
  pricePerToken: number | null;
  onOutcome?: KeyOutcomeReport;
}

/** Fills `index` until no chunk lacks a vector (or the job is stopped). */
export async function embedMissing(ctx: JobContext, deps: EmbedDeps, start: VectorIndex): Promise<void> {
  const { vectors } = deps;
  let index = start;
  const todo = await vectors.countMissing(index);
  // Chunks still to do per document: a document is done when its count reaches zero.
  const remaining = await vectors.missingByDocument(index);
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
  const store = async (hashToVector: Map<string, Float32Array>, chunkIds: Map<string, number[]>) => {
    const rows: Array<{ chunkId: number; vector: Float32Array }> = [];
    for (const [hash, vector] of hashToVector) for (const chunkId of chunkIds.get(hash) ?? []) rows.push({ chunkId, vector });
    // Chunks deleted while their text was being embedded are skipped by the store.
    const written = await vectors.writeVectors(index, rows);
    let documentsDone = 0;
    for (const chunkId of written.chunkIds) {
      const documentId = documentOf.get(chunkId)!;
      documentOf.delete(chunkId);
      const left = (remaining.get(documentId) ?? 1) - 1;
      remaining.set(documentId, left);
      if (left === 0) documentsDone++;
    }
    // Tokens as every screen counts them: those of the chunks indexed, from the cache too.
    ctx.count({ chunksDone: written.chunkIds.length, documentsDone, tokens: written.tokens });
  };

  while (!ctx.stopped()) {
    const missing = await vectors.chunksMissingVectors(index, EMBED_BATCH_SIZE * EMBED_CONCURRENCY * 4);
    if (missing.length === 0) break;
    const idsByHash = new Map<string, number[]>();
    const textByHash = new Map<string, string>();
    const tokensByHash = new Map<string, number>();
    for (const m of missing) {
      documentOf.set(m.chunkId, m.documentId);
      idsByHash.set(m.textHash, [...(idsByHash.get(m.textHash) ?? []), m.chunkId]);
      textByHash.set(m.textHash, m.text);
      tokensByHash.set(m.textHash, m.tokenCount);
    }
    const cached = await vectors.cachedVectors(index, [...idsByHash.keys()]);
    if (cached.size > 0) {
      if (!index.dimensions) index = await vectors.setDimensions(index, cached.values().next().value!.length);
      await store(cached, idsByHash);
      for (const hash of cached.keys()) textByHash.delete(hash);
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
          index = await vectors.setDimensions(index, result.dimensions);
          ctx.log('info', `${index.model} returns ${result.dimensions}-dimension vectors; the index is set to that size.`);
        }
        const embedded = new Map(batch.map(([hash], i) => [hash, result.vectors[i]]));
        await vectors.cacheVectors(
          index,
          [...embedded].map(([textHash, vector]) => ({ textHash, vector })),
        );
        await store(embedded, idsByHash);
        // The cost is what the provider bills: its own count, or ours when it reports none.
        const billed = result.tokens || batch.reduce((sum, [hash]) => sum + (tokensByHash.get(hash) ?? 0), 0);
        const cost = result.cost ?? (deps.pricePerToken !== null ? billed * deps.pricePerToken : 0);
        ctx.count({ cost });
      }
    };
    await Promise.all(Array.from({ length: Math.min(EMBED_CONCURRENCY, batches.length) }, worker));
    index = (await vectors.indexById(index.id)) ?? index;
  }
  await embedQaQuestions(ctx, deps, (await vectors.indexById(index.id)) ?? index);
}

/**
 * Each Q&A entry's question is embedded on its own too (into the cache, under the key a visitor's identical
 * question has): that is what a visitor's question is compared with to answer word for word. A few tokens per
 * entry, so not counted in the content's tokens; their cost is.
 */
async function embedQaQuestions(ctx: JobContext, deps: EmbedDeps, index: VectorIndex): Promise<void> {
  if (!index.dimensions || ctx.stopped()) return;
  const missing = await qaQuestionsMissingVectors(deps.vectors, index);
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
    await deps.vectors.cacheVectors(
      index,
      batch.map((q, n) => ({ textHash: q.hash, vector: result.vectors[n] })),
    );
    ctx.count({ cost: result.cost ?? (deps.pricePerToken !== null ? result.tokens * deps.pricePerToken : 0) });
  }
  if (missing.length) ctx.log('info', `${missing.length} Q&A ${missing.length === 1 ? 'question' : 'questions'} embedded for word-for-word answers.`);
}
