// Settings → Export and import: one JSON file with every setting and no secret; an import checked field by
// field with the screens' own rules, applied whole or not at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createTestApp, setupAdmin, type AdminClient, type TestApp } from '../../e2e/support/harness.js';
import { FAKE_KEY, startFakeOpenRouter } from '../../e2e/fakes/openrouter.js';
import { testDb } from '../../e2e/support/test-db.js';
import { NOT_EXPORTED, SECTIONS } from './settings-transfer.js';

const API_SETTINGS = { provider: 'openrouter', apiKey: FAKE_KEY, model: 'openai/gpt-5.4-mini', fallbackModels: [], reasoningEnabled: false };

async function adminApp(t: { after(fn: () => unknown): void }, options: Parameters<typeof createTestApp>[0] = {}): Promise<TestApp & { admin: AdminClient }> {
  const testApp = await createTestApp(options);
  t.after(testApp.close);
  const admin = await setupAdmin(testApp.app);
  assert.equal((await admin.request('PUT', '/api/admin/settings/api', API_SETTINGS)).statusCode, 200);
  return { ...testApp, admin };
}

async function exported(admin: AdminClient) {
  const res = await admin.request('GET', '/api/admin/settings/export');
  assert.equal(res.statusCode, 200, res.body);
  return res;
}

/** Every saved setting, as the screens read them. */
async function screens(admin: AdminClient) {
  const get = async (url: string) => (await admin.request('GET', url)).json();
  // The key's status and balance are state, not settings.
  const { apiKey, keyCheck, searchIndex, keyStatus, balance, ...api } = await get('/api/admin/settings/api');
  return {
    api,
    apiKey,
    ...(await get('/api/admin/chatbot/settings')),
    widget: (await get('/api/admin/widget/settings')).widget,
    training: await get('/api/admin/training/settings'),
  };
}

/** Changes one of everything on the screens that own it. */
async function customise(admin: AdminClient) {
  const ok = async (method: 'PUT', url: string, body: unknown) => {
    const res = await admin.request(method, url, body);
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res.json();
  };
  await ok('PUT', '/api/admin/settings/api', {
    ...API_SETTINGS,
    apiKey: undefined,
    model: 'anthropic/claude-sonnet-4.5',
    fallbackModels: ['openai/gpt-5.4-mini'],
    reasoningEnabled: true,
    lowBalanceUsd: 2.5,
  });
  const { chatbot } = (await admin.request('GET', '/api/admin/chatbot/settings')).json();
  await ok('PUT', '/api/admin/chatbot/settings', {
    chatbot: { ...chatbot, instructions: 'Answer like a friendly librarian.', temperature: 0.9, mode: 'relaxed', retentionDays: 30 },
    retrieval: { topK: 9, minMatch: 45 },
  });
  const { widget } = (await admin.request('GET', '/api/admin/widget/settings')).json();
  await ok('PUT', '/api/admin/widget/settings', {
    ...widget,
    botName: 'Ada',
    primaryColor: '#8a2be2',
    suggestedQuestions: ['Where is my parcel?'],
    allowedDomains: ['example.com', '*.example.org'],
  });
  const training = (await admin.request('GET', '/api/admin/training/settings')).json();
  await ok('PUT', '/api/admin/training/settings', { ...training, chunkTokens: 500, chunkOverlap: 80 });
}

