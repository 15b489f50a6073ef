import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createTestApp, setupAdmin } from '../../e2e/support/harness.js';
import { FAKE_KEY, startFakeOpenRouter } from '../../e2e/fakes/openrouter.js';
import { postgresTablesHolding, testDb } from '../../e2e/support/test-db.js';

const validSettings = { provider: 'openrouter', model: 'openai/gpt-5.4-mini', fallbackModels: [], reasoningEnabled: false };

test('defaults before anything is saved', async (t) => {
  const { app, close } = await createTestApp();
  t.after(close);
  const admin = await setupAdmin(app);
  assert.deepEqual((await admin.request('GET', '/api/admin/settings/api')).json(), {
    provider: 'openrouter',
    baseUrl: null,
    apiKey: { saved: false, last4: null },
    keyCheck: null,
    keyStatus: null,
    balance: null,
    model: 'openai/gpt-5.4-mini',
    fallbackModels: [],
    reasoningEnabled: false,
    embeddingModel: 'openai/text-embedding-3-small',
    embeddingDimensions: 1536,
    lowBalanceUsd: 1,
    searchIndex: null,
  });
});

test('a malformed key is refused with the format named, and nothing is saved', async (t) => {
  const { app, close } = await createTestApp();
  t.after(close);
  const admin = await setupAdmin(app);
  const res = await admin.request('PUT', '/api/admin/settings/api', { ...validSettings, apiKey: 'sk-proj-123', model: 'anthropic/claude-sonnet-4.5' });
  assert.equal(res.statusCode, 400);
  assert.deepEqual(res.json(), {
    statusCode: 400,
    error: 'Bad Request',
    message: 'Please correct the highlighted fields.',
    fields: { apiKey: 'OpenRouter keys look like sk-or-v1-… (64 hex characters after the prefix).' },
  });
  const after = (await admin.request('GET', '/api/admin/settings/api')).json();
  assert.equal(after.apiKey.saved, false);
  assert.equal(after.model, 'openai/gpt-5.4-mini', 'the rest of the form was not saved either');
});

test('per-field messages for every kind of bad input', async (t) => {
  const { app, close } = await createTestApp();
  t.after(close);
  const admin = await setupAdmin(app);
  const put = async (body: unknown) => (await admin.request('PUT', '/api/admin/settings/api', body)).json();
  assert.deepEqual((await put({ ...validSettings, provider: 'openai-compatible', baseUrl: 'ftp://x' })).fields, {
    baseUrl: 'The base URL must start with http:// or https://.',
  });
  assert.deepEqual((await put({ ...validSettings, provider: 'openai-compatible' })).fields, {
    baseUrl: "Enter the endpoint's base URL, e.g. http://localhost:11434/v1.",
  });
  assert.deepEqual((await put({ ...validSettings, model: '' })).fields, { model: 'Choose a model.' });
  assert.deepEqual((await put({ ...validSettings, model: 'no such model!' })).fields, { model: 'Model ids look like openai/gpt-5.4-mini.' });
  assert.deepEqual((await put({ ...validSettings, fallbackModels: ['a/b', 'c/d', 'e/f'] })).fields, { fallbackModels: 'Choose at most two fallback models.' });
  assert.deepEqual((await put({ ...validSettings, fallbackModels: ['openai/gpt-5.4-mini'] })).fields, {
    fallbackModels: 'A fallback model must differ from the main model.',
  });
  assert.deepEqual((await put({ ...validSettings, provider: 'gemini' })).fields, { provider: 'Choose OpenRouter or an OpenAI-compatible endpoint.' });
  assert.deepEqual((await put({ ...validSettings, model: 'acme/unknown-model' })).fields, {
    model: 'acme/unknown-model is not in the model list. Refresh the list or choose another model.',
  });
  const notJson = await app.inject({
    method: 'PUT',
    url: '/api/admin/settings/api',
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'content-type': 'application/json' },
    payload: '{"provider":',
  });
  assert.equal(notJson.statusCode, 400);
  assert.equal(notJson.json().message, 'The request body is not valid JSON.');
});

