// The usage store on both backends: every question and answer counted on its UTC day and channel (the dashboard,
// the spend cap), a visitor's questions counted for the limits, old ledger entries pruned; questions counted on
// several nodes at once all add up.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends, openForTest } from '../../e2e/support/store-backends.js';

const question = (visitorHash: string, newConversation = false, channel: 'widget' | 'playground' = 'widget') => ({ visitorHash, channel, newConversation });

for (const backend of backends()) {
  describe(`usage store (${backend.name})`, { skip: backend.skip }, () => {
    it('questions and answers add up per UTC day and channel', async (t) => {
      const { usage } = (await openForTest(backend, t)).stores;
      const first = await usage.recordQuestion(question('v1', true), '2026-03-01T23:59:00.000Z');
      const second = await usage.recordQuestion(question('v1'), '2026-03-02T00:01:00.000Z');
      const third = await usage.recordQuestion(question('v2', true), '2026-03-02T10:00:00.000Z');
      await usage.recordQuestion(question('admin', true, 'playground'), '2026-03-02T11:00:00.000Z');
      assert.ok(first < second && second < third, 'ledger entries in order');

      // An answer finishing after midnight counts on the day its question was asked.
      await usage.recordAnswer(first, { cost: 0.25, tokens: 1_000 });
      await usage.recordAnswer(second, { cost: 0.5, tokens: 2_000 });
      await usage.recordAnswer(third, { cost: 0.125, tokens: 500 });

      assert.equal(await usage.spentOn('2026-03-01'), 0.25);
      assert.equal(await usage.spentOn('2026-03-02'), 0.625);
      assert.equal(await usage.spentOn('2026-03-03'), 0);
      assert.deepEqual(await usage.usageSince('widget', '2026-03-01'), { conversations: 2, messages: 6, tokens: 3_500, cost: 0.875 });
      assert.deepEqual(await usage.usageSince('widget', '2026-03-02'), { conversations: 1, messages: 4, tokens: 2_500, cost: 0.625 });
      assert.deepEqual(await usage.usageSince('playground', '2026-03-01'), { conversations: 1, messages: 1, tokens: 0, cost: 0 });
      assert.deepEqual(await usage.usageSince('widget', '2026-04-01'), { conversations: 0, messages: 0, tokens: 0, cost: 0 });
      assert.deepEqual(await usage.widgetDays({ from: '2026-02-01', to: '2026-03-31' }), [
        { day: '2026-03-01', conversations: 1, messages: 2, cost: 0.25 },
        { day: '2026-03-02', conversations: 1, messages: 4, cost: 0.625 },
      ]);
      assert.deepEqual(await usage.widgetDays({ from: '2026-03-02', to: '2026-03-02' }), [{ day: '2026-03-02', conversations: 1, messages: 4, cost: 0.625 }]);
    });

    it("a visitor's questions over the last minute and today, whoever else asked", async (t) => {
      const { usage } = (await openForTest(backend, t)).stores;
      await usage.recordQuestion(question('v1'), '2026-03-01T23:00:00.000Z');
      await usage.recordQuestion(question('v1'), '2026-03-02T09:00:00.000Z');
      await usage.recordQuestion(question('v1'), '2026-03-02T09:59:30.000Z');
      await usage.recordQuestion(question('v1'), '2026-03-02T09:59:50.000Z');
      await usage.recordQuestion(question('v2'), '2026-03-02T09:59:55.000Z');
      assert.deepEqual(await usage.visitorQuestionCounts('v1', '2026-03-02T09:59:10.000Z', '2026-03-02T00:00:00.000Z'), { lastMinute: 2, today: 3 });
      assert.deepEqual(await usage.visitorQuestionCounts('v3', '2026-03-02T09:59:10.000Z', '2026-03-02T00:00:00.000Z'), { lastMinute: 0, today: 0 });
    });

    it('pruning drops old ledger entries but keeps the day totals; an answer to a pruned question counts today', async (t) => {
      const { usage } = (await openForTest(backend, t)).stores;
      const old = await usage.recordQuestion(question('v1', true), '2026-01-01T10:00:00.000Z');
      await usage.recordQuestion(question('v1'), '2026-01-02T10:00:00.000Z');
      await usage.recordQuestion(question('v1'), '2026-03-01T10:00:00.000Z');
      assert.equal(await usage.pruneLedger('2026-02-01T00:00:00.000Z'), 2);
      assert.equal(await usage.pruneLedger('2026-02-01T00:00:00.000Z'), 0);
      assert.deepEqual(await usage.visitorQuestionCounts('v1', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'), { lastMinute: 1, today: 1 });
      assert.deepEqual(await usage.usageSince('widget', '2026-01-01'), { conversations: 1, messages: 3, tokens: 0, cost: 0 });

      await usage.recordAnswer(old, { cost: 0.5, tokens: 10 });
      const today = new Date().toISOString().slice(0, 10);
      assert.equal(await usage.spentOn(today), 0.5);
      assert.equal(await usage.spentOn('2026-01-01'), 0);
    });

    it('questions and answers counted on several nodes at once all add up', async (t) => {
      const { usage } = (await openForTest(backend, t)).stores;
      const at = '2026-03-02T10:00:00.000Z';
      // Every connection open first, so the writes really overlap instead of queueing behind connection set-up.
      await Promise.all(Array.from({ length: 8 }, () => usage.spentOn('2026-03-02')));
      const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => usage.recordQuestion(question(`v${i % 3}`, i % 2 === 0), at)));
      assert.equal(new Set(ids).size, 20);
      await Promise.all(ids.map((id) => usage.recordAnswer(id, { cost: 0.25, tokens: 100 })));
      assert.deepEqual(await usage.usageSince('widget', '2026-03-02'), { conversations: 10, messages: 40, tokens: 2_000, cost: 5 });
    });
  });
}
