// Where the widget was last used on the admin's own site ("Visitors are chatting on …", the Widget screen's
// "Last seen on"). Kept apart from conversations so it holds with "Store conversations" off.
import { z } from 'zod';
import type { ConfigStore } from '../stores/config-store.js';
import type { Stores } from '../stores/stores.js';
import { readSection, writeSection } from '../settings/store.js';

const SECTION = 'widget_last_seen';
const LastSeen = z.object({ origin: z.string(), at: z.string() }).nullable().catch(null);
export type WidgetLastSeen = { origin: string; at: string };
/** A busy site would otherwise write this on every question; a few minutes is precise enough to read. */
const REFRESH_MS = 5 * 60_000;

export async function noteWidgetSeen(store: ConfigStore, origin: string | null, ownOrigin: string, at = new Date()): Promise<void> {
  if (!origin || origin === ownOrigin) return;
  const last = await readSection(store, SECTION, LastSeen);
  if (last && last.origin === origin && at.getTime() - Date.parse(last.at) < REFRESH_MS) return;
  await writeSection(store, SECTION, LastSeen, { origin, at: at.toISOString() });
}

/** The latest of the recorded visit and, for installs older than the record, the stored conversations. */
export async function widgetLastSeen(stores: Pick<Stores, 'config' | 'chat'>, ownOrigin: string): Promise<WidgetLastSeen | null> {
  const recorded = await readSection(stores.config, SECTION, LastSeen);
  const stored = await stores.chat.latestWidgetVisit(ownOrigin);
  if (!recorded) return stored;
  return stored && stored.at > recorded.at ? stored : recorded;
}
