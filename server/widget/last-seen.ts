// Where the widget was last used on the admin's own site ("Visitors are chatting on …", the Widget screen's
// "Last seen on"). Kept apart from conversations so it holds with "Store conversations" off.
import { z } from 'zod';
import type { Db } from '../db/database.js';
import { readSection, writeSection } from '../settings/store.js';

const SECTION = 'widget_last_seen';
const LastSeen = z.object({ origin: z.string(), at: z.string() }).nullable().catch(null);
export type WidgetLastSeen = { origin: string; at: string };
/** A busy site would otherwise write this on every question; a few minutes is precise enough to read. */
const REFRESH_MS = 5 * 60_000;

export function noteWidgetSeen(db: Db, origin: string | null, ownOrigin: string, at = new Date()): void {
  if (!origin || origin === ownOrigin) return;
  const last = readSection(db, SECTION, LastSeen);
  if (last && last.origin === origin && at.getTime() - Date.parse(last.at) < REFRESH_MS) return;
  writeSection(db, SECTION, LastSeen, { origin, at: at.toISOString() });
}

/** The latest of the recorded visit and, for installs older than the record, the stored conversations. */
export function widgetLastSeen(db: Db, ownOrigin: string): WidgetLastSeen | null {
  const recorded = readSection(db, SECTION, LastSeen);
  const stored = db
    .prepare(
      "SELECT origin, created_at AS at FROM conversations WHERE channel = 'widget' AND origin IS NOT NULL AND origin != ? ORDER BY created_at DESC LIMIT 1",
    )
    .get(ownOrigin) as WidgetLastSeen | undefined;
  if (!recorded) return stored ?? null;
  return stored && stored.at > recorded.at ? stored : recorded;
}
