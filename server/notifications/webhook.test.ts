// Webhook notifications against a real HTTP receiver on 127.0.0.1: the signed body and headers, the signing
// secret shown once and regenerable, retries with backoff (time moved by the app's injectable clock), giving up
// with a dashboard alert that does not notify in turn, the private-address rule with ALLOW_PRIVATE_URLS off,
// de-duplication, restarts in the middle, and a visitor's answer never waiting for a receiver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestApp, setupAdmin, type AdminClient, type TestApp } from '../../e2e/support/harness.js';
import { testDb } from '../../e2e/support/test-db.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../e2e/fakes/webhook-receiver.js';
import { FAKE_KEY, startFakeOpenRouter } from '../../e2e/fakes/openrouter.js';
import { raiseAlert, resolveAlert } from '../chat/alerts.js';
import { runDeliveries } from './delivery.js';
import { notify } from './notify.js';
import type { NotificationOptions } from './delivery.js';

const START = Date.parse('2025-05-05T10:00:00.000Z');
const SECOND = 1000;
const MINUTE = 60 * SECOND;

interface Setup extends TestApp {
  admin: AdminClient;
  clock: { now: number };
}

async function app(t: { after(fn: () => unknown): void }, options: { env?: Record<string, string>; notifications?: NotificationOptions } = {}): Promise<Setup> {
  const clock = { now: START };
  const testApp = await createTestApp({ env: options.env, buildOptions: { notifications: { clock: () => clock.now, ...options.notifications } } });
  t.after(testApp.close);
  return { ...testApp, admin: await setupAdmin(testApp.app), clock };
}

async function receiver(t: { after(fn: () => unknown): void }): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver();
  t.after(r.close);
  return r;
}

const settingsBody = (url: string, events: Record<string, unknown> = {}) => ({
  email: { enabled: false, host: '', port: 587, security: 'starttls', user: '', from: '', to: [] },
  webhook: { enabled: true, url },
  events,
  digest: { frequency: 'off', hour: 8, weekday: 1 },
});

/** Saves the webhook; returns the signing secret the save showed (once). */
async function configure(admin: AdminClient, url: string): Promise<string> {
  const res = await admin.request('PUT', '/api/admin/notifications', settingsBody(url));
  assert.equal(res.statusCode, 200, res.body);
  return res.json().webhook.newSecret;
}

const deliveries = async (admin: AdminClient) =>
  (await admin.request('GET', '/api/admin/notifications/deliveries')).json().deliveries as Array<Record<string, any>>;
const sign = (secret: string, raw: Buffer) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
const KEY_MESSAGE = 'OpenRouter rejected this key: invalid or revoked key.';

test('an event arrives as one signed JSON POST: body, headers, HMAC over the raw body', async (t) => {
  const { app: docent, admin } = await app(t);
  const hooks = await receiver(t);
  const secret = await configure(admin, hooks.url);
  assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
  const view = (await admin.request('GET', '/api/admin/notifications')).json().webhook;
  assert.deepEqual(view, { enabled: true, url: hooks.url, secret: { saved: true, last4: secret.slice(-4) } }, 'the secret is not shown again');

  await raiseAlert(docent.stores, 'invalid_key', KEY_MESSAGE);
  await runDeliveries(docent);
  const [hook] = await hooks.waitFor(1);
  const alertId = (await docent.stores.chat.openAlerts()).find((a) => a.kind === 'invalid_key')?.id;
  assert.equal(hook.method, 'POST');
  assert.equal(hook.path, '/hooks/docent');
  assert.deepEqual(hook.json, {
    event: 'invalid_key',
    id: hook.json.id,
    createdAt: '2025-05-05T10:00:00.000Z',
    data: { alertId, kind: 'invalid_key', message: KEY_MESSAGE },
  });
  assert.match(hook.json.id, /^evt_[0-9a-f-]{36}$/);
  assert.equal(hook.headers['content-type'], 'application/json');
  assert.equal(hook.headers['user-agent'], 'Docent-Webhook/1.0');
  assert.equal(hook.headers['x-docent-event'], 'invalid_key');
  assert.equal(hook.headers['x-docent-delivery'], hook.json.id);
  assert.equal(hook.headers['x-docent-timestamp'], String(START / 1000));
  assert.equal(hook.headers['x-docent-signature'], sign(secret, hook.raw));
  assert.notEqual(hook.headers['x-docent-signature'], sign('whsec_another', hook.raw), 'the signature depends on the secret');
  assert.deepEqual(
    (await deliveries(admin)).map((d) => [d.event, d.channel, d.status, d.attempts, d.lastError]),
    [['invalid_key', 'webhook', 'delivered', 1, null]],
  );
});

