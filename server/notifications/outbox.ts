// The outbox's schedule (migration 012, kept by the notification store): how deliveries are retried and how much
// history of what was delivered or given up is kept.
import type { NotificationStore } from '../stores/notification-store.js';

export type { DeliveryStatus, OutboxRow } from '../stores/notification-store.js';

/**
 * How long to wait after failed attempt n (1-based) before the next: quick at first for a blip, then longer,
 * about eight hours in all; after the last one the delivery is given up. No random jitter: there is one
 * receiver per install, never a crowd of senders to spread out.
 */
export const RETRY_DELAYS_MS = [30_000, 2 * 60_000, 10 * 60_000, 30 * 60_000, 60 * 60_000, 2 * 60 * 60_000, 4 * 60 * 60_000];
/** Finished rows are kept this long, and at most HISTORY_KEEP of them, for the screen's "Last deliveries". */
export const HISTORY_KEEP_MS = 30 * 86_400_000;
export const HISTORY_KEEP = 200;
/** Due deliveries one pass takes. */
export const PASS_SIZE = 50;

/** Drops finished rows past the history's age or count; pending ones always stay. */
export function pruneHistory(outbox: NotificationStore, now: number): Promise<number> {
  return outbox.pruneHistory(now - HISTORY_KEEP_MS, HISTORY_KEEP);
}
