// The delivery loop: sends due outbox rows in the background, e-mail and webhook side by side (a slow mail
// server does not hold up the webhook), retries failures on the outbox schedule, and after the last attempt
// gives up, keeps the row for the screen's history and raises a dashboard alert. That alert is no event in the
// catalogue, so a failing channel never notifies about itself. The same loop sends the digest when it is due.
//
// It runs when woken (an event was queued), when the next retry is due, and at least every minute; at start it
// resumes deliveries an earlier process left half-done (outbox.ts resumeInterrupted).
import type { FastifyInstance } from 'fastify';
import { perDatabase } from '../stores/sqlite/database.js';
import { raiseAlert, resolveAlert } from '../chat/alerts.js';
import { publicAddressFor } from './links.js';
import { buildDigest, digestPeriod, digestSlot } from './digest.js';
import { sendEmail, SmtpError, type SendOptions, type SmtpTarget } from './email.js';
import { EVENTS, emailContentOf, isEventType } from './events.js';
import { renderEmail } from './message.js';
import { queueEvent, runtimeOf, type EventPayload } from './notify.js';
import {
  RETRY_DELAYS_MS,
  claim,
  dueRows,
  lastDigestSlot,
  markDelivered,
  markFailed,
  markRetry,
  nextDueAt,
  pruneHistory,
  resumeInterrupted,
  setLastDigestSlot,
  type OutboxRow,
} from './outbox.js';
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

type App = Pick<FastifyInstance, 'db' | 'stores' | 'secretBox' | 'config' | 'log' | 'ingest'>;

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
export const CHANNEL_LABELS: Record<Channel, string> = { email: 'E-mail', webhook: 'Webhook' };
/** The dashboard alert for a channel whose deliveries are given up (never an event: see eventOfAlert). */
export const failureAlertKind = (channel: Channel) => `notification_${channel}_failed`;

const loopOf = perDatabase(() => ({
  options: {} as NotificationOptions,
  running: null as Promise<void> | null,
  again: false,
  stopped: false,
  timer: undefined as NodeJS.Timeout | undefined,
}));

/** How many times a delivery is tried before it is given up. */
export const maxAttempts = (db: App['db']) => (loopOf(db).options.retryDelaysMs ?? RETRY_DELAYS_MS).length + 1;

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
export async function savedSmtpTarget(app: Pick<App, 'stores' | 'secretBox'>, settings: NotificationSettings): Promise<SmtpTarget> {
  const password = settings.email.user ? await readSmtpPassword(app.stores.config, app.secretBox) : null;
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

async function deliverEmail(app: App, settings: NotificationSettings, payload: EventPayload): Promise<string | null> {
  if (!isEventType(payload.event)) throw fail({ message: `Unknown event "${payload.event}".`, retry: false, retryAfterMs: null, alert: false });
  const email = renderEmail(emailContentOf(payload.event, payload.data), publicAddressFor(app.config, settings));
  const outcome = await sendEmail(await savedSmtpTarget(app, settings), email, {
    ...loopOf(app.db).options.smtp,
    headers: { 'X-Docent-Event': payload.event, 'X-Docent-Event-Id': payload.id },
  });
  return outcome.refused.length
    ? `Delivered to ${outcome.accepted.join(', ')}; the server refused ${outcome.refused.map((r) => `${r.address} (${r.reply})`).join(', ')}.`
    : null;
}

async function deliverWebhook(app: App, settings: NotificationSettings, payload: EventPayload): Promise<null> {
  const secret = await readSigningSecret(app.stores.config, app.secretBox);
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
    allowPrivate: app.config.allowPrivateUrls,
    reader: app.ingest,
    now: runtimeOf(app.db).clock(),
    timeoutMs: loopOf(app.db).options.webhookTimeoutMs,
  });
  return null;
}

const attemptsText = (n: number) => (n === 1 ? 'It was not retried: the same request would fail again.' : `Docent gave up after ${n} attempts.`);

async function deliver(app: App, row: OutboxRow): Promise<void> {
  const { db, stores } = app;
  const { clock } = runtimeOf(db);
  const delays = loopOf(db).options.retryDelaysMs ?? RETRY_DELAYS_MS;
  if (!claim(db, row.id)) return;
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
    const note = row.channel === 'email' ? await deliverEmail(app, settings, payload) : await deliverWebhook(app, settings, payload);
    if (!db.open) return; // the app closed meanwhile: the row is resumed at the next start
    markDelivered(db, row.id, clock(), note);
    resolveAlert(db, failureAlertKind(row.channel));
  } catch (err) {
    if (!db.open) return;
    const failure = failureOf(err);
    if (failure.retry && attempt <= delays.length) {
      markRetry(db, row.id, failure.message, clock() + Math.max(delays[attempt - 1], failure.retryAfterMs ?? 0));
      return;
    }
    markFailed(db, row.id, failure.message, clock());
    app.log.warn({ event: row.event, channel: row.channel, attempts: attempt }, 'a notification was given up');
    if (failure.alert) {
      const label = isEventType(row.event) ? EVENTS[row.event].label : row.event;
      raiseAlert(
        db,
        failureAlertKind(row.channel),
        `Docent could not send the “${label}” notification by ${row.channel === 'email' ? 'e-mail' : 'webhook'}: ` +
          `${failure.message} ${attemptsText(attempt)} See Settings → Notifications → Last deliveries.`,
      );
    }
  }
}

