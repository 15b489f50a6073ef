import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, setupAdmin } from '../../e2e/support/harness.js';
import { describeStatus } from './errors.js';

// An OpenAI-compatible server is "the AI endpoint": capitalised where it opens a sentence, not mid-sentence.
test('an OpenAI-compatible endpoint is named "the AI endpoint" mid-sentence and "The AI endpoint" at a sentence\'s start', async (t) => {
  const { app, fake, close } = await createTestApp();
  t.after(close);
  const admin = await setupAdmin(app);
  const testKey = async (body: object) => (await admin.request('POST', '/api/admin/settings/api/test', { provider: 'openai-compatible', ...body })).json();

  assert.deepEqual(await testKey({ baseUrl: 'http://127.0.0.1:9/v1' }), {
    ok: false,
    reason: 'unreachable',
    message: "Could not reach the AI endpoint. Check the server's internet connection and the base URL.",
  });

  fake.fail({ route: 'models', kind: 'invalid-key', times: 1 });
  const rejected = await testKey({ baseUrl: fake.baseURL, apiKey: 'sk-local-wrong' });
  assert.equal(rejected.reason, 'rejected');
  assert.match(rejected.message, /^The AI endpoint rejected this key: \S/);

  fake.fail({ route: 'models', kind: 'server-error', times: 1 });
  const down = await testKey({ baseUrl: fake.baseURL });
  assert.equal(down.message, "The AI endpoint or the model's provider is having trouble (error 500). Try again in a few minutes, or add a fallback model.");
});

test('every described status names the provider at the start of its sentence, and ends its sentences once', () => {
  for (const status of [400, 401, 402, 403, 404, 408, 429, 500, 502]) {
    for (const said of ['Something broke', 'Something broke.', null]) {
      const { message } = describeStatus('openai-compatible', status, said === null ? null : { message: said });
      assert.match(message, /^The AI endpoint /, `${status}: ${message}`);
      assert.doesNotMatch(message, /\.\.|[^.] The AI endpoint said|the AI endpoint said/, `${status}: ${message}`);
      assert.equal(describeStatus('openrouter', status, null).message.startsWith('OpenRouter '), true);
    }
  }
  assert.equal(describeStatus('openrouter', 401, { message: 'User not found' }).message, 'OpenRouter rejected this key: User not found.');
  assert.equal(describeStatus('openrouter', 401, { message: 'User not found.' }).message, 'OpenRouter rejected this key: User not found.');
});

test("credit and rate-limit errors point an OpenAI-compatible endpoint's admin at their provider, not at OpenRouter", () => {
  for (const status of [402, 429]) {
    const theirs = describeStatus('openai-compatible', status, { message: 'quota exceeded' }).message;
    assert.doesNotMatch(theirs, /openrouter|free models|credits at/i, theirs);
    assert.match(theirs, /^The AI endpoint .*your provider\. The AI endpoint said: “quota exceeded”$/);
  }
  assert.match(describeStatus('openrouter', 402, null).message, /Add credits at https:\/\/openrouter\.ai\/settings\/credits/);
  assert.match(describeStatus('openrouter', 429, null).message, /Free models allow about 20 requests a minute/);
});
