// Settings → Notifications: where Docent tells the admin about leads and problems (e-mail through their SMTP
// server, a signed webhook), which events go where, the optional digest, and the last deliveries.
// GET/PUT /api/admin/notifications, POST …/test/email, …/test/webhook, …/webhook/secret,
// GET …/deliveries, POST …/deliveries/:id/retry (server/README.md).
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../api.js';
import { CopyButton } from '../../components/CopyButton.js';
import { Field, TextField, fieldAria } from '../../components/Field.js';
import { Notice } from '../../components/Notice.js';
import { PasswordInput } from '../../components/PasswordInput.js';
import { LoadingBox, Spinner } from '../../components/Spinner.js';
import { SubmitRow } from '../../components/SubmitRow.js';
import { checkInt, focusById, parseIntStrict } from '../../components/form-helpers.js';
import { useSettingsForm, type FieldErrors, type ServerErrorPlacement } from '../../components/useSettingsForm.js';
import { formatDateTime } from '../../format.js';
import { useResource, type Resource } from '../../hooks.js';
import { Postbox } from '../../components/Postbox.js';
import type {
  Channel,
  Delivery,
  DeliveryList,
  DigestFrequency,
  NotificationSettingsView as SettingsView,
  SecurityMode,
  SigningSecret,
  TestResult,
} from '../../../../server/notifications/schemas.js';
import './notifications.css';

type Security = SecurityMode;
type Frequency = DigestFrequency;
/** The form's copy of the routing, read by the catalogue's event names. */
type Routing = Record<string, Record<Channel, boolean>>;

