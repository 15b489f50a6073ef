import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, setupAdmin } from '../../e2e/support/harness.js';
import { FAKE_KEY } from '../../e2e/fakes/openrouter.js';
import { testDb } from '../../e2e/support/test-db.js';
import { deleteOlderThan } from './conversations.js';

const ORIGIN = 'https://shop.example.com';

async function setup(t: { after(fn: () => unknown): void }) {
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
  await admin.request('GET', '/api/admin/models');
  await admin.request('POST', '/api/admin/training/text', {
    question: 'What does the warranty cover?',
    answer: 'Every Acme widget has a two-year warranty covering manufacturing faults.',
  });
  await admin.request('POST', '/api/admin/training/start');
  await testApp.app.training.runner.idle();
  // These tests are about the model's answers: word-for-word Q&A answers are tested in answers.test.ts.
  const saved = (await admin.request('GET', '/api/admin/chatbot/settings')).json();
  await admin.request('PUT', '/api/admin/chatbot/settings', { chatbot: { ...saved.chatbot, qaAnswerMatch: 0 }, retrieval: saved.retrieval });
  const ask = (message: string, visitorId = 'visitor-0001') =>
    testApp.app.inject({ method: 'POST', url: '/api/widget/chat', headers: { origin: ORIGIN }, payload: { visitorId, message } });
  return { ...testApp, admin, ask };
}

test('conversations: list with filters, detail with sources and cost, feedback, CSV export, delete', async (t) => {
  const { app, admin, ask, fake } = await setup(t);
  fake.setChatReply('It covers manufacturing faults for two years.');
  await ask('What does the warranty cover?');
  await ask('=HYPERLINK("http://evil")', 'visitor-0002'); // nothing matches: unanswered, and a CSV formula
  const list = (await admin.request('GET', '/api/admin/conversations')).json();
  assert.equal(list.total, 2);
  const answered = list.conversations.find((c: { firstQuestion: string }) => c.firstQuestion === 'What does the warranty cover?');
  assert.equal(answered.messages, 2);
  assert.ok(answered.cost > 0);
  assert.equal(answered.origin, ORIGIN);
  const unanswered = (await admin.request('GET', '/api/admin/conversations?filter=unanswered')).json().conversations;
  assert.deepEqual(
    unanswered.map((c: { firstQuestion: string }) => c.firstQuestion),
    ['=HYPERLINK("http://evil")'],
  );

  const detail = (await admin.request('GET', `/api/admin/conversations/${answered.id}`)).json();
  const reply = detail.messages[1];
  assert.equal(reply.role, 'assistant');
  assert.deepEqual(reply.sources, [], 'visitors never see a Q&A entry as a source');
  assert.equal(reply.retrieved[0].title, 'What does the warranty cover?', 'the admin sees what the answer was based on');
  assert.equal(reply.model, 'openai/gpt-5.4-mini');
  assert.ok(reply.cost > 0 && reply.promptTokens > 0);

  const feedback = await app.inject({
    method: 'POST',
    url: '/api/widget/feedback',
    headers: { origin: ORIGIN },
    payload: { visitorId: 'visitor-0001', messageId: reply.id, value: 'down' },
  });
  assert.equal(feedback.statusCode, 204);
  const stolen = await app.inject({
    method: 'POST',
    url: '/api/widget/feedback',
    headers: { origin: ORIGIN },
    payload: { visitorId: 'visitor-0002', messageId: reply.id, value: 'up' },
  });
  assert.equal(stolen.statusCode, 404, 'only the visitor who got the answer can rate it');
  assert.deepEqual(
    (await admin.request('GET', '/api/admin/conversations?filter=thumbs-down')).json().conversations.map((c: { id: string }) => c.id),
    [answered.id],
  );

  const csv = await admin.request('GET', '/api/admin/conversations/export.csv');
  assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
  assert.match(String(csv.headers['content-disposition']), /^attachment; filename="docent-conversations-\d{4}-\d{2}-\d{2}\.csv"$/);
  assert.ok(csv.body.includes('"What does the warranty cover?"'));
  assert.ok(csv.body.includes(`"'=HYPERLINK(""http://evil"")"`), 'formula neutralised');
  assert.ok(csv.body.includes('"down"'));

  assert.equal((await admin.request('DELETE', `/api/admin/conversations/${answered.id}`)).statusCode, 200);
  assert.equal((await admin.request('GET', `/api/admin/conversations/${answered.id}`)).statusCode, 404);
  assert.equal(await testDb(app).value('SELECT count(*) FROM messages WHERE conversation_id = ?', answered.id), 0);
});

test('dashboard: stats for today and the month; checklist steps 3 and 4 go live', async (t) => {
  const { admin, ask } = await setup(t);
  const step = async (id: string) => (await admin.request('GET', '/api/admin/dashboard')).json().checklist.find((s: { id: string }) => s.id === id);
  assert.equal((await step('training')).done, true);
  assert.equal((await step('training')).detail, '1 documents, 1 chunks trained.');
  assert.equal((await step('widget')).done, false);
  await ask('What does the warranty cover?');
  assert.deepEqual(await step('widget'), {
    id: 'widget',
    label: 'Add the chat widget to your site',
    done: true,
    detail: `Visitors are chatting on ${ORIGIN}.`,
    href: '/admin/widget',
  });
  const stats = (await admin.request('GET', '/api/admin/dashboard/stats')).json();
  assert.equal(stats.today.conversations, 1);
  assert.equal(stats.today.messages, 2);
  assert.ok(stats.today.cost > 0 && stats.today.tokens > 0);
  assert.deepEqual(stats.month, stats.today);
});