test('Regenerate makes a new signing secret, shown once; later events are signed with it; Send test event uses it too', async (t) => {
  const { app: docent, admin, logs } = await app(t);
  const hooks = await receiver(t);
  const first = await configure(admin, hooks.url);
  const again = await admin.request('PUT', '/api/admin/notifications', settingsBody(hooks.url));
  assert.equal(again.json().webhook.newSecret, undefined, 'a second save keeps the secret and does not show it');

  const regenerated = await admin.request('POST', '/api/admin/notifications/webhook/secret');
  assert.equal(regenerated.statusCode, 200);
  const { secret, last4 } = regenerated.json();
  assert.notEqual(secret, first);
  assert.equal(last4, secret.slice(-4));

  const tested = await admin.request('POST', '/api/admin/notifications/test/webhook', { url: hooks.url });
  assert.deepEqual(tested.json(), { ok: true, message: 'Delivered: the receiver answered 200.' });
  await raiseAlert(docent.stores, 'timeout', 'The model stopped responding.');
  await runDeliveries(docent);
  const [test, event] = await hooks.waitFor(2);
  assert.equal(test.json.event, 'test');
  assert.deepEqual(test.json.data, { message: 'This is a test event from Settings → Notifications.' });
  for (const hook of [test, event]) {
    assert.equal(hook.headers['x-docent-signature'], sign(secret, hook.raw));
    assert.notEqual(hook.headers['x-docent-signature'], sign(first, hook.raw));
  }
  assert.ok(!logs().includes(secret) && !logs().includes(first), 'secrets never logged');
});

test('a receiver that fails gets retries with growing waits (5xx, 429 with Retry-After, a timeout), then the event is delivered', async (t) => {
  const { app: docent, admin, clock } = await app(t, { notifications: { webhookTimeoutMs: 500 } });
  const hooks = await receiver(t);
  await configure(admin, hooks.url);
  hooks.respond(503, { status: 429, headers: { 'retry-after': '900' } }, 'hang');

  await raiseAlert(docent.stores, 'unreachable', 'Could not reach OpenRouter.');
  await runDeliveries(docent);
  let [row] = await deliveries(admin);
  assert.deepEqual(
    [row.status, row.attempts, row.maxAttempts, row.nextAttemptAt, row.lastError],
    ['pending', 1, 8, new Date(START + 30 * SECOND).toISOString(), 'The server answered 503 (the site is temporarily unavailable): “receiver failed”.'],
  );

  clock.now = START + 29 * SECOND;
  await runDeliveries(docent);
  assert.equal(hooks.requests.length, 1, 'not before its time');

  clock.now = START + 30 * SECOND;
  await runDeliveries(docent);
  [row] = await deliveries(admin);
  // The second wait is 2 minutes, but the receiver asked for 15.
  assert.deepEqual(
    [row.status, row.attempts, row.nextAttemptAt, row.lastError],
    ['pending', 2, new Date(clock.now + 15 * MINUTE).toISOString(), 'The server answered 429 (too many requests; the site is rate-limiting, try again later).'],
  );

  clock.now += 15 * MINUTE;
  await runDeliveries(docent);
  [row] = await deliveries(admin);
  assert.deepEqual(
    [row.status, row.attempts, row.nextAttemptAt, row.lastError],
    ['pending', 3, new Date(clock.now + 10 * MINUTE).toISOString(), 'No complete answer within 0.5 s (timed out).'],
  );

  clock.now += 10 * MINUTE;
  await runDeliveries(docent);
  [row] = await deliveries(admin);
  assert.deepEqual([row.status, row.attempts, row.nextAttemptAt, row.lastError], ['delivered', 4, null, null]);
  assert.equal(hooks.requests.length, 4);
  assert.equal(new Set(hooks.requests.map((h) => h.json.id)).size, 1, 'every attempt is the same event (same id and body)');
  assert.deepEqual(
    hooks.requests.map((h) => h.headers['x-docent-timestamp']),
    [START, START + 30 * SECOND, START + 30 * SECOND + 15 * MINUTE, START + 30 * SECOND + 25 * MINUTE].map((ms) => String(ms / 1000)),
    'each attempt says when it was sent',
  );
});

