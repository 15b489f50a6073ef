import type { AuthStore, LoginFailures, StoredSession } from '../auth-store.js';
import { type Pool, type Queryable, row, transaction } from './database.js';
import { lockUntilCommit } from './locks.js';

/** The single admin account's row id (admin and login_backoff are keyed by it). */
const ADMIN_ID = 1;

const FAILURE_COLUMNS = 'failures, last_failure_at AS "lastFailureAt", blocked_until AS "blockedUntil"';

export function postgresAuthStore(pool: Pool): AuthStore {
  const adminColumn = async (column: 'password_hash' | 'password_changed_at') =>
    (await row<{ value: string }>(pool, `SELECT ${column} AS value FROM admin WHERE id = $1`, [ADMIN_ID]))?.value ?? null;
  const clearLoginFailures = (db: Queryable) => db.query('DELETE FROM login_backoff WHERE account_id = $1', [ADMIN_ID]);
  const loginFailures = async (db: Queryable) =>
    (await row<LoginFailures>(db, `SELECT ${FAILURE_COLUMNS} FROM login_backoff WHERE account_id = $1`, [ADMIN_ID])) ?? null;

  return {
    async adminExists() {
      return (await row(pool, 'SELECT 1 FROM admin WHERE id = $1', [ADMIN_ID])) !== undefined;
    },
    async createAdmin(passwordHash) {
      const result = await pool.query('INSERT INTO admin (id, password_hash) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [ADMIN_ID, passwordHash]);
      return result.rowCount === 1;
    },
    async adminPasswordHash() {
      return adminColumn('password_hash');
    },
    async passwordChangedAt() {
      return adminColumn('password_changed_at');
    },
    async replaceAdminPassword(passwordHash) {
      return transaction(pool, async (client) => {
        // One statement says whether it created the row (xmax is 0 on a row this statement inserted), so two
        // nodes racing on a first run cannot both report "created".
        const admin = await row<{ created: boolean }>(
          client,
          `INSERT INTO admin (id, password_hash) VALUES ($1, $2)
          ON CONFLICT (id) DO UPDATE SET password_hash = excluded.password_hash, password_changed_at = docent_now()
          RETURNING (xmax = 0) AS created`,
          [ADMIN_ID, passwordHash],
        );
        const sessionsEnded = (await client.query('DELETE FROM sessions')).rowCount ?? 0;
        await clearLoginFailures(client);
        return { created: admin!.created, sessionsEnded };
      });
    },

    async createSession(session) {
      await transaction(pool, async (client) => {
        await client.query('DELETE FROM sessions WHERE expires_at < $1', [session.createdAt]);
        await client.query('INSERT INTO sessions (token_hash, csrf_token, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $3)', [
          session.tokenHash,
          session.csrfToken,
          session.createdAt,
          session.expiresAt,
        ]);
      });
    },
    async findSession(tokenHash) {
      return (
        (await row<StoredSession>(
          pool,
          'SELECT csrf_token AS "csrfToken", expires_at AS "expiresAt", last_seen_at AS "lastSeenAt" FROM sessions WHERE token_hash = $1',
          [tokenHash],
        )) ?? null
      );
    },
    async touchSession(tokenHash, lastSeenAt) {
      await pool.query('UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2', [lastSeenAt, tokenHash]);
    },
    async deleteSession(tokenHash) {
      await pool.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
    },
    async countOtherSessions(tokenHash, live) {
      const counted = await row<{ n: number }>(pool, 'SELECT count(*) AS n FROM sessions WHERE token_hash <> $1 AND expires_at >= $2 AND last_seen_at >= $3', [
        tokenHash,
        live.expiresFrom,
        live.seenFrom,
      ]);
      return counted!.n;
    },

    async updateLoginFailures(change) {
      return transaction(pool, async (client) => {
        // Failed logins on two nodes at once must both count: the count is read and written under one lock,
        // which also holds while the account has no row yet.
        await lockUntilCommit(client, 'login_backoff');
        const next = change(await loginFailures(client));
        await client.query(
          `INSERT INTO login_backoff (account_id, failures, last_failure_at, blocked_until) VALUES ($1, $2, $3, $4)
          ON CONFLICT (account_id) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at,
            blocked_until = excluded.blocked_until`,
          [ADMIN_ID, next.failures, next.lastFailureAt, next.blockedUntil],
        );
        return next;
      });
    },
    async loginFailures() {
      return loginFailures(pool);
    },
    async clearLoginFailures() {
      await clearLoginFailures(pool);
    },
  };
}
