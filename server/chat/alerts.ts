// Problems only the admin can fix (key, credits, rate limits) become dashboard alerts, de-duplicated.
import { stmt, type Db } from '../stores/sqlite/database.js';
import { alertRaised } from '../notifications/notify.js';

export function raiseAlert(db: Db, kind: string, message: string): void {
  const alert = stmt(
    db,
    `INSERT INTO alerts (kind, message) VALUES (?, ?)
    ON CONFLICT (kind) WHERE resolved_at IS NULL DO UPDATE SET count = count + 1, message = excluded.message, last_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
    RETURNING id, count`,
  ).get(kind, message) as { id: number; count: number };
  // A new alert notifies the admin once (notifications/notify.ts); one that keeps recurring only counts up.
  if (alert.count === 1) alertRaised(db, { id: alert.id, kind, message });
}

/**
 * A successful answer proves the provider works again; it says nothing about a low balance, which stays, nor
 * about notifications that could not be delivered (notification_email_failed, notification_webhook_failed).
 */
export function resolveAlerts(db: Db): void {
  stmt(
    db,
    "UPDATE alerts SET resolved_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE resolved_at IS NULL AND kind <> 'low_balance' AND kind NOT LIKE 'notification\\_%' ESCAPE '\\'",
  ).run();
}

/** The problem behind one kind of alert is gone. */
export function resolveAlert(db: Db, kind: string): void {
  stmt(db, "UPDATE alerts SET resolved_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE resolved_at IS NULL AND kind = ?").run(kind);
}

export function openAlerts(db: Db): Array<{ id: number; kind: string; message: string; count: number; firstAt: string; lastAt: string }> {
  return stmt(
    db,
    'SELECT id, kind, message, count, first_at AS firstAt, last_at AS lastAt FROM alerts WHERE resolved_at IS NULL ORDER BY last_at DESC',
  ).all() as Array<{ id: number; kind: string; message: string; count: number; firstAt: string; lastAt: string }>;
}

export function dismissAlert(db: Db, id: number): boolean {
  return stmt(db, "UPDATE alerts SET resolved_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ? AND resolved_at IS NULL").run(id).changes === 1;
}
