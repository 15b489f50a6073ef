// The index's measured recall (server/training/index-recall.ts) at 100k chunks of 1536 dimensions: how long the
// exact reference takes in its worker thread (one pass over every float vector for the 50 sample queries), the
// whole measurement with the 50 index searches on the main thread, and how long the event loop was held while
// it ran (what a visitor's question could wait). Sizes by BENCH_RECALL_SIZES (e.g. 100000,1000000).
//
// Data as e2e/bench/retrieval.ts makes it: 500 anisotropic clusters, chunk = centre + noise, normalised.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { OPENROUTER_ENDPOINT } from '../../server/openrouter/client.js';
import { openDatabase } from '../../server/stores/sqlite/database.js';
import { migrate } from '../../server/stores/sqlite/migrate.js';
import { cacheVector, ensureActiveIndex, insertVectors, setDimensions, sqliteVectorStore } from '../../server/stores/sqlite/vector-store.js';
import { measureRecall, RECALL_K, RECALL_SAMPLE_SIZE } from '../../server/training/index-recall.js';
import { gaussian, mb, normalise, prng, round, type Row } from './common.js';

const D = 1536;
const SPACE = { endpoint: OPENROUTER_ENDPOINT, model: 'openai/text-embedding-3-small' };
const SIZES = (process.env.BENCH_RECALL_SIZES ?? '100000').split(',').map(Number);
const CLUSTERS = 500;
const SHARED = 0.42;
const CHUNK_NOISE = 1.0;
/**
 * The event loop must stay free for visitors: the measurement holds it no longer than one index search (which a
 * visitor's question costs anyway) and a margin; the exact pass never holds it.
 */
const STALL_MARGIN_MS = 25;

export async function run(): Promise<Row[]> {
  const rows: Row[] = [];
  const row = (r: Omit<Row, 'section'>) => rows.push({ section: 'recall', ...r });
  const dir = mkdtempSync(path.join(tmpdir(), 'docent-bench-recall-'));
  const file = path.join(dir, 'docent.db');
  const db = openDatabase(file);
  try {
    migrate(db);
    const vectors = sqliteVectorStore(db);
    const documentId = Number(
      db
        .prepare(
          "INSERT INTO documents (source_id, source_key, title, kind, content, content_hash, token_count) VALUES ((SELECT id FROM sources WHERE kind = 'text' LIMIT 1), 'bench', 'Bench', 'text', '', 'h', 0)",
        )
        .run().lastInsertRowid,
    );
    const insertChunk = db.prepare(
      "INSERT INTO chunks (id, document_id, position, text, content, heading_path, token_count, text_hash) VALUES (?, ?, ?, ?, ?, '', 80, ?)",
    );
    const index = setDimensions(db, ensureActiveIndex(db, SPACE), D);
    const random = prng(2024);
    const normal = gaussian(random);
    const shared = normalise(Float32Array.from({ length: D }, normal));
    const centres = Array.from({ length: CLUSTERS }, () =>
      normalise(normalise(Float32Array.from({ length: D }, normal)).map((x, i) => x + SHARED * shared[i])),
    );
    let built = 0;
    for (const size of SIZES) {
      const t0 = performance.now();
      let v = new Float32Array(D);
      while (built < size) {
        const end = Math.min(size, built + 1000);
        db.transaction(() => {
          const batch: Array<{ chunkId: number; vector: Buffer }> = [];
          for (let chunkId = built + 1; chunkId <= end; chunkId++) {
            const centre = centres[Math.floor(random() * CLUSTERS)];
            // A new array per chunk: cacheVector's blob is a view of it, written to the index with the batch.
            v = new Float32Array(D);
            for (let i = 0; i < D; i++) v[i] = centre[i] + (CHUNK_NOISE / Math.sqrt(D)) * normal();
            normalise(v);
            insertChunk.run(chunkId, documentId, chunkId, `chunk ${chunkId}`, `chunk ${chunkId}`, `hash-${chunkId}`);
            batch.push({ chunkId, vector: cacheVector(db, SPACE, `hash-${chunkId}`, v) });
          }
          insertVectors(db, index, batch);
        })();
        built = end;
      }
      db.pragma('wal_checkpoint(TRUNCATE)');
      const label = `${size.toLocaleString('en')} chunks × ${D} d`;
      row({ metric: `build ${label}`, value: round((performance.now() - t0) / 1000, 1), unit: 's', note: `database ${mb(statSync(file).size)} MB` });
      await vectors.search(index, v, RECALL_K); // the coarse copy read once, as a running server has it

      let t = performance.now();
      const sample = await vectors.exactSample(index, { sampleSize: RECALL_SAMPLE_SIZE, k: RECALL_K, noise: 0.5, timeLimitMs: 30 * 60_000 });
      row({
        metric: `exact reference (worker), ${label}`,
        value: round((performance.now() - t) / 1000, 2),
        unit: 's',
        note: `${sample.queries.length} queries, one pass over ${sample.vectors.toLocaleString('en')} vectors`,
      });

      const loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
      t = performance.now();
      let slowestSearch = 0;
      const measured = await measureRecall(vectors, index, {
        search: async (i, q, k) => {
          const started = performance.now();
          const hits = await vectors.search(i, q, k);
          slowestSearch = Math.max(slowestSearch, performance.now() - started);
          return hits;
        },
      });
      const seconds = (performance.now() - t) / 1000;
      loop.disable();
      row({
        metric: `whole measurement, ${label}`,
        value: round(seconds, 2),
        unit: 's',
        note: `recall@${measured.k} ${round(measured.recall, 3)} on ${measured.sampleSize} queries`,
      });
      const stall = loop.max / 1e6;
      row({
        metric: `longest event-loop stall while measuring, ${label}`,
        value: round(stall, 1),
        unit: 'ms',
        target: `≤ ${round(slowestSearch + STALL_MARGIN_MS, 1)}`,
        met: stall <= slowestSearch + STALL_MARGIN_MS,
        note: `slowest of its index searches ${round(slowestSearch, 1)} ms, + ${STALL_MARGIN_MS}`,
      });
    }
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
