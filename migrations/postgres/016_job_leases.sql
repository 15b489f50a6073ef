-- Job leases (server/training/jobs.ts): a job is claimed by one runner at a time, atomically (FOR UPDATE SKIP
-- LOCKED), for a short while (lease_expires_at, unix ms) that its runner keeps renewing; a job whose node died
-- is taken over once its lease runs out.
ALTER TABLE jobs ADD COLUMN lease_owner text;
ALTER TABLE jobs ADD COLUMN lease_expires_at bigint;
ALTER TABLE jobs ADD COLUMN claims integer NOT NULL DEFAULT 0;
CREATE INDEX jobs_claimable ON jobs (status, id) WHERE status IN ('queued', 'running');
