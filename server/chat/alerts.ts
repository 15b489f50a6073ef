// Problems only the admin can fix (key, credits, rate limits) become dashboard alerts, de-duplicated.
import type { Stores } from '../stores/stores.js';
import { alertRaised } from '../notifications/notify.js';

/** Where an alert is kept and who hears of a new one. */
export type AlertStores = Pick<Stores, 'chat' | 'notifications'>;

export async function raiseAlert(stores: AlertStores, kind: string, message: string): Promise<void> {
  const alert = await stores.chat.raiseAlert(kind, message);
  // A new alert notifies the admin once (notifications/notify.ts); one that keeps recurring only counts up.
  if (alert.count === 1) await alertRaised(stores, { id: alert.id, kind, message });
}

/**
 * A successful answer proves the provider works again; it says nothing about a low balance, which stays, nor
 * about notifications that could not be delivered (notification_email_failed, notification_webhook_failed).
 */
export function resolveAlerts(stores: Pick<Stores, 'chat'>): Promise<void> {
  return stores.chat.resolveProviderAlerts();
}

/** The problem behind one kind of alert is gone. */
export function resolveAlert(stores: Pick<Stores, 'chat'>, kind: string): Promise<void> {
  return stores.chat.resolveAlert(kind);
}
