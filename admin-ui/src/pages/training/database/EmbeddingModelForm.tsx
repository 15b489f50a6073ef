// Database Management → Embedding model: choose another model, see what the rebuild costs, start it; resume or cancel
// a rebuild that did not finish.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../../api.js';
import { Field, FieldError, describedBy } from '../../../components/Field.js';
import { ActionNoticeView, Notice } from '../../../components/Notice.js';
import { Spinner } from '../../../components/Spinner.js';
import { useActionNotice } from '../../../components/announce.js';
import { useAfterRender } from '../../../components/form-helpers.js';
import { aboutCost, formatNumber, formatUsd, plural } from '../../../format.js';
import { API } from '../shared.js';
import type { EmbeddingModel, Estimate, IndexInfo, Job } from '../types.js';

function priceText(m: EmbeddingModel): string {
  if (m.promptPricePerM == null) return 'price not listed';
  if (m.promptPricePerM === 0) return 'free';
  return `${formatUsd(m.promptPricePerM)} per 1M tokens`;
}

/** The facts of a model, shown under the list for the chosen one (the list itself shows names: nothing is cut off on a phone). */
function modelFacts(m: EmbeddingModel): string {
  return `${m.id} · ${m.dimensions ? `${formatNumber(m.dimensions)} dimensions` : 'dimensions unknown'} · ${priceText(m)}`;
}

const OTHER_MODEL = ' other'; // the "Another model id…" entry: ids are trimmed, so none starts with a space

export function EmbeddingModelForm(props: {
  currentModel: string | null;
  /** The active index was built with another provider: any model of the new one, even the same id, rebuilds. */
  providerChanged: boolean;
  /**
   * OpenAI-compatible servers list all models together and embedding models are picked out by "embed" in the
   * id, so some (bge-m3, all-minilm) only come in typed.
   */
  allowCustom: boolean;
  models: EmbeddingModel[];
  catalogLoading: boolean;
  catalogError: string | null;
  busy: boolean;
  onStarted: (job: Job) => void;
}) {
  const { currentModel, models, busy, providerChanged } = props;
  const [choice, setChoice] = useState('');
  const [estimate, setEstimate] = useState<{ model: string; data: Estimate } | null>(null);
  const [estimating, setEstimating] = useState(false);
  const { notice: errorNotice, noticeRef: errorRef, show: showNotice, clear: clearNotice } = useActionNotice();
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [customId, setCustomId] = useState<string | null>(null);
  const afterRender = useAfterRender();

  const currentOffered = !!currentModel && models.some((m) => m.id === currentModel);
  // After a provider change the current model is only a default if the new provider offers it too.
  const value = customId !== null ? customId.trim() : choice || (providerChanged && !currentOffered ? '' : (currentModel ?? ''));
  const chosen = models.find((m) => m.id === value) ?? null;
  const changed = !!value && (value !== currentModel || providerChanged);

  useEffect(() => {
    if (!changed) {
      setEstimate(null);
      return;
    }
    let cancelled = false;
    setEstimating(true);
    clearNotice();
    api
      .post<Estimate>(`${API}/embedding-model/estimate`, { model: value })
      .then((data) => !cancelled && setEstimate({ model: value, data }))
      .catch((err) => {
        if (cancelled || (err instanceof ApiError && err.status === 401)) return;
        if (err instanceof ApiError && err.fields.model) setFieldError(err.fields.model);
        else showNotice({ type: 'error', message: `Could not estimate the cost: ${errorMessage(err)}` });
      })
      .finally(() => !cancelled && setEstimating(false));
    return () => {
      cancelled = true;
    };
  }, [value, changed]);

  const name = chosen?.name ?? value;
  const cost = estimate?.model === value ? estimate.data.costUsd : null;
  const buttonText = `Rebuild index with ${name} (${aboutCost(cost)})`;

  async function rebuild() {
    if (!changed || starting) return;
    const ok = window.confirm(
      `Rebuild the search index with ${name}?\n\nEvery chunk is embedded again ${providerChanged ? 'by your new provider' : 'with the new model'} (${aboutCost(cost)}). ` +
        'The current index keeps answering questions until the new one is ready.',
    );
    if (!ok) return;
    setStarting(true);
    clearNotice();
    setFieldError(null);
    try {
      const r = await api.put<{ job: Job }>(`${API}/embedding-model`, { model: value });
      setChoice('');
      setCustomId(null);
      props.onStarted(r.job);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      const onField = err instanceof ApiError && !!err.fields.model;
      if (onField) setFieldError((err as ApiError).fields.model);
      showNotice({ type: 'error', message: errorMessage(err) }, onField ? (customId !== null ? 'embedding-model-custom' : 'embedding-model') : null);
    } finally {
      setStarting(false);
    }
  }

  const currentMissing = !!currentModel && !currentOffered;
  /** The model in the list right now (chosen, or current): its id, size and price go under the list. */
  const shownFacts = customId === null ? (models.find((m) => m.id === (value || currentModel)) ?? null) : null;

  return (
    <div class="form-table embedding-form">
      <Field label="Embedding model" id="embedding-model">
        {models.length > 0 || currentModel ? (
          <select
            id="embedding-model"
            class="input select select-wide"
            value={customId !== null ? OTHER_MODEL : value}
            disabled={busy || starting}
            aria-invalid={fieldError ? 'true' : undefined}
            aria-describedby={describedBy(fieldError && 'embedding-model-error', shownFacts && 'embedding-model-facts', 'embedding-model-help')}
            onChange={(e) => {
              const picked = e.currentTarget.value;
              setCustomId(picked === OTHER_MODEL ? '' : null);
              setChoice(picked === OTHER_MODEL ? '' : picked);
              setFieldError(null);
              if (picked === OTHER_MODEL) afterRender(() => document.getElementById('embedding-model-custom')?.focus());
            }}
          >
            {currentMissing && !providerChanged && <option value={currentModel!}>{currentModel}</option>}
            {providerChanged && !value && <option value="">Choose a model from your new provider…</option>}
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
            {props.allowCustom && <option value={OTHER_MODEL}>Another model id…</option>}
          </select>
        ) : (
          <Spinner label="Loading the embedding models…" />
        )}
        {customId !== null && (
          <p class="custom-model">
            <label for="embedding-model-custom">Model id</label>{' '}
            <input
              id="embedding-model-custom"
              type="text"
              class="input regular-text code"
              value={customId}
              placeholder="bge-m3"
              spellcheck={false}
              autoComplete="off"
              disabled={busy || starting}
              aria-invalid={fieldError ? 'true' : undefined}
              aria-describedby={describedBy(fieldError && 'embedding-model-error')}
              onInput={(e) => {
                setCustomId(e.currentTarget.value);
                setFieldError(null);
              }}
            />{' '}
            <span class="description">As your endpoint names it.</span>
          </p>
        )}
        {shownFacts && (
          <p class="model-facts" id="embedding-model-facts">
            {shownFacts.id === currentModel && !providerChanged && <strong>In use now · </strong>}
            {modelFacts(shownFacts)}
          </p>
        )}
        <FieldError id="embedding-model-error" message={fieldError} />
        <p class="description" id="embedding-model-help">
          Turns your content and each question into embeddings: lists of numbers that capture meaning, so the bot finds passages that say the same thing in
          other words. Changing it rebuilds the search index: every chunk is embedded again with the new model.
        </p>
        {props.catalogError && !props.catalogLoading && (
          <Notice type="warning" inline>
            <p>{props.catalogError}</p>
          </Notice>
        )}
        {changed && !busy && (
          <div class="rebuild-box" aria-live="polite">
            {estimating && <Spinner label="Estimating the cost…" />}
            {estimate?.model === value && !estimating && (
              <p>
                Rebuilding embeds <strong>{plural(estimate.data.newChunks, 'chunk')}</strong> ({formatNumber(estimate.data.newTokens)} tokens) with{' '}
                <code>{value}</code>
                {chosen?.dimensions ? ` (${formatNumber(chosen.dimensions)} dimensions)` : ''}: <strong>{aboutCost(cost)}</strong>
                {estimate.data.chunks > estimate.data.newChunks ? `; ${plural(estimate.data.chunks - estimate.data.newChunks, 'chunk')} from the cache` : ''}.
              </p>
            )}
            <p class="rebuild-actions">
              <button type="button" class="button button-primary" onClick={rebuild} disabled={busy || starting || estimating}>
                {starting ? 'Starting…' : buttonText}
              </button>
              {!providerChanged && (
                <button
                  type="button"
                  class="button"
                  onClick={() => {
                    setChoice(currentModel ?? '');
                    setCustomId(null);
                  }}
                  disabled={starting}
                >
                  Keep {models.find((m) => m.id === currentModel)?.name ?? currentModel}
                </button>
              )}
            </p>
          </div>
        )}
        <ActionNoticeView notice={errorNotice} noticeRef={errorRef} />
      </Field>
    </div>
  );
}

