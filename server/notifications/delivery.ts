// The delivery loop: sends due outbox rows in the background, e-mail and webhook side by side (a slow mail
// server does not hold up the webhook), retries failures on the outbox schedule, and after the last attempt
// gives up, keeps the row for the screen's history and raises a dashboard alert. That alert is no event in the
// catalogue, so a failing channel never notifies about itself. The same loop sends the digest when it is due.
//
// It runs when woken (an event was queued), when the next retry is due, and at least every minute; at start it
// resumes deliveries an earlier process left half-done (the notification store's resumeInterrupted).
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import type { SecretBox } from '../security/secret-box.js';
import type { Stores } from '../stores/stores.js';
import type { IngestPool } from '../training/ingest/pool.js';
import type { NotificationStore } from '../stores/notification-store.js';
import { raiseAlert, resolveAlert } from '../chat/alerts.js';
import { publicAddressFor } from './links.js';
import { buildDigest, digestPeriod, digestSlot } from './digest.js';
import { sendEmail, SmtpError, type SendOptions, type SmtpTarget } from './email.js';
import { EVENTS, emailContentOf, isEventType } from './events.js';
import { renderEmail } from './message.js';
import { outboxEvent, runtimeOf, type EventPayload } from './notify.js';
import { PASS_SIZE, RETRY_DELAYS_MS, pruneHistory, type OutboxRow } from './outbox.js';
import {
  channelReady,
  channelsFor,
  readNotificationSettings,
  readSigningSecret,
  readSmtpPassword,
  type Channel,
  type NotificationSettings,
} from './settings.js';
import { postWebhook, WebhookError } from './webhook.js';

/** What sending needs, named (the app provides it; tests pass it too). */
export interface NotificationDeps {
  stores: Stores;
  secretBox: SecretBox;
  config: Pick<Config, 'publicUrl' | 'publicUrlSet' | 'allowPrivateUrls'>;
  log: FastifyBaseLogger;
  /** The extraction processes: the webhook's fetch policy parses what it reads there (see training/ingest/pool.ts). */
  ingest: IngestPool;
}

export interface NotificationOptions {
  /** The time deliveries and the digest go by (tests move it). */
  clock?: () => number;
  /** Wait after failed attempt n before the next; its length + 1 is the number of attempts. */
  retryDelaysMs?: number[];
  smtp?: Pick<SendOptions, 'deadlineMs' | 'connectTimeoutMs'>;
  webhookTimeoutMs?: number;
}

/** The loop looks at the outbox and the digest at least this often without being woken. */
const TICK_MS = 60_000;
/** How long closing the app waits for deliveries under way. */
const CLOSE_WAIT_MS = 5_000;
/**
 * How long a delivery being sent stays claimed. Longer than any one send takes (the e-mail and webhook timeouts are
 * well under it): a claim that runs out means its process stopped mid-send, and the delivery goes again.
 */
const SEND_CLAIM_MS = 10 * 60_000;
export const CHANNEL_LABELS: Record<Channel, string> = { email: 'E-mail', webhook: 'Webhook' };
/** The dashboard alert for a channel whose deliveries are given up (never an event: see eventOfAlert). */
export const failureAlertKind = (channel: Channel) => `notification_${channel}_failed`;

interface Loop {
  options: NotificationOptions;
  running: Promise<void> | null;
  again: boolean;
  stopped: boolean;
  /** The app closed (its stores close next): a send finishing after this leaves its row to the next start. */
  closed: boolean;
  /** Outbox rows this process has claimed and is sending now: handed back when it stops mid-send. */
  sending: Set<number>;
  timer: NodeJS.Timeout | undefined;
}
// Per app (per outbox), like the runtime in notify.ts.
const loops = new WeakMap<NotificationStore, Loop>();
function loopOf(deps: Pick<NotificationDeps, 'stores'>): Loop {
  let loop = loops.get(deps.stores.notifications);
  if (!loop)
    loops.set(
      deps.stores.notifications,
      (loop = { options: {}, running: null, again: false, stopped: false, closed: false, sending: new Set(), timer: undefined }),
    );
  return loop;
}

