// Durable background jobs: rows in the job store, run one at a time by each runner. Work is idempotent
// (a chunk is done when its vector is in the index), so a job interrupted by a crash or restart is
// simply run again: nothing is lost and nothing is embedded twice.
//
// Leases: a runner claims a job atomically (JobStore.claim), which writes its holder id and an expiry
// (lease_expires_at) into the row; while the job runs the runner renews the lease every third of its
// length, and every progress write checks the runner still holds it. A job whose runner ends normally is
// finished and its lease cleared; one whose runner shuts down is left 'running' with its lease released,
// for the next start to take over at once. A job whose process died keeps its lease until it runs out
// (JOB_LEASE_MS, 30 s), unless the next process can prove the holder is gone (lease-holder.ts), and is
// then taken over by whichever runner claims it first. So no job is ever run by two runners at once,
// whether one process or several share the database; a runner that finds its lease taken (it was frozen
// longer than the lease) stops at once and writes nothing more to the job.
import type { JobKind, JobLogLevel, JobProgress, JobRow, JobStatus, JobStore } from '../stores/job-store.js';
import { leaseHolderIsGone, newLeaseHolder } from './lease-holder.js';

export type { JobKind, JobProgress, JobRow, JobStatus } from '../stores/job-store.js';
/** How long Stop lets a running job finish the requests it has in flight. */
const STOP_GRACE_MS = 15_000;
/** How long a claim on a job lasts unless renewed (JOB_LEASE_MS); the runner renews it every third of this. */
export const DEFAULT_LEASE_MS = 30_000;
/** How often an idle runner looks for jobs other processes queued or left behind. */
const POLL_MS = 5_000;

/**
 * What a job handler sees. Its writes (log, progress, counters) are sent to the job store in order, without the
 * handler waiting for them; a write that fails fails the job.
 */
export interface JobContext {
  job: JobRow;
  signal: AbortSignal;
  log(level: JobLogLevel, message: string): void;
  progress(patch: Partial<JobProgress>): void;
  /** Adds to the counters (tokens, cost, chunksDone, …). */
  count(delta: Partial<Pick<JobProgress, 'itemsDone' | 'chunksDone' | 'documentsDone' | 'tokens' | 'cost' | 'errors'>>): void;
  /** Whether the runner is closing, or the admin asked the job to stop (here at once, in another process at the next lease renewal). */
  stopped(): boolean;
}

export type JobHandler = (ctx: JobContext) => Promise<void>;

/** Thrown by a handler to fail the job with a message for the admin. */
export class JobFailure extends Error {}

interface RunningJob {
  id: number;
  controller: AbortController;
  /** The admin asked it to stop (seen here at once, or from another runner at a lease renewal). */
  stopAsked: boolean;
  graceTimer?: NodeJS.Timeout;
}

const isKnownFailure = (err: unknown) => err instanceof JobFailure || (err instanceof Error && err.name === 'EmbeddingStopError');

export class JobRunner {
  private running: Promise<void> | null = null;
  private current: RunningJob | null = null;
  private closed = false;
  private wakeTimer: NodeJS.Timeout | undefined;
  private readonly holder: { id: string; release(): void };
  private readonly leaseMs: number;

  constructor(
    private readonly store: JobStore,
    private readonly handlers: Record<JobKind, JobHandler>,
    private readonly onError: (err: unknown) => void,
    options: { leaseMs?: number } = {},
  ) {
    this.holder = newLeaseHolder(store.location);
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** This runner's lease holder id (what a job's lease_owner says while it runs here). */
  get holderId(): string {
    return this.holder.id;
  }

  /** Queues a job (an identical queued job is reused rather than duplicated) and starts it if nothing else runs. */
  async enqueue(kind: JobKind, params: Record<string, unknown> = {}): Promise<JobRow> {
    const job = await this.store.enqueue(kind, params);
    this.kick();
    return (await this.store.getJob(job.id)) ?? job;
  }

  /**
   * Starts working through the queue: queued jobs, and jobs left running whose lease was released (a
   * shutdown), has run out, or whose holder is gone. A job still leased by a live runner is left to it;
   * the runner wakes when that lease would run out, in case it is not renewed.
   */
  start(): void {
    this.kick();
  }

