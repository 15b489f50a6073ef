// Database Management → Chunking: how long the chunks are and how much they overlap.
import { Field, boundText, fieldAria } from '../../../components/Field.js';
import { ActionNoticeView, Notice } from '../../../components/Notice.js';
import { Postbox } from '../../../components/Postbox.js';
import { Spinner } from '../../../components/Spinner.js';
import { SubmitRow } from '../../../components/SubmitRow.js';
import { type FieldErrors, useSettingsForm } from '../../../components/useSettingsForm.js';
import { formatNumber } from '../../../format.js';
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

const CHUNK_KEYS = CHUNK_FIELDS.map((f) => f.key);
const fieldId = (k: ChunkKey) => `setting-${k}`;

export function ChunkingForm() {
  const { resource, form, errors, notice, noticeRef, saving, dirty, bind, onSave } = useSettingsForm<RetrievalSettings, ChunkForm, ChunkKey>({
    url: `${API}/settings`,
    fromView: (s) => ({ chunkTokens: String(s.chunkTokens), chunkOverlap: String(s.chunkOverlap) }),
    validate: (form) => {
      const found: FieldErrors<ChunkKey> = {};
      for (const f of CHUNK_FIELDS) {
        const n = Number(form[f.key]);
        if (form[f.key].trim() === '' || !Number.isInteger(n) || n < f.min || n > f.max)
          found[f.key] = `Enter a whole number from ${formatNumber(f.min)} to ${formatNumber(f.max)}.`;
      }
      return found;
    },
    // A blank field stays a change (null) even where the saved value is 0; the checks keep it from the server.
    toBody: (form) => Object.fromEntries(CHUNK_KEYS.map((k) => [k, form[k].trim() ? Number(form[k]) : null])),
    order: CHUNK_KEYS,
    fieldId,
    savedMessage: 'Chunking saved. It applies to content added or re-synced from now on.',
    placeServerErrors: (fields) => ({ fields }),
  });

  if (!form) {
    return (
      <Postbox id="chunking-title" title="Chunking">
        {resource.error ? (
          <Notice type="error" inline>
            <p>Could not load the settings: {resource.error}</p>
          </Notice>
        ) : (
          <Spinner label="Loading…" />
        )}
      </Postbox>
    );
  }
  return (
    <Postbox id="chunking-title" title="Chunking" body={null}>
      <form class="inside form-table" onSubmit={onSave} noValidate aria-busy={saving}>
        <p class="description">
          Before training, your content is split into chunks: short passages that the search can find and the bot can read. How many chunks an answer uses, and
          how closely they must match the question, are set on the <a href="/admin/chatbot">Chatbot</a> screen (Chunks per answer, Minimum match).
        </p>
        {CHUNK_FIELDS.map((f) => (
          <Field key={f.key} label={f.label} id={fieldId(f.key)} help={f.help} helpId={`${fieldId(f.key)}-help`} error={errors[f.key]}>
            <span class="field-with-unit">
              <input
                type="number"
                class="input small-number"
                min={f.min}
                max={f.max}
                {...boundText(bind(f.key), fieldAria(fieldId(f.key), errors[f.key], false, `${fieldId(f.key)}-help`))}
              />
              <span class="field-unit">tokens</span>
            </span>
          </Field>
        ))}
        <p class="description">New sizes apply to content added or re-synced from now on; what is trained now stays as it is.</p>
        <SubmitRow saving={saving} dirty={dirty} label="Save Chunking" />
        <ActionNoticeView notice={notice} noticeRef={noticeRef} />
      </form>
    </Postbox>
  );
}
