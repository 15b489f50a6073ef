// Failed logins are also counted for the one admin account, not only per IP address: the per-IP limit
// (5 a minute) alone lets a guesser with many addresses try thousands of passwords an hour. After
// FREE_FAILURES wrong passwords in a row, each further one blocks logins for a doubling delay, capped
// at MAX_DELAY_MS, so the real admin is never locked out for good, only made to wait a few minutes.
// A browser the admin has logged in from before (it carries a signed "known browser" cookie) is not
// blocked: a guesser elsewhere cannot lock the admin out of their usual browser at all.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthStore, LoginFailures } from '../stores/auth-store.js';
import type { SecretBox } from '../security/secret-box.js';

export const LOGIN_BACKOFF = {
  freeFailures: 5,
  firstDelayMs: 15_000,
  maxDelayMs: 5 * 60_000,
  /** Failures are forgotten after this long without another one. */
  forgetAfterMs: 60 * 60_000,
} as const;

/** The stored failures, unless they are old enough to be forgotten. */
function current(stored: LoginFailures | null, now: number): LoginFailures | null {
  return stored && now - stored.lastFailureAt < LOGIN_BACKOFF.forgetAfterMs ? stored : null;
}

/** How long logins stay blocked for the account, in ms (0: not blocked). */
export async function loginBlockedFor(store: AuthStore, now = Date.now()): Promise<number> {
  return Math.max(0, (current(await store.loginFailures(), now)?.blockedUntil ?? 0) - now);
}

/** Counts a wrong password; returns how long logins are now blocked, in ms (0: not blocked). */
export async function recordFailedLogin(store: AuthStore, now = Date.now()): Promise<number> {
  const next = await store.updateLoginFailures((stored) => {
    const failures = (current(stored, now)?.failures ?? 0) + 1;
    const over = failures - LOGIN_BACKOFF.freeFailures; // the first failure over the free ones waits firstDelayMs
    const delay = over <= 0 ? 0 : Math.min(LOGIN_BACKOFF.firstDelayMs * 2 ** (over - 1), LOGIN_BACKOFF.maxDelayMs);
    return { failures, lastFailureAt: now, blockedUntil: delay ? now + delay : 0 };
  });
  return next.blockedUntil ? next.blockedUntil - now : 0;
}

export function recordSuccessfulLogin(store: AuthStore): Promise<void> {
  return store.clearLoginFailures();
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