test('export → import into another Docent brings every setting over, and the file holds every section', async (t) => {
  const source = await adminApp(t);
  await customise(source.admin);
  const res = await exported(source.admin);
  assert.match(String(res.headers['content-disposition']), /^attachment; filename="docent-settings-\d{4}-\d{2}-\d{2}\.json"$/);
  const file = res.json();
  assert.equal(file.format, 'docent-settings');
  assert.equal(file.version, 1);
  assert.ok(Math.abs(Date.parse(file.exportedAt) - Date.now()) < 60_000);
  assert.deepEqual(Object.keys(file.settings), ['api', 'chatbot', 'widget', 'retrieval']);
  assert.deepEqual(file.settings.api, {
    provider: 'openrouter',
    baseUrl: null,
    model: 'anthropic/claude-sonnet-4.5',
    fallbackModels: ['openai/gpt-5.4-mini'],
    reasoningEnabled: true,
    lowBalanceUsd: 2.5,
    embeddingModel: 'openai/text-embedding-3-small',
  });
  assert.deepEqual(file.settings.retrieval, { chunkTokens: 500, chunkOverlap: 80, topK: 9, minMatch: 45 });

  const target = await adminApp(t);
  const before = await screens(target.admin);
  const preview = await target.admin.request('POST', '/api/admin/settings/import/preview', file);
  assert.equal(preview.statusCode, 200, preview.body);
  assert.equal(preview.json().applied, false);
  assert.deepEqual(await screens(target.admin), before, 'a preview changes nothing');
  const changes = preview.json().changes as Array<{ path: string; section: string; setting: string; from: unknown; to: unknown }>;
  assert.deepEqual(
    changes.map((c) => c.path),
    [
      'api.model',
      'api.fallbackModels',
      'api.reasoningEnabled',
      'api.lowBalanceUsd',
      'chatbot.instructions',
      'chatbot.temperature',
      'chatbot.mode',
      'chatbot.retentionDays',
      'widget.botName',
      'widget.primaryColor',
      'widget.suggestedQuestions',
      'widget.allowedDomains',
      'retrieval.chunkTokens',
      'retrieval.chunkOverlap',
      'retrieval.topK',
      'retrieval.minMatch',
    ],
  );
  assert.deepEqual(
    changes.find((c) => c.path === 'chatbot.temperature'),
    { path: 'chatbot.temperature', section: 'Chatbot', setting: 'Temperature', from: 0.3, to: 0.9 },
  );
  // Each setting under the name and screen it has in the admin.
  assert.deepEqual(
    changes.find((c) => c.path === 'retrieval.topK'),
    { path: 'retrieval.topK', section: 'Chatbot', setting: 'Chunks per answer', from: 6, to: 9 },
  );
  assert.deepEqual(
    changes.find((c) => c.path === 'retrieval.chunkTokens'),
    { path: 'retrieval.chunkTokens', section: 'Database Management', setting: 'Chunk size', from: 350, to: 500 },
  );
  assert.deepEqual(preview.json().notes, []);

  const applied = await target.admin.request('POST', '/api/admin/settings/import', file);
  assert.equal(applied.statusCode, 200, applied.body);
  assert.deepEqual(applied.json(), { ...preview.json(), applied: true });
  const after = await screens(target.admin);
  const { apiKey: _sourceKey, ...sourceScreens } = await screens(source.admin);
  const { apiKey, ...targetScreens } = after;
  assert.deepEqual(targetScreens, sourceScreens);
  assert.deepEqual(apiKey, before.apiKey, 'the target keeps its own key');
  assert.deepEqual((await exported(target.admin)).json().settings, file.settings);

  // Importing the same file again changes nothing.
  const again = await target.admin.request('POST', '/api/admin/settings/import/preview', file);
  assert.deepEqual(again.json().changes, []);
});

test('the export holds no secret: not the API key, not the webhook token, not the secret key', async (t) => {
  const { admin, app, dataDir } = await adminApp(t);
  const webhookToken = (await admin.request('GET', '/api/admin/training/webhook')).json().token as string;
  assert.ok(webhookToken.length >= 20);
  const text = (await exported(admin)).body;
  for (const [name, secret] of [
    ['API key', FAKE_KEY],
    ['webhook token', webhookToken],
    // SECRET_KEY in cluster mode, else the key generated into the data folder.
    ['secret key', app.config.secretKeyHex ?? readFileSync(path.join(dataDir, 'secret.key'), 'utf8').trim()],
  ]) {
    assert.ok(!text.includes(secret), `the ${name} is not in the export`);
  }
  for (const { sealed } of await testDb(app).all<{ sealed: string }>('SELECT sealed FROM secrets')) assert.ok(!text.includes(sealed), 'nor a sealed secret');
  const keys = (value: unknown): string[] => (value && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => [k, ...keys(v)]) : []);
  assert.deepEqual(
    keys(JSON.parse(text)).filter((k) => /^(api_?key|key|(webhook_?)?token|secret(_?key)?|sealed|password|last4|key_?check)$/i.test(k)),
    [],
  );
});