test('privacy: tracking off stores nothing; retention deletes old conversations', async (t) => {
  const { app, admin, ask } = await setup(t);
  const { chatbot, retrieval } = (await admin.request('GET', '/api/admin/chatbot/settings')).json();
  await admin.request('PUT', '/api/admin/chatbot/settings', { chatbot: { ...chatbot, storeConversations: false }, retrieval });
  const db = testDb(app);
  const res = await ask('What does the warranty cover?');
  assert.match(res.body, /event: done/);
  assert.equal(await db.value('SELECT count(*) FROM messages'), 0);
  // Nothing stored, yet the admin still learns the widget works on their site.
  const checklist = (await admin.request('GET', '/api/admin/dashboard')).json().checklist;
  assert.equal(checklist.find((s: { id: string }) => s.id === 'widget').detail, `Visitors are chatting on ${ORIGIN}.`);
  assert.equal((await admin.request('GET', '/api/admin/widget/settings')).json().lastSeen.origin, ORIGIN);

  await admin.request('PUT', '/api/admin/chatbot/settings', { chatbot: { ...chatbot, storeConversations: true, retentionDays: 30 }, retrieval });
  await ask('What does the warranty cover?');
  await db.run("UPDATE conversations SET updated_at = '2020-01-01T00:00:00.000Z'");
  await ask('What does the warranty cover?', 'visitor-fresh');
  assert.equal(await deleteOlderThan(app.stores.chat, 30), 1);
  assert.equal(await db.value('SELECT count(*) FROM conversations'), 1);
});

test('settings screens validate: chatbot and widget', async (t) => {
  const { admin } = await setup(t);
  const { chatbot, retrieval } = (await admin.request('GET', '/api/admin/chatbot/settings')).json();
  const bad = await admin.request('PUT', '/api/admin/chatbot/settings', { chatbot: { ...chatbot, temperature: 3 }, retrieval });
  assert.equal(bad.statusCode, 400);
  assert.deepEqual(bad.json().fields, { 'chatbot.temperature': 'Temperature is between 0 and 2.' });
  const { widget, snippet } = (await admin.request('GET', '/api/admin/widget/settings')).json();
  assert.equal(snippet, '<script src="https://docent.example.test/widget.js" async></script>');
  const badWidget = await admin.request('PUT', '/api/admin/widget/settings', { ...widget, primaryColor: 'blue', allowedDomains: ['not a domain!'] });
  assert.deepEqual(badWidget.json().fields, {
    primaryColor: 'Use a colour like #2271b1.',
    allowedDomains: 'Enter domains like example.com, *.example.com or https://shop.example.com.',
  });
  const ok = (await admin.request('PUT', '/api/admin/widget/settings', { ...widget, botName: 'Acme Helper', allowedDomains: ['Shop.Example.com/'] })).json();
  assert.deepEqual(ok.widget.allowedDomains, ['shop.example.com']);
});

test("the admin's own preview is kept apart from visitor traffic; filtered totals are right", async (t) => {
  const { app, admin } = await setup(t);
  const preview = await app.inject({
    method: 'POST',
    url: '/api/widget/chat',
    headers: { origin: 'https://docent.example.test' },
    payload: { visitorId: 'preview-visitor', message: 'What does the warranty cover?' },
  });
  assert.match(preview.body, /event: done/);
  const stats = (await admin.request('GET', '/api/admin/dashboard/stats')).json();
  assert.equal(stats.today.conversations, 0, 'preview chats are not visitor traffic');
  const widget = (await admin.request('GET', '/api/admin/widget/settings')).json();
  assert.equal(widget.lastSeen, null);
  await app.inject({
    method: 'POST',
    url: '/api/widget/chat',
    headers: { origin: ORIGIN },
    payload: { visitorId: 'visitor-0003', message: 'Something unrelated entirely' },
  });
  const all = (await admin.request('GET', '/api/admin/conversations')).json();
  const unanswered = (await admin.request('GET', '/api/admin/conversations?filter=unanswered')).json();
  assert.equal(all.total, 2);
  assert.equal(unanswered.total, 1);
  assert.equal(unanswered.conversations.length, 1);
});

test('the Playground counts characters like the widget: 4,000 emoji pass, 4,001 are refused on the field', async (t) => {
  const { admin } = await setup(t);
  const ok = await admin.request('POST', '/api/admin/playground/chat', { message: '😀'.repeat(4000) });
  assert.equal(ok.statusCode, 200);
  const tooLong = await admin.request('POST', '/api/admin/playground/chat', { message: '😀'.repeat(4001) });
  assert.equal(tooLong.statusCode, 400);
  assert.deepEqual(tooLong.json().fields, { message: 'Keep the message to 4,000 characters at most.' });
});
