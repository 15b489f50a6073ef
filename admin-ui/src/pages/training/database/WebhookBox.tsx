// Database Management → Content webhook: its URL and token, and an example request.
import { useState } from 'preact/hooks';
import { api } from '../../../api.js';
import { CopyButton } from '../../../components/CopyButton.js';
import { Field } from '../../../components/Field.js';
import { Icon } from '../../../components/Icon.js';
import { ActionNoticeView, Notice } from '../../../components/Notice.js';
import { Postbox } from '../../../components/Postbox.js';
import { ReadOnlyField } from '../../../components/ReadOnlyField.js';
import { Spinner } from '../../../components/Spinner.js';
import { useResource } from '../../../hooks.js';
import { API, useActions } from '../shared.js';
import type { Webhook } from '../types.js';

export function WebhookBox() {
  const hook = useResource<Webhook>(`${API}/webhook`);
  const [shown, setShown] = useState(false);
  const { busy, run, notice, noticeRef } = useActions<'regenerate'>();

  function regenerate() {
    if (!window.confirm('Make a new webhook token?\n\nThe old token stops working at once: update it wherever you use it.')) return;
    run('regenerate', async () => hook.setData(await api.post<Webhook>(`${API}/webhook/regenerate`)), {
      done: { type: 'success', message: 'New token made. The old one no longer works.' },
      failed: 'No new token',
    });
  }

  const h = hook.data;
  const curl = h
    ? `curl -X POST '${h.url}' \\\n  -H 'Authorization: Bearer ${h.token}' \\\n  -H 'Content-Type: application/json' \\\n  -d '{"url": "https://example.com/changed-page", "action": "updated"}'`
    : '';
  return (
    <Postbox id="webhook-title" title="Content webhook">
      <p class="description">
        Let your CMS tell Docent when a page is published, updated or deleted: that page is re-read (or removed) and trained at once, without waiting for the
        schedule. The page must belong to one of your web or WordPress sources.
      </p>
      {hook.error && (
        <Notice type="error" inline>
          <p>Could not load the webhook: {hook.error}</p>
        </Notice>
      )}
      {!h && !hook.error && <Spinner label="Loading…" />}
      {h && (
        <div class="form-table">
          <Field label="Webhook URL" id="webhook-url">
            <div class="copy-field">
              <ReadOnlyField id="webhook-url" value={h.url} />
              <CopyButton text={h.url} fallbackFieldId="webhook-url" accessibleName="Copy the webhook URL" />
            </div>
          </Field>
          <Field label="Token" id="webhook-token">
            <div class="copy-field">
              {shown ? (
                <ReadOnlyField id="webhook-token" value={h.token} />
              ) : (
                <input
                  id="webhook-token"
                  type="password"
                  class="input code"
                  readOnly
                  value={h.token}
                  autoComplete="off"
                  onFocus={(e) => e.currentTarget.select()}
                />
              )}
              <button type="button" class="button" aria-pressed={shown} onClick={() => setShown((s) => !s)}>
                <Icon name={shown ? 'eye-off' : 'eye'} size={16} />
                {shown ? 'Hide' : 'Show'}
              </button>
              <CopyButton text={h.token} fallbackFieldId="webhook-token" accessibleName="Copy the webhook token" />
            </div>
            <p class="description">Send it as a bearer token. Keep it secret.</p>
            <p>
              <button type="button" class="button" onClick={regenerate} disabled={!!busy}>
                <Icon name="refresh" size={16} />
                Regenerate token
              </button>
            </p>
            <ActionNoticeView notice={notice} noticeRef={noticeRef} />
          </Field>
          <Field label="Example" labelId="webhook-example-label">
            <div class="code-block">
              {/* Scrolls sideways on a phone: focusable, so the keyboard can scroll it too. */}
              <pre tabIndex={0} role="region" aria-label="Example request with curl">
                <code>{shown ? curl : curl.replace(h.token, '••••••••')}</code>
              </pre>
              <CopyButton text={curl} accessibleName="Copy the curl example" />
            </div>
            <p class="description">
              <code>action</code> is <code>published</code>, <code>updated</code> or <code>deleted</code>.
            </p>
          </Field>
        </div>
      )}
    </Postbox>
  );
}