test('one invalid field: 400 naming every bad field by its path, and nothing changes', async (t) => {
  const { admin, app } = await adminApp(t);
  const file = (await exported(admin)).json();
  const before = await screens(admin);
  const updatedAt = () => testDb(app).all('SELECT section, updated_at FROM settings ORDER BY section');
  const stamps = await updatedAt();
  const bad = structuredClone(file);
  bad.settings.chatbot.instructions = 'A valid change, which must not be saved either.';
  bad.settings.chatbot.temperature = 5;
  bad.settings.chatbot.maxAnswerTokens = 'lots';
  bad.settings.widget.primaryColor = 'red';
  bad.settings.widget.suggestedQuestions = ['x'.repeat(200)];
  bad.settings.retrieval.chunkOverlap = 300;
  bad.settings.api.model = 'not a model id!';
  for (const url of ['/api/admin/settings/import/preview', '/api/admin/settings/import']) {
    const res = await admin.request('POST', url, bad);
    assert.equal(res.statusCode, 400, res.body);
    assert.deepEqual(res.json(), {
      statusCode: 400,
      error: 'Bad Request',
      message: 'The file has invalid settings: nothing was imported. Correct them in the file, or export the settings again.',
      fields: {
        'api.model': 'Model ids look like openai/gpt-5.4-mini.',
        'chatbot.temperature': 'Temperature is between 0 and 2.',
        'chatbot.maxAnswerTokens': 'Expected a number.',
        'widget.primaryColor': 'Use a colour like #2271b1.',
        'widget.suggestedQuestions': 'Keep suggested questions under 120 characters.',
        'retrieval.chunkOverlap': 'Overlap must be less than half the chunk size.',
      },
    });
  }
  assert.deepEqual(await screens(admin), before);
  assert.deepEqual(await updatedAt(), stamps, 'no section was written');

  // A model id that is well formed but not in the provider's list is refused as the form refuses it.
  const unknown = structuredClone(file);
  unknown.settings.api.model = 'openai/gpt-0-imaginary';
  unknown.settings.chatbot.temperature = 1.1;
  const res = await admin.request('POST', '/api/admin/settings/import', unknown);
  assert.equal(res.statusCode, 400);
  assert.deepEqual(res.json().fields, { 'api.model': 'openai/gpt-0-imaginary is not in the model list. Refresh the list or choose another model.' });
  assert.deepEqual(await screens(admin), before);
});

test('files that are not settings exports, or from a newer Docent, are refused with a sentence', async (t) => {
  const { admin } = await adminApp(t);
  const file = (await exported(admin)).json();
  const cases: Array<[unknown, string]> = [
    [{ hello: 'world' }, 'This is not a Docent settings file. Choose a file made with Export settings (docent-settings-….json).'],
    [{ ...file, format: 'wordpress-settings' }, 'This is not a Docent settings file. Choose a file made with Export settings (docent-settings-….json).'],
    [{ ...file, version: '1' }, 'This is not a Docent settings file. Choose a file made with Export settings (docent-settings-….json).'],
    [
      { ...file, version: 2 },
      'This settings file was made by a newer version of Docent (format version 2; this one reads version 1). Update Docent, then import it again.',
    ],
    [{ ...file, settings: [] }, 'The file has no settings to import.'],
    [{ ...file, settings: { plugins: {} } }, 'The file has no settings to import.'],
  ];
  for (const [body, message] of cases) {
    const res = await admin.request('POST', '/api/admin/settings/import/preview', body);
    assert.equal(res.statusCode, 400, JSON.stringify(body).slice(0, 80));
    assert.deepEqual(res.json(), { statusCode: 400, error: 'Bad Request', message });
  }
  const notAnObject = await admin.request('POST', '/api/admin/settings/import', { ...file, settings: { chatbot: 'friendly' } });
  assert.deepEqual(notAnObject.json().fields, { chatbot: 'Expected an object of settings.' });
  const array = await admin.request('POST', '/api/admin/settings/import', [file]);
  assert.equal(array.statusCode, 400);
  assert.equal(array.json().message, 'The request body must be a JSON object, sent with Content-Type: application/json.');
});

