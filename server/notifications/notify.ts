// The producers' entry point: notify(stores, event) queues an event for every channel the admin routes it to and
// returns at once. It only writes outbox rows (one store transaction): the visitor whose question raised an
// alert never waits for a mail server or a webhook. The delivery loop (delivery.ts) is woken to send them.
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { ConfigStore } from '../stores/config-store.js';
import type { NotificationStore, QueuedEvent } from '../stores/notification-store.js';
import type { Stores } from '../stores/stores.js';
import { EVENTS, eventOfAlert, type EventData, type EventDefinition, type EventType } from './events.js';
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

/** What queueing reads and writes: the outbox (whose runtime below says when it is, how to wake the loop, the routing). */
export type NotifyStores = Pick<Stores, 'notifications'>;

interface Runtime {
  clock: () => number;
  wake: null | (() => void);
  log: null | FastifyBaseLogger;
  /** Where the routing is read from (set by notificationLoop; until then nothing is queued). */
  settings: null | ConfigStore;
}

// Per app (per outbox): the clock deliveries use, how to wake the loop, the log. Set by notificationLoop (delivery.ts).
const runtimes = new WeakMap<NotificationStore, Runtime>();

export function runtimeOf(stores: NotifyStores): Runtime {
  let runtime = runtimes.get(stores.notifications);
  if (!runtime) runtimes.set(stores.notifications, (runtime = { clock: Date.now, wake: null, log: null, settings: null }));
  return runtime;
}

/**
 * Queues `event` on the channels it is routed to, unless it was queued before (same key) or another event of
 * its type was within the type's quiet period. Returns the channels it was queued on.
 */
export async function notify<T extends EventType>(stores: NotifyStores, event: NotificationEvent<T>): Promise<Channel[]> {
  const settings = runtimeOf(stores).settings;
  if (!settings) return [];
  const channels = channelsFor(await readNotificationSettings(settings), event.type);
  if (!channels.length) return [];
  const runtime = runtimeOf(stores);
  const now = runtime.clock();
  const queued = await stores.notifications.queueEvent(outboxEvent(channels, event, now), now);
  if (queued.length) runtime.wake?.();
  return queued;
}

/** What the outbox keeps of `event` queued at `now` on `channels` (the digest queues it in its own transaction). */
export function outboxEvent<T extends EventType>(channels: Channel[], event: NotificationEvent<T>, now: number): QueuedEvent {
  const quietMs = (EVENTS[event.type] as EventDefinition<unknown>).quietMs ?? 0;
  const payload: EventPayload = { event: event.type, id: `evt_${randomUUID()}`, createdAt: new Date(now).toISOString(), data: event.data };
  return { eventKey: event.key, event: event.type, payload: JSON.stringify(payload), channels, quietAfter: quietMs ? now - quietMs : null };
}

/** A dashboard alert was raised (not one already open counting up): notifies its event, if it is one. */
export async function alertRaised(stores: NotifyStores, alert: { id: number; kind: string; message: string }): Promise<void> {
  const type = eventOfAlert(alert.kind);
  if (!type) return; // e.g. rate limits, and notifications' own delivery failures: never a notification loop
  try {
    await notify(stores, { type, key: `alert:${alert.id}`, data: { alertId: alert.id, kind: alert.kind, message: alert.message } as EventData<typeof type> });
  } catch (err) {
    // A notification must never break what raised the alert (a visitor's answer): the alert itself is stored.
    runtimeOf(stores).log?.error({ err, kind: alert.kind }, 'the notification for an alert could not be queued');
  }
}
