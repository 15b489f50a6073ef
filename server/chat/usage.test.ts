// Limits and spend are counted in the usage ledger, whatever happens to conversations: storing off, admin
// delete, retention. With storing off, no message text reaches the database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createTestApp, onPostgres, setupAdmin, type AdminClient } from '../../e2e/support/harness.js';
import { FAKE_KEY } from '../../e2e/fakes/openrouter.js';
import { postgresTablesHolding, testDb } from '../../e2e/support/test-db.js';
import { openDatabase } from '../stores/sqlite/database.js';
import { migrate } from '../stores/sqlite/migrate.js';
import { MIGRATIONS_DIR } from '../paths.js';
import { deleteOlderThan } from './conversations.js';
import { pruneLedger, recordQuestion } from './usage.js';

const ORIGIN = 'https://shop.example.com';

async function setup(t: { after(fn: () => unknown): void }, chatbot: Record<string, unknown> = {}) {
  const testApp = await createTestApp({ env: { CHAT_IDLE_TIMEOUT_MS: '2000' } });
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
    title: 'Warranty',
    text: 'Every Acme widget has a two-year warranty covering manufacturing faults.',
    url: 'https://shop.example.com/warranty',
  });
  await admin.request('POST', '/api/admin/training/text', {
    question: 'How long does shipping take?',
    answer: 'Standard shipping takes 3 to 5 business days.',
  });
  await admin.request('POST', '/api/admin/training/start');
  await testApp.app.training.runner.idle();
  await saveChatbot(admin, chatbot);
  return { ...testApp, admin };
}

async function saveChatbot(admin: AdminClient, patch: Record<string, unknown>) {
  const { chatbot, retrieval } = (await admin.request('GET', '/api/admin/chatbot/settings')).json();
  const res = await admin.request('PUT', '/api/admin/chatbot/settings', {
    chatbot: { ...chatbot, ...patch },
    retrieval: { topK: retrieval.topK, minMatch: retrieval.minMatch },
  });
  assert.equal(res.statusCode, 200, res.body);
}

interface Sse {
  event: string;
  data: any;
}
function parseSse(body: string): Sse[] {
  return body
    .split('\n\n')
    .filter((block) => block.startsWith('event:'))
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      return { event: eventLine.slice(7), data: JSON.parse(dataLine.slice(6)) };
    });
}

async function ask(app: FastifyInstance, visitorId: string, message = 'What does the warranty cover?', conversationId?: string) {
  const res = await app.inject({ method: 'POST', url: '/api/widget/chat', headers: { origin: ORIGIN }, payload: { visitorId, message, conversationId } });
  return { res, events: res.statusCode === 200 ? parseSse(res.body) : [] };
}

const todayStats = async (admin: AdminClient) =>
  (await admin.request('GET', '/api/admin/dashboard/stats')).json().today as { conversations: number; messages: number; tokens: number; cost: number };
const stored = (app: FastifyInstance) => testDb(app).value('SELECT (SELECT count(*) FROM conversations) + (SELECT count(*) FROM messages)');

/**
 * Where the database holds `marker`: on SQLite the database file, its -wal and its -shm (as UTF-8 or UTF-16); on
 * PostgreSQL any row of any table (its files belong to the server, and every row is readable as text).
 */
async function placesHolding(app: FastifyInstance, dataDir: string, marker: string): Promise<string[]> {
  const db = testDb(app);
  if (db.backend === 'postgres') return postgresTablesHolding(db, marker);
  const files = readdirSync(dataDir).filter((f) => f.startsWith('docent.db'));
  assert.ok(files.includes('docent.db') && files.includes('docent.db-wal'), files.join(', '));
  return files.filter((file) => {
    const bytes = readFileSync(path.join(dataDir, file));
    return bytes.includes(marker) || bytes.includes(Buffer.from(marker, 'utf16le'));
  });
}

