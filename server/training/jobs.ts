// Durable background jobs: rows in SQLite, run one at a time in this process. Work is idempotent
// (a chunk is done when its vector is in the index), so a job interrupted by a crash or restart is
// simply run again: nothing is lost and nothing is embedded twice.
import type { Db } from '../db/database.js';

export type JobKind = 'train' | 'sync' | 'reindex';
/** How long Stop lets a running job finish the requests it has in flight. */
const STOP_GRACE_MS = 15_000;

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

export interface JobRow { id: number; kind: JobKind; status: JobStatus; params: Record<string, unknown>; progress: JobProgress; error: string | null; createdAt: string; startedAt: string | null; finishedAt: string | null }

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

const EMPTY_PROGRESS: JobProgress = { phase: 'Waiting', itemsDone: 0, itemsTotal: null, chunksDone: 0, chunksTotal: null, documentsDone: 0, documentsTotal: null, tokens: 0, cost: 0, errors: 0 };

function toRow(r: Record<string, any>): JobRow {
  return {
    id: r.id, kind: r.kind, status: r.status, params: JSON.parse(r.params), progress: { ...EMPTY_PROGRESS, ...JSON.parse(r.progress) },
    error: r.error, createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at,
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
  return db.prepare('SELECT id, at, level, message FROM job_log WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?').all(jobId, afterId, limit) as Array<{ id: number; at: string; level: string; message: string }>;
}

export function activeJob(db: Db): JobRow | null {
  const r = db.prepare("SELECT * FROM jobs WHERE status IN ('running', 'queued') ORDER BY status = 'running' DESC, id LIMIT 1").get() as Record<string, any> | undefined;
  return r ? toRow(r) : null;
}

export class JobRunner {
  private running: Promise<void> | null = null;
  private controller: AbortController | null = null;
  private closed = false;

  constructor(private readonly db: Db, private readonly handlers: Record<JobKind, JobHandler>, private readonly onError: (err: unknown) => void) {}

  /** Queues a job; an identical queued job is reused rather than duplicated. */
  enqueue(kind: JobKind, params: Record<string, unknown> = {}): JobRow {
    const json = JSON.stringify(params);
    const same = this.db.prepare("SELECT id FROM jobs WHERE kind = ? AND params = ? AND status = 'queued'").pluck().get(kind, json) as number | undefined;
    const id = same ?? Number(this.db.prepare("INSERT INTO jobs (kind, status, params) VALUES (?, 'queued', ?)").run(kind, json).lastInsertRowid);
    this.kick();
    return getJob(this.db, id)!;
  }

  /** Jobs left 'running' by a crash or restart go back to the queue. */
  resumeInterrupted(): number {
    const ids = this.db.prepare("SELECT id FROM jobs WHERE status = 'running'").pluck().all() as number[];
    for (const id of ids) {
      this.db.prepare("UPDATE jobs SET status = 'queued' WHERE id = ?").run(id);
      this.db.prepare("INSERT INTO job_log (job_id, level, message) VALUES (?, 'info', 'Resuming after a restart.')").run(id);
    }
    this.kick();
    return ids.length;
  }

  stop(id: number): boolean {
    const changed = this.db.prepare("UPDATE jobs SET stop_requested = 1 WHERE id = ? AND status IN ('queued', 'running')").run(id).changes === 1;
    if (!changed) return false;
    this.db.prepare("UPDATE jobs SET status = 'stopped', finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ? AND status = 'queued'").run(id);
    // The running job sees the request between items and stops there: requests already sent (paid for)
    // finish and are kept. Only a job stuck longer than the grace period (a long Retry-After) is cut off.
    const controller = activeJob(this.db)?.id === id ? this.controller : null;
    if (controller) setTimeout(() => controller.abort(), STOP_GRACE_MS).unref();
    return true;
  }

  /** Resolves when the queue is empty (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.controller?.abort();
    await this.running?.catch(() => undefined);
  }

  private kick(): void {
    if (this.running || this.closed) return;
    this.running = this.drain().catch(this.onError).finally(() => { this.running = null; });
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const next = this.db.prepare("SELECT * FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1").get() as Record<string, any> | undefined;
      if (!next) return;
      await this.run(toRow(next));
    }
  }

  private async run(job: JobRow): Promise<void> {
    const db = this.db;
    db.prepare("UPDATE jobs SET status = 'running', started_at = coalesce(started_at, strftime('%Y-%m-%dT%H:%M:%fZ','now')) WHERE id = ?").run(job.id);
    const controller = new AbortController();
    this.controller = controller;
    let progress = job.progress;
    const save = () => db.prepare('UPDATE jobs SET progress = ? WHERE id = ?').run(JSON.stringify(progress), job.id);
    const stopRequested = () => db.prepare('SELECT stop_requested FROM jobs WHERE id = ?').pluck().get(job.id) === 1;
    const ctx: JobContext = {
      job, signal: controller.signal,
      log: (level, message) => { db.prepare('INSERT INTO job_log (job_id, level, message) VALUES (?, ?, ?)').run(job.id, level, message); },
      progress: (patch) => { progress = { ...progress, ...patch }; save(); },
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
      if (this.closed) status = 'running'; // shutting down: leave it to resume on the next start
      else if (ctx.stopped()) status = 'stopped';
      else {
        status = 'failed';
        error = err instanceof JobFailure || (err instanceof Error && err.name === 'EmbeddingStopError') ? err.message : 'The job failed unexpectedly. See the server log.';
        if (!(err instanceof JobFailure) && !(err instanceof Error && err.name === 'EmbeddingStopError')) this.onError(err);
      }
    } finally {
      this.controller = null;
    }
    if (status === 'running') return;
    if (status === 'stopped') ctx.log('warn', 'Stopped by the admin. Finished work is kept; start again to continue.');
    if (error) ctx.log('error', error);
    if (status === 'done') ctx.progress({ phase: 'Finished' });
    db.prepare("UPDATE jobs SET status = ?, error = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?").run(status, error, job.id);
  }
}
