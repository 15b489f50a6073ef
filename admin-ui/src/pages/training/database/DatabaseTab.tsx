// Data Training → Database Management: what is stored, the search index, its embedding model and accuracy,
// chunking/retrieval settings, the content webhook, backups, and the danger zone.
import { useState } from 'preact/hooks';
import { Notice } from '../../../components/Notice.js';
import { LoadError } from '../../../components/PageLoadState.js';
import { Postbox } from '../../../components/Postbox.js';
import { LoadingBox } from '../../../components/Spinner.js';
import { endpointName, formatBytes, formatNumber, plural } from '../../../format.js';
import { useResource } from '../../../hooks.js';
import type { ApiSettings } from '../../../types.js';
import { API, JobView, isActive, useJob, useJobList } from '../shared.js';
import type { EmbeddingCatalog, Job, JobStatus, KnowledgeBaseStats } from '../types.js';
import BackupBox from './BackupBox.js';
import { ChunkingForm } from './ChunkingForm.js';
import { DangerZone } from './DangerZone.js';
import { EmbeddingModelForm, UnfinishedRebuild } from './EmbeddingModelForm.js';
import { IndexRecallBox } from './IndexRecallBox.js';
import { WebhookBox } from './WebhookBox.js';
import './database.css';
import { Badge, type BadgeTone } from '../../../components/Badge.js';
import { type Column, DataTable } from '../../../components/DataTable.js';
import '../../../components/chat-admin.css'; // the table's look (.ca-table)
import { Tiles } from '../../../components/Tiles.js';
import { TimeAgo } from '../../../components/TimeAgo.js';

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
  useJobList((r) => {
    if (r.active?.kind === 'reindex') setJobId((id) => id ?? r.active!.id);
    else if (r.active) setOtherJob(r.active);
  });

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
      {stats.error && !kb && <LoadError text="Could not load the numbers" error={stats.error} onRetry={stats.reload} />}
      {!kb && !stats.error && <LoadingBox label="Loading the knowledge base…" minHeight={220} />}
      {kb && <Overview kb={kb} />}

      <Postbox id="embedding-title" title="Embedding model">
        {kb && (
          <div class="index-info">
            <p>
              <strong>Active index:</strong>{' '}
              {kb.index ? (
                <>
                  <code>{kb.index.model}</code> via {endpointName(kb.index)},{' '}
                  {kb.index.dimensions ? `${formatNumber(kb.index.dimensions)} dimensions` : 'dimensions set on first training'},{' '}
                  {plural(kb.index.vectors, 'vector')}
                </>
              ) : (
                'none yet: it is created by the first training.'
              )}
            </p>
            {kb.building && (
              <p>
                <strong>{running ? 'Being built:' : 'Unfinished:'}</strong> <code>{kb.building.model}</code> via {endpointName(kb.building)}
                {kb.building.dimensions ? `, ${formatNumber(kb.building.dimensions)} dimensions` : ''}, {formatNumber(kb.building.vectors)} of{' '}
                {plural(kb.chunks, 'vector')}.{running && ' The active index keeps answering until it is complete.'}
              </p>
            )}
          </div>
        )}
        {kb?.building && !running && !otherJob && <UnfinishedRebuild building={kb.building} onResumed={started} onCancelled={stats.reload} />}
        {staleIndex && !kb?.building && (
          <Notice type="warning" inline live={false}>
            <p>
              <strong>
                This index was built with {endpointName(staleIndex)}, but Settings now use{' '}
                {apiSettings.data ? endpointName(apiSettings.data) : 'another provider'}.
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

      {kb && <IndexRecallBox initial={kb.recall} hasIndex={!!kb.index?.vectors} />}
      <ChunkingForm />
      <WebhookBox />
      <BackupBox />
      <DangerZone kb={kb} model={currentInfo} modelId={currentModel} busy={running} onStarted={started} onPurged={stats.reload} />
    </div>
  );
}

const KIND_LABEL: Record<string, string> = { text: 'Text & Q&A', files: 'Files', web: 'Web pages', wordpress: 'WordPress' };

/** How the last training ended, as a badge. */
const LAST_TRAINING: Partial<Record<JobStatus, [label: string, tone: BadgeTone]>> = {
  done: ['Finished', 'success'],
  failed: ['Failed', 'error'],
  stopped: ['Stopped', 'warning'],
};

type SourceStats = KnowledgeBaseStats['sources'][number];

/** The per-source table: the source's name, then its numbers. */
const SOURCE_COLUMNS: Column<SourceStats>[] = [
  {
    label: 'Source',
    rowHeader: true,
    cell: (s) => (
      <>
        {s.name}
        {/* The kind, unless the name already says it ("Web pages", "WordPress: shop.example.com"). */}
        {s.kind !== 'text' && s.kind !== 'files' && !s.name.startsWith(KIND_LABEL[s.kind] ?? s.kind) && (
          <span class="table-kind"> · {KIND_LABEL[s.kind] ?? s.kind}</span>
        )}
      </>
    ),
  },
  ...(
    [
      ['Documents', 'documents'],
      ['Chunks', 'chunks'],
      ['Trained', 'trainedChunks'],
      ['Tokens', 'tokens'],
    ] as const
  ).map(([label, key]): Column<SourceStats> => ({ label, class: 'col-num', cell: (s) => formatNumber(s[key]) })),
];

function Overview({ kb }: { kb: KnowledgeBaseStats }) {
  return (
    <Postbox id="kb-title" title="Knowledge base">
      <Tiles
        class="stat-tiles"
        tiles={[
          { term: 'Documents', value: formatNumber(kb.documents) },
          { term: 'Chunks', value: formatNumber(kb.chunks) },
          { term: 'Trained chunks', value: formatNumber(kb.trainedChunks) },
          { term: 'Tokens', value: formatNumber(kb.tokens) },
          { term: 'Database size', value: formatBytes(kb.databaseBytes) },
        ]}
      />
      <p class="description stat-legend">
        Chunks are the short passages your content is split into, for the search to find. Trained chunks have their embedding in the search index. Tokens
        measure their length (a token is about ¾ of a word): it is what the embedding provider charges for.
      </p>
      <p class="last-training">
        <strong>Last training:</strong>{' '}
        {kb.lastTraining ? (
          <>
            <Badge tone={LAST_TRAINING[kb.lastTraining.status]?.[1] ?? 'neutral'}>{LAST_TRAINING[kb.lastTraining.status]?.[0] ?? kb.lastTraining.status}</Badge>{' '}
            <TimeAgo at={kb.lastTraining.finishedAt} />
          </>
        ) : (
          'never'
        )}
      </p>
      <div class="table-scroll">
        <DataTable class="source-table" columns={SOURCE_COLUMNS} rows={kb.sources} rowKey={(s) => s.id} caption="Content per source" />
      </div>
    </Postbox>
  );
}