test('the key is encrypted at rest: its bytes appear nowhere in the database files, the logs or any response', async (t) => {
  const { app, close, dataDir, logs } = await createTestApp({ env: { LOG_LEVEL: 'trace' } });
  t.after(close);
  const admin = await setupAdmin(app);
  const responses: string[] = [];
  const call = async (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, body?: unknown) => {
    const res = await admin.request(method, url, body);
    responses.push(JSON.stringify(res.headers), res.body);
    return res;
  };
  const saved = await call('PUT', '/api/admin/settings/api', {
    ...validSettings,
    apiKey: FAKE_KEY,
    reasoningEnabled: true,
    fallbackModels: ['anthropic/claude-sonnet-4.5'],
  });
  assert.equal(saved.statusCode, 200);
  assert.deepEqual(saved.json().apiKey, { saved: true, last4: FAKE_KEY.slice(-4) });
  await call('GET', '/api/admin/settings/api');
  await call('POST', '/api/admin/settings/api/test', {});
  await call('GET', '/api/admin/models');
  await call('GET', '/api/admin/dashboard');
  await call('POST', '/api/admin/settings/api/test', { apiKey: FAKE_KEY });
  const db = testDb(app);
  const secretParts = [FAKE_KEY, FAKE_KEY.slice(9, 41)];
  if (db.backend === 'sqlite') await db.get('PRAGMA wal_checkpoint(TRUNCATE)');
  else {
    for (const part of secretParts) assert.deepEqual(await postgresTablesHolding(db, part), [], 'no PostgreSQL row holds the key');
    assert.ok((await postgresTablesHolding(db, FAKE_KEY.slice(-4))).includes('secrets'), 'the search reads the rows (the check above is not vacuous)');
  }
  for (const file of readdirSync(dataDir)) {
    const bytes = readFileSync(path.join(dataDir, file));
    for (const part of secretParts) assert.equal(bytes.includes(part), false, `${file} contains the key`);
  }
  for (const text of [...responses, logs()]) for (const part of secretParts) assert.equal(text.includes(part), false);
  assert.ok(logs().includes('API key tested'), 'the logs were captured (the check above is not vacuous)');
  // And the stored key is really the key: the fake received it on the stored-key test.
  assert.equal(await db.value('SELECT count(*) FROM secrets'), 1);
});

test('saved choices come back; Remove API Key clears the key only', async (t) => {
  const { app, close } = await createTestApp();
  t.after(close);
  const admin = await setupAdmin(app);
  await admin.request('PUT', '/api/admin/settings/api', {
    ...validSettings,
    apiKey: FAKE_KEY,
    model: 'deepseek/deepseek-r1',
    fallbackModels: ['openai/gpt-5.4-mini'],
    reasoningEnabled: true,
  });
  // Saving again without a key keeps the stored one.
  const kept = (
    await admin.request('PUT', '/api/admin/settings/api', {
      ...validSettings,
      model: 'deepseek/deepseek-r1',
      fallbackModels: ['openai/gpt-5.4-mini'],
      reasoningEnabled: true,
    })
  ).json();
  assert.deepEqual(kept.apiKey, { saved: true, last4: FAKE_KEY.slice(-4) });
  assert.equal(kept.model, 'deepseek/deepseek-r1');
  assert.deepEqual(kept.fallbackModels, ['openai/gpt-5.4-mini']);
  assert.equal(kept.reasoningEnabled, true);
  const removed = (await admin.request('DELETE', '/api/admin/settings/api/key')).json();
  assert.deepEqual(removed.apiKey, { saved: false, last4: null });
  assert.equal(removed.model, 'deepseek/deepseek-r1');
  assert.equal(await testDb(app).value('SELECT count(*) FROM secrets'), 0);
});

test('a key belongs to its provider: a switch without a new key forgets it, and it is never sent to the new endpoint', async (t) => {
  const { app, close } = await createTestApp();
  t.after(close);
  const other = await startFakeOpenRouter({ validKeys: ['other-key'] });
  t.after(other.close);
  const admin = await setupAdmin(app);
  assert.equal((await admin.request('PUT', '/api/admin/settings/api', { ...validSettings, apiKey: FAKE_KEY })).json().apiKey.saved, true);

  const switched = { ...validSettings, provider: 'openai-compatible', baseUrl: other.baseURL };
  const tested = await admin.request('POST', '/api/admin/settings/api/test', { provider: 'openai-compatible', baseUrl: other.baseURL });
  assert.equal(tested.statusCode, 200, tested.body);
  const saved = (await admin.request('PUT', '/api/admin/settings/api', switched)).json();
  assert.deepEqual([saved.provider, saved.apiKey], ['openai-compatible', { saved: false, last4: null }]);
  assert.ok(other.requests.length > 0, 'the new endpoint was called (key test, model list)');
  assert.ok(
    other.requests.every((r) => !String(r.headers.authorization ?? '').includes(FAKE_KEY)),
    'the OpenRouter key never reached the other endpoint',
  );

  // Changing only the base URL of the same kind of endpoint keeps its key.
  await admin.request('PUT', '/api/admin/settings/api', { ...switched, apiKey: 'other-key' });
  const moved = (await admin.request('PUT', '/api/admin/settings/api', { ...switched, baseUrl: `${other.baseURL}/` })).json();
  assert.deepEqual(moved.apiKey, { saved: true, last4: '-key' });
});
