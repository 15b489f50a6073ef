// Dashboard insights over inject, on a real SQLite file: conversations and messages are written as the chat
// writes them (the triggers of migration 014 keep the rollups), then the endpoint's exact answer is checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { createTestApp, setupAdmin } from '../../e2e/support/harness.js';
import { FAKE_KEY } from '../../e2e/fakes/openrouter.js';
import type { Db } from '../db/database.js';
import { OPENROUTER_ENDPOINT } from '../openrouter/client.js';
import { sourceOfKind } from '../training/sources.js';
import { cacheVector, ensureActiveIndex, insertVectors, setDimensions, toBlob } from '../training/vector-index.js';
import { dayRange } from './insights.js';
import { InsightsBody } from './insights-schemas.js';

const ORIGIN = 'https://shop.example.com';
const D = 8;
const SPACE = { endpoint: OPENROUTER_ENDPOINT, model: 'openai/text-embedding-3-small' };
const vector = (...head: number[]) => Float32Array.from({ length: D }, (_, i) => head[i] ?? 0);
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** Today and the days before it (UTC), as the endpoint counts them. */
const days = dayRange(90).days.reverse();
const at = (daysAgo: number, time = '10:00:00.000') => `${days[daysAgo]}T${time}Z`;

function seed(db: Db) {
  const sourceId = sourceOfKind(db, 'text').id;
  const doc = (key: string, title: string, url: string | null, updatedAt: string) => {
    const id = Number(db.prepare(`INSERT INTO documents (source_id, source_key, title, url, kind, content, content_hash, token_count, updated_at)
      VALUES (?, ?, ?, ?, 'page', ?, ?, 10, ?)`).run(sourceId, key, title, url, title, sha(title), updatedAt).lastInsertRowid);
    const chunk = Number(db.prepare(`INSERT INTO chunks (document_id, position, text, content, token_count, text_hash) VALUES (?, 0, ?, ?, 10, ?)`)
      .run(id, title, title, sha(title)).lastInsertRowid);
    return { id, chunk };
  };
  const pricing = doc('pricing', 'Pricing', 'https://shop.example.com/pricing', '2025-01-03T00:00:00.000Z');
  const warranty = doc('warranty', 'Warranty', 'https://shop.example.com/warranty', '2025-01-02T00:00:00.000Z');
  const press = doc('press', 'Press release 2019', null, '2025-01-01T00:00:00.000Z');
  doc('draft', 'Draft, not trained yet', null, '2024-12-01T00:00:00.000Z');
  const index = setDimensions(db, ensureActiveIndex(db, SPACE), D);
  insertVectors(db, index, [pricing, warranty, press].map((d) => ({ chunkId: d.chunk, vector: toBlob(vector(1)) })));

  // The vectors the chat cached for the questions it embedded (not every wording was embedded).
  cacheVector(db, index, sha('How much is the Pro plan?'), vector(1, 0, 0));
  cacheVector(db, index, sha('What does Pro cost?'), vector(0.95, 0.31, 0));
  cacheVector(db, index, sha('Do you ship to Mars?'), vector(0, 0, 1));
  cacheVector(db, index, sha('Can you deliver to Mars?'), vector(0, 0.1, 0.99));
  cacheVector(db, index, sha('Tell me a story'), vector(0, 1, 0));

  const ids: Record<string, string> = {};
  const retrieved = (...docs: Array<{ chunk: number }>) => JSON.stringify(docs.map((d) => ({ chunkId: d.chunk, title: 't', url: null, matchPercent: 80 })));
  const conversation = (name: string, daysAgo: number, question: string, status: string, used: string, channel = 'widget') => {
    const id = (ids[name] = randomUUID());
    db.prepare('INSERT INTO conversations (id, visitor_hash, origin, channel, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, `visitor-${name}`, ORIGIN, channel, at(daysAgo), at(daysAgo));
    db.prepare("INSERT INTO messages (id, conversation_id, role, text, created_at) VALUES (?, ?, 'user', ?, ?)").run(randomUUID(), id, question, at(daysAgo));
    db.prepare("INSERT INTO messages (id, conversation_id, role, text, status, retrieved, cost, created_at) VALUES (?, ?, 'assistant', 'An answer', ?, ?, 0.001, ?)")
      .run(`${name}-answer`, id, status, used, at(daysAgo, '10:00:01.000'));
  };
  conversation('c1', 1, 'How much is the Pro plan?', 'complete', retrieved(pricing));
  conversation('c8', 3, 'How much is the Pro plan?', 'complete', retrieved(pricing));
  conversation('c2', 0, 'What does Pro cost?', 'complete', retrieved(pricing));
  conversation('c3', 0, 'how much is the pro plan', 'complete', retrieved(pricing, warranty, pricing));
  conversation('c4', 2, 'Do you ship to Mars?', 'no_answer', '[]');
  conversation('c5', 0, 'Can you deliver to Mars?', 'error', '[]');
  conversation('c7', 0, 'Tell me a story', 'stopped', retrieved(warranty));
  conversation('c6', 10, '=cmd|calc', 'complete', retrieved(press));
  conversation('p1', 0, 'How much is the Pro plan?', 'complete', retrieved(press), 'playground');
  const feedback = (name: string, value: string | null) => db.prepare('UPDATE messages SET feedback = ? WHERE id = ?').run(value, `${name}-answer`);
  feedback('c1', 'up');
  feedback('c2', 'up');
  feedback('c2', 'down'); // changed their mind: counted once, as down
  feedback('p1', 'down'); // the admin's own test: not counted

  const usage = db.prepare('INSERT INTO usage_days (day, channel, conversations, messages, tokens, cost) VALUES (?, ?, ?, ?, 100, ?)');
  usage.run(days[0], 'widget', 4, 8, 0.004);
  usage.run(days[1], 'widget', 1, 2, 0.001);
  usage.run(days[0], 'playground', 1, 2, 0.5);
  return { ids, pricing, warranty, press };
}

async function setup(t: { after(fn: () => unknown): void }) {
  const testApp = await createTestApp();
  t.after(testApp.close);
  const admin = await setupAdmin(testApp.app);
  return { ...testApp, admin };
}

test('insights: per-day numbers, near-duplicate questions counted together, unanswered ones, sources used and unused', async (t) => {
  const { app, admin } = await setup(t);
  const { ids, pricing, warranty, press } = seed(app.db);

  const res = await admin.request('GET', '/api/admin/dashboard/insights?days=7');
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.doesNotThrow(() => InsightsBody.parse(body));
  const zero = { conversations: 0, messages: 0, cost: 0, answers: 0, answered: 0, thumbsUp: 0, thumbsDown: 0 };
  assert.deepEqual(body, {
    range: { days: 7, from: days[6], to: days[0] },
    daily: [
      { ...zero, day: days[6] }, { ...zero, day: days[5] }, { ...zero, day: days[4] },
      { ...zero, day: days[3], answers: 1, answered: 1 },
      { ...zero, day: days[2], answers: 1 },
      { ...zero, day: days[1], conversations: 1, messages: 2, cost: 0.001, answers: 1, answered: 1, thumbsUp: 1 },
      { ...zero, day: days[0], conversations: 4, messages: 8, cost: 0.004, answers: 3, answered: 2, thumbsDown: 1 },
    ],
    totals: { conversations: 5, messages: 10, cost: 0.005, answers: 6, answered: 4, answeredShare: 4 / 6, thumbsUp: 1, thumbsDown: 1 },
    groupedBySimilarity: true,
    topQuestions: [
      { question: 'How much is the Pro plan?', variants: ['What does Pro cost?', 'how much is the pro plan'], asked: 4, answered: 4, answeredWell: 3, unanswered: 0, conversationId: ids.c1 },
      { question: 'Can you deliver to Mars?', variants: ['Do you ship to Mars?'], asked: 2, answered: 0, answeredWell: 0, unanswered: 2, conversationId: ids.c5 },
      { question: 'Tell me a story', variants: [], asked: 1, answered: 0, answeredWell: 0, unanswered: 0, conversationId: ids.c7 },
    ],
    unansweredQuestions: [
      { question: 'Can you deliver to Mars?', variants: ['Do you ship to Mars?'], asked: 2, answered: 0, answeredWell: 0, unanswered: 2, conversationId: ids.c5 },
    ],
    sources: [
      { documentId: pricing.id, title: 'Pricing', url: 'https://shop.example.com/pricing', source: 'Text & Q&A', answers: 4 },
      { documentId: warranty.id, title: 'Warranty', url: 'https://shop.example.com/warranty', source: 'Text & Q&A', answers: 1 },
    ],
    unusedDocuments: { total: 1, documents: [{ documentId: press.id, title: 'Press release 2019', url: null, source: 'Text & Q&A' }] },
  });

  // 30 days reach the older conversation: its question, and the press release it used.
  const month = (await admin.request('GET', '/api/admin/dashboard/insights?days=30')).json();
  assert.deepEqual(month.range, { days: 30, from: days[29], to: days[0] });
  assert.equal(month.daily.length, 30);
  assert.deepEqual(month.topQuestions.map((q: { question: string; asked: number }) => [q.question, q.asked]),
    [['How much is the Pro plan?', 4], ['Can you deliver to Mars?', 2], ['=cmd|calc', 1], ['Tell me a story', 1]]);
  assert.deepEqual(month.sources.map((s: { title: string; answers: number }) => [s.title, s.answers]), [['Pricing', 4], ['Press release 2019', 1], ['Warranty', 1]]);
  assert.deepEqual(month.unusedDocuments, { total: 0, documents: [] });

  // Deleting a conversation takes its question out of the lists (retention and "Delete" reach the insights).
  assert.equal((await admin.request('DELETE', `/api/admin/conversations/${ids.c5}`)).statusCode, 200);
  const after = (await admin.request('GET', '/api/admin/dashboard/insights?days=7')).json();
  assert.deepEqual(after.unansweredQuestions, [
    { question: 'Do you ship to Mars?', variants: [], asked: 1, answered: 0, answeredWell: 0, unanswered: 1, conversationId: ids.c4 },
  ]);
  assert.equal(app.db.prepare("SELECT count(*) FROM question_days WHERE question = 'Can you deliver to Mars?'").pluck().get(), 0);
  assert.deepEqual(after.totals, body.totals, 'the per-day counts, like the usage numbers, stay');
});

test('insights CSV: each list with formulas neutralised, as a named attachment', async (t) => {
  const { app, admin } = await setup(t);
  seed(app.db);
  const csv = await admin.request('GET', '/api/admin/dashboard/insights/export.csv?days=30&list=top-questions');
  assert.equal(csv.statusCode, 200);
  assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
  assert.equal(csv.headers['content-disposition'], `attachment; filename="docent-top-questions-${days[29]}-to-${days[0]}.csv"`);
  const lines = csv.body.split('\r\n');
  assert.equal(lines[0], '\uFEFF"question","also_asked_as","asked","answered","answered_well","unanswered","conversation"');
  assert.match(lines[1], /^"How much is the Pro plan\?","What does Pro cost\? \| how much is the pro plan","4","4","3","0","\/admin\/conversations\/[0-9a-f-]{36}"$/);
  assert.match(lines[3], /^"'=cmd\|calc","","1","1","1","0","\/admin\/conversations\/[0-9a-f-]{36}"$/, 'a formula is neutralised');
  assert.equal(lines.length, 6, 'four groups, then the final line end');

  const unanswered = await admin.request('GET', '/api/admin/dashboard/insights/export.csv?days=7&list=unanswered-questions');
  assert.match(unanswered.body.split('\r\n')[1], /^"Can you deliver to Mars\?","Do you ship to Mars\?","2","0","0","2","\/admin\/conversations\//);

  const sources = await admin.request('GET', '/api/admin/dashboard/insights/export.csv?days=7&list=sources');
  assert.equal(sources.body, '\uFEFF"document","url","source","answers"\r\n"Pricing","https://shop.example.com/pricing","Text & Q&A","4"\r\n'
    + '"Warranty","https://shop.example.com/warranty","Text & Q&A","1"\r\n');
  const unused = await admin.request('GET', '/api/admin/dashboard/insights/export.csv?days=7&list=unused-documents');
  assert.equal(unused.headers['content-disposition'], `attachment; filename="docent-unused-documents-${days[6]}-to-${days[0]}.csv"`);
  assert.equal(unused.body, '\uFEFF"document","url","source"\r\n"Press release 2019","","Text & Q&A"\r\n');
});

test('insights: a range or list other than those offered is a 400 naming it; the admin session is required', async (t) => {
  const { app, admin } = await setup(t);
  const bad = await admin.request('GET', '/api/admin/dashboard/insights?days=14');
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().message, 'days in the query string: Use 7, 30 or 90 (days).');
  const list = await admin.request('GET', '/api/admin/dashboard/insights/export.csv?list=everything');
  assert.equal(list.statusCode, 400);
  assert.equal(list.json().message, 'list in the query string: Use one of: top-questions, unanswered-questions, sources, unused-documents.');
  assert.equal((await app.inject({ method: 'GET', url: '/api/admin/dashboard/insights' })).statusCode, 401);
  const empty = (await admin.request('GET', '/api/admin/dashboard/insights')).json();
  assert.equal(empty.range.days, 30, '30 days unless asked otherwise');
  assert.deepEqual([empty.totals.answeredShare, empty.topQuestions, empty.groupedBySimilarity], [null, [], false]);
});

test('insights follow real chats: the widget answer, its Q&A source and an unanswered question', async (t) => {
  const { app, admin, fake } = await setup(t);
  await admin.request('PUT', '/api/admin/settings/api', { provider: 'openrouter', apiKey: FAKE_KEY, model: 'openai/gpt-5.4-mini', fallbackModels: [], reasoningEnabled: false });
  await admin.request('GET', '/api/admin/models');
  await admin.request('POST', '/api/admin/training/text', { question: 'What does the warranty cover?', answer: 'Every Acme widget has a two-year warranty covering manufacturing faults.' });
  await admin.request('POST', '/api/admin/training/start');
  await app.training.runner.idle();
  fake.setChatReply('It covers manufacturing faults for two years.');
  const ask = (message: string, visitorId: string) => app.inject({ method: 'POST', url: '/api/widget/chat', headers: { origin: ORIGIN }, payload: { visitorId, message } });
  await ask('What does the warranty cover?', 'visitor-0001');
  await ask('zzqx blorp', 'visitor-0002');
  const body = (await admin.request('GET', '/api/admin/dashboard/insights?days=7')).json();
  const today = body.daily.at(-1);
  assert.deepEqual([today.conversations, today.messages, today.answers, today.answered], [2, 4, 2, 1]);
  assert.equal(body.groupedBySimilarity, true, 'the chat cached the question vectors the grouping reads');
  assert.deepEqual(body.topQuestions.map((q: { question: string; answered: number }) => [q.question, q.answered]),
    [['What does the warranty cover?', 1], ['zzqx blorp', 0]]);
  assert.deepEqual(body.unansweredQuestions.map((q: { question: string }) => q.question), ['zzqx blorp']);
  assert.deepEqual(body.sources.map((s: { title: string; answers: number }) => [s.title, s.answers]), [['What does the warranty cover?', 1]]);
});
