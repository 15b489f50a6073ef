import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createTestApp, setupAdmin, type AdminClient, type TestApp } from '../../e2e/support/harness.js';
import { FAKE_KEY, type FakeOpenRouter, startFakeOpenRouter } from '../../e2e/fakes/openrouter.js';
import { startStaticSite, SITE_FIXTURE_DIR } from '../../e2e/fakes/static-site.js';
import { startFakeWordPress } from '../../e2e/fakes/wordpress.js';
import { multipart } from '../../e2e/support/multipart.js';
import { testDb } from '../../e2e/support/test-db.js';

const DOCS = path.resolve(SITE_FIXTURE_DIR, '../docs');

async function trainedApp(t: { after(fn: () => unknown): void }): Promise<TestApp & { admin: AdminClient }> {
  const testApp = await createTestApp();
  t.after(testApp.close);
  const admin = await setupAdmin(testApp.app);
  await admin.request('PUT', '/api/admin/settings/api', {
    provider: 'openrouter',
    apiKey: FAKE_KEY,
    model: 'openai/gpt-5.4-mini',
    fallbackModels: [],
    reasoningEnabled: false,
  });
  return { ...testApp, admin };
}

async function finished(testApp: TestApp, admin: AdminClient, jobId: number) {
  await testApp.app.training.runner.idle();
  const { job, log } = (await admin.request('GET', `/api/admin/training/jobs/${jobId}`)).json();
  return { job, log: log.map((l: { message: string }) => l.message) as string[] };
}

async function ask(admin: AdminClient, question: string, minMatch?: number) {
  const res = await admin.request('POST', '/api/admin/training/search', { question, ...(minMatch === undefined ? {} : { minMatch }) });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

test('files: real documents are extracted on upload (no API call); bad files get their own error, the rest go on', async (t) => {
  const { app, fake, admin } = await trainedApp(t);
  const files = [
    'transfig-manual.pdf',
    'coco-user-manual.docx',
    'pip-authentication.md',
    'requests-faq.html',
    'scanned-manual.pdf',
    'encrypted-manual.pdf',
    'broken-manual.pdf',
  ].map((name) => ({ name, data: readFileSync(path.join(DOCS, name)) }));
  files.push({ name: 'virus.exe', data: Buffer.from('MZ not a document') });
  const { payload, contentType } = multipart(files);
  const res = await app.inject({
    method: 'POST',
    url: '/api/admin/training/files',
    payload,
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'content-type': contentType },
  });
  assert.equal(res.statusCode, 200, res.body);
  const results = res.json().results as Array<{ fileName: string; ok: boolean; chunks?: number; error?: string }>;
  const byName = Object.fromEntries(results.map((r) => [r.fileName, r]));
  for (const good of ['transfig-manual.pdf', 'coco-user-manual.docx', 'pip-authentication.md', 'requests-faq.html']) {
    assert.equal(byName[good].ok, true, `${good}: ${byName[good].error}`);
    assert.ok(byName[good].chunks! > 0);
  }
  for (const bad of ['scanned-manual.pdf', 'encrypted-manual.pdf', 'broken-manual.pdf', 'virus.exe']) {
    assert.equal(byName[bad].ok, false);
    assert.match(byName[bad].error!, new RegExp(`^${bad.replace('.', '\\.')}: `));
  }
  assert.equal(fake.requestsTo('/embeddings').length, 0, 'upload is free: nothing embedded yet');
  const docs = (await admin.request('GET', '/api/admin/training/documents')).json();
  assert.equal(docs.total, 4);
  assert.deepEqual(docs.documents.map((d: { fileName: string }) => d.fileName).sort(), [
    'coco-user-manual.docx',
    'pip-authentication.md',
    'requests-faq.html',
    'transfig-manual.pdf',
  ]);
  const found = (await admin.request('GET', '/api/admin/training/documents?q=coco-user')).json();
  assert.deepEqual(
    found.documents.map((d: { fileName: string }) => d.fileName),
    ['coco-user-manual.docx'],
    'files are found by their name too',
  );
  const estimate = (await admin.request('GET', '/api/admin/training/estimate')).json();
  assert.equal(estimate.model, 'openai/text-embedding-3-small');
  assert.ok(estimate.chunks > 0 && estimate.tokens > 0);
  assert.equal(estimate.costUsd, Math.round(estimate.newTokens * 0.02) / 1e6);
});

