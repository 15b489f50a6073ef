import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createTestApp, login, setupAdmin, startDocent, TEST_PASSWORD } from '../../e2e/support/harness.js';
import { HASHING_LIMITS } from './passwords.js';

test('first run: setup creates the admin once and logs in', async (t) => {
  const { app, close } = await createTestApp();
  t.after(close);
  assert.deepEqual((await app.inject('/api/admin/session')).json(), { setupRequired: true, authenticated: false, csrfToken: null });

  const short = await app.inject({ method: 'POST', url: '/api/admin/setup', payload: { password: 'short' } });
  assert.equal(short.statusCode, 400);
  assert.deepEqual(short.json(), {
    statusCode: 400,
    error: 'Bad Request',
    message: 'Please correct the highlighted fields.',
    fields: { password: 'Use at least 10 characters.' },
  });

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
  const badToken = await app.inject({
    method: 'DELETE',
    url: '/api/admin/settings/api/key',
    headers: { cookie: admin.cookie, 'x-csrf-token': 'x'.repeat(32) },
  });
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
  t.after(async () => {
    await second.close();
    await first.fake.close();
  });
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

/** A built admin UI of one page: served from disk through the thread pool, like the real one. */
function staticAdminUi(t: { after(fn: () => unknown): void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'docent-ui-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="app"></div>');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Fetches the static admin page every 50 ms until `done` settles; returns the slowest time in ms. */
async function slowestPageLoad(url: string, done: Promise<unknown>): Promise<number> {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  let slowest = 0;
  do {
    const started = performance.now();
    const page = await fetch(`${url}/admin/`);
    assert.equal(page.status, 200);
    await page.text();
    slowest = Math.max(slowest, performance.now() - started);
    await new Promise((r) => setTimeout(r, 50));
  } while (!finished);
  return slowest;
}

test('setup after the admin exists answers 409 before any hashing: 40 parallel calls cost nothing and pages stay fast', async (t) => {
  const { app, close } = await startDocent({ buildOptions: { adminUiDir: staticAdminUi(t) } });
  t.after(close);
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  await setupAdmin(app);

  // From 40 addresses (no rate limit applies): had any of them hashed, the hashing limit (2 running,
  // 8 waiting) would have turned most of the others away with 503.
  const calls = Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      app.inject({ method: 'POST', url: '/api/admin/setup', remoteAddress: `203.0.113.${i + 1}`, payload: { password: `attempt number ${i}` } }),
    ),
  );
  const slowest = await slowestPageLoad(url, calls);
  const answers = await calls;
  assert.deepEqual([...new Set(answers.map((r) => r.statusCode))], [409]);
  assert.equal(answers[0].json().message, 'The admin account already exists. Log in instead.');
  assert.ok(slowest < 1000, `the admin page took ${Math.round(slowest)} ms during the setup calls`);

  // From one address over real HTTP: 10 a minute are answered (the setup above was one), the rest are rate limited.
  const overHttp = Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      fetch(`${url}/api/admin/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password: `attempt number ${i}` }),
      }).then(async (r) => ({ status: r.status, body: await r.json() })),
    ),
  );
  const slowestOverHttp = await slowestPageLoad(url, overHttp);
  const statuses = (await overHttp).map((r) => r.status).sort();
  assert.deepEqual(statuses, [...Array(9).fill(409), ...Array(31).fill(429)]);
  assert.equal((await overHttp).find((r) => r.status === 429)!.body.message, 'Too many attempts. Try again in a minute.');
  assert.ok(slowestOverHttp < 1000, `the admin page took ${Math.round(slowestOverHttp)} ms during the setup calls`);
});

test('password checks are bounded: 40 parallel logins from 40 addresses get a quick 503 beyond the limit and pages stay fast', async (t) => {
  const { app, close } = await startDocent({ buildOptions: { adminUiDir: staticAdminUi(t) } });
  t.after(close);
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const admin = await setupAdmin(app);
  const calls = Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      app.inject({ method: 'POST', url: '/api/admin/login', remoteAddress: `198.51.100.${i + 1}`, payload: { password: `guess number ${i}` } }),
    ),
  );
  const slowest = await slowestPageLoad(url, calls);
  const answers = await calls;
  const busy = answers.filter((r) => r.statusCode === 503);
  const checked = answers.filter((r) => r.statusCode === 401);
  assert.equal(busy.length + checked.length, 40);
  assert.ok(checked.length <= HASHING_LIMITS.running + HASHING_LIMITS.waiting + 2, `${checked.length} passwords were checked at once`);
  assert.ok(busy.length >= 20, `${busy.length} were turned away`);
  assert.deepEqual(busy[0].json(), {
    statusCode: 503,
    error: 'Service Unavailable',
    message: 'The server is busy checking other passwords. Try again in a few seconds.',
  });
  assert.equal(busy[0].headers['retry-after'], '5');
  assert.ok(slowest < 1000, `the admin page took ${Math.round(slowest)} ms during the logins`);
  // The slots free up: the admin logs in right after (from their own browser: the guesses blocked the account elsewhere).
  const again = await app.inject({ method: 'POST', url: '/api/admin/login', headers: { cookie: admin.cookie }, payload: { password: TEST_PASSWORD } });
  assert.equal(again.statusCode, 200, again.body);
});

test('failed logins slow down guessing from many addresses, survive a restart, and never lock out the admin for good', async (t) => {
  const first = await createTestApp();
  let second: Awaited<ReturnType<typeof createTestApp>> | undefined;
  t.after(async () => {
    await (second ?? first).close();
    if (second) await first.fake.close();
  });
  const knownBrowser = await setupAdmin(first.app);
  let addresses = 0;
  const attempt = (app: FastifyInstance, password: string, cookie?: string) =>
    app.inject({
      method: 'POST',
      url: '/api/admin/login',
      remoteAddress: `192.0.2.${++addresses}`,
      payload: { password },
      ...(cookie ? { headers: { cookie } } : {}),
    });
  for (let i = 0; i < 5; i++) assert.deepEqual((await attempt(first.app, 'guess guess guess')).json().message, 'Wrong password.');
  const sixth = await attempt(first.app, 'guess guess guess');
  assert.equal(sixth.statusCode, 401);
  assert.equal(sixth.json().message, 'Wrong password. Too many failed logins for the admin account. Try again in 15 seconds.');
  assert.equal(sixth.headers['retry-after'], '15');

  // Another address, even with the right password, waits; the block outlives a restart.
  await first.app.close();
  second = await createTestApp({ dataDir: first.dataDir, fake: first.fake });
  const blocked = await attempt(second.app, TEST_PASSWORD);
  assert.equal(blocked.statusCode, 429);
  assert.match(blocked.json().message, /^Too many failed logins for the admin account\. Try again in 1[0-5] seconds\.$/);
  assert.match(String(blocked.headers['retry-after']), /^1[0-5]$/);

  // The browser the admin logged in from before is not blocked.
  const fromKnownBrowser = await attempt(second.app, TEST_PASSWORD, knownBrowser.cookie);
  assert.equal(fromKnownBrowser.statusCode, 200, fromKnownBrowser.body);
  // A success starts the count again: the next wrong password elsewhere is a plain 401.
  assert.equal((await attempt(second.app, 'guess guess guess')).json().message, 'Wrong password.');
  // A forged known-browser cookie does not help.
  for (let i = 0; i < 5; i++) await attempt(second.app, 'guess guess guess');
  const forged = await attempt(second.app, TEST_PASSWORD, 'docent_known_browser=made-up.value');
  assert.equal(forged.statusCode, 429);

  // Once the wait is over, the right password works from anywhere.
  await second.app.stores.auth.updateLoginFailures((stored) => ({ ...stored!, blockedUntil: Date.now() - 1 }));
  assert.equal((await attempt(second.app, TEST_PASSWORD)).statusCode, 200);
});

test('login and logout cookies carry the same attributes, so the browser really removes the session cookie', async (t) => {
  const { app, close } = await createTestApp();
  t.after(close);
  await setupAdmin(app);
  const attributes = (header: string) =>
    header
      .split(/;\s*/)
      .slice(1)
      .filter((a) => !/^(Expires|Max-Age)=/i.test(a))
      .sort();
  const sessionCookie = (headers: Record<string, unknown>) => ([headers['set-cookie']].flat() as string[]).find((c) => c.startsWith('docent_session='))!;
  const ok = await app.inject({ method: 'POST', url: '/api/admin/login', payload: { password: TEST_PASSWORD } });
  const set = sessionCookie(ok.headers);
  assert.deepEqual(attributes(set), ['HttpOnly', 'Path=/', 'SameSite=Strict', 'Secure']);
  const cookie = `docent_session=${ok.cookies.find((c) => c.name === 'docent_session')!.value}`;
  const out = await app.inject({ method: 'POST', url: '/api/admin/logout', headers: { cookie, 'x-csrf-token': ok.json().csrfToken } });
  assert.equal(out.statusCode, 204);
  const cleared = sessionCookie(out.headers);
  assert.match(cleared, /^docent_session=;/);
  assert.match(cleared, /Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
  assert.deepEqual(attributes(cleared), attributes(set));
});

test('two setups racing on a fresh install: the first one wins, the other is told to log in', async (t) => {
  const { app, close } = await createTestApp();
  t.after(close);
  const [a, b] = await Promise.all(
    ['first password here', 'second password here'].map((password, i) =>
      app.inject({ method: 'POST', url: '/api/admin/setup', remoteAddress: `192.0.2.${i + 1}`, payload: { password } }),
    ),
  );
  assert.deepEqual([a.statusCode, b.statusCode].sort(), [201, 409]);
  const [winner, loser] = a.statusCode === 201 ? ['first password here', 'second password here'] : ['second password here', 'first password here'];
  await login(app, winner);
  const wrong = await app.inject({ method: 'POST', url: '/api/admin/login', payload: { password: loser } });
  assert.equal(wrong.statusCode, 401);
});
