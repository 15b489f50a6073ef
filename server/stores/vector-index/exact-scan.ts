// The exact reference for an index's measured recall (server/training/index-recall.ts), the same on every backend:
// a sample of queries near the index's own vectors and their true nearest chunks by brute-force cosine over every
// float vector of the index. That reads every vector (6 KB each at 1536 d: 6 GB at a million), so it runs in a
// worker thread with its own connection, never on the event loop that answers visitors, and one pass over the
// vectors serves the whole sample. Each backend's worker reads the vectors its way and feeds them to the scanner
// below (plain JavaScript source, prepended to the worker's: it runs the same under tsx and in the compiled server).
// The worker is stopped by a shared flag it reads between vectors, never by worker.terminate() while it may be
// inside better-sqlite3: terminating a thread in the middle of a native call aborts the whole process
// (WiseLibs/better-sqlite3#1507; it took a test process down with SIGABRT when Docent closed during a measurement).
import { Worker } from 'node:worker_threads';
import type { ExactSample, ExactSampleOptions, VectorIndex } from '../vector-store.js';
import { COSINE_WASM } from './cosine-wasm.js';

/** Thrown when the reference search ran out of time (or the index went away while it ran). */
export class ExactSampleFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExactSampleFailed';
  }
}

/**
 * `exactScanner(w, picked)`: `w` the worker's data (dimensions, k, noise, timeLimitMs, wasm, stop), `picked` the sampled
 * vectors (float32 bytes). Queries are unit length, so one dot product per query and vector, divided by the
 * vector's norm (computed once per vector), is the cosine. The dot products are cosine.wat's (SIMD), nine times
 * faster than a JS loop: 1.2 s instead of 10.8 s at 100,000 × 1536 (npm run bench -- recall). Each query keeps its
 * best k in a small sorted array: an insertion only when a vector beats the current k-th. `add(id, bytes)` per
 * vector (throws once out of time, or once \`w.stop[0]\` is set: Docent is closing), then `reply()` is the message
 * to post back.
 */
export const EXACT_SCANNER_SOURCE = `
function exactScanner(w, picked) {
  const started = Date.now();
  const stopped = () => {
    if (Atomics.load(w.stop, 0) !== 0) throw new Error('stopped: Docent is shutting down');
  };
  stopped();
  const D = w.dimensions, K = w.k, S = picked.length;
  // Gaussian noise (Box–Muller) of norm ≈ w.noise × the vector's: near a stored vector, never equal to it.
  const gauss = () => { let u = 0; while (u === 0) u = Math.random(); return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * Math.random()); };
  // The kernel's memory (cosine.wat): the S unit queries, rows of 'stride' bytes with zero tails, then the
  // vector being compared, then the S dot products.
  const kernel = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(w.wasm, 'base64'))).exports;
  const stride = Math.ceil(D / 8) * 32;
  const vectorAt = S * stride, outAt = (S + 1) * stride;
  const pages = Math.ceil((outAt + 4 * (S + 1)) / 65536) - kernel.memory.buffer.byteLength / 65536;
  if (pages > 0) kernel.memory.grow(pages);
  const floats = new Float32Array(kernel.memory.buffer);
  const bytes = new Uint8Array(kernel.memory.buffer);
  const queries = new Float32Array(S * D);
  for (let s = 0; s < S; s++) {
    const v = new Float32Array(picked[s].buffer.slice(picked[s].byteOffset, picked[s].byteOffset + D * 4));
    let n2 = 0;
    for (let i = 0; i < D; i++) n2 += v[i] * v[i];
    const sigma = w.noise * Math.sqrt(n2 / D);
    let q2 = 0;
    for (let i = 0; i < D; i++) { const x = v[i] + sigma * gauss(); queries[s * D + i] = x; q2 += x * x; }
    const inv = q2 > 0 ? 1 / Math.sqrt(q2) : 0;
    for (let i = 0; i < D; i++) floats[(s * stride) / 4 + i] = queries[s * D + i] * inv;
  }
  const ids = new Float64Array(S * K).fill(-1);
  const sims = new Float64Array(S * K).fill(-Infinity);
  const dots = new Float64Array(S);
  let vectors = 0;
  return {
    add(id, blob) {
      if ((++vectors & 1023) === 0) {
        stopped();
        if (Date.now() - started > w.timeLimitMs) throw new Error('gave up after ' + Math.round((Date.now() - started) / 1000) + ' s, at ' + vectors + ' vectors');
      }
      if (blob.byteLength !== D * 4) return;
      bytes.set(blob, vectorAt);
      kernel.dots(vectorAt, vectorAt, 1, stride, outAt);
      const n2 = floats[outAt / 4];
      if (!(n2 > 0)) return;
      const inv = 1 / Math.sqrt(n2);
      kernel.dots(0, vectorAt, S, stride, outAt);
      for (let s = 0; s < S; s++) dots[s] = floats[outAt / 4 + s] * inv;
      for (let s = 0; s < S; s++) {
        const sim = dots[s], base = s * K;
        if (sim <= sims[base + K - 1]) continue;
        let at = K - 1;
        while (at > 0 && sims[base + at - 1] < sim) { sims[base + at] = sims[base + at - 1]; ids[base + at] = ids[base + at - 1]; at--; }
        sims[base + at] = sim; ids[base + at] = id;
      }
    },
    reply() {
      return [{ ok: true, queries, ids, similarities: sims, sampleSize: S, vectors }, [queries.buffer, ids.buffer, sims.buffer]];
    },
  };
}
`;

