import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestApp, setupAdmin, type AdminClient } from '../../e2e/support/harness.js';
import { FAKE_KEY } from '../../e2e/fakes/openrouter.js';
import { testDb } from '../../e2e/support/test-db.js';
import { checkBalance } from './credit-watch.js';

const OTHER_KEY = `sk-or-v1-${'f'.repeat(64)}`;
const ORIGIN = 'https://shop.example.com';
const apiSettings = { provider: 'openrouter', model: 'openai/gpt-5.4-mini', fallbackModels: [], reasoningEnabled: false };

async function appWithKey(t: { after(fn: () => unknown): void }) {
  const testApp = await createTestApp();
  t.after(testApp.close);
  const admin = await setupAdmin(testApp.app);
  await admin.request('PUT', '/api/admin/settings/api', { ...apiSettings, apiKey: FAKE_KEY });
  await checkBalance(testApp.app.openRouterDeps); // the check that follows saving a key
  await admin.request('POST', '/api/admin/training/text', {
    title: 'Warranty',
    text: 'Every Acme widget has a two-year warranty covering manufacturing faults.',
  });
  await admin.request('POST', '/api/admin/training/start');
  await testApp.app.training.runner.idle();
  return { ...testApp, admin };
}

let visitors = 0;
/** A new visitor each time: one visitor's per-minute limit is not what these tests are about. */
const ask = (app: FastifyInstance, message: string) =>
  app.inject({
    method: 'POST',
    url: '/api/widget/chat',
    headers: { origin: ORIGIN },
    payload: { visitorId: `visitor-${String(++visitors).padStart(4, '0')}`, message },
  });
const keyStatus = async (admin: AdminClient) => (await admin.request('GET', '/api/admin/settings/api')).json().keyStatus;

/**
 * Counts writes to the key_status row with a trigger: on SQLite a temporary one (it lives only on the app's one
 * connection), on PostgreSQL one in the test's own database (the pool's connections all write through it).
 */
async function countStatusWrites(app: FastifyInstance): Promise<() => Promise<number>> {
  const db = testDb(app);
  if (db.backend === 'postgres') {
    await db.run('CREATE TABLE key_status_writes (n integer)');
    await db.run(`CREATE FUNCTION count_key_status_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO key_status_writes VALUES (1); RETURN NULL; END $$`);
    await db.run('CREATE TRIGGER key_status_written AFTER INSERT OR UPDATE ON key_status FOR EACH ROW EXECUTE FUNCTION count_key_status_write()');
    return () => db.value('SELECT count(*) FROM key_status_writes');
  }
  await db.run('CREATE TEMP TABLE IF NOT EXISTS key_status_writes (n INTEGER)');
  for (const event of ['INSERT', 'UPDATE'])
    await db.run(
      `CREATE TEMP TRIGGER IF NOT EXISTS key_status_${event.toLowerCase()} AFTER ${event} ON main.key_status BEGIN INSERT INTO key_status_writes VALUES (1); END`,
    );
  return () => db.value('SELECT count(*) FROM temp.key_status_writes');
}

test('a 402 from a chat answer shows "out of credits" since the first failure; a later answer clears it; steady states write nothing', async (t) => {
  const { app, fake, admin } = await appWithKey(t);
  const writes = await countStatusWrites(app);
  const working = await keyStatus(admin);
  assert.equal(working.state, 'ok', 'the check after saving the key proved it works');

  fake.fail({ route: 'chat', kind: 'payment-required' });
  const before = Date.now();
  assert.match((await ask(app, 'What does the warranty cover?')).body, /event: error/);
  const out = await keyStatus(admin);
  assert.equal(out.state, 'payment_required');
  assert.ok(Date.parse(out.since) >= before && Date.parse(out.since) <= Date.now(), 'since: when the failure happened');
  assert.equal(
    out.message.split(' Add credits')[0],
    "OpenRouter refused the request for lack of credits: the account balance or this key's credit limit is used up.",
  );
  assert.equal(await writes(), 1);

  // The streak goes on: it still started at the first failure, and nothing was written.
  const calls = fake.requestsTo('/chat/completions').length;
  await ask(app, 'Is there a warranty?');
  assert.equal(fake.requestsTo('/chat/completions').length, calls + 1);
  assert.deepEqual(await keyStatus(admin), out);
  assert.equal(await writes(), 1);

  fake.clearFaults();
  assert.match((await ask(app, 'What does the warranty cover?')).body, /event: done/);
  const back = await keyStatus(admin);
  assert.equal(back.state, 'ok');
  assert.equal(back.message, null);
  assert.ok(Date.parse(back.since) >= Date.parse(out.since));
  assert.equal(await writes(), 2);
  for (const question of ['How long is the warranty?', 'Does the warranty cover faults?', 'Is the widget warranty two years?']) {
    assert.match((await ask(app, question)).body, /"answered":true/, 'answered by the model');
  }
  assert.equal(await writes(), 2, 'successful calls on a working key write nothing');
});

