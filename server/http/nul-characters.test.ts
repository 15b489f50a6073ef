// A NUL character in a JSON body is a 400 naming the field, on either backend (PostgreSQL cannot store one), and
// nothing is stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, setupAdmin } from '../../e2e/support/harness.js';
import { nulCharacterPath } from './nul-characters.js';

test('the path of a NUL character in a body', () => {
  assert.equal(nulCharacterPath({ message: 'fine' }), null);
  assert.equal(nulCharacterPath({ message: 'a\u0000b' }), 'message');
  assert.equal(nulCharacterPath({ chatbot: { greeting: 'hi', starters: ['ok', 'x\u0000'] } }), 'chatbot.starters[1]');
  assert.equal(nulCharacterPath({ 'bad\u0000key': 1 }), 'a field name');
  assert.equal(nulCharacterPath(['\u0000']), '[0]');
});

test('a chat message or a Q&A entry with a NUL character is refused with a 400 naming the field, and nothing is stored', async (t) => {
  const testApp = await createTestApp();
  t.after(testApp.close);
  const { app } = testApp;
  const admin = await setupAdmin(app);

  const chat = await app.inject({
    method: 'POST',
    url: '/api/widget/chat',
    headers: { origin: 'https://shop.example.com' },
    payload: { visitorId: 'visitor-nul-0001', message: 'Hello\u0000there' },
  });
  assert.equal(chat.statusCode, 400);
  assert.equal(chat.json().message, 'message contains a NUL character (U+0000). Remove it and try again.');

  const qa = await admin.request('POST', '/api/admin/training/text', { question: 'Opening hours?', answer: 'Nine\u0000to five.' });
  assert.equal(qa.statusCode, 400);
  assert.match(qa.json().message, /^answer contains a NUL character/);
  const documents = await admin.request('GET', '/api/admin/training/documents?sourceId=1');
  assert.equal(documents.statusCode, 200);
  assert.doesNotMatch(documents.body, /Opening hours/);
});
