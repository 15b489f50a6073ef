import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, login, setupAdmin, TEST_PASSWORD } from '../../e2e/support/harness.js';

test('first run: setup creates the admin once and logs in', async (t) => {
  const { app, close } = await createTestApp();
  t.after(close);
  assert.deepEqual((await app.inject('/api/admin/session')).json(), { setupRequired: true, authenticated: false, csrfToken: null });

  const short = await app.inject({ method: 'POST', url: '/api/admin/setup', payload: { password: 'short' } });
  assert.equal(short.statusCode, 400);
  assert.deepEqual(short.json(), { statusCode: 400, error: 'Bad Request', message: 'Please correct the highlighted fields.', fields: { password: 'Use at least 10 characters.' } });

  const admin = await setupAdmin(app);
  const session = (await admin.request('GET', '/api/admin/session')).json();
  assert.deepEqual(session, { setupRequired: false, authenticated: true, csrfToken: admin.csrfToken });

  const again = await app.inject({ method: 'POST', url: '/api/admin/setup', payload: { password: 'another password' } });
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().message, 'The admin account already exists. Log in instead.');
});

test('ADMIN_PASSWORD creates the admin on first start', async (t) => {
  const { app, close } = await createTestApp({ env: { ADMIN_PASSWORD: 'from-the-environment' } });
  t.after(close);
  assert.equal((await app.inject('/api/admin/session')).json().setupRequired, false);
  await login(app, 'from-the-environment');
});

test('admin routes need a session; wrong password is 401; the cookie is HttpOnly and SameSite=Strict', async (t) => {
  const { app, close } = await createTestApp();
  t.after(close);
  await setupAdmin(app);
  const anonymous = await app.inject('/api/admin/settings/api');
  assert.equal(anonymous.statusCode, 401);
  assert.deepEqual(anonymous.json(), { statusCode: 401, error: 'Unauthorized', message: 'Please log in.' });

  const forged = await app.inject({ url: '/api/admin/settings/api', headers: { cookie: 'docent_session=made-up' } });
  assert.equal(forged.statusCode, 401);

  const wrong = await app.inject({ method: 'POST', url: '/api/admin/login', payload: { password: 'not the password' } });
  assert.equal(wrong.statusCode, 401);
  assert.equal(wrong.json().message, 'Wrong password.');

  const ok = await app.inject({ method: 'POST', url: '/api/admin/login', payload: { password: TEST_PASSWORD } });
  assert.equal(ok.statusCode, 200);
  const cookie = ok.cookies.find((c) => c.name === 'docent_session')!;
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  assert.equal(cookie.secure, true, 'PUBLIC_URL is https, so the cookie is Secure');
  assert.equal(cookie.path, '/');
});

test('login is rate limited after 5 attempts a minute', async (t) => {
  const { app, close } = await createTestApp();
  t.after(close);
  await setupAdmin(app);
  const attempt = () => app.inject({ method: 'POST', url: '/api/admin/login', payload: { password: 'guess guess guess' } });
  for (let i = 0; i < 5; i++) assert.equal((await attempt()).statusCode, 401);
  const limited = await attempt();
  assert.equal(limited.statusCode, 429);
  assert.deepEqual(limited.json(), { statusCode: 429, error: 'Too Many Requests', message: 'Too many login attempts. Try again in a minute.' });
  // Even the right password waits: a guesser cannot tell it found it.
  assert.equal((await app.inject({ method: 'POST', url: '/api/admin/login', payload: { password: TEST_PASSWORD } })).statusCode, 429);
});

test('state changes need the CSRF token', async (t) => {
  const { app, close } = await createTestApp();
  t.after(close);
  const admin = await setupAdmin(app);
  const noToken = await app.inject({ method: 'DELETE', url: '/api/admin/settings/api/key', headers: { cookie: admin.cookie } });
  assert.equal(noToken.statusCode, 403);
  assert.equal(noToken.json().message, 'Missing or invalid CSRF token. Reload the page and try again.');
  const badToken = await app.inject({ method: 'DELETE', url: '/api/admin/settings/api/key', headers: { cookie: admin.cookie, 'x-csrf-token': 'x'.repeat(32) } });
  assert.equal(badToken.statusCode, 403);
  assert.equal((await admin.request('DELETE', '/api/admin/settings/api/key')).statusCode, 200);
});

test('logout ends the session on the server', async (t) => {
  const { app, close } = await createTestApp();
  t.after(close);
  const admin = await setupAdmin(app);
  const out = await admin.request('POST', '/api/admin/logout');
  assert.equal(out.statusCode, 204);
  assert.equal(out.cookies.find((c) => c.name === 'docent_session')?.value, '');
  // The old cookie, replayed, no longer works.
  assert.equal((await admin.request('GET', '/api/admin/settings/api')).statusCode, 401);
  assert.equal((await admin.request('GET', '/api/admin/session')).json().authenticated, false);
});

test('sessions survive a restart (they live in SQLite)', async (t) => {
  const first = await createTestApp();
  const admin = await setupAdmin(first.app);
  await first.app.close();
  const second = await createTestApp({ dataDir: first.dataDir, fake: first.fake });
  t.after(async () => { await second.close(); await first.fake.close(); });
  assert.equal((await second.app.inject({ url: '/api/admin/settings/api', headers: { cookie: admin.cookie } })).statusCode, 200);
});

test('healthz and unknown routes', async (t) => {
  const { app, close } = await createTestApp();
  t.after(close);
  assert.deepEqual((await app.inject('/healthz')).json(), { status: 'ok' });
  const missing = await app.inject('/api/nope');
  assert.equal(missing.statusCode, 404);
  assert.deepEqual(missing.json(), { statusCode: 404, error: 'Not Found', message: 'No such route: GET /api/nope' });
});
