// SQLite's insight triggers and PostgreSQL's PL/pgSQL ones (migration 014) kept side by side: one random run of
// questions, answers, thumbs and deletes through the chat store on both backends must read back the same.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { knowledgeSeed } from '../../e2e/support/knowledge-seed.js';
import { backends, type OpenBackend } from '../../e2e/support/store-backends.js';
import type { MessageStatus } from './chat-store.js';

const [sqlite, postgres] = backends();
const range = { from: '2000-01-01', to: '9999-12-31' };
const QUESTIONS = ['How do I return shoes?', 'Do you sell hats?', 'Opening hours?', 'Shipping to Norway?', 'Gift cards?', 'Sizes?'];
const STATUSES: MessageStatus[] = ['complete', 'complete', 'complete', 'no_answer', 'error', 'links_only', 'stopped'];

/** The same sequence of choices on each backend (a seeded generator). */
function choices(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (state * 48271) % 2147483647;
    return state % n;
  };
}

/** Runs the workload; returns what the insight store reads, with conversation ids replaced by their creation order. */
async function run(opened: OpenBackend) {
  const pick = choices(20261203);
  const seed = knowledgeSeed(opened);
  const docs = [];
  for (let i = 0; i < 5; i++) docs.push(await seed.document({ title: `Doc ${i}`, content: `doc ${i}`, chunks: [`first ${i}`, `second ${i}`] }));
  await seed.train(docs.slice(0, 4).flatMap((d) => d.chunkIds));
  const chunkIds = docs.flatMap((d) => d.chunkIds);
  const { chat, insights } = opened.stores;
  const conversations: Array<{ id: string; visitor: string; answers: string[] }> = [];
  const live: typeof conversations = [];
  for (let step = 0; step < 160; step++) {
    const action = pick(10);
    if (action < 3 || live.length === 0) {
      const visitor = `v${step}`;
      const channel = pick(5) === 0 ? 'playground' : 'widget';
      const id = await chat.addQuestion(null, QUESTIONS[pick(QUESTIONS.length)], { visitorHash: visitor, origin: null, channel });
      conversations.push({ id, visitor, answers: [] });
      live.push(conversations[conversations.length - 1]);
    } else {
      const c = live[pick(live.length)];
      if (action < 5) await chat.addQuestion(c.id, QUESTIONS[pick(QUESTIONS.length)], { visitorHash: c.visitor, origin: null, channel: 'widget' });
      else if (action < 8) {
        const id = randomUUID();
        const used = Array.from({ length: pick(4) }, () => chunkIds[pick(chunkIds.length)]);
        await chat.addAnswer({
          id,
          conversationId: c.id,
          text: 'answer',
          sources: [],
          retrieved: used.map((chunkId) => ({ chunkId, title: 't', url: null, matchPercent: 50 })),
          status: STATUSES[pick(STATUSES.length)],
          error: null,
          model: null,
          promptTokens: 0,
          completionTokens: 0,
          reasoningTokens: 0,
          cost: 0,
          latencyMs: 0,
          firstTokenMs: null,
          qaDocumentId: null,
        });
        c.answers.push(id);
      } else if (action < 9 && c.answers.length) {
        await chat.setFeedback(c.answers[pick(c.answers.length)], c.visitor, (['up', 'down', null] as const)[pick(3)]);
      } else {
        await chat.deleteConversation(c.id);
        live.splice(live.indexOf(c), 1);
      }
    }
  }
  const order = new Map(conversations.map((c, i) => [c.id, i]));
  const named = (id: string | null) => (id === null ? null : (order.get(id) ?? 'unknown'));
  const rows = await insights.questionRows(range, 50);
  const byQuestion = (list: typeof rows.top) =>
    list.map((r) => ({ ...r, conversationId: named(r.conversationId), unansweredConversationId: named(r.unansweredConversationId) }));
  const days = await insights.answersByDay(range);
  return {
    days: days.map(({ day: _, ...counts }) => counts),
    top: byQuestion(rows.top),
    unanswered: byQuestion(rows.unanswered),
    used: (await insights.mostUsedDocuments(range, 10)).map((d) => [d.title, d.answers]),
    unused: (await insights.unusedDocuments(range, 10)).documents.map((d) => d.title),
    widget: await chat.widgetAnswerCounts('2000-01-01T00:00:00.000Z', '9999-01-01T00:00:00.000Z'),
    lists: await Promise.all(
      (['all', 'unanswered', 'thumbs-down'] as const).map(async (filter) => {
        const list = await chat.listConversations(filter, 100, 0);
        return [list.total, list.conversations.map((c) => [named(c.id), c.messages, c.thumbsUp, c.thumbsDown, c.unanswered]).sort()];
      }),
    ),
  };
}

describe('insights: SQLite and PostgreSQL agree', { skip: postgres.skip }, () => {
  it('reads back the same after one random run of questions, answers, thumbs and deletes', async () => {
    const results = [];
    for (const backend of [sqlite, postgres]) {
      const opened = await backend.open();
      try {
        results.push(await run(opened));
      } finally {
        await opened.close();
      }
    }
    assert.ok(results[0].top.length > 3 && results[0].used.length > 0, 'the run exercises the rollups');
    assert.deepEqual(results[1], results[0]);
  });
});
