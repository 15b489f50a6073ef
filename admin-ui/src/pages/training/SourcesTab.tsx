// Data Training → Sources: a card per source, then panels to add text, files, web pages and WordPress sites.
import type { Ref } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../api.js';
import { FieldError, describedBy } from '../../components/Field.js';
import { Icon } from '../../components/Icon.js';
import { Notice } from '../../components/Notice.js';
import { revealElement, speak, useActionNotice, type ActionNotice } from '../../components/announce.js';
import { useAfterRender } from '../../components/form-helpers.js';
import { useUnsavedChanges } from '../../components/unsaved-changes.js';
import { LoadingBox, Spinner } from '../../components/Spinner.js';
import { formatBytes, formatDateTime, formatNumber, plural, relativeTime } from '../../format.js';
import { useResource } from '../../hooks.js';
import { API, ITEM_NOUN, JobView, StatusBadge, Switch, isActive, isHttpUrl, useJob } from './shared.js';
import type { DocumentDetail, DocumentSummary, FileResult, Job, LogLine, Schedule, Source, UploadLimits, UpsertResult, WebConfig } from './types.js';
import { Postbox } from '../../components/Postbox.js';

/** Until GET /files/limits answers: the server's defaults. */
const DEFAULT_LIMITS: UploadLimits = { maxFileBytes: 50 * 1024 * 1024, maxFilesPerUpload: 20, maxPdfPages: 2000, maxTextChars: 5_000_000 };
// What one request may carry (the README's proxy setting allows 110 MB): larger selections go in several.
const MAX_REQUEST_BYTES = 100 * 1024 * 1024;
const ACCEPT = '.pdf,.docx,.md,.markdown,.txt,.text,.html,.htm,.xhtml,.csv,.tsv,.xml';

/** The sync job this screen follows, and where it was started from. */
interface TrackedSync {
  jobId: number;
  sourceId: number;
  origin: 'web' | 'wordpress' | 'card';
}