test('web: sitemap → documents; training embeds in batches; retrieval puts the right page first', async (t) => {
  const { app, fake, admin } = await trainedApp(t);
  const site = await startStaticSite();
  t.after(site.close);
  const created = await admin.request('POST', '/api/admin/training/sources', {
    kind: 'web',
    config: { mode: 'sitemap', sitemapUrl: `${site.url}/sitemap.xml` },
  });
  assert.equal(created.statusCode, 201, created.body);
  const sync = await finished({ app } as TestApp, admin, created.json().jobId);
  assert.equal(sync.job.status, 'done', sync.log.join('\n'));
  assert.equal(fake.requestsTo('/embeddings').length, 0, 'adding a source reads it but does not pay for it');
  const docs = (await admin.request('GET', '/api/admin/training/documents')).json();
  assert.equal(docs.total, 7);
  assert.ok(!site.hits.some((h) => h.startsWith('/internal/')), 'robots.txt disallowed page never fetched');

  const before = (await admin.request('GET', '/api/admin/training/estimate')).json();
  const start = await admin.request('POST', '/api/admin/training/start');
  assert.equal(start.statusCode, 202);
  const train = await finished({ app } as TestApp, admin, start.json().job.id);
  assert.equal(train.job.status, 'done', train.log.join('\n'));
  assert.equal(train.job.progress.chunksDone, before.chunks);
  assert.deepEqual([train.job.progress.documentsDone, train.job.progress.documentsTotal], [7, 7], 'the 7 pages are the items trained');
  assert.equal(train.job.progress.tokens > 0, true);
  const calls = fake.requestsTo('/embeddings');
  assert.ok(calls.length >= 1 && calls.length <= Math.ceil(before.chunks / 96) + 1, 'batched: many inputs per call');
  for (const call of calls) {
    assert.equal(call.body.encoding_format, 'float');
    assert.equal(call.body.model, 'openai/text-embedding-3-small');
  }

  const expectations: Array<[string, string]> = [
    ['How long does standard shipping take?', 'shipping.html'],
    ['Do you ship internationally?', 'shipping.html'],
    ['How do I return a widget and how long do refunds take?', 'returns.html'],
    ['I forgot my password and the reset email never came', 'password-reset.html'],
    ['My account is locked after failed attempts', 'password-reset.html'],
    ['How much does the Pro plan cost? Is there a free trial?', 'pricing.html'],
    ['How can I call your customer support team?', 'contact.html'],
    ['Who founded the company?', 'about.html'],
  ];
  for (const [question, page] of expectations) {
    const result = await ask(admin, question, 0);
    assert.ok(result.chunks.length > 0, question);
    assert.ok(result.chunks[0].url.endsWith(page), `${question} → ${result.chunks[0].url}, expected ${page}`);
    assert.ok(result.chunks[0].title.length > 0);
  }
  const strict = await ask(admin, 'What is the airspeed velocity of an unladen swallow?', 40);
  assert.deepEqual(strict.chunks, [], 'nothing passes a high minimum match for an off-topic question');
  assert.equal(strict.empty, true);

  // Re-sync with nothing changed: zero embedding calls.
  const callsBefore = fake.requestsTo('/embeddings').length;
  const resync = await admin.request('POST', `/api/admin/training/sources/${created.json().source.id}/sync`);
  const again = await finished({ app } as TestApp, admin, resync.json().job.id);
  assert.equal(again.job.status, 'done');
  assert.ok(
    again.log.some((l) => /0 added, 0 updated, 7 unchanged, 0 removed/.test(l)),
    again.log.join('\n'),
  );
  assert.equal(fake.requestsTo('/embeddings').length, callsBefore, 'unchanged content costs nothing');

  // Change one page: exactly the chunks whose text changed are embedded.
  const original = readFileSync(path.join(SITE_FIXTURE_DIR, 'pricing.html'), 'utf8');
  site.setPage('/pricing.html', original.replace('$29 per month', '$35 per month'));
  const changed = await finished(
    { app } as TestApp,
    admin,
    (await admin.request('POST', `/api/admin/training/sources/${created.json().source.id}/sync`)).json().job.id,
  );
  assert.ok(
    changed.log.some((l) => /0 added, 1 updated, 6 unchanged, 0 removed/.test(l)),
    changed.log.join('\n'),
  );
  const newCalls = fake.requestsTo('/embeddings').slice(callsBefore);
  assert.equal(newCalls.length, 1, 'one call for the changed page');
  const inputs = newCalls[0].body.input as string[];
  assert.ok(inputs.length >= 1 && inputs.every((text) => text.includes('$35 per month') || !text.includes('$29')), 'only changed chunks');
  assert.ok(inputs.some((text) => text.includes('$35 per month')));
  const repriced = await ask(admin, 'How much does the Pro plan cost?', 0);
  assert.ok(repriced.chunks.some((c: { content: string }) => c.content.includes('$35 per month')));
  assert.ok(!repriced.chunks.some((c: { content: string }) => c.content.includes('$29 per month')), 'stale text is gone');

  // A removed page disappears on the next sync.
  site.removePage('/about.html');
  const removed = await finished(
    { app } as TestApp,
    admin,
    (await admin.request('POST', `/api/admin/training/sources/${created.json().source.id}/sync`)).json().job.id,
  );
  assert.ok(removed.log.some((l) => /1 removed/.test(l)) || removed.log.some((l) => /about\.html/.test(l)), removed.log.join('\n'));
});

test('one token count on every screen: documents, sources, the knowledge base, the estimate and the training job agree', async (t) => {
  const { app, fake, admin } = await trainedApp(t);
  const handbook = Array.from({ length: 12 }, (_, i) => `## Part ${i}\n\nParagraph ${i} on delivery times, returns and warranty claims. `.repeat(4)).join(
    '\n\n',
  );
  const added = [];
  // The same entry twice: its text is embedded (and paid for) once, but both copies are content.
  for (const body of [
    { title: 'Handbook', text: handbook },
    { title: 'Warranty', text: 'Two years on every widget.' },
    { title: 'Warranty', text: 'Two years on every widget.' },
    { question: 'Do you ship abroad?', answer: 'Yes, to 30 countries.' },
  ]) {
    const res = await admin.request('POST', '/api/admin/training/text', body);
    assert.equal(res.statusCode, 201, res.body);
    added.push(res.json() as { documentId: number; chunks: number; tokens: number });
  }
  const contentTokens = added.reduce((sum, r) => sum + r.tokens, 0);
  const documents = (await admin.request('GET', '/api/admin/training/documents')).json().documents as Array<{ id: number; chunks: number; tokens: number }>;
  assert.deepEqual(
    documents.map((d) => [d.id, d.chunks, d.tokens]).sort((a, b) => a[0] - b[0]),
    added.map((r) => [r.documentId, r.chunks, r.tokens]),
  );
  const detail = (await admin.request('GET', `/api/admin/training/documents/${added[0].documentId}`)).json().document;
  assert.equal(detail.tokens, added[0].tokens);
  const estimate = (await admin.request('GET', '/api/admin/training/estimate')).json();
  assert.deepEqual([estimate.tokens, estimate.newTokens], [contentTokens, contentTokens - added[2].tokens], 'the repeated text is embedded once');

  const start = await admin.request('POST', '/api/admin/training/start');
  const train = await finished({ app } as TestApp, admin, start.json().job.id);
  assert.equal(train.job.status, 'done', train.log.join('\n'));
  assert.ok(fake.requestsTo('/embeddings').length > 0);
  const stats = (await admin.request('GET', '/api/admin/training/stats')).json();
  const textSource = stats.sources.find((s: { kind: string }) => s.kind === 'text');
  assert.deepEqual([stats.tokens, textSource.tokens, train.job.progress.tokens], [contentTokens, contentTokens, contentTokens]);
  assert.ok(train.job.progress.cost > 0, 'the cost is still what the provider bills');
});

