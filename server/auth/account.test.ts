import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestApp, login, setupAdmin, TEST_PASSWORD, type AdminClient } from '../../e2e/support/harness.js';

const NEW_PASSWORD = 'a much better passphrase';
let addresses = 0;

/** A password change from its own address each time: the per-address limit (5 a minute) is tested elsewhere. */
const changePassword = (app: FastifyInstance, admin: AdminClient, body: Record<string, unknown>) =>
  app.inject({
    method: 'POST',
    url: '/api/admin/account/password',
    remoteAddress: `198.51.100.${++addresses}`,
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken },
    payload: body,
  });
const failures = async (app: FastifyInstance) => (await app.stores.auth.loginFailures())?.failures ?? 0;

test('changing the password: the current one is checked like a login, every other session ends, this browser stays logged in', async (t) => {
  const { app, close, logs } = await createTestApp();
  t.after(close);
  const browser = await setupAdmin(app);
  const laptop = await login(app);
  const phone = await login(app);
  assert.deepEqual((await browser.request('GET', '/api/admin/account')).json().otherSessions, 2);

  const short = await changePassword(app, browser, { currentPassword: TEST_PASSWORD, newPassword: 'too short' });
  assert.equal(short.statusCode, 400);
  assert.deepEqual(short.json(), {
    statusCode: 400,
    error: 'Bad Request',
    message: 'Please correct the highlighted fields.',
    fields: { newPassword: 'Use at least 10 characters.' },
  });
  const same = await changePassword(app, browser, { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD });
  assert.deepEqual(same.json().fields, { newPassword: 'Choose a password different from your current one.' });

  const wrong = await changePassword(app, browser, { currentPassword: 'not my password', newPassword: NEW_PASSWORD });
  assert.equal(wrong.statusCode, 400);
  assert.deepEqual(wrong.json(), {
    statusCode: 400,
    error: 'Bad Request',
    message: 'Please correct the highlighted fields.',
    fields: { currentPassword: 'That is not your current password.' },
  });
  assert.equal(await failures(app), 1, 'a wrong current password counts as a failed login');

  // Past the free failures the account waits, for logins and for password changes alike.
  for (let i = 0; i < 4; i++) await changePassword(app, browser, { currentPassword: 'not my password', newPassword: NEW_PASSWORD });
  const sixth = await changePassword(app, browser, { currentPassword: 'not my password', newPassword: NEW_PASSWORD });
  assert.equal(sixth.statusCode, 400);
  assert.equal(
    sixth.json().fields.currentPassword,
    'That is not your current password. Too many failed logins for the admin account. Try again in 15 seconds.',
  );
  assert.equal(sixth.headers['retry-after'], '15');
  const blocked = await changePassword(app, browser, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
  assert.equal(blocked.statusCode, 429);
  assert.match(blocked.json().fields.currentPassword, /^Too many failed logins for the admin account\. Try again in 1[0-5] seconds\.$/);
  const loginElsewhere = await app.inject({ method: 'POST', url: '/api/admin/login', remoteAddress: '203.0.113.9', payload: { password: TEST_PASSWORD } });
  assert.equal(loginElsewhere.statusCode, 429, 'the failures were counted for the account');
  await app.stores.auth.updateLoginFailures((stored) => ({ ...stored!, blockedUntil: Date.now() - 1 }));

  const changed = await changePassword(app, browser, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
  assert.equal(changed.statusCode, 200, changed.body);
  const { csrfToken, otherSessionsEnded } = changed.json();
  assert.equal(otherSessionsEnded, 2);
  assert.notEqual(csrfToken, browser.csrfToken);
  assert.equal(await failures(app), 0, 'the right password clears the count');

  // The other browsers are logged out, and so is a copy of this browser's old cookie.
  for (const other of [laptop, phone, browser]) assert.equal((await other.request('GET', '/api/admin/settings/api')).statusCode, 401);
  // This browser carries on with the new session cookie and CSRF token.
  const renewed = `docent_session=${changed.cookies.find((c) => c.name === 'docent_session')!.value}`;
  const session = await app.inject({ url: '/api/admin/session', headers: { cookie: renewed } });
  assert.deepEqual(session.json(), { setupRequired: false, authenticated: true, csrfToken });
  assert.deepEqual((await app.inject({ url: '/api/admin/account', headers: { cookie: renewed } })).json().otherSessions, 0);
  const write = await app.inject({ method: 'POST', url: '/api/admin/logout', headers: { cookie: renewed, 'x-csrf-token': csrfToken } });
  assert.equal(write.statusCode, 204);

  const oldPassword = await app.inject({ method: 'POST', url: '/api/admin/login', remoteAddress: '203.0.113.10', payload: { password: TEST_PASSWORD } });
  assert.equal(oldPassword.statusCode, 401);
  await login(app, NEW_PASSWORD);
  for (const secret of [TEST_PASSWORD, NEW_PASSWORD, 'not my password']) assert.ok(!logs().includes(secret), 'no password in the logs');
});

test('changing the password needs a session and the CSRF token', async (t) => {
  const { app, close } = await createTestApp();
  t.after(close);
  const admin = await setupAdmin(app);
  const body = { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD };
  assert.equal((await app.inject({ method: 'POST', url: '/api/admin/account/password', payload: body })).statusCode, 401);
  const noCsrf = await app.inject({ method: 'POST', url: '/api/admin/account/password', headers: { cookie: admin.cookie }, payload: body });
  assert.equal(noCsrf.statusCode, 403);
  const missing = await changePassword(app, admin, {});
  assert.deepEqual(missing.json().fields, { currentPassword: 'Enter your current password.', newPassword: 'Enter a new password.' });
  await login(app, TEST_PASSWORD);
});
