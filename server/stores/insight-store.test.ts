// The insights' contract on both backends: the rollups kept by migration 014's triggers (SQLite triggers, PL/pgSQL
// on PostgreSQL) as the chat store writes messages, read through the insight store.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { knowledgeSeed } from '../../e2e/support/knowledge-seed.js';
import { backends, type OpenBackend } from '../../e2e/support/store-backends.js';
import type { AssistantRecord, ChatStore, MessageStatus } from './chat-store.js';
import type { InsightStore } from './insight-store.js';

const today = new Date().toISOString().slice(0, 10);
const range = { from: '2000-01-01', to: '9999-12-31' };
const widget = (visitorHash: string) => ({ visitorHash, origin: 'https://shop.example', channel: 'widget' as const });

function answer(conversationId: string, status: MessageStatus = 'complete', chunkIds: number[] = []): AssistantRecord {
  return {
    id: randomUUID(),
    conversationId,
    text: 'An answer.',
    sources: [],
    retrieved: chunkIds.map((chunkId) => ({ chunkId, title: 'T', url: null, matchPercent: 70 })),
    status,
    error: null,
    model: 'test/model',
    promptTokens: 1,
    completionTokens: 1,
    reasoningTokens: 0,
    cost: 0,
    latencyMs: 1,
    firstTokenMs: 1,
    qaDocumentId: null,
  };
}