test('chunking settings and search settings are saved from their own screens without resetting each other', async (t) => {
  const { admin } = await trainedApp(t);
  const chatbot = (await admin.request('GET', '/api/admin/chatbot/settings')).json();
  const saved = await admin.request('PUT', '/api/admin/chatbot/settings', { chatbot: chatbot.chatbot, retrieval: { topK: 9, minMatch: 42 } });
  assert.equal(saved.statusCode, 200, saved.body);
  const chunking = await admin.request('PUT', '/api/admin/training/settings', { chunkTokens: 500, chunkOverlap: 80 });
  assert.equal(chunking.statusCode, 200, chunking.body);
  assert.deepEqual(chunking.json(), { chunkTokens: 500, chunkOverlap: 80, topK: 9, minMatch: 42 });
  const tooMuchOverlap = await admin.request('PUT', '/api/admin/training/settings', { chunkOverlap: 300 });
  assert.deepEqual(
    [tooMuchOverlap.statusCode, tooMuchOverlap.json().fields],
    [400, { chunkOverlap: 'Overlap must be less than half the chunk size.' }],
    'checked against the saved chunk size',
  );
  assert.deepEqual((await admin.request('GET', '/api/admin/training/settings')).json(), { chunkTokens: 500, chunkOverlap: 80, topK: 9, minMatch: 42 });
});

test('webhook: a CMS update re-trains just that page; bad tokens are refused', async (t) => {
  const { app, fake, admin } = await trainedApp(t);
  const site = await startStaticSite();
  t.after(site.close);
  const urls = ['shipping.html', 'returns.html', 'pricing.html'].map((p) => `${site.url}/${p}`);
  const created = (await admin.request('POST', '/api/admin/training/sources', { kind: 'web', config: { mode: 'urls', urls } })).json();
  await finished({ app } as TestApp, admin, created.jobId);
  await finished({ app } as TestApp, admin, (await admin.request('POST', '/api/admin/training/start')).json().job.id);
  const { url, token } = (await admin.request('GET', '/api/admin/training/webhook')).json();
  assert.equal(url, 'https://docent.example.test/api/webhooks/content');

  const denied = await app.inject({ method: 'POST', url: '/api/webhooks/content', headers: { authorization: 'Bearer wrong' }, payload: { url: urls[0] } });
  assert.equal(denied.statusCode, 401);
  assert.equal(denied.json().message, 'Invalid webhook token. Copy it from Data Training → Database Management.');

  const hitsBefore = site.hits.length;
  const callsBefore = fake.requestsTo('/embeddings').length;
  site.setPage('/returns.html', readFileSync(path.join(SITE_FIXTURE_DIR, 'returns.html'), 'utf8').replace('within 30 days', 'within 60 days'));
  const hook = await app.inject({
    method: 'POST',
    url: '/api/webhooks/content',
    headers: { authorization: `Bearer ${token}` },
    payload: { url: urls[1], action: 'updated' },
  });
  assert.equal(hook.statusCode, 202, hook.body);
  const job = await finished({ app } as TestApp, admin, hook.json().jobId);
  assert.equal(job.job.status, 'done', job.log.join('\n'));
  assert.deepEqual(
    site.hits.slice(hitsBefore).filter((h) => h.endsWith('.html')),
    ['/returns.html'],
    'only that page was fetched',
  );
  assert.equal(fake.requestsTo('/embeddings').length, callsBefore + 1);
  const answer = await ask(admin, 'How many days do I have to return a widget?', 0);
  assert.ok(answer.chunks[0].content.includes('60 days'));

  const deleted = await app.inject({
    method: 'POST',
    url: '/api/webhooks/content',
    headers: { authorization: `Bearer ${token}` },
    payload: { url: urls[2], action: 'deleted' },
  });
  await finished({ app } as TestApp, admin, deleted.json().jobId);
  const docs = (await admin.request('GET', '/api/admin/training/documents')).json();
  assert.equal(docs.total, 2);
  const unknown = await app.inject({
    method: 'POST',
    url: '/api/webhooks/content',
    headers: { authorization: `Bearer ${token}` },
    payload: { url: 'https://elsewhere.example/x' },
  });
  assert.equal(unknown.statusCode, 404);
});