type WorkerReply =
  | { ok: true; queries: Float32Array; ids: Float64Array; similarities: Float64Array; sampleSize: number; vectors: number }
  | { ok: false; message: string };

/**
 * Beyond its own time limit (or this long after being told to stop, or after its reply), the worker is terminated from
 * here: a last resort for a read stuck on a lock, say, as terminating it inside a native call can abort the process.
 */
const TERMINATE_GRACE_MS = 10_000;

/**
 * Runs a backend's worker (`source`: CommonJS that uses exactScanner and posts its reply, or { ok: false, message })
 * with `workerData` plus what the scanner needs, and turns its reply into the sample.
 */
export async function runExactSample(
  source: string,
  workerData: Record<string, unknown>,
  index: VectorIndex,
  options: ExactSampleOptions,
): Promise<ExactSample> {
  if (!index.dimensions) return { queries: [], exact: [], vectors: 0 };
  if (options.signal?.aborted) throw new ExactSampleFailed('the exact search was stopped');
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(EXACT_SCANNER_SOURCE + source, {
    eval: true,
    workerData: {
      ...workerData,
      wasm: COSINE_WASM,
      dimensions: index.dimensions,
      k: options.k,
      sampleSize: options.sampleSize,
      noise: options.noise,
      timeLimitMs: options.timeLimitMs,
      stop,
    },
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const askToStop = () => Atomics.store(stop, 0, 1);
  options.signal?.addEventListener('abort', askToStop, { once: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      void exited.then(() => reject(new ExactSampleFailed('the exact search stopped before its reply')));
      timer = setTimeout(() => reject(new ExactSampleFailed('the exact search did not finish in time')), options.timeLimitMs + TERMINATE_GRACE_MS);
    });
    if (!reply.ok) throw new ExactSampleFailed(`the exact search failed: ${reply.message}`);
    const { sampleSize: S, k } = { sampleSize: reply.sampleSize, k: options.k };
    const D = index.dimensions;
    return {
      vectors: reply.vectors,
      queries: Array.from({ length: S }, (_, s) => reply.queries.slice(s * D, (s + 1) * D)),
      exact: Array.from({ length: S }, (_, s) => {
        const hits = [];
        for (let j = s * k; j < (s + 1) * k && reply.ids[j] >= 0; j++) hits.push({ chunkId: reply.ids[j], similarity: reply.similarities[j] });
        return hits;
      }),
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', askToStop);
    // The worker ends by itself once it has replied (closing its connection): wait for that, and only terminate one
    // that does not.
    askToStop();
    let lastResort: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (lastResort = setTimeout(resolve, TERMINATE_GRACE_MS)))]);
    clearTimeout(lastResort);
    await worker.terminate();
  }
}