export default function SourcesTab() {
  const sources = useResource<{ sources: Source[] }>(`${API}/sources`);
  const [tracked, setTracked] = useState<TrackedSync | null>(null);
  const list = sources.data?.sources ?? [];
  const sync = useJob(tracked?.jobId ?? null, () => sources.reload());

  // After a reload: follow a sync that is still running.
  useEffect(() => {
    let cancelled = false;
    api
      .get<{ active: Job | null }>(`${API}/jobs`)
      .then((r) => {
        if (!cancelled && r.active?.kind === 'sync') {
          setTracked((t) => t ?? { jobId: r.active!.id, sourceId: Number(r.active!.params.sourceId), origin: 'card' });
        }
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, []);

  // Keep the cards fresh while a sync we do not follow (scheduled, webhook) is under way.
  const untrackedSyncing = list.some((s) => s.status === 'syncing' && s.id !== tracked?.sourceId);
  useEffect(() => {
    if (!untrackedSyncing) return;
    const t = setTimeout(sources.reload, 3000);
    return () => clearTimeout(t);
  }, [untrackedSyncing, sources.data]);

  const textSource = list.find((s) => s.kind === 'text');
  const filesSource = list.find((s) => s.kind === 'files');
  const jobFor = (sourceId: number) => (tracked?.sourceId === sourceId && sync.job ? sync.job : null);

  function updateSource(next: Source) {
    sources.setData({ sources: list.map((s) => (s.id === next.id ? { ...s, ...next } : s)) });
  }

  function startedSync(t: TrackedSync) {
    setTracked(t);
    sources.reload();
  }

  const needsTraining = list.some((s) => s.enabled && s.status === 'needs-training');

  return (
    <div class="sources-tab">
      {sources.error && !sources.data && (
        <Notice type="error">
          <p>
            Could not load the sources: {sources.error}{' '}
            <button type="button" class="button-link" onClick={sources.reload}>
              Try again
            </button>
          </p>
        </Notice>
      )}
      {!sources.data && !sources.error && <LoadingBox label="Loading sources…" minHeight={180} />}

      {sources.data && (
        <>
          {needsTraining && (
            <Notice type="info" live={false}>
              <p>
                Some content is not trained yet: the chatbot cannot use it until you <a href="/admin/training?tab=training">start training</a>.
              </p>
            </Notice>
          )}
          <h2 class="section-title">Your sources</h2>
          <div class="source-grid">
            {list.map((s) => (
              <SourceCard
                key={s.id}
                source={s}
                job={jobFor(s.id)}
                onChange={updateSource}
                onSynced={(jobId) => startedSync({ jobId, sourceId: s.id, origin: 'card' })}
                onDeleted={() => {
                  if (tracked?.sourceId === s.id) setTracked(null);
                  sources.reload();
                }}
              />
            ))}
          </div>

          <h2 class="section-title">Add content</h2>
          <div class="add-grid">
            {textSource && <TextPanel source={textSource} onChanged={sources.reload} />}
            {filesSource && <FilesPanel source={filesSource} onChanged={sources.reload} />}
            <WebPanel
              tracked={tracked?.origin === 'web' ? { job: sync.job, log: sync.log, error: sync.error } : null}
              onAdded={(source, jobId) => startedSync({ jobId, sourceId: source.id, origin: 'web' })}
            />
            <WordPressPanel
              tracked={tracked?.origin === 'wordpress' ? { job: sync.job, log: sync.log, error: sync.error } : null}
              onAdded={(source, jobId) => startedSync({ jobId, sourceId: source.id, origin: 'wordpress' })}
            />
          </div>
        </>
      )}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Source cards

function describeSource(s: Source): string | null {
  const c = s.config as Record<string, unknown>;
  if (s.kind === 'text') return 'Text and questions with answers you type in.';
  if (s.kind === 'files') return 'Documents you upload.';
  if (s.kind === 'wordpress') return `WordPress site ${String(c.siteUrl ?? '')}`;
  if (c.mode === 'sitemap') return `Sitemap ${String(c.sitemapUrl ?? '')}`;
  if (c.mode === 'crawl') return `Crawl from ${String(c.startUrl ?? '')} (up to ${plural(Number(c.maxPages ?? 100), 'page')})`;
  if (c.mode === 'urls') {
    const urls = (c.urls as string[] | undefined) ?? [];
    return urls.length === 1 ? urls[0] : `${plural(urls.length, 'URL')}: ${urls[0] ?? ''}, …`;
  }
  return null;
}

interface CardProps {
  source: Source;
  job: Job | null;
  onChange: (s: Source) => void;
  onSynced: (jobId: number) => void;
  onDeleted: () => void;
}

function SourceCard({ source: s, job, onChange, onSynced, onDeleted }: CardProps) {
  const [busy, setBusy] = useState<null | 'enable' | 'schedule' | 'sync' | 'delete'>(null);
  const { notice: message, noticeRef: messageRef, show: showMessage, clear: clearMessage } = useActionNotice<HTMLParagraphElement>();
  const [pending, setPending] = useState<Partial<Pick<Source, 'enabled' | 'schedule'>>>({});
  const enabled = pending.enabled ?? s.enabled;
  const schedule = pending.schedule ?? s.schedule;
  const remote = s.kind === 'web' || s.kind === 'wordpress';
  const [one, many] = ITEM_NOUN[s.kind];
  const titleId = `source-${s.id}-title`;
  const syncing = s.status === 'syncing' || isActive(job);

  async function patch(body: Partial<Pick<Source, 'enabled' | 'schedule'>>, what: 'enable' | 'schedule', done: string) {
    setBusy(what);
    clearMessage();
    // Show the new value at once; it goes back if the server refuses.
    setPending(body);
    try {
      const r = await api.patch<{ source: Source }>(`${API}/sources/${s.id}`, body);
      onChange(r.source);
      showMessage({ type: 'success', message: done });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      showMessage({ type: 'error', message: errorMessage(err) });
    } finally {
      setPending({});
      setBusy(null);
    }
  }

  async function resync(from: 'button' | 'retry' = 'button') {
    setBusy('sync');
    clearMessage();
    try {
      const r = await api.post<{ job: Job }>(`${API}/sources/${s.id}/sync`);
      onSynced(r.job.id);
      // Retry goes away with the failure it answered: keep focus on this card, not on the page's start.
      if (from === 'retry') requestAnimationFrame(() => document.getElementById(titleId)?.focus());
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      showMessage({ type: 'error', message: errorMessage(err) });
    } finally {
      setBusy(null);
    }
  }

  async function remove() {
    const what = remote
      ? `Delete the source “${s.name}” and its ${plural(s.documents, one, many)}?\n\nThe chatbot stops using them at once.`
      : `Remove all ${plural(s.documents, one, many)} from “${s.name}”?\n\nThe chatbot stops using them at once.`;
    if (!window.confirm(what)) return;
    setBusy('delete');
    clearMessage();
    try {
      await api.del(`${API}/sources/${s.id}`);
      onDeleted();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      showMessage({ type: 'error', message: errorMessage(err) });
    } finally {
      setBusy(null);
    }
  }

  const desc = describeSource(s);
  const retryButton = (
    <button
      type="button"
      class="button"
      onClick={() => resync('retry')}
      disabled={busy !== null || !s.enabled}
      aria-describedby={titleId}
      title={!s.enabled ? 'Switch the source on to retry.' : undefined}
    >
      <Icon name="refresh" size={16} />
      Retry
    </button>
  );
  // Pages of the last sync that could not be read while others were (a failure that read nothing is lastError).
  const partlyFailed = remote && !syncing && !s.lastError && s.lastSync && s.lastSync.failures > 0 ? s.lastSync : null;
  return (
    <article class={`source-card${s.enabled ? '' : ' is-disabled'}`} aria-labelledby={titleId} data-source-kind={s.kind}>
      <header class="source-card-head">
        <h3 id={titleId} class="source-card-title" tabIndex={-1}>
          {s.name}
        </h3>
        <StatusBadge status={syncing ? 'syncing' : s.status} />
      </header>
      {desc && <p class="source-card-desc">{desc}</p>}
      <p class="source-card-counts">
        <span>{plural(s.documents, one, many)}</span>
        <span>{plural(s.chunks, 'chunk')}</span>
        {s.chunks > 0 && s.trainedChunks < s.chunks && <span>{s.trainedChunks === 0 ? 'not trained yet' : `${formatNumber(s.trainedChunks)} trained`}</span>}
      </p>
      {remote && (
        <p class="source-card-sync">
          {s.lastSyncedAt ? (
            <>
              Last synced{' '}
              <time dateTime={s.lastSyncedAt} title={formatDateTime(s.lastSyncedAt)}>
                {relativeTime(s.lastSyncedAt)}
              </time>
            </>
          ) : (
            'Not synced yet'
          )}
        </p>
      )}
      {job && isActive(job) && (
        <p class="source-card-job" role="status">
          <Spinner />{' '}
          {job.status === 'queued'
            ? 'Waiting for the current job to finish…'
            : job.progress.chunksTotal != null
              ? `Embedding: ${formatNumber(job.progress.chunksDone)} of ${formatNumber(job.progress.chunksTotal)} chunks`
              : `Reading: ${plural(job.progress.itemsDone, one, many)} so far`}
        </p>
      )}
      {s.lastError && !syncing && (
        <Notice type="error" inline live={false} class="source-card-problem">
          <p>
            <strong>Could not be read:</strong> {s.lastError}
          </p>
          <p>{retryButton}</p>
        </Notice>
      )}
      {partlyFailed && (
        <Notice type="warning" inline live={false} class="source-card-problem">
          <p>
            <strong>{plural(partlyFailed.failures, one, many)} could not be read in the last sync.</strong>
            {partlyFailed.firstProblem && <> The first: {partlyFailed.firstProblem}</>}
          </p>
          <p>{retryButton}</p>
        </Notice>
      )}
      {message && (
        <p class={`source-card-message is-${message.type}`} ref={messageRef}>
          {message.message}
        </p>
      )}
      {remote && (
        <div class="source-card-sync-row">
          <label class="screen-reader-text" for={`source-${s.id}-schedule`}>
            Automatic re-sync of {s.name}
          </label>
          <select
            id={`source-${s.id}-schedule`}
            class="select"
            value={schedule}
            disabled={busy !== null}
            onChange={(e) => {
              const v = e.currentTarget.value as Schedule;
              patch({ schedule: v }, 'schedule', v === 'off' ? 'Automatic re-sync is off.' : `Re-synced ${v} from now on.`);
            }}
          >
            <option value="off">Re-sync: Off</option>
            <option value="daily">Re-sync: Daily</option>
            <option value="weekly">Re-sync: Weekly</option>
          </select>
          <button
            type="button"
            class="button"
            onClick={() => resync()}
            disabled={busy !== null || syncing || !s.enabled}
            aria-describedby={titleId}
            title={!s.enabled ? 'Switch the source on to re-sync it.' : undefined}
          >
            <Icon name="refresh" size={16} />
            Re-sync
          </button>
        </div>
      )}
      <div class="source-card-actions">
        <Switch
          id={`source-${s.id}-enabled`}
          checked={enabled}
          disabled={busy !== null}
          label={enabled ? 'On' : 'Off'}
          describedBy={titleId}
          onChange={(on) =>
            patch({ enabled: on }, 'enable', on ? 'Switched on: the chatbot uses this content.' : 'Switched off: the chatbot ignores this content.')
          }
        />
        {(remote || s.documents > 0) && (
          <button type="button" class="button-link button-link-delete source-delete" onClick={remove} disabled={busy !== null} aria-describedby={titleId}>
            {remote ? 'Delete' : 'Remove all'}
          </button>
        )}
      </div>
    </article>
  );
}

// ---------------------------------------------------------------------------------------------
// Documents of the Text & Q&A and Files sources

/** The source's documents, fetched again when its count changes elsewhere (e.g. "Remove all" on its card). */
function useDocuments(source: Source) {
  const docs = useResource<{ documents: DocumentSummary[]; total: number }>(`${API}/documents?sourceId=${source.id}&limit=200`);
  const { reload, data } = docs;
  useEffect(() => {
    if (data && data.total !== source.documents) reload();
  }, [source.documents]);
  return docs;
}

function DocumentList(props: {
  docs: ReturnType<typeof useDocuments>;
  label: string;
  empty: string;
  onEdit?: (d: DocumentSummary) => void;
  editingId?: number | null;
  onDeleted: () => void;
  /** Uploaded files: their public URL is set right in the list (Text entries set theirs in the Edit form). */
  urlInList?: boolean;
}) {
  const { docs, label, empty, onEdit, editingId, onDeleted, urlInList } = props;
  const [deleting, setDeleting] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function remove(d: DocumentSummary) {
    if (!window.confirm(`Delete “${d.title}”?\n\nThe chatbot stops using it at once.`)) return;
    setDeleting(d.id);
    setError(null);
    try {
      await api.del(`${API}/documents/${d.id}`);
      docs.reload();
      onDeleted();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      setError(`Not deleted: ${errorMessage(err)}`);
    } finally {
      setDeleting(null);
    }
  }

  if (docs.error && !docs.data) {
    return (
      <Notice type="error" inline>
        <p>
          Could not load the list: {docs.error}{' '}
          <button type="button" class="button-link" onClick={docs.reload}>
            Try again
          </button>
        </p>
      </Notice>
    );
  }
  if (!docs.data) return <Spinner label="Loading…" />;
  const items = docs.data.documents;
  if (items.length === 0) return <p class="description">{empty}</p>;
  return (
    <>
      {error && (
        <Notice type="error" inline>
          <p>{error}</p>
        </Notice>
      )}
      <ul class="doc-list" aria-label={label}>
        {items.map((d) => (
          <li key={d.id} class={`doc-item${editingId === d.id ? ' is-editing' : ''}`}>
            <div class="doc-main">
              {(d.kind === 'qa' || d.kind === 'text') && <span class={`kind-badge kind-${d.kind}`}>{d.kind === 'qa' ? 'Q&A' : 'Text'}</span>}
              <span class="doc-title">{d.title}</span>
              {d.fileName && <span class="doc-file">{d.fileName}</span>}
            </div>
            <div class="doc-meta">
              <span>{plural(d.chunks, 'chunk')}</span>
              <span>
                Updated{' '}
                <time dateTime={d.updatedAt} title={formatDateTime(d.updatedAt)}>
                  {relativeTime(d.updatedAt)}
                </time>
              </span>
              {onEdit && (
                <button type="button" class="button-link" onClick={() => onEdit(d)} disabled={deleting === d.id} aria-label={`Edit “${d.title}”`}>
                  Edit
                </button>
              )}
              <button
                type="button"
                class="button-link button-link-delete"
                onClick={() => remove(d)}
                disabled={deleting === d.id}
                aria-label={`Delete “${d.title}”`}
              >
                {deleting === d.id ? 'Deleting…' : 'Delete'}
              </button>
            </div>
            {(d.kind === 'file' || d.kind === 'text') && <PublicUrlLine doc={d} editable={!!urlInList} onSaved={docs.reload} />}
          </li>
        ))}
      </ul>
      {docs.data.total > items.length && (
        <p class="description">
          Showing the {items.length} most recent of {formatNumber(docs.data.total)}.
        </p>
      )}
    </>
  );
}

const PUBLIC_URL_HELP = 'With a public URL, visitors see this as a source link to that page. Without one, the chatbot still uses it but never lists it.';

/** A file's or Text entry's public URL: visitors see a document as a source only when it has one. */
function PublicUrlLine({ doc, editable, onSaved }: { doc: DocumentSummary; editable: boolean; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  /** Where focus goes once the next render is on the page: into the field, or back to the button. */
  const focusNext = useRef<'field' | 'button' | null>(null);
  const id = `doc-url-${doc.id}`;
  const name = doc.fileName ?? doc.title;
  useUnsavedChanges(editing && value.trim() !== (doc.url ?? ''));
  useEffect(() => {
    const target = focusNext.current === 'field' ? input.current : focusNext.current === 'button' ? toggle.current : null;
    if (target) {
      focusNext.current = null;
      target.focus();
    }
  });

  function start() {
    setValue(doc.url ?? '');
    setError(null);
    focusNext.current = 'field';
    setEditing(true);
  }
  function stop() {
    focusNext.current = 'button';
    setEditing(false);
  }
  async function save(e: Event) {
    e.preventDefault();
    const url = value.trim();
    if (url && !isHttpUrl(url)) {
      setError('Enter the full public address, starting with https:// or http://, e.g. https://example.com/warranty.');
      input.current?.focus();
      return;
    }
    setSaving(true);
    try {
      await api.patch(`${API}/documents/${doc.id}`, { url: url || null });
      onSaved();
      stop();
      speak(url ? `Public URL of “${name}” saved.` : `Public URL of “${name}” removed.`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      setError(err instanceof ApiError && err.fields.url ? err.fields.url : `Not saved: ${errorMessage(err)}`);
      input.current?.focus();
    } finally {
      setSaving(false);
    }
  }

  if (editing) {
    return (
      <form class="doc-url-form" onSubmit={save} onKeyDown={(e) => e.key === 'Escape' && (e.preventDefault(), stop())} noValidate>
        <label for={id}>
          Public URL <span class="screen-reader-text">of “{name}”</span>
        </label>
        <input
          id={id}
          ref={input}
          type="url"
          class="input"
          value={value}
          placeholder="https://example.com/warranty.pdf"
          onInput={(e) => (setValue(e.currentTarget.value), setError(null))}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy(error && `${id}-error`, `${id}-help`)}
          disabled={saving}
        />
        <button type="submit" class="button button-primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save URL'}
        </button>
        <button type="button" class="button" onClick={stop} disabled={saving}>
          Cancel
        </button>
        <FieldError id={`${id}-error`} message={error} />
        <p class="description" id={`${id}-help`}>
          {PUBLIC_URL_HELP} Leave empty to remove it.
        </p>
      </form>
    );
  }
  return (
    // The button keeps its place in the tree while the text before it changes, so it keeps focus after a save.
    <p class="doc-url">
      <span>
        {doc.url ? (
          <>
            Shown to visitors as a source:{' '}
            <a href={doc.url} target="_blank" rel="noopener noreferrer">
              {doc.url}
            </a>
          </>
        ) : (
          'No public URL: never listed as a source.'
        )}
      </span>
      {editable && (
        <button type="button" class="button-link" ref={toggle} onClick={start} aria-label={`${doc.url ? 'Change' : 'Add'} the public URL of “${name}”`}>
          {doc.url ? 'Change' : 'Add public URL'}
        </button>
      )}
    </p>
  );
}

// ---------------------------------------------------------------------------------------------
// Text & Q&A

type TextMode = 'text' | 'qa';
const QA_HELP =
  'When a visitor asks this question or one very close to it, the chatbot replies with this answer exactly as written (no AI call; see Chatbot → Q&A answers). When a visitor asks something similar, the chatbot reads this answer and replies in its own words. If it can’t answer at all (for example, the AI service is down), visitors see this answer exactly as written. Q&A entries are never listed as sources.';
type TextErrors = Partial<Record<'title' | 'text' | 'question' | 'answer' | 'url', string>>;
const EMPTY_TEXT = { title: '', text: '', question: '', answer: '', url: '' };

function TextPanel({ source, onChanged }: { source: Source; onChanged: () => void }) {
  const docs = useDocuments(source);
  const [mode, setMode] = useState<TextMode>('qa');
  const [fields, setFields] = useState(EMPTY_TEXT);
  /** The entry being edited, and its fields as loaded (to tell whether anything changed). */
  const [editing, setEditing] = useState<DocumentSummary | null>(null);
  const [loaded, setLoaded] = useState(EMPTY_TEXT);
  const [errors, setErrors] = useState<TextErrors>({});
  const { notice, noticeRef, show: showNotice, clear: clearNotice } = useActionNotice();
  const [saving, setSaving] = useState(false);
  const [loadingEntry, setLoadingEntry] = useState(false);
  const firstField = useRef<HTMLInputElement>(null);

  const set = (k: keyof typeof fields, v: string) => {
    setFields((f) => ({ ...f, [k]: v }));
    setErrors((e) => ({ ...e, [k]: undefined }));
  };

  // Typed into the form (or changed from the entry being edited) and not yet added or updated.
  useUnsavedChanges((Object.keys(fields) as Array<keyof typeof fields>).some((k) => fields[k].trim() !== loaded[k].trim()));

  function reset() {
    setFields(EMPTY_TEXT);
    setLoaded(EMPTY_TEXT);
    setEditing(null);
    setErrors({});
  }

  async function edit(d: DocumentSummary) {
    setLoadingEntry(true);
    clearNotice();
    try {
      const { document: doc } = await api.get<{ document: DocumentDetail }>(`${API}/documents/${d.id}`);
      const prefix = `# ${doc.title}\n\n`;
      const entry =
        doc.kind === 'qa'
          ? { ...EMPTY_TEXT, question: doc.title, answer: doc.content.startsWith(prefix) ? doc.content.slice(prefix.length) : doc.content }
          : { ...EMPTY_TEXT, title: doc.title, text: doc.content, url: doc.url ?? '' };
      setMode(doc.kind === 'qa' ? 'qa' : 'text');
      setFields(entry);
      setLoaded(entry);
      setEditing(d);
      setErrors({});
      requestAnimationFrame(() => {
        firstField.current?.focus();
        firstField.current?.scrollIntoView({ block: 'nearest' });
      });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      showNotice({ type: 'error', message: `Could not open the entry: ${errorMessage(err)}` });
    } finally {
      setLoadingEntry(false);
    }
  }

  async function submit(e: Event) {
    e.preventDefault();
    if (saving) return;
    const body =
      mode === 'qa'
        ? { question: fields.question.trim(), answer: fields.answer.trim() }
        : { title: fields.title.trim(), text: fields.text.trim(), url: fields.url.trim() };
    const found: TextErrors = {};
    if (mode === 'qa') {
      if (!body.question) found.question = 'Enter the question.';
      if (!(body as { answer: string }).answer) found.answer = 'Enter the answer.';
    } else {
      if (!(body as { title: string }).title) found.title = 'Enter a title.';
      if (!(body as { text: string }).text) found.text = 'Enter some text.';
      const url = (body as { url: string }).url;
      if (url && !isHttpUrl(url)) found.url = 'Enter the full public address, starting with https:// or http://, e.g. https://example.com/warranty.';
    }
    if (Object.keys(found).length) {
      setErrors(found);
      document.getElementById(`text-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    setSaving(true);
    clearNotice();
    try {
      const r = editing ? await api.put<UpsertResult>(`${API}/text/${editing.id}`, body) : await api.post<UpsertResult>(`${API}/text`, body);
      const what = mode === 'qa' ? 'Q&A' : 'Text';
      showNotice({
        type: 'success',
        message:
          r.status === 'unchanged'
            ? `${what} unchanged.`
            : `${what} ${editing ? 'updated' : 'added'}: ${plural(r.chunks, 'chunk')}. Start training to make it searchable.`,
      });
      reset();
      docs.reload();
      onChanged();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      if (err instanceof ApiError && Object.keys(err.fields).length) {
        setErrors(err.fields as TextErrors);
        const first = (['question', 'answer', 'title', 'text', 'url'] as const).find((k) => err.fields[k]);
        showNotice({ type: 'error', message: err.message }, first && `text-${first}`);
      } else showNotice({ type: 'error', message: `Not saved: ${errorMessage(err)}` });
    } finally {
      setSaving(false);
    }
  }

  const field = (
    key: keyof TextErrors,
    label: string,
    multiline: boolean,
    extra: { placeholder?: string; rows?: number; ref?: typeof firstField; help?: string; type?: 'text' | 'url' } = {},
  ) => (
    <div class="field">
      <label for={`text-${key}`}>{label}</label>
      {multiline ? (
        <textarea
          id={`text-${key}`}
          class="textarea"
          rows={extra.rows ?? 5}
          value={fields[key]}
          placeholder={extra.placeholder}
          aria-invalid={errors[key] ? 'true' : undefined}
          aria-describedby={describedBy(errors[key] && `text-${key}-error`, extra.help && `text-${key}-help`)}
          onInput={(e) => set(key, e.currentTarget.value)}
          disabled={saving}
        />
      ) : (
        <input
          id={`text-${key}`}
          ref={extra.ref}
          type={(extra.type ?? 'text') as 'text'}
          class="input"
          value={fields[key]}
          placeholder={extra.placeholder}
          aria-invalid={errors[key] ? 'true' : undefined}
          aria-describedby={describedBy(errors[key] && `text-${key}-error`, extra.help && `text-${key}-help`)}
          onInput={(e) => set(key, e.currentTarget.value)}
          disabled={saving}
        />
      )}
      <FieldError id={`text-${key}-error`} message={errors[key]} />
      {extra.help && (
        <p class="description" id={`text-${key}-help`}>
          {extra.help}
        </p>
      )}
    </div>
  );

  return (
    <Postbox id="add-text-title" title={<>Text &amp; Q&amp;A</>} level={3} class="add-panel">
      <p class="description">Answers to common questions, and short notes that are not on your website.</p>
      <form class="stack-form" onSubmit={submit} noValidate>
        <fieldset class="segmented" disabled={!!editing || saving}>
          <legend class="screen-reader-text">Kind of entry</legend>
          <label>
            <input type="radio" name="text-mode" value="qa" checked={mode === 'qa'} onChange={() => (setMode('qa'), setErrors({}))} />
            <span>Question &amp; answer</span>
          </label>
          <label>
            <input type="radio" name="text-mode" value="text" checked={mode === 'text'} onChange={() => (setMode('text'), setErrors({}))} />
            <span>Text</span>
          </label>
        </fieldset>
        {editing && <p class="editing-note">Editing “{editing.title}”</p>}
        {mode === 'qa' ? (
          <>
            {field('question', 'Question', false, { placeholder: 'Do you offer gift wrapping?', ref: firstField })}
            {field('answer', 'Answer', true, { rows: 4, help: QA_HELP })}
          </>
        ) : (
          <>
            {field('title', 'Title', false, { placeholder: 'Opening hours', ref: firstField })}
            {field('text', 'Text', true, { rows: 6 })}
            {field('url', 'Public URL (optional)', false, { type: 'url', placeholder: 'https://example.com/opening-hours', help: PUBLIC_URL_HELP })}
          </>
        )}
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={saving}>
            {editing ? 'Update entry' : mode === 'qa' ? 'Add Q&A' : 'Add text'}
          </button>
          {editing && (
            <button type="button" class="button" onClick={reset} disabled={saving}>
              Cancel
            </button>
          )}
          {(saving || loadingEntry) && <Spinner label={saving ? 'Saving…' : 'Opening…'} />}
        </div>
        {notice && (
          <Notice type={notice.type} inline live={false} noticeRef={noticeRef}>
            <p>{notice.message}</p>
          </Notice>
        )}
      </form>
      <h4 class="subheading">Entries</h4>
      <DocumentList
        docs={docs}
        label="Text and Q&A entries"
        empty="No entries yet."
        onEdit={edit}
        editingId={editing?.id ?? null}
        onDeleted={() => {
          if (editing) reset();
          onChanged();
        }}
      />
    </Postbox>
  );
}

// ---------------------------------------------------------------------------------------------
// Files

/** The server starts each error with the file name, already shown in bold beside it. */
function withoutName(error: string, fileName: string): string {
  const rest = error.startsWith(`${fileName}: `) ? error.slice(fileName.length + 2) : error;
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

/** Splits a selection into requests of at most `maxFiles` files and MAX_REQUEST_BYTES (a bigger file goes alone). */
function uploadBatches(files: File[], maxFiles: number): File[][] {
  const batches: File[][] = [];
  let current: File[] = [];
  let bytes = 0;
  for (const f of files) {
    if (current.length && (current.length >= maxFiles || bytes + f.size > MAX_REQUEST_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(f);
    bytes += f.size;
  }
  if (current.length) batches.push(current);
  return batches;
}

/** "2 of 4 files added." (read out when an upload ends; each file's result is listed under it). */
function uploadSummary(results: FileResult[]): string {
  const ok = results.filter((r) => r.ok).length;
  return ok === results.length
    ? `${plural(ok, 'file')} added. Start training to make ${ok === 1 ? 'it' : 'them'} searchable.`
    : `${ok} of ${plural(results.length, 'file')} added.`;
}

function FilesPanel({ source, onChanged }: { source: Source; onChanged: () => void }) {
  const docs = useDocuments(source);
  const limits = useResource<UploadLimits>(`${API}/files/limits`).data ?? DEFAULT_LIMITS;
  const [results, setResults] = useState<FileResult[]>([]);
  const [uploading, setUploading] = useState<{ count: number; fraction: number; batch: number; batches: number } | null>(null);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const resultsRef = useRef<HTMLDivElement>(null);
  const afterRender = useAfterRender();
  const dragDepth = useRef(0);

  async function uploadFiles(files: File[]) {
    if (!files.length || uploading) return;
    // Files over the limit are not sent at all; the server would say the same.
    const outcomes = new Map<File, FileResult[]>();
    const toSend: File[] = [];
    for (const f of files) {
      if (f.size > limits.maxFileBytes) {
        outcomes.set(f, [
          {
            fileName: f.name,
            ok: false,
            error: `${f.name}: the file is larger than ${formatBytes(limits.maxFileBytes)}, the limit for one file (MAX_UPLOAD_MB). Split it into smaller files, or raise MAX_UPLOAD_MB.`,
          },
        ]);
      } else toSend.push(f);
    }
    const ordered = () => files.flatMap((f) => outcomes.get(f) ?? []);
    setResults(ordered());
    const batches = uploadBatches(toSend, limits.maxFilesPerUpload);
    const totalBytes = toSend.reduce((n, f) => n + f.size, 0) || 1;
    let sentBytes = 0;
    try {
      for (const [i, batch] of batches.entries()) {
        const form = new FormData();
        for (const f of batch) form.append('files', f, f.name);
        const batchBytes = batch.reduce((n, f) => n + f.size, 0);
        const progress = (fraction: number) =>
          setUploading({ count: toSend.length, fraction: (sentBytes + fraction * batchBytes) / totalBytes, batch: i + 1, batches: batches.length });
        progress(0);
        try {
          const r = await api.upload<{ results: FileResult[] }>(`${API}/files`, form, progress);
          batch.forEach((f, k) => outcomes.set(f, r.results[k] ? [r.results[k]] : []));
        } catch (err) {
          if (err instanceof ApiError && err.status === 401) return;
          // The whole request failed (network, proxy limit): each of its files says so, the next batches go on.
          for (const f of batch) outcomes.set(f, [{ fileName: f.name, ok: false, error: `${f.name}: not uploaded. ${errorMessage(err)}` }]);
        }
        sentBytes += batchBytes;
        setResults(ordered());
      }
      docs.reload();
      onChanged();
      const all = ordered();
      speak(uploadSummary(all), all.every((r) => r.ok) ? 'polite' : 'assertive');
      afterRender(() => revealElement(resultsRef.current));
    } finally {
      setUploading(null);
      if (input.current) input.current.value = '';
    }
  }

  return (
    <Postbox id="add-files-title" title="Files" level={3} class="add-panel">
      <div
        class={`dropzone${dragging ? ' is-dragging' : ''}${uploading ? ' is-busy' : ''}`}
        onDragEnter={(e) => {
          e.preventDefault();
          dragDepth.current++;
          setDragging(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
        }}
        onDragLeave={() => {
          dragDepth.current = Math.max(0, dragDepth.current - 1);
          if (dragDepth.current === 0) setDragging(false);
        }}
        onDrop={(e) => {
          e.preventDefault();
          dragDepth.current = 0;
          setDragging(false);
          uploadFiles([...(e.dataTransfer?.files ?? [])]);
        }}
      >
        <Icon name="upload" size={32} class="dropzone-icon" />
        <p class="dropzone-text">
          Drop files here or{' '}
          <label for="file-input" class="button">
            Choose files
          </label>
        </p>
        <input
          id="file-input"
          ref={input}
          type="file"
          multiple
          accept={ACCEPT}
          class="file-input"
          aria-describedby="file-types"
          disabled={!!uploading}
          onChange={(e) => uploadFiles([...(e.currentTarget.files ?? [])])}
        />
        <p class="description" id="file-types">
          PDF, DOCX, Markdown, TXT, HTML, CSV or XML; up to {formatBytes(limits.maxFileBytes)} each, PDFs up to {formatNumber(limits.maxPdfPages)} pages. Choose
          as many as you like: they are sent {formatNumber(limits.maxFilesPerUpload)} at a time.
        </p>
      </div>
      {uploading && (
        <div class="upload-progress" role="status">
          <Spinner
            label={`${uploading.fraction < 1 ? `Uploading ${plural(uploading.count, 'file')}… ${Math.round(uploading.fraction * 100)}%` : `Reading ${plural(uploading.count, 'file')}…`}${uploading.batches > 1 ? ` (batch ${uploading.batch} of ${uploading.batches})` : ''}`}
          />
        </div>
      )}
      {results.length > 0 && (
        <div class="file-results-wrap" ref={resultsRef}>
          <p class="file-results-summary">{uploadSummary(results)}</p>
          <ul class="file-results" aria-label="Upload results">
            {results.map((r, i) => (
              <li key={`${r.fileName}-${i}`} class={r.ok ? 'is-ok' : 'is-error'}>
                <Icon name={r.ok ? 'check-circle' : 'error'} size={18} />
                <span class="file-name">{r.fileName}</span>
                <span class="file-detail">
                  {r.ok
                    ? `${r.status === 'unchanged' ? 'Already up to date' : r.status === 'updated' ? 'Updated' : 'Added'}: ${plural(r.chunks ?? 0, 'chunk')} (${formatNumber(r.tokens ?? 0)} tokens)`
                    : withoutName(r.error ?? '', r.fileName)}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <h4 class="subheading">Uploaded files</h4>
      <DocumentList docs={docs} label="Uploaded files" empty="No files yet." onDeleted={onChanged} urlInList />
    </Postbox>
  );
}

// ---------------------------------------------------------------------------------------------
// Web pages and WordPress

interface TrackedView {
  job: Job | null;
  log: LogLine[];
  error: string | null;
}

function ScheduleSelect({
  id,
  value,
  onChange,
  disabled,
  describedById,
}: {
  id: string;
  value: Schedule;
  onChange: (v: Schedule) => void;
  disabled?: boolean;
  describedById?: string;
}) {
  return (
    <select
      id={id}
      class="select"
      value={value}
      disabled={disabled}
      aria-describedby={describedById}
      onChange={(e) => onChange(e.currentTarget.value as Schedule)}
    >
      <option value="off">Off</option>
      <option value="daily">Daily</option>
      <option value="weekly">Weekly</option>
    </select>
  );
}

/** Progress of the read job started by a panel, then what to do next. */
function PanelJob({ tracked, noun }: { tracked: TrackedView; noun: string }) {
  if (!tracked.job) return tracked.error ? null : <Spinner label="Starting…" />;
  return (
    <div class="panel-job">
      <JobView job={tracked.job} log={tracked.log} pollError={tracked.error} itemNoun={noun} label={`Reading ${noun}`} compact>
        {tracked.job.status === 'done' && (
          <p>
            <a class="button" href="/admin/training?tab=training">
              Go to Training
            </a>
          </p>
        )}
      </JobView>
    </div>
  );
}

type WebMode = WebConfig['mode'];
type WebErrors = Partial<Record<'urls' | 'sitemapUrl' | 'startUrl' | 'maxPages' | 'schedule', string>>;

function WebPanel({ tracked, onAdded }: { tracked: TrackedView | null; onAdded: (s: Source, jobId: number) => void }) {
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

  const invalid = (k: keyof WebErrors) => (errors[k] ? 'true' : undefined);
  const desc = (k: keyof WebErrors, help?: string) => describedBy(errors[k] && `web-${k}-error`, help);

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
          <div class="field">
            <label for="web-urls">URLs, one per line</label>
            <textarea
              id="web-urls"
              class="textarea code"
              rows={5}
              value={urls}
              placeholder={'https://example.com/pricing\nhttps://example.com/faq'}
              spellcheck={false}
              aria-invalid={invalid('urls')}
              aria-describedby={desc('urls')}
              onInput={(e) => (setUrls(e.currentTarget.value), setErrors((x) => ({ ...x, urls: undefined })))}
              disabled={saving}
            />
            <FieldError id="web-urls-error" message={errors.urls} />
          </div>
        )}
        {mode === 'sitemap' && (
          <div class="field">
            <label for="web-sitemapUrl">Sitemap URL</label>
            <input
              id="web-sitemapUrl"
              type="url"
              class="input code"
              value={sitemapUrl}
              placeholder="https://example.com/sitemap.xml"
              spellcheck={false}
              autoComplete="off"
              aria-invalid={invalid('sitemapUrl')}
              aria-describedby={desc('sitemapUrl', 'web-sitemapUrl-help')}
              onInput={(e) => (setSitemapUrl(e.currentTarget.value), setErrors((x) => ({ ...x, sitemapUrl: undefined })))}
              disabled={saving}
            />
            <FieldError id="web-sitemapUrl-error" message={errors.sitemapUrl} />
            <p class="description" id="web-sitemapUrl-help">
              Sitemap indexes are followed too.
            </p>
          </div>
        )}
        {mode === 'crawl' && (
          <div class="field-row">
            <div class="field field-grow">
              <label for="web-startUrl">Start URL</label>
              <input
                id="web-startUrl"
                type="url"
                class="input code"
                value={startUrl}
                placeholder="https://example.com/"
                spellcheck={false}
                autoComplete="off"
                aria-invalid={invalid('startUrl')}
                aria-describedby={desc('startUrl')}
                onInput={(e) => (setStartUrl(e.currentTarget.value), setErrors((x) => ({ ...x, startUrl: undefined })))}
                disabled={saving}
              />
              <FieldError id="web-startUrl-error" message={errors.startUrl} />
            </div>
            <div class="field">
              <label for="web-maxPages">Page limit</label>
              <input
                id="web-maxPages"
                type="number"
                class="input small-number"
                min={1}
                max={10000}
                value={maxPages}
                aria-invalid={invalid('maxPages')}
                aria-describedby={desc('maxPages')}
                onInput={(e) => (setMaxPages(e.currentTarget.value), setErrors((x) => ({ ...x, maxPages: undefined })))}
                disabled={saving}
              />
              <FieldError id="web-maxPages-error" message={errors.maxPages} />
            </div>
          </div>
        )}
        <div class="field">
          <label for="web-schedule">Re-sync automatically</label>
          <ScheduleSelect id="web-schedule" value={schedule} onChange={setSchedule} disabled={saving} describedById={desc('schedule', 'web-schedule-help')} />
          <FieldError id="web-schedule-error" message={errors.schedule} />
          <p class="description" id="web-schedule-help">
            Reads the pages again and trains what changed.
          </p>
        </div>
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

function WordPressPanel({ tracked, onAdded }: { tracked: TrackedView | null; onAdded: (s: Source, jobId: number) => void }) {
  const [siteUrl, setSiteUrl] = useState('');
  const [schedule, setSchedule] = useState<Schedule>('daily');
  const [errors, setErrors] = useState<Partial<Record<'siteUrl' | 'schedule', string>>>({});
  const { notice, noticeRef, show: showNotice, clear: clearNotice } = useActionNotice();
  const [saving, setSaving] = useState(false);
  useUnsavedChanges(!!siteUrl.trim());

  async function submit(e: Event) {
    e.preventDefault();
    if (saving) return;
    if (!siteUrl.trim()) {
      setErrors({ siteUrl: 'Enter the site’s address.' });
      document.getElementById('wp-siteUrl')?.focus();
      return;
    }
    setSaving(true);
    clearNotice();
    setErrors({});
    try {
      const r = await api.post<{ source: Source; jobId: number }>(`${API}/sources`, { kind: 'wordpress', config: { siteUrl: siteUrl.trim() }, schedule });
      showNotice({ type: 'success', message: `Added “${r.source.name}”.` });
      setSiteUrl('');
      onAdded(r.source, r.jobId);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      if (err instanceof ApiError && Object.keys(err.fields).length) {
        const siteError = err.fields['config.siteUrl'] ?? err.fields.config ?? err.fields.siteUrl;
        setErrors({ siteUrl: siteError, schedule: err.fields.schedule });
        showNotice({ type: 'error', message: err.status === 422 ? NOT_ADDED : err.message }, err.fields.schedule && !siteError ? 'wp-schedule' : 'wp-siteUrl');
      } else showNotice({ type: 'error', message: `Not added: ${errorMessage(err)}` });
    } finally {
      setSaving(false);
    }
  }

  return (
    <Postbox id="add-wp-title" title="WordPress site" level={3} class="add-panel">
      <p class="description">Reads published posts and pages through the WordPress REST API: no plugin needed.</p>
      <form class="stack-form" onSubmit={submit} noValidate>
        <div class="field">
          <label for="wp-siteUrl">Site URL</label>
          <input
            id="wp-siteUrl"
            type="url"
            class="input code"
            value={siteUrl}
            placeholder="https://example.com"
            spellcheck={false}
            autoComplete="off"
            aria-invalid={errors.siteUrl ? 'true' : undefined}
            aria-describedby={describedBy(errors.siteUrl && 'wp-siteUrl-error')}
            onInput={(e) => (setSiteUrl(e.currentTarget.value), setErrors((x) => ({ ...x, siteUrl: undefined })))}
            disabled={saving}
          />
          <FieldError id="wp-siteUrl-error" message={errors.siteUrl} />
        </div>
        <div class="field">
          <label for="wp-schedule">Re-sync automatically</label>
          <ScheduleSelect
            id="wp-schedule"
            value={schedule}
            onChange={setSchedule}
            disabled={saving}
            describedById={describedBy(errors.schedule && 'wp-schedule-error')}
          />
          <FieldError id="wp-schedule-error" message={errors.schedule} />
        </div>
        <AddFormFooter label="Add WordPress site" saving={saving} busyLabel="Checking the site…" notice={notice} noticeRef={noticeRef} />
      </form>
      {tracked && <PanelJob tracked={tracked} noun="posts" />}
    </Postbox>
  );
}

/** The notice of an add form whose address failed the server's check (the reason is on the field). */
const NOT_ADDED = 'Nothing was added: correct the address and try again.';

/** The submit button, its progress and the outcome notice of the web and WordPress "add" forms. */
function AddFormFooter({
  label,
  saving,
  busyLabel,
  notice,
  noticeRef,
}: {
  label: string;
  saving: boolean;
  busyLabel: string;
  notice: ActionNotice | null;
  noticeRef: Ref<HTMLDivElement>;
}) {
  return (
    <>
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={saving}>
          {label}
        </button>
        {saving && <Spinner label={busyLabel} />}
      </div>
      {notice && (
        <Notice type={notice.type} inline live={false} noticeRef={noticeRef}>
          <p>{notice.message}</p>
        </Notice>
      )}
    </>
  );
}
