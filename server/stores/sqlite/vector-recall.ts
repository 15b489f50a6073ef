// The SQLite side of an index's measured recall: the worker that reads every float vector of the index for the
// brute-force reference (server/stores/vector-index/exact-scan.ts), on its own read-only connection, and where a
// measurement is kept (index_recall, migration 018).
import { createRequire } from 'node:module';
import { runExactSample } from '../vector-index/exact-scan.js';
import type { ExactSample, ExactSampleOptions, IndexRecall, VectorIndex } from '../vector-store.js';
import { stmt, type Db } from './database.js';

export { ExactSampleFailed } from '../vector-index/exact-scan.js';

/** The worker, as plain CommonJS source (as maintenance-store.ts's backup worker), after exactScanner's. */
const WORKER_SOURCE = `
const { parentPort, workerData: w } = require('node:worker_threads');
const Database = require(w.betterSqlite3);
let db;
try {
  db = new Database(w.file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.pragma('mmap_size = 1073741824');
  require(w.sqliteVec).load(db);
  const D = w.dimensions;
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
  const scanner = exactScanner(w, picked);
  for (const [id, blob] of db.prepare('SELECT c.id, e.vector ' + join).raw().iterate(w.endpoint, w.model)) scanner.add(id, blob);
  db.exec('COMMIT');
  parentPort.postMessage(...scanner.reply());
} catch (err) {
  parentPort.postMessage({ ok: false, message: String((err && err.message) || err) });
} finally {
  if (db) db.close();
}
`;
const requireHere = createRequire(import.meta.url);
const MODULES = { betterSqlite3: requireHere.resolve('better-sqlite3'), sqliteVec: requireHere.resolve('sqlite-vec') };

/** Sample queries and their exact top k, computed in a worker thread on a read-only connection to `db`'s file. */
export async function exactSample(db: Db, index: VectorIndex, options: ExactSampleOptions): Promise<ExactSample> {
  if (!index.dimensions || db.memory) return { queries: [], exact: [], vectors: 0 };
  return runExactSample(
    WORKER_SOURCE,
    { ...MODULES, file: db.name, table: `vec_index_${Number(index.id)}`, endpoint: index.endpoint, model: index.model },
    index,
    options,
  );
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
