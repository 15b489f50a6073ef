// Data Training → Sources → Text & Q&A: add or edit a question with its answer, or a text.
import { useRef, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../../api.js';
import { ActionNoticeView } from '../../../components/Notice.js';
import { Postbox } from '../../../components/Postbox.js';
import { Spinner } from '../../../components/Spinner.js';
import { StackedInput, StackedTextarea } from '../../../components/StackedField.js';
import { useFields } from '../../../components/useFields.js';
import { useActionNotice } from '../../../components/announce.js';
import { useAfterRender } from '../../../components/form-helpers.js';
import { useUnsavedChanges } from '../../../components/unsaved-changes.js';
import { plural } from '../../../format.js';
import { API, isHttpUrl } from '../shared.js';
import type { DocumentDetail, DocumentSummary, Source, UpsertResult } from '../types.js';
import { DocumentList, useDocuments } from './DocumentList.js';
import { PUBLIC_URL_HELP } from './DocumentList.js';
type TextMode = 'text' | 'qa';
const QA_HELP =
  'When a visitor asks this question or one very close to it, the chatbot replies with this answer exactly as written (no AI call; see Chatbot → Q&A answers). When a visitor asks something similar, the chatbot reads this answer and replies in its own words. If it can’t answer at all (for example, the AI service is down), visitors see this answer exactly as written. Q&A entries are never listed as sources.';
type TextKey = 'title' | 'text' | 'question' | 'answer' | 'url';
const EMPTY_TEXT: Record<TextKey, string> = { title: '', text: '', question: '', answer: '', url: '' };

export function TextPanel({ source, onChanged }: { source: Source; onChanged: () => void }) {
  const docs = useDocuments(source);
  const [mode, setMode] = useState<TextMode>('qa');
  const [saving, setSaving] = useState(false);
  const { values: fields, setValues: setFields, setErrors, bind } = useFields(EMPTY_TEXT, (k) => `text-${k}`, saving);
  /** The entry being edited, and its fields as loaded (to tell whether anything changed). */
  const [editing, setEditing] = useState<DocumentSummary | null>(null);
  const [loaded, setLoaded] = useState(EMPTY_TEXT);
  const { notice, noticeRef, show: showNotice, clear: clearNotice } = useActionNotice();
  const [loadingEntry, setLoadingEntry] = useState(false);
  const firstField = useRef<HTMLInputElement>(null);
  const afterRender = useAfterRender();

  // Typed into the form (or changed from the entry being edited) and not yet added or updated.
  useUnsavedChanges((Object.keys(fields) as TextKey[]).some((k) => fields[k].trim() !== loaded[k].trim()));

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
      afterRender(() => {
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
    const [question, answer, title, text, url] = (['question', 'answer', 'title', 'text', 'url'] as const).map((k) => fields[k].trim());
    const body = mode === 'qa' ? { question, answer } : { title, text, url };
    const found: Partial<Record<TextKey, string>> = {};
    if (mode === 'qa') {
      if (!question) found.question = 'Enter the question.';
      if (!answer) found.answer = 'Enter the answer.';
    } else {
      if (!title) found.title = 'Enter a title.';
      if (!text) found.text = 'Enter some text.';
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
        setErrors(err.fields as Partial<Record<TextKey, string>>);
        const first = (['question', 'answer', 'title', 'text', 'url'] as const).find((k) => err.fields[k]);
        showNotice({ type: 'error', message: err.message }, first && `text-${first}`);
      } else showNotice({ type: 'error', message: `Not saved: ${errorMessage(err)}` });
    } finally {
      setSaving(false);
    }
  }

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
            <StackedInput label="Question" {...bind('question')} placeholder="Do you offer gift wrapping?" inputRef={firstField} />
            <StackedTextarea label="Answer" {...bind('answer')} rows={4} help={QA_HELP} />
          </>
        ) : (
          <>
            <StackedInput label="Title" {...bind('title')} placeholder="Opening hours" inputRef={firstField} />
            <StackedTextarea label="Text" {...bind('text')} rows={6} />
            <StackedInput label="Public URL (optional)" {...bind('url')} type="url" placeholder="https://example.com/opening-hours" help={PUBLIC_URL_HELP} />
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
        <ActionNoticeView notice={notice} noticeRef={noticeRef} />
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
