// Widget → Check installation: Docent reads a page of the admin's site (POST /api/admin/widget/install-check)
// and says whether the snippet is on it and whether that site may use the widget.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../api.js';
import { FieldError, Field, describedBy } from '../../components/Field.js';
import { Icon } from '../../components/Icon.js';
import { Notice } from '../../components/Notice.js';
import { SubmitRow } from '../../components/SubmitRow.js';
import { Postbox } from '../../components/Postbox.js';
import { isHttpUrl } from './form.js';

export interface InstallReport {
  page: string;
  expected: string;
  snippet: { status: 'found' | 'other-address' | 'missing'; found: string[]; blocked: boolean; message: string };
  domains: { status: 'allowed' | 'any-site' | 'not-allowed'; entry: string; message: string };
}

type Tone = 'ok' | 'warning' | 'error';

const SNIPPET_HEADLINE: Record<InstallReport['snippet']['status'], string> = {
  found: 'Snippet found',
  'other-address': 'Snippet points at another address',
  missing: 'Snippet not found',
};
const DOMAINS_HEADLINE: Record<InstallReport['domains']['status'], string> = {
  allowed: 'Site is allowed',
  'any-site': 'Any site may use the widget',
  'not-allowed': 'Site is not on the allowed domains',
};
const ICONS: Record<Tone, string> = { ok: 'check-circle', warning: 'warning', error: 'error' };

function Finding({ tone, headline, children }: { tone: Tone; headline: string; children: ComponentChildren }) {
  return (
    <li class={`install-finding is-${tone}`}>
      <Icon name={ICONS[tone]} size={20} />
      <div>
        <p class="install-finding-title">
          <strong>{headline}</strong>
          <span class="screen-reader-text">{tone === 'ok' ? ' (OK)' : tone === 'warning' ? ' (check this)' : ' (problem)'}</span>
        </p>
        {children}
      </div>
    </li>
  );
}

export function CheckInstallation({ onAddDomain, domainsUnsaved }: { onAddDomain: (entry: string) => void; domainsUnsaved: boolean }) {
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const [report, setReport] = useState<InstallReport | null>(null);

  function fail(message: string) {
    setError(message);
    document.getElementById('install-url')?.focus();
  }

  async function submit(e: Event) {
    e.preventDefault();
    if (checking) return;
    const value = url.trim();
    if (!value) return fail('Enter the address of a page on your site.');
    if (!isHttpUrl(value)) return fail('Enter the full address, starting with https:// or http://, e.g. https://example.com/.');
    setChecking(true);
    setError(null);
    setFailure(null);
    setReport(null);
    try {
      setReport(await api.post<InstallReport>('/api/admin/widget/install-check', { url: value }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      if (err instanceof ApiError && err.fields.url && err.status === 400) fail(err.fields.url);
      else setFailure(errorMessage(err));
    } finally {
      setChecking(false);
    }
  }

  return (
    <Postbox id="install-check-title" title="Check installation" class="install-check">
      <p class="description">
        Enter a page of your site where you pasted the snippet. Docent reads that page and tells you whether the snippet is on it and whether the site is
        allowed to use the widget.
      </p>
      <form class="install-check-form form-table" onSubmit={submit} noValidate>
        <Field label="Page address" id="install-url">
          <input
            id="install-url"
            type="url"
            class="input regular-text code"
            value={url}
            placeholder="https://example.com/"
            spellcheck={false}
            autoComplete="url"
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={describedBy(error && 'install-url-error', domainsUnsaved && 'install-url-unsaved')}
            onInput={(e) => (setUrl(e.currentTarget.value), setError(null))}
            disabled={checking}
          />
          <FieldError id="install-url-error" message={error} />
          {domainsUnsaved && (
            <p class="description" id="install-url-unsaved">
              The check uses the saved allowed domains: save your changes to Allowed domains first.
            </p>
          )}
        </Field>
        <SubmitRow saving={checking} label="Check installation" busyLabel="Checking the page…" />
      </form>
      <div class="install-results" aria-live="polite">
        {checking && <p class="screen-reader-text">Checking {url.trim()}…</p>}
        {failure && (
          <Notice type="error" inline live={false}>
            <p>{failure}</p>
          </Notice>
        )}
        {report && (
          <>
            <p class="install-page">
              Checked{' '}
              <a href={report.page} target="_blank" rel="noopener noreferrer">
                {report.page}
                <span class="screen-reader-text"> (opens in a new tab)</span>
              </a>
            </p>
            <ul class="install-findings" aria-label="Check results">
              <Finding
                tone={report.snippet.status === 'missing' ? 'error' : report.snippet.status === 'found' && !report.snippet.blocked ? 'ok' : 'warning'}
                headline={SNIPPET_HEADLINE[report.snippet.status]}
              >
                <p>{report.snippet.message}</p>
              </Finding>
              <Finding
                tone={report.domains.status === 'allowed' ? 'ok' : report.domains.status === 'any-site' ? 'warning' : 'error'}
                headline={DOMAINS_HEADLINE[report.domains.status]}
              >
                <p>{report.domains.message}</p>
                {report.domains.status !== 'allowed' && (
                  <p>
                    <button type="button" class="button" onClick={() => onAddDomain(report.domains.entry)}>
                      Add {report.domains.entry} to Allowed domains
                    </button>
                  </p>
                )}
              </Finding>
            </ul>
          </>
        )}
      </div>
    </Postbox>
  );
}
