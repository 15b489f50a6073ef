// The index's measured recall (issue 13): vector search is approximate, and an approximate index can lose
// recall as it grows without anyone being told. A sample of queries is searched through the index and
// through exact brute-force cosine (VectorStore.exactSample, in a worker thread); the share of the exact
// top 8 the index returns is kept with the index and shown on Data Training → Database Management.
// Measured again after a training run changed the index by a large amount, in the background, one at a time,
// always on the active index (never the one an embedding-model change is building).
import type { FastifyBaseLogger } from 'fastify';
import type { IndexRecall, VectorHit, VectorIndex, VectorStore } from '../stores/vector-store.js';
import type { IndexRecallStatus } from './schemas.js';

export const RECALL_K = 8;
export const RECALL_SAMPLE_SIZE = 50;
/** Below this many vectors there is nothing to sample from (the button says so). */
export const MIN_VECTORS_TO_MEASURE = 100;
/** The first measurement made by itself, once the index is this large (smaller ones are searched near exactly). */
export const FIRST_AUTOMATIC_AT = 1_000;
/** A change since the last measurement that makes it due again: this share of its size, or this many vectors. */
const CHANGE_SHARE = 0.1;
const CHANGE_VECTORS = 5_000;
/** Noise added to a chosen vector to make a query, relative to its norm (cosine ≈ 0.9 to it: the queries of npm run bench -- retrieval, so the two agree). */
const QUERY_NOISE = 0.5;
/** The reference search gives up after this (it takes ≈ 1.2 s per 100,000 1536-d vectors here: npm run bench -- recall). */
const TIME_LIMIT_MS = 10 * 60 * 1000;

/** A measurement cannot start: the message says why (a 409 for the route). */
export class RecallNotMeasurable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecallNotMeasurable';
  }
}

type Search = (index: VectorIndex, query: Float32Array, k: number) => Promise<VectorHit[]>;

/**
 * Share of the exact top k that `found` holds. A found chunk counts when it is as near as the exact k-th
 * (to a rounding): chunks with the same text share one vector, and which of equals makes the top k is arbitrary.
 */
export function recallAt(exact: VectorHit[], found: VectorHit[], k: number): number {
  if (exact.length === 0) return 1;
  const wanted = Math.min(k, exact.length);
  // 1e-5: the reference sums in float32 SIMD lanes, the index's rescoring in sqlite-vec's order.
  const cut = exact[wanted - 1].similarity - 1e-5;
  const ids = new Set<number>();
  for (const hit of found.slice(0, k)) if (hit.similarity >= cut) ids.add(hit.chunkId);
  return Math.min(ids.size, wanted) / wanted;
}

/** Measures `index`'s recall@k: the exact reference off the event loop, then the index's searches one at a time. */
export async function measureRecall(
  vectors: VectorStore,
  index: VectorIndex,
  options: { sampleSize?: number; k?: number; timeLimitMs?: number; search?: Search; signal?: AbortSignal } = {},
): Promise<Omit<IndexRecall, 'measuredAt'>> {
  const k = options.k ?? RECALL_K;
  const search: Search = options.search ?? ((i, q, n) => vectors.search(i, q, n));
  const sample = await vectors.exactSample(index, {
    sampleSize: Math.min(options.sampleSize ?? RECALL_SAMPLE_SIZE, RECALL_SAMPLE_SIZE),
    k,
    noise: QUERY_NOISE,
    timeLimitMs: options.timeLimitMs ?? TIME_LIMIT_MS,
    signal: options.signal,
  });
  if (sample.queries.length === 0) throw new RecallNotMeasurable('The search index holds no vectors to sample.');
  let sum = 0;
  for (let i = 0; i < sample.queries.length; i++) {
    // One search per turn of the event loop: a visitor's question never waits behind the whole sample.
    await new Promise((resolve) => setImmediate(resolve));
    options.signal?.throwIfAborted();
    sum += recallAt(sample.exact[i], await search(index, sample.queries[i], k), k);
  }
  return { recall: sum / sample.queries.length, k, sampleSize: sample.queries.length, indexSize: sample.vectors };
}