test('after the last attempt the delivery is given up: the screen and the dashboard say why, and that alert notifies nobody', async (t) => {
  const { app: docent, admin, clock } = await app(t, { notifications: { retryDelaysMs: [SECOND, 2 * SECOND] } });
  const hooks = await receiver(t);
  await configure(admin, hooks.url);
  hooks.respond(500, 500, 500);

  await raiseAlert(docent.stores, 'spend_cap', "Today's spend cap of $1.00 is reached.");
  for (const wait of [0, SECOND, 2 * SECOND]) {
    clock.now += wait;
    await runDeliveries(docent);
  }
  const [row] = await deliveries(admin);
  assert.deepEqual(
    [row.event, row.status, row.attempts, row.maxAttempts, row.lastError],
    ['spend_cap', 'failed', 3, 3, 'The server answered 500 (server error): “receiver failed”.'],
  );
  const alerts = (await admin.request('GET', '/api/admin/dashboard/stats')).json().alerts;
  const failure = alerts.find((a: { kind: string }) => a.kind === 'notification_webhook_failed');
  assert.equal(
    failure.message,
    'Docent could not send the “Spend cap reached” notification by webhook: The server answered 500 (server error): “receiver failed”. ' +
      'Docent gave up after 3 attempts. See Settings → Notifications → Last deliveries.',
  );
  await runDeliveries(docent);
  assert.equal(hooks.requests.length, 3, 'no notification about the failing notification');
  assert.equal((await deliveries(admin)).length, 1);

  // A successful answer clears provider alerts, not this one; Retry sends the event again, which clears it.
  await docent.stores.chat.resolveProviderAlerts();
  const retried = await admin.request('POST', `/api/admin/notifications/deliveries/${row.id}/retry`);
  assert.equal(retried.statusCode, 200);
  assert.deepEqual([retried.json().status, retried.json().attempts, retried.json().lastError], ['delivered', 1, null]);
  assert.equal(hooks.requests.length, 4);
  assert.equal(
    (await admin.request('GET', '/api/admin/dashboard/stats')).json().alerts.some((a: { kind: string }) => a.kind === 'notification_webhook_failed'),
    false,
  );
  const twice = await admin.request('POST', `/api/admin/notifications/deliveries/${row.id}/retry`);
  assert.equal(twice.statusCode, 400);
  assert.equal(twice.json().message, 'Only a delivery that was given up can be retried; this one is still under way or was delivered.');
});

test('a receiver that refuses the event (4xx) or redirects is not retried: the same body would be refused again', async (t) => {
  const { app: docent, admin } = await app(t);
  const hooks = await receiver(t);
  await configure(admin, hooks.url);
  hooks.respond({ status: 401, body: 'bad signature' }, { status: 302, headers: { location: 'https://elsewhere.example/hook' } });
  await raiseAlert(docent.stores, 'invalid_key', KEY_MESSAGE);
  await raiseAlert(docent.stores, 'payment_required', 'Out of credits.');
  await runDeliveries(docent);
  const rows = await deliveries(admin);
  assert.deepEqual(rows.map((d) => [d.event, d.status, d.attempts, d.lastError]).sort(), [
    ['invalid_key', 'failed', 1, 'The server answered 401 (a login is required): “bad signature”.'],
    [
      'out_of_credits',
      'failed',
      1,
      'The receiver answered 302, a redirect to https://elsewhere.example/hook. Webhooks are not redirected: enter the final address.',
    ],
  ]);
  assert.equal(hooks.requests.length, 2);
});