test('a partial or hand-edited file changes only what it names; secrets and unknown names in it are left out, with a note', async (t) => {
  const { admin } = await adminApp(t);
  const before = await screens(admin);
  const res = await admin.request('POST', '/api/admin/settings/import', {
    format: 'docent-settings',
    version: 1,
    settings: {
      chatbot: { temperature: 1.2, temprature: 0.1 },
      api: { apiKey: `sk-or-v1-${'f'.repeat(64)}` },
      widget: { webhookToken: 'stolen' },
      plugins: { seo: true },
    },
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), {
    applied: true,
    changes: [{ path: 'chatbot.temperature', section: 'Chatbot', setting: 'Temperature', from: 0.3, to: 1.2 }],
    notes: [
      'chatbot.temprature is not a setting of this version of Docent: it was left out.',
      'api.apiKey was left out: secrets are never imported. Enter them on their settings screen.',
      'widget.webhookToken was left out: secrets are never imported. Enter them on their settings screen.',
      '“plugins” is not a settings section of this version of Docent: it was left out.',
    ],
  });
  const after = await screens(admin);
  assert.equal(after.chatbot.temperature, 1.2);
  assert.deepEqual({ ...after, chatbot: { ...after.chatbot, temperature: 0.3 } }, before, 'nothing else changed; the key is the one saved before');
});

test('importing another provider follows the key rule: the stored key is removed, never sent there, and the index keeps its own', async (t) => {
  const { admin, app, fake } = await adminApp(t);
  const other = await startFakeOpenRouter({ validKeys: ['other-key'] });
  t.after(other.close);
  await admin.request('POST', '/api/admin/training/text', { title: 'Returns', text: 'Returns are free within 30 days.' });
  await admin.request('POST', '/api/admin/training/start');
  await app.training.runner.idle();

  const file = (await exported(admin)).json();
  file.settings.api = { ...file.settings.api, provider: 'openai-compatible', baseUrl: `${other.baseURL}/` };
  const preview = await admin.request('POST', '/api/admin/settings/import/preview', file);
  assert.equal(preview.statusCode, 200, preview.body);
  assert.deepEqual(
    preview.json().changes.map((c: { path: string; to: unknown }) => [c.path, c.to]),
    [
      ['api.provider', 'openai-compatible'],
      ['api.baseUrl', other.baseURL],
    ],
  );
  assert.deepEqual(preview.json().notes, [
    `Your saved API key is for OpenRouter, so it will be removed: a key is never sent to another provider. Enter the key for the endpoint at ${other.baseURL} in Settings → API Configuration.`,
    'The search index keeps using OpenRouter until you rebuild it on Data Training → Database Management.',
  ]);
  assert.equal((await admin.request('GET', '/api/admin/settings/api')).json().apiKey.saved, true, 'a preview removes nothing');

  assert.equal((await admin.request('POST', '/api/admin/settings/import', file)).statusCode, 200);
  const saved = (await admin.request('GET', '/api/admin/settings/api')).json();
  assert.deepEqual([saved.provider, saved.baseUrl, saved.apiKey], ['openai-compatible', other.baseURL, { saved: false, last4: null }]);
  assert.ok(other.requests.length > 0, 'the new endpoint was asked for its model list');
  assert.ok(
    other.requests.every((r) => !String(r.headers.authorization ?? '').includes(FAKE_KEY)),
    'the OpenRouter key never reached it',
  );
  // The index built with OpenRouter still answers, with the key kept for it.
  const search = await admin.request('POST', '/api/admin/training/search', { question: 'How long do I have for returns?', minMatch: 0 });
  assert.equal(search.statusCode, 200, search.body);
  assert.match(search.json().chunks[0].content, /30 days/);
  assert.ok(fake.requestsTo('/embeddings').at(-1)!.headers.authorization!.includes(FAKE_KEY));
});

