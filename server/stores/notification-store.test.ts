// The notification store on both backends: an event is queued once per key and channel and not within its type's
// quiet period, a delivery is claimed by one sender only, finished deliveries are retried or pruned, and a digest
// is queued with its scheduled time in one transaction, never for a time another run or a schedule change already
// recorded. The races are run for real: on PostgreSQL they are several nodes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends, openForTest } from '../../e2e/support/store-backends.js';
import type { NotificationStore, QueuedEvent } from './notification-store.js';

const event = (key: string, quietAfter: number | null = null): QueuedEvent => ({
  eventKey: key,
  event: 'key_invalid',
  payload: JSON.stringify({ key }),
  channels: ['email', 'webhook'],
  quietAfter,
});
const digestAt = (slot: number) => ({ event: { ...event(`digest:${slot}`), event: 'digest' }, now: slot });

/** Every connection opened first, so the calls that follow really overlap instead of queueing behind connection set-up. */
const warm = (outbox: NotificationStore) => Promise.all(Array.from({ length: 8 }, () => outbox.nextDueAt()));

for (const backend of backends()) {
  describe(`notification store (${backend.name})`, { skip: backend.skip }, () => {
    it('an event is queued once per key and channel, and not again within its quiet period', async (t) => {
      const outbox = (await openForTest(backend, t)).stores.notifications;
      assert.deepEqual(await outbox.queueEvent(event('alert:1'), 1_000), ['email', 'webhook']);
      assert.deepEqual(await outbox.queueEvent(event('alert:1'), 2_000), [], 'the same key again');
      assert.deepEqual(await outbox.queueEvent(event('alert:2', 500), 3_000), [], 'another of its type queued after the quiet period began');
      assert.deepEqual(await outbox.queueEvent(event('alert:2', 1_000), 3_000), ['email', 'webhook'], 'the last one was queued before it began');
      assert.deepEqual(await outbox.queueEvent({ ...event('alert:3'), channels: [] }, 3_000), []);
      assert.deepEqual(
        (await outbox.dueRows(3_000, 50)).map((r) => [r.eventKey, r.channel]),
        [
          ['alert:1', 'email'],
          ['alert:1', 'webhook'],
          ['alert:2', 'email'],
          ['alert:2', 'webhook'],
        ],
      );
    });

    it('a delivery goes pending → sending → delivered, or retried later, or given up and retried by hand', async (t) => {
      const outbox = (await openForTest(backend, t)).stores.notifications;
      assert.equal(await outbox.nextDueAt(), null);
      await outbox.queueEvent({ ...event('alert:1'), channels: ['webhook'] }, 1_000);
      await outbox.queueEvent({ ...event('alert:2'), channels: ['email'] }, 2_000);
      assert.equal(await outbox.nextDueAt(), 1_000);
      assert.deepEqual(
        (await outbox.dueRows(1_500, 50)).map((r) => r.eventKey),
        ['alert:1'],
      );
      const [webhook, email] = await outbox.dueRows(5_000, 50);
      assert.deepEqual(webhook, {
        id: webhook.id,
        eventKey: 'alert:1',
        event: 'key_invalid',
        channel: 'webhook',
        payload: '{"key":"alert:1"}',
        status: 'pending',
        attempts: 0,
        nextAttemptAt: 1_000,
        lastError: null,
        createdAt: 1_000,
        finishedAt: null,
      });

      assert.equal(await outbox.claim(webhook.id, 600_000), true);
      assert.equal(await outbox.claim(webhook.id, 600_000), false, 'taken already');
      await outbox.markRetry(webhook.id, 'HTTP 503', 10_000);
      assert.deepEqual(await outbox.dueRows(5_000, 50), [email], 'the retry is not due yet');
      assert.equal(await outbox.claim(webhook.id, 600_000), true);
      await outbox.markDelivered(webhook.id, 11_000, 'slow');
      assert.deepEqual(await outbox.getRow(webhook.id), {
        ...webhook,
        status: 'delivered',
        attempts: 2,
        nextAttemptAt: 10_000,
        lastError: 'slow',
        finishedAt: 11_000,
      });

      assert.equal(await outbox.claim(email.id, 600_000), true);
      await outbox.markFailed(email.id, 'SMTP refused', 12_000);
      assert.equal(await outbox.nextDueAt(), null);
      assert.equal(await outbox.retryNow(webhook.id, 13_000), false, 'delivered: nothing to retry');
      assert.equal(await outbox.retryNow(email.id, 13_000), true);
      assert.deepEqual(await outbox.getRow(email.id), {
        ...email,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: 13_000,
        lastError: 'SMTP refused',
        finishedAt: null,
      });
      assert.equal(await outbox.getRow(email.id + webhook.id + 100), null);
    });

    it('deliveries left sending by a stopped process go back to pending, their interrupted attempt not counted', async (t) => {
      const outbox = (await openForTest(backend, t)).stores.notifications;
      await outbox.queueEvent(event('alert:1'), 1_000);
      const [first, second] = await outbox.dueRows(1_000, 50);
      await outbox.claim(first.id, 4_000);
      await outbox.claim(second.id, 4_000);
      await outbox.markRetry(second.id, 'timeout', 2_000);
      await outbox.claim(second.id, 4_000);
      assert.equal(await outbox.resumeInterrupted(5_000), 2);
      assert.equal(await outbox.resumeInterrupted(5_000), 0);
      assert.deepEqual(
        (await outbox.dueRows(5_000, 50)).map((r) => [r.id, r.status, r.attempts, r.nextAttemptAt]),
        [
          [first.id, 'pending', 0, 5_000],
          [second.id, 'pending', 1, 5_000],
        ],
      );
    });

    it('a delivery claimed by a node that is still sending is not resumed until its claim runs out', async (t) => {
      const outbox = (await openForTest(backend, t)).stores.notifications;
      await outbox.queueEvent({ ...event('alert:1'), channels: ['webhook'] }, 1_000);
      const [row] = await outbox.dueRows(1_000, 50);
      assert.equal(await outbox.claim(row.id, 601_000), true, 'node A sends, claimed for 10 minutes');
      assert.equal(await outbox.resumeInterrupted(2_000), 0, 'node B restarting leaves it to A');
      assert.deepEqual(await outbox.dueRows(2_000, 50), []);
      assert.equal(await outbox.resumeInterrupted(601_000), 1, 'A stopped mid-send: once its claim ran out, it goes again');
      assert.deepEqual(
        (await outbox.dueRows(601_000, 50)).map((r) => [r.status, r.attempts]),
        [['pending', 0]],
      );
    });

    it('a stopping node hands back the sends it cut off: pending at once, the cut attempt not counted; others keep their claims', async (t) => {
      const outbox = (await openForTest(backend, t)).stores.notifications;
      for (const key of ['alert:1', 'alert:2', 'alert:3']) await outbox.queueEvent({ ...event(key), channels: ['webhook'] }, 1_000);
      const [cut, delivered, elsewhere] = await outbox.dueRows(1_000, 50);
      for (const row of [cut, delivered, elsewhere]) assert.equal(await outbox.claim(row.id, 601_000), true);
      await outbox.markDelivered(delivered.id, 1_500, null);
      assert.equal(await outbox.releaseClaims([cut.id, delivered.id], 2_000), 1, 'only what is still being sent');
      assert.equal(await outbox.releaseClaims([], 2_000), 0);
      assert.deepEqual(
        (await outbox.dueRows(2_000, 50)).map((r) => [r.id, r.status, r.attempts, r.nextAttemptAt]),
        [[cut.id, 'pending', 0, 2_000]],
      );
      assert.deepEqual(
        [(await outbox.getRow(delivered.id))?.status, (await outbox.getRow(elsewhere.id))?.status],
        ['delivered', 'sending'],
        'a row another node is sending keeps its claim',
      );
    });

    it('history: the latest first; pruning drops old and extra finished deliveries and keeps pending ones', async (t) => {
      const outbox = (await openForTest(backend, t)).stores.notifications;
      for (let i = 1; i <= 5; i++) await outbox.queueEvent({ ...event(`alert:${i}`), channels: ['webhook'] }, i * 1_000);
      const rows = await outbox.dueRows(10_000, 50);
      assert.deepEqual(
        (await outbox.recentRows(3)).map((r) => r.eventKey),
        ['alert:5', 'alert:4', 'alert:3'],
      );
      for (const [i, row] of rows.slice(0, 4).entries()) {
        await outbox.claim(row.id, 600_000);
        if (i % 2) await outbox.markFailed(row.id, 'refused', 20_000 + i);
        else await outbox.markDelivered(row.id, 20_000 + i, null);
      }
      // Finished at 20000…20003: the first is older than 20001, and of the rest only the latest 2 are kept.
      assert.equal(await outbox.pruneHistory(20_001, 2), 2);
      assert.deepEqual(
        (await outbox.recentRows(10)).map((r) => [r.eventKey, r.status]),
        [
          ['alert:5', 'pending'],
          ['alert:4', 'failed'],
          ['alert:3', 'delivered'],
        ],
      );
      assert.equal(await outbox.pruneHistory(0, 0), 2, 'keep none: every finished one goes, the pending one stays');
      assert.deepEqual(
        (await outbox.recentRows(10)).map((r) => r.eventKey),
        ['alert:5'],
      );
    });

    it('a digest is queued with its scheduled time, and not when that time changed since it was read', async (t) => {
      const outbox = (await openForTest(backend, t)).stores.notifications;
      assert.equal(await outbox.lastDigestSlot(), null);
      assert.deepEqual(await outbox.saveDigestSlot(100, null), [], 'the first schedule records its time only');
      assert.deepEqual(await outbox.saveDigestSlot(200, digestAt(200), 100), ['email', 'webhook']);
      assert.equal(await outbox.lastDigestSlot(), 200);
      // A second run that read the time before the first saved it: nothing is queued and the time stays.
      assert.deepEqual(await outbox.saveDigestSlot(300, digestAt(300), 100), []);
      assert.equal(await outbox.lastDigestSlot(), 200);
      assert.equal((await outbox.recentRows(10)).length, 2);
    });

    it('a first digest recorded by two runs at once is recorded and queued once', async (t) => {
      const outbox = (await openForTest(backend, t)).stores.notifications;
      await warm(outbox);
      const queued = await Promise.all([100, 101, 102, 103].map((slot) => outbox.saveDigestSlot(slot, digestAt(slot), null)));
      assert.equal(queued.filter((channels) => channels.length).length, 1);
      assert.equal((await outbox.recentRows(10)).length, 2);
      const winner = queued.findIndex((channels) => channels.length);
      assert.equal(await outbox.lastDigestSlot(), 100 + winner);
    });

    it('runs at once: one digest for a time read by all of them, one claim of a delivery, each event once', async (t) => {
      const outbox = (await openForTest(backend, t)).stores.notifications;
      await outbox.saveDigestSlot(100, null);
      await warm(outbox);
      const digests = await Promise.all([200, 201, 202, 203].map((slot) => outbox.saveDigestSlot(slot, digestAt(slot), 100)));
      assert.equal(digests.filter((channels) => channels.length).length, 1, 'one run wins the scheduled time');

      const queued = await Promise.all(Array.from({ length: 6 }, () => outbox.queueEvent(event('alert:same'), 1_000)));
      assert.deepEqual(queued.flat().sort(), ['email', 'webhook'], 'each channel queued by one run only');

      // Different keys of one type, all after its quiet period began: only one of them goes out.
      const quiet = await Promise.all(Array.from({ length: 6 }, (_, i) => outbox.queueEvent({ ...event(`budget:${i}`, 0), event: 'budget' }, 2_000)));
      assert.equal(quiet.filter((channels) => channels.length).length, 1);

      const [row] = await outbox.dueRows(5_000, 1);
      const claims = await Promise.all(Array.from({ length: 6 }, () => outbox.claim(row.id, 600_000)));
      assert.equal(claims.filter(Boolean).length, 1);
      assert.equal((await outbox.getRow(row.id))!.attempts, 1);
    });
  });
}
