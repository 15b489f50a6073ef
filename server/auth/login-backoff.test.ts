import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp } from '../../e2e/support/harness.js';
import { describeWait, LOGIN_BACKOFF, loginBlockedFor, recordFailedLogin, recordSuccessfulLogin } from './login-backoff.js';

/** The auth store of a fresh app (SQLite, or PostgreSQL in the second pass) with an admin account. */
async function database(t: { after(fn: () => unknown): void }) {
  const { app, close } = await createTestApp();
  t.after(close);
  await app.stores.auth.createAdmin('scrypt$x');
  return app.stores.auth;
}

test('after 5 free failures the wait doubles from 15 s and stops growing at 5 minutes', async (t) => {
  const store = await database(t);
  let now = Date.parse('2026-01-01T00:00:00Z');
  const delays: number[] = [];
  for (let i = 0; i < 12; i++) {
    delays.push((await recordFailedLogin(store, now)) / 1000);
    now += 1000;
  }
  assert.deepEqual(delays, [0, 0, 0, 0, 0, 15, 30, 60, 120, 240, 300, 300]);
  assert.equal(LOGIN_BACKOFF.maxDelayMs, 5 * 60_000);
  // The block counts from the last failure.
  assert.equal(await loginBlockedFor(store, now), 300_000 - 1000);
  assert.equal(await loginBlockedFor(store, now + 300_000), 0);
});

test('a success, or an hour without failures, starts the count again', async (t) => {
  const store = await database(t);
  const now = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < 6; i++) await recordFailedLogin(store, now);
  assert.equal(await loginBlockedFor(store, now), 15_000);
  await recordSuccessfulLogin(store);
  assert.equal(await loginBlockedFor(store, now), 0);
  assert.equal(await recordFailedLogin(store, now), 0, 'the first failure after a success is free again');

  for (let i = 0; i < 6; i++) await recordFailedLogin(store, now);
  const anHourLater = now + LOGIN_BACKOFF.forgetAfterMs;
  assert.equal(await loginBlockedFor(store, anHourLater), 0);
  assert.equal(await recordFailedLogin(store, anHourLater), 0, 'old failures are forgotten');
});

test('waits are worded the way people read them', () => {
  assert.deepEqual([1, 999, 1000, 1001, 15_000, 59_000, 60_000, 61_000, 300_000].map(describeWait), [
    '1 second',
    '1 second',
    '1 second',
    '2 seconds',
    '15 seconds',
    '59 seconds',
    '1 minute',
    '2 minutes',
    '5 minutes',
  ]);
});
