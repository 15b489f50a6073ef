// Settings → Notifications: the SMTP server and webhook, which events go where, and the digest's schedule.
// One schema module for the screen, the test buttons and the delivery loop. The SMTP password and the
// webhook's signing secret are sealed in the secrets table (security/secrets.ts), never in this section and
// never in a response: the view says only whether they are saved.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ConfigStore, SecretWrite } from '../stores/config-store.js';
import type { SecretBox } from '../security/secret-box.js';
import { readSecret, saveSecret, secretHint } from '../security/secrets.js';
import { readSection, updateSection } from '../settings/store.js';
import { webAddress } from '../training/sources.js';
import { DIGEST_FREQUENCIES, type DigestSchedule } from './digest.js';
import { EVENTS, EVENT_TYPES, type EventType } from './events.js';
import { CHANNELS, SECURITY_MODES, Routing, type Channel, type SecurityMode } from './schemas.js';

const SECTION = 'notifications';
export const SMTP_PASSWORD_SECRET = 'notifications_smtp_password';
export const WEBHOOK_SIGNING_SECRET = 'notifications_webhook_secret';

export { CHANNELS, SECURITY_MODES, type Channel, type SecurityMode };
/** The usual port for each mode: what the screen suggests when the mode changes. */
export const DEFAULT_PORTS: Record<SecurityMode, number> = { none: 25, starttls: 587, tls: 465 };
export const MAX_RECIPIENTS = 10;

const routingDefaults = Object.fromEntries(EVENT_TYPES.map((t) => [t, EVENTS[t].defaults])) as Record<EventType, { email: boolean; webhook: boolean }>;

/** The stored section: lenient, every field defaulted, so an old or damaged value still reads. */
const StoredSettings = z.object({
  email: z
    .object({
      enabled: z.boolean().default(false),
      host: z.string().default(''),
      port: z.number().int().default(DEFAULT_PORTS.starttls),
      security: z.enum(SECURITY_MODES).default('starttls'),
      user: z.string().default(''),
      from: z.string().default(''),
      to: z.array(z.string()).default([]),
    })
    .prefault({}),
  webhook: z
    .object({
      enabled: z.boolean().default(false),
      url: z.string().default(''),
    })
    .prefault({}),
  events: z
    .object(Object.fromEntries(EVENT_TYPES.map((t) => [t, Routing.default(routingDefaults[t])])) as Record<EventType, z.ZodDefault<typeof Routing>>)
    .prefault({}),
  digest: z
    .object({
      frequency: z.enum(DIGEST_FREQUENCIES).default('off'),
      hour: z.number().int().min(0).max(23).default(8),
      weekday: z.number().int().min(0).max(6).default(1),
    })
    .prefault({}),
  /** The address the admin saved these settings from: links in e-mails point there when PUBLIC_URL is not set. */
  linkBase: z.string().nullable().default(null),
});
export type NotificationSettings = z.output<typeof StoredSettings>;
export type EmailSettings = NotificationSettings['email'];

// --- Input: what the screen sends, with a sentence for each mistake ---------------------------------------------

const HOST_MESSAGE = "Enter the mail server's host name, such as smtp.example.com (no smtp:// and no port: the port has its own field).";
const PORT_MESSAGE = 'Enter a port from 1 to 65535: usually 587 for STARTTLS, 465 for TLS, 25 without encryption.';
const FROM_MESSAGE = 'Enter the sender address, such as docent@example.com. Many mail servers only accept their own domain here.';
const toMessage = (value: string) => `"${value}" is not an e-mail address. Separate addresses with commas.`;
const emailFormat = z.email();

const host = z
  .string({ message: HOST_MESSAGE })
  .trim()
  .max(253, HOST_MESSAGE)
  .refine(
    (v) => v === '' || /^(\[[0-9a-f:.]+\]|[0-9a-f:]*:[0-9a-f:.]+|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?)$/i.test(v),
    HOST_MESSAGE,
  );

