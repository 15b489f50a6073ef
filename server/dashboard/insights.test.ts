// Dashboard insights over inject, on a real SQLite file or PostgreSQL database: conversations and messages are
// written as the chat writes them (the triggers of migration 014 keep the rollups), then the endpoint's exact answer
// is checked.
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import assert from 'node:assert/strict';
import { createTestApp, onPostgres, setupAdmin } from '../../e2e/support/harness.js';
import { FAKE_KEY } from '../../e2e/fakes/openrouter.js';
import { days, seedInsights } from '../../e2e/support/insights-seed.js';
import { sqliteTestDb, testDb } from '../../e2e/support/test-db.js';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../stores/sqlite/database.js';
import { migrate } from '../stores/sqlite/migrate.js';
import { sqliteStoresOn } from '../stores/sqlite/open.js';
import { MIGRATIONS_DIR } from '../paths.js';
import { insights } from './insights.js';
import { buildDigest, digestEmail } from '../notifications/digest.js';
import { InsightsBody } from './schemas.js';

const ORIGIN = 'https://shop.example.com';

async function setup(t: { after(fn: () => unknown): void }) {
  const testApp = await createTestApp();
  t.after(testApp.close);
  const admin = await setupAdmin(testApp.app);
  return { ...testApp, admin };
}

const seed = (app: FastifyInstance) => seedInsights(testDb(app), app.stores.vectors);

