import type { AuthStore, LoginFailures, StoredSession } from '../auth-store.js';
import { stmt, type Db } from './database.js';

/** The single admin account's row id (admin and login_backoff are keyed by it). */
const ADMIN_ID = 1;

export function sqliteAuthStore(db: Db): AuthStore {
  const adminExists = () => stmt(db, 'SELECT 1 FROM admin WHERE id = 1').get() !== undefined;
  const deleteAllSessions = () => stmt(db, 'DELETE FROM sessions').run().changes;
  const clearLoginFailures = () => stmt(db, 'DELETE FROM login_backoff WHERE account_id = ?').run(ADMIN_ID);
  const loginFailures = () =>
    (stmt(db, 'SELECT failures, last_failure_at AS lastFailureAt, blocked_until AS blockedUntil FROM login_backoff WHERE account_id = ?').get(ADMIN_ID) as
      | LoginFailures
      | undefined) ?? null;

  const replacePassword = db.transaction((hash: string) => {
    const created = !adminExists();
    stmt(
      db,
      `INSERT INTO admin (id, password_hash) VALUES (1, ?)
      ON CONFLICT (id) DO UPDATE SET password_hash = excluded.password_hash, password_changed_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
    ).run(hash);
    const sessionsEnded = deleteAllSessions();
    clearLoginFailures();
    return { created, sessionsEnded };
  });
  const createSession = db.transaction((s: { tokenHash: string; csrfToken: string; createdAt: number; expiresAt: number }) => {
    stmt(db, 'DELETE FROM sessions WHERE expires_at < ?').run(s.createdAt);
    stmt(db, 'INSERT INTO sessions (token_hash, csrf_token, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)').run(
      s.tokenHash,
      s.csrfToken,
      s.createdAt,
      s.expiresAt,
      s.createdAt,
    );
  });
  const updateLoginFailures = db.transaction((change: (stored: LoginFailures | null) => LoginFailures) => {
    const next = change(loginFailures());
    stmt(
      db,
      `INSERT INTO login_backoff (account_id, failures, last_failure_at, blocked_until) VALUES (?, ?, ?, ?)
      ON CONFLICT (account_id) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at, blocked_until = excluded.blocked_until`,
    ).run(ADMIN_ID, next.failures, next.lastFailureAt, next.blockedUntil);
    return next;
  });

  return {
    async adminExists() {
      return adminExists();
    },
    async createAdmin(passwordHash) {
      return stmt(db, 'INSERT OR IGNORE INTO admin (id, password_hash) VALUES (1, ?)').run(passwordHash).changes === 1;
    },
    async adminPasswordHash() {
      return (stmt(db, 'SELECT password_hash FROM admin WHERE id = 1').pluck().get() as string | undefined) ?? null;
    },
    async passwordChangedAt() {
      return (stmt(db, 'SELECT password_changed_at FROM admin WHERE id = 1').pluck().get() as string | undefined) ?? null;
    },
    async replaceAdminPassword(passwordHash) {
      return replacePassword(passwordHash);
    },

    async createSession(session) {
      createSession(session);
    },
    async findSession(tokenHash) {
      return (
        (stmt(db, 'SELECT csrf_token AS csrfToken, expires_at AS expiresAt, last_seen_at AS lastSeenAt FROM sessions WHERE token_hash = ?').get(tokenHash) as
          | StoredSession
          | undefined) ?? null
      );
    },
    async touchSession(tokenHash, lastSeenAt) {
      stmt(db, 'UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?').run(lastSeenAt, tokenHash);
    },
    async deleteSession(tokenHash) {
      stmt(db, 'DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
    },
    async countOtherSessions(tokenHash, live) {
      return stmt(db, 'SELECT count(*) FROM sessions WHERE token_hash <> ? AND expires_at >= ? AND last_seen_at >= ?')
        .pluck()
        .get(tokenHash, live.expiresFrom, live.seenFrom) as number;
    },

    async updateLoginFailures(change) {
      return updateLoginFailures(change);
    },
    async loginFailures() {
      return loginFailures();
    },
    async clearLoginFailures() {
      clearLoginFailures();
    },
  };
}
