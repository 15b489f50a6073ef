// Settings sections are JSON documents validated by a zod schema on every read, so a missing or
// outdated field falls back to its default instead of breaking a screen.
import type { z } from 'zod';
import { perDatabase, stmt, type Db } from '../db/database.js';

/**
 * The last parsed value per section, kept while the stored JSON is the same string: a chat message reads
 * four sections, and parsing is most of a read's cost. Values are frozen: a caller that changed one would
 * change it for every later reader.
 */
const parsedSectionsOf = perDatabase(() => new Map<string, { json: string | undefined; schema: z.ZodType; value: unknown }>());

export function readSection<S extends z.ZodType>(db: Db, section: string, schema: S): z.output<S> {
  const json = stmt(db, 'SELECT value FROM settings WHERE section = ?').pluck().get(section) as string | undefined;
  const parsed = parsedSectionsOf(db);
  const last = parsed.get(section);
  if (last && last.json === json && last.schema === schema) return last.value as z.output<S>;
  const result = schema.safeParse(json === undefined ? {} : safeJson(json));
  const value = deepFreeze(result.success ? result.data : schema.parse({}));
  parsed.set(section, { json, schema, value });
  return value;
}

export function writeSection<S extends z.ZodType>(db: Db, section: string, schema: S, value: z.input<S>): z.output<S> {
  const valid = schema.parse(value);
  stmt(
    db,
    `INSERT INTO settings (section, value) VALUES (?, ?)
    ON CONFLICT (section) DO UPDATE SET value = excluded.value, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
  ).run(section, JSON.stringify(valid));
  return valid;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