/** How many times a delivery is tried before it is given up. */
export const maxAttempts = (deps: Pick<NotificationDeps, 'stores'>) => (loopOf(deps).options.retryDelaysMs ?? RETRY_DELAYS_MS).length + 1;

/** A failure: its sentence, whether a retry may help, and whether the admin is alerted when it is given up. */
interface Failure {
  message: string;
  retry: boolean;
  retryAfterMs: number | null;
  alert: boolean;
}

function failureOf(err: unknown): Failure {
  if (err instanceof SmtpError) return { message: err.message, retry: err.retry, retryAfterMs: null, alert: true };
  if (err instanceof WebhookError) return { message: err.message, retry: err.retry, retryAfterMs: err.retryAfterMs, alert: true };
  if (err && typeof err === 'object' && 'failure' in err) return (err as { failure: Failure }).failure;
  return { message: `Sending failed unexpectedly: ${(err as Error)?.message ?? String(err)}.`, retry: true, retryAfterMs: null, alert: true };
}
const fail = (failure: Failure) => Object.assign(new Error(failure.message), { failure });

/** The saved SMTP server as a send target, or why it cannot be used. */
export async function savedSmtpTarget(deps: Pick<NotificationDeps, 'stores' | 'secretBox'>, settings: NotificationSettings): Promise<SmtpTarget> {
  const password = settings.email.user ? await readSmtpPassword(deps.stores.config, deps.secretBox) : null;
  if (settings.email.user && password === null) {
    throw fail({
      message:
        'The SMTP password could not be read (it was never saved, or the data was restored without its secret key). Enter it again in Settings → Notifications.',
      retry: true,
      retryAfterMs: null,
      alert: true,
    });
  }
  return { ...settings.email, password };
}

async function deliverEmail(deps: NotificationDeps, settings: NotificationSettings, payload: EventPayload): Promise<string | null> {
  if (!isEventType(payload.event)) throw fail({ message: `Unknown event "${payload.event}".`, retry: false, retryAfterMs: null, alert: false });
  const email = renderEmail(emailContentOf(payload.event, payload.data), publicAddressFor(deps.config, settings));
  const outcome = await sendEmail(await savedSmtpTarget(deps, settings), email, {
    ...loopOf(deps).options.smtp,
    headers: { 'X-Docent-Event': payload.event, 'X-Docent-Event-Id': payload.id },
  });
  return outcome.refused.length
    ? `Delivered to ${outcome.accepted.join(', ')}; the server refused ${outcome.refused.map((r) => `${r.address} (${r.reply})`).join(', ')}.`
    : null;
}

async function deliverWebhook(deps: NotificationDeps, settings: NotificationSettings, payload: EventPayload): Promise<null> {
  const secret = await readSigningSecret(deps.stores.config, deps.secretBox);
  if (!secret) {
    throw fail({
      message: 'The webhook has no signing secret (the data was restored without its secret key). Make a new one with Regenerate in Settings → Notifications.',
      retry: true,
      retryAfterMs: null,
      alert: true,
    });
  }
  await postWebhook(settings.webhook.url, payload, {
    secret,
    allowPrivate: deps.config.allowPrivateUrls,
    reader: deps.ingest,
    now: runtimeOf(deps.stores).clock(),
    timeoutMs: loopOf(deps).options.webhookTimeoutMs,
  });
  return null;
}

const attemptsText = (n: number) => (n === 1 ? 'It was not retried: the same request would fail again.' : `Docent gave up after ${n} attempts.`);

async function deliver(deps: NotificationDeps, row: OutboxRow): Promise<void> {
  const loop = loopOf(deps);
  if (!(await deps.stores.notifications.claim(row.id, runtimeOf(deps.stores).clock() + SEND_CLAIM_MS))) return;
  loop.sending.add(row.id);
  try {
    await send(deps, row);
  } finally {
    loop.sending.delete(row.id);
  }
}

