// Settings → Notifications (/api/admin/notifications…): the settings, Send test e-mail, Send test event, the
// webhook's signing secret, and the last deliveries with Retry. Documented in server/README.md.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { badRequest, notFound } from '../http/errors.js';
import { ErrorBody } from '../http/schemas.js';
import { publicAddress } from '../http/public-address.js';
import { resolveAlert } from '../chat/alerts.js';
import { nextDigestAt } from './digest.js';
import { sendEmail, SmtpError } from './email.js';
import { EVENTS, EVENT_TYPES, emailContentOf, isEventType } from './events.js';
import { publicAddressFor } from './links.js';
import { renderEmail } from './message.js';
import { runtimeOf, type EventPayload } from './notify.js';
import type { OutboxRow } from './outbox.js';
import {
  EmailInput,
  NotificationSettingsInput,
  emailProblems,
  newSigningSecret,
  notificationSettingsView,
  passwordFor,
  readNotificationSettings,
  readSigningSecret,
  saveNotificationSettings,
  WebhookInput,
  WEBHOOK_SIGNING_SECRET,
} from './settings.js';
import { failureAlertKind, maxAttempts, restartDigest, runDeliveries } from './delivery.js';
import { postWebhook, WebhookError } from './webhook.js';
import { secretHint } from '../security/secrets.js';
import { Delivery, DeliveryId, DeliveryList, NotificationSettingsView, SigningSecret, TestResult } from './schemas.js';