test('insights: per-day numbers, near-duplicate questions counted together, unanswered ones, sources used and unused', async (t) => {
  const { app, admin } = await setup(t);
  const { ids, pricing, warranty, press } = await seed(app);

  const res = await admin.request('GET', '/api/admin/dashboard/insights?days=7');
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.doesNotThrow(() => InsightsBody.parse(body));
  const zero = { conversations: 0, messages: 0, cost: 0, answers: 0, answered: 0, thumbsUp: 0, thumbsDown: 0 };
  assert.deepEqual(body, {
    range: { days: 7, from: days[6], to: days[0] },
    daily: [
      { ...zero, day: days[6] },
      { ...zero, day: days[5] },
      { ...zero, day: days[4] },
      { ...zero, day: days[3], answers: 1, answered: 1 },
      { ...zero, day: days[2], answers: 1 },
      { ...zero, day: days[1], conversations: 1, messages: 2, cost: 0.001, answers: 1, answered: 1, thumbsUp: 1 },
      { ...zero, day: days[0], conversations: 4, messages: 8, cost: 0.004, answers: 3, answered: 2, thumbsDown: 1 },
    ],
    totals: { conversations: 5, messages: 10, cost: 0.005, answers: 6, answered: 4, answeredShare: 4 / 6, thumbsUp: 1, thumbsDown: 1 },
    groupedBySimilarity: true,
    topQuestions: [
      {
        question: 'How much is the Pro plan?',
        variants: ['What does Pro cost?', 'how much is the pro plan'],
        asked: 4,
        answered: 4,
        answeredWell: 3,
        unanswered: 0,
        conversationId: ids.c1,
      },
      {
        question: 'Can you deliver to Mars?',
        variants: ['Do you ship to Mars?'],
        asked: 2,
        answered: 0,
        answeredWell: 0,
        unanswered: 2,
        conversationId: ids.c5,
      },
      { question: 'Tell me a story', variants: [], asked: 1, answered: 0, answeredWell: 0, unanswered: 0, conversationId: ids.c7 },
    ],
    unansweredQuestions: [
      {
        question: 'Can you deliver to Mars?',
        variants: ['Do you ship to Mars?'],
        asked: 2,
        answered: 0,
        answeredWell: 0,
        unanswered: 2,
        conversationId: ids.c5,
      },
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
  assert.deepEqual(
    month.topQuestions.map((q: { question: string; asked: number }) => [q.question, q.asked]),
    [
      ['How much is the Pro plan?', 4],
      ['Can you deliver to Mars?', 2],
      ['=cmd|calc', 1],
      ['Tell me a story', 1],
    ],
  );
  assert.deepEqual(
    month.sources.map((s: { title: string; answers: number }) => [s.title, s.answers]),
    [
      ['Pricing', 4],
      ['Press release 2019', 1],
      ['Warranty', 1],
    ],
  );
  assert.deepEqual(month.unusedDocuments, { total: 0, documents: [] });

  // Deleting a conversation takes its question out of the lists (retention and "Delete" reach the insights).
  assert.equal((await admin.request('DELETE', `/api/admin/conversations/${ids.c5}`)).statusCode, 200);
  const after = (await admin.request('GET', '/api/admin/dashboard/insights?days=7')).json();
  assert.deepEqual(after.unansweredQuestions, [
    { question: 'Do you ship to Mars?', variants: [], asked: 1, answered: 0, answeredWell: 0, unanswered: 1, conversationId: ids.c4 },
  ]);
  assert.equal(await testDb(app).value("SELECT count(*) FROM questions WHERE text = 'Can you deliver to Mars?'"), 0, 'its words are gone');
  assert.deepEqual(after.totals, body.totals, 'the per-day counts, like the usage numbers, stay');
});

test('insights CSV: each list with formulas neutralised, as a named attachment', async (t) => {
  const { app, admin } = await setup(t);
  await seed(app);
  const csv = await admin.request('GET', '/api/admin/dashboard/insights/export.csv?days=30&list=top-questions');
  assert.equal(csv.statusCode, 200);
  assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
  assert.equal(csv.headers['content-disposition'], `attachment; filename="docent-top-questions-${days[29]}-to-${days[0]}.csv"`);
  const lines = csv.body.split('\r\n');
  assert.equal(lines[0], '\uFEFF"question","also_asked_as","asked","answered","answered_well","unanswered","conversation"');
  assert.match(
    lines[1],
    /^"How much is the Pro plan\?","What does Pro cost\? \| how much is the pro plan","4","4","3","0","\/admin\/conversations\/[0-9a-f-]{36}"$/,
  );
  assert.match(lines[3], /^"'=cmd\|calc","","1","1","1","0","\/admin\/conversations\/[0-9a-f-]{36}"$/, 'a formula is neutralised');
  assert.equal(lines.length, 6, 'four groups, then the final line end');

  const unanswered = await admin.request('GET', '/api/admin/dashboard/insights/export.csv?days=7&list=unanswered-questions');
  assert.match(unanswered.body.split('\r\n')[1], /^"Can you deliver to Mars\?","Do you ship to Mars\?","2","0","0","2","\/admin\/conversations\//);

  const sources = await admin.request('GET', '/api/admin/dashboard/insights/export.csv?days=7&list=sources');
  assert.equal(
    sources.body,
    '\uFEFF"document","url","source","answers"\r\n"Pricing","https://shop.example.com/pricing","Text & Q&A","4"\r\n' +
      '"Warranty","https://shop.example.com/warranty","Text & Q&A","1"\r\n',
  );
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
  await app.training.runner.idle();
  fake.setChatReply('It covers manufacturing faults for two years.');
  const ask = (message: string, visitorId: string) =>
    app.inject({ method: 'POST', url: '/api/widget/chat', headers: { origin: ORIGIN }, payload: { visitorId, message } });
  await ask('What does the warranty cover?', 'visitor-0001');
  await ask('zzqx blorp', 'visitor-0002');
  const body = (await admin.request('GET', '/api/admin/dashboard/insights?days=7')).json();
  const today = body.daily.at(-1);
  assert.deepEqual([today.conversations, today.messages, today.answers, today.answered], [2, 4, 2, 1]);
  assert.equal(body.groupedBySimilarity, true, 'the chat cached the question vectors the grouping reads');
  assert.deepEqual(
    body.topQuestions.map((q: { question: string; answered: number }) => [q.question, q.answered]),
    [
      ['What does the warranty cover?', 1],
      ['zzqx blorp', 0],
    ],
  );
  assert.deepEqual(
    body.unansweredQuestions.map((q: { question: string }) => q.question),
    ['zzqx blorp'],
  );
  assert.deepEqual(
    body.sources.map((s: { title: string; answers: number }) => [s.title, s.answers]),
    [['What does the warranty cover?', 1]],
  );
});

test('migration 014 counts what was stored before it exactly as the triggers count it afterwards', { skip: onPostgres() && 'SQLite migrations' }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'docent-insights-migration-'));
  try {
    const before = path.join(dir, 'migrations-013');
    mkdirSync(before);
    for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => Number(f.slice(0, 3)) < 14)) copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(before, f));
    const named = (body: unknown, ids: Record<string, string>) =>
      JSON.parse(Object.entries(ids).reduce((json, [name, id]) => json.replaceAll(id, name), JSON.stringify(body)));

    const live = openDatabase(path.join(dir, 'live.db'));
    migrate(live);
    const liveStores = sqliteStoresOn(live);
    const seeded = await seedInsights(sqliteTestDb(live), liveStores.vectors);
    const viaTriggers = named(await insights(liveStores, 90), seeded.ids);
    const upgraded = openDatabase(path.join(dir, 'upgraded.db'));
    migrate(upgraded, before);
    const upgradedStores = sqliteStoresOn(upgraded);
    const { ids } = await seedInsights(sqliteTestDb(upgraded), upgradedStores.vectors);
    assert.equal(migrate(upgraded)[0], '014_insights.sql');
    assert.deepEqual(named(await insights(upgradedStores, 90), ids), viaTriggers);
    assert.equal(viaTriggers.topQuestions.length, 4);
    live.close();
    upgraded.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the digest carries the top and unanswered questions of its period, and its e-mail lists them', async (t) => {
  const { app } = await setup(t);
  await seed(app);
  const digest = await buildDigest(app.stores, 'weekly', { from: days[6], to: days[0] });
  assert.deepEqual(digest.topQuestions, [
    { question: 'How much is the Pro plan?', asked: 4, answeredWell: 3 },
    { question: 'Can you deliver to Mars?', asked: 2, answeredWell: 0 },
    { question: 'Tell me a story', asked: 1, answeredWell: 0 },
  ]);
  assert.deepEqual(
    digest.unansweredQuestions.map((q) => [q.question, q.unanswered]),
    [['Can you deliver to Mars?', 2]],
  );
  const mail = digestEmail(digest);
  assert.deepEqual(mail.tables?.slice(1), [
    {
      caption: 'Top questions',
      head: ['Question', 'Asked', 'Answered well'],
      numeric: [1, 2],
      rows: [
        ['How much is the Pro plan?', '4', '3'],
        ['Can you deliver to Mars?', '2', '0'],
        ['Tell me a story', '1', '0'],
      ],
    },
    {
      caption: 'Unanswered questions (improve them from Dashboard → Insights)',
      head: ['Question', 'Unanswered'],
      numeric: [1],
      rows: [['Can you deliver to Mars?', '2']],
    },
  ]);
});
