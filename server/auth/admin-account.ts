import type { Db } from '../db/database.js';
import { hashPassword, verifyPassword } from './passwords.js';

export const MIN_PASSWORD_LENGTH = 10;

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

export async function checkAdminPassword(db: Db, password: string): Promise<boolean> {
  const row = db.prepare('SELECT password_hash FROM admin WHERE id = 1').get() as { password_hash: string } | undefined;
  return row ? verifyPassword(password, row.password_hash) : false;
}
