import type { NotificationChannel, NotificationStore, OutboxRow, QueuedEvent } from '../notification-store.js';
import { stmt, type Db } from './database.js';

const COLUMNS = `id, event_key AS eventKey, event, channel, payload, status, attempts, next_attempt_at AS nextAttemptAt,
  last_error AS lastError, created_at AS createdAt, finished_at AS finishedAt`;

export function sqliteNotificationStore(db: Db): NotificationStore {
  const queue = (event: QueuedEvent, now: number): NotificationChannel[] => {
    if (!event.channels.length) return [];
    if (event.quietAfter !== null) {
      const last = stmt(db, 'SELECT max(created_at) FROM notification_outbox WHERE event = ?').pluck().get(event.event) as number | null;
      if (last !== null && last > event.quietAfter) return [];
    }
    const insert = stmt(
      db,
      `INSERT INTO notification_outbox (event_key, event, channel, payload, next_attempt_at, created_at)
    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_key, channel) DO NOTHING`,
    );
    return event.channels.filter((channel) => insert.run(event.eventKey, event.event, channel, event.payload, now, now).changes === 1);
  };
  const queueEvent = db.transaction(queue);
  const lastDigestSlot = () => (stmt(db, 'SELECT last_slot FROM notification_digest WHERE id = 1').pluck().get() as number | null) ?? null;
  const saveDigestSlot = db.transaction((slot: number, digest: { event: QueuedEvent; now: number } | null, previous?: number | null) => {
    if (previous !== undefined && lastDigestSlot() !== previous) return [];
    stmt(db, 'INSERT INTO notification_digest (id, last_slot) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET last_slot = excluded.last_slot').run(slot);
    return digest ? queue(digest.event, digest.now) : [];
  });
  const pruneHistory = db.transaction((finishedBefore: number, keep: number) => {
    const old = stmt(db, "DELETE FROM notification_outbox WHERE status IN ('delivered', 'failed') AND finished_at < ?").run(finishedBefore).changes;
    const extra = stmt(
      db,
      `DELETE FROM notification_outbox WHERE status IN ('delivered', 'failed') AND id NOT IN
    (SELECT id FROM notification_outbox WHERE status IN ('delivered', 'failed') ORDER BY finished_at DESC, id DESC LIMIT ?)`,
    ).run(keep).changes;
    return old + extra;
  });

  return {
    async queueEvent(event, now) {
      return queueEvent(event, now);
    },
    async dueRows(now, limit) {
      return stmt(
        db,
        `SELECT ${COLUMNS} FROM notification_outbox WHERE status = 'pending' AND next_attempt_at <= ?
    ORDER BY next_attempt_at, id LIMIT ?`,
      ).all(now, limit) as OutboxRow[];
    },
    async nextDueAt() {
      return stmt(db, "SELECT min(next_attempt_at) FROM notification_outbox WHERE status = 'pending'").pluck().get() as number | null;
    },
    async claim(id, until) {
      return (
        stmt(db, "UPDATE notification_outbox SET status = 'sending', attempts = attempts + 1, claimed_until = ? WHERE id = ? AND status = 'pending'").run(
          until,
          id,
        ).changes === 1
      );
    },
    async markDelivered(id, now, note) {
      stmt(db, "UPDATE notification_outbox SET status = 'delivered', finished_at = ?, last_error = ? WHERE id = ?").run(now, note, id);
    },
    async markRetry(id, error, at) {
      stmt(db, "UPDATE notification_outbox SET status = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?").run(at, error, id);
    },
    async markFailed(id, error, now) {
      stmt(db, "UPDATE notification_outbox SET status = 'failed', finished_at = ?, last_error = ? WHERE id = ?").run(now, error, id);
    },
    async resumeInterrupted(now, claimsEndingBy = now) {
      return stmt(
        db,
        `UPDATE notification_outbox SET status = 'pending', next_attempt_at = @now, attempts = max(attempts - 1, 0), claimed_until = NULL
        WHERE status = 'sending' AND (claimed_until IS NULL OR claimed_until <= @claimsEndingBy)`,
      ).run({ now, claimsEndingBy }).changes;
    },
    async releaseClaims(ids, now) {
      if (ids.length === 0) return 0;
      return stmt(
        db,
        `UPDATE notification_outbox SET status = 'pending', next_attempt_at = ?, attempts = max(attempts - 1, 0), claimed_until = NULL
        WHERE status = 'sending' AND id IN (SELECT value FROM json_each(?))`,
      ).run(now, JSON.stringify(ids)).changes;
    },
    async retryNow(id, now) {
      return (
        stmt(
          db,
          "UPDATE notification_outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, finished_at = NULL WHERE id = ? AND status = 'failed'",
        ).run(now, id).changes === 1
      );
    },
    async getRow(id) {
      return (stmt(db, `SELECT ${COLUMNS} FROM notification_outbox WHERE id = ?`).get(id) as OutboxRow | undefined) ?? null;
    },
    async recentRows(limit) {
      return stmt(db, `SELECT ${COLUMNS} FROM notification_outbox ORDER BY created_at DESC, id DESC LIMIT ?`).all(limit) as OutboxRow[];
    },
    async pruneHistory(finishedBefore, keep) {
      return pruneHistory(finishedBefore, keep);
    },
    async lastDigestSlot() {
      return lastDigestSlot();
    },
    async saveDigestSlot(slot, digest, previous) {
      return saveDigestSlot(slot, digest, previous);
    },
  };
}
