// The Notifications form: its fields as typed, the checks the browser makes before a request, and the request bodies.
import { checkInt, parseIntStrict } from '../../../components/form-helpers.js';
import type { FieldBinding } from '../../../components/Field.js';
import type { FieldErrors, ServerErrorPlacement } from '../../../components/useSettingsForm.js';
import type { Channel, DigestFrequency, NotificationSettingsView as SettingsView, SecurityMode } from '../../../../../server/notifications/schemas.js';

export type Security = SecurityMode;
export type Frequency = DigestFrequency;
/** The form's copy of the routing, read by the catalogue's event names. */
export type Routing = Record<string, Record<Channel, boolean>>;

/** Numbers and lists as typed, so half-typed values are not rewritten under the cursor. */
export interface Form {
  emailEnabled: boolean;
  host: string;
  port: string;
  security: Security;
  user: string;
  /** A newly typed password ('' keeps the saved one). */
  password: string;
  from: string;
  /** Addresses separated by commas, spaces or lines. */
  to: string;
  webhookEnabled: boolean;
  url: string;
  events: Routing;
  frequency: Frequency;
  hour: string;
  weekday: string;
}

export type FieldKey = 'host' | 'port' | 'security' | 'user' | 'password' | 'from' | 'to' | 'url' | 'frequency' | 'hour' | 'weekday';
export const ORDER: FieldKey[] = ['host', 'port', 'security', 'user', 'password', 'from', 'to', 'url', 'frequency', 'hour', 'weekday'];
const FIELD_IDS: Partial<Record<keyof Form, string>> = {
  security: 'ntf-security-none',
  frequency: 'ntf-frequency-off',
  emailEnabled: 'ntf-email-enabled',
  webhookEnabled: 'ntf-webhook-enabled',
};
export const fieldId = (k: keyof Form) => FIELD_IDS[k] ?? `ntf-${k}`;

// The same sentences as the server (server/notifications/settings.ts).
const HOST_MESSAGE = "Enter the mail server's host name, such as smtp.example.com (no smtp:// and no port: the port has its own field).";
const PORT_MESSAGE = 'Enter a port from 1 to 65535: usually 587 for STARTTLS, 465 for TLS, 25 without encryption.';
const FROM_MESSAGE = 'Enter the sender address, such as docent@example.com. Many mail servers only accept their own domain here.';
const TO_EMPTY = 'Enter at least one address to send notifications to.';
const URL_MESSAGE = 'Enter the full address that receives the events, such as https://example.com/hooks/docent.';
export const MAX_RECIPIENTS = 10;
export const DEFAULT_PORTS: Record<Security, number> = { none: 25, starttls: 587, tls: 465 };
const HOST_PATTERN = /^(\[[0-9a-f:.]+\]|[0-9a-f:]*:[0-9a-f:.]+|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?)$/i;
const EMAIL_PATTERN = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/;
export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
export const SECURITY_OPTIONS: Array<{ value: Security; label: string; description: string }> = [
  { value: 'starttls', label: 'STARTTLS', description: 'Starts plain, then encrypts. Usually port 587: what most mail providers give.' },
  { value: 'tls', label: 'TLS', description: 'Encrypted from the start. Usually port 465.' },
  {
    value: 'none',
    label: 'None',
    description: 'No encryption, for a relay on this machine or your own network (port 25). The password would travel readable.',
  },
];

const splitAddresses = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((a) => a.trim())
    .filter(Boolean);

export function fromView(view: SettingsView): Form {
  return {
    emailEnabled: view.email.enabled,
    host: view.email.host,
    port: String(view.email.port),
    security: view.email.security,
    user: view.email.user,
    password: '',
    from: view.email.from,
    to: view.email.to.join(', '),
    webhookEnabled: view.webhook.enabled,
    url: view.webhook.url,
    events: view.events,
    frequency: view.digest.frequency,
    hour: String(view.digest.hour),
    weekday: String(view.digest.weekday),
  };
}