/** One attempt at a claimed row, and what it leads to: delivered, a retry later, or given up. */
async function send(deps: NotificationDeps, row: OutboxRow): Promise<void> {
  const { stores } = deps;
  const outbox = stores.notifications;
  const { clock } = runtimeOf(stores);
  const loop = loopOf(deps);
  const delays = loop.options.retryDelaysMs ?? RETRY_DELAYS_MS;
  const attempt = row.attempts + 1;
  const settings = await readNotificationSettings(stores.config);
  try {
    if (!channelReady(settings, row.channel)) {
      throw fail({
        message: `${CHANNEL_LABELS[row.channel]} notifications were turned off before this could be sent.`,
        retry: false,
        retryAfterMs: null,
        alert: false,
      });
    }
    const payload = JSON.parse(row.payload) as EventPayload;
    const note = row.channel === 'email' ? await deliverEmail(deps, settings, payload) : await deliverWebhook(deps, settings, payload);
    if (loop.closed) return; // the app closed meanwhile: the row is resumed at the next start
    await outbox.markDelivered(row.id, clock(), note);
    await resolveAlert(stores, failureAlertKind(row.channel));
  } catch (err) {
    if (loop.closed) return;
    const failure = failureOf(err);
    if (failure.retry && attempt <= delays.length) {
      await outbox.markRetry(row.id, failure.message, clock() + Math.max(delays[attempt - 1], failure.retryAfterMs ?? 0));
      return;
    }
    await outbox.markFailed(row.id, failure.message, clock());
    deps.log.warn({ event: row.event, channel: row.channel, attempts: attempt }, 'a notification was given up');
    if (failure.alert) {
      const label = isEventType(row.event) ? EVENTS[row.event].label : row.event;
      await raiseAlert(
        stores,
        failureAlertKind(row.channel),
        `Docent could not send the “${label}” notification by ${row.channel === 'email' ? 'e-mail' : 'webhook'}: ` +
          `${failure.message} ${attemptsText(attempt)} See Settings → Notifications → Last deliveries.`,
      );
    }
  }
}

/** Queues the digest when its time has come and it was not sent for that time yet. */
export async function checkDigest(deps: NotificationDeps, now: number): Promise<void> {
  const { stores } = deps;
  const settings = await readNotificationSettings(stores.config);
  const { digest } = settings;
  const slot = digestSlot(digest, now);
  if (slot === null || digest.frequency === 'off') return;
  const last = await stores.notifications.lastDigestSlot();
  if (last !== null && slot <= last) return;
  // Never scheduled from the screen (e.g. an imported setting): start with the next time, not a past one.
  const channels = channelsFor(settings, 'digest');
  let queue = null;
  if (last !== null && channels.length) {
    const frequency = digest.frequency as 'daily' | 'weekly';
    const event = {
      type: 'digest' as const,
      key: `digest:${new Date(slot).toISOString().slice(0, 13)}`,
      data: await buildDigest(stores, frequency, digestPeriod(frequency, slot)),
    };
    const queuedAt = runtimeOf(stores).clock();
    queue = { event: outboxEvent(channels, event, queuedAt), now: queuedAt };
  }
  // The slot and its digest are saved together: a digest is queued once per scheduled time.
  const queued = await stores.notifications.saveDigestSlot(slot, queue, last);
  if (queued.length) runtimeOf(stores).wake?.();
}

/** After the schedule changed on the screen: the next digest is the next scheduled time, not one already past. */
export async function restartDigest(deps: Pick<NotificationDeps, 'stores'>, settings: NotificationSettings): Promise<void> {
  const slot = digestSlot(settings.digest, runtimeOf(deps.stores).clock());
  if (slot !== null) await deps.stores.notifications.saveDigestSlot(slot, null);
}

async function pass(deps: NotificationDeps): Promise<void> {
  const { stores } = deps;
  const { clock } = runtimeOf(stores);
  const loop = loopOf(deps);
  await checkDigest(deps, clock());
  // A node that stopped mid-send (cluster mode) leaves claims that run out: those deliveries go again.
  const resumed = await stores.notifications.resumeInterrupted(clock());
  if (resumed) deps.log.info({ resumed }, 'notifications whose sender stopped mid-send are sent again');
  const due = await stores.notifications.dueRows(clock(), PASS_SIZE);
  const lane = async (rows: OutboxRow[]) => {
    for (const row of rows) {
      if (loop.stopped || loop.closed) return;
      await deliver(deps, row);
    }
  };
  await Promise.all([lane(due.filter((r) => r.channel === 'email')), lane(due.filter((r) => r.channel === 'webhook'))]);
  if (!loop.closed) await pruneHistory(stores.notifications, clock());
}