/** Numbers and lists as typed, so half-typed values are not rewritten under the cursor. */
interface Form {
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

type FieldKey = 'host' | 'port' | 'security' | 'user' | 'password' | 'from' | 'to' | 'url' | 'frequency' | 'hour' | 'weekday';
const ORDER: FieldKey[] = ['host', 'port', 'security', 'user', 'password', 'from', 'to', 'url', 'frequency', 'hour', 'weekday'];
const FIELD_IDS: Partial<Record<FieldKey, string>> = { security: 'ntf-security-none', frequency: 'ntf-frequency-off' };
const fieldId = (k: FieldKey) => FIELD_IDS[k] ?? `ntf-${k}`;

// The same sentences as the server (server/notifications/settings.ts).
const HOST_MESSAGE = "Enter the mail server's host name, such as smtp.example.com (no smtp:// and no port: the port has its own field).";
const PORT_MESSAGE = 'Enter a port from 1 to 65535: usually 587 for STARTTLS, 465 for TLS, 25 without encryption.';
const FROM_MESSAGE = 'Enter the sender address, such as docent@example.com. Many mail servers only accept their own domain here.';
const TO_EMPTY = 'Enter at least one address to send notifications to.';
const URL_MESSAGE = 'Enter the full address that receives the events, such as https://example.com/hooks/docent.';
const MAX_RECIPIENTS = 10;
const DEFAULT_PORTS: Record<Security, number> = { none: 25, starttls: 587, tls: 465 };
const HOST_PATTERN = /^(\[[0-9a-f:.]+\]|[0-9a-f:]*:[0-9a-f:.]+|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?)$/i;
const EMAIL_PATTERN = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const SECURITY_OPTIONS: Array<{ value: Security; label: string; description: string }> = [
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

function fromView(view: SettingsView): Form {
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
function emailBody(f: Form) {
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

function toBody(f: Form) {
  return {
    email: { enabled: f.emailEnabled, ...emailBody(f) },
    webhook: { enabled: f.webhookEnabled, url: f.url.trim() },
    events: f.events,
    digest: { frequency: f.frequency, hour: Number(f.hour), weekday: Number(f.weekday) },
  };
}

/** The SMTP fields' problems; `complete` also asks for what sending needs (on, or testing). */
function validateEmail(f: Form, complete: boolean): FieldErrors<FieldKey> {
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

function validateUrl(url: string, complete: boolean): string | undefined {
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

function validate(f: Form): FieldErrors<FieldKey> {
  const e = validateEmail(f, f.emailEnabled);
  const url = validateUrl(f.url, f.webhookEnabled);
  if (url) e.url = url;
  return e;
}

/** "email.host" → host; "webhook.url" → url; "digest.hour" → hour; the test routes send "host" directly. */
function placeServerErrors(fields: Record<string, string>): ServerErrorPlacement<FieldKey> {
  const placed: FieldErrors<FieldKey> = {};
  const extra: string[] = [];
  for (const [key, message] of Object.entries(fields)) {
    const name = key.split('.').pop() as FieldKey;
    if (ORDER.includes(name)) placed[name] = message;
    else extra.push(message);
  }
  return { fields: placed, extra };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "10:00" in the browser's time zone for hour `hour` UTC. */
function localTimeOf(hour: number): string {
  const d = new Date();
  d.setUTCHours(hour, 0, 0, 0);
  return d.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
}

export default function Notifications() {
  const form = useSettingsForm<SettingsView, Form, FieldKey>({
    url: '/api/admin/notifications',
    fromView,
    validate,
    toBody,
    order: ORDER,
    fieldId,
    savedMessage: 'Notification settings saved.',
    placeServerErrors,
  });
  const { saved, errors, notice, noticeRef, saving, dirty, update, onSave, dismissNotice, resource } = form;
  const deliveries = useResource<DeliveryList>('/api/admin/notifications/deliveries');
  /** Errors found by a test button: shown on the fields like the form's own, until the field is edited. */
  const [testErrors, setTestErrors] = useState<FieldErrors<FieldKey>>({});
  const [emailTest, setEmailTest] = useState<{ running: boolean; result: TestResult | null }>({ running: false, result: null });
  const [hookTest, setHookTest] = useState<{ running: boolean; result: TestResult | null }>({ running: false, result: null });
  /** A signing secret just made: shown here until the page is left (the server never shows it again). */
  const [shownSecret, setShownSecret] = useState<string | null>(null);
  const [secretHint, setSecretHint] = useState<string | null>(null);
  const [regenerating, setRegenerating] = useState(false);
  const [secretError, setSecretError] = useState<string | null>(null);

  useEffect(() => {
    if (saved?.webhook.newSecret) setShownSecret(saved.webhook.newSecret);
    if (saved) {
      setSecretHint(saved.webhook.secret.last4);
      deliveries.reload();
    }
  }, [saved]);

  if (!saved || !form.form) {
    if (resource.error) {
      return (
        <Notice type="error">
          <p>Could not load the notification settings: {resource.error}</p>
          <p>
            <button type="button" class="button" onClick={resource.reload}>
              Try again
            </button>
          </p>
        </Notice>
      );
    }
    return (
      <div class="settings-loading">
        <LoadingBox label="Loading notification settings…" minHeight={480} />
      </div>
    );
  }
  const f = form.form;
  const shownErrors: FieldErrors<FieldKey> = { ...testErrors, ...errors };
  const busy = saving;

  function set(patch: Partial<Form>) {
    update(patch);
    const keys = Object.keys(patch);
    if (keys.some((k) => k in testErrors)) setTestErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !keys.includes(k))));
  }
  /** The form's binding, with the test's errors shown too and edits clearing them. */
  const bind = (k: FieldKey & keyof Form) => ({ ...form.bind(k), onValue: (v: string) => set({ [k]: v }), error: shownErrors[k] });

  function showTestErrors(found: FieldErrors<FieldKey>) {
    setTestErrors(found);
    const first = ORDER.find((k) => found[k]);
    if (first) setTimeout(() => focusById(fieldId(first)), 0);
  }

  async function onTestEmail() {
    const found = validateEmail(f, true);
    if (Object.keys(found).length) return showTestErrors(found);
    setTestErrors({});
    setEmailTest({ running: true, result: null });
    try {
      const result = await api.post<TestResult>('/api/admin/notifications/test/email', emailBody(f));
      setEmailTest({ running: false, result });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      if (e instanceof ApiError && Object.keys(e.fields).length) {
        showTestErrors(placeServerErrors(e.fields).fields);
        setEmailTest({ running: false, result: null });
      } else {
        setEmailTest({ running: false, result: { ok: false, message: errorMessage(e) } });
      }
    }
  }

  async function onTestWebhook() {
    const problem = validateUrl(f.url, true);
    if (problem) return showTestErrors({ url: problem });
    setHookTest({ running: true, result: null });
    try {
      const result = await api.post<TestResult>('/api/admin/notifications/test/webhook', { url: f.url.trim() });
      if (result.newSecret) {
        setShownSecret(result.newSecret);
        setSecretHint(result.newSecret.slice(-4));
      }
      setHookTest({ running: false, result });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      if (e instanceof ApiError && e.fields.url) {
        showTestErrors({ url: e.fields.url });
        setHookTest({ running: false, result: null });
      } else {
        setHookTest({ running: false, result: { ok: false, message: errorMessage(e) } });
      }
    }
  }

  async function onRegenerate() {
    if (secretHint && !window.confirm('Make a new signing secret? Events will be signed with it at once: update your receiver with the new secret.')) return;
    setRegenerating(true);
    setSecretError(null);
    try {
      const res = await api.post<SigningSecret>('/api/admin/notifications/webhook/secret');
      setShownSecret(res.secret);
      setSecretHint(res.last4);
      setTimeout(() => focusById('ntf-secret-value'), 0);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      setSecretError(`No new secret was made: ${errorMessage(e)}`);
    } finally {
      setRegenerating(false);
    }
  }

  function onSecurity(security: Security) {
    const port = parseIntStrict(f.port);
    // The usual port follows the mode, unless the admin typed another one.
    set({ security, ...(port === null || port === DEFAULT_PORTS[f.security] ? { port: String(DEFAULT_PORTS[security]) } : {}) });
  }

  function onRoute(type: string, channel: Channel, on: boolean) {
    set({ events: { ...f.events, [type]: { ...f.events[type], [channel]: on } } });
  }

  const hour = Number(f.hour);
  const userTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  return (
    <>
      {notice && (
        <Notice type={notice.type} noticeRef={noticeRef} onDismiss={dismissNotice} class="settings-notice">
          <p>
            <strong>{notice.message}</strong>
          </p>
          {notice.extra?.map((line) => (
            <p key={line}>{line}</p>
          ))}
        </Notice>
      )}
      <p class="ntf-intro">
        Docent tells you when something needs you: a new lead, a problem with the API key or credits, the spend cap, a model that stops answering. Each event is
        sent once, in the background, and retried for hours if your mail server or receiver is down.
      </p>
      <form class="settings-form ntf-form" onSubmit={onSave} noValidate aria-busy={saving}>
        <Postbox id="ntf-email-title" title="E-mail" body="inside form-table">
          <Field label="Send e-mail" labelId="ntf-email-enabled-label">
            <label class="checkbox-option">
              <input
                type="checkbox"
                id="ntf-email-enabled"
                checked={f.emailEnabled}
                disabled={busy}
                onChange={(e) => set({ emailEnabled: e.currentTarget.checked })}
              />
              <span>Send notifications by e-mail, through your SMTP server</span>
            </label>
          </Field>
          <TextField
            label="SMTP host"
            {...bind('host')}
            autoComplete="off"
            spellcheck={false}
            placeholder="smtp.example.com"
            help={"Your mail provider's SMTP server, or a relay on this machine (localhost) or your network."}
          />
          <Field label="Encryption" labelId="ntf-security-label" describes={fieldId('security')} error={shownErrors.security}>
            <fieldset class="radio-group" aria-labelledby="ntf-security-label">
              {SECURITY_OPTIONS.map((o) => (
                <label class="radio-option" key={o.value}>
                  <input
                    type="radio"
                    name="ntf-security"
                    id={`ntf-security-${o.value}`}
                    value={o.value}
                    checked={f.security === o.value}
                    disabled={busy}
                    onChange={() => onSecurity(o.value)}
                    aria-describedby={`ntf-security-${o.value}-description`}
                  />
                  <span>
                    <span class="radio-title">{o.label}</span>
                    <span class="description" id={`ntf-security-${o.value}-description`}>
                      {o.description}
                    </span>
                  </span>
                </label>
              ))}
            </fieldset>
          </Field>
          <Field label="Port" id={fieldId('port')} error={shownErrors.port} help="Changes with the encryption unless you typed another port.">
            <input
              id={fieldId('port')}
              type="number"
              min={1}
              max={65535}
              inputMode="numeric"
              class="input ntf-port"
              value={f.port}
              disabled={busy}
              onInput={(e) => set({ port: e.currentTarget.value })}
              {...fieldAria(fieldId('port'), shownErrors.port)}
            />
          </Field>
          <TextField
            label="User name"
            {...bind('user')}
            autoComplete="off"
            spellcheck={false}
            help="Leave empty if the server sends without a login (a local relay)."
          />
          <Field
            label="Password"
            id={fieldId('password')}
            error={shownErrors.password}
            help={
              saved.email.password.saved
                ? 'A password is saved, encrypted; it is never shown. Leave this empty to keep it. It is only sent to the server and user it was saved for.'
                : 'Stored encrypted, and never shown again.'
            }
          >
            <PasswordInput
              id={fieldId('password')}
              value={f.password}
              onInput={(v) => set({ password: v })}
              autoComplete="off"
              class="regular-text"
              invalid={!!shownErrors.password}
              describedBy={fieldAria(fieldId('password'), shownErrors.password)['aria-describedby']}
              disabled={busy || !f.user.trim()}
              placeholder={saved.email.password.saved ? 'Saved (type to replace)' : ''}
            />
          </Field>
          <TextField
            label="From"
            {...bind('from')}
            type="email"
            autoComplete="off"
            spellcheck={false}
            placeholder="docent@example.com"
            help="The sender address. Most providers only accept an address of your own domain."
          />
          <TextField
            label="Send to"
            {...bind('to')}
            autoComplete="off"
            spellcheck={false}
            placeholder="you@example.com"
            help={`One or more addresses, separated by commas (${MAX_RECIPIENTS} at most).`}
          />
          <Field label="Test" labelId="ntf-email-test-label">
            <div class="ntf-test">
              <button type="button" class="button" onClick={onTestEmail} disabled={busy || emailTest.running} aria-describedby="ntf-email-test-description">
                Send test e-mail
              </button>
              {emailTest.running && <Spinner label="Sending… (up to 15 seconds)" />}
            </div>
            <p class="description" id="ntf-email-test-description">
              Sends one e-mail with the settings above, saved or not.
            </p>
            <div class="ntf-test-result" aria-live="polite">
              {emailTest.result && (
                <Notice type={emailTest.result.ok ? 'success' : 'error'} inline>
                  <p>
                    <strong>{emailTest.result.ok ? 'Test e-mail sent.' : 'The test e-mail was not sent.'}</strong> {emailTest.result.message}
                  </p>
                </Notice>
              )}
            </div>
          </Field>
        </Postbox>

        <Postbox id="ntf-webhook-title" title="Webhook" body="inside form-table">
          <Field label="Send to a webhook" labelId="ntf-webhook-enabled-label">
            <label class="checkbox-option">
              <input
                type="checkbox"
                id="ntf-webhook-enabled"
                checked={f.webhookEnabled}
                disabled={busy}
                onChange={(e) => set({ webhookEnabled: e.currentTarget.checked })}
              />
              <span>POST each event as JSON to a URL (Slack workflows, Zapier, Make, your own app)</span>
            </label>
          </Field>
          <TextField
            label="Webhook URL"
            {...bind('url')}
            type="url"
            class="large-text ntf-url"
            autoComplete="off"
            spellcheck={false}
            placeholder="https://example.com/hooks/docent"
            help={
              <>
                Each event arrives as <code>{'{ event, id, createdAt, data }'}</code>. Addresses on a private network are refused unless the server allows them
                (<code>ALLOW_PRIVATE_URLS</code>).
              </>
            }
          />
          <Field label="Signing secret" labelId="ntf-secret-label">
            {shownSecret ? (
              <div class="ntf-secret-once">
                <div class="ntf-secret-row">
                  <input
                    id="ntf-secret-value"
                    type="text"
                    class="input code"
                    value={shownSecret}
                    readOnly
                    aria-labelledby="ntf-secret-label"
                    aria-describedby="ntf-secret-once-note"
                    onFocus={(e) => e.currentTarget.select()}
                  />
                  <CopyButton text={shownSecret} fallbackFieldId="ntf-secret-value" />
                </div>
                <p class="description note" id="ntf-secret-once-note">
                  <strong>Copy it now:</strong> it is not shown again. Give it to your receiver to check the signatures.
                </p>
              </div>
            ) : (
              <p class="readonly-value" id="ntf-secret-status">
                {secretHint ? (
                  <>
                    Saved, ending in <code>…{secretHint}</code>.
                  </>
                ) : (
                  'None yet: one is made when you save a webhook URL or send a test event.'
                )}
              </p>
            )}
            <p class="ntf-secret-actions">
              <button type="button" class="button" onClick={onRegenerate} disabled={regenerating || busy}>
                {secretHint ? 'Regenerate secret' : 'Make a secret'}
              </button>
              {regenerating && <Spinner label="Making a new secret…" />}
            </p>
            {secretError && (
              <Notice type="error" inline>
                <p>{secretError}</p>
              </Notice>
            )}
            <details class="ntf-verify">
              <summary>How to check a signature</summary>
              <p>
                Every request has <code>X-Docent-Signature: sha256=&lt;hex&gt;</code>, the HMAC-SHA256 of the raw request body keyed with this secret, and{' '}
                <code>X-Docent-Timestamp</code> (Unix seconds of this attempt). Compute the HMAC over the body exactly as received, compare in constant time,
                and ignore an <code>id</code> you have already seen: a retry sends the same event again.
              </p>
            </details>
          </Field>
          <Field label="Test" labelId="ntf-webhook-test-label">
            <div class="ntf-test">
              <button type="button" class="button" onClick={onTestWebhook} disabled={busy || hookTest.running}>
                Send test event
              </button>
              {hookTest.running && <Spinner label="Sending…" />}
            </div>
            <div class="ntf-test-result" aria-live="polite">
              {hookTest.result && (
                <Notice type={hookTest.result.ok ? 'success' : 'error'} inline>
                  <p>
                    <strong>{hookTest.result.ok ? 'Test event delivered.' : 'The test event was not delivered.'}</strong> {hookTest.result.message}
                  </p>
                </Notice>
              )}
            </div>
          </Field>
        </Postbox>

        <Postbox id="ntf-events-title" title="What to send">
          <p class="description ntf-events-intro">
            An event goes to a channel when it is ticked here and the channel is on above.
            {!f.emailEnabled && !f.webhookEnabled && ' Both channels are off: nothing is sent yet.'}
          </p>
          <table class="ntf-table ntf-routes">
            <caption class="screen-reader-text">Which events go by e-mail and which by webhook</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col" class="ntf-col-check">
                  E-mail
                </th>
                <th scope="col" class="ntf-col-check">
                  Webhook
                </th>
              </tr>
            </thead>
            <tbody>
              {saved.catalogue.map((event) => (
                <tr key={event.type}>
                  <th scope="row">
                    <span class="ntf-event-label" id={`ntf-event-${event.type}`}>
                      {event.label}
                    </span>
                    <span class="ntf-event-description" id={`ntf-event-${event.type}-description`}>
                      {event.description}
                    </span>
                  </th>
                  {(['email', 'webhook'] as const).map((channel) => (
                    <td class="ntf-col-check" key={channel}>
                      <input
                        type="checkbox"
                        id={`ntf-route-${event.type}-${channel}`}
                        checked={!!f.events[event.type]?.[channel]}
                        disabled={busy}
                        aria-label={`${event.label} by ${channel === 'email' ? 'e-mail' : 'webhook'}`}
                        aria-describedby={`ntf-event-${event.type}-description`}
                        onChange={(e) => onRoute(event.type, channel, e.currentTarget.checked)}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </Postbox>

        <Postbox id="ntf-digest-title" title="Digest" body="inside form-table">
          <Field
            label="Send a digest"
            labelId="ntf-frequency-label"
            describes={fieldId('frequency')}
            error={shownErrors.frequency}
            help="Conversations, answered share, thumbs, costs and open problems of the last day or week."
          >
            <fieldset
              class="radio-group ntf-inline-radios"
              aria-labelledby="ntf-frequency-label"
              // The Field's help (and error) are keyed to the first radio's id, which the Field describes.
              aria-describedby={fieldAria(fieldId('frequency'), shownErrors.frequency)['aria-describedby']}
            >
              {(['off', 'daily', 'weekly'] as const).map((value) => (
                <label class="radio-option" key={value}>
                  <input
                    type="radio"
                    name="ntf-frequency"
                    id={`ntf-frequency-${value}`}
                    value={value}
                    checked={f.frequency === value}
                    disabled={busy}
                    onChange={() => set({ frequency: value })}
                  />
                  <span class="radio-title">{value === 'off' ? 'Off' : value === 'daily' ? 'Daily' : 'Weekly'}</span>
                </label>
              ))}
            </fieldset>
          </Field>
          {f.frequency === 'weekly' && (
            <Field label="Day" id={fieldId('weekday')} error={shownErrors.weekday} help="The day in UTC.">
              <select
                id={fieldId('weekday')}
                class="input"
                value={f.weekday}
                disabled={busy}
                onChange={(e) => set({ weekday: e.currentTarget.value })}
                {...fieldAria(fieldId('weekday'), shownErrors.weekday)}
              >
                {WEEKDAYS.map((day, i) => (
                  <option key={day} value={String(i)}>
                    {day}
                  </option>
                ))}
              </select>
            </Field>
          )}
          {f.frequency !== 'off' && (
            <Field
              label="Time"
              id={fieldId('hour')}
              error={shownErrors.hour}
              help={
                <>
                  {`${pad(hour)}:00 UTC is ${localTimeOf(hour)} in your time zone (${userTimeZone}). `}
                  {saved.nextDigestAt &&
                  saved.digest.frequency === f.frequency &&
                  String(saved.digest.hour) === f.hour &&
                  String(saved.digest.weekday) === f.weekday
                    ? `Next digest: ${formatDateTime(saved.nextDigestAt)}.`
                    : 'Save to schedule it.'}
                </>
              }
            >
              <select
                id={fieldId('hour')}
                class="input"
                value={f.hour}
                disabled={busy}
                onChange={(e) => set({ hour: e.currentTarget.value })}
                {...fieldAria(fieldId('hour'), shownErrors.hour)}
              >
                {Array.from({ length: 24 }, (_, h) => (
                  <option key={h} value={String(h)}>{`${pad(h)}:00 UTC`}</option>
                ))}
              </select>
            </Field>
          )}
        </Postbox>

        <SubmitRow saving={saving} dirty={dirty} />
      </form>

      <Deliveries resource={deliveries} />
    </>
  );
}

const CHANNEL_NAMES: Record<Channel, string> = { email: 'E-mail', webhook: 'Webhook' };

function statusText(d: Delivery): string {
  switch (d.status) {
    case 'delivered':
      return 'Delivered';
    case 'sending':
      return 'Sending…';
    case 'pending':
      return d.attempts === 0 ? 'Waiting to be sent' : `Retrying: attempt ${d.attempts} of ${d.maxAttempts} failed, next ${formatDateTime(d.nextAttemptAt)}`;
    default:
      return d.attempts <= 1 ? 'Failed' : `Failed after ${d.attempts} attempts`;
  }
}

function Deliveries({ resource }: { resource: Resource<DeliveryList> }) {
  const [retrying, setRetrying] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const rows = resource.data?.deliveries ?? [];

  // While something is on its way, the list follows it.
  useEffect(() => {
    if (!rows.some((d) => d.status === 'pending' || d.status === 'sending')) return;
    const timer = setTimeout(resource.reload, 15_000);
    return () => clearTimeout(timer);
  }, [resource.data]);

  async function retry(d: Delivery) {
    setRetrying(d.id);
    setError(null);
    try {
      const next = await api.post<Delivery>(`/api/admin/notifications/deliveries/${d.id}/retry`);
      resource.setData({ deliveries: rows.map((r) => (r.id === d.id ? next : r)) });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      setError(`Could not retry: ${errorMessage(e)}`);
      resource.reload();
    } finally {
      setRetrying(null);
    }
  }

  return (
    <section class="postbox ntf-deliveries" aria-labelledby="ntf-deliveries-title">
      <h2 class="postbox-title ntf-deliveries-title" id="ntf-deliveries-title">
        <span>Last deliveries</span>
        <button type="button" class="button button-small" onClick={resource.reload} disabled={resource.loading}>
          Refresh
        </button>
      </h2>
      <div class="inside">
        {error && (
          <Notice type="error" inline>
            <p>{error}</p>
          </Notice>
        )}
        {resource.error && !resource.data && (
          <Notice type="error" inline>
            <p>Could not load the deliveries: {resource.error}</p>
          </Notice>
        )}
        {resource.data && !rows.length && <p class="ntf-empty">Nothing sent yet. Events appear here as they are sent, with any error.</p>}
        {rows.length > 0 && (
          <table class="ntf-table ntf-history">
            <caption class="screen-reader-text">The last notifications sent, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Channel</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id} class={`is-${d.status}`}>
                  <td class="ntf-when">
                    <time dateTime={d.createdAt}>{formatDateTime(d.createdAt)}</time>
                  </td>
                  <td>
                    <span class="ntf-event-label">{d.eventLabel}</span>
                    {d.summary !== d.eventLabel && <span class="ntf-event-description">{d.summary}</span>}
                  </td>
                  <td class="ntf-channel" data-label="Channel">
                    {CHANNEL_NAMES[d.channel]}
                  </td>
                  <td class="ntf-status">
                    <span class={`ntf-status-text is-${d.status}`}>{statusText(d)}</span>
                    {d.lastError && <span class="ntf-error">{d.lastError}</span>}
                    {d.status === 'failed' && (
                      <button
                        type="button"
                        class="button button-small"
                        onClick={() => retry(d)}
                        disabled={retrying !== null}
                        aria-label={`Retry: ${d.eventLabel} by ${CHANNEL_NAMES[d.channel].toLowerCase()}`}
                      >
                        {retrying === d.id ? 'Retrying…' : 'Retry'}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
