// Data Training → Sources: the Web pages panel (a list of URLs, a sitemap or a crawl) and the WordPress panel (a site
// read through its REST API), the add flow they share, and their first read's progress.
import type { ComponentChildren, ComponentProps, Ref } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../../api.js';
import { type FieldBinding, describedBy } from '../../../components/Field.js';
import { ActionNoticeView } from '../../../components/Notice.js';
import { Postbox } from '../../../components/Postbox.js';
import { Spinner } from '../../../components/Spinner.js';
import { StackedField, StackedInput, StackedTextarea } from '../../../components/StackedField.js';
import { type ActionNotice, useActionNotice } from '../../../components/announce.js';
import { useFields } from '../../../components/useFields.js';
import { API, JobView, type useJob } from '../shared.js';
import type { Schedule, Source, SourceKind, WebConfig } from '../types.js';
import { useUnsavedChanges } from '../../../components/unsaved-changes.js';

/** The read job a panel follows. */
type TrackedView = ReturnType<typeof useJob>;

/** How often the source is read again, in a stacked field. */
function ScheduleField({ id, label, value, onValue, error, help, disabled }: FieldBinding<Schedule> & { label: string; help?: string }) {
  return (
    <StackedField label={label} id={id} error={error} help={help}>
      <select
        id={id}
        class="input select"
        value={value}
        disabled={disabled}
        aria-describedby={describedBy(error && `${id}-error`, help && `${id}-help`)}
        onChange={(e) => onValue(e.currentTarget.value as Schedule)}
      >
        <option value="off">Off</option>
        <option value="daily">Daily</option>
        <option value="weekly">Weekly</option>
      </select>
    </StackedField>
  );
}

/** An address typed in full, in a stacked field (not checked by the browser: the form says what is wrong). */
function UrlField(props: Omit<ComponentProps<typeof StackedInput>, 'type'>) {
  return <StackedInput type="url" inputClass="code" spellcheck={false} autoComplete="off" {...props} />;
}

/** The notice of an add form whose address failed the server's check (the reason is on the field). */
const NOT_ADDED = 'Nothing was added: correct the address and try again.';

type AddFields = Record<string, string> & { schedule: Schedule };

/**
 * The "add" flow of the web and WordPress panels: the browser's checks, the POST of the new source, then the
 * server's complaints put on the address field (`main`) or the schedule.
 */
function useAddSource<F extends AddFields>(prefix: string, initial: F, onAdded: (s: Source, jobId: number) => void) {
  const [saving, setSaving] = useState(false);
  const fields = useFields(initial, (k) => `${prefix}-${k}`, saving);
  const { notice, noticeRef, show: showNotice, clear: clearNotice } = useActionNotice();
  type Errors = Partial<Record<keyof F, string>>;

  /** `explain` adds to the server's message about the address; `cleared` empties the fields once added. */
  async function add(
    e: Event,
    found: Errors,
    main: keyof F & string,
    source: { kind: SourceKind; config: unknown },
    cleared: Partial<F>,
    explain = (m: string) => m,
  ) {
    e.preventDefault();
    if (saving) return;
    if (Object.keys(found).length) {
      fields.setErrors(found);
      document.getElementById(`${prefix}-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    setSaving(true);
    clearNotice();
    fields.setErrors({});
    try {
      const r = await api.post<{ source: Source; jobId: number }>(`${API}/sources`, { ...source, schedule: fields.values.schedule });
      showNotice({ type: 'success', message: `Added “${r.source.name}”.` });
      fields.set(cleared);
      onAdded(r.source, r.jobId);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      if (err instanceof ApiError && Object.keys(err.fields).length) {
        const next: Record<string, string> = {};
        for (const [k, v] of Object.entries(err.fields)) {
          if (k === 'schedule') next.schedule = v;
          else next[main] = k === 'config' || k.startsWith('config.') ? explain(v) : v;
        }
        fields.setErrors(next as Errors);
        // A failed check (422) is already said under the field: the notice only says nothing was added.
        showNotice({ type: 'error', message: err.status === 422 ? NOT_ADDED : err.message }, `${prefix}-${next.schedule && !next[main] ? 'schedule' : main}`);
      } else showNotice({ type: 'error', message: `Not added: ${errorMessage(err)}` });
    } finally {
      setSaving(false);
    }
  }

  return { ...fields, saving, notice, noticeRef, add };
}

/** An "add" panel: its form, the submit button with its progress and outcome, then the read job's progress. */
function AddPanel(props: {
  id: string;
  title: string;
  intro?: ComponentChildren;
  onSubmit: (e: Event) => void;
  label: string;
  busyLabel: string;
  form: { saving: boolean; notice: ActionNotice | null; noticeRef: Ref<HTMLDivElement> };
  tracked: TrackedView | null;
  noun: string;
  children: ComponentChildren;
}) {
  const { saving, notice, noticeRef } = props.form;
  const { tracked } = props;
  return (
    <Postbox id={props.id} title={props.title} level={3} class="add-panel">
      {props.intro && <p class="description">{props.intro}</p>}
      <form class="stack-form" onSubmit={props.onSubmit} noValidate>
        {props.children}
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={saving}>
            {props.label}
          </button>
          {saving && <Spinner label={props.busyLabel} />}
        </div>
        <ActionNoticeView notice={notice} noticeRef={noticeRef} />
      </form>
      {/* The read job's progress, then what to do next. */}
      {tracked?.job ? (
        <div class="panel-job">
          <JobView job={tracked.job} log={tracked.log} pollError={tracked.error} itemNoun={props.noun} label={`Reading ${props.noun}`} compact>
            {tracked.job.status === 'done' && (
              <p>
                <a class="button" href="/admin/training?tab=training">
                  Go to Training
                </a>
              </p>
            )}
          </JobView>
        </div>
      ) : (
        tracked && !tracked.error && <Spinner label="Starting…" />
      )}
    </Postbox>
  );
}

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

export function WordPressPanel({ tracked, onAdded }: { tracked: TrackedView | null; onAdded: (s: Source, jobId: number) => void }) {
  const form = useAddSource<{ siteUrl: string; schedule: Schedule }>('wp', { siteUrl: '', schedule: 'daily' }, onAdded);
  const siteUrl = form.values.siteUrl.trim();
  useUnsavedChanges(!!siteUrl);

  return (
    <AddPanel
      id="add-wp-title"
      title="WordPress site"
      intro="Reads published posts and pages through the WordPress REST API: no plugin needed."
      onSubmit={(e) =>
        form.add(e, siteUrl ? {} : { siteUrl: 'Enter the site’s address.' }, 'siteUrl', { kind: 'wordpress', config: { siteUrl } }, { siteUrl: '' })
      }
      label="Add WordPress site"
      busyLabel="Checking the site…"
      form={form}
      tracked={tracked}
      noun="posts"
    >
      <UrlField label="Site URL" {...form.bind('siteUrl')} placeholder="https://example.com" />
      <ScheduleField label="Re-sync automatically" {...form.bind('schedule')} />
    </AddPanel>
  );
}
