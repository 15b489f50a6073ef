import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, setupAdmin } from '../../e2e/support/harness.js';
import { getChatModels } from './catalog.js';

test('the catalog is fetched once, then served from the database; refresh=1 fetches again', async (t) => {
  const { app, fake, close } = await createTestApp();
  t.after(close);
  const admin = await setupAdmin(app);
  const first = (await admin.request('GET', '/api/admin/models')).json();
  assert.equal(first.error, null);
  const mini = first.models.find((m: { id: string }) => m.id === 'openai/gpt-5.4-mini');
  assert.deepEqual(mini, {
    id: 'openai/gpt-5.4-mini',
    name: 'OpenAI: GPT-5.4 Mini',
    contextLength: 400000,
    maxOutputTokens: mini.maxOutputTokens,
    promptPricePerM: 0.25,
    completionPricePerM: 2,
    free: false,
    reasoning: {
      supported: true,
      mandatory: false,
      efforts: ['xhigh', 'high', 'medium', 'low', 'minimal', 'none'],
      defaultEffort: 'medium',
      supportsMaxTokens: false,
    },
  });
  const free = first.models.find((m: { id: string }) => m.id.endsWith(':free'));
  assert.equal(free.free, true);
  const auto = first.models.find((m: { id: string }) => m.id === 'openrouter/auto');
  assert.equal(auto.promptPricePerM, null, 'router pricing "-1" means unknown, not negative');
  assert.equal(
    first.models.some((m: { id: string }) => m.id.includes('embedding')),
    false,
    'embedding models are not chat models',
  );

  await admin.request('GET', '/api/admin/models');
  assert.equal(fake.requestsTo('/models').length, 1, 'second read came from the cache');
  await admin.request('GET', '/api/admin/models?refresh=1');
  assert.equal(fake.requestsTo('/models').length, 2);

  // A day later the cache is stale and is fetched again.
  await getChatModels(app.stores.provider, await app.openRouterDeps.savedConnection(), app.config, { now: Date.now() + 25 * 60 * 60 * 1000 });
  assert.equal(fake.requestsTo('/models').length, 3);
});

test('when OpenRouter is down the cached list stays and the error is explained', async (t) => {
  const { app, fake, close } = await createTestApp();
  t.after(close);
  const admin = await setupAdmin(app);
  const before = (await admin.request('GET', '/api/admin/models')).json();
  fake.fail({ route: 'models', kind: 'server-error' });
  const after = (await admin.request('GET', '/api/admin/models?refresh=1')).json();
  assert.equal(after.models.length, before.models.length);
  assert.equal(after.fetchedAt, before.fetchedAt);
  assert.match(after.error, /^Could not refresh the model list: OpenRouter or the model's provider is having trouble \(error 500\)/);
});

test('embedding models come from /embeddings/models with known dimensions', async (t) => {
  const { app, fake, close } = await createTestApp();
  t.after(close);
  const admin = await setupAdmin(app);
  const { models } = (await admin.request('GET', '/api/admin/embedding-models')).json();
  assert.deepEqual(
    models.find((m: { id: string }) => m.id === 'openai/text-embedding-3-small'),
    {
      id: 'openai/text-embedding-3-small',
      name: models.find((m: { id: string }) => m.id === 'openai/text-embedding-3-small').name,
      dimensions: 1536,
      promptPricePerM: 0.02,
      contextLength: 8192,
    },
  );
  assert.equal(fake.requestsTo('/embeddings/models').length, 1);
});
