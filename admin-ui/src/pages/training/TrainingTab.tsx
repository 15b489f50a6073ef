// Data Training → Training: the estimate, "Start Training", then live progress of the job (survives a reload).
import { useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../api.js';
import { Notice } from '../../components/Notice.js';
import { LoadError } from '../../components/PageLoadState.js';
import { Spinner } from '../../components/Spinner.js';
import { speak } from '../../components/announce.js';
import { formatCost, formatNumber, plural } from '../../format.js';
import { useResource } from '../../hooks.js';
import { API, ErrorText, JOB_TITLES, JobView, StartError, isActive, useJobList, useTrainingRun } from './shared.js';
import type { Estimate, Job, KnowledgeBaseStats } from './types.js';
import { Postbox } from '../../components/Postbox.js';
import { TimeAgo } from '../../components/TimeAgo.js';

export default function TrainingTab() {
  const estimate = useResource<Estimate>(`${API}/estimate`);
  const stats = useResource<KnowledgeBaseStats>(`${API}/stats`);
  const [lastJob, setLastJob] = useState<Job | null>(null);
  const [stopping, setStopping] = useState(false);
  const [stopError, setStopError] = useState<string | null>(null);

  const run = useTrainingRun(
    null,
    () => {
      setStopping(false);
      estimate.reload();
      stats.reload();
    },
    true,
  );

  // Resume: a job started earlier (or in another tab) is shown as it runs.
  const checkedJobs = useJobList((r) => {
    if (r.active) run.setJobId((id) => id ?? r.active!.id);
    else setLastJob(r.jobs.find((j) => j.finishedAt && (j.kind !== 'sync' || j.params.train)) ?? null);
  });

  const job = run.job;
  const running = isActive(job);

  function start() {
    if (run.starting || running) return;
    setStopError(null);
    void run.start(() => setLastJob(null));
  }

  async function stop() {
    if (!job || stopping) return;
    setStopping(true);
    setStopError(null);
    try {
      await api.post(`${API}/jobs/${job.id}/stop`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      setStopping(false);
      // 409: it finished in the meantime; the next poll shows that.
      if (!(err instanceof ApiError && err.status === 409)) {
        setStopError(`Could not stop the job: ${errorMessage(err)}`);
        speak(`Could not stop the job: ${errorMessage(err)}`, 'assertive');
      }
    }
  }

  const e = estimate.data;
  const kb = stats.data;
  const cached = e ? e.chunks - e.newChunks : 0;

  return (
    <div class="training-tab">
      <Postbox id="start-title" title={running && job ? (JOB_TITLES[job.kind] ?? 'Training') : 'Start Training'} class="training-hero">
        {!running && (
          <>
            <p class="description">
              Training makes your content searchable: each chunk (a short passage of your content) gets an embedding, a list of numbers that captures its
              meaning, so the chatbot finds the right passages. Only new or changed chunks are embedded; your provider charges for those by the token (about ¾
              of a word), and anything embedded before comes from the cache for free.
            </p>
            <div class="estimate" aria-live="polite" aria-busy={estimate.loading}>
              {estimate.loading && !e && <Spinner label="Calculating the cost…" />}
              {estimate.error && <LoadError text="Could not estimate the cost" error={estimate.error} onRetry={estimate.reload} inline />}
              {e && e.chunks === 0 && (
                <p class="estimate-text">
                  {kb && kb.chunks === 0 ? (
                    <>
                      Nothing to train yet. <a href="/admin/training">Add content in Sources</a> first.
                    </>
                  ) : (
                    <>
                      <strong>Everything is trained.</strong> No chunks need embedding with <code>{e.model}</code>.
                    </>
                  )}
                </p>
              )}
              {e && e.chunks > 0 && (
                <p class="estimate-text">
                  {e.newChunks > 0 ? (
                    <>
                      <strong>{plural(e.newChunks, 'chunk')}</strong> ({formatNumber(e.newTokens)} tokens) to embed with <code>{e.model}</code>, estimated cost{' '}
                      <strong>{e.costUsd == null ? 'unknown (the model’s price is not listed)' : formatCost(e.costUsd)}</strong>
                      {cached > 0 ? `; ${plural(cached, 'chunk')} ${cached === 1 ? 'comes' : 'come'} free from the cache.` : '.'}
                    </>
                  ) : (
                    <>
                      <strong>{plural(e.chunks, 'chunk')}</strong> to index with <code>{e.model}</code>, all free from the cache.
                    </>
                  )}
                </p>
              )}
            </div>
            <div class="start-row">
              <button type="button" class="button button-primary button-hero" onClick={start} disabled={run.starting || !checkedJobs || !e || e.chunks === 0}>
                {run.starting ? 'Starting…' : 'Start Training'}
              </button>
              {kb && kb.chunks > 0 && (
                <span class="description">
                  {formatNumber(kb.trainedChunks)} of {plural(kb.chunks, 'chunk')} trained.
                </span>
              )}
            </div>
            <StartError message={run.startError} live={false} />
          </>
        )}
        {stopError && (
          <Notice type="error" inline live={false}>
            <p>{stopError}</p>
          </Notice>
        )}
        {run.jobId != null && !job && !run.error && <Spinner label="Loading the progress…" />}
        {job && (
          <div class={running ? undefined : 'last-run'}>
            {!running && <h3 class="last-run-title">This run</h3>}
            <JobView job={job} log={run.log} pollError={run.error} onStop={stop} stopping={stopping} itemNoun={job.kind === 'sync' ? 'pages' : 'items'} />
          </div>
        )}
        {!job && lastJob && <LastRun job={lastJob} />}
      </Postbox>
    </div>
  );
}

function LastRun({ job }: { job: Job }) {
  const p = job.progress;
  const when = job.finishedAt ? <TimeAgo at={job.finishedAt} /> : null;
  const what = job.kind === 'reindex' ? 'Last index rebuild' : job.kind === 'sync' ? 'Last sync' : 'Last training';
  const status = job.status === 'done' ? 'finished' : job.status === 'failed' ? 'failed' : job.status === 'stopped' ? 'was stopped' : job.status;
  return (
    <div class={`last-run is-${job.status}`}>
      <p>
        <strong>
          {what} {status}
        </strong>{' '}
        {when}: {plural(p.chunksDone, 'chunk')} indexed, {formatNumber(p.tokens)} tokens, cost {formatCost(p.cost)}
        {p.errors > 0 ? `, ${plural(p.errors, 'error')}` : ''}.
      </p>
      {job.status === 'failed' && job.error && (
        <Notice type="error" inline live={false}>
          <p>
            <ErrorText message={job.error} />
          </p>
        </Notice>
      )}
    </div>
  );
}