test('embedding model change: the old index answers during the rebuild, then swaps atomically', async (t) => {
  const { app, fake, admin } = await trainedApp(t);
  for (let i = 0; i < 40; i++) {
    await admin.request('POST', '/api/admin/training/text', {
      question: `How do I configure widget option number ${i}?`,
      answer: `Option ${i} is set in the dashboard under Settings, panel ${i}.`,
    });
  }
  await admin.request('POST', '/api/admin/training/text', {
    title: 'Warranty',
    text: 'Every Acme widget has a two-year warranty covering manufacturing faults.',
  });
  await finished({ app } as TestApp, admin, (await admin.request('POST', '/api/admin/training/start')).json().job.id);
  const estimate = (await admin.request('POST', '/api/admin/training/embedding-model/estimate', { model: 'openai/text-embedding-3-large' })).json();
  assert.equal(estimate.model, 'openai/text-embedding-3-large');
  assert.equal(estimate.chunks, 41);
  assert.equal(estimate.costUsd, Math.round(estimate.newTokens * 0.13) / 1e6);

  fake.setOptions({ latencyMs: 150 });
  const change = await admin.request('PUT', '/api/admin/training/embedding-model', { model: 'openai/text-embedding-3-large' });
  assert.equal(change.statusCode, 202);
  // Search continuously while the new index is built: never an error, never empty.
  let searches = 0;
  const runner = app.training.runner;
  let done = false;
  const idle = runner.idle().then(() => {
    done = true;
  });
  while (!done) {
    const result = await ask(admin, 'How long is the warranty?', 0);
    assert.ok(result.chunks.length > 0, 'search during rebuild returned nothing');
    assert.ok(result.chunks[0].title === 'Warranty');
    searches++;
  }
  await idle;
  assert.ok(searches >= 2, `searched ${searches} times during the rebuild`);
  const stats = (await admin.request('GET', '/api/admin/training/stats')).json();
  assert.deepEqual(stats.index, {
    model: 'openai/text-embedding-3-large',
    dimensions: 3072,
    vectors: 41,
    provider: 'openrouter',
    baseUrl: null,
    matchesSettings: true,
  });
  assert.equal(stats.building, null);
  assert.equal((await admin.request('GET', '/api/admin/settings/api')).json().embeddingModel, 'openai/text-embedding-3-large');
  const after = await ask(admin, 'How long is the warranty?', 0);
  assert.equal(after.model, 'openai/text-embedding-3-large');
  assert.equal(after.chunks[0].title, 'Warranty');
});

/** Trains a Warranty entry through OpenRouter, then saves the API settings for `local`, an OpenAI-compatible endpoint. */
async function trainWarrantyThenUseLocalEndpoint(app: TestApp['app'], admin: AdminClient, local: FakeOpenRouter, apiKey: string) {
  await admin.request('POST', '/api/admin/training/text', {
    title: 'Warranty',
    text: 'Every Acme widget has a two-year warranty covering manufacturing faults.',
  });
  await finished({ app } as TestApp, admin, (await admin.request('POST', '/api/admin/training/start')).json().job.id);
  const saved = await admin.request('PUT', '/api/admin/settings/api', {
    provider: 'openai-compatible',
    baseUrl: local.baseURL,
    apiKey,
    model: 'openai/gpt-5.4-mini',
    fallbackModels: [],
    reasoningEnabled: false,
  });
  assert.equal(saved.statusCode, 200, saved.body);
  return saved;
}

