// Failed logins are also counted for the one admin account, not only per IP address: the per-IP limit
// (5 a minute) alone lets a guesser with many addresses try thousands of passwords an hour. After
// FREE_FAILURES wrong passwords in a row, each further one blocks logins for a doubling delay, capped
// at MAX_DELAY_MS, so the real admin is never locked out for good, only made to wait a few minutes.
// A browser the admin has logged in from before (it carries a signed "known browser" cookie) is not
// blocked: a guesser elsewhere cannot lock the admin out of their usual browser at all.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { stmt, type Db } from '../stores/sqlite/database.js';
import type { SecretBox } from '../security/secret-box.js';

export const LOGIN_BACKOFF = {
  freeFailures: 5,
  firstDelayMs: 15_000,
  maxDelayMs: 5 * 60_000,
  /** Failures are forgotten after this long without another one. */
  forgetAfterMs: 60 * 60_000,
} as const;

const ADMIN_ID = 1;

interface BackoffRow {
  failures: number;
  last_failure_at: number;
  blocked_until: number;
}

function current(db: Db, now: number): BackoffRow | null {
  const row = stmt(db, 'SELECT failures, last_failure_at, blocked_until FROM login_backoff WHERE account_id = ?').get(ADMIN_ID) as BackoffRow | undefined;
  return row && now - row.last_failure_at < LOGIN_BACKOFF.forgetAfterMs ? row : null;
}

/** How long logins stay blocked for the account, in ms (0: not blocked). */
export function loginBlockedFor(db: Db, now = Date.now()): number {
  return Math.max(0, (current(db, now)?.blocked_until ?? 0) - now);
}

/** Counts a wrong password; returns how long logins are now blocked, in ms (0: not blocked). */
export function recordFailedLogin(db: Db, now = Date.now()): number {
  const failures = (current(db, now)?.failures ?? 0) + 1;
  const over = failures - LOGIN_BACKOFF.freeFailures; // the first failure over the free ones waits firstDelayMs
  const delay = over <= 0 ? 0 : Math.min(LOGIN_BACKOFF.firstDelayMs * 2 ** (over - 1), LOGIN_BACKOFF.maxDelayMs);
  stmt(
    db,
    `INSERT INTO login_backoff (account_id, failures, last_failure_at, blocked_until) VALUES (?, ?, ?, ?)
    ON CONFLICT (account_id) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at, blocked_until = excluded.blocked_until`,
  ).run(ADMIN_ID, failures, now, delay ? now + delay : 0);
  return delay;
}

export function recordSuccessfulLogin(db: Db): void {
  stmt(db, 'DELETE FROM login_backoff WHERE account_id = ?').run(ADMIN_ID);
}

/** "14 seconds", "3 minutes": how long to wait, rounded up. */
export function describeWait(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

export const KNOWN_BROWSER_COOKIE = 'docent_known_browser';
export const KNOWN_BROWSER_MAX_AGE_S = 365 * 24 * 60 * 60;

/** A new value for the known-browser cookie: a random id and its keyed hash, so it cannot be forged. */
export function knownBrowserToken(box: SecretBox): string {
  const id = randomBytes(16).toString('base64url');
  return `${id}.${box.fingerprint(`known-browser:${id}`)}`;
}

export function isKnownBrowser(box: SecretBox, token: string | undefined): boolean {
  if (!token) return false;
  const [id, mac, extra] = token.split('.');
  if (!id || !mac || extra !== undefined) return false;
  const expected = Buffer.from(box.fingerprint(`known-browser:${id}`));
  const given = Buffer.from(mac);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