test('storing off: a daily spend cap meant to allow 3 answers lets exactly 3 through, and the dashboard shows the spend', async (t) => {
  const { app, admin, fake } = await setup(t, { storeConversations: false, dailySpendCapUsd: 0 });
  // What one answer costs: the first also pays for embedding the question, later ones reuse its vector.
  await ask(app, 'calibrate-1');
  const first = (await todayStats(admin)).cost;
  await ask(app, 'calibrate-2');
  const spent = (await todayStats(admin)).cost;
  const perAnswer = spent - first;
  assert.ok(first > 0 && perAnswer > 0, `spend is counted with storing off: ${first}, ${perAnswer}`);

  await saveChatbot(admin, { dailySpendCapUsd: Number((spent + 2.5 * perAnswer).toFixed(8)) });
  const calls = fake.requestsTo('/chat/completions').length;
  const outcomes = [];
  for (let i = 1; i <= 5; i++) outcomes.push((await ask(app, `cap-visitor-${i}`)).events.at(-1)!);
  assert.deepEqual(
    outcomes.map((e) => e.event),
    ['done', 'done', 'done', 'error', 'error'],
  );
  assert.deepEqual(outcomes[3].data, {
    code: 'limit_reached',
    message: "Sorry, I can't answer right now, but these pages may help:",
    sources: [{ title: 'Warranty', url: 'https://shop.example.com/warranty' }],
    answers: [],
  });
  assert.equal(fake.requestsTo('/chat/completions').length, calls + 3, 'no model call past the cap');
  assert.equal(await stored(app), 0, 'and still nothing stored');

  const stats = await todayStats(admin);
  assert.equal(stats.conversations, 7);
  assert.equal(stats.messages, 14, 'each question and its answer (links only included)');
  assert.ok(Math.abs(stats.cost - (spent + 3 * perAnswer)) < 1e-9, `today's cost: ${stats.cost}`);
  assert.ok(stats.tokens > 0);
});

test('storing off: the per-minute and daily visitor limits still hold', async (t) => {
  const { app, admin } = await setup(t, { storeConversations: false, messagesPerMinutePerVisitor: 3 });
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await ask(app, 'minute-visitor')).res.statusCode);
  assert.deepEqual(statuses, [200, 200, 200, 429]);
  const limited = await ask(app, 'minute-visitor');
  assert.equal(limited.res.json().message, 'You are sending messages quickly. Please wait a minute and try again.');
  assert.equal((await ask(app, 'another-visitor')).res.statusCode, 200, 'other visitors are unaffected');

  await saveChatbot(admin, { messagesPerMinutePerVisitor: 100, dailyMessagesPerVisitor: 2 });
  await ask(app, 'daily-visitor');
  await ask(app, 'daily-visitor');
  const daily = await ask(app, 'daily-visitor');
  assert.equal(daily.res.statusCode, 429);
  assert.equal(daily.res.json().message, "You've reached today's message limit. Please come back tomorrow.");
  assert.equal(await stored(app), 0);
});

test('storing off: no question or answer text is written to the database (SQLite: its file, -wal and -shm; PostgreSQL: any table)', async (t) => {
  const { app, admin, fake, dataDir } = await setup(t, { storeConversations: false });
  const QUESTION_MARK = 'zq7UNIQUEquestionMARKERx4';
  const ANSWER_MARK = 'zq7UNIQUEanswerMARKERx4';
  fake.setChatReply(`The warranty covers manufacturing faults. ${ANSWER_MARK}`);
  const first = await ask(app, 'private-visitor', `What does the warranty cover? ${QUESTION_MARK}`);
  assert.equal(first.events.at(-1)!.event, 'done');
  await ask(app, 'private-visitor', `And shipping? ${QUESTION_MARK}`, first.events[0].data.conversationId);
  // A failed answer (its error is kept for the admin when storing is on) leaves no text either.
  fake.fail({ route: 'chat', kind: 'server-error', times: 1 });
  await ask(app, 'private-visitor-2', `Warranty? ${QUESTION_MARK}`);
  assert.equal((await todayStats(admin)).messages, 6, 'counted all the same');

  for (const marker of [QUESTION_MARK, ANSWER_MARK]) assert.deepEqual(await placesHolding(app, dataDir, marker), [], `${marker} found`);
  // The check can fail: with storing on, the same text is found.
  await saveChatbot(admin, { storeConversations: true });
  await ask(app, 'private-visitor', `What does the warranty cover? ${QUESTION_MARK}`);
  assert.notDeepEqual(await placesHolding(app, dataDir, QUESTION_MARK), []);
});

