// The data folder holds the database (sessions, sealed secrets, every conversation) and the secret key:
// only Docent's own user may read it. Modes are set explicitly with chmod, so they do not depend on the
// umask Docent happens to be started with, and installs made before this rule are tightened at start.
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` (and missing parents) if needed and makes it 0700. A folder owned by another user (a
 * volume prepared by root, say) cannot be changed: Docent still starts, with a warning saying what to do.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  try {
    chmodSync(dir, PRIVATE_DIR_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
    process.emitWarning(`${dir} belongs to another user, so Docent cannot make it private (mode 700). Run "chmod 700 ${dir}" as its owner.`);
  }
}

/** Creates `file` empty if it does not exist, and makes it 0600 either way. */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  chmodSync(file, PRIVATE_FILE_MODE);
}

/** Makes `file` 0600 if it exists (files another program, such as SQLite, creates next to ours). */
export function tightenIfPresent(file: string): void {
  try {
    chmodSync(file, PRIVATE_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
