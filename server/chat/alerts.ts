// Problems only the admin can fix (key, credits, rate limits) become dashboard alerts, de-duplicated.
import { stmt, type Db } from '../db/database.js';

export function raiseAlert(db: Db, kind: string, message: string): void {
  stmt(db, `INSERT INTO alerts (kind, message) VALUES (?, ?)
    ON CONFLICT (kind) WHERE resolved_at IS NULL DO UPDATE SET count = count + 1, message = excluded.message, last_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`).run(kind, message);
}

/** A successful answer proves the provider works again; it says nothing about a low balance, which stays. */
export function resolveAlerts(db: Db): void {
  stmt(db, "UPDATE alerts SET resolved_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE resolved_at IS NULL AND kind <> 'low_balance'").run();
}

/** The problem behind one kind of alert is gone. */
export function resolveAlert(db: Db, kind: string): void {
  stmt(db, "UPDATE alerts SET resolved_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE resolved_at IS NULL AND kind = ?").run(kind);
}

export function openAlerts(db: Db): Array<{ id: number; kind: string; message: string; count: number; firstAt: string; lastAt: string }> {
  return stmt(db, 'SELECT id, kind, message, count, first_at AS firstAt, last_at AS lastAt FROM alerts WHERE resolved_at IS NULL ORDER BY last_at DESC').all() as Array<{ id: number; kind: string; message: string; count: number; firstAt: string; lastAt: string }>;
}

export function dismissAlert(db: Db, id: number): boolean {
  return stmt(db, "UPDATE alerts SET resolved_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ? AND resolved_at IS NULL").run(id).changes === 1;
}
