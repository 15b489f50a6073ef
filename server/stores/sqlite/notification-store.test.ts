// The notification store on a real SQLite file: an event is queued once per key and channel and not within its
// type's quiet period, and a digest is queued with its scheduled time in one transaction, never for a time
// another run or a schedule change already recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { QueuedEvent } from '../notification-store.js';
import { openSqliteStores } from './open.js';

function outboxOn(t: { after(fn: () => unknown): void }) {
  const stores = openSqliteStores(path.join(mkdtempSync(path.join(tmpdir(), 'docent-outbox-')), 'docent.db'));
  t.after(() => stores.close());
  return stores.notifications;
}

const event = (key: string, quietAfter: number | null = null): QueuedEvent => ({
  eventKey: key,
  event: 'key_invalid',
  payload: JSON.stringify({ key }),
  channels: ['email', 'webhook'],
  quietAfter,
});

test('an event is queued once per key and channel, and not again within its quiet period', async (t) => {
  const outbox = outboxOn(t);
  assert.deepEqual(await outbox.queueEvent(event('alert:1'), 1_000), ['email', 'webhook']);
  assert.deepEqual(await outbox.queueEvent(event('alert:1'), 2_000), [], 'the same key again');
  assert.deepEqual(await outbox.queueEvent(event('alert:2', 500), 3_000), [], 'another of its type queued after the quiet period began');
  assert.deepEqual(await outbox.queueEvent(event('alert:2', 1_000), 3_000), ['email', 'webhook'], 'the last one was queued before it began');
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

test('a digest is queued with its scheduled time, and not when that time changed since it was read', async (t) => {
  const outbox = outboxOn(t);
  assert.equal(await outbox.lastDigestSlot(), null);
  assert.deepEqual(await outbox.saveDigestSlot(100, null), [], 'the first schedule records its time only');
  const digest = { event: { ...event('digest:200'), event: 'digest' }, now: 200 };
  assert.deepEqual(await outbox.saveDigestSlot(200, digest, 100), ['email', 'webhook']);
  assert.equal(await outbox.lastDigestSlot(), 200);
  // A second run that read the time before the first saved it: nothing is queued and the time stays.
  assert.deepEqual(await outbox.saveDigestSlot(300, { event: { ...event('digest:300'), event: 'digest' }, now: 300 }, 100), []);
  assert.equal(await outbox.lastDigestSlot(), 200);
  assert.equal((await outbox.recentRows(10)).length, 2);
});