const HISTORY_SHOWN = 50;
const TEST_EMAIL = {
  subject: 'Test e-mail',
  paragraphs: ['This is a test from Settings → Notifications. E-mail notifications from Docent reach this address.'],
};

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const notificationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { stores } = app;
  const now = () => runtimeOf(stores).clock();

  const view = async (newSecret?: string | null) => {
    const settings = await readNotificationSettings(stores.config);
    const next = nextDigestAt(settings.digest, now());
    const base = await notificationSettingsView(stores.config, app.secretBox);
    return {
      ...base,
      webhook: { ...base.webhook, ...(newSecret ? { newSecret } : {}) },
      nextDigestAt: iso(next),
      catalogue: EVENT_TYPES.map((type) => ({ type, label: EVENTS[type].label, description: EVENTS[type].description })),
    };
  };

  const deliveryView = (row: OutboxRow) => {
    let summary: string = row.event;
    try {
      const payload = JSON.parse(row.payload) as EventPayload;
      if (isEventType(row.event)) summary = emailContentOf(row.event, payload.data).subject;
    } catch {
      /* an unreadable payload still shows its event */
    }
    return {
      id: row.id,
      event: row.event,
      eventLabel: isEventType(row.event) ? EVENTS[row.event].label : row.event,
      summary,
      channel: row.channel,
      status: row.status,
      attempts: row.attempts,
      maxAttempts: maxAttempts(app),
      nextAttemptAt: row.status === 'pending' ? iso(row.nextAttemptAt) : null,
      lastError: row.lastError,
      createdAt: iso(row.createdAt)!,
      finishedAt: iso(row.finishedAt),
    };
  };

  app.get('/notifications', { schema: { response: { 200: NotificationSettingsView } } }, async () => view());

  app.put('/notifications', { schema: { body: NotificationSettingsInput, response: { 200: NotificationSettingsView, 400: ErrorBody } } }, async (request) => {
    const result = await saveNotificationSettings(stores.config, app.secretBox, request.body, publicAddress(app.config, request));
    if ('fields' in result) throw badRequest('Please correct the highlighted fields.', result.fields);
    if (result.digestChanged) await restartDigest(app, await readNotificationSettings(stores.config));
    request.log.info(
      {
        email: request.body.email.enabled,
        webhook: request.body.webhook.enabled,
        digest: request.body.digest.frequency,
        passwordChanged: Boolean(request.body.email.password),
      },
      'notification settings saved',
    );
    return view(result.newSecret);
  });

  app.post(
    '/notifications/test/email',
    { schema: { body: EmailInput.omit({ enabled: true }), response: { 200: TestResult, 400: ErrorBody } } },
    async (request) => {
      const input = { ...request.body, enabled: true };
      const fields = emailProblems(input);
      const login = await passwordFor(stores.config, app.secretBox, input);
      if ('problem' in login) fields.password = login.problem;
      if (Object.keys(fields).length) throw badRequest('Fill in these fields to send a test e-mail.', fields);
      const base = publicAddressFor(app.config, { linkBase: publicAddress(app.config, request) });
      try {
        const outcome = await sendEmail({ ...input, password: 'password' in login ? login.password : null }, renderEmail(TEST_EMAIL, base), {
          headers: { 'X-Docent-Event': 'test' },
        });
        request.log.info({ accepted: outcome.accepted.length, refused: outcome.refused.length }, 'test e-mail sent');
        const refused = outcome.refused.length ? ` The server refused ${outcome.refused.map((r) => `${r.address}: ${r.reply}`).join('; ')}.` : '';
        if (!refused && (await readNotificationSettings(stores.config)).email.host === input.host) await resolveAlert(stores, failureAlertKind('email'));
        return { ok: true, message: `Sent to ${outcome.accepted.join(', ')}. Check the inbox (and the spam folder).${refused}` };
      } catch (err) {
        const failure = err instanceof SmtpError ? err : new SmtpError('other', `The e-mail could not be sent: ${(err as Error).message}.`, true);
        request.log.info({ stage: failure.stage }, 'test e-mail failed');
        return { ok: false, stage: failure.stage, message: failure.message };
      }
    },
  );

  app.post(
    '/notifications/test/webhook',
    { schema: { body: WebhookInput.pick({ url: true }), response: { 200: TestResult, 400: ErrorBody } } },
    async (request) => {
      const { url } = request.body;
      if (!url)
        throw badRequest('Enter the webhook URL to send a test event.', {
          url: 'Enter the full address that receives the events, such as https://example.com/hooks/docent.',
        });
      let secret = await readSigningSecret(stores.config, app.secretBox);
      const newSecret = secret ? null : (secret = await newSigningSecret(stores.config, app.secretBox));
      const payload: EventPayload = {
        event: 'test',
        id: `evt_test_${Date.now().toString(36)}`,
        createdAt: new Date().toISOString(),
        data: { message: 'This is a test event from Settings → Notifications.' },
      };
      try {
        const { status } = await postWebhook(url, payload, { secret, allowPrivate: app.config.allowPrivateUrls, reader: app.ingest });
        if ((await readNotificationSettings(stores.config)).webhook.url === url) await resolveAlert(stores, failureAlertKind('webhook'));
        return { ok: true, message: `Delivered: the receiver answered ${status}.`, ...(newSecret ? { newSecret } : {}) };
      } catch (err) {
        const message = err instanceof WebhookError ? err.message : `The event could not be sent: ${(err as Error).message}.`;
        return { ok: false, stage: 'delivery', message, ...(newSecret ? { newSecret } : {}) };
      }
    },
  );

  app.post('/notifications/webhook/secret', { schema: { response: { 200: SigningSecret } } }, async (request) => {
    const secret = await newSigningSecret(stores.config, app.secretBox);
    request.log.info('webhook signing secret regenerated');
    return { secret, last4: await secretHint(stores.config, WEBHOOK_SIGNING_SECRET) };
  });

  app.get('/notifications/deliveries', { schema: { response: { 200: DeliveryList } } }, async () => ({
    deliveries: (await stores.notifications.recentRows(HISTORY_SHOWN)).map(deliveryView),
  }));

  app.post(
    '/notifications/deliveries/:id/retry',
    {
      schema: { params: DeliveryId, response: { 200: Delivery, 400: ErrorBody, 404: ErrorBody } },
    },
    async (request) => {
      const row = await stores.notifications.getRow(request.params.id);
      if (!row) throw notFound('No such delivery: it may have been removed from the history.');
      if (!(await stores.notifications.retryNow(row.id, now())))
        throw badRequest('Only a delivery that was given up can be retried; this one is still under way or was delivered.');
      await runDeliveries(app);
      return deliveryView((await stores.notifications.getRow(row.id))!);
    },
  );
};