  async stop(id: number): Promise<boolean> {
    if (!(await this.store.requestStop(id))) return false;
    // A job running here starts its grace period now; one running in another runner sees the request at
    // its next lease renewal.
    if (this.current?.id === id) {
      this.current.stopAsked = true;
      this.startStopGrace(this.current);
    }
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
      // Leases whose holder is provably gone (see lease-holder.ts) end now rather than when they run out.
      const next = await this.store.claim(this.holder.id, this.leaseMs, (owner) => leaseHolderIsGone(owner, this.store.location));
      if (!next) {
        await this.wakeAtNextExpiry();
        return;
      }
      await this.run(next.job, next.stopRequested);
    }
  }

  /**
   * With nothing to claim, wakes when another runner's lease would run out (taken over if not renewed), and in any
   * case within POLL_MS: a job queued by another process (a node of the cluster) reaches this runner only by
   * looking — enqueue() kicks the runner of its own process alone.
   */
  private async wakeAtNextExpiry(): Promise<void> {
    const next = await this.store.nextLeaseExpiry();
    const poll = Math.min(POLL_MS, this.leaseMs);
    this.wakeIn(next === null ? poll : Math.min(poll, next - Date.now() + 20));
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

  private async run(job: JobRow, stopRequested: boolean): Promise<void> {
    const store = this.store;
    const holder = this.holder.id;
    const controller = new AbortController();
    const running: RunningJob = { id: job.id, controller, stopAsked: stopRequested };
    this.current = running;
    /** Set when another runner took the job over: this one must stop and write nothing more to it. */
    let leaseLost = false;
    const loseLease = () => {
      leaseLost = true;
      controller.abort();
    };
    const renew = async () => {
      const lease = await store.renewLease(job.id, holder, this.leaseMs);
      if (!lease) loseLease();
      else if (lease.stopRequested) {
        running.stopAsked = true;
        this.startStopGrace(running);
      }
    };
    const renewTimer = setInterval(() => renew().catch((err) => this.onError(err)), Math.max(1, Math.floor(this.leaseMs / 3)));
    renewTimer.unref();

    // The handler's writes, in order; the first that fails stops the job, which then fails.
    let writes: Promise<void> = Promise.resolve();
    let writeError: unknown = null;
    const write = (apply: () => Promise<void>) => {
      writes = writes.then(async () => {
        if (leaseLost || writeError) return;
        try {
          await apply();
        } catch (err) {
          writeError = err;
          controller.abort();
        }
      });
    };
    let progress = job.progress;
    const save = () => {
      const saved = progress;
      write(async () => {
        if (!(await store.saveProgress(job.id, holder, saved))) loseLease();
      });
    };
    const ctx: JobContext = {
      job,
      signal: controller.signal,
      log: (level, message) => {
        if (!leaseLost) write(() => store.appendLog(job.id, level, message));
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
      stopped: () => controller.signal.aborted || running.stopAsked,
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
        error = isKnownFailure(err) ? (err as Error).message : 'The job failed unexpectedly. See the server log.';
        if (!isKnownFailure(err)) this.onError(err);
      }
    } finally {
      await writes;
      // A runner frozen past its lease may only now learn that the job was taken over.
      if (!leaseLost) {
        try {
          await renew();
        } catch (err) {
          this.onError(err);
        }
      }
      clearInterval(renewTimer);
      clearTimeout(running.graceTimer);
      this.current = null;
    }
    if (leaseLost) return; // another runner has the job now: its outcome is theirs to write
    if (writeError && status !== 'running') {
      // Its progress could not be saved (the database refused): the job fails rather than report work it did not record.
      this.onError(writeError);
      status = 'failed';
      error = 'The job failed unexpectedly. See the server log.';
      writeError = null;
    }
    if (status === 'running') {
      // Released, not expired: the next start takes it over at once.
      await store.releaseLease(job.id, holder);
      return;
    }
    if (status === 'stopped') ctx.log('warn', 'Stopped by the admin. Finished work is kept; start again to continue.');
    if (error) ctx.log('error', error);
    if (status === 'done') ctx.progress({ phase: 'Finished' });
    await writes;
    if (leaseLost) return;
    await store.finish(job.id, holder, status, error);
  }
}
