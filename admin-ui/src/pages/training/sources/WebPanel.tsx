// Data Training → Sources → Web pages: add a list of URLs, a sitemap or a crawl, and follow its first read.
import { useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../../api.js';
import { describedBy } from '../../../components/Field.js';
import { Postbox } from '../../../components/Postbox.js';
import { StackedField, stackedAria } from '../../../components/StackedField.js';
import { useActionNotice } from '../../../components/announce.js';
import { useUnsavedChanges } from '../../../components/unsaved-changes.js';
import { API } from '../shared.js';
import type { Schedule, Source, WebConfig } from '../types.js';
import { AddFormFooter, NOT_ADDED, PanelJob, ScheduleSelect, type TrackedView } from './add-form.js';

type WebMode = WebConfig['mode'];
/** The attributes of an address typed in full (not checked by the browser: the form says what is wrong). */
export const URL_INPUT = { type: 'url', class: 'input code', spellcheck: false, autoComplete: 'off' } as const;
type WebErrors = Partial<Record<'urls' | 'sitemapUrl' | 'startUrl' | 'maxPages' | 'schedule', string>>;

export function WebPanel({ tracked, onAdded }: { tracked: TrackedView | null; onAdded: (s: Source, jobId: number) => void }) {
  const [mode, setMode] = useState<WebMode>('sitemap');
  const [urls, setUrls] = useState('');
  const [sitemapUrl, setSitemapUrl] = useState('');
  const [startUrl, setStartUrl] = useState('');
  const [maxPages, setMaxPages] = useState('100');
  const [schedule, setSchedule] = useState<Schedule>('off');
  const [errors, setErrors] = useState<WebErrors>({});
  const { notice, noticeRef, show: showNotice, clear: clearNotice } = useActionNotice();
  const [saving, setSaving] = useState(false);
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
      setUrls('');
      setSitemapUrl('');
      setStartUrl('');
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

  const clearError = (k: keyof WebErrors) => setErrors((x) => ({ ...x, [k]: undefined }));

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
          <StackedField label="URLs, one per line" id="web-urls" error={errors.urls}>
            <textarea
              id="web-urls"
              class="textarea code"
              rows={5}
              value={urls}
              placeholder={'https://example.com/pricing\nhttps://example.com/faq'}
              spellcheck={false}
              {...stackedAria('web-urls', errors.urls)}
              onInput={(e) => (setUrls(e.currentTarget.value), clearError('urls'))}
              disabled={saving}
            />
          </StackedField>
        )}
        {mode === 'sitemap' && (
          <StackedField label="Sitemap URL" id="web-sitemapUrl" error={errors.sitemapUrl} help="Sitemap indexes are followed too.">
            <input
              id="web-sitemapUrl"
              {...URL_INPUT}
              value={sitemapUrl}
              placeholder="https://example.com/sitemap.xml"
              {...stackedAria('web-sitemapUrl', errors.sitemapUrl, true)}
              onInput={(e) => (setSitemapUrl(e.currentTarget.value), clearError('sitemapUrl'))}
              disabled={saving}
            />
          </StackedField>
        )}
        {mode === 'crawl' && (
          <div class="field-row">
            <StackedField label="Start URL" id="web-startUrl" error={errors.startUrl} class="field-grow">
              <input
                id="web-startUrl"
                {...URL_INPUT}
                value={startUrl}
                placeholder="https://example.com/"
                {...stackedAria('web-startUrl', errors.startUrl)}
                onInput={(e) => (setStartUrl(e.currentTarget.value), clearError('startUrl'))}
                disabled={saving}
              />
            </StackedField>
            <StackedField label="Page limit" id="web-maxPages" error={errors.maxPages}>
              <input
                id="web-maxPages"
                type="number"
                class="input small-number"
                min={1}
                max={10000}
                value={maxPages}
                {...stackedAria('web-maxPages', errors.maxPages)}
                onInput={(e) => (setMaxPages(e.currentTarget.value), clearError('maxPages'))}
                disabled={saving}
              />
            </StackedField>
          </div>
        )}
        <StackedField label="Re-sync automatically" id="web-schedule" error={errors.schedule} help="Reads the pages again and trains what changed.">
          <ScheduleSelect
            id="web-schedule"
            value={schedule}
            onChange={setSchedule}
            disabled={saving}
            describedById={describedBy(errors.schedule && 'web-schedule-error', 'web-schedule-help')}
          />
        </StackedField>
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