/** A rebuild that failed or was stopped: what it made so far is kept, to resume, or dropped. */
export function UnfinishedRebuild(props: { building: IndexInfo; onResumed: (job: Job) => void; onCancelled: () => void }) {
  const [busy, setBusy] = useState<null | 'resume' | 'cancel'>(null);
  const [error, setError] = useState<string | null>(null);

  async function act(kind: 'resume' | 'cancel') {
    const { model } = props.building;
    if (
      kind === 'cancel' &&
      !window.confirm(
        `Cancel the rebuild with ${model}?\n\nThe new index is deleted; the current one keeps answering. Vectors already paid for stay in the cache.`,
      )
    )
      return;
    setBusy(kind);
    setError(null);
    try {
      if (kind === 'resume') props.onResumed((await api.post<{ job: Job }>(`${API}/embedding-model/resume`)).job);
      else {
        await api.del(`${API}/embedding-model/rebuild`);
        props.onCancelled();
      }
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  }

  return (
    <Notice type="warning" inline live={false} class="unfinished-rebuild">
      <p>
        <strong>The rebuild with {props.building.model} did not finish.</strong> The current index keeps answering. Resume it where it stopped (nothing already
        embedded is paid for again), or cancel it.
      </p>
      <p class="rebuild-actions">
        <button type="button" class="button button-primary" onClick={() => act('resume')} disabled={!!busy}>
          {busy === 'resume' ? 'Resuming…' : 'Resume rebuild'}
        </button>
        <button type="button" class="button" onClick={() => act('cancel')} disabled={!!busy}>
          {busy === 'cancel' ? 'Cancelling…' : 'Cancel rebuild'}
        </button>
      </p>
      <FieldError id="unfinished-rebuild-error" message={error} />
    </Notice>
  );
}