/** Whether the index changed enough since `last` (or grew large enough for a first measurement). */
export function recallDue(last: IndexRecall | null, size: number): boolean {
  if (!last) return size >= FIRST_AUTOMATIC_AT;
  const change = Math.abs(size - last.indexSize);
  return change >= CHANGE_VECTORS || change >= CHANGE_SHARE * last.indexSize;
}

export interface RecallMonitor {
  status(): Promise<IndexRecallStatus>;
  /** Starts a measurement of the active index in the background; throws RecallNotMeasurable when it cannot. */
  measureNow(): Promise<void>;
  /** After a training run: measures in the background if the active index changed enough. */
  afterTraining(): void;
  /** Resolves when no measurement runs (tests). */
  idle(): Promise<void>;
  /** Shutting down: no measurement starts or is saved any more; one under way is stopped, and waited for. */
  close(): Promise<void>;
}

export function createRecallMonitor(vectors: VectorStore, log: FastifyBaseLogger): RecallMonitor {
  let running: Promise<void> | null = null;
  let lastError: string | null = null;
  // A run that ended while a measurement was under way is looked at again when it is done.
  let recheck = false;
  let closed = false;
  const closing = new AbortController();

  const run = (index: VectorIndex) => {
    lastError = null;
    running = (async () => {
      try {
        const measured = await measureRecall(vectors, index, { signal: closing.signal });
        // A rebuild may have swapped in a new index meanwhile: the old one's number is not kept for it.
        if (closed) return;
        if ((await vectors.activeIndex())?.id === index.id) await vectors.saveIndexRecall(index, measured);
        log.info({ indexId: index.id, ...measured }, 'measured the search index recall');
      } catch (err) {
        if (closed) return;
        lastError = `The last measurement did not finish: ${err instanceof Error ? err.message : String(err)}.`;
        log.warn({ err, indexId: index.id }, 'measuring the search index recall failed');
      } finally {
        running = null;
      }
      if (recheck) {
        recheck = false;
        await checkDue().catch((err) => log.warn({ err }, 'could not check whether the search index recall is due'));
      }
    })();
  };

  const checkDue = async () => {
    if (closed || running) return;
    const index = await vectors.activeIndex();
    if (!index?.dimensions) return;
    const due = recallDue(await vectors.indexRecall(index), await vectors.countVectors(index));
    if (due && !running) run(index);
  };

  return {
    async status() {
      const index = await vectors.activeIndex();
      return { measured: index ? await vectors.indexRecall(index) : null, measuring: running !== null, lastError };
    },
    async measureNow() {
      if (running) throw new RecallNotMeasurable('The search accuracy is being measured already.');
      const index = await vectors.activeIndex();
      const size = index?.dimensions ? await vectors.countVectors(index) : 0;
      if (!index || size === 0) throw new RecallNotMeasurable('There is no search index yet: train your content first.');
      if (size < MIN_VECTORS_TO_MEASURE) {
        throw new RecallNotMeasurable(
          `The search index holds ${size} vectors; accuracy is measured from ${MIN_VECTORS_TO_MEASURE}. An index this small is searched as good as exactly.`,
        );
      }
      if (running) throw new RecallNotMeasurable('The search accuracy is being measured already.');
      if (closed) throw new RecallNotMeasurable('Docent is shutting down.');
      run(index);
    },
    afterTraining() {
      if (running) {
        recheck = true;
        return;
      }
      checkDue().catch((err) => log.warn({ err }, 'could not check whether the search index recall is due'));
    },
    async idle() {
      while (running) await running;
    },
    async close() {
      closed = true;
      closing.abort();
      while (running) await running;
    },
  };
}