test('with ALLOW_PRIVATE_URLS off, a webhook on a private address is refused before any request, and never retried', async (t) => {
  const { app: docent, admin } = await app(t, { env: { ALLOW_PRIVATE_URLS: 'false' } });
  const hooks = await receiver(t);
  await configure(admin, hooks.url); // the address is well-formed; where it points is checked on connecting
  const tested = await admin.request('POST', '/api/admin/notifications/test/webhook', { url: hooks.url });
  assert.deepEqual(tested.json(), {
    ok: false,
    stage: 'delivery',
    message:
      '127.0.0.1 points to a private or local network address (127.0.0.1). Webhooks to private addresses are refused unless the server sets ALLOW_PRIVATE_URLS=true.',
  });
  const byName = await admin.request('POST', '/api/admin/notifications/test/webhook', { url: hooks.url.replace('127.0.0.1', 'localhost') });
  assert.match(byName.json().message, /^localhost points to a private or local network address \((127\.0\.0\.1|::1)\)\./);

  await raiseAlert(docent.stores, 'invalid_key', KEY_MESSAGE);
  await runDeliveries(docent);
  const [row] = await deliveries(admin);
  assert.deepEqual([row.status, row.attempts], ['failed', 1]);
  assert.equal(hooks.requests.length, 0);
});

test('each event is sent once: a recurring alert once, a resolved one again only after the quiet hour, a lead key once', async (t) => {
  const { app: docent, admin, clock } = await app(t);
  const hooks = await receiver(t);
  await configure(admin, hooks.url);
  for (let i = 0; i < 5; i++) await raiseAlert(docent.stores, 'timeout', 'The model stopped responding.');
  await raiseAlert(docent.stores, 'upstream_down', 'The provider is failing.'); // the same event, within its quiet hour
  await runDeliveries(docent);
  assert.deepEqual(
    hooks.requests.map((h) => [h.json.event, h.json.data.kind]),
    [['model_not_responding', 'timeout']],
  );

  await resolveAlert(docent.stores, 'timeout');
  clock.now += 30 * MINUTE;
  await raiseAlert(docent.stores, 'timeout', 'The model stopped responding again.');
  await runDeliveries(docent);
  assert.equal(hooks.requests.length, 1, 'resolved and back within the hour: the admin already knows');

  await resolveAlert(docent.stores, 'timeout');
  clock.now += 31 * MINUTE;
  await raiseAlert(docent.stores, 'timeout', 'The model stopped responding once more.');
  await runDeliveries(docent);
  assert.deepEqual(
    hooks.requests.map((h) => h.json.data.message),
    ['The model stopped responding.', 'The model stopped responding once more.'],
  );

  // Alerts that are no event (rate limits) notify nobody.
  await raiseAlert(docent.stores, 'rate_limited', 'Rate limited.');
  const lead = { leadId: 7, name: 'Jane Doe', email: 'jane@example.com', message: 'Call me', conversationId: null };
  assert.deepEqual(await notify(docent.stores, { type: 'new_lead', key: 'lead:7', data: lead }), ['webhook']);
  assert.deepEqual(await notify(docent.stores, { type: 'new_lead', key: 'lead:7', data: lead }), [], 'the same lead again: nothing');
  await runDeliveries(docent);
  assert.deepEqual(
    hooks.requests.map((h) => h.json.event),
    ['model_not_responding', 'model_not_responding', 'new_lead'],
  );
  assert.deepEqual(hooks.requests[2].json.data, lead);
});

test('an event routed off, or a channel turned off, sends nothing', async (t) => {
  const { app: docent, admin } = await app(t);
  const hooks = await receiver(t);
  await admin.request('PUT', '/api/admin/notifications', settingsBody(hooks.url, { low_balance: { email: true, webhook: false } }));
  await raiseAlert(docent.stores, 'low_balance', 'Your balance is low.');
  await admin.request('PUT', '/api/admin/notifications', { ...settingsBody(hooks.url), webhook: { enabled: false, url: hooks.url } });
  await raiseAlert(docent.stores, 'invalid_key', KEY_MESSAGE);
  await runDeliveries(docent);
  assert.equal(hooks.requests.length, 0);
  assert.deepEqual(await deliveries(admin), []);
});

