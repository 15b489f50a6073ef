// The auth store on both backends: one admin (the first of two racing creations wins), a new password ends every
// session and forgets failed logins, sessions are found by their token's hash, and failed logins counted on
// several nodes at once all count.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends, openForTest } from '../../e2e/support/store-backends.js';
import type { LoginFailures } from './auth-store.js';

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const session = (tokenHash: string, createdAt: number, expiresAt: number) => ({ tokenHash, csrfToken: `csrf-${tokenHash}`, createdAt, expiresAt });

for (const backend of backends()) {
  describe(`auth store (${backend.name})`, { skip: backend.skip }, () => {
    it('the first admin is created once, even when two creations race', async (t) => {
      const { auth } = (await openForTest(backend, t)).stores;
      assert.equal(await auth.adminExists(), false);
      assert.equal(await auth.adminPasswordHash(), null);
      assert.equal(await auth.passwordChangedAt(), null);
      const created = await Promise.all([auth.createAdmin('hash-a'), auth.createAdmin('hash-b')]);
      assert.deepEqual(created.filter(Boolean), [true], 'exactly one creation wins');
      assert.equal(await auth.adminExists(), true);
      assert.equal(await auth.adminPasswordHash(), created[0] ? 'hash-a' : 'hash-b');
      assert.match((await auth.passwordChangedAt())!, ISO_MS);
      assert.equal(await auth.createAdmin('hash-c'), false);
    });

    it('a new password replaces the hash, ends every session and forgets failed logins', async (t) => {
      const { auth } = (await openForTest(backend, t)).stores;
      assert.deepEqual(await auth.replaceAdminPassword('hash-1'), { created: true, sessionsEnded: 0 }, 'no admin yet: created');
      await auth.createSession(session('s1', 1_000, 10_000));
      await auth.createSession(session('s2', 1_000, 10_000));
      await auth.updateLoginFailures(() => ({ failures: 3, lastFailureAt: 2_000, blockedUntil: 5_000 }));
      const before = await auth.passwordChangedAt();
      await new Promise((resolve) => setTimeout(resolve, 5));
      assert.deepEqual(await auth.replaceAdminPassword('hash-2'), { created: false, sessionsEnded: 2 });
      assert.equal(await auth.adminPasswordHash(), 'hash-2');
      assert.ok((await auth.passwordChangedAt())! > before!, 'the change time moves on');
      assert.equal(await auth.findSession('s1'), null);
      assert.equal(await auth.loginFailures(), null);
    });

    it('sessions: found by hash, touched, counted apart from the current one, deleted; expired ones go with the next login', async (t) => {
      const { auth } = (await openForTest(backend, t)).stores;
      await auth.createAdmin('hash');
      await auth.createSession(session('old', 1_000, 2_000));
      await auth.createSession(session('current', 1_500, 50_000));
      await auth.createSession(session('phone', 1_600, 50_000));
      assert.deepEqual(await auth.findSession('current'), { csrfToken: 'csrf-current', expiresAt: 50_000, lastSeenAt: 1_500 });
      assert.equal(await auth.findSession('nope'), null);

      await auth.touchSession('phone', 9_000);
      assert.equal((await auth.findSession('phone'))!.lastSeenAt, 9_000);
      assert.equal(await auth.countOtherSessions('current', { expiresFrom: 1_000, seenFrom: 0 }), 2, 'the expired-but-kept one and the phone');
      assert.equal(await auth.countOtherSessions('current', { expiresFrom: 3_000, seenFrom: 0 }), 1, 'only the phone is live');
      assert.equal(await auth.countOtherSessions('current', { expiresFrom: 3_000, seenFrom: 10_000 }), 0, 'the phone was not seen lately');

      await auth.createSession(session('laptop', 3_000, 60_000));
      assert.equal(await auth.findSession('old'), null, 'expired before the new session was created: deleted');
      assert.notEqual(await auth.findSession('current'), null);

      await auth.deleteSession('phone');
      assert.equal(await auth.findSession('phone'), null);
      assert.equal(await auth.countOtherSessions('current', { expiresFrom: 0, seenFrom: 0 }), 1);
    });

    it('failed logins: read-modify-write, cleared by a successful login', async (t) => {
      const { auth } = (await openForTest(backend, t)).stores;
      await auth.createAdmin('hash');
      assert.equal(await auth.loginFailures(), null);
      const seen: Array<LoginFailures | null> = [];
      const fail = (at: number) =>
        auth.updateLoginFailures((stored) => {
          seen.push(stored);
          const failures = (stored?.failures ?? 0) + 1;
          return { failures, lastFailureAt: at, blockedUntil: failures >= 2 ? at + 1_000 : 0 };
        });
      assert.deepEqual(await fail(100), { failures: 1, lastFailureAt: 100, blockedUntil: 0 });
      assert.deepEqual(await fail(200), { failures: 2, lastFailureAt: 200, blockedUntil: 1_200 });
      assert.deepEqual(seen, [null, { failures: 1, lastFailureAt: 100, blockedUntil: 0 }]);
      assert.deepEqual(await auth.loginFailures(), { failures: 2, lastFailureAt: 200, blockedUntil: 1_200 });
      await auth.clearLoginFailures();
      assert.equal(await auth.loginFailures(), null);
    });

    it('failed logins on several nodes at once all count, starting from none', async (t) => {
      const { auth } = (await openForTest(backend, t)).stores;
      await auth.createAdmin('hash');
      const attempts = 12;
      // Every connection open first, so the updates really overlap instead of queueing behind connection set-up.
      await Promise.all(Array.from({ length: attempts }, () => auth.loginFailures()));
      await Promise.all(
        Array.from({ length: attempts }, (_, i) =>
          auth.updateLoginFailures((stored) => ({ failures: (stored?.failures ?? 0) + 1, lastFailureAt: i, blockedUntil: 0 })),
        ),
      );
      assert.equal((await auth.loginFailures())!.failures, attempts);
    });
  });
}
