// Data Training → Database Management: what is stored, the search index and its embedding model,
// chunking/retrieval settings, the content webhook, backups, and the danger zone.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../api.js';
import { FieldError, Field, describedBy } from '../../components/Field.js';
import { Icon } from '../../components/Icon.js';
import { Notice } from '../../components/Notice.js';
import { useActionNotice } from '../../components/announce.js';
import { useUnsavedChanges } from '../../components/unsaved-changes.js';
import { LoadingBox, Spinner } from '../../components/Spinner.js';
import { SubmitRow } from '../../components/SubmitRow.js';
import { ReadOnlyField } from '../../components/ReadOnlyField.js';
import { aboutCost, endpointName, formatBytes, formatDateTime, formatNumber, formatUsd, plural, relativeTime } from '../../format.js';
import { useResource } from '../../hooks.js';
import type { ApiSettings } from '../../types.js';
import { API, JobView, isActive, useJob } from './shared.js';
import { CopyButton } from '../../components/CopyButton.js';
import BackupBox from './BackupBox.js';
import type { EmbeddingCatalog, EmbeddingModel, Estimate, IndexInfo as IndexInfoView, Job, KnowledgeBaseStats, RetrievalSettings, Webhook } from './types.js';
import { Postbox } from '../../components/Postbox.js';
import { useAfterRender } from '../../components/form-helpers.js';

const KIND_LABEL: Record<string, string> = { text: 'Text & Q&A', files: 'Files', web: 'Web pages', wordpress: 'WordPress' };

function priceText(m: EmbeddingModel): string {
  if (m.promptPricePerM == null) return 'price not listed';
  if (m.promptPricePerM === 0) return 'free';
  return `${formatUsd(m.promptPricePerM)} per 1M tokens`;
}

/** The facts of a model, shown under the list for the chosen one (the list itself shows names: nothing is cut off on a phone). */
function modelFacts(m: EmbeddingModel): string {
  return `${m.id} · ${m.dimensions ? `${formatNumber(m.dimensions)} dimensions` : 'dimensions unknown'} · ${priceText(m)}`;
}