test('a visitor’s answer never waits for the webhook: the receiver hangs, the answer is done', async (t) => {
  const { app: docent, admin, fake } = await app(t, { notifications: { webhookTimeoutMs: 8000 } });
  const hooks = await receiver(t);
  await configure(admin, hooks.url);
  hooks.respond('hang');
  await admin.request('PUT', '/api/admin/settings/api', {
    provider: 'openrouter',
    apiKey: FAKE_KEY,
    model: 'openai/gpt-5.4-mini',
    fallbackModels: [],
    reasoningEnabled: false,
  });
  await admin.request('POST', '/api/admin/training/text', { title: 'Warranty', text: 'Every Acme widget has a two-year warranty.' });
  await admin.request('POST', '/api/admin/training/start');
  await docent.training.runner.idle();
  fake.fail({ route: 'chat', kind: 'invalid-key' });
  const started = performance.now();
  const res = await docent.inject({
    method: 'POST',
    url: '/api/widget/chat',
    headers: { origin: 'https://shop.example.com' },
    payload: { visitorId: 'visitor-0001', message: 'What does the warranty cover?' },
  });
  const took = performance.now() - started;
  assert.match(res.body, /event: error/);
  await hooks.waitFor(1);
  assert.equal(hooks.requests[0].json.event, 'invalid_key');
  assert.ok(took < 4000, `the answer took ${Math.round(took)} ms while the receiver hung`);
  const [row] = await deliveries(admin);
  assert.equal(row.status, 'sending', 'still waiting for the receiver after the visitor had the answer');
});

test('deliveries survive a restart: a pending retry and a send cut off by the stop both go out from the next app on the same data', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'docent-notify-restart-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const fake = await startFakeOpenRouter();
  t.after(fake.close);
  const hooks = await receiver(t);

  // First app: one event fails once (a retry is pending), another is under way when the app stops.
  const first = await createTestApp({ dataDir, fake, buildOptions: { notifications: { clock: () => START, webhookTimeoutMs: 30_000 } } });
  const admin = await setupAdmin(first.app);
  await configure(admin, hooks.url);
  hooks.respond(500, 'hang');
  await raiseAlert(first.app.stores, 'invalid_key', KEY_MESSAGE);
  await runDeliveries(first.app);
  await raiseAlert(first.app.stores, 'payment_required', 'Out of credits.');
  await hooks.waitFor(2);
  const states = await testDb(first.app).all('SELECT event, status, attempts FROM notification_outbox ORDER BY id');
  assert.deepEqual(states, [
    { event: 'invalid_key', status: 'pending', attempts: 1 },
    { event: 'out_of_credits', status: 'sending', attempts: 1 },
  ]);
  await first.close();
  // The stop hands back the send it cut off: on PostgreSQL (cluster mode) it would otherwise wait out its claim.
  assert.match(first.logs(), /"released":1,"msg":"notifications cut off by the stop are handed back"/);

  // Second app on the same data, 31 seconds later: both are delivered without anything new happening.
  const second = await createTestApp({ dataDir, fake, buildOptions: { notifications: { clock: () => START + 31 * SECOND } } });
  t.after(second.close);
  await second.app.ready();
  await hooks.waitFor(4);
  await runDeliveries(second.app);
  const after = await testDb(second.app).all('SELECT event, status, attempts FROM notification_outbox ORDER BY id');
  assert.deepEqual(after, [
    { event: 'invalid_key', status: 'delivered', attempts: 2 },
    { event: 'out_of_credits', status: 'delivered', attempts: 1 },
  ]);
  const ids = hooks.requests.map((h) => `${h.json.event}:${h.status}`);
  assert.deepEqual(ids.sort(), ['invalid_key:200', 'invalid_key:500', 'out_of_credits:200', 'out_of_credits:hang'].sort());
  const outOfCredits = hooks.requests.filter((h) => h.json.event === 'out_of_credits');
  assert.equal(outOfCredits[0].json.id, outOfCredits[1].json.id, 'the interrupted send went again as the same event: the receiver can tell');
});