test('provider change: the old index keeps answering through the old provider and key until the rebuild for the new one swaps in', async (t) => {
  const { app, fake, admin, dataDir } = await trainedApp(t);
  const LOCAL_KEY = 'local-endpoint-key-7f3a9c';
  const local = await startFakeOpenRouter({ validKeys: [LOCAL_KEY] });
  t.after(local.close);
  for (let i = 0; i < 30; i++) {
    await admin.request('POST', '/api/admin/training/text', {
      question: `How do I configure widget option number ${i}?`,
      answer: `Option ${i} is set in the dashboard under Settings, panel ${i}.`,
    });
  }
  const embedCalls = (f: typeof fake) => f.requestsTo('/embeddings');
  const bearer = (f: typeof fake) => embedCalls(f).at(-1)!.headers.authorization;
  const saved = await trainWarrantyThenUseLocalEndpoint(app, admin, local, LOCAL_KEY);
  const oldIndex = { provider: 'openrouter', baseUrl: null, model: 'openai/text-embedding-3-small', matchesSettings: false };
  assert.deepEqual(saved.json().searchIndex, oldIndex);
  assert.deepEqual((await admin.request('GET', '/api/admin/settings/api')).json().searchIndex, oldIndex);
  const before = (await admin.request('GET', '/api/admin/training/stats')).json();
  assert.deepEqual(before.index, { ...oldIndex, dimensions: 1536, vectors: 31 });
  const step = (await admin.request('GET', '/api/admin/dashboard')).json().checklist.find((s: { id: string }) => s.id === 'training');
  assert.equal(step.detail, 'Search still uses the index built with OpenRouter. Rebuild it for your new provider in Database Management.');

  // Questions are still embedded by OpenRouter, with the key saved then; the new endpoint sees none of it.
  const openRouterCalls = embedCalls(fake).length;
  const answered = await ask(admin, 'How long is the warranty?', 0);
  assert.equal(answered.chunks[0].title, 'Warranty');
  assert.equal(embedCalls(fake).length, openRouterCalls + 1);
  assert.equal(bearer(fake), `Bearer ${FAKE_KEY}`);
  assert.equal(embedCalls(local).length, 0);
  // That kept key is sealed like the saved one: its bytes are in no file.
  for (const file of readdirSync(dataDir)) assert.ok(!readFileSync(path.join(dataDir, file)).includes(FAKE_KEY), `${file} holds the old key in clear`);
  // On PostgreSQL the rows are not in DATA_DIR: the kept key's row is read instead.
  const kept = await testDb(app).all<{ sealed: string }>("SELECT sealed FROM secrets WHERE name LIKE 'vector_index_key_%'");
  assert.equal(kept.length, 1, 'the old key is kept for the old index');
  assert.ok(!kept[0].sealed.includes(FAKE_KEY), 'the kept key is sealed');

  // New content joins the index that answers, through the same old connection.
  await admin.request('POST', '/api/admin/training/text', { title: 'Returns', text: 'Unused widgets can be returned within 30 days for a full refund.' });
  const trained = await finished({ app } as TestApp, admin, (await admin.request('POST', '/api/admin/training/start')).json().job.id);
  assert.equal(trained.job.status, 'done', trained.log.join('\n'));
  assert.equal(embedCalls(fake).length, openRouterCalls + 2);
  assert.equal(embedCalls(local).length, 0);

  // The same model id through the new endpoint is a new index: nothing comes from OpenRouter's cache.
  const estimate = (await admin.request('POST', '/api/admin/training/embedding-model/estimate', { model: 'openai/text-embedding-3-small' })).json();
  assert.deepEqual([estimate.chunks, estimate.newChunks], [32, 32]);
  local.setOptions({ latencyMs: 150 });
  const change = await admin.request('PUT', '/api/admin/training/embedding-model', { model: 'openai/text-embedding-3-small' });
  assert.equal(change.statusCode, 202, change.body);
  let searches = 0;
  let done = false;
  const idle = app.training.runner.idle().then(() => {
    done = true;
  });
  while (!done) {
    const result = await ask(admin, `How long is the warranty${'?'.repeat(searches + 1)}`, 0); // a new text each time: embedded, not cached
    assert.equal(result.chunks[0]?.title, 'Warranty', 'search during the rebuild went empty or wrong');
    searches++;
  }
  await idle;
  assert.ok(searches >= 2, `searched ${searches} times during the rebuild`);
  // A search sent between the swap and the runner going idle already embeds its question through the new endpoint
  // (more likely on PostgreSQL, where the runner's last claim takes a few round trips): only the index's texts count.
  const texts = embedCalls(local)
    .flatMap((r) => r.body.input as string[])
    .filter((t) => !t.startsWith('How long is the warranty'));
  // Each of the 32 chunks once, and each of the 30 Q&A questions (what word-for-word Q&A answers compare with).
  assert.equal(texts.length, 32 + 30, 'every chunk and Q&A question embedded once by the new endpoint');
  assert.equal(new Set(texts).size, texts.length);
  assert.equal(texts.filter((t) => /^How do I configure widget option number \d+\?$/.test(t)).length, 30);
  assert.equal(bearer(local), `Bearer ${LOCAL_KEY}`);

  const after = (await admin.request('GET', '/api/admin/training/stats')).json();
  assert.deepEqual(after.index, {
    provider: 'openai-compatible',
    baseUrl: local.baseURL,
    model: 'openai/text-embedding-3-small',
    matchesSettings: true,
    dimensions: 1536,
    vectors: 32,
  });
  assert.equal((await admin.request('GET', '/api/admin/settings/api')).json().searchIndex.matchesSettings, true);
  const openRouterAfterSwap = embedCalls(fake).length;
  assert.equal((await ask(admin, 'Is there a warranty on widgets?', 0)).chunks[0].title, 'Warranty');
  assert.equal(embedCalls(fake).length, openRouterAfterSwap, 'after the swap OpenRouter is not called');
  assert.equal(await testDb(app).value("SELECT count(*) FROM secrets WHERE name LIKE 'vector_index_key_%'"), 0, 'the old key went with the old index');
  const again = await admin.request('PUT', '/api/admin/training/embedding-model', { model: 'openai/text-embedding-3-small' });
  assert.equal(again.statusCode, 400);
  assert.equal(again.json().message, 'openai/text-embedding-3-small is already the embedding model.');
});

test('a search that reads the old index just before the swap still answers: it runs again on the index swapped in', async (t) => {
  const { app, fake, admin } = await trainedApp(t);
  const LOCAL_KEY = 'local-endpoint-key-5e1b2d';
  const local = await startFakeOpenRouter({ validKeys: [LOCAL_KEY] });
  t.after(local.close);
  await trainWarrantyThenUseLocalEndpoint(app, admin, local, LOCAL_KEY);

  // The search reads the old index and its kept key, then waits on OpenRouter while the rebuild swaps the new
  // index in and drops the old one (its vectors and key with it), as another node's rebuild can at any moment.
  fake.setOptions({ latencyMs: 1500 });
  const openRouterCalls = fake.requestsTo('/embeddings').length;
  const search = admin.request('POST', '/api/admin/training/search', { question: 'How long is the warranty?', minMatch: 0 });
  while (fake.requestsTo('/embeddings').length === openRouterCalls) await new Promise((resolve) => setTimeout(resolve, 10));
  const change = await admin.request('PUT', '/api/admin/training/embedding-model', { model: 'openai/text-embedding-3-small' });
  assert.equal(change.statusCode, 202, change.body);
  const rebuilt = await finished({ app } as TestApp, admin, change.json().job.id);
  assert.equal(rebuilt.job.status, 'done', rebuilt.log.join('\n'));
  assert.equal((await app.stores.vectors.activeIndex())?.endpoint, local.baseURL, 'the new index was swapped in during the search');

  const res = await search;
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().chunks[0]?.title, 'Warranty', 'the search went empty with the old index');
  assert.equal(local.requestsTo('/embeddings').at(-1)!.body.input[0], 'How long is the warranty?', 'asked again through the new index');
});

