import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reasoningParam } from './reasoning.js';
import { toModelInfo } from './catalog.js';
import { createTestApp, setupAdmin } from '../../e2e/support/harness.js';

test('reasoning mapping for each kind of model in the live (fake) catalog', async (t) => {
  const { app, close } = await createTestApp();
  t.after(close);
  const admin = await setupAdmin(app);
  const { models } = (await admin.request('GET', '/api/admin/models')).json();
  const cap = (id: string) => models.find((m: { id: string }) => m.id === id).reasoning;

  // No reasoning support: nothing is sent, whatever the switch says.
  assert.equal(reasoningParam(cap('mistralai/mistral-small-3.2-24b-instruct'), false), undefined);
  assert.equal(reasoningParam(cap('mistralai/mistral-small-3.2-24b-instruct'), true), undefined);
  assert.equal(reasoningParam(cap('openrouter/auto'), false), undefined);
  // Optional reasoning offering minimal: off = minimal, on = the model's default effort.
  assert.deepEqual(reasoningParam(cap('openai/gpt-5.4-mini'), false), { effort: 'minimal' });
  assert.deepEqual(reasoningParam(cap('openai/gpt-5.4-mini'), true), { effort: 'medium' });
  // Optional reasoning without minimal: its lowest listed effort; on with no default effort: enabled.
  assert.deepEqual(reasoningParam(cap('anthropic/claude-sonnet-4.5'), false), { effort: 'low' });
  assert.deepEqual(reasoningParam(cap('anthropic/claude-sonnet-4.5'), true), { enabled: true });
  // Mandatory reasoning: cannot be disabled, so the lowest supported effort.
  assert.deepEqual(reasoningParam(cap('deepseek/deepseek-r1'), false), { effort: 'low' });
  assert.deepEqual(reasoningParam(cap('deepseek/deepseek-r1'), true), { effort: 'medium' });
});

test('catalog edge cases: all efforts accepted, budget-only models', () => {
  const anyEffort = toModelInfo({ id: 'x/any', reasoning: { mandatory: true, supported_efforts: null } }).reasoning;
  assert.deepEqual(reasoningParam(anyEffort, false), { effort: 'minimal' });
  const budgetOnly = toModelInfo({ id: 'x/budget', reasoning: { mandatory: false, supported_efforts: [], supports_max_tokens: true } }).reasoning;
  assert.deepEqual(reasoningParam(budgetOnly, false), { max_tokens: 1024 });
  const paramOnly = toModelInfo({ id: 'x/param', supported_parameters: ['reasoning'] }).reasoning;
  assert.deepEqual(reasoningParam(paramOnly, false), { effort: 'minimal' });
  assert.deepEqual(reasoningParam(paramOnly, true), { enabled: true });
  assert.equal(reasoningParam(undefined, false), undefined);
});
