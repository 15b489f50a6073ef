// Auth: the one admin account (its password hash), the admin's server-side sessions and the account-wide
// count of failed logins. Hashing, token handling and the timeouts are decided in server/auth/; a store only
// keeps what it is given.

/** A stored session, found by the hash of its token (the token itself is never stored). */
export interface StoredSession {
  csrfToken: string;
  /** Epoch ms. */
  expiresAt: number;
  /** Epoch ms of the last request seen with it (updated at most once a minute). */
  lastSeenAt: number;
}

/** Failed logins in a row for the admin account, with the time of the last one and the block they caused. */
export interface LoginFailures {
  failures: number;
  /** Epoch ms. */
  lastFailureAt: number;
  /** Epoch ms until which logins are blocked; 0 when they are not. */
  blockedUntil: number;
}

export interface AuthStore {
  adminExists(): Promise<boolean>;
  /** Creates the admin with this password hash; false when one already exists (the first of two racing wins). */
  createAdmin(passwordHash: string): Promise<boolean>;
  /** The admin's password hash, or null when there is no admin. */
  adminPasswordHash(): Promise<string | null>;
  /** When the password was last set (ISO), or null when there is no admin. */
  passwordChangedAt(): Promise<string | null>;
  /**
   * A new password, in one transaction: the hash replaced (the admin created when there is none), every
   * session ended and the failed logins forgotten.
   */
  replaceAdminPassword(passwordHash: string): Promise<{ created: boolean; sessionsEnded: number }>;

  /** Stores a new session; sessions that expired before `createdAt` are deleted with it. */
  createSession(session: { tokenHash: string; csrfToken: string; createdAt: number; expiresAt: number }): Promise<void>;
  findSession(tokenHash: string): Promise<StoredSession | null>;
  touchSession(tokenHash: string, lastSeenAt: number): Promise<void>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Sessions other than `tokenHash` expiring at or after `expiresFrom` and seen at or after `seenFrom`. */
  countOtherSessions(tokenHash: string, live: { expiresFrom: number; seenFrom: number }): Promise<number>;

  /**
   * Read-modify-write of the admin account's failed logins in one transaction: `change` (synchronous: nothing
   * may wait inside a transaction) gets the stored count, or null, and returns the new one.
   */
  updateLoginFailures(change: (stored: LoginFailures | null) => LoginFailures): Promise<LoginFailures>;
  loginFailures(): Promise<LoginFailures | null>;
  /** A successful login: the failures are forgotten. */
  clearLoginFailures(): Promise<void>;
}
