// Database backups: a consistent copy of everything Docent keeps, made by the store while Docent keeps
// answering and training (SQLite: its online backup API on a worker thread, server/stores/sqlite/
// maintenance-store.ts), into a private temporary file that is streamed to the admin and deleted.
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { readdir, rm, statfs } from 'node:fs/promises';
import path from 'node:path';
import { BackupUnavailableError, StorageFullError, type MaintenanceStore } from '../stores/maintenance-store.js';
import { conflict, HttpError } from '../http/errors.js';

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

/** The database's size in bytes (what a copy needs). */
export const databaseBytes = (store: MaintenanceStore): Promise<number> => store.sizeBytes();

const PROGRESS_MS = 200;

/**
 * Copies the live database into a new private file under DATA_DIR/backup-tmp: one consistent snapshot, taken
 * off the event loop while Docent goes on writing (the store's backupTo).
 */
export async function copyDatabase(store: MaintenanceStore, dataDir: string, options: CopyOptions = {}): Promise<BackupCopy> {
  // Cluster mode: not a failure of this backup but the wrong tool; the admin is told which one to use (before the
  // disk space check, which would blame the wrong thing).
  if (store.backupUnavailable) throw conflict(store.backupUnavailable);
  const dir = backupDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const expected = await store.sizeBytes();
  await ensureFreeSpace(dir, expected);

  const file = path.join(dir, `${randomUUID()}.db`);
  const remove = () => {
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  };
  // Created empty first, so the copy is private from its first byte (SQLite gives its journal the same mode).
  closeSync(openSync(file, 'wx', 0o600));
  const progress = setInterval(() => {
    const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    options.onProgress?.(Math.min(0.99, size / Math.max(1, expected)));
  }, PROGRESS_MS);
  try {
    try {
      await store.backupTo(file, { signal: options.signal });
    } catch (err) {
      if (options.signal?.aborted) throw new BackupCancelled();
      if (err instanceof StorageFullError) throw notEnoughSpace(expected, null);
      if (err instanceof BackupUnavailableError) throw conflict(err.message);
      throw err;
    }
    if (options.signal?.aborted) throw new BackupCancelled();
    options.onProgress?.(1);
    return { file, bytes: statSync(file).size, remove };
  } catch (err) {
    // backupTo settles only once nothing writes to the file: it can go.
    remove();
    throw err;
  } finally {
    clearInterval(progress);
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
