// The exact reference for an index's measured recall (server/training/index-recall.ts): a sample of queries
// near the index's own vectors and their true nearest chunks by brute-force cosine over every float vector of
// the index. That reads every vector (6 KB each at 1536 d: 6 GB at a million), so it runs in a worker thread
// on its own read-only connection, never on the event loop that answers visitors, and one pass over the
// vectors serves the whole sample. Also where a measurement is kept (index_recall, migration 018).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { ExactSample, ExactSampleOptions, IndexRecall, VectorIndex } from '../vector-store.js';
import { COSINE_WASM } from '../vector-index/cosine-wasm.js';
import { stmt, type Db } from './database.js';

/** Thrown when the reference search ran out of time (or the index went away while it ran). */
export class ExactSampleFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExactSampleFailed';
  }
}

type WorkerReply =
  | { ok: true; queries: Float32Array; ids: Float64Array; similarities: Float64Array; sampleSize: number; vectors: number }
  | { ok: false; message: string };

/**
 * The worker, as plain CommonJS source (as maintenance-store.ts's backup worker): it runs the same under tsx
 * and in the compiled server. Queries are unit length, so one dot product per query and vector, divided by
 * the vector's norm (computed once per vector), is the cosine. The dot products are cosine.wat's (SIMD), nine
 * times faster than a JS loop: 1.2 s instead of 10.8 s at 100,000 × 1536 (npm run bench -- recall). Each query
 * keeps its best k in a small sorted array: an insertion only when a vector beats the current k-th.
 */
const WORKER_SOURCE = `
const { parentPort, workerData: w } = require('node:worker_threads');
const Database = require(w.betterSqlite3);
const started = Date.now();
let db;
try {
  db = new Database(w.file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.pragma('mmap_size = 1073741824');
  require(w.sqliteVec).load(db);
  const D = w.dimensions, K = w.k;
  // One read transaction: the sample and the pass see the same snapshot while training writes.
  db.exec('BEGIN');
  const join = 'FROM ' + w.table + '_rowids r JOIN chunks c ON c.id = r.rowid JOIN embedding_cache e ON e.endpoint = ? AND e.model = ? AND e.text_hash = c.text_hash';
  // The ids first (a sort of integers), then the vectors of those: never a read of every vector to pick a few.
  const sampleIds = db.prepare('SELECT rowid FROM ' + w.table + '_rowids ORDER BY random() LIMIT ?').pluck().all(w.sampleSize * 2);
  const vectorOf = db.prepare('SELECT e.vector FROM chunks c JOIN embedding_cache e ON e.endpoint = ? AND e.model = ? AND e.text_hash = c.text_hash WHERE c.id = ?').pluck();
  const picked = [];
  for (const id of sampleIds) {
    const blob = vectorOf.get(w.endpoint, w.model, id);
    if (blob && blob.byteLength === D * 4 && picked.length < w.sampleSize) picked.push(blob);
  }
  const S = picked.length;
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
  const rows = db.prepare('SELECT c.id, e.vector ' + join).raw().iterate(w.endpoint, w.model);
  for (const [id, blob] of rows) {
    if ((++vectors & 1023) === 0 && Date.now() - started > w.timeLimitMs) {
      throw new Error('gave up after ' + Math.round((Date.now() - started) / 1000) + ' s, at ' + vectors + ' vectors');
    }
    if (blob.byteLength !== D * 4) continue;
    bytes.set(blob, vectorAt);
    kernel.dots(vectorAt, vectorAt, 1, stride, outAt);
    const n2 = floats[outAt / 4];
    if (!(n2 > 0)) continue;
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
  }
  db.exec('COMMIT');
  parentPort.postMessage({ ok: true, queries, ids, similarities: sims, sampleSize: S, vectors }, [queries.buffer, ids.buffer, sims.buffer]);
} catch (err) {
  parentPort.postMessage({ ok: false, message: String((err && err.message) || err) });
} finally {
  if (db) db.close();
}
`;
const requireHere = createRequire(import.meta.url);
const MODULES = { betterSqlite3: requireHere.resolve('better-sqlite3'), sqliteVec: requireHere.resolve('sqlite-vec') };
/** Beyond its own time limit, the worker is stopped from here (a read stuck on a lock, say). */
const TERMINATE_GRACE_MS = 10_000;

/** Sample queries and their exact top k, computed in a worker thread on a read-only connection to `db`'s file. */
export async function exactSample(db: Db, index: VectorIndex, options: ExactSampleOptions): Promise<ExactSample> {
  if (!index.dimensions || db.memory) return { queries: [], exact: [], vectors: 0 };
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      ...MODULES,
      wasm: COSINE_WASM,
      file: db.name,
      table: `vec_index_${Number(index.id)}`,
      endpoint: index.endpoint,
      model: index.model,
      dimensions: index.dimensions,
      k: options.k,
      sampleSize: options.sampleSize,
      noise: options.noise,
      timeLimitMs: options.timeLimitMs,
    },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new ExactSampleFailed(`the exact search stopped (exit code ${code})`)));
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
    await worker.terminate();
  }
}

export function indexRecall(db: Db, index: Pick<VectorIndex, 'id'>): IndexRecall | null {
  return (
    (stmt(db, 'SELECT recall, k, sample_size AS sampleSize, index_size AS indexSize, measured_at AS measuredAt FROM index_recall WHERE index_id = ?').get(
      index.id,
    ) as IndexRecall | undefined) ?? null
  );
}

/** Keeps the measurement; false when the index is gone meanwhile (replaced by a rebuild, say): nothing is kept. */
export function saveIndexRecall(db: Db, index: Pick<VectorIndex, 'id'>, recall: Omit<IndexRecall, 'measuredAt'>): boolean {
  return db.transaction(() => {
    if (!stmt(db, 'SELECT 1 FROM vector_indexes WHERE id = ?').get(index.id)) return false;
    stmt(db, 'INSERT OR REPLACE INTO index_recall (index_id, recall, k, sample_size, index_size) VALUES (?, ?, ?, ?, ?)').run(
      index.id,
      recall.recall,
      recall.k,
      recall.sampleSize,
      recall.indexSize,
    );
    return true;
  })();
}
