// The per-visitor limits on a real database: a question is refused once the visitor reached the minute's or
// the day's allowance, counted from the usage ledger, and other visitors are not affected. On both backends.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type Backend, backends, openForTest } from '../../e2e/support/store-backends.js';
import type { UsageStore } from '../stores/usage-store.js';
import { HttpError } from '../http/errors.js';
import { recordQuestion } from './usage.js';
import { createVisitorLimits, type VisitorLimits } from './visitor-limits.js';

async function limitsOn(
  backend: Backend,
  t: { after(fn: () => unknown): void },
  perMinute: number,
  perDay: number,
): Promise<VisitorLimits & { usage: UsageStore }> {
  const { stores } = await openForTest(backend, t);
  const deps = { usage: stores.usage, readSettings: async () => ({ messagesPerMinutePerVisitor: perMinute, dailyMessagesPerVisitor: perDay }) };
  return { ...createVisitorLimits(deps), usage: stores.usage };
}

const refusedWith = (message: RegExp) => (error: unknown) => error instanceof HttpError && error.statusCode === 429 && message.test(error.message);

for (const backend of backends()) {
  describe(`visitor limits (${backend.name})`, { skip: backend.skip }, () => {
    it('a visitor is refused once the minute allowance is used, and admitted again a minute later', async (t) => {
      const limits = await limitsOn(backend, t, 2, 100);
      const at = Date.parse('2026-05-04T12:00:30Z');
      for (let i = 0; i < 2; i++) {
        await limits.admit('visitor-a', at);
        await recordQuestion(limits.usage, { visitorHash: 'visitor-a', channel: 'widget', newConversation: i === 0 }, new Date(at).toISOString());
      }
      await assert.rejects(() => limits.admit('visitor-a', at), refusedWith(/sending messages quickly/));
      await limits.admit('visitor-b', at);
      await limits.admit('visitor-a', at + 61_000);
    });

    it('the daily allowance counts the UTC day, whatever the channel', async (t) => {
      const limits = await limitsOn(backend, t, 100, 3);
      const morning = Date.parse('2026-05-04T08:00:00Z');
      await recordQuestion(limits.usage, { visitorHash: 'visitor-a', channel: 'widget', newConversation: true }, '2026-05-03T23:59:00.000Z');
      for (let i = 0; i < 3; i++) {
        await recordQuestion(
          limits.usage,
          { visitorHash: 'visitor-a', channel: i ? 'widget' : 'playground', newConversation: false },
          new Date(morning + i * 120_000).toISOString(),
        );
      }
      await assert.rejects(() => limits.admit('visitor-a', morning + 3_600_000), refusedWith(/today's message limit/));
      await limits.admit('visitor-a', Date.parse('2026-05-05T00:00:01Z'));
    });

    it('counting a question puts the question in the ledger the limits read', async (t) => {
      const limits = await limitsOn(backend, t, 1, 100);
      const id = await limits.count({ visitorHash: 'visitor-a', channel: 'widget', newConversation: true });
      assert.ok(id > 0);
      await assert.rejects(() => limits.admit('visitor-a'), refusedWith(/sending messages quickly/));
    });
  });
}