test('the embedding model comes along only while nothing is embedded: afterwards switching it is a rebuild, left to the admin', async (t) => {
  const fresh = await adminApp(t);
  const file = (await exported(fresh.admin)).json();
  file.settings.api.embeddingModel = 'openai/text-embedding-3-large';
  const imported = await fresh.admin.request('POST', '/api/admin/settings/import', file);
  assert.deepEqual(
    imported.json().changes.map((c: { path: string }) => c.path),
    ['api.embeddingModel'],
  );
  const settings = (await fresh.admin.request('GET', '/api/admin/settings/api')).json();
  assert.deepEqual([settings.embeddingModel, settings.embeddingDimensions], ['openai/text-embedding-3-large', 3072]);

  const trained = await adminApp(t);
  await trained.admin.request('POST', '/api/admin/training/text', { title: 'Returns', text: 'Returns are free within 30 days.' });
  await trained.admin.request('POST', '/api/admin/training/start');
  await trained.app.training.runner.idle();
  const kept = await trained.admin.request('POST', '/api/admin/settings/import', file);
  assert.equal(kept.statusCode, 200, kept.body);
  assert.deepEqual(kept.json().changes, []);
  assert.deepEqual(kept.json().notes, [
    'The embedding model stays openai/text-embedding-3-small: switching to openai/text-embedding-3-large means rebuilding the search index. Do that on Data Training → Database Management.',
  ]);
  assert.equal((await trained.admin.request('GET', '/api/admin/settings/api')).json().embeddingModel, 'openai/text-embedding-3-small');

  const badId = structuredClone(file);
  badId.settings.api.embeddingModel = 'text embedding';
  assert.deepEqual((await trained.admin.request('POST', '/api/admin/settings/import', badId)).json().fields, {
    'api.embeddingModel': 'Model ids have no spaces, like openai/text-embedding-3-small or bge-m3.',
  });
});

test('export and import need the admin session, and import the CSRF token', async (t) => {
  const { app, admin } = await adminApp(t);
  assert.equal((await app.inject({ method: 'GET', url: '/api/admin/settings/export' })).statusCode, 401);
  assert.equal((await app.inject({ method: 'POST', url: '/api/admin/settings/import', payload: {} })).statusCode, 401);
  const noCsrf = await app.inject({
    method: 'POST',
    url: '/api/admin/settings/import',
    headers: { cookie: admin.cookie },
    payload: (await exported(admin)).json(),
  });
  assert.equal(noCsrf.statusCode, 403);
});

/** Every section saved through writeSection or updateSection, by name, from the server's sources (not the stores below them). */
function writtenSections(): Set<string> {
  const root = path.resolve(import.meta.dirname, '..');
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? (name === 'stores' ? [] : files(full)) : full.endsWith('.ts') && !full.endsWith('.test.ts') ? [full] : [];
    });
  const names = new Set<string>();
  for (const file of files(root)) {
    const source = readFileSync(file, 'utf8');
    for (const [, arg] of source.matchAll(/(?:writeSection|updateSection)\(\s*\w+\s*,\s*([\w']+)\s*,/g)) {
      const literal = /^'([\w-]+)'$/.exec(arg.trim());
      const constant = literal ? null : new RegExp(`const ${arg.trim()} = '([\\w-]+)'`).exec(source);
      const name = literal?.[1] ?? constant?.[1];
      assert.ok(name, `${path.relative(root, file)}: cannot tell which section writeSection/updateSection(…, ${arg.trim()}, …) writes`);
      names.add(name);
    }
  }
  return names;
}

test('every settings section is exported (or listed as left out, with the reason)', () => {
  const written = writtenSections();
  assert.ok(written.size >= 4, [...written].join(', '));
  for (const name of written) {
    assert.ok(
      name in SECTIONS || name in NOT_EXPORTED,
      `The settings section "${name}" is missing from settings export and import: add it to SECTIONS (or NOT_EXPORTED, with the reason) in server/backup/settings-transfer.ts.`,
    );
  }
});
