// Data Training → Sources: a document's public URL, shown as a line under it and edited in place.
import { useRef, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../../api.js';
import { FieldError, describedBy } from '../../../components/Field.js';
import { speak } from '../../../components/announce.js';
import { useAfterRender } from '../../../components/form-helpers.js';
import { useUnsavedChanges } from '../../../components/unsaved-changes.js';
import { API, isHttpUrl } from '../shared.js';
import type { DocumentSummary } from '../types.js';

export const PUBLIC_URL_HELP = 'With a public URL, visitors see this as a source link to that page. Without one, the chatbot still uses it but never lists it.';

/** A file's or Text entry's public URL: visitors see a document as a source only when it has one. */
export function PublicUrlLine({ doc, editable, onSaved }: { doc: DocumentSummary; editable: boolean; onSaved: () => void }) {
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
