// Pieces shared by the Data Training tabs and Get started: the job poller and its progress view, URL checks.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../api.js';
import { Icon } from '../../components/Icon.js';
import { Notice, type NoticeType } from '../../components/Notice.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { Spinner } from '../../components/Spinner.js';
import { type Tile, Tiles } from '../../components/Tiles.js';
import { TimeAgo } from '../../components/TimeAgo.js';
import { type ActionNotice, speak, useActionNotice } from '../../components/announce.js';
import { formatCost, formatNumber, plural } from '../../format.js';
import type { Job, LogLine } from './types.js';
import './jobs.css';

export const API = '/api/admin/training';
const POLL_MS = 1000;
const MAX_LOG_LINES = 1000;

export function isActive(job: Pick<Job, 'status'> | null | undefined): boolean {
  return !!job && (job.status === 'queued' || job.status === 'running');
}

/** Percentage of chunks done, or null while the total is not known yet. */
function jobPercent(job: Job): number | null {
  if (job.status === 'done') return 100;
  const { chunksDone, chunksTotal } = job.progress;
  if (chunksTotal == null) return null;
  if (chunksTotal === 0) return job.status === 'running' || job.status === 'queued' ? null : 100;
  return Math.min(100, Math.floor((chunksDone / chunksTotal) * 100));
}

/**
 * Follows one job: polls GET /training/jobs/:id every second with `logAfter`, collecting the log,
 * until the job ends. `onEnd` runs once when it does (also when it had already ended).
 */
export function useJob(jobId: number | null, onEnd?: (job: Job) => void) {
  const [job, setJob] = useState<Job | null>(null);
  const [log, setLog] = useState<LogLine[]>([]);
  const [error, setError] = useState<string | null>(null);
  const onEndRef = useRef(onEnd);
  onEndRef.current = onEnd;

  useEffect(() => {
    setJob(null);
    setLog([]);
    setError(null);
    if (jobId == null) return;
    let cancelled = false;
    let after = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const r = await api.get<{ job: Job; log: LogLine[] }>(`${API}/jobs/${jobId}?logAfter=${after}`);
        if (cancelled) return;
        setError(null);
        setJob(r.job);
        if (r.log.length) {
          after = r.log[r.log.length - 1].id;
          setLog((l) => [...l, ...r.log].slice(-MAX_LOG_LINES));
        }
        // The server sends at most 500 lines at a time: fetch the rest at once.
        if (r.log.length >= 500) timer = setTimeout(tick, 0);
        else if (isActive(r.job)) timer = setTimeout(tick, POLL_MS);
        else onEndRef.current?.(r.job);
      } catch (err) {
        if (cancelled || (err instanceof ApiError && err.status === 401)) return;
        setError(errorMessage(err));
        timer = setTimeout(tick, POLL_MS * 3);
      }
    };
    tick();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [jobId]);

  return { job, log, error };
}

/**
 * Reads the job list once, on mount, so a screen can resume the job under way (started earlier or in another tab).
 * Returns whether the list has been read (or failed to load).
 */
export function useJobList(onLoad: (r: { jobs: Job[]; active: Job | null }) => void): boolean {
  const [checked, setChecked] = useState(false);
  useEffect(() => {
    let cancelled = false;
    api
      .get<{ jobs: Job[]; active: Job | null }>(`${API}/jobs`)
      .then((r) => !cancelled && onLoad(r))
      .catch(() => undefined)
      .finally(() => !cancelled && setChecked(true));
    return () => {
      cancelled = true;
    };
  }, []);
  return checked;
}

/**
 * "Start Training" (POST /training/start) and the run it starts, followed by `useJob`: Data Training's Training tab
 * and Get started's step 3 both train with it. `speakErrors` reads a failure out for a screen whose `StartError` is
 * not a live region.
 */
export function useTrainingRun(resumeJobId: number | null, onEnd: (job: Job) => void, speakErrors = false) {
  const [jobId, setJobId] = useState<number | null>(resumeJobId);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);
  const tracked = useJob(jobId, onEnd);

  /** `onStarted` runs once the server has taken the job, before it is followed. */
  async function start(onStarted?: () => void) {
    if (starting) return;
    setStarting(true);
    setStartError(null);
    try {
      const r = await api.post<{ job: Job }>(`${API}/start`);
      onStarted?.();
      setJobId(r.job.id);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      setStartError(errorMessage(err));
      if (speakErrors) speak(`Training did not start. ${errorMessage(err)}`, 'assertive');
    } finally {
      setStarting(false);
    }
  }

  return { ...tracked, jobId, setJobId, starting, startError, start };
}