export const EmailInput = z.object({
  enabled: z.boolean({ message: 'E-mail must be on or off.' }).default(false),
  host: host.default(''),
  port: z.number({ message: PORT_MESSAGE }).int(PORT_MESSAGE).min(1, PORT_MESSAGE).max(65535, PORT_MESSAGE),
  security: z.enum(SECURITY_MODES, { message: 'Choose None, STARTTLS or TLS.' }),
  user: z.string().trim().max(256, 'The user name is too long (256 characters at most).').default(''),
  /** Typed only to set a new one; left out, the saved password stays (for the same server and user). */
  password: z.string().max(1024, 'The password is too long (1,024 characters at most).').optional(),
  from: z
    .string()
    .trim()
    .max(254, FROM_MESSAGE)
    .refine((v) => v === '' || emailFormat.safeParse(v).success, FROM_MESSAGE)
    .default(''),
  to: z
    .array(z.string().trim().max(254, 'An address is too long (254 characters at most).'))
    .max(MAX_RECIPIENTS, `Send to at most ${MAX_RECIPIENTS} addresses.`)
    .default([])
    .superRefine((list, ctx) => {
      const bad = list.find((a) => !emailFormat.safeParse(a).success);
      if (bad !== undefined) ctx.addIssue({ code: 'custom', message: toMessage(bad) });
    }),
});
export type EmailInput = z.output<typeof EmailInput>;

/** Fields a working SMTP setup needs (on save when e-mail is on, and always for a test). */
export function emailProblems(email: EmailInput): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!email.host) problems.host = HOST_MESSAGE;
  if (!email.from) problems.from = FROM_MESSAGE;
  if (!email.to.length) problems.to = 'Enter at least one address to send notifications to.';
  return problems;
}

const WEBHOOK_URL_MESSAGE = 'Enter the full address that receives the events, such as https://example.com/hooks/docent.';

export const WebhookInput = z.object({
  enabled: z.boolean({ message: 'The webhook must be on or off.' }).default(false),
  url: z.union([z.literal(''), webAddress(WEBHOOK_URL_MESSAGE)]).default(''),
});

export const NotificationSettingsInput = z.object({
  email: EmailInput,
  webhook: WebhookInput,
  /** Per event, e-mail and webhook on or off; events left out keep their setting. */
  events: z.object(Object.fromEntries(EVENT_TYPES.map((t) => [t, Routing.optional()])) as Record<EventType, z.ZodOptional<typeof Routing>>).default({}),
  digest: z.object({
    frequency: z.enum(DIGEST_FREQUENCIES, { message: 'Choose off, daily or weekly.' }),
    hour: z
      .number({ message: 'Choose an hour from 0 to 23.' })
      .int('Choose an hour from 0 to 23.')
      .min(0, 'Choose an hour from 0 to 23.')
      .max(23, 'Choose an hour from 0 to 23.'),
    weekday: z
      .number({ message: 'Choose a day of the week.' })
      .int('Choose a day of the week.')
      .min(0, 'Choose a day of the week.')
      .max(6, 'Choose a day of the week.')
      .default(1),
  }),
});
export type NotificationSettingsInput = z.output<typeof NotificationSettingsInput>;

// --- Reading and saving --------------------------------------------------------------------------------------------

export function readNotificationSettings(store: ConfigStore): Promise<NotificationSettings> {
  return readSection(store, SECTION, StoredSettings);
}

/** Whether a channel is on and complete enough to send (settings may be half-filled while it is off). */
export function channelReady(settings: NotificationSettings, channel: Channel): boolean {
  if (channel === 'email') return settings.email.enabled && !!settings.email.host && !!settings.email.from && settings.email.to.length > 0;
  return settings.webhook.enabled && !!settings.webhook.url;
}

/** The channels `type` goes to now. */
export function channelsFor(settings: NotificationSettings, type: EventType): Channel[] {
  return CHANNELS.filter((c) => channelReady(settings, c) && settings.events[type][c]);
}

export const readSmtpPassword = (store: ConfigStore, box: SecretBox) => readSecret(store, box, SMTP_PASSWORD_SECRET);
export const readSigningSecret = (store: ConfigStore, box: SecretBox) => readSecret(store, box, WEBHOOK_SIGNING_SECRET);

/** A new signing secret (shown once by the caller): 32 random bytes, prefixed so it is recognisable in a config file. */
export async function newSigningSecret(store: ConfigStore, box: SecretBox): Promise<string> {
  const secret = makeSigningSecret();
  await saveSecret(store, box, WEBHOOK_SIGNING_SECRET, secret);
  return secret;
}

const makeSigningSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/**
 * The password to log in to `target` with: the one typed, else the saved one, which is only ever sent to the
 * server and user it was saved for. Anything else would let a changed host collect the saved password.
 * `null` means log in without one (no user); a string message means the password must be typed.
 */