test('a rebuild that fails keeps the old index answering and can be resumed or cancelled', async (t) => {
  const { app, fake, admin } = await trainedApp(t);
  for (let i = 0; i < 150; i++) {
    await admin.request('POST', '/api/admin/training/text', { title: `Note ${i}`, text: `Internal note number ${i} about widget colour ${i % 7}.` });
  }
  await admin.request('POST', '/api/admin/training/text', {
    title: 'Warranty',
    text: 'Every Acme widget has a two-year warranty covering manufacturing faults.',
  });
  await finished({ app } as TestApp, admin, (await admin.request('POST', '/api/admin/training/start')).json().job.id);

  // The key is refused mid-rebuild: the job fails with a clear message, and the new index stays unfinished.
  fake.fail({ route: 'embeddings', kind: 'invalid-key', times: 1 });
  const change = await admin.request('PUT', '/api/admin/training/embedding-model', { model: 'openai/text-embedding-3-large' });
  const failed = await finished({ app } as TestApp, admin, change.json().job.id);
  assert.equal(failed.job.status, 'failed');
  assert.equal(failed.job.error, 'OpenRouter rejected this key: User not found.');
  let stats = (await admin.request('GET', '/api/admin/training/stats')).json();
  assert.equal(stats.index.model, 'openai/text-embedding-3-small');
  assert.equal(stats.building.model, 'openai/text-embedding-3-large');
  assert.equal((await ask(admin, 'How long is the warranty?', 0)).chunks[0].title, 'Warranty', 'the old index still answers');

  const resumed = await admin.request('POST', '/api/admin/training/embedding-model/resume');
  assert.equal(resumed.statusCode, 202, resumed.body);
  const done = await finished({ app } as TestApp, admin, resumed.json().job.id);
  assert.equal(done.job.status, 'done', done.log.join('\n'));
  stats = (await admin.request('GET', '/api/admin/training/stats')).json();
  assert.deepEqual([stats.index.model, stats.index.vectors, stats.building], ['openai/text-embedding-3-large', 151, null]);
  const again = await admin.request('POST', '/api/admin/training/embedding-model/resume');
  assert.deepEqual([again.statusCode, again.json().message], [409, 'There is no unfinished rebuild to resume.']);

  fake.fail({ route: 'embeddings', kind: 'payment-required', times: 1 });
  const second = await admin.request('PUT', '/api/admin/training/embedding-model', { model: 'mistralai/mistral-embed-2312' });
  assert.equal((await finished({ app } as TestApp, admin, second.json().job.id)).job.status, 'failed');
  const cancelled = await admin.request('DELETE', '/api/admin/training/embedding-model/rebuild');
  assert.deepEqual(cancelled.json(), { cancelled: true });
  stats = (await admin.request('GET', '/api/admin/training/stats')).json();
  assert.deepEqual([stats.index.model, stats.building], ['openai/text-embedding-3-large', null]);
  assert.equal((await admin.request('DELETE', '/api/admin/training/embedding-model/rebuild')).statusCode, 404);
});

test('training stops with a clear message on 401 and 402, and retries 429', async (t) => {
  const { app, fake, admin } = await trainedApp(t);
  await admin.request('POST', '/api/admin/training/text', { title: 'Hours', text: 'We are open Monday to Friday, 9 to 5.' });
  fake.fail({ route: 'embeddings', kind: 'payment-required', times: 1 });
  const paid = await finished({ app } as TestApp, admin, (await admin.request('POST', '/api/admin/training/start')).json().job.id);
  assert.equal(paid.job.status, 'failed');
  assert.match(paid.job.error, /^OpenRouter refused the request for lack of credits/);
  fake.fail({ route: 'embeddings', kind: 'invalid-key', times: 1 });
  const bad = await finished({ app } as TestApp, admin, (await admin.request('POST', '/api/admin/training/start')).json().job.id);
  assert.equal(bad.job.error, 'OpenRouter rejected this key: User not found.');
  fake.fail({ route: 'embeddings', kind: 'rate-limited', times: 1 });
  const retried = await finished({ app } as TestApp, admin, (await admin.request('POST', '/api/admin/training/start')).json().job.id);
  assert.equal(retried.job.status, 'done', retried.log.join('\n'));
  assert.ok(
    retried.log.some((l) => /rate limiting.*Retrying in 1 s/.test(l)),
    'honoured Retry-After: 1',
  );
});

test('WordPress: posts, pages and custom types through the REST API, paginated', async (t) => {
  const { app, admin } = await trainedApp(t);
  const wp = await startFakeWordPress({ posts: 120 });
  t.after(wp.close);
  const created = await admin.request('POST', '/api/admin/training/sources', { kind: 'wordpress', config: { siteUrl: wp.url } });
  assert.equal(created.statusCode, 201, created.body);
  const job = await finished({ app } as TestApp, admin, created.json().jobId);
  assert.equal(job.job.status, 'done', job.log.join('\n'));
  const docs = (await admin.request('GET', `/api/admin/training/documents?sourceId=${created.json().source.id}&limit=200`)).json();
  assert.ok(docs.total >= 120, `read ${docs.total} items`);
  assert.ok(
    wp.requests.some((r) => /page=2/.test(r)),
    'paginated',
  );
  // A site that is not WordPress is refused before a source exists (source-check.test.ts has the messages).
  const noWp = await admin.request('POST', '/api/admin/training/sources', { kind: 'wordpress', config: { siteUrl: 'http://127.0.0.1:9' } });
  assert.equal(noWp.statusCode, 422, noWp.body);
});

