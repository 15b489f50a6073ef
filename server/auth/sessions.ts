// Server-side sessions: the cookie holds a random token, the database only its SHA-256, so logout
// (deleting the row) ends the session everywhere, and a copied database cannot be used to log in.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../stores/sqlite/database.js';

export const SESSION_COOKIE = 'docent_session';
const IDLE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
const ABSOLUTE_TIMEOUT_MS = 7 * 24 * 60 * 60 * 1000;

export interface AdminSession {
  tokenHash: string;
  csrfToken: string;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function createSession(db: Db, now = Date.now()): { token: string; csrfToken: string } {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(now);
  db.prepare('INSERT INTO sessions (token_hash, csrf_token, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)').run(
    hashToken(token),
    csrfToken,
    now,
    now + ABSOLUTE_TIMEOUT_MS,
    now,
  );
  return { token, csrfToken };
}

export function findSession(db: Db, token: string | undefined, now = Date.now()): AdminSession | null {
  if (!token) return null;
  const tokenHash = hashToken(token);
  const row = db.prepare('SELECT csrf_token, expires_at, last_seen_at FROM sessions WHERE token_hash = ?').get(tokenHash) as
    | { csrf_token: string; expires_at: number; last_seen_at: number }
    | undefined;
  if (!row) return null;
  if (row.expires_at < now || row.last_seen_at + IDLE_TIMEOUT_MS < now) {
    db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
    return null;
  }
  // Only touch the row once a minute: reads stay reads on busy admin pages.
  if (now - row.last_seen_at > 60_000) db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?').run(now, tokenHash);
  return { tokenHash, csrfToken: row.csrf_token };
}

export function deleteSession(db: Db, session: AdminSession): void {
  db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(session.tokenHash);
}

/** Ends every session (a password change or reset); returns how many there were. */
export function deleteAllSessions(db: Db): number {
  return db.prepare('DELETE FROM sessions').run().changes;
}

/** Sessions other than `session` that have not expired: the other browsers the admin is logged in on. */
export function countOtherSessions(db: Db, session: AdminSession, now = Date.now()): number {
  return db
    .prepare('SELECT count(*) FROM sessions WHERE token_hash <> ? AND expires_at >= ? AND last_seen_at >= ?')
    .pluck()
    .get(session.tokenHash, now, now - IDLE_TIMEOUT_MS) as number;
}

export function csrfTokenMatches(session: AdminSession, header: unknown): boolean {
  if (typeof header !== 'string') return false;
  const a = Buffer.from(header);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}
