import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, PUBLIC_URL, setupAdmin } from '../../e2e/support/harness.js';
import { FAKE_KEY } from '../../e2e/fakes/openrouter.js';

const OTHER_KEY = `sk-or-v1-${'f'.repeat(64)}`;

test('valid key: label, limit, usage, tier, then the balance', async (t) => {
  const { app, fake, close } = await createTestApp();
  t.after(close);
  const admin = await setupAdmin(app);
  fake.keyInfo.label = 'sk-or-v1-012...def';
  fake.keyInfo.limit = 100;
  fake.keyInfo.limit_remaining = 74.5;
  fake.keyInfo.usage = 25.5;
  fake.keyInfo.is_free_tier = false;
  fake.creditsInfo.total_credits = 100.5;
  fake.creditsInfo.total_usage = 25.75;
  const res = await admin.request('POST', '/api/admin/settings/api/test', { apiKey: FAKE_KEY });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), {
    ok: true,
    key: { label: 'sk-or-v1-012...def', limit: 100, limitRemaining: 74.5, usage: 25.5, isFreeTier: false },
    balance: { available: true, amount: 74.75 },
  });
  assert.deepEqual(
    fake.requests.map((r) => r.path),
    ['/api/v1/key', '/api/v1/credits'],
    'never /models to test a key',
  );
  const keyCall = fake.requestsTo('/key')[0];
  assert.equal(keyCall.headers.authorization, `Bearer ${FAKE_KEY}`);
  assert.equal(keyCall.headers['http-referer'], PUBLIC_URL);
  assert.equal(keyCall.headers['x-openrouter-title'], 'Docent');
  assert.equal(keyCall.headers['x-title'], 'Docent');
});

test("rejected key shows OpenRouter's message", async (t) => {
  const { app, close } = await createTestApp();
  t.after(close);
  const admin = await setupAdmin(app);
  const res = await admin.request('POST', '/api/admin/settings/api/test', { apiKey: OTHER_KEY });
  assert.deepEqual(res.json(), { ok: false, reason: 'rejected', message: 'OpenRouter rejected this key: User not found.' });
});

test('/credits refused (403 or 401) means "balance not available", and the test still passes', async (t) => {
  const { app, fake, close } = await createTestApp();
  t.after(close);
  const admin = await setupAdmin(app);
  for (const credits of ['forbidden', 'unauthorized'] as const) {
    fake.setOptions({ credits });
    const body = (await admin.request('POST', '/api/admin/settings/api/test', { apiKey: FAKE_KEY })).json();
    assert.equal(body.ok, true);
    assert.deepEqual(body.balance, { available: false, message: 'Balance not available for this key.' });
  }
});

test('upstream down, or unreachable, says so', async (t) => {
  const { app, fake, close } = await createTestApp();
  t.after(close);
  const admin = await setupAdmin(app);
  fake.fail({ route: 'key', kind: 'bad-gateway', times: 1 });
  const down = (await admin.request('POST', '/api/admin/settings/api/test', { apiKey: FAKE_KEY })).json();
  assert.equal(down.ok, false);
  assert.equal(down.reason, 'error');
  assert.match(down.message, /^OpenRouter or the model's provider is having trouble \(error 502\)/);

  fake.fail({ route: 'key', kind: 'drop-connection', times: 1 });
  const dropped = (await admin.request('POST', '/api/admin/settings/api/test', { apiKey: FAKE_KEY })).json();
  assert.deepEqual(dropped, {
    ok: false,
    reason: 'unreachable',
    message: "Could not reach OpenRouter. Check the server's internet connection and the base URL.",
  });
});

test('nothing listening at the base URL is "unreachable"', async (t) => {
  const { app, close } = await createTestApp({ env: { OPENROUTER_BASE_URL: 'http://127.0.0.1:9/api/v1' } });
  t.after(close);
  const admin = await setupAdmin(app);
  const res = (await admin.request('POST', '/api/admin/settings/api/test', { apiKey: FAKE_KEY })).json();
  assert.equal(res.reason, 'unreachable');
});

test('a slow OpenRouter times out with a message naming the timeout', async (t) => {
  const { app, fake, close } = await createTestApp();
  t.after(close);
  const admin = await setupAdmin(app);
  fake.fail({ route: 'key', kind: 'slow-first-byte', delayMs: 9_000, times: 1 });
  const res = (await admin.request('POST', '/api/admin/settings/api/test', { apiKey: FAKE_KEY })).json();
  assert.deepEqual(res, {
    ok: false,
    reason: 'unreachable',
    message: "Could not reach OpenRouter (timed out after 8 s). Check the server's internet connection.",
  });
});

test('testing the stored key marks it tested on the dashboard; a new key starts untested', async (t) => {
  const { app, close } = await createTestApp();
  t.after(close);
  const admin = await setupAdmin(app);
  const noKey = await admin.request('POST', '/api/admin/settings/api/test', {});
  assert.equal(noKey.statusCode, 400);
  assert.deepEqual(noKey.json().fields, { apiKey: 'Enter an API key to test.' });

  const step = async () => (await admin.request('GET', '/api/admin/dashboard')).json().checklist.find((s: { id: string }) => s.id === 'api-key');
  await admin.request('PUT', '/api/admin/settings/api', {
    provider: 'openrouter',
    apiKey: FAKE_KEY,
    model: 'openai/gpt-5.4-mini',
    fallbackModels: [],
    reasoningEnabled: false,
  });
  assert.deepEqual(await step(), {
    id: 'api-key',
    label: 'Add and test your API key',
    done: false,
    detail: 'Key saved. Press "Test API Key" to check it.',
    href: '/admin/settings',
  });
  await admin.request('POST', '/api/admin/settings/api/test', {});
  assert.equal((await step()).done, true);
  assert.equal((await admin.request('GET', '/api/admin/settings/api')).json().keyCheck.ok, true);
  await admin.request('PUT', '/api/admin/settings/api', {
    provider: 'openrouter',
    apiKey: OTHER_KEY,
    model: 'openai/gpt-5.4-mini',
    fallbackModels: [],
    reasoningEnabled: false,
  });
  assert.equal((await step()).done, false);
  assert.equal((await admin.request('GET', '/api/admin/settings/api')).json().keyCheck, null);
});
