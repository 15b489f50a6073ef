// Database Management → Chunking: how long the chunks are and how much they overlap.
import { useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../../api.js';
import { Field, describedBy } from '../../../components/Field.js';
import { ActionNoticeView, Notice } from '../../../components/Notice.js';
import { Postbox } from '../../../components/Postbox.js';
import { Spinner } from '../../../components/Spinner.js';
import { SubmitRow } from '../../../components/SubmitRow.js';
import { useActionNotice } from '../../../components/announce.js';
import { useFields } from '../../../components/useFields.js';
import { useUnsavedChanges } from '../../../components/unsaved-changes.js';
import { formatNumber } from '../../../format.js';
import { useResource } from '../../../hooks.js';
import { API } from '../shared.js';
import type { RetrievalSettings } from '../types.js';

type ChunkKey = 'chunkTokens' | 'chunkOverlap';
type ChunkForm = Record<ChunkKey, string>;
/** Chunking lives here; how many chunks an answer uses and how closely they must match live on the Chatbot screen. */
const CHUNK_FIELDS: Array<{ key: ChunkKey; label: string; help: string; min: number; max: number }> = [
  {
    key: 'chunkTokens',
    label: 'Chunk size',
    min: 100,
    max: 2000,
    help: 'How long each chunk is, in tokens (a token is about ¾ of a word). Smaller chunks pinpoint facts; larger ones keep more context together. From 100 to 2,000.',
  },
  {
    key: 'chunkOverlap',
    label: 'Chunk overlap',
    min: 0,
    max: 400,
    help: 'How many tokens each chunk repeats from the end of the one before, so a sentence split between two chunks is still found whole. Less than half the chunk size; 0 for none.',
  },
];

const chunkForm = (s: RetrievalSettings): ChunkForm => ({ chunkTokens: String(s.chunkTokens), chunkOverlap: String(s.chunkOverlap) });

export function ChunkingForm() {
  const settings = useResource<RetrievalSettings>(`${API}/settings`);
  return (
    <Postbox id="chunking-title" title="Chunking" body={null}>
      {settings.data ? (
        <ChunkingFields saved={settings.data} onSaved={settings.setData} />
      ) : (
        <div class="inside">
          {settings.error ? (
            <Notice type="error" inline>
              <p>Could not load the settings: {settings.error}</p>
            </Notice>
          ) : (
            <Spinner label="Loading…" />
          )}
        </div>
      )}
    </Postbox>
  );
}

function ChunkingFields({ saved, onSaved }: { saved: RetrievalSettings; onSaved: (s: RetrievalSettings) => void }) {
  const [saving, setSaving] = useState(false);
  const { values: form, setValues, errors, setErrors, bind } = useFields(chunkForm(saved), (k) => `setting-${k}`, saving);
  const { notice, noticeRef, show: showNotice, clear: clearNotice } = useActionNotice();
  const dirty = CHUNK_FIELDS.some((f) => Number(form[f.key]) !== saved[f.key] || !form[f.key].trim());
  useUnsavedChanges(dirty);

  async function save(e: Event) {
    e.preventDefault();
    if (saving) return;
    const body: Partial<Record<ChunkKey, number>> = {};
    const found: Partial<Record<ChunkKey, string>> = {};
    for (const f of CHUNK_FIELDS) {
      const n = Number(form[f.key]);
      if (form[f.key].trim() === '' || !Number.isInteger(n) || n < f.min || n > f.max)
        found[f.key] = `Enter a whole number from ${formatNumber(f.min)} to ${formatNumber(f.max)}.`;
      else body[f.key] = n;
    }
    const first = CHUNK_FIELDS.find((f) => found[f.key]);
    if (first) {
      setErrors(found);
      showNotice({ type: 'error', message: 'Please correct the highlighted fields.' }, `setting-${first.key}`);
      return;
    }
    setSaving(true);
    clearNotice();
    try {
      const next = await api.put<RetrievalSettings>(`${API}/settings`, body);
      onSaved(next);
      setValues(chunkForm(next));
      setErrors({});
      showNotice({ type: 'success', message: 'Chunking saved. It applies to content added or re-synced from now on.' });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      const fields = err instanceof ApiError ? (err.fields as Partial<Record<ChunkKey, string>>) : {};
      const firstBad = CHUNK_FIELDS.find((f) => fields[f.key]);
      setErrors(fields);
      showNotice(
        { type: 'error', message: firstBad ? (err as ApiError).message : `Settings not saved: ${errorMessage(err)}` },
        firstBad && `setting-${firstBad.key}`,
      );
    } finally {
      setSaving(false);
    }
  }

  return (
    <form class="inside form-table" onSubmit={save} noValidate aria-busy={saving}>
      <p class="description">
        Before training, your content is split into chunks: short passages that the search can find and the bot can read. How many chunks an answer uses, and
        how closely they must match the question, are set on the <a href="/admin/chatbot">Chatbot</a> screen (Chunks per answer, Minimum match).
      </p>
      {CHUNK_FIELDS.map((f) => (
        <Field key={f.key} label={f.label} id={`setting-${f.key}`} help={f.help} helpId={`setting-${f.key}-help`} error={errors[f.key]}>
          <span class="field-with-unit">
            <input
              id={`setting-${f.key}`}
              type="number"
              class="input small-number"
              min={f.min}
              max={f.max}
              value={form[f.key]}
              disabled={saving}
              aria-invalid={errors[f.key] ? 'true' : undefined}
              aria-describedby={describedBy(errors[f.key] && `setting-${f.key}-error`, `setting-${f.key}-help`)}
              onInput={(e) => bind(f.key).onValue(e.currentTarget.value)}
            />
            <span class="field-unit">tokens</span>
          </span>
        </Field>
      ))}
      <p class="description">New sizes apply to content added or re-synced from now on; what is trained now stays as it is.</p>
      <SubmitRow saving={saving} dirty={dirty} label="Save Chunking" />
      <ActionNoticeView notice={notice} noticeRef={noticeRef} />
    </form>
  );
}
