// Who holds a job's lease (see jobs.ts): a fresh id per job runner, prefixed with where its process runs
// (host, boot, PID namespace, PID). A lease normally ends by running out; this lets a process on the same
// machine prove that a lease's holder is gone (its process no longer exists, or it is this process and the
// runner was closed) and take the job over at once, so a restart after a crash resumes without waiting.
// When nothing can be proved (another machine, a container with its own PID namespace, a reused PID), the
// lease simply runs out.
import { randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

const readOr = (read: () => string): string => {
  try {
    return read().trim();
  } catch {
    return '';
  }
};
const HOST = hostname();
const BOOT = readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'));
const PID_NAMESPACE = readOr(() => readlinkSync('/proc/self/ns/pid'));

/** Runners alive in this process: holder → the database file it holds leases in. */
const liveHolders = new Map<string, string>();

const databaseKey = (file: string) => (file === ':memory:' || file === '' ? file : path.resolve(file));

/** A new holder id for a runner working on this database file; `release` when the runner closes. */
export function newLeaseHolder(databaseFile: string): { id: string; release(): void } {
  const id = [HOST, BOOT, PID_NAMESPACE, process.pid, randomBytes(8).toString('hex')].join('/');
  liveHolders.set(id, databaseKey(databaseFile));
  return {
    id,
    release: () => {
      liveHolders.delete(id);
    },
  };
}

/** True only when the holder is certainly not running: its lease can be taken before it runs out. */
export function leaseHolderIsGone(holder: string, databaseFile: string): boolean {
  const parts = holder.split('/');
  if (parts.length !== 5) return false;
  const [host, boot, pidNamespace, pidText] = parts;
  if (host !== HOST || !BOOT || !boot) return false;
  if (boot !== BOOT) return true; // same machine, rebooted since: every process of the old boot is gone
  if (!PID_NAMESPACE || pidNamespace !== PID_NAMESPACE) return false;
  const pid = Number(pidText);
  // This process: gone unless one of its runners still holds leases in this very file (a restored copy
  // of the database, opened beside the original, carries leases the original's runner holds elsewhere).
  if (pid === process.pid) return liveHolders.get(holder) !== databaseKey(databaseFile);
  try {
    process.kill(pid, 0); // signal 0 only asks whether the process exists
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
