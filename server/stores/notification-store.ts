// Notifications: the outbox (a pending delivery per event and channel, its attempts and last error, and a short
// history of what was delivered or given up) and the digest's last scheduled time. Times are unix ms.

export type NotificationChannel = 'email' | 'webhook';
export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed';

export interface OutboxRow {
  id: number;
  eventKey: string;
  event: string;
  channel: NotificationChannel;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  finishedAt: number | null;
}

/** An event to queue on some channels, once per event key and channel. */
export interface QueuedEvent {
  eventKey: string;
  event: string;
  /** The JSON the webhook receives and the e-mail is rendered from. */
  payload: string;
  channels: NotificationChannel[];
  /** Nothing is queued when an event of the same type was queued after this time (its quiet period); null: no quiet period. */
  quietAfter: number | null;
}

export interface NotificationStore {
  /** Queues the event at `now` on each channel it has no delivery on yet; returns the channels it was queued on. */
  queueEvent(event: QueuedEvent, now: number): Promise<NotificationChannel[]>;
  /** Pending deliveries due at `now`, the earliest first. */
  dueRows(now: number, limit: number): Promise<OutboxRow[]>;
  /** When the next pending delivery is due, or null when none is waiting. */
  nextDueAt(): Promise<number | null>;
  /**
   * Takes a pending delivery for sending until `until` (counting the attempt); false when another run took it or it
   * changed. A claim that runs out (its process stopped mid-send) is resumed by resumeInterrupted.
   */
  claim(id: number, until: number): Promise<boolean>;
  /** `note`: what went partly wrong though it was delivered (a recipient refused while others accepted). */
  markDelivered(id: number, now: number, note: string | null): Promise<void>;
  markRetry(id: number, error: string, at: number): Promise<void>;
  markFailed(id: number, error: string, now: number): Promise<void>;
  /**
   * Every delivery left 'sending' whose claim runs out by `claimsEndingBy` (default: `now`, the claims that have run
   * out) goes back to pending at `now`, its interrupted attempt not counted; returns how many.
   */
  resumeInterrupted(now: number, claimsEndingBy?: number): Promise<number>;
  /**
   * A stopping process hands back the sends it cut off (`ids`, still 'sending'): pending again at `now`, the
   * interrupted attempt not counted, so another node (or the next start) sends them without waiting for the claim
   * to run out. Returns how many.
   */
  releaseClaims(ids: number[], now: number): Promise<number>;
  /** A given-up delivery goes again from its first attempt; false when it is not given up. */
  retryNow(id: number, now: number): Promise<boolean>;
  getRow(id: number): Promise<OutboxRow | null>;
  /** The latest deliveries, newest first. */
  recentRows(limit: number): Promise<OutboxRow[]>;
  /** Drops finished deliveries that finished before `finishedBefore` or are not among the latest `keep`; pending ones stay. */
  pruneHistory(finishedBefore: number, keep: number): Promise<number>;
  /** The scheduled time of the last digest, or null when none was ever scheduled. */
  lastDigestSlot(): Promise<number | null>;
  /**
   * Records the digest's scheduled time and, in the same transaction, queues its event when given one. With
   * `previous`, only when the recorded time is still `previous` (no other run or schedule change came between).
   */
  saveDigestSlot(slot: number, digest: { event: QueuedEvent; now: number } | null, previous?: number | null): Promise<NotificationChannel[]>;
}
