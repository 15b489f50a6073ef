// Answers cut off by a dying node are closed as failed once none can still be under way, on both backends.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends, openForTest } from '../../e2e/support/store-backends.js';
import type { ChatStore } from '../stores/chat-store.js';
import { closeInterruptedAnswers, INTERRUPTED_ERROR } from './interrupted.js';
import { FRIENDLY } from './pipeline.js';
import { everyTickRuns } from '../cluster/schedule.js';

const TOTAL = 120_000;
const visitor = { visitorHash: 'v1', origin: 'https://shop.example.com', channel: 'widget' as const };

const answer = (chat: ChatStore, conversationId: string, text: string) =>
  chat.addAnswer({
    id: crypto.randomUUID(),
    conversationId,
    text,
    sources: [],
    retrieved: [],
    status: 'complete',
    error: null,
    model: 'openai/gpt-5.4-mini',
    promptTokens: 1,
    completionTokens: 1,
    reasoningTokens: 0,
    cost: 0,
    latencyMs: 10,
    firstTokenMs: 5,
    qaDocumentId: null,
  });

for (const backend of backends()) {
  describe(`interrupted answers (${backend.name})`, { skip: backend.skip }, () => {
    it('a question left without its answer gets a failed answer once none can still come; answered, recent and re-asked ones are left alone', async (t) => {
      const { stores } = await openForTest(backend, t);
      const { chat } = stores;
      const cut = await chat.addQuestion(null, 'How long is the warranty?', visitor);
      const answered = await chat.addQuestion(null, 'Do you ship abroad?', visitor);
      await answer(chat, answered, 'Yes, to 30 countries.');
      const retried = await chat.addQuestion(null, 'Where is my order?', visitor);
      await chat.addQuestion(retried, 'Where is my order?', visitor);
      await answer(chat, retried, 'Tracking is in your e-mail.');
      const deps = { chat, chatTotalTimeoutMs: TOTAL, schedule: everyTickRuns, log: { info() {}, error() {} } };

      assert.equal(await closeInterruptedAnswers({ ...deps, clock: () => Date.now() }), 0, 'within the total timeout, the answer may still come');
      const later = () => Date.now() + TOTAL + 11_000;
      assert.equal(await closeInterruptedAnswers({ ...deps, clock: later }), 1);
      assert.equal(await closeInterruptedAnswers({ ...deps, clock: later }), 0, 'closed once');

      const turns = await chat.turns(cut);
      assert.deepEqual(
        turns.map((m) => [m.role, m.status, m.text]),
        [
          ['user', 'complete', 'How long is the warranty?'],
          ['assistant', 'error', FRIENDLY.unavailable],
        ],
      );
      const detail = await chat.conversationDetail(cut);
      assert.equal(detail!.messages.at(-1)!.error, INTERRUPTED_ERROR, 'the admin sees why');
      assert.equal((await chat.turns(answered)).length, 2);
      assert.equal((await chat.turns(retried)).length, 3);
    });
  });
}
