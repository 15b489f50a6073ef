import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, setupAdmin, type AdminClient, type TestApp } from '../../e2e/support/harness.js';
import { FAKE_KEY } from '../../e2e/fakes/openrouter.js';
import { BALANCE_CHECK_INTERVAL_MS, checkBalance } from './credit-watch.js';

const apiSettings = { provider: 'openrouter', model: 'openai/gpt-5.4-mini', fallbackModels: [], reasoningEnabled: false };
const MINUTE = 60_000;

const balanceCalls = (fake: TestApp['fake']) => ({ key: fake.requestsTo('/key').length, credits: fake.requestsTo('/credits').length });
const settings = async (admin: AdminClient) => (await admin.request('GET', '/api/admin/settings/api')).json();
const lowBalanceAlerts = async (admin: AdminClient) =>
  (await admin.request('GET', '/api/admin/dashboard/stats')).json().alerts.filter((a: { kind: string }) => a.kind === 'low_balance');

async function appWithKey(t: { after(fn: () => unknown): void }, before?: (fake: TestApp['fake']) => void) {
  const testApp = await createTestApp();
  t.after(testApp.close);
  before?.(testApp.fake);
  const admin = await setupAdmin(testApp.app);
  await admin.request('PUT', '/api/admin/settings/api', { ...apiSettings, apiKey: FAKE_KEY });
  await checkBalance(testApp.app.openRouterDeps); // the check saving a new key starts in the background
  return { ...testApp, admin };
}

