// Settings sections are JSON documents validated by a zod schema on every read, so a missing or
// outdated field falls back to its default instead of breaking a screen.
import type { z } from 'zod';
import { stmt, type Db } from '../db/database.js';

export function readSection<S extends z.ZodType>(db: Db, section: string, schema: S): z.output<S> {
  const row = stmt(db, 'SELECT value FROM settings WHERE section = ?').get(section) as { value: string } | undefined;
  const stored = row ? safeJson(row.value) : {};
  const parsed = schema.safeParse(stored);
  return parsed.success ? parsed.data : schema.parse({});
}

export function writeSection<S extends z.ZodType>(db: Db, section: string, schema: S, value: z.input<S>): z.output<S> {
  const valid = schema.parse(value);
  stmt(db, `INSERT INTO settings (section, value) VALUES (?, ?)
    ON CONFLICT (section) DO UPDATE SET value = excluded.value, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`)
    .run(section, JSON.stringify(valid));
  return valid;
}

function safeJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return {}; }
}