test('storing off: a follow-up continues the conversation with its context; history and feedback work while it is active', async (t) => {
  const { app, fake } = await setup(t, { storeConversations: false });
  fake.setChatReply('Every widget has a two-year warranty.');
  const first = await ask(app, 'follow-visitor', 'What does the warranty cover?');
  const { conversationId, messageId } = first.events[0].data;
  assert.equal(first.events.at(-1)!.event, 'done');

  fake.setChatReply('Shipping takes 3 to 5 business days.');
  const second = await ask(app, 'follow-visitor', 'And how long does it last?', conversationId);
  assert.equal(second.res.statusCode, 200, 'the follow-up is answered, not refused');
  assert.equal(second.events[0].data.conversationId, conversationId, 'in the same conversation');
  const call = fake.requestsTo('/chat/completions').at(-1)!;
  assert.deepEqual(
    call.body.messages.slice(1).map((m: { role: string; content: string }) => [m.role, m.content]),
    [
      ['user', 'What does the warranty cover?'],
      ['assistant', 'Every widget has a two-year warranty.'],
      ['user', 'And how long does it last?'],
    ],
    'the model sees the earlier turns',
  );

  // The visitor's next page shows the chat again, and can rate an answer.
  const history = await app.inject({ url: `/api/widget/history?visitorId=follow-visitor&conversationId=${conversationId}`, headers: { origin: ORIGIN } });
  assert.equal(history.statusCode, 200);
  assert.deepEqual(
    history.json().messages.map((m: { role: string; text: string }) => [m.role, m.text]),
    [
      ['user', 'What does the warranty cover?'],
      ['assistant', 'Every widget has a two-year warranty.'],
      ['user', 'And how long does it last?'],
      ['assistant', 'Shipping takes 3 to 5 business days.'],
    ],
  );
  const vote = (visitorId: string) =>
    app.inject({ method: 'POST', url: '/api/widget/feedback', headers: { origin: ORIGIN }, payload: { visitorId, messageId, value: 'up' } });
  assert.equal((await vote('follow-visitor')).statusCode, 204);
  assert.equal(
    (await app.inject({ url: `/api/widget/history?visitorId=follow-visitor&conversationId=${conversationId}`, headers: { origin: ORIGIN } })).json().messages[1]
      .feedback,
    'up',
  );

  // Only the visitor who started it can continue, read or rate it.
  assert.equal((await ask(app, 'other-visitor', 'And returns?', conversationId)).res.statusCode, 404);
  assert.equal(
    (await app.inject({ url: `/api/widget/history?visitorId=other-visitor&conversationId=${conversationId}`, headers: { origin: ORIGIN } })).statusCode,
    404,
  );
  assert.equal((await vote('other-visitor')).statusCode, 404);

  // A conversation no longer held (a restart, or idle too long) continues as a new one instead of failing.
  const unknown = await ask(app, 'follow-visitor', 'What does the warranty cover?', '00000000-0000-4000-8000-000000000000');
  assert.equal(unknown.res.statusCode, 200);
  assert.notEqual(unknown.events[0].data.conversationId, '00000000-0000-4000-8000-000000000000');
  assert.equal(unknown.events.at(-1)!.event, 'done');
  assert.equal(await stored(app), 0);
});

test('deleting conversations (by the admin, by retention) resets no limit and no spend', async (t) => {
  const { app, admin } = await setup(t, { messagesPerMinutePerVisitor: 3 });
  for (let i = 0; i < 3; i++) assert.equal((await ask(app, 'deleting-visitor')).res.statusCode, 200);
  const before = await todayStats(admin);
  for (const { id } of (await admin.request('GET', '/api/admin/conversations')).json().conversations) {
    assert.equal((await admin.request('DELETE', `/api/admin/conversations/${id}`)).statusCode, 200);
  }
  assert.equal(await stored(app), 0);
  assert.equal((await ask(app, 'deleting-visitor')).res.statusCode, 429, 'the deleted questions still count');
  assert.deepEqual(await todayStats(admin), before, 'the dashboard keeps what was spent');

  await saveChatbot(admin, { messagesPerMinutePerVisitor: 100, dailyMessagesPerVisitor: 4, retentionDays: 1 });
  await ask(app, 'deleting-visitor');
  await testDb(app).run("UPDATE conversations SET updated_at = '2020-01-01T00:00:00.000Z'");
  assert.equal(await deleteOlderThan(app.stores.chat, 1), 1);
  assert.equal((await ask(app, 'deleting-visitor')).res.json().message, "You've reached today's message limit. Please come back tomorrow.");
});

