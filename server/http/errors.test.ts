import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, setupAdmin } from '../../e2e/support/harness.js';
import { asSentence } from './errors.js';

test('asSentence ends a message with exactly one full stop', () => {
  assert.equal(asSentence('Send a title and text, or a question and answer'), 'Send a title and text, or a question and answer.');
  assert.equal(asSentence('Send a title and text, or a question and answer.'), 'Send a title and text, or a question and answer.');
  assert.equal(asSentence('Is it on? '), 'Is it on?');
  assert.equal(asSentence('It said “stop.”'), 'It said “stop.”');
});

test('a body matching no allowed shape is described in one sentence, without a double full stop', async (t) => {
  const { app, close } = await createTestApp();
  t.after(close);
  const admin = await setupAdmin(app);
  const res = await admin.request('POST', '/api/admin/training/text', { title: 'Only a title' });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().message, 'Send a title and text, or a question and answer.');
});