/** Why "Start Training" failed, under the button. */
export function StartError({ message, live }: { message: string | null; live?: boolean }) {
  if (!message) return null;
  return (
    <Notice type="error" inline live={live}>
      <p>
        <strong>Training did not start.</strong> <ErrorText message={message} />
      </p>
    </Notice>
  );
}

/**
 * The buttons of a box and their outcome: `run(kind, action, outcome)` names the action under way in `busy` (the
 * buttons wait), then shows `done` and resolves to the action's result; a failure (other than a lost session) is
 * shown as `failed: the error`, focusing `focusOnError` if given, and resolves to null.
 */
export function useActions<K extends string, E extends HTMLElement = HTMLDivElement>() {
  const [busy, setBusy] = useState<K | null>(null);
  const { notice, noticeRef, show, clear } = useActionNotice<E>();

  async function run<T>(kind: K, action: () => Promise<T>, outcome: { done?: ActionNotice; failed?: string; focusOnError?: string } = {}) {
    setBusy(kind);
    clear();
    try {
      const result = await action();
      if (outcome.done) show(outcome.done);
      return result;
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401))
        show({ type: 'error', message: outcome.failed ? `${outcome.failed}: ${errorMessage(err)}` : errorMessage(err) }, outcome.focusOnError);
      return null;
    } finally {
      setBusy(null);
    }
  }

  return { busy, run, notice, noticeRef, show };
}

export const JOB_TITLES: Record<string, string> = {
  train: 'Training',
  sync: 'Reading a source',
  reindex: 'Building the new index',
};

/** An error message; one about the API key gets a link to the screen that fixes it. */
export function ErrorText({ message }: { message: string }) {
  return (
    <>
      {message}
      {/API key|API Configuration/i.test(message) && (
        <>
          {' '}
          <a href="/admin/settings">Go to Settings → API Configuration</a>
        </>
      )}
    </>
  );
}

interface JobViewProps {
  job: Job;
  log: LogLine[];
  pollError?: string | null;
  /** Shown while the job runs (Stop). */
  onStop?: () => void;
  stopping?: boolean;
  /** Label of the progress bar. */
  label?: string;
  /** Items read by a sync job: "pages", "posts". */
  itemNoun?: string;
  compact?: boolean;
  children?: ComponentChildren;
}

/** A job counter: "12 of 40" once the total is known, else just "12". */
function doneOf(done: number, total: number | null): string {
  return total != null ? `${formatNumber(done)} of ${formatNumber(total)}` : formatNumber(done);
}

