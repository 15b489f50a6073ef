// The producers' entry point: notify(app, event) queues an event for every channel the admin routes it to and
// returns at once. It only writes outbox rows (a few SQLite statements): the visitor whose question raised an
// alert never waits for a mail server or a webhook. The delivery loop (delivery.ts) is woken to send them.
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { ConfigStore } from '../stores/config-store.js';
import { perDatabase, type Db } from '../stores/sqlite/database.js';
import { EVENTS, eventOfAlert, type EventData, type EventDefinition, type EventType } from './events.js';
import { enqueue, lastQueuedAt } from './outbox.js';
import { channelsFor, readNotificationSettings, type Channel } from './settings.js';

export interface NotificationEvent<T extends EventType = EventType> {
  type: T;
  /**
   * What makes this occurrence one: the same key is sent once per channel, however often it is notified
   * ('alert:42', 'lead:7', 'digest:2025-05-05T08').
   */
  key: string;
  data: EventData<T>;
}

/** What the webhook receives, and what the outbox keeps to render the e-mail from. */
export interface EventPayload {
  event: EventType | 'test';
  /** Unique per event (the same on both channels and on every retry): receivers de-duplicate by it. */
  id: string;
  createdAt: string;
  data: unknown;
}

/** Per app (per database): the clock deliveries use, how to wake the loop, the log. Set by startNotifications. */
export const runtimeOf = perDatabase(() => ({
  clock: Date.now as () => number,
  wake: null as null | (() => void),
  log: null as null | FastifyBaseLogger,
  /** Where the routing is read from (set by startNotifications; until then nothing is queued). */
  settings: null as null | ConfigStore,
}));

/**
 * Queues `event` on the channels it is routed to, unless it was queued before (same key) or another event of
 * its type was within the type's quiet period. Returns the channels it was queued on.
 */
export async function notify<T extends EventType>(app: { db: Db }, event: NotificationEvent<T>): Promise<Channel[]> {
  const settings = runtimeOf(app.db).settings;
  if (!settings) return [];
  const channels = channelsFor(await readNotificationSettings(settings), event.type);
  return app.db.transaction(() => queueEvent(app.db, channels, event))();
}

/** notify's synchronous part, for a caller that queues inside its own transaction (the digest). */
export function queueEvent<T extends EventType>(db: Db, channels: Channel[], event: NotificationEvent<T>): Channel[] {
  if (!channels.length) return [];
  const runtime = runtimeOf(db);
  const now = runtime.clock();
  const quietMs = (EVENTS[event.type] as EventDefinition<unknown>).quietMs ?? 0;
  const last = quietMs ? lastQueuedAt(db, event.type) : null;
  if (last !== null && now - last < quietMs) return [];
  const payload: EventPayload = { event: event.type, id: `evt_${randomUUID()}`, createdAt: new Date(now).toISOString(), data: event.data };
  const json = JSON.stringify(payload);
  const queued = channels.filter((channel) => enqueue(db, { eventKey: event.key, event: event.type, channel, payload: json }, now));
  if (queued.length) runtime.wake?.();
  return queued;
}

/** A dashboard alert was raised (not one already open counting up): notifies its event, if it is one. */
export function alertRaised(db: Db, alert: { id: number; kind: string; message: string }): void {
  const type = eventOfAlert(alert.kind);
  if (!type) return; // e.g. rate limits, and notifications' own delivery failures: never a notification loop
  notify({ db }, { type, key: `alert:${alert.id}`, data: { alertId: alert.id, kind: alert.kind, message: alert.message } as EventData<typeof type> }).catch(
    // A notification must never break what raised the alert (a visitor's answer): the alert itself is stored.
    (err) => runtimeOf(db).log?.error({ err, kind: alert.kind }, 'the notification for an alert could not be queued'),
  );
}
