// Jobs on PostgreSQL: the same queue, logs and leases as the SQLite store, shared by every node. Leases are
// timed by the database's clock (one clock for the whole cluster, whatever each node's says), and at most one
// job runs across the cluster at a time, as in a single Docent process: a claim while another job runs under a
// live lease gets nothing; the job is taken over once its lease runs out (or its holder is proved gone).
import { EMPTY_JOB_PROGRESS, type ClaimedJob, type JobLogLine, type JobRow, type JobStore, type LastSync } from '../job-store.js';
import { type Pool, row, rows, transaction } from './database.js';

/** The database's clock in unix milliseconds (clock_timestamp: the moment of the statement, not of BEGIN). */
const NOW_MS = '(extract(epoch FROM clock_timestamp()) * 1000)::bigint';

/**
 * Claims and enqueues hold this transaction-scoped advisory lock: two nodes claiming at once are serialized, so
 * the second sees the first's running job (row locks alone would let each take a different queued job), and two
 * nodes queueing the same job make one. Any fixed 64-bit number, the same on every node: "docjob".
 */
const QUEUE_LOCK = 0x646f636a6f62;

function toRow(r: Record<string, any>): JobRow {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    params: JSON.parse(r.params),
    progress: { ...EMPTY_JOB_PROGRESS, ...JSON.parse(r.progress) },
    error: r.error,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

/** Where the jobs are kept, without credentials: lease holders are alive or gone for one such place. */
function locationOf(pool: Pool): string {
  const options = pool.options;
  if (options.connectionString) {
    const url = new URL(options.connectionString);
    return `postgres://${url.host}${url.pathname}`;
  }
  return `postgres://${options.host ?? 'localhost'}:${options.port ?? 5432}/${options.database ?? ''}`;
}

export function postgresJobStore(pool: Pool): JobStore {
  const getJob = async (id: number): Promise<JobRow | null> => {
    const r = await row<Record<string, any>>(pool, 'SELECT * FROM jobs WHERE id = $1', [id]);
    return r ? toRow(r) : null;
  };

  return {
    location: locationOf(pool),

    async enqueue(kind, params) {
      const json = JSON.stringify(params);
      return transaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [QUEUE_LOCK]);
        const same = await row<Record<string, any>>(client, "SELECT * FROM jobs WHERE kind = $1 AND params = $2 AND status = 'queued' ORDER BY id LIMIT 1", [
          kind,
          json,
        ]);
        if (same) return toRow(same);
        return toRow((await row<Record<string, any>>(client, "INSERT INTO jobs (kind, status, params) VALUES ($1, 'queued', $2) RETURNING *", [kind, json]))!);
      });
    },
    async getJob(jobId) {
      return getJob(jobId);
    },
    async recentJobs(limit) {
      return (await rows<Record<string, any>>(pool, 'SELECT * FROM jobs ORDER BY id DESC LIMIT $1', [limit])).map(toRow);
    },
    async activeJob() {
      const r = await row<Record<string, any>>(pool, "SELECT * FROM jobs WHERE status IN ('running', 'queued') ORDER BY status = 'running' DESC, id LIMIT 1");
      return r ? toRow(r) : null;
    },
    async jobLog(jobId, afterLineId, limit) {
      return rows<JobLogLine>(pool, 'SELECT id, at, level, message FROM job_log WHERE job_id = $1 AND id > $2 ORDER BY id LIMIT $3', [
        jobId,
        afterLineId,
        limit,
      ]);
    },
    async appendLog(jobId, level, message) {
      await pool.query('INSERT INTO job_log (job_id, level, message) VALUES ($1, $2, $3)', [jobId, level, message]);
    },
    async lastFinished(kinds) {
      const r = await row<{ status: JobRow['status']; finishedAt: string }>(
        pool,
        'SELECT status, finished_at AS "finishedAt" FROM jobs WHERE kind = ANY($1::text[]) AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1',
        [kinds],
      );
      return r ?? null;
    },
    async lastSyncs() {
      // params and progress are JSON text (as in SQLite); a sync's params hold its sourceId.
      const found = await rows<LastSync & { id: number; sourceId: number }>(
        pool,
        `SELECT j.id, j.status, (j.params::jsonb ->> 'sourceId')::bigint AS "sourceId",
        coalesce((j.progress::jsonb ->> 'errors')::numeric, 0) AS failures,
        (SELECT message FROM job_log l WHERE l.job_id = j.id AND l.level = 'warn' ORDER BY l.id LIMIT 1) AS "firstProblem"
      FROM jobs j WHERE j.id IN (SELECT max(id) FROM jobs WHERE kind = 'sync' AND status IN ('done', 'failed') GROUP BY params::jsonb -> 'sourceId')`,
      );
      return new Map(found.map((r) => [r.sourceId, { jobId: r.id, status: r.status, failures: r.failures, firstProblem: r.firstProblem }]));
    },

    async requestStop(jobId) {
      // One statement: a claim racing with it either sees the job stopped or has it running with the request
      // (the row lock makes this UPDATE re-read the row the claim wrote).
      const stopped = await row(
        pool,
        `UPDATE jobs SET stop_requested = 1,
        finished_at = CASE WHEN status = 'queued' THEN docent_now() ELSE finished_at END,
        status = CASE WHEN status = 'queued' THEN 'stopped' ELSE status END
      WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
        [jobId],
      );
      return stopped !== undefined;
    },

    async claim(holder, leaseMs, holderIsGone): Promise<ClaimedJob | null> {
      return transaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [QUEUE_LOCK]);
        // The running jobs, locked: a late renewal by a holder whose lease ran out waits for this claim.
        const running = await rows<{ id: number; lease_owner: string | null; live: boolean }>(
          client,
          `SELECT id, lease_owner, lease_owner IS NOT NULL AND lease_expires_at > ${NOW_MS} AS live
        FROM jobs WHERE status = 'running' ORDER BY id FOR UPDATE`,
        );
        // Leases whose holder is provably gone (a process on this machine that no longer exists) end now.
        for (const job of running) {
          if (job.live && job.lease_owner !== holder && holderIsGone(job.lease_owner!)) {
            await client.query('UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1', [job.id]);
            job.live = false;
          }
        }
        // One job at a time across the cluster: a job held under a live lease is left to its holder.
        if (running.some((job) => job.live)) return null;
        // A running job whose lease was released or ran out is resumed before anything queued is started.
        let id: number | undefined = running[0]?.id;
        if (id === undefined) {
          const queued = await row<{ id: number }>(client, "SELECT id FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED");
          id = queued?.id;
        }
        if (id === undefined) return null;
        const r = (await row<Record<string, any>>(
          client,
          `UPDATE jobs SET status = 'running', lease_owner = $2, lease_expires_at = ${NOW_MS} + $3, claims = claims + 1,
          started_at = coalesce(started_at, docent_now())
        WHERE id = $1 RETURNING *`,
          [id, holder, leaseMs],
        ))!;
        if (r.claims > 1) await client.query("INSERT INTO job_log (job_id, level, message) VALUES ($1, 'info', 'Resuming after a restart.')", [r.id]);
        return { job: toRow(r), stopRequested: r.stop_requested === 1 };
      });
    },
    async renewLease(jobId, holder, leaseMs) {
      const r = await row<{ stop_requested: number }>(
        pool,
        `UPDATE jobs SET lease_expires_at = ${NOW_MS} + $3 WHERE id = $1 AND lease_owner = $2 AND status = 'running' RETURNING stop_requested`,
        [jobId, holder, leaseMs],
      );
      return r ? { stopRequested: r.stop_requested === 1 } : null;
    },
    async saveProgress(jobId, holder, progress) {
      const saved = await pool.query('UPDATE jobs SET progress = $3 WHERE id = $1 AND lease_owner = $2', [jobId, holder, JSON.stringify(progress)]);
      return saved.rowCount === 1;
    },
    async releaseLease(jobId, holder) {
      await pool.query('UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2', [jobId, holder]);
    },
    async finish(jobId, holder, status, error) {
      await pool.query(
        `UPDATE jobs SET status = $3, error = $4, finished_at = docent_now(), lease_owner = NULL, lease_expires_at = NULL
      WHERE id = $1 AND lease_owner = $2`,
        [jobId, holder, status, error],
      );
    },
    async nextLeaseExpiry() {
      const r = await row<{ at: number | null }>(
        pool,
        "SELECT min(lease_expires_at) AS at FROM jobs WHERE status = 'running' AND lease_expires_at IS NOT NULL",
      );
      return r?.at ?? null;
    },
  };
}
