// Durable background jobs: rows in SQLite, run one at a time by each runner. Work is idempotent
// (a chunk is done when its vector is in the index), so a job interrupted by a crash or restart is
// simply run again: nothing is lost and nothing is embedded twice.
//
// Leases: a runner claims a job with one atomic UPDATE, which writes its holder id and an expiry
// (lease_expires_at) into the row; while the job runs the runner renews the lease every third of its
// length, and every progress write checks the runner still holds it. A job whose runner ends normally is
// finished and its lease cleared; one whose runner shuts down is left 'running' with its lease released,
// for the next start to take over at once. A job whose process died keeps its lease until it runs out
// (JOB_LEASE_MS, 30 s), unless the next process can prove the holder is gone (lease-holder.ts), and is
// then taken over by whichever runner claims it first. So no job is ever run by two runners at once,
// whether one process or several share the database; a runner that finds its lease taken (it was frozen
// longer than the lease) stops at once and writes nothing more to the job.
import type { Db } from '../stores/sqlite/database.js';
import { leaseHolderIsGone, newLeaseHolder } from './lease-holder.js';

export type JobKind = 'train' | 'sync' | 'reindex';
/** How long Stop lets a running job finish the requests it has in flight. */
const STOP_GRACE_MS = 15_000;
/** How long a claim on a job lasts unless renewed (JOB_LEASE_MS); the runner renews it every third of this. */
export const DEFAULT_LEASE_MS = 30_000;

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

export interface JobContext {
  job: JobRow;
  signal: AbortSignal;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  progress(patch: Partial<JobProgress>): void;
  /** Adds to the counters (tokens, cost, chunksDone, …). */
  count(delta: Partial<Pick<JobProgress, 'itemsDone' | 'chunksDone' | 'documentsDone' | 'tokens' | 'cost' | 'errors'>>): void;
  stopped(): boolean;
}

export type JobHandler = (ctx: JobContext) => Promise<void>;

/** Thrown by a handler to fail the job with a message for the admin. */
export class JobFailure extends Error {}

