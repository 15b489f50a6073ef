// The outbox table (migration 012): pending deliveries per event and channel, their attempts and last error,
// and a short history of what was delivered or given up.
import { stmt, type Db } from '../stores/sqlite/database.js';
import type { Channel } from './settings.js';

/**
 * How long to wait after failed attempt n (1-based) before the next: quick at first for a blip, then longer,
 * about eight hours in all; after the last one the delivery is given up. No random jitter: there is one
 * receiver per install, never a crowd of senders to spread out.
 */
export const RETRY_DELAYS_MS = [30_000, 2 * 60_000, 10 * 60_000, 30 * 60_000, 60 * 60_000, 2 * 60 * 60_000, 4 * 60 * 60_000];
/** Finished rows are kept this long, and at most HISTORY_KEEP of them, for the screen's "Last deliveries". */
export const HISTORY_KEEP_MS = 30 * 86_400_000;
export const HISTORY_KEEP = 200;

export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed';

export interface OutboxRow {
  id: number;
  eventKey: string;
  event: string;
  channel: Channel;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  finishedAt: number | null;
}

const COLUMNS = `id, event_key AS eventKey, event, channel, payload, status, attempts, next_attempt_at AS nextAttemptAt,
  last_error AS lastError, created_at AS createdAt, finished_at AS finishedAt`;

/** Adds a delivery unless this event already has one on this channel; true when it was added. */
export function enqueue(db: Db, row: { eventKey: string; event: string; channel: Channel; payload: string }, now: number): boolean {
  return (
    stmt(
      db,
      `INSERT INTO notification_outbox (event_key, event, channel, payload, next_attempt_at, created_at)
    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_key, channel) DO NOTHING`,
    ).run(row.eventKey, row.event, row.channel, row.payload, now, now).changes === 1
  );
}

/** When `event` was last queued, on any channel (unix ms), or null. */
export function lastQueuedAt(db: Db, event: string): number | null {
  return stmt(db, 'SELECT max(created_at) FROM notification_outbox WHERE event = ?').pluck().get(event) as number | null;
}

export function dueRows(db: Db, now: number, limit = 50): OutboxRow[] {
  return stmt(
    db,
    `SELECT ${COLUMNS} FROM notification_outbox WHERE status = 'pending' AND next_attempt_at <= ?
    ORDER BY next_attempt_at, id LIMIT ?`,
  ).all(now, limit) as OutboxRow[];
}

/** When the next pending row is due (unix ms), or null when none is waiting. */
export function nextDueAt(db: Db): number | null {
  return stmt(db, "SELECT min(next_attempt_at) FROM notification_outbox WHERE status = 'pending'").pluck().get() as number | null;
}

/** Takes a due row for sending (counting the attempt); false when another run took it or it changed. */
export function claim(db: Db, id: number): boolean {
  return stmt(db, "UPDATE notification_outbox SET status = 'sending', attempts = attempts + 1 WHERE id = ? AND status = 'pending'").run(id).changes === 1;
}

/** `note`: what went partly wrong though it was delivered (a recipient refused while others accepted). */
export function markDelivered(db: Db, id: number, now: number, note: string | null = null): void {
  stmt(db, "UPDATE notification_outbox SET status = 'delivered', finished_at = ?, last_error = ? WHERE id = ?").run(now, note, id);
}

export function markRetry(db: Db, id: number, error: string, at: number): void {
  stmt(db, "UPDATE notification_outbox SET status = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?").run(at, error, id);
}

export function markFailed(db: Db, id: number, error: string, now: number): void {
  stmt(db, "UPDATE notification_outbox SET status = 'failed', finished_at = ?, last_error = ? WHERE id = ?").run(now, error, id);
}

/**
 * At start: a row left 'sending' belongs to a process that stopped mid-send (closed or crashed). It goes again
 * now, its interrupted attempt not counted; the receiver may see it twice, never zero times (the webhook's `id`
 * lets it tell).
 */
export function resumeInterrupted(db: Db, now: number): number {
  return stmt(db, "UPDATE notification_outbox SET status = 'pending', next_attempt_at = ?, attempts = max(attempts - 1, 0) WHERE status = 'sending'").run(now)
    .changes;
}

/** A given-up row goes again from its first attempt ("Retry" on the screen). */
export function retryNow(db: Db, id: number, now: number): boolean {
  return (
    stmt(db, "UPDATE notification_outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, finished_at = NULL WHERE id = ? AND status = 'failed'").run(
      now,
      id,
    ).changes === 1
  );
}

export function getRow(db: Db, id: number): OutboxRow | null {
  return (stmt(db, `SELECT ${COLUMNS} FROM notification_outbox WHERE id = ?`).get(id) as OutboxRow | undefined) ?? null;
}

export function recentRows(db: Db, limit: number): OutboxRow[] {
  return stmt(db, `SELECT ${COLUMNS} FROM notification_outbox ORDER BY created_at DESC, id DESC LIMIT ?`).all(limit) as OutboxRow[];
}

/** Drops finished rows past the history's age or count; pending ones always stay. */
export function pruneHistory(db: Db, now: number): number {
  const old = stmt(db, "DELETE FROM notification_outbox WHERE status IN ('delivered', 'failed') AND finished_at < ?").run(now - HISTORY_KEEP_MS).changes;
  const extra = stmt(
    db,
    `DELETE FROM notification_outbox WHERE status IN ('delivered', 'failed') AND id NOT IN
    (SELECT id FROM notification_outbox WHERE status IN ('delivered', 'failed') ORDER BY finished_at DESC, id DESC LIMIT ?)`,
  ).run(HISTORY_KEEP).changes;
  return old + extra;
}

export function lastDigestSlot(db: Db): number | null {
  return (stmt(db, 'SELECT last_slot FROM notification_digest WHERE id = 1').pluck().get() as number | null) ?? null;
}

export function setLastDigestSlot(db: Db, slot: number): void {
  stmt(db, 'INSERT INTO notification_digest (id, last_slot) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET last_slot = excluded.last_slot').run(slot);
}
