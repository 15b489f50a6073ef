-- Job leases (server/training/jobs.ts): a job is claimed by one runner at a time, atomically, for a short
-- while (lease_expires_at, in milliseconds since 1970) that its runner keeps renewing while it works. A job
-- left 'running' by a process that died is taken over once its lease runs out (or at once when the new
-- process can tell the holder is gone), instead of every running job being re-queued at start: the same
-- rule holds when several processes share the database.
ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
ALTER TABLE jobs ADD COLUMN lease_expires_at INTEGER;
-- How many times the job was claimed: more than once means it was interrupted and taken over.
ALTER TABLE jobs ADD COLUMN claims INTEGER NOT NULL DEFAULT 0;
-- Jobs left running by a version without leases were claimed once and have no holder: claimable at once.
UPDATE jobs SET claims = 1 WHERE status = 'running';
