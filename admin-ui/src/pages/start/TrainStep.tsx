// Step 3: what training will cost (GET /training/estimate, as Start Training shows it), then one click to train
// (POST /training/start), with live progress. Nothing is paid before the admin has seen the amount.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../api.js';
import { Notice } from '../../components/Notice.js';
import { Spinner } from '../../components/Spinner.js';
import { formatCost, formatNumber, plural } from '../../format.js';
import { API, JobView, StartError, isActive, useTrainingRun } from '../training/shared.js';
import type { Estimate } from '../training/types.js';
import '../training/training.css';
import { LoadError } from '../../components/PageLoadState.js';
import type { StepProps } from './progress.js';
import { DoneIcon } from './StepForm.js';

export function TrainStep({ state: { stats }, done, active, resumeJob, onDone }: StepProps) {
  const [estimate, setEstimate] = useState<Estimate | null>(null);
  const [estimateError, setEstimateError] = useState<string | null>(null);
  const run = useTrainingRun(resumeJob?.id ?? null, (job) => {
    if (job.status === 'done') {
      // Ready for the next time this step opens (new content read later): a fresh estimate, no old run.
      run.setJobId(null);
      setEstimate(null);
      onDone();
    } else {
      void loadEstimate(); // failed or stopped: what is left to train, and its cost
    }
  });

  async function loadEstimate() {
    setEstimateError(null);
    try {
      setEstimate(await api.get<Estimate>(`${API}/estimate`));
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) setEstimateError(errorMessage(err));
    }
  }

  useEffect(() => {
    if (active && run.jobId == null) void loadEstimate();
  }, [active, stats]);

  if (!active) {
    if (!done.train) return null;
    return (
      <p class="qs-summary">
        <DoneIcon /> {plural(stats.trainedChunks, 'chunk')} of your content trained: the bot can answer from it.
      </p>
    );
  }

  const job = run.job;
  const running = job ? isActive(job) : run.jobId != null;
  return (
    <div class="qs-train">
      {!running && (
        <>
          <div class="qs-estimate" aria-live="polite">
            {!estimate && !estimateError && <Spinner label="Working out the cost…" />}
            {estimateError && <LoadError text="Could not work out the cost" error={estimateError} onRetry={loadEstimate} inline />}
            {estimate && <EstimateText estimate={estimate} />}
          </div>
          {!done.key && (
            <Notice type="warning" inline live={false}>
              <p>Training needs a working API key: finish step 1 first.</p>
            </Notice>
          )}
          <p class="qs-actions">
            <button
              type="button"
              class="button button-primary button-large"
              onClick={() => run.start()}
              disabled={run.starting || !estimate || estimate.chunks === 0 || !done.key}
              aria-describedby="qs-train-cost"
            >
              {run.starting ? 'Starting…' : 'Start Training'}
            </button>
          </p>
          <StartError message={run.startError} />
        </>
      )}
      {run.jobId != null && !job && <Spinner label="Starting…" />}
      {job && <JobView job={job} log={run.log} pollError={run.error} label="Training" compact />}
    </div>
  );
}

function EstimateText({ estimate: e }: { estimate: Estimate }) {
  if (e.chunks === 0) {
    return (
      <p class="qs-cost" id="qs-train-cost">
        Nothing to train: read your website in step 2 first.
      </p>
    );
  }
  const cached = e.chunks - e.newChunks;
  return (
    <p class="qs-cost" id="qs-train-cost">
      Your content makes <strong>{plural(e.chunks, 'chunk')}</strong> ({formatNumber(e.tokens)} tokens). Training turns them into search vectors with{' '}
      <code>{e.model}</code>
      {e.newChunks > 0 ? (
        <>
          , estimated cost <strong>{e.costUsd == null ? 'unknown (the model’s price is not listed)' : formatCost(e.costUsd)}</strong>
          {cached > 0 ? `; ${plural(cached, 'chunk')} ${cached === 1 ? 'comes' : 'come'} free from the cache` : ''}.
        </>
      ) : (
        <>, all free from the cache.</>
      )}
    </p>
  );
}
