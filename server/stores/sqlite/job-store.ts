import { EMPTY_JOB_PROGRESS, type JobLogLine, type JobRow, type JobStore, type LastSync } from '../job-store.js';
import { stmt, type Db } from './database.js';

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

export function sqliteJobStore(db: Db): JobStore {
  const getJob = (id: number): JobRow | null => {
    const r = stmt(db, 'SELECT * FROM jobs WHERE id = ?').get(id) as Record<string, any> | undefined;
    return r ? toRow(r) : null;
  };
  const appendLog = (jobId: number, level: string, message: string) =>
    stmt(db, 'INSERT INTO job_log (job_id, level, message) VALUES (?, ?, ?)').run(jobId, level, message);

  const enqueue = db.transaction((kind: string, json: string): JobRow => {
    const same = stmt(db, "SELECT id FROM jobs WHERE kind = ? AND params = ? AND status = 'queued'").pluck().get(kind, json) as number | undefined;
    const id = same ?? Number(stmt(db, "INSERT INTO jobs (kind, status, params) VALUES (?, 'queued', ?)").run(kind, json).lastInsertRowid);
    return getJob(id)!;
  });

  const requestStop = db.transaction((id: number): boolean => {
    const changed = stmt(db, "UPDATE jobs SET stop_requested = 1 WHERE id = ? AND status IN ('queued', 'running')").run(id).changes === 1;
    if (changed) stmt(db, "UPDATE jobs SET status = 'stopped', finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ? AND status = 'queued'").run(id);
    return changed;
  });

  /** Leases whose holder is provably gone end now rather than when they run out. */
  const releaseLeasesOfGoneHolders = (holder: string, holderIsGone: (holder: string) => boolean): void => {
    const held = stmt(
      db,
      "SELECT id, lease_owner FROM jobs WHERE status = 'running' AND lease_owner IS NOT NULL AND lease_owner != ? AND lease_expires_at > ?",
    ).all(holder, Date.now()) as Array<{ id: number; lease_owner: string }>;
    for (const job of held) {
      if (holderIsGone(job.lease_owner))
        stmt(db, 'UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ?').run(job.id, job.lease_owner);
    }
  };

  // One write transaction claims (taken at once, BEGIN IMMEDIATE, not upgraded from a read): two runners, in this
  // process or another, can never both get a job.
  const claim = db.transaction((holder: string, leaseMs: number, holderIsGone: (holder: string) => boolean) => {
    releaseLeasesOfGoneHolders(holder, holderIsGone);
    const now = Date.now();
    const r = stmt(
      db,
      `UPDATE jobs SET status = 'running', lease_owner = @holder, lease_expires_at = @expires, claims = claims + 1,
        started_at = coalesce(started_at, strftime('%Y-%m-%dT%H:%M:%fZ','now'))
      WHERE id = (SELECT id FROM jobs WHERE status = 'queued' OR (status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at <= @now)) ORDER BY id LIMIT 1)
      RETURNING *`,
    ).get({ holder, expires: now + leaseMs, now }) as Record<string, any> | undefined;
    if (!r) return null;
    if (r.claims > 1) appendLog(r.id, 'info', 'Resuming after a restart.');
    return { job: toRow(r), stopRequested: r.stop_requested === 1 };
  });

  return {
    location: db.name,
    async enqueue(kind, params) {
      return enqueue.immediate(kind, JSON.stringify(params));
    },
    async getJob(jobId) {
      return getJob(jobId);
    },
    async recentJobs(limit) {
      return (stmt(db, 'SELECT * FROM jobs ORDER BY id DESC LIMIT ?').all(limit) as Record<string, any>[]).map(toRow);
    },
    async activeJob() {
      const r = stmt(db, "SELECT * FROM jobs WHERE status IN ('running', 'queued') ORDER BY status = 'running' DESC, id LIMIT 1").get() as
        | Record<string, any>
        | undefined;
      return r ? toRow(r) : null;
    },
    async jobLog(jobId, afterLineId, limit) {
      return stmt(db, 'SELECT id, at, level, message FROM job_log WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?').all(
        jobId,
        afterLineId,
        limit,
      ) as JobLogLine[];
    },
    async appendLog(jobId, level, message) {
      appendLog(jobId, level, message);
    },
    async lastFinished(kinds) {
      const r = stmt(
        db,
        'SELECT status, finished_at AS finishedAt FROM jobs WHERE kind IN (SELECT value FROM json_each(?)) AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1',
      ).get(JSON.stringify(kinds)) as { status: JobRow['status']; finishedAt: string } | undefined;
      return r ?? null;
    },
    async lastSyncs() {
      const rows = stmt(
        db,
        `SELECT j.id, j.status, CAST(json_extract(j.params, '$.sourceId') AS INTEGER) AS sourceId,
        coalesce(json_extract(j.progress, '$.errors'), 0) AS failures,
        (SELECT message FROM job_log l WHERE l.job_id = j.id AND l.level = 'warn' ORDER BY l.id LIMIT 1) AS firstProblem
      FROM jobs j WHERE j.id IN (SELECT max(id) FROM jobs WHERE kind = 'sync' AND status IN ('done', 'failed') GROUP BY json_extract(params, '$.sourceId'))`,
      ).all() as Array<LastSync & { id: number; sourceId: number }>;
      return new Map(rows.map((r) => [r.sourceId, { jobId: r.id, status: r.status, failures: r.failures, firstProblem: r.firstProblem }]));
    },
    async requestStop(jobId) {
      return requestStop.immediate(jobId);
    },
    async claim(holder, leaseMs, holderIsGone) {
      return claim.immediate(holder, leaseMs, holderIsGone);
    },
    async renewLease(jobId, holder, leaseMs) {
      const r = stmt(db, "UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND lease_owner = ? AND status = 'running' RETURNING stop_requested").get(
        Date.now() + leaseMs,
        jobId,
        holder,
      ) as { stop_requested: number } | undefined;
      return r ? { stopRequested: r.stop_requested === 1 } : null;
    },
    async saveProgress(jobId, holder, progress) {
      return stmt(db, 'UPDATE jobs SET progress = ? WHERE id = ? AND lease_owner = ?').run(JSON.stringify(progress), jobId, holder).changes === 1;
    },
    async releaseLease(jobId, holder) {
      stmt(db, 'UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ?').run(jobId, holder);
    },
    async finish(jobId, holder, status, error) {
      stmt(
        db,
        `UPDATE jobs SET status = ?, error = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), lease_owner = NULL, lease_expires_at = NULL
      WHERE id = ? AND lease_owner = ?`,
      ).run(status, error, jobId, holder);
    },
    async nextLeaseExpiry() {
      return stmt(db, "SELECT min(lease_expires_at) FROM jobs WHERE status = 'running' AND lease_expires_at IS NOT NULL").pluck().get() as number | null;
    },
  };
}
