import type { Db } from '../stores/sqlite/database.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { deleteAllSessions } from './sessions.js';
import { recordSuccessfulLogin } from './login-backoff.js';

export { MIN_PASSWORD_LENGTH } from './schemas.js';

export function adminExists(db: Db): boolean {
  return db.prepare('SELECT 1 FROM admin WHERE id = 1').get() !== undefined;
}

/**
 * Creates the admin; returns false when one already exists. Checked before hashing, so a setup call
 * after the first costs no scrypt work; two setups racing both hash, and the insert lets the first win.
 */
export async function createAdmin(db: Db, password: string): Promise<boolean> {
  if (adminExists(db)) return false;
  const hash = await hashPassword(password);
  return db.prepare('INSERT OR IGNORE INTO admin (id, password_hash) VALUES (1, ?)').run(hash).changes === 1;
}

/**
 * Replaces the admin's password hash, creating the admin when there is none (the shell reset on a fresh
 * install). Returns whether the admin was created.
 */
export function setAdminPasswordHash(db: Db, hash: string): { created: boolean } {
  const created = !adminExists(db);
  db.prepare(`INSERT INTO admin (id, password_hash) VALUES (1, ?)
    ON CONFLICT (id) DO UPDATE SET password_hash = excluded.password_hash, password_changed_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`).run(hash);
  return { created };
}

/**
 * A new password, from Settings → Account or the shell reset: the new hash (bounded hashing, like a login),
 * every session ended, and the failed-login count forgotten, in one transaction. The admin is created
 * when there is none.
 */
export async function replaceAdminPassword(db: Db, password: string): Promise<{ created: boolean; sessionsEnded: number }> {
  const hash = await hashPassword(password);
  return db.transaction(() => {
    const { created } = setAdminPasswordHash(db, hash);
    const sessionsEnded = deleteAllSessions(db);
    recordSuccessfulLogin(db);
    return { created, sessionsEnded };
  })();
}

export function passwordChangedAt(db: Db): string | null {
  return (db.prepare('SELECT password_changed_at FROM admin WHERE id = 1').pluck().get() as string | undefined) ?? null;
}

export async function checkAdminPassword(db: Db, password: string): Promise<boolean> {
  const row = db.prepare('SELECT password_hash FROM admin WHERE id = 1').get() as { password_hash: string } | undefined;
  return row ? verifyPassword(password, row.password_hash) : false;
}