test('bad input is refused clearly and nothing stored is lost', async (t) => {
  const { admin } = await trainedApp(t);
  const badModel = await admin.request('PUT', '/api/admin/training/embedding-model', { model: 'bge m3' });
  assert.deepEqual(
    [badModel.statusCode, badModel.json().fields?.model ?? badModel.json().message],
    [400, 'Model ids have no spaces, like openai/text-embedding-3-small or bge-m3.'],
  );
  await admin.request('POST', '/api/admin/training/text', { title: 'Keep me', text: 'This entry must survive bad requests.' });
  const badSource = await admin.request('POST', '/api/admin/training/sources', { kind: 'web', config: { mode: 'sitemap', sitemapUrl: 'not a url' } });
  assert.equal(badSource.statusCode, 400);
  assert.deepEqual(badSource.json().fields, { 'config.sitemapUrl': 'Enter the full sitemap URL, e.g. https://example.com/sitemap.xml.' });
  const badText = await admin.request('POST', '/api/admin/training/text', { title: '', text: '' });
  assert.equal(badText.statusCode, 400);
  const noFiles = await admin.request('POST', '/api/admin/training/files', {});
  assert.equal(noFiles.statusCode, 415);
  assert.equal(noFiles.json().message, 'Upload files as multipart/form-data.');
  const badSettings = await admin.request('PUT', '/api/admin/training/settings', { chunkTokens: 50, chunkOverlap: 10, topK: 6, minMatch: 30 });
  assert.deepEqual(badSettings.json().fields, { chunkTokens: 'Use at least 100 tokens per chunk.' });
  const goodSettings = await admin.request('PUT', '/api/admin/training/settings', { chunkTokens: 500, chunkOverlap: 80, topK: 8, minMatch: 25 });
  assert.deepEqual(goodSettings.json(), { chunkTokens: 500, chunkOverlap: 80, topK: 8, minMatch: 25 });
  assert.equal((await admin.request('GET', '/api/admin/training/documents')).json().total, 1);
});

test("Test retrieval without an API key says so (400), instead of passing the provider's 401 on as a 502", async (t) => {
  const testApp = await trainedApp(t);
  const { admin, fake } = testApp;
  await admin.request('POST', '/api/admin/training/text', { title: 'Returns', text: 'Returns are free within 30 days.' });
  await admin.request('POST', '/api/admin/training/start');
  await testApp.app.training.runner.idle();
  assert.equal((await admin.request('DELETE', '/api/admin/settings/api/key')).statusCode, 200);
  const calls = fake.requestsTo('/embeddings').length;
  const res = await admin.request('POST', '/api/admin/training/search', { question: 'returns' });
  assert.equal(res.statusCode, 400);
  assert.equal(
    res.json().message,
    'Add your OpenRouter API key in Settings → API Configuration: the question is turned into a vector by OpenRouter before it can be searched.',
  );
  assert.equal(fake.requestsTo('/embeddings').length, calls, 'nothing sent without a key');
});

test('delete a document or a source, purge everything: chunks and vectors go with them', async (t) => {
  const { app, admin } = await trainedApp(t);
  const a = (await admin.request('POST', '/api/admin/training/text', { title: 'Alpha', text: 'Alpha widgets are blue.' })).json();
  await admin.request('POST', '/api/admin/training/text', { title: 'Beta', text: 'Beta widgets are green.' });
  await finished({ app } as TestApp, admin, (await admin.request('POST', '/api/admin/training/start')).json().job.id);
  const vecCount = async () => app.stores.vectors.countVectors((await app.stores.vectors.activeIndex())!);
  assert.equal(await vecCount(), 2);
  assert.equal((await app.stores.knowledge.keywordSearch(['alpha'], 10)).length, 1, 'Alpha found by keyword before');
  assert.equal((await admin.request('DELETE', `/api/admin/training/documents/${a.documentId}`)).statusCode, 200);
  assert.equal(await vecCount(), 1);
  assert.deepEqual(await app.stores.knowledge.keywordSearch(['alpha'], 10), [], 'keyword index updated too');
  const purge = await admin.request('POST', '/api/admin/training/purge');
  assert.deepEqual(purge.json(), { removedDocuments: 1 });
  assert.equal(await vecCount(), 0);
  assert.equal((await admin.request('GET', '/api/admin/training/stats')).json().chunks, 0);
});

test('schedules: web and WordPress sources come due daily or weekly', async () => {
  const { dueSources } = await import('./sources.js');
  const { openDatabase } = await import('../stores/sqlite/database.js');
  const { migrate } = await import('../stores/sqlite/migrate.js');
  const { sqliteKnowledgeStore } = await import('../stores/sqlite/knowledge-store.js');
  const db = openDatabase(':memory:');
  migrate(db);
  const knowledge = sqliteKnowledgeStore(db);
  const daily = await knowledge.createSource('web', 'Daily', { mode: 'urls', urls: ['https://a.example/'] }, 'daily');
  const weekly = await knowledge.createSource('wordpress', 'Weekly', { siteUrl: 'https://b.example' }, 'weekly');
  await knowledge.createSource('web', 'Never', { mode: 'urls', urls: ['https://c.example/'] }, 'off');
  assert.deepEqual(
    (await dueSources(knowledge)).map((s) => s.name),
    ['Daily', 'Weekly'],
    'never synced: due now',
  );
  await knowledge.recordSync(daily.id, null);
  await knowledge.recordSync(weekly.id, null);
  assert.deepEqual(
    (await dueSources(knowledge)).map((s) => s.name),
    [],
  );
  assert.deepEqual(
    (await dueSources(knowledge, Date.now() + 2 * 86_400_000)).map((s) => s.name),
    ['Daily'],
  );
  assert.deepEqual(
    (await dueSources(knowledge, Date.now() + 8 * 86_400_000)).map((s) => s.name),
    ['Daily', 'Weekly'],
  );
});