const EMPTY_PROGRESS: JobProgress = {
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

function toRow(r: Record<string, any>): JobRow {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    params: JSON.parse(r.params),
    progress: { ...EMPTY_PROGRESS, ...JSON.parse(r.progress) },
    error: r.error,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

export function getJob(db: Db, id: number): JobRow | null {
  const r = db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Record<string, any> | undefined;
  return r ? toRow(r) : null;
}

export function recentJobs(db: Db, limit = 10): JobRow[] {
  return (db.prepare('SELECT * FROM jobs ORDER BY id DESC LIMIT ?').all(limit) as Record<string, any>[]).map(toRow);
}

export function jobLog(db: Db, jobId: number, afterId = 0, limit = 500): Array<{ id: number; at: string; level: string; message: string }> {
  return db.prepare('SELECT id, at, level, message FROM job_log WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?').all(jobId, afterId, limit) as Array<{
    id: number;
    at: string;
    level: string;
    message: string;
  }>;
}

export function activeJob(db: Db): JobRow | null {
  const r = db.prepare("SELECT * FROM jobs WHERE status IN ('running', 'queued') ORDER BY status = 'running' DESC, id LIMIT 1").get() as
    | Record<string, any>
    | undefined;
  return r ? toRow(r) : null;
}

interface RunningJob {
  id: number;
  controller: AbortController;
  graceTimer?: NodeJS.Timeout;
}

export class JobRunner {
  private running: Promise<void> | null = null;
  private current: RunningJob | null = null;
  private closed = false;
  private wakeTimer: NodeJS.Timeout | undefined;
  private readonly holder: { id: string; release(): void };
  private readonly leaseMs: number;

  constructor(
    private readonly db: Db,
    private readonly handlers: Record<JobKind, JobHandler>,
    private readonly onError: (err: unknown) => void,
    options: { leaseMs?: number } = {},
  ) {
    this.holder = newLeaseHolder(db.name);
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** This runner's lease holder id (what a job's lease_owner says while it runs here). */
  get holderId(): string {
    return this.holder.id;
  }

  /** Queues a job; an identical queued job is reused rather than duplicated. */
  enqueue(kind: JobKind, params: Record<string, unknown> = {}): JobRow {
    const json = JSON.stringify(params);
    const same = this.db.prepare("SELECT id FROM jobs WHERE kind = ? AND params = ? AND status = 'queued'").pluck().get(kind, json) as number | undefined;
    const id = same ?? Number(this.db.prepare("INSERT INTO jobs (kind, status, params) VALUES (?, 'queued', ?)").run(kind, json).lastInsertRowid);
    this.kick();
    return getJob(this.db, id)!;
  }

  /**
   * Starts working through the queue: queued jobs, and jobs left running whose lease was released (a
   * shutdown), has run out, or whose holder is gone. A job still leased by a live runner is left to it;
   * the runner wakes when that lease would run out, in case it is not renewed.
   */
  start(): void {
    this.kick();
  }

  stop(id: number): boolean {
    const changed = this.db.prepare("UPDATE jobs SET stop_requested = 1 WHERE id = ? AND status IN ('queued', 'running')").run(id).changes === 1;
    if (!changed) return false;
    this.db.prepare("UPDATE jobs SET status = 'stopped', finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ? AND status = 'queued'").run(id);
    // A job running here starts its grace period now; one running in another runner sees the request at
    // its next lease renewal.
    if (this.current?.id === id) this.startStopGrace(this.current);
    return true;
  }

  /** Resolves when this runner has nothing left it can claim (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.wakeTimer);
    this.current?.controller.abort();
    await this.running?.catch(() => undefined);
    this.holder.release();
  }

  private kick(): void {
    if (this.running || this.closed) return;
    clearTimeout(this.wakeTimer);
    this.running = this.drain()
      .catch((err) => {
        // The database refused (busy past its timeout, say): try again a little later rather than sit idle.
        this.onError(err);
        this.wakeIn(this.leaseMs / 3);
      })
      .finally(() => {
        this.running = null;
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const next = this.claim();
      if (!next) {
        this.wakeAtNextExpiry();
        return;
      }
      await this.run(next);
    }
  }

  /** Claims the oldest claimable job in one statement: two runners can never both get it. */
  private claim(): JobRow | null {
    this.releaseLeasesOfGoneHolders();
    const now = Date.now();
    const r = this.db
      .prepare(`UPDATE jobs SET status = 'running', lease_owner = @holder, lease_expires_at = @expires, claims = claims + 1,
        started_at = coalesce(started_at, strftime('%Y-%m-%dT%H:%M:%fZ','now'))
      WHERE id = (SELECT id FROM jobs WHERE status = 'queued' OR (status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at <= @now)) ORDER BY id LIMIT 1)
      RETURNING *`)
      .get({ holder: this.holder.id, expires: now + this.leaseMs, now }) as Record<string, any> | undefined;
    if (!r) return null;
    if (r.claims > 1) this.db.prepare("INSERT INTO job_log (job_id, level, message) VALUES (?, 'info', 'Resuming after a restart.')").run(r.id);
    return toRow(r);
  }

  /** Leases whose holder is provably gone (see lease-holder.ts) end now rather than when they run out. */
  private releaseLeasesOfGoneHolders(): void {
    const held = this.db
      .prepare("SELECT id, lease_owner FROM jobs WHERE status = 'running' AND lease_owner IS NOT NULL AND lease_owner != ? AND lease_expires_at > ?")
      .all(this.holder.id, Date.now()) as Array<{ id: number; lease_owner: string }>;
    for (const job of held) {
      if (leaseHolderIsGone(job.lease_owner, this.db.name)) {
        this.db.prepare('UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ?').run(job.id, job.lease_owner);
      }
    }
  }

  /** With nothing to claim, wakes when another runner's lease would run out: taken over if not renewed. */
  private wakeAtNextExpiry(): void {
    const next = this.db.prepare("SELECT min(lease_expires_at) FROM jobs WHERE status = 'running' AND lease_expires_at IS NOT NULL").pluck().get() as
      | number
      | null;
    if (next !== null) this.wakeIn(next - Date.now() + 20);
  }

  private wakeIn(ms: number): void {
    if (this.closed) return;
    clearTimeout(this.wakeTimer);
    this.wakeTimer = setTimeout(() => this.kick(), Math.max(0, ms));
    this.wakeTimer.unref();
  }

  private startStopGrace(job: RunningJob): void {
    // The running job sees the request between items and stops there: requests already sent (paid for)
    // finish and are kept. Only a job stuck longer than the grace period (a long Retry-After) is cut off.
    if (job.graceTimer) return;
    job.graceTimer = setTimeout(() => job.controller.abort(), STOP_GRACE_MS);
    job.graceTimer.unref();
  }

  private async run(job: JobRow): Promise<void> {
    const db = this.db;
    const holder = this.holder.id;
    const controller = new AbortController();
    const running: RunningJob = { id: job.id, controller };
    this.current = running;
    /** Set when another runner took the job over: this one must stop and write nothing more to it. */
    let leaseLost = false;
    const loseLease = () => {
      leaseLost = true;
      controller.abort();
    };
    const renew = () => {
      const r = db
        .prepare("UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND lease_owner = ? AND status = 'running' RETURNING stop_requested")
        .get(Date.now() + this.leaseMs, job.id, holder) as { stop_requested: number } | undefined;
      if (!r) loseLease();
      else if (r.stop_requested) this.startStopGrace(running);
    };
    const renewTimer = setInterval(
      () => {
        try {
          renew();
        } catch (err) {
          this.onError(err);
        }
      },
      Math.max(1, Math.floor(this.leaseMs / 3)),
    );
    renewTimer.unref();
    let progress = job.progress;
    const save = () => {
      if (leaseLost) return;
      if (db.prepare('UPDATE jobs SET progress = ? WHERE id = ? AND lease_owner = ?').run(JSON.stringify(progress), job.id, holder).changes === 0) loseLease();
    };
    const stopRequested = () => db.prepare('SELECT stop_requested FROM jobs WHERE id = ?').pluck().get(job.id) === 1;
    const ctx: JobContext = {
      job,
      signal: controller.signal,
      log: (level, message) => {
        if (!leaseLost) db.prepare('INSERT INTO job_log (job_id, level, message) VALUES (?, ?, ?)').run(job.id, level, message);
      },
      progress: (patch) => {
        progress = { ...progress, ...patch };
        save();
      },
      count: (delta) => {
        progress = { ...progress };
        for (const [key, value] of Object.entries(delta) as Array<[keyof JobProgress, number]>) (progress[key] as number) += value;
        save();
      },
      stopped: () => controller.signal.aborted || stopRequested(),
    };
    let status: JobStatus = 'done';
    let error: string | null = null;
    try {
      await this.handlers[job.kind](ctx);
      if (ctx.stopped()) status = this.closed ? 'running' : 'stopped';
    } catch (err) {
      if (this.closed)
        status = 'running'; // shutting down: leave it to resume on the next start
      else if (ctx.stopped()) status = 'stopped';
      else {
        status = 'failed';
        error =
          err instanceof JobFailure || (err instanceof Error && err.name === 'EmbeddingStopError')
            ? err.message
            : 'The job failed unexpectedly. See the server log.';
        if (!(err instanceof JobFailure) && !(err instanceof Error && err.name === 'EmbeddingStopError')) this.onError(err);
      }
    } finally {
      // A runner frozen past its lease may only now learn that the job was taken over.
      if (!leaseLost) {
        try {
          renew();
        } catch (err) {
          this.onError(err);
        }
      }
      clearInterval(renewTimer);
      clearTimeout(running.graceTimer);
      this.current = null;
    }
    if (leaseLost) return; // another runner has the job now: its outcome is theirs to write
    if (status === 'running') {
      // Released, not expired: the next start takes it over at once.
      db.prepare('UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ?').run(job.id, holder);
      return;
    }
    if (status === 'stopped') ctx.log('warn', 'Stopped by the admin. Finished work is kept; start again to continue.');
    if (error) ctx.log('error', error);
    if (status === 'done') ctx.progress({ phase: 'Finished' });
    db.prepare(`UPDATE jobs SET status = ?, error = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), lease_owner = NULL, lease_expires_at = NULL
      WHERE id = ? AND lease_owner = ?`).run(status, error, job.id, holder);
  }
}
