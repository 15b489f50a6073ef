// Notifications → E-mail (the SMTP server and its test), What to send (which event goes by which channel) and
// Digest (off, daily or weekly, on which day and at which hour UTC). The Webhook box is WebhookSection.tsx.
import { api } from '../../../api.js';
import { fieldAria } from '../../../components/Field.js';
import { FieldRows } from '../../../components/FieldRows.js';
import { Postbox } from '../../../components/Postbox.js';
import { parseIntStrict } from '../../../components/form-helpers.js';
import { formatDateTime } from '../../../format.js';
import type { Channel, TestResult } from '../../../../../server/notifications/schemas.js';
import {
  DEFAULT_PORTS,
  MAX_RECIPIENTS,
  SECURITY_OPTIONS,
  WEEKDAYS,
  emailBody,
  fieldId,
  localTimeOf,
  pad,
  placeServerErrors,
  validateEmail,
  type SectionProps,
  type Security,
} from './form.js';
import { TestRow } from './TestRow.js';

export function EmailSection({ f, saved, set, bind, busy, showTestErrors }: SectionProps) {
  function onSecurity(security: Security) {
    const port = parseIntStrict(f.port);
    // The usual port follows the mode, unless the admin typed another one.
    set({ security, ...(port === null || port === DEFAULT_PORTS[f.security] ? { port: String(DEFAULT_PORTS[security]) } : {}) });
  }

  return (
    <Postbox id="ntf-email-title" title="E-mail" body="inside form-table">
      <FieldRows
        bind={bind}
        rows={[
          {
            kind: 'checkbox',
            key: 'emailEnabled',
            label: 'Send e-mail',
            labelId: 'ntf-email-enabled-label',
            text: 'Send notifications by e-mail, through your SMTP server',
          },
          {
            kind: 'text',
            key: 'host',
            label: 'SMTP host',
            autoComplete: 'off',
            spellcheck: false,
            placeholder: 'smtp.example.com',
            help: "Your mail provider's SMTP server, or a relay on this machine (localhost) or your network.",
          },
          {
            kind: 'radio',
            key: 'security',
            label: 'Encryption',
            labelId: 'ntf-security-label',
            name: 'ntf-security',
            onValue: onSecurity,
            choices: SECURITY_OPTIONS.map((o) => ({
              value: o.value,
              id: `ntf-security-${o.value}`,
              title: o.label,
              description: o.description,
              descriptionId: `ntf-security-${o.value}-description`,
            })),
          },
          { kind: 'number', key: 'port', label: 'Port', min: 1, max: 65535, help: 'Changes with the encryption unless you typed another port.' },
          {
            kind: 'text',
            key: 'user',
            label: 'User name',
            autoComplete: 'off',
            spellcheck: false,
            help: 'Leave empty if the server sends without a login (a local relay).',
          },
          {
            kind: 'password',
            key: 'password',
            label: 'Password',
            disabled: busy || !f.user.trim(),
            autoComplete: 'off',
            placeholder: saved.email.password.saved ? 'Saved (type to replace)' : '',
            help: saved.email.password.saved
              ? 'A password is saved, encrypted; it is never shown. Leave this empty to keep it. It is only sent to the server and user it was saved for.'
              : 'Stored encrypted, and never shown again.',
          },
          {
            kind: 'text',
            key: 'from',
            label: 'From',
            type: 'email',
            autoComplete: 'off',
            spellcheck: false,
            placeholder: 'docent@example.com',
            help: 'The sender address. Most providers only accept an address of your own domain.',
          },
          {
            kind: 'text',
            key: 'to',
            label: 'Send to',
            autoComplete: 'off',
            spellcheck: false,
            placeholder: 'you@example.com',
            help: `One or more addresses, separated by commas (${MAX_RECIPIENTS} at most).`,
          },
        ]}
      />
      <TestRow
        id="ntf-email-test"
        button="Send test e-mail"
        runningLabel="Sending… (up to 15 seconds)"
        check={() => validateEmail(f, true)}
        send={() => api.post<TestResult>('/api/admin/notifications/test/email', emailBody(f))}
        placeErrors={(fields) => placeServerErrors(fields).fields}
        showTestErrors={showTestErrors}
        disabled={busy}
        description="Sends one e-mail with the settings above, saved or not."
        ok="Test e-mail sent."
        failed="The test e-mail was not sent."
      />
    </Postbox>
  );
}

export function EventRoutes({ f, saved, set, busy }: SectionProps) {
  function onRoute(type: string, channel: Channel, on: boolean) {
    set({ events: { ...f.events, [type]: { ...f.events[type], [channel]: on } } });
  }

  return (
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
  );
}

export function DigestSection({ f, saved, bind, errors }: SectionProps) {
  const hour = Number(f.hour);
  const userTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const scheduled =
    saved.nextDigestAt && saved.digest.frequency === f.frequency && String(saved.digest.hour) === f.hour && String(saved.digest.weekday) === f.weekday;

  return (
    <Postbox id="ntf-digest-title" title="Digest" body="inside form-table">
      <FieldRows
        bind={bind}
        rows={[
          {
            kind: 'radio',
            key: 'frequency',
            label: 'Send a digest',
            labelId: 'ntf-frequency-label',
            help: 'Conversations, answered share, thumbs, costs and open problems of the last day or week.',
            name: 'ntf-frequency',
            class: 'radio-inline ntf-inline-radios',
            // The Field's help (and error) are keyed to the first radio's id, which the Field describes.
            describedBy: fieldAria(fieldId('frequency'), errors.frequency)['aria-describedby'],
            choices: [
              { value: 'off', id: 'ntf-frequency-off', title: 'Off' },
              { value: 'daily', id: 'ntf-frequency-daily', title: 'Daily' },
              { value: 'weekly', id: 'ntf-frequency-weekly', title: 'Weekly' },
            ],
          },
          f.frequency === 'weekly' && {
            kind: 'select',
            key: 'weekday',
            label: 'Day',
            help: 'The day in UTC.',
            options: WEEKDAYS.map((day, i) => [String(i), day]),
          },
          f.frequency !== 'off' && {
            kind: 'select',
            key: 'hour',
            label: 'Time',
            help: `${pad(hour)}:00 UTC is ${localTimeOf(hour)} in your time zone (${userTimeZone}). ${scheduled ? `Next digest: ${formatDateTime(saved.nextDigestAt!)}.` : 'Save to schedule it.'}`,
            options: Array.from({ length: 24 }, (_, h) => [String(h), `${pad(h)}:00 UTC`]),
          },
        ]}
      />
    </Postbox>
  );
}
