// Data Training → Sources: the documents of the Text & Q&A and Files sources, with Edit, Delete and their public URL.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../../api.js';
import { Badge } from '../../../components/Badge.js';
import { Notice } from '../../../components/Notice.js';
import { LoadError } from '../../../components/PageLoadState.js';
import { Spinner } from '../../../components/Spinner.js';
import { formatNumber, plural } from '../../../format.js';
import { useResource } from '../../../hooks.js';
import { API } from '../shared.js';
import type { DocumentSummary, Source } from '../types.js';
import { PublicUrlLine } from './PublicUrlLine.js';
import { TimeAgo } from '../../../components/TimeAgo.js';

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
