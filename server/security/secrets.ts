import { stmt, type Db } from '../db/database.js';
import type { SecretBox } from './secret-box.js';

/** `hint`: what a masked display may show, kept in the clear (the last 4 characters unless told; '' for none). */
export function saveSecret(db: Db, box: SecretBox, name: string, value: string, hint = value.slice(-4)): void {
  stmt(
    db,
    `INSERT INTO secrets (name, sealed, hint) VALUES (?, ?, ?)
    ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed, hint = excluded.hint, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
  ).run(name, box.seal(value), hint);
}

/**
 * The secret, or null when none is stored, or when it was sealed under another secret key (a backup restored
 * without its key): then it reads as missing, for the admin to enter again, instead of failing every screen.
 */
export function readSecret(db: Db, box: SecretBox, name: string): string | null {
  const row = stmt(db, 'SELECT sealed FROM secrets WHERE name = ?').get(name) as { sealed: string } | undefined;
  if (!row) return null;
  try {
    return box.open(row.sealed);
  } catch {
    return null;
  }
}

/** The last 4 characters, for a masked display; null when no secret is stored. */
export function secretHint(db: Db, name: string): string | null {
  const row = stmt(db, 'SELECT hint FROM secrets WHERE name = ?').get(name) as { hint: string } | undefined;
  return row?.hint ?? null;
}

export function deleteSecret(db: Db, name: string): void {
  stmt(db, 'DELETE FROM secrets WHERE name = ?').run(name);
}