/** The SMTP fields as the server takes them (for saving and for Send test e-mail). */
export function emailBody(f: Form) {
  return {
    host: f.host.trim(),
    port: parseIntStrict(f.port) ?? 0,
    security: f.security,
    user: f.user.trim(),
    ...(f.password ? { password: f.password } : {}),
    from: f.from.trim(),
    to: splitAddresses(f.to),
  };
}

export function toBody(f: Form) {
  return {
    email: { enabled: f.emailEnabled, ...emailBody(f) },
    webhook: { enabled: f.webhookEnabled, url: f.url.trim() },
    events: f.events,
    digest: { frequency: f.frequency, hour: Number(f.hour), weekday: Number(f.weekday) },
  };
}

/** The SMTP fields' problems; `complete` also asks for what sending needs (on, or testing). */
export function validateEmail(f: Form, complete: boolean): FieldErrors<FieldKey> {
  const e: FieldErrors<FieldKey> = {};
  const host = f.host.trim();
  if ((complete && !host) || (host && !HOST_PATTERN.test(host))) e.host = HOST_MESSAGE;
  const port = checkInt(f.port, 1, 65535, PORT_MESSAGE);
  if (port) e.port = port;
  const from = f.from.trim();
  if ((complete && !from) || (from && !EMAIL_PATTERN.test(from))) e.from = FROM_MESSAGE;
  const to = splitAddresses(f.to);
  const bad = to.find((a) => !EMAIL_PATTERN.test(a));
  if (bad !== undefined) e.to = `"${bad}" is not an e-mail address. Separate addresses with commas.`;
  else if (to.length > MAX_RECIPIENTS) e.to = `Send to at most ${MAX_RECIPIENTS} addresses.`;
  else if (complete && !to.length) e.to = TO_EMPTY;
  return e;
}

export function validateUrl(url: string, complete: boolean): string | undefined {
  const u = url.trim();
  if (!u) return complete ? URL_MESSAGE : undefined;
  try {
    const parsed = new URL(u);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      return `Only http:// and https:// addresses can be read (this one starts with ${parsed.protocol}).`;
    if (parsed.username || parsed.password) return 'Addresses with a user name or password in them are not supported: remove the "name:password@" part.';
  } catch {
    return URL_MESSAGE;
  }
  return undefined;
}

export function validate(f: Form): FieldErrors<FieldKey> {
  const e = validateEmail(f, f.emailEnabled);
  const url = validateUrl(f.url, f.webhookEnabled);
  if (url) e.url = url;
  return e;
}

/** "email.host" → host; "webhook.url" → url; "digest.hour" → hour; the test routes send "host" directly. */
export function placeServerErrors(fields: Record<string, string>): ServerErrorPlacement<FieldKey> {
  const placed: FieldErrors<FieldKey> = {};
  const extra: string[] = [];
  for (const [key, message] of Object.entries(fields)) {
    const name = key.split('.').pop() as FieldKey;
    if (ORDER.includes(name)) placed[name] = message;
    else extra.push(message);
  }
  return { fields: placed, extra };
}

export const pad = (n: number) => String(n).padStart(2, '0');

/** "10:00" in the browser's time zone for hour `hour` UTC. */
export function localTimeOf(hour: number): string {
  const d = new Date();
  d.setUTCHours(hour, 0, 0, 0);
  return d.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
}

/** What each section of the form gets from the screen. */
export interface SectionProps {
  f: Form;
  saved: SettingsView;
  /** Changes fields and clears the test buttons' errors on them. */
  set: (patch: Partial<Form>) => void;
  bind: <K extends keyof Form>(k: K) => FieldBinding<Form[K]>;
  errors: FieldErrors<FieldKey>;
  busy: boolean;
  /** Shows a test button's errors on the fields and focuses the first. */
  showTestErrors: (found: FieldErrors<FieldKey>) => void;
}
