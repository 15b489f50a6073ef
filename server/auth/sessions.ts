// Server-side sessions: the cookie holds a random token, the database only its SHA-256, so logout
// (deleting the row) ends the session everywhere, and a copied database cannot be used to log in.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthStore } from '../stores/auth-store.js';

export const SESSION_COOKIE = 'docent_session';
const IDLE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
const ABSOLUTE_TIMEOUT_MS = 7 * 24 * 60 * 60 * 1000;

export interface AdminSession {
  tokenHash: string;
  csrfToken: string;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createSession(store: AuthStore, now = Date.now()): Promise<{ token: string; csrfToken: string }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  await store.createSession({ tokenHash: hashToken(token), csrfToken, createdAt: now, expiresAt: now + ABSOLUTE_TIMEOUT_MS });
  return { token, csrfToken };
}

export async function findSession(store: AuthStore, token: string | undefined, now = Date.now()): Promise<AdminSession | null> {
  if (!token) return null;
  const tokenHash = hashToken(token);
  const row = await store.findSession(tokenHash);
  if (!row) return null;
  if (row.expiresAt < now || row.lastSeenAt + IDLE_TIMEOUT_MS < now) {
    await store.deleteSession(tokenHash);
    return null;
  }
  // Only touch the row once a minute: reads stay reads on busy admin pages.
  if (now - row.lastSeenAt > 60_000) await store.touchSession(tokenHash, now);
  return { tokenHash, csrfToken: row.csrfToken };
}

export async function deleteSession(store: AuthStore, session: AdminSession): Promise<void> {
  await store.deleteSession(session.tokenHash);
}

/** Sessions other than `session` that have not expired: the other browsers the admin is logged in on. */
export function countOtherSessions(store: AuthStore, session: AdminSession, now = Date.now()): Promise<number> {
  return store.countOtherSessions(session.tokenHash, { expiresFrom: now, seenFrom: now - IDLE_TIMEOUT_MS });
}

export function csrfTokenMatches(session: AdminSession, header: unknown): boolean {
  if (typeof header !== 'string') return false;
  const a = Buffer.from(header);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}