/** Queues the digest when its time has come and it was not sent for that time yet. */
export async function checkDigest(app: App, now: number): Promise<void> {
  const { db, stores } = app;
  const settings = await readNotificationSettings(stores.config);
  const { digest } = settings;
  const slot = digestSlot(digest, now);
  if (slot === null || digest.frequency === 'off') return;
  const last = lastDigestSlot(db);
  if (last !== null && slot <= last) return;
  db.transaction(() => {
    setLastDigestSlot(db, slot);
    // Never scheduled from the screen (e.g. an imported setting): start with the next time, not a past one.
    if (last === null) return;
    const frequency = digest.frequency as 'daily' | 'weekly';
    queueEvent(db, channelsFor(settings, 'digest'), {
      type: 'digest',
      key: `digest:${new Date(slot).toISOString().slice(0, 13)}`,
      data: buildDigest(db, frequency, digestPeriod(frequency, slot)),
    });
  })();
}

/** After the schedule changed on the screen: the next digest is the next scheduled time, not one already past. */
export function restartDigest(app: Pick<App, 'db'>, settings: NotificationSettings): void {
  const slot = digestSlot(settings.digest, runtimeOf(app.db).clock());
  if (slot !== null) setLastDigestSlot(app.db, slot);
}

async function pass(app: App): Promise<void> {
  const { db, stores } = app;
  const { clock } = runtimeOf(db);
  await checkDigest(app, clock());
  const due = dueRows(db, clock());
  const lane = async (rows: OutboxRow[]) => {
    for (const row of rows) {
      if (loopOf(db).stopped || !db.open) return;
      await deliver(app, row);
    }
  };
  await Promise.all([lane(due.filter((r) => r.channel === 'email')), lane(due.filter((r) => r.channel === 'webhook'))]);
  if (db.open) pruneHistory(db, clock());
}

function scheduleNext(app: App): void {
  const loop = loopOf(app.db);
  if (loop.stopped || !app.db.open) return;
  const next = nextDueAt(app.db);
  const wait = next === null ? TICK_MS : Math.min(TICK_MS, Math.max(0, next - runtimeOf(app.db).clock()));
  clearTimeout(loop.timer);
  loop.timer = setTimeout(() => void runDeliveries(app), wait);
  loop.timer.unref();
}

/**
 * Runs a pass now (or, when one is under way, one more right after it) and resolves when done. The loop calls
 * it; tests and the screen's Retry call it to deliver without waiting for the timer.
 */
export function runDeliveries(app: App): Promise<void> {
  const loop = loopOf(app.db);
  if (loop.stopped) return Promise.resolve();
  if (loop.running) {
    loop.again = true;
    return loop.running;
  }
  loop.running = (async () => {
    do {
      loop.again = false;
      await pass(app);
    } while (loop.again && !loop.stopped);
  })()
    .catch((err) => app.log.error({ err }, 'the notification delivery loop failed'))
    .finally(() => {
      loop.running = null;
      scheduleNext(app);
    });
  return loop.running;
}

/** Starts the loop with the app (after migrations, before listening) and stops it on close. */
export function startNotifications(app: FastifyInstance, options: NotificationOptions = {}): void {
  const runtime = runtimeOf(app.db);
  const loop = loopOf(app.db);
  runtime.clock = options.clock ?? Date.now;
  runtime.log = app.log;
  runtime.settings = app.stores.config;
  loop.options = options;
  app.addHook('onReady', async () => {
    const resumed = resumeInterrupted(app.db, runtime.clock());
    if (resumed) app.log.info({ resumed }, 'notifications interrupted by the last stop are sent again');
    runtime.wake = () => {
      const l = loopOf(app.db);
      clearTimeout(l.timer);
      l.timer = setTimeout(() => void runDeliveries(app), 0);
      l.timer.unref();
    };
    void runDeliveries(app);
  });
  app.addHook('onClose', async () => {
    loop.stopped = true;
    runtime.wake = null;
    clearTimeout(loop.timer);
    // The sends under way may finish (this hook runs before the database closes), but shutdown does not wait
    // long for a slow mail server: a row still 'sending' goes again at the next start.
    if (loop.running) await Promise.race([loop.running, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
  });
}