for (const backend of backends()) {
  describe(`insight store (${backend.name})`, { skip: backend.skip }, () => {
    let opened: OpenBackend;
    let chat: ChatStore;
    let insights: InsightStore;
    before(async () => {
      opened = await backend.open();
      chat = opened.stores.chat;
      insights = opened.stores.insights;
    });
    after(async () => {
      await opened?.close();
    });

    /** A widget conversation asking `question`, answered with `status`; returns its id and the answer's. */
    async function ask(question: string, status: MessageStatus | null, visitor = randomUUID(), chunkIds: number[] = []) {
      const id = await chat.addQuestion(null, question, widget(visitor));
      const a = answer(id, status ?? 'complete', chunkIds);
      if (status) await chat.addAnswer(a);
      return { id, answerId: a.id, visitor };
    }

    it('counts questions asked, answered and unanswered, and the thumbs on answers', async () => {
      const first = await ask('How do I return shoes?', 'complete');
      const second = await ask('How do I return shoes?', 'complete');
      const failed = await ask('How do I return shoes?', 'no_answer');
      await ask('Do you sell hats?', 'error');
      await ask('Do you sell hats?', 'links_only');
      await ask('Any discounts?', 'stopped'); // counts neither way
      // The admin's Playground is not a visitor.
      const playground = await chat.addQuestion(null, 'How do I return shoes?', { visitorHash: 'admin', origin: null, channel: 'playground' });
      await chat.addAnswer(answer(playground));

      assert.deepEqual(await insights.answersByDay(range), [{ day: today, answers: 5, answered: 2, thumbsUp: 0, thumbsDown: 0 }]);
      let rows = await insights.questionRows(range, 10);
      assert.deepEqual(rows.top, [
        {
          question: 'How do I return shoes?',
          asked: 3,
          answered: 2,
          unanswered: 1,
          thumbsDown: 0,
          conversationId: failed.id,
          unansweredConversationId: failed.id,
        },
        {
          question: 'Do you sell hats?',
          asked: 2,
          answered: 0,
          unanswered: 2,
          thumbsDown: 0,
          conversationId: rows.top[1].conversationId,
          unansweredConversationId: rows.top[1].conversationId,
        },
        {
          question: 'Any discounts?',
          asked: 1,
          answered: 0,
          unanswered: 0,
          thumbsDown: 0,
          conversationId: rows.top[2].conversationId,
          unansweredConversationId: null,
        },
      ]);
      assert.deepEqual(
        rows.unanswered.map((r) => [r.question, r.unanswered]),
        [
          ['Do you sell hats?', 2],
          ['How do I return shoes?', 1],
        ],
      );
      assert.deepEqual(
        (await insights.questionRows(range, 1)).top.map((r) => r.question),
        ['How do I return shoes?'],
      );
      assert.deepEqual(await insights.questionRows({ from: '2000-01-01', to: '2000-01-02' }, 10), { top: [], unanswered: [] });

      // Thumbs: down, changed to up, taken back.
      await chat.setFeedback(first.answerId, first.visitor, 'down');
      await chat.setFeedback(second.answerId, second.visitor, 'down');
      assert.deepEqual(await insights.answersByDay(range), [{ day: today, answers: 5, answered: 2, thumbsUp: 0, thumbsDown: 2 }]);
      rows = await insights.questionRows(range, 10);
      assert.equal(rows.top[0].thumbsDown, 2);
      await chat.setFeedback(first.answerId, first.visitor, 'up');
      await chat.setFeedback(second.answerId, second.visitor, null);
      assert.deepEqual(await insights.answersByDay(range), [{ day: today, answers: 5, answered: 2, thumbsUp: 1, thumbsDown: 0 }]);
      assert.equal((await insights.questionRows(range, 10)).top[0].thumbsDown, 0);

      // Deleting a conversation takes its question out (the day's counts of answers stay: they hold no text).
      assert.equal(await chat.deleteConversation(failed.id), true);
      rows = await insights.questionRows(range, 10);
      const shoes = rows.top.find((r) => r.question === 'How do I return shoes?')!;
      assert.deepEqual([shoes.asked, shoes.answered, shoes.unanswered, shoes.conversationId, shoes.unansweredConversationId], [2, 2, 1, null, null]);
      assert.equal(await chat.deleteConversation(first.id), true);
      assert.equal(await chat.deleteConversation(second.id), true);
      rows = await insights.questionRows(range, 10);
      assert.equal(
        rows.top.find((r) => r.question === 'How do I return shoes?'),
        undefined,
      );
      assert.equal((await insights.answersByDay(range))[0].answers, 5);

      const existing = await insights.existingConversations([first.id, playground, randomUUID()]);
      assert.deepEqual([...existing], [playground]);
      assert.deepEqual([...(await insights.existingConversations([]))], []);
    });

    it('keeps a question of 4,000 characters (longer than a b-tree entry)', async () => {
      // Text that does not compress (pseudo-random CJK, 12,000 bytes): a unique b-tree index on it refuses the row.
      let state = 1;
      const next = () => {
        state = (state * 48271) % 2147483647;
        return state;
      };
      const long = Array.from({ length: 4000 }, () => String.fromCodePoint(0x4e00 + (next() % 2000))).join('');
      const { id } = await ask(long, 'no_answer');
      assert.equal(await chat.countQuestions(id), 1);
      const found = (await insights.questionRows(range, 50)).unanswered.find((r) => r.question === long);
      assert.deepEqual([found?.asked, found?.unansweredConversationId], [1, id]);
    });

    it('counts the questions and answers of concurrent conversations, deletes among them', async () => {
      const fresh = await backend.open();
      try {
        const store = fresh.stores.chat;
        const started = await Promise.all(Array.from({ length: 10 }, (_, i) => store.addQuestion(null, 'Same question', widget(`p${i}`))));
        await Promise.all([
          ...started.slice(0, 6).map((id, i) => store.addAnswer(answer(id, i % 2 ? 'complete' : 'no_answer'))),
          ...started.slice(6, 8).map((id) => store.deleteConversation(id)),
          ...Array.from({ length: 5 }, (_, i) => store.addQuestion(null, 'Same question', widget(`q${i}`))),
        ]);
        const [row] = (await fresh.stores.insights.questionRows(range, 10)).top;
        assert.deepEqual([row.asked, row.answered, row.unanswered], [13, 3, 3]);
      } finally {
        await fresh.close();
      }
    });

    it('counts the documents complete answers used, once per answer, and finds trained ones never used', async () => {
      const fresh = await backend.open();
      try {
        const seed = knowledgeSeed(fresh);
        const store = fresh.stores.chat;
        assert.deepEqual(await fresh.stores.insights.unusedDocuments(range, 10), { total: 0, documents: [] });
        const returns = await seed.document({ title: 'Returns', url: 'https://shop.example/returns', content: 'a b', chunks: ['returns one', 'returns two'] });
        const shipping = await seed.document({ title: 'Shipping', content: 'shipping' });
        const hats = await seed.document({ title: 'Hats', content: 'hats' });
        await seed.document({ title: 'Draft (never trained)', content: 'draft' });
        await seed.train([...returns.chunkIds, ...shipping.chunkIds, ...hats.chunkIds]);

        // Both chunks of Returns in one answer count once; an unanswered or Playground answer counts nothing.
        const c1 = await store.addQuestion(null, 'Returns?', widget('d1'));
        await store.addAnswer(answer(c1, 'complete', [...returns.chunkIds, ...shipping.chunkIds]));
        const c2 = await store.addQuestion(null, 'Returns again?', widget('d2'));
        await store.addAnswer(answer(c2, 'complete', [returns.chunkIds[1]]));
        await store.addAnswer(answer(c2, 'no_answer', hats.chunkIds));
        const p = await store.addQuestion(null, 'Hats?', { visitorHash: 'admin', origin: null, channel: 'playground' });
        await store.addAnswer(answer(p, 'complete', hats.chunkIds));
        // A chunk id that is no chunk (deleted meanwhile) is skipped.
        await store.addAnswer(answer(c2, 'complete', [999_999]));

        const used = await fresh.stores.insights.mostUsedDocuments(range, 10);
        assert.deepEqual(used, [
          { documentId: returns.id, title: 'Returns', url: 'https://shop.example/returns', source: 'Text & Q&A', answers: 2 },
          { documentId: shipping.id, title: 'Shipping', url: null, source: 'Text & Q&A', answers: 1 },
        ]);
        assert.deepEqual(
          (await fresh.stores.insights.mostUsedDocuments(range, 1)).map((d) => d.title),
          ['Returns'],
        );
        assert.deepEqual(await fresh.stores.insights.mostUsedDocuments({ from: '2000-01-01', to: '2000-01-02' }, 10), []);

        assert.deepEqual(await fresh.stores.insights.unusedDocuments(range, 10), {
          total: 1,
          documents: [{ documentId: hats.id, title: 'Hats', url: null, source: 'Text & Q&A' }],
        });
        // Out of the range every trained document is unused, oldest first; the total counts past the limit.
        const old = await fresh.stores.insights.unusedDocuments({ from: '2000-01-01', to: '2000-01-02' }, 2);
        assert.deepEqual([old.total, old.documents.map((d) => d.documentId)], [3, [returns.id, shipping.id]]);
      } finally {
        await fresh.close();
      }
    });

    it('gives the vector each question was searched with, from the active index', async () => {
      const fresh = await backend.open();
      try {
        const hash = (text: string) => createHash('sha256').update(text).digest('hex');
        assert.equal(await fresh.stores.insights.questionVectors([hash('Returns?')]), null);
        const vector = Float32Array.from([0.5, -0.25, 0, 0, 1, 0, 0, 0.125]);
        await knowledgeSeed(fresh).cacheVector(hash('Returns?'), vector);
        const vectors = await fresh.stores.insights.questionVectors([hash('Never asked'), hash('Returns?')]);
        assert.deepEqual(vectors, [null, vector]);
        assert.deepEqual(await fresh.stores.insights.questionVectors([]), []);
      } finally {
        await fresh.close();
      }
    });
  });
}
