// Data Training → Sources → Web pages: add a list of URLs, a sitemap or a crawl, and follow its first read.
import { useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../../api.js';
import { Postbox } from '../../../components/Postbox.js';
import { StackedInput, StackedTextarea } from '../../../components/StackedField.js';
import { useFields } from '../../../components/useFields.js';
import { useActionNotice } from '../../../components/announce.js';
import { useUnsavedChanges } from '../../../components/unsaved-changes.js';
import { API } from '../shared.js';
import type { Schedule, Source, WebConfig } from '../types.js';
import { AddFormFooter, NOT_ADDED, PanelJob, ScheduleField, type TrackedView, UrlField } from './add-form.js';

type WebMode = WebConfig['mode'];
type WebFields = { urls: string; sitemapUrl: string; startUrl: string; maxPages: string; schedule: Schedule };
type WebErrors = Partial<Record<keyof WebFields, string>>;
const EMPTY_WEB: WebFields = { urls: '', sitemapUrl: '', startUrl: '', maxPages: '100', schedule: 'off' };

export function WebPanel({ tracked, onAdded }: { tracked: TrackedView | null; onAdded: (s: Source, jobId: number) => void }) {
  const [mode, setMode] = useState<WebMode>('sitemap');
  const [saving, setSaving] = useState(false);
  const { values, set, setErrors, bind } = useFields(EMPTY_WEB, (k) => `web-${k}`, saving);
  const { urls, sitemapUrl, startUrl, maxPages, schedule } = values;
  const { notice, noticeRef, show: showNotice, clear: clearNotice } = useActionNotice();
  useUnsavedChanges(!!(urls.trim() || sitemapUrl.trim() || startUrl.trim()));

  const mainField: keyof WebErrors = mode === 'urls' ? 'urls' : mode === 'sitemap' ? 'sitemapUrl' : 'startUrl';

  async function submit(e: Event) {
    e.preventDefault();
    if (saving) return;
    const lines = urls
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    const found: WebErrors = {};
    if (mode === 'urls' && !lines.length) found.urls = 'Add at least one URL.';
    if (mode === 'sitemap' && !sitemapUrl.trim()) found.sitemapUrl = 'Enter the sitemap URL.';
    if (mode === 'crawl' && !startUrl.trim()) found.startUrl = 'Enter the start URL.';
    const pages = Number(maxPages);
    if (mode === 'crawl' && (!Number.isInteger(pages) || pages < 1 || pages > 10000)) found.maxPages = 'Enter a whole number from 1 to 10,000.';
    if (Object.keys(found).length) {
      setErrors(found);
      document.getElementById(`web-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    const config: WebConfig =
      mode === 'urls'
        ? { mode, urls: lines }
        : mode === 'sitemap'
          ? { mode, sitemapUrl: sitemapUrl.trim() }
          : { mode, startUrl: startUrl.trim(), maxPages: pages };
    setSaving(true);
    clearNotice();
    setErrors({});
    try {
      const r = await api.post<{ source: Source; jobId: number }>(`${API}/sources`, { kind: 'web', config, schedule });
      showNotice({ type: 'success', message: `Added “${r.source.name}”.` });
      set({ urls: '', sitemapUrl: '', startUrl: '' });
      onAdded(r.source, r.jobId);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      if (err instanceof ApiError && Object.keys(err.fields).length) {
        const next: WebErrors = {};
        for (const [k, v] of Object.entries(err.fields)) {
          if (k === 'config' || k.startsWith('config.')) {
            // Say which line is wrong: the server only says that one is.
            const bad = mode === 'urls' ? lines.findIndex((l) => !/^https?:\/\/[^\s/]+/i.test(l)) : -1;
            next[mainField] = bad >= 0 ? `${v} Check line ${bad + 1}: “${lines[bad]}”.` : v;
          } else if (k === 'schedule') next.schedule = v;
          else next[mainField] = v;
        }
        setErrors(next);
        // A failed check (422) is already said under the field: the notice only says nothing was added.
        showNotice(
          { type: 'error', message: err.status === 422 ? NOT_ADDED : err.message },
          `web-${next.schedule && !next[mainField] ? 'schedule' : mainField}`,
        );
      } else showNotice({ type: 'error', message: `Not added: ${errorMessage(err)}` });
    } finally {
      setSaving(false);
    }
  }

  return (
    <Postbox id="add-web-title" title="Web pages" level={3} class="add-panel">
      <form class="stack-form" onSubmit={submit} noValidate>
        <fieldset class="radio-group web-modes" disabled={saving}>
          <legend class="field-label">What to read</legend>
          {(
            [
              ['urls', 'A list of URLs', 'Just these pages.'],
              ['sitemap', 'A sitemap', 'Every page listed in your sitemap.xml.'],
              ['crawl', 'Crawl a website', 'Follow links from a start page, on the same site.'],
            ] as const
          ).map(([value, title, help]) => (
            <label class="radio-option" key={value}>
              <input
                type="radio"
                name="web-mode"
                value={value}
                checked={mode === value}
                onChange={() => {
                  setMode(value);
                  setErrors({});
                }}
              />
              <span>
                <span class="radio-title">{title}</span>
                <span class="description">{help}</span>
              </span>
            </label>
          ))}
        </fieldset>

        {mode === 'urls' && (
          <StackedTextarea label="URLs, one per line" {...bind('urls')} rows={5} code placeholder={'https://example.com/pricing\nhttps://example.com/faq'} />
        )}
        {mode === 'sitemap' && (
          <UrlField label="Sitemap URL" {...bind('sitemapUrl')} placeholder="https://example.com/sitemap.xml" help="Sitemap indexes are followed too." />
        )}
        {mode === 'crawl' && (
          <div class="field-row">
            <UrlField label="Start URL" {...bind('startUrl')} class="field-grow" placeholder="https://example.com/" />
            <StackedInput label="Page limit" {...bind('maxPages')} type="number" inputClass="small-number" min={1} max={10000} />
          </div>
        )}
        <ScheduleField label="Re-sync automatically" {...bind('schedule')} help="Reads the pages again and trains what changed." />
        <AddFormFooter
          label="Add web pages"
          saving={saving}
          busyLabel={mode === 'sitemap' ? 'Checking the sitemap…' : mode === 'crawl' ? 'Checking the start page…' : 'Adding…'}
          notice={notice}
          noticeRef={noticeRef}
        />
      </form>
      {tracked && <PanelJob tracked={tracked} noun="pages" />}
    </Postbox>
  );
}
