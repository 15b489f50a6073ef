// Notifications → E-mail: the SMTP server, its test button and its result.
import { useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../../api.js';
import { CheckboxField, PasswordField, Field, TextField, fieldAria } from '../../../components/Field.js';
import { Postbox } from '../../../components/Postbox.js';
import { TestRow } from './TestRow.js';
import { RadioField } from '../../../components/RadioGroup.js';
import { parseIntStrict } from '../../../components/form-helpers.js';
import type { TestResult } from '../../../../../server/notifications/schemas.js';
import {
  DEFAULT_PORTS,
  MAX_RECIPIENTS,
  SECURITY_OPTIONS,
  emailBody,
  fieldId,
  placeServerErrors,
  validateEmail,
  type SectionProps,
  type Security,
} from './form.js';

export function EmailSection({ f, saved, set, bind, errors: shownErrors, busy, showTestErrors }: SectionProps) {
  const [emailTest, setEmailTest] = useState<{ running: boolean; result: TestResult | null }>({ running: false, result: null });

  async function onTestEmail() {
    const found = validateEmail(f, true);
    if (Object.keys(found).length) return showTestErrors(found);
    showTestErrors({});
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

  function onSecurity(security: Security) {
    const port = parseIntStrict(f.port);
    // The usual port follows the mode, unless the admin typed another one.
    set({ security, ...(port === null || port === DEFAULT_PORTS[f.security] ? { port: String(DEFAULT_PORTS[security]) } : {}) });
  }

  return (
    <Postbox id="ntf-email-title" title="E-mail" body="inside form-table">
      <CheckboxField
        label="Send e-mail"
        labelId="ntf-email-enabled-label"
        id="ntf-email-enabled"
        value={f.emailEnabled}
        onValue={(emailEnabled) => set({ emailEnabled })}
        disabled={busy}
        text="Send notifications by e-mail, through your SMTP server"
      />
      <TextField
        label="SMTP host"
        {...bind('host')}
        autoComplete="off"
        spellcheck={false}
        placeholder="smtp.example.com"
        help={"Your mail provider's SMTP server, or a relay on this machine (localhost) or your network."}
      />
      <RadioField
        label="Encryption"
        labelId="ntf-security-label"
        describes={fieldId('security')}
        error={shownErrors.security}
        name="ntf-security"
        value={f.security}
        onValue={onSecurity}
        disabled={busy}
        choices={SECURITY_OPTIONS.map((o) => ({
          value: o.value,
          id: `ntf-security-${o.value}`,
          title: o.label,
          description: o.description,
          descriptionId: `ntf-security-${o.value}-description`,
        }))}
      />
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
      <PasswordField
        label="Password"
        {...bind('password')}
        disabled={busy || !f.user.trim()}
        autoComplete="off"
        placeholder={saved.email.password.saved ? 'Saved (type to replace)' : ''}
        help={
          saved.email.password.saved
            ? 'A password is saved, encrypted; it is never shown. Leave this empty to keep it. It is only sent to the server and user it was saved for.'
            : 'Stored encrypted, and never shown again.'
        }
      />
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
      <TestRow
        id="ntf-email-test"
        button="Send test e-mail"
        runningLabel="Sending… (up to 15 seconds)"
        test={emailTest}
        onTest={onTestEmail}
        disabled={busy}
        description="Sends one e-mail with the settings above, saved or not."
        ok="Test e-mail sent."
        failed="The test e-mail was not sent."
      />
    </Postbox>
  );
}