export async function passwordFor(
  store: ConfigStore,
  box: SecretBox,
  target: Pick<EmailInput, 'host' | 'user' | 'password'>,
): Promise<{ password: string | null } | { problem: string }> {
  if (!target.user) return { password: null };
  if (target.password) return { password: target.password };
  const saved = (await readNotificationSettings(store)).email;
  const stored = await readSmtpPassword(store, box);
  if (stored !== null && saved.host.toLowerCase() === target.host.toLowerCase() && saved.user === target.user) return { password: stored };
  return {
    problem:
      stored !== null
        ? `Enter the password for ${target.user} at ${target.host}: the saved password is only sent to the server and user it was saved for (${saved.user} at ${saved.host}).`
        : `Enter the password for ${target.user}, or clear the user name if ${target.host || 'the server'} needs no login.`,
  };
}

export interface NotificationSettingsView {
  email: EmailSettings & { password: { saved: boolean } };
  webhook: { enabled: boolean; url: string; secret: { saved: boolean; last4: string | null } };
  events: Record<EventType, { email: boolean; webhook: boolean }>;
  digest: DigestSchedule;
}

export async function notificationSettingsView(store: ConfigStore, box: SecretBox): Promise<NotificationSettingsView> {
  const s = await readNotificationSettings(store);
  const secretSaved = (await readSigningSecret(store, box)) !== null;
  return {
    email: { ...s.email, password: { saved: (await readSmtpPassword(store, box)) !== null } },
    webhook: { ...s.webhook, secret: { saved: secretSaved, last4: secretSaved ? await secretHint(store, WEBHOOK_SIGNING_SECRET) : null } },
    events: s.events,
    digest: s.digest,
  };
}

export interface SaveResult {
  /** A signing secret made by this save (the webhook was set up without one): shown once. */
  newSecret: string | null;
  /** The digest's schedule changed (the caller restarts it from the next slot). */
  digestChanged: boolean;
}

/**
 * Saves validated input. Per-field problems that need the stored state (a password for a new server) come
 * back as an error: nothing is saved then.
 */
export async function saveNotificationSettings(
  store: ConfigStore,
  box: SecretBox,
  input: NotificationSettingsInput,
  linkBase: string | null,
): Promise<SaveResult | { fields: Record<string, string> }> {
  const fields: Record<string, string> = {};
  if (input.email.enabled) for (const [k, v] of Object.entries(emailProblems(input.email))) fields[`email.${k}`] = v;
  if (input.webhook.enabled && !input.webhook.url) fields['webhook.url'] = WEBHOOK_URL_MESSAGE;
  const login = input.email.user && (input.email.enabled || input.email.password) ? await passwordFor(store, box, input.email) : null;
  if (login && 'problem' in login) fields['email.password'] = login.problem;
  if (Object.keys(fields).length) return { fields };

  const newSecret = input.webhook.url && (await readSigningSecret(store, box)) === null ? makeSigningSecret() : null;
  let digestChanged = false;
  await updateSection(store, SECTION, StoredSettings, (previous) => {
    const { password, ...email } = input.email;
    digestChanged = JSON.stringify(input.digest) !== JSON.stringify(previous.digest);
    const secrets: SecretWrite[] = [];
    // Not even its last characters are kept in the clear: the screen only says that one is saved.
    if (password) secrets.push({ name: SMTP_PASSWORD_SECRET, sealed: box.seal(password), hint: '' });
    // A password belongs to one login on one server: without a user, or on another server, it goes.
    else if (!email.user || email.host.toLowerCase() !== previous.email.host.toLowerCase() || email.user !== previous.email.user)
      secrets.push({ name: SMTP_PASSWORD_SECRET, sealed: null });
    if (newSecret) secrets.push({ name: WEBHOOK_SIGNING_SECRET, sealed: box.seal(newSecret), hint: newSecret.slice(-4) });
    return {
      value: {
        email,
        webhook: input.webhook,
        events: Object.fromEntries(EVENT_TYPES.map((t) => [t, input.events[t] ?? previous.events[t]])),
        digest: input.digest,
        linkBase: linkBase ?? previous.linkBase,
      },
      secrets,
    };
  });
  return { newSecret, digestChanged };
}
