// Jobs: durable background work (training, source syncs, index rebuilds), their logs, and the leases that let
// exactly one runner work on a job at a time, whether one process or several share the store.

export type JobKind = 'train' | 'sync' | 'reindex';
export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'stopped';

export interface JobProgress {
  phase: string;
  itemsDone: number;
  itemsTotal: number | null;
  chunksDone: number;
  chunksTotal: number | null;
  /** Documents whose every chunk is now in the index (the items a training job works through). */
  documentsDone: number;
  documentsTotal: number | null;
  tokens: number;
  cost: number;
  errors: number;
}

export interface JobRow {
  id: number;
  kind: JobKind;
  status: JobStatus;
  params: Record<string, unknown>;
  progress: JobProgress;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** A job's progress before its runner has reported any (both stores start every job from it). */
export const EMPTY_JOB_PROGRESS: JobProgress = {
  phase: 'Waiting',
  itemsDone: 0,
  itemsTotal: null,
  chunksDone: 0,
  chunksTotal: null,
  documentsDone: 0,
  documentsTotal: null,
  tokens: 0,
  cost: 0,
  errors: 0,
};

export type JobLogLevel = 'info' | 'warn' | 'error';
export interface JobLogLine {
  id: number;
  at: string;
  level: string;
  message: string;
}

/** A job just claimed by a runner, and whether the admin had already asked it to stop. */
export interface ClaimedJob {
  job: JobRow;
  stopRequested: boolean;
}

/** A source's latest finished sync: how many pages it could not read, and the first reason. */
export interface LastSync {
  jobId: number;
  status: Extract<JobStatus, 'done' | 'failed'>;
  failures: number;
  firstProblem: string | null;
}

export interface JobStore {
  /** Where the jobs are kept (the database file): a lease holder is alive or gone for one such place. */
  readonly location: string;

  /** Queues a job; an identical queued job (same kind and params) is returned rather than duplicated. */
  enqueue(kind: JobKind, params: Record<string, unknown>): Promise<JobRow>;
  getJob(jobId: number): Promise<JobRow | null>;
  recentJobs(limit: number): Promise<JobRow[]>;
  /** The running job, else the oldest queued one. */
  activeJob(): Promise<JobRow | null>;
  jobLog(jobId: number, afterLineId: number, limit: number): Promise<JobLogLine[]>;
  appendLog(jobId: number, level: JobLogLevel, message: string): Promise<void>;
  /** The latest finished job of these kinds. */
  lastFinished(kinds: JobKind[]): Promise<{ status: JobStatus; finishedAt: string } | null>;
  /** Each source's latest finished (done or failed) sync, by source id. */
  lastSyncs(): Promise<Map<number, LastSync>>;

  /**
   * Asks a queued or running job to stop: a queued one is stopped at once, a running one sees the request at its
   * next lease renewal. False when the job has already finished.
   */
  requestStop(jobId: number): Promise<boolean>;

  /**
   * Claims the oldest claimable job atomically (no two runners can both get it) for `holder` until now + leaseMs:
   * a queued job, or a running one whose lease was released or ran out. Leases of running jobs whose holder
   * `holderIsGone` says is certainly gone are released first. A job claimed before gets "Resuming after a
   * restart." in its log. PostgreSQL (cluster mode) runs one job at a time across the cluster, as one Docent
   * process does: while a job runs under a live lease no other is claimed, and a running job whose lease ended is
   * resumed before a queued one is started. SQLite lets runners sharing its file each work a job of their own.
   */
  claim(holder: string, leaseMs: number, holderIsGone: (holder: string) => boolean): Promise<ClaimedJob | null>;
  /** Extends the lease to now + leaseMs; null when `holder` no longer holds it (taken over, or the job ended). */
  renewLease(jobId: number, holder: string, leaseMs: number): Promise<{ stopRequested: boolean } | null>;
  /** Saves progress while `holder` holds the lease; false when it does not any more. */
  saveProgress(jobId: number, holder: string, progress: JobProgress): Promise<boolean>;
  /** Gives the lease up, leaving the job running, for the next runner to take over at once. */
  releaseLease(jobId: number, holder: string): Promise<void>;
  /** Ends the job with its outcome and clears its lease, if `holder` still holds it. */
  finish(jobId: number, holder: string, status: Exclude<JobStatus, 'queued' | 'running'>, error: string | null): Promise<void>;
  /** When the earliest lease of a running job runs out (ms since the epoch), or null when none is held. */
  nextLeaseExpiry(): Promise<number | null>;
}
