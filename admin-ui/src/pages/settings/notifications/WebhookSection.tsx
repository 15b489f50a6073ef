// Notifications → Webhook: the URL, the signing secret (shown once when made) and the test event.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../../api.js';
import { CopyButton } from '../../../components/CopyButton.js';
import { Field } from '../../../components/Field.js';
import { FieldRows } from '../../../components/FieldRows.js';
import { Notice } from '../../../components/Notice.js';
import { Postbox } from '../../../components/Postbox.js';
import { TestRow } from './TestRow.js';
import { Spinner } from '../../../components/Spinner.js';
import { focusById } from '../../../components/form-helpers.js';
import type { SigningSecret, TestResult } from '../../../../../server/notifications/schemas.js';
import { validateUrl, type SectionProps } from './form.js';

export function WebhookSection({ f, saved, set, bind, busy, showTestErrors }: SectionProps) {
  /** A signing secret just made: shown here until the page is left (the server never shows it again). */
  const [shownSecret, setShownSecret] = useState<string | null>(null);
  const [secretHint, setSecretHint] = useState<string | null>(null);
  const [regenerating, setRegenerating] = useState(false);
  const [secretError, setSecretError] = useState<string | null>(null);

  useEffect(() => {
    if (saved.webhook.newSecret) setShownSecret(saved.webhook.newSecret);
    setSecretHint(saved.webhook.secret.last4);
  }, [saved]);

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

  return (
    <Postbox id="ntf-webhook-title" title="Webhook" body="inside form-table">
      <FieldRows
        bind={bind}
        rows={[
          {
            kind: 'checkbox',
            key: 'webhookEnabled',
            label: 'Send to a webhook',
            labelId: 'ntf-webhook-enabled-label',
            text: 'POST each event as JSON to a URL (Slack workflows, Zapier, Make, your own app)',
          },
          {
            kind: 'text',
            key: 'url',
            label: 'Webhook URL',
            type: 'url',
            class: 'large-text ntf-url',
            autoComplete: 'off',
            spellcheck: false,
            placeholder: 'https://example.com/hooks/docent',
            help: (
              <>
                Each event arrives as <code>{'{ event, id, createdAt, data }'}</code>. Addresses on a private network are refused unless the server allows them
                (<code>ALLOW_PRIVATE_URLS</code>).
              </>
            ),
          },
        ]}
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
            <code>X-Docent-Timestamp</code> (Unix seconds of this attempt). Compute the HMAC over the body exactly as received, compare in constant time, and
            ignore an <code>id</code> you have already seen: a retry sends the same event again.
          </p>
        </details>
      </Field>
      <TestRow
        id="ntf-webhook-test"
        button="Send test event"
        runningLabel="Sending…"
        check={() => {
          const problem = validateUrl(f.url, true);
          return problem ? { url: problem } : {};
        }}
        send={() => api.post<TestResult>('/api/admin/notifications/test/webhook', { url: f.url.trim() })}
        placeErrors={(fields) => (fields.url ? { url: fields.url } : {})}
        showTestErrors={showTestErrors}
        onResult={(result) => {
          if (!result.newSecret) return;
          setShownSecret(result.newSecret);
          setSecretHint(result.newSecret.slice(-4));
        }}
        disabled={busy}
        ok="Test event delivered."
        failed="The test event was not delivered."
      />
    </Postbox>
  );
}
