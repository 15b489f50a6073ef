import type { NotificationChannel, NotificationStore, OutboxRow, QueuedEvent } from '../notification-store.js';
import { type Client, type Pool, row, rows, transaction } from './database.js';
import { lockUntilCommit } from './locks.js';

const COLUMNS = `id, event_key AS "eventKey", event, channel, payload, status, attempts, next_attempt_at AS "nextAttemptAt",
  last_error AS "lastError", created_at AS "createdAt", finished_at AS "finishedAt"`;

const FINISHED = "status IN ('delivered', 'failed')";

/** Queues `event` inside the caller's transaction; returns the channels it was queued on, in the event's order. */
async function queue(client: Client, event: QueuedEvent, now: number): Promise<NotificationChannel[]> {
  if (!event.channels.length) return [];
  if (event.quietAfter !== null) {
    // Two nodes raising events of one type at once (two keys) must not both pass the quiet-period check:
    // the check and the insert happen under the type's lock.
    await lockUntilCommit(client, `notification-event:${event.event}`);
    const last = await row<{ last: number | null }>(client, 'SELECT max(created_at) AS last FROM notification_outbox WHERE event = $1', [event.event]);
    if (last!.last !== null && last!.last > event.quietAfter) return [];
  }
  // UNIQUE (event_key, channel): a channel another node already queued this event on is skipped.
  const queued = await rows<{ channel: NotificationChannel }>(
    client,
    `INSERT INTO notification_outbox (event_key, event, channel, payload, next_attempt_at, created_at)
    SELECT $1, $2, channel, $3, $4, $4 FROM unnest($5::text[]) WITH ORDINALITY AS c (channel, n) ORDER BY n
    ON CONFLICT (event_key, channel) DO NOTHING RETURNING channel`,
    [event.eventKey, event.event, event.payload, now, event.channels],
  );
  const done = new Set(queued.map((q) => q.channel));
  return event.channels.filter((channel) => done.has(channel));
}

export function postgresNotificationStore(pool: Pool): NotificationStore {
  const changed = async (sql: string, params: unknown[]) => (await pool.query(sql, params)).rowCount ?? 0;
  const lastDigestSlot = async () => (await row<{ last_slot: number }>(pool, 'SELECT last_slot FROM notification_digest WHERE id = 1'))?.last_slot ?? null;

  return {
    async queueEvent(event, now) {
      return transaction(pool, (client) => queue(client, event, now));
    },
    async dueRows(now, limit) {
      return rows<OutboxRow>(
        pool,
        `SELECT ${COLUMNS} FROM notification_outbox WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2`,
        [now, limit],
      );
    },
    async nextDueAt() {
      return (await row<{ next: number | null }>(pool, "SELECT min(next_attempt_at) AS next FROM notification_outbox WHERE status = 'pending'"))!.next;
    },
    async claim(id, until) {
      // Row-locked: of two nodes claiming at once, the second finds the status changed and gets false.
      return (
        (await changed("UPDATE notification_outbox SET status = 'sending', attempts = attempts + 1, claimed_until = $2 WHERE id = $1 AND status = 'pending'", [
          id,
          until,
        ])) === 1
      );
    },
    async markDelivered(id, now, note) {
      await pool.query("UPDATE notification_outbox SET status = 'delivered', finished_at = $1, last_error = $2 WHERE id = $3", [now, note, id]);
    },
    async markRetry(id, error, at) {
      await pool.query("UPDATE notification_outbox SET status = 'pending', next_attempt_at = $1, last_error = $2 WHERE id = $3", [at, error, id]);
    },
    async markFailed(id, error, now) {
      await pool.query("UPDATE notification_outbox SET status = 'failed', finished_at = $1, last_error = $2 WHERE id = $3", [now, error, id]);
    },
    async resumeInterrupted(now, claimsEndingBy = now) {
      return changed(
        `UPDATE notification_outbox SET status = 'pending', next_attempt_at = $1, attempts = greatest(attempts - 1, 0), claimed_until = NULL
        WHERE status = 'sending' AND (claimed_until IS NULL OR claimed_until <= $2)`,
        [now, claimsEndingBy],
      );
    },
    async releaseClaims(ids, now) {
      if (ids.length === 0) return 0;
      return changed(
        `UPDATE notification_outbox SET status = 'pending', next_attempt_at = $1, attempts = greatest(attempts - 1, 0), claimed_until = NULL
        WHERE status = 'sending' AND id = ANY ($2)`,
        [now, ids],
      );
    },
    async retryNow(id, now) {
      return (
        (await changed(
          "UPDATE notification_outbox SET status = 'pending', attempts = 0, next_attempt_at = $1, finished_at = NULL WHERE id = $2 AND status = 'failed'",
          [now, id],
        )) === 1
      );
    },
    async getRow(id) {
      return (await row<OutboxRow>(pool, `SELECT ${COLUMNS} FROM notification_outbox WHERE id = $1`, [id])) ?? null;
    },
    async recentRows(limit) {
      return rows<OutboxRow>(pool, `SELECT ${COLUMNS} FROM notification_outbox ORDER BY created_at DESC, id DESC LIMIT $1`, [limit]);
    },
    async pruneHistory(finishedBefore, keep) {
      return transaction(pool, async (client) => {
        const old = (await client.query(`DELETE FROM notification_outbox WHERE ${FINISHED} AND finished_at < $1`, [finishedBefore])).rowCount ?? 0;
        // NULLS LAST: SQLite's order, where NULL sorts below every number.
        const extra =
          (
            await client.query(
              `DELETE FROM notification_outbox WHERE ${FINISHED} AND id NOT IN
              (SELECT id FROM notification_outbox WHERE ${FINISHED} ORDER BY finished_at DESC NULLS LAST, id DESC LIMIT $1)`,
              [keep],
            )
          ).rowCount ?? 0;
        return old + extra;
      });
    },
    async lastDigestSlot() {
      return lastDigestSlot();
    },
    async saveDigestSlot(slot, digest, previous) {
      return transaction(pool, async (client) => {
        // The compare-and-set is one statement, so of two nodes that read the same previous time only one
        // records the new one and queues the digest.
        const sql =
          previous === undefined
            ? 'INSERT INTO notification_digest (id, last_slot) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET last_slot = excluded.last_slot'
            : previous === null
              ? 'INSERT INTO notification_digest (id, last_slot) VALUES (1, $1) ON CONFLICT (id) DO NOTHING'
              : 'UPDATE notification_digest SET last_slot = $1 WHERE id = 1 AND last_slot = $2';
        const saved = (await client.query(sql, previous === undefined || previous === null ? [slot] : [slot, previous])).rowCount ?? 0;
        if (saved !== 1) return [];
        return digest ? queue(client, digest.event, digest.now) : [];
      });
    },
  };
}
