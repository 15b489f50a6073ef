// The chat store's contract, run on both backends: what the widget, the Playground, the Conversations screen and
// the alerts rely on.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { backends, type OpenBackend } from '../../e2e/support/store-backends.js';
import type { AssistantRecord, ChatStore } from './chat-store.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const widget = (visitorHash = 'visitor-a') => ({ visitorHash, origin: 'https://shop.example', channel: 'widget' as const });

function answer(conversationId: string, fields: Partial<AssistantRecord> = {}): AssistantRecord {
  return {
    id: randomUUID(),
    conversationId,
    text: 'The answer.',
    sources: [{ title: 'Returns', url: 'https://shop.example/returns' }],
    retrieved: [{ chunkId: 1, title: 'Returns', url: null, matchPercent: 80 }],
    status: 'complete',
    error: null,
    model: 'test/model',
    promptTokens: 100,
    completionTokens: 20,
    reasoningTokens: 0,
    cost: 0.0015,
    latencyMs: 900,
    firstTokenMs: 300,
    qaDocumentId: null,
    ...fields,
  };
}

for (const backend of backends()) {
  describe(`chat store (${backend.name})`, { skip: backend.skip }, () => {
    let opened: OpenBackend;
    let chat: ChatStore;
    before(async () => {
      opened = await backend.open();
      chat = opened.stores.chat;
    });
    after(async () => {
      await opened?.close();
    });

    it('keeps a conversation turn by turn, in the order written, for its visitor only', async () => {
      const id = await chat.addQuestion(null, 'Can I return shoes?', widget());
      const first = answer(id);
      assert.equal(await chat.addAnswer(first), true);
      assert.equal(await chat.addQuestion(id, 'And boots?', widget()), id);
      // Written back to back (often in the same millisecond): still read in the order written.
      const quick = [answer(id, { text: 'one' }), answer(id, { text: 'two' }), answer(id, { text: 'three' })];
      for (const a of quick) await chat.addAnswer(a);

      const turns = await chat.turns(id);
      assert.deepEqual(
        turns.map((t) => [t.role, t.text]),
        [
          ['user', 'Can I return shoes?'],
          ['assistant', 'The answer.'],
          ['user', 'And boots?'],
          ['assistant', 'one'],
          ['assistant', 'two'],
          ['assistant', 'three'],
        ],
      );
      assert.deepEqual(turns[1], {
        id: first.id,
        role: 'assistant',
        text: 'The answer.',
        sources: first.sources,
        feedback: null,
        status: 'complete',
        createdAt: turns[1].createdAt,
      });
      assert.match(turns[0].createdAt, ISO);
      assert.deepEqual(turns[0].sources, []);
      assert.equal(await chat.countQuestions(id), 2);
      assert.equal(await chat.visitorHasConversation(id, 'visitor-a'), true);
      assert.equal(await chat.visitorHasConversation(id, 'visitor-b'), false);
      assert.equal(await chat.isPlaygroundConversation(id), false);
      assert.deepEqual(
        (await chat.transcript(id)).map((l) => [l.role, l.text, l.status]),
        turns.map((t) => [t.role, t.text, t.status]),
      );

      assert.equal(await chat.messageRole(id, turns[0].id), 'user');
      assert.equal(await chat.messageRole(id, first.id), 'assistant');
      assert.equal(await chat.messageRole(id, randomUUID()), 'no_message');
      assert.equal(await chat.messageRole(randomUUID(), first.id), 'no_conversation');
    });

    it('refuses an answer whose conversation was deleted while it was answered', async () => {
      const id = await chat.addQuestion(null, 'Hello?', widget());
      assert.equal(await chat.deleteConversation(id), true);
      assert.equal(await chat.addAnswer(answer(id)), false);
      assert.equal(await chat.deleteConversation(id), false);
      assert.deepEqual(await chat.turns(id), []);
    });

    it("sets thumbs only on the visitor's own answers", async () => {
      const id = await chat.addQuestion(null, 'Thumbs?', widget('visitor-t'));
      const a = answer(id);
      await chat.addAnswer(a);
      const question = (await chat.turns(id))[0];
      assert.equal(await chat.setFeedback(a.id, 'someone-else', 'up'), false);
      assert.equal(await chat.setFeedback(question.id, 'visitor-t', 'up'), false);
      assert.equal(await chat.setFeedback(a.id, 'visitor-t', 'down'), true);
      assert.equal((await chat.turns(id))[1].feedback, 'down');
      assert.equal(await chat.setFeedback(a.id, 'visitor-t', null), true);
      assert.equal((await chat.turns(id))[1].feedback, null);
    });

    it('lists, filters, details and exports conversations for the admin', async () => {
      const fresh = await backend.open();
      try {
        const store = fresh.stores.chat;
        const good = await store.addQuestion(null, 'Where is my order?', widget('v1'));
        const goodAnswer = answer(good, { promptTokens: 10, completionTokens: 5, cost: 0.25 });
        await store.addAnswer(goodAnswer);
        // Apart by a few milliseconds: the list's order is by time, and a tie may go either way.
        await sleep(5);
        const bad = await store.addQuestion(null, 'Do you sell hats?', widget('v2'));
        const unanswered = answer(bad, { status: 'no_answer', text: "I don't know." });
        await store.addAnswer(unanswered);
        await store.addAnswer(answer(bad, { status: 'error', error: 'timeout' }));
        await sleep(5);
        const down = await store.addQuestion(null, 'Opening hours?', { visitorHash: 'v3', origin: null, channel: 'playground' });
        const downAnswer = answer(down, { qaDocumentId: 7 });
        await store.addAnswer(downAnswer);
        await store.setFeedback(downAnswer.id, 'v3', 'down');
        await store.markImproved(downAnswer.id, '2026-01-02T03:04:05.678Z', 9);

        const all = await store.listConversations('all', 10, 0);
        assert.equal(all.total, 3);
        // Most recently active first.
        assert.deepEqual(
          all.conversations.map((c) => c.id),
          [down, bad, good],
        );
        const summary = all.conversations.find((c) => c.id === good)!;
        assert.deepEqual(summary, {
          id: good,
          createdAt: summary.createdAt,
          updatedAt: summary.updatedAt,
          origin: 'https://shop.example',
          channel: 'widget',
          firstQuestion: 'Where is my order?',
          messages: 2,
          cost: 0.25,
          tokens: 15,
          thumbsUp: null,
          thumbsDown: null,
          unanswered: 0,
          qaAnswers: 0,
          improvedAt: null,
          flaggedMessageId: null,
        });
        assert.match(summary.createdAt, ISO);
        const downSummary = all.conversations.find((c) => c.id === down)!;
        assert.deepEqual([downSummary.thumbsUp, downSummary.thumbsDown, downSummary.qaAnswers, downSummary.improvedAt], [0, 1, 1, '2026-01-02T03:04:05.678Z']);
        assert.equal(all.conversations.find((c) => c.id === bad)!.unanswered, 2);

        const page = await store.listConversations('all', 1, 1);
        assert.deepEqual([page.total, page.conversations.map((c) => c.id)], [3, [bad]]);

        const flagged = await store.listConversations('unanswered', 10, 0);
        assert.deepEqual([flagged.total, flagged.conversations.map((c) => [c.id, c.flaggedMessageId])], [1, [[bad, unanswered.id]]]);
        const thumbsDown = await store.listConversations('thumbs-down', 10, 0);
        assert.deepEqual([thumbsDown.total, thumbsDown.conversations.map((c) => [c.id, c.flaggedMessageId])], [1, [[down, downAnswer.id]]]);

        const detail = (await store.conversationDetail(down))!;
        assert.deepEqual(detail.conversation, { id: down, createdAt: detail.conversation.createdAt, origin: null, channel: 'playground' });
        assert.equal(detail.messages.length, 2);
        const [q, a] = detail.messages;
        assert.deepEqual([q.role, q.status, q.cost, q.qaAnswer, q.sources, q.retrieved], ['user', 'complete', 0, false, [], []]);
        assert.deepEqual(a, {
          id: downAnswer.id,
          role: 'assistant',
          text: 'The answer.',
          sources: downAnswer.sources,
          retrieved: downAnswer.retrieved,
          status: 'complete',
          error: null,
          model: 'test/model',
          promptTokens: 100,
          completionTokens: 20,
          reasoningTokens: 0,
          cost: 0.0015,
          latencyMs: 900,
          firstTokenMs: 300,
          feedback: 'down',
          createdAt: a.createdAt,
          qaAnswer: true,
          improvedAt: '2026-01-02T03:04:05.678Z',
          improvedQaId: 9,
        });
        assert.equal(await store.conversationDetail(randomUUID()), null);
        assert.equal(await store.isPlaygroundConversation(down), true);

        const exported = await store.exportMessages('unanswered');
        assert.deepEqual(
          exported.map((m) => [m.conversation, m.role, m.status, m.feedback]),
          [
            [bad, 'user', 'complete', null],
            [bad, 'assistant', 'no_answer', null],
            [bad, 'assistant', 'error', null],
          ],
        );
        assert.deepEqual(exported[1].sources, unanswered.sources);
        assert.deepEqual(
          [exported[1].prompt_tokens, exported[1].completion_tokens, exported[1].cost, exported[1].latency_ms, exported[1].model],
          [100, 20, 0.0015, 900, 'test/model'],
        );
        assert.equal((await store.exportMessages('all')).length, 7);

        // Widget answers only, stopped ones left out.
        await store.addAnswer(answer(good, { status: 'stopped' }));
        await store.setFeedback(goodAnswer.id, 'v1', 'up');
        assert.deepEqual(await store.widgetAnswerCounts('2000-01-01T00:00:00.000Z', '9999-01-01T00:00:00.000Z'), {
          total: 3,
          answered: 1,
          thumbsUp: 1,
          thumbsDown: 0,
        });
        assert.deepEqual(await store.widgetAnswerCounts('2000-01-01T00:00:00.000Z', '2000-01-02T00:00:00.000Z'), {
          total: 0,
          answered: 0,
          thumbsUp: 0,
          thumbsDown: 0,
        });

        assert.deepEqual(await store.latestWidgetVisit('https://docent.example'), {
          origin: 'https://shop.example',
          at: (await store.conversationDetail(bad))!.conversation.createdAt,
        });
        assert.equal(await store.latestWidgetVisit('https://shop.example'), null);
        assert.equal(await store.firstWidgetConversationSince('v2', '2000-01-01T00:00:00.000Z'), bad);
        assert.equal(await store.firstWidgetConversationSince('v3', '2000-01-01T00:00:00.000Z'), null);
        assert.equal(await store.firstWidgetConversationSince('v2', '9999-01-01T00:00:00.000Z'), null);

        // Retention: nothing is inactive since the epoch; everything is before the far future.
        assert.equal(await store.deleteInactiveSince('2000-01-01T00:00:00.000Z'), 0);
        assert.equal(await store.deleteInactiveSince('9999-01-01T00:00:00.000Z'), 3);
        assert.equal((await store.listConversations('all', 10, 0)).total, 0);
      } finally {
        await fresh.close();
      }
    });

    it('keeps one open alert per kind, counted across concurrent raises, until resolved', async () => {
      const raised = await Promise.all(Array.from({ length: 8 }, () => chat.raiseAlert('invalid_key', 'The API key was refused.')));
      assert.equal(new Set(raised.map((r) => r.id)).size, 1);
      assert.deepEqual(
        raised.map((r) => r.count).sort((a, b) => a - b),
        [1, 2, 3, 4, 5, 6, 7, 8],
      );
      await sleep(5);
      await chat.raiseAlert('low_balance', 'Credits are low.');
      await chat.raiseAlert('notification_email', 'Mail failed.');
      await sleep(5);
      const again = await chat.raiseAlert('low_balance', 'Credits are very low.');
      assert.equal(again.count, 2);

      const open = await chat.openAlerts();
      assert.deepEqual(open.map((a) => a.kind).sort(), ['invalid_key', 'low_balance', 'notification_email']);
      const low = open.find((a) => a.kind === 'low_balance')!;
      assert.deepEqual([low.message, low.count, typeof low.id], ['Credits are very low.', 2, 'number']);
      assert.match(low.firstAt, ISO);
      assert.ok(low.lastAt >= low.firstAt);
      assert.equal(open[0].kind, 'low_balance', 'the most recently raised first');

      await chat.resolveProviderAlerts();
      assert.deepEqual((await chat.openAlerts()).map((a) => a.kind).sort(), ['low_balance', 'notification_email']);
      await chat.resolveAlert('low_balance');
      const left = await chat.openAlerts();
      assert.deepEqual(
        left.map((a) => a.kind),
        ['notification_email'],
      );
      assert.equal(await chat.dismissAlert(left[0].id), true);
      assert.equal(await chat.dismissAlert(left[0].id), false);
      assert.deepEqual(await chat.openAlerts(), []);
      // A resolved kind raised again opens a new alert.
      const reopened = await chat.raiseAlert('invalid_key', 'Refused again.');
      assert.deepEqual([reopened.count, reopened.id === raised[0].id], [1, false]);
    });

    it('deletes conversations that asked the same questions in another order, at once', async () => {
      // Each deleted question updates the insights' row of its text: two deletes must not each hold one and wait
      // for the other (PostgreSQL would refuse one as a deadlock). Several rounds: a deadlock needs the timing.
      const asked = (visitor: string) => ({ visitorHash: visitor, origin: null, channel: 'widget' as const });
      for (let round = 0; round < 30; round++) {
        const texts = Array.from({ length: 16 }, (_, i) => `Shared ${round}-${i}`);
        const forward = await chat.addQuestion(null, texts[0], asked('f'));
        const backward = await chat.addQuestion(null, texts[15], asked('b'));
        for (let i = 1; i < texts.length; i++) {
          await chat.addQuestion(forward, texts[i], asked('f'));
          await chat.addQuestion(backward, texts[15 - i], asked('b'));
        }
        assert.deepEqual(await Promise.all([chat.deleteConversation(forward), chat.deleteConversation(backward)]), [true, true]);
      }
      const kept = await chat.addQuestion(null, 'Shared 0-1', asked('k'));
      assert.equal((await chat.deleteInactiveSince('9999-01-01T00:00:00.000Z')) >= 1, true);
      assert.equal(await chat.visitorHasConversation(kept, 'k'), false);
    });

    it('stores every question and answer of concurrent conversations', async () => {
      const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => chat.addQuestion(null, `Question ${i % 3}`, widget(`c${i}`))));
      await Promise.all(ids.flatMap((id) => [chat.addAnswer(answer(id)), chat.addQuestion(id, 'Follow-up', widget())]));
      for (const id of ids) assert.equal(await chat.countQuestions(id), 2);
    });
  });
}
