// Data Training → Sources: the documents of the Text & Q&A and Files sources, with Edit, Delete and their public URL.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../../api.js';
import { Badge } from '../../../components/Badge.js';
import { Notice } from '../../../components/Notice.js';
import { LoadError } from '../../../components/PageLoadState.js';
import { Spinner } from '../../../components/Spinner.js';
import { formatNumber, plural } from '../../../format.js';
import { useResource } from '../../../hooks.js';
import { API, isHttpUrl } from '../shared.js';
import type { DocumentSummary, Source } from '../types.js';
import { TimeAgo } from '../../../components/TimeAgo.js';
import { FieldError, describedBy } from '../../../components/Field.js';
import { speak } from '../../../components/announce.js';
import { useAfterRender } from '../../../components/form-helpers.js';
import { useUnsavedChanges } from '../../../components/unsaved-changes.js';

/** The source's documents, fetched again when its count changes elsewhere (e.g. "Remove all" on its card). */
export function useDocuments(source: Source) {
  const docs = useResource<{ documents: DocumentSummary[]; total: number }>(`${API}/documents?sourceId=${source.id}&limit=200`);
  const { reload, data } = docs;
  useEffect(() => {
    if (data && data.total !== source.documents) reload();
  }, [source.documents]);
  return docs;
}

export function DocumentList(props: {
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

  if (docs.error && !docs.data) return <LoadError text="Could not load the list" error={docs.error} onRetry={docs.reload} inline />;
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
              {(d.kind === 'qa' || d.kind === 'text') && <Badge tone={d.kind === 'qa' ? 'info' : 'neutral'}>{d.kind === 'qa' ? 'Q&A' : 'Text'}</Badge>}
              <span class="doc-title">{d.title}</span>
              {d.fileName && <span class="doc-file">{d.fileName}</span>}
            </div>
            <div class="doc-meta">
              <span>{plural(d.chunks, 'chunk')}</span>
              <span>
                Updated <TimeAgo at={d.updatedAt} />
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

export const PUBLIC_URL_HELP = 'With a public URL, visitors see this as a source link to that page. Without one, the chatbot still uses it but never lists it.';

/** A file's or Text entry's public URL: visitors see a document as a source only when it has one. */
function PublicUrlLine({ doc, editable, onSaved }: { doc: DocumentSummary; editable: boolean; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const afterRender = useAfterRender();
  const id = `doc-url-${doc.id}`;
  const name = doc.fileName ?? doc.title;
  useUnsavedChanges(editing && value.trim() !== (doc.url ?? ''));

  function start() {
    setValue(doc.url ?? '');
    setError(null);
    setEditing(true);
    afterRender(() => input.current?.focus());
  }
  function stop() {
    setEditing(false);
    afterRender(() => toggle.current?.focus());
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