test("the ledger keeps two days: older rows are pruned, today's counts stay", async (t) => {
  const { app } = await setup(t);
  const db = testDb(app);
  const now = Date.parse('2030-05-10T12:00:00.000Z');
  const at = (hoursAgo: number) => new Date(now - hoursAgo * 3_600_000).toISOString();
  for (const hoursAgo of [0.005, 1, 47, 49, 100])
    await recordQuestion(app.stores.usage, { visitorHash: 'v-prune', channel: 'widget', newConversation: true }, at(hoursAgo));
  assert.equal(await pruneLedger(app.stores.usage, now), 2);
  assert.deepEqual(
    (await db.all("SELECT created_at FROM usage_ledger WHERE visitor_hash = 'v-prune' ORDER BY created_at")).map((row) => row.created_at),
    [at(47), at(1), at(0.005)],
  );
  assert.deepEqual(await app.stores.usage.visitorQuestionCounts('v-prune', at(1 / 60), '2030-05-10T00:00:00.000Z'), { lastMinute: 1, today: 2 });
});

test("007 counts what was stored before it: the last two days of questions with their cost, and every day's totals", {
  skip: onPostgres() && 'a hand-made old SQLite database',
}, () => {
  const tempDir = () => mkdtempSync(path.join(tmpdir(), 'docent-usage-'));
  const upTo6 = tempDir();
  for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => Number(f.split('_')[0]) <= 6)) copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(upTo6, f));
  const db = openDatabase(path.join(tempDir(), 'old.db'));
  migrate(db, upTo6);
  const recent = new Date(Date.now() - 3_600_000).toISOString();
  const old = '2020-01-01T10:00:00.000Z';
  const conversation = db.prepare('INSERT INTO conversations (id, visitor_hash, channel, created_at) VALUES (?, ?, ?, ?)');
  const message = db.prepare(
    'INSERT INTO messages (id, conversation_id, role, text, cost, prompt_tokens, completion_tokens, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  conversation.run('c-old', 'v1', 'widget', old);
  message.run('m1', 'c-old', 'user', 'q', 0, 0, 0, old);
  message.run('m2', 'c-old', 'assistant', 'a', 0.5, 10, 5, old);
  conversation.run('c-new', 'v1', 'widget', recent);
  message.run('m3', 'c-new', 'user', 'q', 0, 0, 0, recent);
  message.run('m4', 'c-new', 'assistant', 'a', 0.25, 20, 10, recent);
  message.run('m5', 'c-new', 'user', 'q2', 0, 0, 0, recent);
  message.run('m6', 'c-new', 'assistant', 'a2', 0.125, 20, 10, recent);
  conversation.run('c-play', 'admin', 'playground', recent);
  message.run('m7', 'c-play', 'user', 'q', 0, 0, 0, recent);
  assert.equal(migrate(db)[0], '007_usage_ledger.sql', 'later migrations follow it');
  assert.deepEqual(db.prepare('SELECT visitor_hash, channel, cost FROM usage_ledger ORDER BY id').all(), [
    { visitor_hash: 'v1', channel: 'widget', cost: 0.25 },
    { visitor_hash: 'v1', channel: 'widget', cost: 0.125 },
    { visitor_hash: 'admin', channel: 'playground', cost: 0 },
  ]);
  assert.deepEqual(db.prepare('SELECT day, channel, conversations, messages, tokens, cost FROM usage_days ORDER BY day, channel').all(), [
    { day: '2020-01-01', channel: 'widget', conversations: 1, messages: 2, tokens: 15, cost: 0.5 },
    { day: recent.slice(0, 10), channel: 'playground', conversations: 1, messages: 1, tokens: 0, cost: 0 },
    { day: recent.slice(0, 10), channel: 'widget', conversations: 1, messages: 4, tokens: 60, cost: 0.375 },
  ]);
  db.close();
});

test('an answer whose conversation is deleted while it streams is still paid for and counted', async (t) => {
  const { app, admin, fake, logs } = await setup(t);
  fake.setOptions({ tokenDelayMs: 40 });
  fake.setChatReply('Every widget has a two-year warranty covering manufacturing faults.');
  const answering = ask(app, 'deleted-visitor');
  while (fake.requestsTo('/chat/completions').length === 0) await new Promise((r) => setTimeout(r, 10));
  const [{ id }] = (await admin.request('GET', '/api/admin/conversations')).json().conversations;
  assert.equal((await admin.request('DELETE', `/api/admin/conversations/${id}`)).statusCode, 200);
  const { events } = await answering;
  assert.equal(events.at(-1)!.event, 'done', 'the visitor still gets the answer');
  assert.ok((await todayStats(admin)).cost > 0);
  assert.equal(await stored(app), 0);
  assert.match(logs(), /the answer was not kept: its conversation was deleted while it was being answered/);
});