test('below the threshold: a dashboard alert and the balance on API Configuration; checked at most once an hour, across restarts; resolved when topped up', async (t) => {
  const start = Date.now();
  const first = await appWithKey(t, (fake) => {
    fake.creditsInfo.total_credits = 10;
    fake.creditsInfo.total_usage = 9.58;
  });
  const { fake, admin } = first;
  assert.deepEqual(balanceCalls(fake), { key: 1, credits: 1 }, 'saving the key checked it at once');

  const view = await settings(admin);
  assert.equal(view.lowBalanceUsd, 1);
  assert.deepEqual({ ...view.balance, checkedAt: undefined }, { amount: 0.42, source: 'credits', low: true, checkedAt: undefined });
  assert.ok(Date.parse(view.balance.checkedAt) >= start);
  const [alert] = await lowBalanceAlerts(admin);
  assert.equal(
    alert.message,
    "Your OpenRouter balance is $0.42, below your warning level of $1.00. When it runs out, visitors' questions go unanswered. Add credits at https://openrouter.ai/settings/credits.",
  );

  // Within the hour nothing is asked, whatever the timer does.
  for (const minutes of [5, 30, 59]) await checkBalance(first.app.openRouterDeps, start + minutes * MINUTE);
  assert.deepEqual(balanceCalls(fake), { key: 1, credits: 1 });

  // A restart does not check again before the hour either (the time of the last check is kept).
  await first.app.close();
  const second = await createTestApp({ dataDir: first.dataDir, fake });
  t.after(() => second.app.close());
  await second.app.ready();
  await checkBalance(second.app.openRouterDeps);
  assert.deepEqual(balanceCalls(fake), { key: 1, credits: 1 });

  // After the hour: topped up, so the alert is resolved.
  fake.creditsInfo.total_credits = 25;
  await checkBalance(second.app.openRouterDeps, Date.now() + BALANCE_CHECK_INTERVAL_MS + MINUTE);
  assert.deepEqual(balanceCalls(fake), { key: 2, credits: 2 });
  const admin2 = {
    ...admin,
    request: (method: Parameters<AdminClient['request']>[0], url: string, payload?: unknown) =>
      second.app.inject({
        method,
        url,
        headers: { cookie: admin.cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': admin.csrfToken }) },
        ...(payload === undefined ? {} : { payload: payload as object }),
      }),
  };
  assert.deepEqual(await lowBalanceAlerts(admin2), []);
  assert.equal((await settings(admin2)).balance.amount, 15.42);
  assert.equal((await settings(admin2)).balance.low, false);
});

test('a key that cannot read /credits is watched through its remaining limit; a key that can read neither gets no alert and no error', async (t) => {
  const { app, fake, admin, logs } = await appWithKey(t, (fake) => {
    fake.setOptions({ credits: 'forbidden' });
    fake.keyInfo.limit = 5;
    fake.keyInfo.limit_remaining = 0.25;
  });
  assert.deepEqual((await settings(admin)).balance?.source, 'key_limit');
  const [alert] = await lowBalanceAlerts(admin);
  assert.equal(
    alert.message,
    "This API key can spend $0.25 more before its credit limit, below your warning level of $1.00. When it runs out, visitors' questions go unanswered. Raise the key's limit at https://openrouter.ai/settings/keys.",
  );

  // With both readable, the smaller one runs out first.
  fake.setOptions({ credits: 'ok' });
  fake.keyInfo.limit_remaining = 3;
  fake.creditsInfo.total_credits = 10;
  fake.creditsInfo.total_usage = 2;
  await checkBalance(app.openRouterDeps, Date.now() + BALANCE_CHECK_INTERVAL_MS);
  assert.deepEqual({ ...(await settings(admin)).balance, checkedAt: undefined }, { amount: 3, source: 'key_limit', low: false, checkedAt: undefined });
  assert.deepEqual(await lowBalanceAlerts(admin), []);

  // Neither readable: nothing to warn about, and nothing went wrong.
  fake.setOptions({ credits: 'forbidden' });
  fake.keyInfo.limit = null;
  fake.keyInfo.limit_remaining = null;
  await checkBalance(app.openRouterDeps, Date.now() + 2 * BALANCE_CHECK_INTERVAL_MS);
  assert.equal(fake.requestsTo('/credits').length, 3);
  assert.equal((await settings(admin)).balance, null);
  assert.deepEqual(await lowBalanceAlerts(admin), []);
  assert.equal((await settings(admin)).keyStatus.state, 'ok');
  assert.doesNotMatch(logs(), /balance check failed/);
});

test("the threshold is the admin's: raising it warns at once, 0 turns the warning off; no checks without a key or for another provider", async (t) => {
  const { app, fake, admin } = await appWithKey(t, (fake) => {
    fake.creditsInfo.total_credits = 10;
    fake.creditsInfo.total_usage = 7;
  });
  assert.deepEqual(await lowBalanceAlerts(admin), []);
  const calls = balanceCalls(fake);

  // A new threshold is compared with the last amount read: no new request.
  const raised = await admin.request('PUT', '/api/admin/settings/api', { ...apiSettings, lowBalanceUsd: 5 });
  assert.equal(raised.json().lowBalanceUsd, 5);
  assert.equal(raised.json().balance.low, true);
  assert.equal((await lowBalanceAlerts(admin))[0].message.split(',')[0], 'Your OpenRouter balance is $3.00');
  // Leaving the field out keeps it.
  assert.equal((await admin.request('PUT', '/api/admin/settings/api', apiSettings)).json().lowBalanceUsd, 5);

  const bad = await admin.request('PUT', '/api/admin/settings/api', { ...apiSettings, lowBalanceUsd: -1 });
  assert.equal(bad.statusCode, 400);
  assert.deepEqual(bad.json().fields, { lowBalanceUsd: 'Enter an amount in US dollars from 0 to 10,000 (0 turns the warning off).' });

  await admin.request('PUT', '/api/admin/settings/api', { ...apiSettings, lowBalanceUsd: 0 });
  assert.deepEqual(await lowBalanceAlerts(admin), [], '0: off, and the warning goes');
  await checkBalance(app.openRouterDeps, Date.now() + 2 * BALANCE_CHECK_INTERVAL_MS);
  assert.deepEqual(balanceCalls(fake), calls, 'off: never checked');

  await admin.request('PUT', '/api/admin/settings/api', { ...apiSettings, lowBalanceUsd: 5 });
  await admin.request('DELETE', '/api/admin/settings/api/key');
  assert.deepEqual(await lowBalanceAlerts(admin), [], 'no key: no warning');
  await checkBalance(app.openRouterDeps, Date.now() + 3 * BALANCE_CHECK_INTERVAL_MS);
  await admin.request('PUT', '/api/admin/settings/api', {
    provider: 'openai-compatible',
    baseUrl: fake.baseURL,
    apiKey: 'local-key',
    model: 'openai/gpt-5.4-mini',
    fallbackModels: [],
    reasoningEnabled: false,
  });
  await checkBalance(app.openRouterDeps, Date.now() + 4 * BALANCE_CHECK_INTERVAL_MS);
  assert.deepEqual(balanceCalls(fake), calls, 'no key, or not OpenRouter: never checked');
});

test('Test API Key on the saved key reads the balance too, with no extra request', async (t) => {
  const { fake, admin } = await appWithKey(t);
  assert.deepEqual(await lowBalanceAlerts(admin), []);
  fake.creditsInfo.total_usage = 9.9;
  const calls = balanceCalls(fake);
  await admin.request('POST', '/api/admin/settings/api/test', {});
  assert.deepEqual(balanceCalls(fake), { key: calls.key + 1, credits: calls.credits + 1 });
  assert.equal((await settings(admin)).balance.amount, 0.1);
  assert.equal((await lowBalanceAlerts(admin)).length, 1);
  // A successful answer does not resolve it: it says nothing about the balance.
  fake.creditsInfo.total_usage = 1;
  await admin.request('POST', '/api/admin/settings/api/test', {});
  assert.deepEqual(await lowBalanceAlerts(admin), []);
});
