// Data Training → Sources → Web pages: add a list of URLs, a sitemap or a crawl, and follow its first read.
import { useState } from 'preact/hooks';
import { StackedInput, StackedTextarea } from '../../../components/StackedField.js';
import { useUnsavedChanges } from '../../../components/unsaved-changes.js';
import type { Schedule, Source, WebConfig } from '../types.js';
import { AddPanel, ScheduleField, type TrackedView, UrlField, useAddSource } from './add-form.js';

type WebMode = WebConfig['mode'];
type WebFields = { urls: string; sitemapUrl: string; startUrl: string; maxPages: string; schedule: Schedule };
type WebErrors = Partial<Record<keyof WebFields, string>>;
const EMPTY_WEB: WebFields = { urls: '', sitemapUrl: '', startUrl: '', maxPages: '100', schedule: 'off' };

export function WebPanel({ tracked, onAdded }: { tracked: TrackedView | null; onAdded: (s: Source, jobId: number) => void }) {
  const [mode, setMode] = useState<WebMode>('sitemap');
  const form = useAddSource('web', EMPTY_WEB, onAdded);
  const { bind, setErrors, saving } = form;
  const { urls, sitemapUrl, startUrl, maxPages } = form.values;
  useUnsavedChanges(!!(urls.trim() || sitemapUrl.trim() || startUrl.trim()));

  function submit(e: Event) {
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
    const config: WebConfig =
      mode === 'urls'
        ? { mode, urls: lines }
        : mode === 'sitemap'
          ? { mode, sitemapUrl: sitemapUrl.trim() }
          : { mode, startUrl: startUrl.trim(), maxPages: pages };
    const main = mode === 'urls' ? 'urls' : mode === 'sitemap' ? 'sitemapUrl' : 'startUrl';
    // Say which line is wrong: the server only says that one is.
    const bad = mode === 'urls' ? lines.findIndex((l) => !/^https?:\/\/[^\s/]+/i.test(l)) : -1;
    const explain = (m: string) => (bad >= 0 ? `${m} Check line ${bad + 1}: “${lines[bad]}”.` : m);
    return form.add(e, found, main, { kind: 'web', config }, { urls: '', sitemapUrl: '', startUrl: '' }, explain);
  }

  return (
    <AddPanel
      id="add-web-title"
      title="Web pages"
      onSubmit={submit}
      label="Add web pages"
      busyLabel={mode === 'sitemap' ? 'Checking the sitemap…' : mode === 'crawl' ? 'Checking the start page…' : 'Adding…'}
      form={form}
      tracked={tracked}
      noun="pages"
    >
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
    </AddPanel>
  );
}
