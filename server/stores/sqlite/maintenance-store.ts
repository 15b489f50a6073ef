// Backups of the live SQLite file: SQLite's online backup API, never a file copy (with WAL, recent commits
// live in docent.db-wal, and a copy of docent.db taken mid-write can be torn).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { StorageFullError, type MaintenanceStore } from '../maintenance-store.js';
import type { Db } from './database.js';

type BackupResult = { ok: true } | { ok: false; message: string; code: string | null };

/**
 * The worker thread that makes the copy, as plain CommonJS source: it runs the same under tsx (tests) and in
 * the compiled server, with no loader. The copy's writes and its final fsync (a third of a second for a
 * 270 MB file here, seconds on a slow disk) happen on that thread, never on the event loop that answers
 * visitors; db.backup() in steps on the event loop stalls it for exactly that fsync (npm run bench -- backup).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
(async () => {
  try {
    // Read-only: this connection never writes to, or checkpoints, the live database.
    const db = new Database(workerData.source, { readonly: true, fileMustExist: true });
    try {
      // All pages in one step, so the copy is one snapshot. Steps on a second connection would restart from
      // the first page whenever Docent commits in between, which training does many times a second.
      await db.backup(workerData.destination, { progress: () => 0x7fffffff });
    } finally {
      db.close();
    }
    // The copy carries the live file's WAL flag: switch it to a plain rollback journal, so the downloaded
    // file is complete on its own and opens in any SQLite tool.
    const copy = new Database(workerData.destination);
    try { copy.pragma('journal_mode = DELETE'); } finally { copy.close(); }
    parentPort.postMessage({ ok: true });
  } catch (err) {
    parentPort.postMessage({ ok: false, message: String(err && err.message || err), code: err && typeof err.code === 'string' ? err.code : null });
  }
})();
`;
const BETTER_SQLITE3 = createRequire(import.meta.url).resolve('better-sqlite3');

export function sqliteMaintenanceStore(db: Db): MaintenanceStore {
  return {
    backupUnavailable: null,
    async sizeBytes() {
      // SQLite's own page count: pages still in the WAL are included.
      return Number(db.pragma('page_count', { simple: true })) * Number(db.pragma('page_size', { simple: true }));
    },

    async backupTo(file, options = {}) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: BETTER_SQLITE3, source: db.name, destination: file } });
      const cancel = () => void worker.terminate();
      options.signal?.addEventListener('abort', cancel, { once: true });
      try {
        const result = await new Promise<BackupResult>((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(options.signal?.aborted ? 'backup stopped' : `backup worker exited with code ${code}`)));
        });
        if (!result.ok) {
          if (result.code === 'SQLITE_FULL') throw new StorageFullError(result.message);
          throw new Error(`backup failed: ${result.message}`);
        }
      } catch (err) {
        // A worker told to stop has finished its current SQLite call when 'exit' comes: the file is free.
        await worker.terminate();
        throw err;
      } finally {
        options.signal?.removeEventListener('abort', cancel);
      }
    },
  };
}
