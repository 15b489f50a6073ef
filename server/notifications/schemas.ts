// Settings → Notifications: the shapes of the admin API's answers and the names they use, shared by the routes, the
// tests and (as types only) the admin UI. Zod only: no database or Fastify import. The request schemas stay in
// settings.ts for now: the webhook URL rule comes from the page fetcher (training/ingest).
import { z } from 'zod';

export const SECURITY_MODES = ['none', 'starttls', 'tls'] as const;
export type SecurityMode = (typeof SECURITY_MODES)[number];
export const CHANNELS = ['email', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];
export const DIGEST_FREQUENCIES = ['off', 'daily', 'weekly'] as const;
export type DigestFrequency = (typeof DIGEST_FREQUENCIES)[number];
/** Everything Docent can notify, in the screen's order (events.ts defines each one; it must list exactly these). */
export const EVENT_TYPES = ['new_lead', 'invalid_key', 'out_of_credits', 'low_balance', 'spend_cap', 'model_not_responding', 'digest'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Per event: does it go by e-mail, by webhook. */
export const Routing = z.object({ email: z.boolean(), webhook: z.boolean() });

/** `GET` and `PUT /api/admin/notifications`. */
export const NotificationSettingsView = z.object({
  email: z.object({
    enabled: z.boolean(),
    host: z.string(),
    port: z.number(),
    security: z.enum(SECURITY_MODES),
    user: z.string(),
    /** Never the password: only whether one is saved. */
    password: z.object({ saved: z.boolean() }),
    from: z.string(),
    to: z.array(z.string()),
  }),
  webhook: z.object({
    enabled: z.boolean(),
    url: z.string(),
    secret: z.object({ saved: z.boolean(), last4: z.string().nullable() }),
    /** Only in the response of the save that made it: shown once. */
    newSecret: z.string().optional(),
  }),
  events: z.object(Object.fromEntries(EVENT_TYPES.map((t) => [t, Routing])) as Record<EventType, typeof Routing>),
  digest: z.object({ frequency: z.enum(DIGEST_FREQUENCIES), hour: z.number(), weekday: z.number() }),
  /** When the next digest goes out (ISO), null when it is off. */
  nextDigestAt: z.string().nullable(),
  /** What can be notified, in the screen's order. */
  catalogue: z.array(z.object({ type: z.string(), label: z.string(), description: z.string() })),
});
export type NotificationSettingsView = z.output<typeof NotificationSettingsView>;

/** `POST …/test/email` and `…/test/webhook`: a failed send is an answer (ok false), not an HTTP error. */
export const TestResult = z.object({
  ok: z.boolean(),
  /** For a failure: which step failed (connect, tls, login, sender, recipient, message; for webhooks: delivery). */
  stage: z.string().optional(),
  message: z.string(),
  newSecret: z.string().optional(),
});
export type TestResult = z.output<typeof TestResult>;

/** `POST …/webhook/secret`: the new secret, shown once. */
export const SigningSecret = z.object({ secret: z.string(), last4: z.string().nullable() });
export type SigningSecret = z.output<typeof SigningSecret>;

/** One row of the delivery history (`GET …/deliveries`, `POST …/deliveries/:id/retry`). */
export const Delivery = z.object({
  id: z.number(),
  event: z.string(),
  eventLabel: z.string(),
  /** The e-mail's subject: which lead, which problem, which digest. */
  summary: z.string(),
  channel: z.enum(CHANNELS),
  status: z.enum(['pending', 'sending', 'delivered', 'failed']),
  attempts: z.number(),
  maxAttempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type Delivery = z.output<typeof Delivery>;

export const DeliveryList = z.object({ deliveries: z.array(Delivery) });
export type DeliveryList = z.output<typeof DeliveryList>;

export const DeliveryId = z.object({ id: z.coerce.number().int().positive() });