test('web sources and the webhook accept only http(s) addresses without a user name or password, and say which rule on the field', async (t) => {
  const { app, admin } = await trainedApp(t);
  const refused: Array<[string, string]> = [
    ['file:///etc/passwd', 'Only http:// and https:// addresses can be read (this one starts with file:).'],
    ['gopher://example.com/1', 'Only http:// and https:// addresses can be read (this one starts with gopher:).'],
    ['data:text/html,<p>hi</p>', 'Only http:// and https:// addresses can be read (this one starts with data:).'],
    ['ftp://example.com/pub/', 'Only http:// and https:// addresses can be read (this one starts with ftp:).'],
    ['javascript:alert(1)', 'Only http:// and https:// addresses can be read (this one starts with javascript:).'],
    ['ws://example.com/socket', 'Only http:// and https:// addresses can be read (this one starts with ws:).'],
    ['http://user:pass@example.com/', 'Addresses with a user name or password in them are not supported: remove the "name:password@" part.'],
    ['https://token@example.com/', 'Addresses with a user name or password in them are not supported: remove the "name:password@" part.'],
  ];
  const { token } = (await admin.request('GET', '/api/admin/training/webhook')).json();
  for (const [address, rule] of refused) {
    const attempts: Array<[object, string, string]> = [
      [{ kind: 'web', config: { mode: 'urls', urls: ['https://example.com/ok', address] } }, 'config.urls', `Line 2 (${address}): ${rule}`],
      [{ kind: 'web', config: { mode: 'sitemap', sitemapUrl: address } }, 'config.sitemapUrl', rule],
      [{ kind: 'web', config: { mode: 'crawl', startUrl: address } }, 'config.startUrl', rule],
      [{ kind: 'wordpress', config: { siteUrl: address } }, 'config.siteUrl', rule],
    ];
    for (const [body, field, message] of attempts) {
      const res = await admin.request('POST', '/api/admin/training/sources', body);
      assert.equal(res.statusCode, 400, `${address} as ${field}: ${res.body}`);
      assert.deepEqual(res.json(), { statusCode: 400, error: 'Bad Request', message: 'Please correct the highlighted fields.', fields: { [field]: message } });
    }
    const hook = await app.inject({ method: 'POST', url: '/api/webhooks/content', headers: { authorization: `Bearer ${token}` }, payload: { url: address } });
    assert.equal(hook.statusCode, 400, `${address} to the webhook: ${hook.body}`);
    assert.deepEqual(hook.json().fields, { url: rule });
  }
  assert.deepEqual(
    (await admin.request('GET', '/api/admin/training/sources')).json().sources.map((s: { kind: string }) => s.kind),
    ['text', 'files'],
    'nothing was added',
  );
  assert.equal((await admin.request('GET', '/api/admin/training/jobs')).json().jobs.length, 0, 'and nothing was queued');
  // Spaces around a good address are forgiven, and it is stored trimmed.
  const site = await startStaticSite();
  t.after(site.close);
  const trimmed = await admin.request('POST', '/api/admin/training/sources', {
    kind: 'web',
    config: { mode: 'sitemap', sitemapUrl: `  ${site.url}/sitemap.xml ` },
  });
  assert.equal(trimmed.statusCode, 201, trimmed.body);
  assert.equal(trimmed.json().source.config.sitemapUrl, `${site.url}/sitemap.xml`);
});

test('a web job whose fetch fails says why, in the job error and log, never "failed unexpectedly"', async (t) => {
  const { app, admin } = await trainedApp(t);
  const dead = 'http://127.0.0.1:9'; // nothing listens on port 9
  const refusedConnection = 'could not connect to 127.0.0.1:9 (connection refused).';

  // Sources that could be read when added (the check before creating them) and no longer can.
  const createSource = app.stores.knowledge.createSource;
  const resync = async (id: number) =>
    finished({ app } as TestApp, admin, (await admin.request('POST', `/api/admin/training/sources/${id}/sync`)).json().job.id);
  const sitemap = await createSource('web', 'Sitemap', { mode: 'sitemap', sitemapUrl: `${dead}/sitemap.xml` }, 'off');
  const sitemapJob = await resync(sitemap.id);
  assert.equal(sitemapJob.job.status, 'failed');
  assert.equal(sitemapJob.job.error, `Sitemap ${dead}/sitemap.xml: ${refusedConnection}`);
  assert.equal(
    (await admin.request('GET', '/api/admin/training/sources')).json().sources.find((s: { id: number }) => s.id === sitemap.id).lastError,
    sitemapJob.job.error,
  );

  const wordpressJob = await resync((await createSource('wordpress', 'WordPress', { siteUrl: dead }, 'off')).id);
  assert.equal(wordpressJob.job.status, 'failed');
  assert.equal(wordpressJob.job.error, `Could not reach the WordPress site at ${dead}/: ${refusedConnection}`);

  // A list of pages goes on past a page that fails, and the log says why; when none could be read, the
  // sync fails with the first reason rather than finishing "done" with nothing.
  const pages = await admin.request('POST', '/api/admin/training/sources', { kind: 'web', config: { mode: 'urls', urls: [`${dead}/pricing`, `${dead}/faq`] } });
  const pagesJob = await finished({ app } as TestApp, admin, pages.json().jobId);
  assert.equal(pagesJob.job.progress.errors, 2);
  assert.ok(
    pagesJob.log.includes(`${dead}/pricing: ${refusedConnection}`) && pagesJob.log.includes(`${dead}/faq: ${refusedConnection}`),
    pagesJob.log.join('\n'),
  );
  assert.deepEqual([pagesJob.job.status, pagesJob.job.error], ['failed', `None of the 2 pages found could be read. ${dead}/pricing: ${refusedConnection}`]);

  // A source saved before addresses were checked on entry still fails with its reason.
  const old = await createSource('web', 'Old crawl', { mode: 'crawl', startUrl: 'file:///etc/passwd', maxPages: 5 }, 'off');
  const oldJob = await finished({ app } as TestApp, admin, (await admin.request('POST', `/api/admin/training/sources/${old.id}/sync`)).json().job.id);
  assert.equal(oldJob.job.status, 'failed');
  assert.equal(oldJob.job.error, 'file:///etc/passwd: Only http:// and https:// addresses can be read (this one starts with file:).');
});