test('training and test calls count too: a revoked key seen by training, a test that cannot prove credits, a status tied to its key', async (t) => {
  const { app, fake, admin } = await appWithKey(t);

  // Training's embedding calls: 401 stops the job and the status says the key is rejected.
  fake.fail({ route: 'embeddings', kind: 'invalid-key', times: 1 });
  await admin.request('POST', '/api/admin/training/text', { title: 'Returns', text: 'Returns are accepted within 30 days of delivery.' });
  await admin.request('POST', '/api/admin/training/start');
  await app.training.runner.idle();
  const rejected = await keyStatus(admin);
  assert.equal(rejected.state, 'invalid_key');
  assert.equal(rejected.message, 'OpenRouter rejected this key: User not found.');

  // Test API Key on the saved key proves it valid again.
  assert.equal((await admin.request('POST', '/api/admin/settings/api/test', {})).json().ok, true);
  assert.equal((await keyStatus(admin)).state, 'ok');

  // Out of credits from a chat answer; a key test with no readable balance cannot say the credits are back.
  fake.fail({ route: 'chat', kind: 'payment-required', times: 1 });
  await ask(app, 'What does the warranty cover?');
  fake.setOptions({ credits: 'forbidden' });
  assert.equal((await admin.request('POST', '/api/admin/settings/api/test', {})).json().ok, true);
  assert.equal((await keyStatus(admin)).state, 'payment_required');
  // A positive balance read by the test does.
  fake.setOptions({ credits: 'ok' });
  await admin.request('POST', '/api/admin/settings/api/test', {});
  assert.equal((await keyStatus(admin)).state, 'ok');

  // Testing another key, not saved, says nothing about the saved one.
  fake.fail({ route: 'chat', kind: 'rate-limited', times: 1 });
  await ask(app, 'What does the warranty cover?');
  assert.equal((await keyStatus(admin)).state, 'rate_limited');
  assert.equal((await admin.request('POST', '/api/admin/settings/api/test', { apiKey: OTHER_KEY })).json().ok, false);
  assert.equal((await keyStatus(admin)).state, 'rate_limited');

  // A model that is down (502) says nothing about the key; an answer clears the rate limit.
  fake.fail({ route: 'chat', kind: 'bad-gateway', times: 1 });
  await ask(app, 'What does the warranty cover?');
  assert.equal((await keyStatus(admin)).state, 'rate_limited');
  const r = await ask(app, 'What does the warranty cover?');
  assert.equal((await keyStatus(admin)).state, 'ok', r.body);

  // A new key starts with no status (until its first call: here the balance check after saving it). The fake
  // holds that check back before refusing the key, so it cannot land before the status is read; then it is waited for.
  fake.setOptions({ validKeys: [FAKE_KEY, OTHER_KEY] });
  fake.fail({ route: 'key', kind: 'slow-first-byte', delayMs: 300, times: 1 });
  fake.fail({ route: 'key', kind: 'invalid-key', times: 1 });
  await admin.request('PUT', '/api/admin/settings/api', { ...apiSettings, apiKey: OTHER_KEY });
  assert.equal(await keyStatus(admin), null);
  await checkBalance(app.openRouterDeps); // the check under way
  assert.equal((await keyStatus(admin)).state, 'invalid_key');
});

test('OpenRouter unreachable from the model list refresh; the keyless list coming back clears only that', async (t) => {
  const { app, fake, admin } = await appWithKey(t);
  fake.fail({ route: 'models', kind: 'drop-connection', times: 1 });
  assert.match((await admin.request('GET', '/api/admin/models?refresh=1')).json().error, /^Could not refresh the model list: Could not reach OpenRouter/);
  assert.equal((await keyStatus(admin)).state, 'unreachable');
  await admin.request('GET', '/api/admin/models?refresh=1');
  assert.equal((await keyStatus(admin)).state, 'ok');

  fake.fail({ route: 'chat', kind: 'invalid-key', times: 1 });
  await ask(app, 'What does the warranty cover?');
  await admin.request('GET', '/api/admin/models?refresh=1');
  assert.equal((await keyStatus(admin)).state, 'invalid_key', 'GET /models ignores the key: it cannot prove the key works');
});
