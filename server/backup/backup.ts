// Database backups: a consistent copy of the live SQLite file, made with SQLite's online backup API while
// Docent keeps answering and training, into a private temporary file that is streamed to the admin and
// deleted. Never a file copy: with WAL, recent commits live in docent.db-wal, and a copy of docent.db taken
// mid-write can be torn.
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { readdir, rm, statfs } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from '../stores/sqlite/database.js';
import { HttpError } from '../http/errors.js';

/** Free space kept beyond the copy's own size, so a backup never fills the disk the database lives on. */
const SPARE_BYTES = 64 * 1024 * 1024;

export const backupDir = (dataDir: string) => path.join(dataDir, 'backup-tmp');

/** Copies left by a backup cut short by a crash or restart: nothing else lives in the folder. */
export async function clearBackupDir(dataDir: string): Promise<void> {
  const dir = backupDir(dataDir);
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.map((name) => rm(path.join(dir, name), { force: true })));
}

/** `docent-backup-2026-01-31-1402.db`, in UTC (the time a backup was made, whatever the server's time zone). */
export function backupFileName(at: Date): string {
  const iso = at.toISOString(); // 2026-01-31T14:02:09.123Z
  return `docent-backup-${iso.slice(0, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}.db`;
}

export interface BackupCopy {
  file: string;
  bytes: number;
  /** Deletes the copy (and any journal next to it); safe to call twice. */
  remove(): void;
}

export interface CopyOptions {
  /** 0–1, now and then while the copy grows. */
  onProgress?: (fraction: number) => void;
  /** A copy nobody will download is stopped, and its file deleted. */
  signal?: AbortSignal;
}

export class BackupCancelled extends Error {
  constructor() {
    super('The backup was cancelled.');
    this.name = 'BackupCancelled';
  }
}

/** The database's size in bytes, from SQLite's own page count (pages still in the WAL included). */
export function databaseBytes(db: Db): number {
  return Number(db.pragma('page_count', { simple: true })) * Number(db.pragma('page_size', { simple: true }));
}

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
const PROGRESS_MS = 200;

/**
 * Copies the live database into a new private file under DATA_DIR/backup-tmp, in a worker thread: one
 * consistent snapshot, taken while Docent goes on writing through its own connection.
 */
export async function copyDatabase(db: Db, dataDir: string, options: CopyOptions = {}): Promise<BackupCopy> {
  const dir = backupDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const expected = databaseBytes(db);
  await ensureFreeSpace(dir, expected);

  const file = path.join(dir, `${randomUUID()}.db`);
  const remove = () => {
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  };
  // Created empty first, so the copy is private from its first byte (SQLite gives its journal the same mode).
  closeSync(openSync(file, 'wx', 0o600));
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: BETTER_SQLITE3, source: db.name, destination: file } });
  const progress = setInterval(() => {
    const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    options.onProgress?.(Math.min(0.99, size / Math.max(1, expected)));
  }, PROGRESS_MS);
  const cancel = () => void worker.terminate();
  options.signal?.addEventListener('abort', cancel, { once: true });
  try {
    const result = await new Promise<BackupResult>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(options.signal?.aborted ? new BackupCancelled() : new Error(`backup worker exited with code ${code}`)));
    });
    if (options.signal?.aborted) throw new BackupCancelled();
    if (!result.ok) {
      if (result.code === 'SQLITE_FULL') throw notEnoughSpace(expected, null);
      throw new Error(`backup failed: ${result.message}`);
    }
    options.onProgress?.(1);
    return { file, bytes: statSync(file).size, remove };
  } catch (err) {
    // A worker told to stop has finished its current SQLite call when 'exit' comes: the file is free.
    await worker.terminate();
    remove();
    throw err;
  } finally {
    clearInterval(progress);
    options.signal?.removeEventListener('abort', cancel);
  }
}

async function ensureFreeSpace(dir: string, needed: number): Promise<void> {
  const fs = await statfs(dir).catch(() => null);
  if (!fs) return; // unknown here: SQLITE_FULL still stops a copy that does not fit
  const free = fs.bavail * fs.bsize;
  if (free < needed + SPARE_BYTES) throw notEnoughSpace(needed, free);
}

function notEnoughSpace(needed: number, free: number | null): HttpError {
  const have = free === null ? '' : `, and ${formatSize(free)} are free`;
  return new HttpError(
    507,
    `Not enough disk space for a backup: it needs about ${formatSize(needed + SPARE_BYTES)} free in the data folder${have}. Free some space and try again.`,
  );
}

function formatSize(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  return `${Math.max(1, Math.round(bytes / 1024 ** 2))} MB`;
}
