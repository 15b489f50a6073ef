// The index's measured recall through the API: nothing to measure before training, a training run that makes
// the index large measures it by itself, the button's route measures again (one at a time), a small change
// does not, and Database Management's data carries the result.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { corpus } from '../../e2e/bench/common.js';
import { FAKE_KEY } from '../../e2e/fakes/openrouter.js';
import { createTestApp, setupAdmin, type AdminClient } from '../../e2e/support/harness.js';
import { recallAt } from './index-recall.js';

const docs = corpus(13);
/** A text entry of `documents` synthetic help pages (≈ 4 chunks each at 100 tokens a chunk). */
const entry = (first: number, documents: number) => ({
  title: `Pages ${first}–${first + documents - 1}`,
  text: Array.from({ length: documents }, (_, i) => docs.document(first + i).text).join('\n\n'),
});

async function train(app: Awaited<ReturnType<typeof createTestApp>>['app'], admin: AdminClient) {
  const res = await admin.request('POST', '/api/admin/training/start');
  assert.equal(res.statusCode, 202, res.body);
  await app.training.runner.idle();
  const { job, log } = (await admin.request('GET', `/api/admin/training/jobs/${res.json().job.id}`)).json();
  assert.equal(job.status, 'done', JSON.stringify(log));
  await app.training.recall.idle();
}

test('recall@k counts the exact top k found, with ties at the k-th as found', () => {
  const hit = (chunkId: number, similarity: number) => ({ chunkId, similarity });
  const exact = [hit(1, 0.9), hit(2, 0.8), hit(3, 0.7), hit(4, 0.6)];
  assert.equal(recallAt(exact, [hit(1, 0.9), hit(2, 0.8), hit(3, 0.7), hit(4, 0.6)], 4), 1);
  assert.equal(recallAt(exact, [hit(1, 0.9), hit(9, 0.5), hit(3, 0.7), hit(8, 0.4)], 4), 0.5);
  // Chunk 5 has chunk 4's text (the same vector): either one is a right answer.
  assert.equal(recallAt(exact, [hit(1, 0.9), hit(2, 0.8), hit(3, 0.7), hit(5, 0.6)], 4), 1);
  assert.equal(recallAt([], [], 8), 1);
});

test('the index is measured after a run makes it large, again on request (one at a time), and the numbers reach Database Management', async (t) => {
  const testApp = await createTestApp();
  t.after(testApp.close);
  const { app } = testApp;
  const admin = await setupAdmin(app);
  await admin.request('PUT', '/api/admin/settings/api', {
    provider: 'openrouter',
    apiKey: FAKE_KEY,
    model: 'openai/gpt-5.4-mini',
    fallbackModels: [],
    reasoningEnabled: false,
  });
  assert.equal((await admin.request('PUT', '/api/admin/training/settings', { chunkTokens: 100, chunkOverlap: 0 })).statusCode, 200);

  const notMeasured = { measured: null, measuring: false, lastError: null };
  assert.deepEqual((await admin.request('GET', '/api/admin/training/index-recall')).json(), notMeasured);
  let res = await admin.request('POST', '/api/admin/training/index-recall');
  assert.equal(res.statusCode, 409);
  assert.deepEqual(res.json(), { statusCode: 409, error: 'Conflict', message: 'There is no search index yet: train your content first.' });

  // A small index: nothing measured by itself, and the button says why it cannot.
  assert.equal((await admin.request('POST', '/api/admin/training/text', entry(0, 5))).statusCode, 201);
  await train(app, admin);
  let stats = (await admin.request('GET', '/api/admin/training/stats')).json();
  assert.ok(stats.index.vectors > 0 && stats.index.vectors < 100, `${stats.index.vectors} vectors`);
  assert.deepEqual(stats.recall, notMeasured);
  res = await admin.request('POST', '/api/admin/training/index-recall');
  assert.equal(res.statusCode, 409);
  assert.equal(
    res.json().message,
    `The search index holds ${stats.index.vectors} vectors; accuracy is measured from 100. An index this small is searched as good as exactly.`,
  );

  // Past 1,000 vectors, the run that got it there is followed by a measurement of the active index.
  for (let first = 5; first < 305; first += 50) assert.equal((await admin.request('POST', '/api/admin/training/text', entry(first, 50))).statusCode, 201);
  await train(app, admin);
  stats = (await admin.request('GET', '/api/admin/training/stats')).json();
  const size = stats.index.vectors;
  assert.ok(size >= 1000, `${size} vectors`);
  const first = stats.recall.measured;
  assert.deepEqual(
    { ...stats.recall, measured: { ...first, recall: undefined, measuredAt: undefined } },
    {
      measured: { recall: undefined, k: 8, sampleSize: 50, indexSize: size, measuredAt: undefined },
      measuring: false,
      lastError: null,
    },
  );
  // The fake's embeddings are sparse word hashes, which sign bits describe poorly (≈ 0.36 here, with or without the
  // queries' noise): the value itself is checked against brute force in server/stores/sqlite/vector-recall.test.ts.
  assert.ok(first.recall >= 0 && first.recall <= 1, `recall ${first.recall}`);
  assert.deepEqual((await admin.request('GET', '/api/admin/training/index-recall')).json(), stats.recall);

  // The button: measures again in the background; a second press while it runs is refused.
  res = await admin.request('POST', '/api/admin/training/index-recall');
  assert.equal(res.statusCode, 202, res.body);
  assert.deepEqual(res.json(), { measured: first, measuring: true, lastError: null });
  res = await admin.request('POST', '/api/admin/training/index-recall');
  assert.deepEqual([res.statusCode, res.json().message], [409, 'The search accuracy is being measured already.']);
  await app.training.recall.idle();
  const second = (await admin.request('GET', '/api/admin/training/index-recall')).json();
  assert.equal(second.measuring, false);
  assert.ok(second.measured.measuredAt > first.measuredAt);

  // A small change (well under 10 % and 5,000 vectors) is not worth a new measurement.
  assert.equal((await admin.request('POST', '/api/admin/training/text', entry(305, 2))).statusCode, 201);
  await train(app, admin);
  assert.deepEqual((await admin.request('GET', '/api/admin/training/index-recall')).json(), second);

  // Docent closing while it measures: the measurement is stopped and waited for; nothing is kept, no error is shown.
  assert.equal((await admin.request('POST', '/api/admin/training/index-recall')).statusCode, 202);
  await app.training.recall.close();
  assert.deepEqual((await admin.request('GET', '/api/admin/training/index-recall')).json(), second);
  res = await admin.request('POST', '/api/admin/training/index-recall');
  assert.deepEqual([res.statusCode, res.json().message], [409, 'Docent is shutting down.']);
});