async function scheduleNext(deps: NotificationDeps): Promise<void> {
  const loop = loopOf(deps);
  if (loop.stopped || loop.closed) return;
  const next = await deps.stores.notifications.nextDueAt();
  if (loop.stopped || loop.closed) return;
  const wait = next === null ? TICK_MS : Math.min(TICK_MS, Math.max(0, next - runtimeOf(deps.stores).clock()));
  clearTimeout(loop.timer);
  loop.timer = setTimeout(() => void runDeliveries(deps), wait);
  loop.timer.unref();
}

/**
 * Runs a pass now (or, when one is under way, one more right after it) and resolves when done. The loop calls
 * it; tests and the screen's Retry call it to deliver without waiting for the timer.
 */
export function runDeliveries(deps: NotificationDeps): Promise<void> {
  const loop = loopOf(deps);
  if (loop.stopped) return Promise.resolve();
  if (loop.running) {
    loop.again = true;
    return loop.running;
  }
  loop.running = (async () => {
    do {
      loop.again = false;
      await pass(deps);
    } while (loop.again && !loop.stopped);
  })()
    .catch((err) => deps.log.error({ err }, 'the notification delivery loop failed'))
    .finally(() => {
      loop.running = null;
      scheduleNext(deps).catch((err) => deps.log.error({ err }, 'the notification delivery loop could not be scheduled'));
    });
  return loop.running;
}

/** The delivery loop's lifetime: started when the app is ready, stopped when it closes. */
export interface NotificationLoop {
  /** Resumes deliveries an earlier process left half-done and runs a first pass. */
  start(): Promise<void>;
  /** Stops the loop, waiting a little for sends under way. */
  stop(): Promise<void>;
}

/**
 * Sets up the app's notifications (from here on notify() queues events) and returns the loop, for app.ts to
 * start after migrations, before listening, and to stop before the stores close.
 */
export function notificationLoop(deps: NotificationDeps, options: NotificationOptions = {}): NotificationLoop {
  const runtime = runtimeOf(deps.stores);
  const loop = loopOf(deps);
  runtime.clock = options.clock ?? Date.now;
  runtime.log = deps.log;
  runtime.settings = deps.stores.config;
  loop.options = options;
  return {
    async start() {
      // One process: what the last stop left 'sending' is certainly not being sent any more. In cluster mode another
      // node may be sending it: only claims that ran out are resumed (here and on every pass).
      const now = runtime.clock();
      const resumed = await deps.stores.notifications.resumeInterrupted(now, deps.stores.cluster ? now : Number.MAX_SAFE_INTEGER);
      if (resumed) deps.log.info({ resumed }, 'notifications interrupted by the last stop are sent again');
      runtime.wake = () => {
        clearTimeout(loop.timer);
        loop.timer = setTimeout(() => void runDeliveries(deps), 0);
        loop.timer.unref();
      };
      void runDeliveries(deps);
    },
    async stop() {
      loop.stopped = true;
      runtime.wake = null;
      clearTimeout(loop.timer);
      // The sends under way may finish (this runs before the stores close), but shutdown does not wait long for
      // a slow mail server: a row still 'sending' goes again at the next start.
      if (loop.running) await Promise.race([loop.running, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
      loop.closed = true;
      // What it cut off goes back to pending now: in cluster mode another node sends it at once, instead of after
      // the claim runs out (a process killed outright still leaves its claims to run out).
      const cut = [...loop.sending];
      if (cut.length) {
        try {
          const released = await deps.stores.notifications.releaseClaims(cut, runtime.clock());
          deps.log.info({ released }, 'notifications cut off by the stop are handed back');
        } catch (err) {
          deps.log.warn({ err }, 'notifications cut off by the stop could not be handed back: they go again when their claim runs out');
        }
      }
    },
  };
}