/** Progress bar, phase, counters, outcome and live log of a job. */
export function JobView({ job, log, pollError, onStop, stopping, label, itemNoun = 'items', compact, children }: JobViewProps) {
  const p = job.progress;
  const percent = jobPercent(job);
  const active = isActive(job);
  const reading = job.kind === 'sync' && p.chunksTotal == null;
  // A sync that only reads (a new source) embeds nothing: no chunk, token or cost counters.
  const embeds = job.kind !== 'sync' || !!job.params.train || p.chunksTotal != null;
  const phase =
    job.status === 'queued' ? 'Waiting for another job to finish…' : job.status === 'stopped' ? 'Stopped' : job.status === 'failed' ? 'Failed' : p.phase;
  const valueText =
    percent == null
      ? reading
        ? `${plural(p.itemsDone, itemNoun.replace(/s$/, ''), itemNoun)} read`
        : 'Starting…'
      : `${formatNumber(p.chunksDone)} of ${formatNumber(p.chunksTotal ?? p.chunksDone)} chunks (${percent}%)`;

  const counters: Tile[] = [];
  if (job.kind === 'sync' || p.itemsDone > 0)
    counters.push({ term: `${itemNoun[0].toUpperCase() + itemNoun.slice(1)} read`, value: doneOf(p.itemsDone, p.itemsTotal) });
  if (embeds) {
    if (p.documentsTotal != null) counters.push({ term: 'Documents', value: doneOf(p.documentsDone, p.documentsTotal) });
    counters.push({ term: 'Chunks', value: doneOf(p.chunksDone, p.chunksTotal) }, { term: 'Tokens', value: formatNumber(p.tokens) });
    counters.push({ term: active ? 'Cost so far' : 'Cost', value: p.cost > 0 && p.cost < 0.01 ? '< $0.01' : formatCost(p.cost) });
  }
  counters.push({ term: 'Errors', value: formatNumber(p.errors), class: p.errors > 0 ? 'has-errors' : undefined });

  return (
    <div class={`job-view${compact ? ' is-compact' : ''}`} data-job-status={job.status}>
      {active && (
        <div class="job-head">
          <p class="job-phase" aria-live="polite">
            <Spinner />
            <span>{phase}</span>
          </p>
          <span class="job-head-side">
            {percent != null && <span class="job-percent">{percent}%</span>}
            {onStop && (
              <button type="button" class="button button-delete" onClick={onStop} disabled={stopping}>
                <Icon name="stop" size={14} />
                {stopping ? 'Stopping…' : 'Stop'}
              </button>
            )}
          </span>
        </div>
      )}
      <ProgressBar
        class="progress-large"
        value={reading && active ? null : (percent ?? (active ? null : 0))}
        label={label ?? JOB_TITLES[job.kind] ?? 'Progress'}
        valueText={valueText}
      />
      <Tiles class="job-counters" tiles={counters} />
      {pollError && (
        <Notice type="warning" inline>
          <p>Could not check the progress: {pollError} Retrying…</p>
        </Notice>
      )}
      <JobOutcome job={job} itemNoun={itemNoun} />
      {children}
      {log.length > 0 && <JobLog log={log} compact={compact} />}
    </div>
  );
}

const DONE_TITLES: Record<Job['kind'], string> = { sync: 'Finished reading.', reindex: 'The new index is ready.', train: 'Training finished.' };

/** How a job that ended went, in one notice. */
function JobOutcome({ job, itemNoun }: { job: Job; itemNoun: string }) {
  const p = job.progress;
  const outcome: [NoticeType, string, ComponentChildren] | null =
    job.status === 'done'
      ? [
          'success',
          DONE_TITLES[job.kind],
          <>
            {job.kind === 'sync' && `${plural(p.itemsDone, itemNoun.replace(/s$/, ''), itemNoun)} read. `}
            {p.chunksDone > 0 &&
              `${p.documentsDone > 0 ? `${plural(p.documentsDone, 'document')}, ` : ''}${plural(p.chunksDone, 'chunk')} indexed, ${formatNumber(p.tokens)} tokens, cost ${formatCost(p.cost)}. `}
            {p.errors > 0 && `${plural(p.errors, 'error')}: see the log. `}
            {job.finishedAt && (
              <span class="job-when">
                (<TimeAgo at={job.finishedAt} />)
              </span>
            )}
          </>,
        ]
      : job.status === 'failed'
        ? ['error', 'The job failed.', <ErrorText key="error" message={job.error ?? 'See the log below.'} />]
        : job.status === 'stopped'
          ? ['warning', 'Stopped.', 'Finished work is kept; start again to continue.']
          : null;
  if (!outcome) return null;
  const [type, title, detail] = outcome;
  return (
    <Notice type={type} inline>
      <p>
        <strong>{title}</strong> {detail}
      </p>
    </Notice>
  );
}

function JobLog({ log, compact }: { log: LogLine[]; compact?: boolean }) {
  const box = useRef<HTMLOListElement>(null);
  const stick = useRef(true);

  // Follow new lines unless the admin scrolled up to read.
  useEffect(() => {
    const el = box.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [log.length]);

  return (
    <details class="job-log-wrap" open={!compact}>
      <summary>Log ({plural(log.length, 'line')})</summary>
      <ol
        class="job-log"
        ref={box}
        tabIndex={0}
        aria-label="Job log"
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {log.map((l) => (
          <li key={l.id} class={`log-${l.level}`}>
            <time dateTime={l.at}>{new Date(l.at).toLocaleTimeString('en', { hour12: false })}</time>
            {l.level !== 'info' && <span class="log-level">{l.level === 'warn' ? 'Warning' : l.level === 'error' ? 'Error' : l.level}</span>}
            <span class="log-message">{l.message}</span>
          </li>
        ))}
      </ol>
    </details>
  );
}

export function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