export default function DatabaseTab() {
  const stats = useResource<KnowledgeBaseStats>(`${API}/stats`);
  const apiSettings = useResource<ApiSettings>('/api/admin/settings/api');
  const catalog = useResource<EmbeddingCatalog>('/api/admin/embedding-models');
  const [jobId, setJobId] = useState<number | null>(null);
  const [otherJob, setOtherJob] = useState<Job | null>(null);
  const tracked = useJob(jobId, () => {
    stats.reload();
    apiSettings.reload();
  });

  // Resume a rebuild that is under way; mention any other running job.
  useEffect(() => {
    let cancelled = false;
    api
      .get<{ active: Job | null }>(`${API}/jobs`)
      .then((r) => {
        if (cancelled || !r.active) return;
        if (r.active.kind === 'reindex') setJobId((id) => id ?? r.active!.id);
        else setOtherJob(r.active);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, []);

  function started(job: Job) {
    setOtherJob(null);
    setJobId(job.id);
    stats.reload();
  }

  const kb = stats.data;
  const running = isActive(tracked.job);
  const currentModel = kb?.index?.model ?? apiSettings.data?.embeddingModel ?? null;
  // The admin switched provider: the index still embeds through the old one until it is rebuilt here.
  const staleIndex = kb?.index?.dimensions && !kb.index.matchesSettings ? kb.index : null;
  const models = catalog.data?.models ?? [];
  const currentInfo = models.find((m) => m.id === currentModel) ?? null;

  return (
    <div class="database-tab">
      {otherJob && (
        <Notice type="info" live={false}>
          <p>
            A {otherJob.kind === 'sync' ? 'sync' : 'training'} job is running. <a href="/admin/training?tab=training">Follow it on the Training tab</a>.
          </p>
        </Notice>
      )}
      {stats.error && !kb && (
        <Notice type="error">
          <p>
            Could not load the numbers: {stats.error}{' '}
            <button type="button" class="button-link" onClick={stats.reload}>
              Try again
            </button>
          </p>
        </Notice>
      )}
      {!kb && !stats.error && <LoadingBox label="Loading the knowledge base…" minHeight={220} />}
      {kb && <Overview kb={kb} />}

      <Postbox id="embedding-title" title="Embedding model">
        {kb && <IndexInfo kb={kb} rebuilding={running} />}
        {kb?.building && !running && !otherJob && <UnfinishedRebuild building={kb.building} onResumed={started} onCancelled={stats.reload} />}
        {staleIndex && !kb?.building && (
          <Notice type="warning" inline live={false}>
            <p>
              <strong>
                This index was built with {endpointName(staleIndex)}, but Settings now use {savedEndpointName(apiSettings.data)}.
              </strong>{' '}
              Until you rebuild it, questions and new content are still embedded by {endpointName(staleIndex)}, with the API key that was saved for it. Choose a
              model from your new provider and rebuild: the current index keeps answering until the new one is ready.
            </p>
          </Notice>
        )}
        <EmbeddingModelForm
          currentModel={currentModel}
          providerChanged={!!staleIndex}
          allowCustom={apiSettings.data?.provider === 'openai-compatible'}
          currentInfo={currentInfo}
          models={models}
          catalogLoading={catalog.loading}
          catalogError={catalog.error ?? catalog.data?.error ?? null}
          busy={running || !!kb?.building}
          onStarted={started}
        />
        {tracked.job && (
          <div class="rebuild-job">
            <JobView
              job={tracked.job}
              log={tracked.log}
              pollError={tracked.error}
              label={tracked.job.kind === 'reindex' ? 'Building the new index' : 'Re-embedding'}
              compact
            >
              {running && tracked.job.kind === 'reindex' && (
                <p class="description note">The current index keeps answering questions until the new one is complete; then Docent switches over by itself.</p>
              )}
            </JobView>
          </div>
        )}
      </Postbox>

      <ChunkingForm />
      <WebhookBox />
      <BackupBox />
      <DangerZone kb={kb} model={currentInfo} modelId={currentModel} busy={running} onStarted={started} onPurged={stats.reload} />
    </div>
  );
}

function Overview({ kb }: { kb: KnowledgeBaseStats }) {
  return (
    <Postbox id="kb-title" title="Knowledge base">
      <dl class="stat-tiles">
        <div>
          <dt>Documents</dt>
          <dd>{formatNumber(kb.documents)}</dd>
        </div>
        <div>
          <dt>Chunks</dt>
          <dd>{formatNumber(kb.chunks)}</dd>
        </div>
        <div>
          <dt>Trained chunks</dt>
          <dd>{formatNumber(kb.trainedChunks)}</dd>
        </div>
        <div>
          <dt>Tokens</dt>
          <dd>{formatNumber(kb.tokens)}</dd>
        </div>
        <div>
          <dt>Database size</dt>
          <dd>{formatBytes(kb.databaseBytes)}</dd>
        </div>
      </dl>
      <p class="description stat-legend">
        Chunks are the short passages your content is split into, for the search to find. Trained chunks have their embedding in the search index. Tokens
        measure their length (a token is about ¾ of a word): it is what the embedding provider charges for.
      </p>
      <p class="last-training">
        <strong>Last training:</strong>{' '}
        {kb.lastTraining ? (
          <>
            <span class={`job-status job-status-${kb.lastTraining.status}`}>
              {kb.lastTraining.status === 'done'
                ? 'Finished'
                : kb.lastTraining.status === 'failed'
                  ? 'Failed'
                  : kb.lastTraining.status === 'stopped'
                    ? 'Stopped'
                    : kb.lastTraining.status}
            </span>{' '}
            <time dateTime={kb.lastTraining.finishedAt} title={formatDateTime(kb.lastTraining.finishedAt)}>
              {relativeTime(kb.lastTraining.finishedAt)}
            </time>
          </>
        ) : (
          'never'
        )}
      </p>
      <div class="table-scroll">
        <table class="widefat source-table">
          <caption class="screen-reader-text">Content per source</caption>
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col" class="num">
                Documents
              </th>
              <th scope="col" class="num">
                Chunks
              </th>
              <th scope="col" class="num">
                Trained
              </th>
              <th scope="col" class="num">
                Tokens
              </th>
            </tr>
          </thead>
          <tbody>
            {kb.sources.map((s) => (
              <tr key={s.id}>
                <th scope="row">
                  {s.name}
                  {/* The kind, unless the name already says it ("Web pages", "WordPress: shop.example.com"). */}
                  {s.kind !== 'text' && s.kind !== 'files' && !s.name.startsWith(KIND_LABEL[s.kind] ?? s.kind) && (
                    <span class="table-kind"> · {KIND_LABEL[s.kind] ?? s.kind}</span>
                  )}
                </th>
                <td class="num" data-label="Documents">
                  {formatNumber(s.documents)}
                </td>
                <td class="num" data-label="Chunks">
                  {formatNumber(s.chunks)}
                </td>
                <td class="num" data-label="Trained">
                  {formatNumber(s.trainedChunks)}
                </td>
                <td class="num" data-label="Tokens">
                  {formatNumber(s.tokens)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Postbox>
  );
}

function savedEndpointName(settings: ApiSettings | null): string {
  return settings ? endpointName(settings) : 'another provider';
}

function IndexInfo({ kb, rebuilding }: { kb: KnowledgeBaseStats; rebuilding: boolean }) {
  return (
    <div class="index-info">
      <p>
        <strong>Active index:</strong>{' '}
        {kb.index ? (
          <>
            <code>{kb.index.model}</code> via {endpointName(kb.index)},{' '}
            {kb.index.dimensions ? `${formatNumber(kb.index.dimensions)} dimensions` : 'dimensions set on first training'}, {plural(kb.index.vectors, 'vector')}
          </>
        ) : (
          'none yet: it is created by the first training.'
        )}
      </p>
      {kb.building && (
        <p>
          <strong>{rebuilding ? 'Being built:' : 'Unfinished:'}</strong> <code>{kb.building.model}</code> via {endpointName(kb.building)}
          {kb.building.dimensions ? `, ${formatNumber(kb.building.dimensions)} dimensions` : ''}, {formatNumber(kb.building.vectors)} of{' '}
          {plural(kb.chunks, 'vector')}.{rebuilding && ' The active index keeps answering until it is complete.'}
        </p>
      )}
    </div>
  );
}

/** A rebuild that failed or was stopped: what it made so far is kept, to resume, or dropped. */
function UnfinishedRebuild(props: { building: IndexInfoView; onResumed: (job: Job) => void; onCancelled: () => void }) {
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

const OTHER_MODEL = ' other'; // the "Another model id…" entry: ids are trimmed, so none starts with a space

function EmbeddingModelForm(props: {
  currentModel: string | null;
  /** The active index was built with another provider: any model of the new one, even the same id, rebuilds. */
  providerChanged: boolean;
  /**
   * OpenAI-compatible servers list all models together and embedding models are picked out by "embed" in the
   * id, so some (bge-m3, all-minilm) only come in typed.
   */
  allowCustom: boolean;
  currentInfo: EmbeddingModel | null;
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

  const list = models.length ? models : [];
  const currentMissing = !!currentModel && !currentOffered;
  /** The model in the list right now (chosen, or current): its id, size and price go under the list. */
  const shownFacts = customId === null ? (models.find((m) => m.id === (value || currentModel)) ?? null) : null;

  return (
    <div class="form-table embedding-form">
      <Field label="Embedding model" id="embedding-model">
        {list.length > 0 || currentModel ? (
          <select
            id="embedding-model"
            class="select select-wide"
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
            {list.map((m) => (
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
                  Keep {props.currentInfo?.name ?? currentModel}
                </button>
              )}
            </p>
          </div>
        )}
        {errorNotice && (
          <Notice type="error" inline live={false} noticeRef={errorRef}>
            <p>{errorNotice.message}</p>
          </Notice>
        )}
      </Field>
    </div>
  );
}

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

function ChunkingForm() {
  const settings = useResource<RetrievalSettings>(`${API}/settings`);
  const [form, setForm] = useState<ChunkForm | null>(null);
  const [errors, setErrors] = useState<Partial<Record<ChunkKey, string>>>({});
  const { notice, noticeRef, show: showNotice, clear: clearNotice } = useActionNotice();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (settings.data && !form) setForm(chunkForm(settings.data));
  }, [settings.data]);

  const dirty = !!form && !!settings.data && CHUNK_FIELDS.some((f) => Number(form[f.key]) !== settings.data![f.key] || !form[f.key].trim());
  useUnsavedChanges(dirty);

  async function save(e: Event) {
    e.preventDefault();
    if (!form || saving) return;
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
      settings.setData(next);
      setForm(chunkForm(next));
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
    <Postbox id="chunking-title" title="Chunking" body={null}>
      {!form ? (
        <div class="inside">
          {settings.error ? (
            <Notice type="error" inline>
              <p>Could not load the settings: {settings.error}</p>
            </Notice>
          ) : (
            <Spinner label="Loading…" />
          )}
        </div>
      ) : (
        <form class="inside form-table" onSubmit={save} noValidate aria-busy={saving}>
          <p class="description">
            Before training, your content is split into chunks: short passages that the search can find and the bot can read. How many chunks an answer uses,
            and how closely they must match the question, are set on the <a href="/admin/chatbot">Chatbot</a> screen (Chunks per answer, Minimum match).
          </p>
          {CHUNK_FIELDS.map((f) => (
            <Field key={f.key} label={f.label} id={`setting-${f.key}`}>
              <span class="input-with-unit">
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
                  onInput={(e) => {
                    const v = e.currentTarget.value;
                    setForm((x) => (x ? { ...x, [f.key]: v } : x));
                    setErrors((x) => ({ ...x, [f.key]: undefined }));
                  }}
                />
                <span class="unit">tokens</span>
              </span>
              <FieldError id={`setting-${f.key}-error`} message={errors[f.key]} />
              <p class="description" id={`setting-${f.key}-help`}>
                {f.help}
              </p>
            </Field>
          ))}
          <p class="description">New sizes apply to content added or re-synced from now on; what is trained now stays as it is.</p>
          <SubmitRow saving={saving} dirty={dirty} label="Save Chunking" />
          {notice && (
            <Notice type={notice.type} inline live={false} noticeRef={noticeRef}>
              <p>{notice.message}</p>
            </Notice>
          )}
        </form>
      )}
    </Postbox>
  );
}

function WebhookBox() {
  const hook = useResource<Webhook>(`${API}/webhook`);
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const { notice, noticeRef, show: showNotice, clear: clearNotice } = useActionNotice();

  async function regenerate() {
    if (!window.confirm('Make a new webhook token?\n\nThe old token stops working at once: update it wherever you use it.')) return;
    setBusy(true);
    clearNotice();
    try {
      hook.setData(await api.post<Webhook>(`${API}/webhook/regenerate`));
      showNotice({ type: 'success', message: 'New token made. The old one no longer works.' });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      showNotice({ type: 'error', message: `No new token: ${errorMessage(err)}` });
    } finally {
      setBusy(false);
    }
  }

  const h = hook.data;
  const curl = h
    ? `curl -X POST '${h.url}' \\\n  -H 'Authorization: Bearer ${h.token}' \\\n  -H 'Content-Type: application/json' \\\n  -d '{"url": "https://example.com/changed-page", "action": "updated"}'`
    : '';
  return (
    <Postbox id="webhook-title" title="Content webhook">
      <p class="description">
        Let your CMS tell Docent when a page is published, updated or deleted: that page is re-read (or removed) and trained at once, without waiting for the
        schedule. The page must belong to one of your web or WordPress sources.
      </p>
      {hook.error && (
        <Notice type="error" inline>
          <p>Could not load the webhook: {hook.error}</p>
        </Notice>
      )}
      {!h && !hook.error && <Spinner label="Loading…" />}
      {h && (
        <div class="form-table">
          <Field label="Webhook URL" id="webhook-url">
            <div class="copy-field">
              <ReadOnlyField id="webhook-url" value={h.url} />
              <CopyButton text={h.url} fallbackFieldId="webhook-url" accessibleName="Copy the webhook URL" />
            </div>
          </Field>
          <Field label="Token" id="webhook-token">
            <div class="copy-field">
              {shown ? (
                <ReadOnlyField id="webhook-token" value={h.token} />
              ) : (
                <input
                  id="webhook-token"
                  type="password"
                  class="input code"
                  readOnly
                  value={h.token}
                  autoComplete="off"
                  onFocus={(e) => e.currentTarget.select()}
                />
              )}
              <button type="button" class="button" aria-pressed={shown} onClick={() => setShown((s) => !s)}>
                <Icon name={shown ? 'eye-off' : 'eye'} size={16} />
                {shown ? 'Hide' : 'Show'}
              </button>
              <CopyButton text={h.token} fallbackFieldId="webhook-token" accessibleName="Copy the webhook token" />
            </div>
            <p class="description">Send it as a bearer token. Keep it secret.</p>
            <p>
              <button type="button" class="button" onClick={regenerate} disabled={busy}>
                <Icon name="refresh" size={16} />
                Regenerate token
              </button>
            </p>
            {notice && (
              <Notice type={notice.type} inline live={false} noticeRef={noticeRef}>
                <p>{notice.message}</p>
              </Notice>
            )}
          </Field>
          <Field label="Example" labelId="webhook-example-label">
            <div class="code-block">
              {/* Scrolls sideways on a phone: focusable, so the keyboard can scroll it too. */}
              <pre tabIndex={0} role="region" aria-label="Example request with curl">
                <code>{shown ? curl : curl.replace(h.token, '••••••••')}</code>
              </pre>
              <CopyButton text={curl} accessibleName="Copy the curl example" />
            </div>
            <p class="description">
              <code>action</code> is <code>published</code>, <code>updated</code> or <code>deleted</code>.
            </p>
          </Field>
        </div>
      )}
    </Postbox>
  );
}

function DangerZone(props: {
  kb: KnowledgeBaseStats | null;
  model: EmbeddingModel | null;
  modelId: string | null;
  busy: boolean;
  onStarted: (job: Job) => void;
  onPurged: () => void;
}) {
  const { kb, model } = props;
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState<null | 'reembed' | 'purge'>(null);
  const { notice, noticeRef, show: showNotice, clear: clearNotice } = useActionNotice();
  const confirmInput = useRef<HTMLInputElement>(null);
  const purgeButton = useRef<HTMLButtonElement>(null);
  const afterRender = useAfterRender();

  const reembedCost = kb && model?.promptPricePerM != null ? (kb.tokens * model.promptPricePerM) / 1e6 : null;

  async function reembed() {
    const ok = window.confirm(
      `Re-embed everything with ${props.modelId ?? 'the current model'}?\n\n` +
        `All ${plural(kb?.chunks ?? 0, 'chunk')} are sent to the embedding API again (${aboutCost(reembedCost)}), even those in the cache. ` +
        'Until it finishes, the chatbot finds fewer passages.',
    );
    if (!ok) return;
    setBusy('reembed');
    clearNotice();
    try {
      const r = await api.post<{ job: Job }>(`${API}/reembed`);
      props.onStarted(r.job);
      showNotice({ type: 'info', message: 'Re-embedding started: see the progress under Embedding model.' });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      showNotice({ type: 'error', message: `Not started: ${errorMessage(err)}` });
    } finally {
      setBusy(null);
    }
  }

  async function purge(e: Event) {
    e.preventDefault();
    if (typed !== 'DELETE' || busy) return;
    setBusy('purge');
    clearNotice();
    try {
      const r = await api.post<{ removedDocuments: number }>(`${API}/purge`);
      setConfirming(false);
      setTyped('');
      props.onPurged();
      // The confirmation form is gone: focus returns to the button that opened it.
      showNotice({ type: 'success', message: `All training data deleted (${plural(r.removedDocuments, 'document')}).` }, () => purgeButton.current?.focus());
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      showNotice({ type: 'error', message: `Nothing deleted: ${errorMessage(err)}` }, 'purge-confirm');
    } finally {
      setBusy(null);
    }
  }

  return (
    <Postbox
      id="danger-title"
      title={
        <>
          <Icon name="warning" size={18} /> Danger zone
        </>
      }
      class="danger-zone"
    >
      <div class="danger-row">
        <div>
          <h3>Re-embed everything</h3>
          <p class="description">
            Sends every chunk to the embedding API again and ignores the cache ({aboutCost(reembedCost)}). Only useful if the provider changed the model.
          </p>
        </div>
        <button type="button" class="button" onClick={reembed} disabled={!!busy || props.busy || !kb || kb.chunks === 0}>
          Re-embed everything
        </button>
      </div>
      <div class="danger-row">
        <div>
          <h3>Delete all training data</h3>
          <p class="description">
            Removes every document, chunk and vector, and all web and WordPress sources. The chatbot will know nothing until you add content again. This cannot
            be undone.
          </p>
        </div>
        {!confirming && (
          <button
            type="button"
            ref={purgeButton}
            class="button button-delete"
            onClick={() => {
              setConfirming(true);
              afterRender(() => confirmInput.current?.focus());
            }}
            disabled={!!busy}
          >
            Delete all training data…
          </button>
        )}
      </div>
      {confirming && (
        <form class="purge-confirm" onSubmit={purge}>
          <label for="purge-confirm">
            Type <code>DELETE</code> to confirm
          </label>
          <div class="purge-row">
            <input
              id="purge-confirm"
              ref={confirmInput}
              type="text"
              class="input code"
              value={typed}
              autoComplete="off"
              spellcheck={false}
              onInput={(e) => setTyped(e.currentTarget.value)}
            />
            <button type="submit" class="button button-delete" disabled={typed !== 'DELETE' || !!busy}>
              {busy === 'purge' ? 'Deleting…' : 'Delete everything'}
            </button>
            <button
              type="button"
              class="button"
              onClick={() => {
                setConfirming(false);
                setTyped('');
                afterRender(() => purgeButton.current?.focus());
              }}
              disabled={!!busy}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
      {notice && (
        <Notice type={notice.type} inline live={false} noticeRef={noticeRef}>
          <p>{notice.message}</p>
        </Notice>
      )}
    </Postbox>
  );
}
