-- PostgreSQL schema for cluster mode (server/stores/postgres/). Each file here has the number of the SQLite
-- migration it matches (migrations/NNN_*.sql) and makes the same change; server/stores/migrations.test.ts fails
-- when the two version lists differ. Plain PostgreSQL 15+, no extension: PL/pgSQL ships with every server.
--
-- Conventions, chosen so both backends return the same values to the same store interfaces:
-- - times the SQLite schema keeps as ISO-8601 text stay ISO-8601 text (UTC, milliseconds, 'Z'), made by
--   docent_now(); times kept as unix milliseconds are bigint;
-- - JSON documents stay text (parsed in code, as with SQLite), so what was written is read back unchanged;
-- - integer ids are bigint identities "by default", so npm run migrate-to-postgres can copy ids as they are.

CREATE FUNCTION docent_now() RETURNS text LANGUAGE sql STABLE
  AS $$ SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

CREATE TABLE admin (
  id integer PRIMARY KEY CHECK (id = 1),
  password_hash text NOT NULL,
  created_at text NOT NULL DEFAULT docent_now(),
  password_changed_at text NOT NULL DEFAULT docent_now()
);

-- Only a hash of the session token is stored: a leaked database cannot be replayed as a login.
CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  csrf_token text NOT NULL,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  last_seen_at bigint NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Settings grouped by section ('api', 'chatbot', 'widget', …), each a JSON document validated in code.
CREATE TABLE settings (
  section text PRIMARY KEY,
  value text NOT NULL,
  updated_at text NOT NULL DEFAULT docent_now()
);

-- Secrets sealed with AES-256-GCM; `hint` is the last 4 characters shown to the admin.
CREATE TABLE secrets (
  name text PRIMARY KEY,
  sealed text NOT NULL,
  hint text NOT NULL,
  updated_at text NOT NULL DEFAULT docent_now()
);

-- Cached model catalogs ('chat', 'embedding') from the provider, refreshed daily and on demand.
CREATE TABLE model_catalog (
  kind text NOT NULL,
  provider_key text NOT NULL,
  fetched_at bigint NOT NULL,
  data text NOT NULL,
  PRIMARY KEY (kind, provider_key)
);

-- Cluster mode only (one process needs neither): request counts shared by every node, so a limit of 30 a
-- minute is 30 across the cluster; and schedules (catalog refresh, re-sync, retention, notifications) that
-- must run once across the cluster, claimed by one node for each run.
CREATE TABLE rate_limits (
  key text PRIMARY KEY,
  count integer NOT NULL,
  resets_at bigint NOT NULL   -- unix ms: the window ends, the count starts again
);
CREATE INDEX rate_limits_resets ON rate_limits (resets_at);

CREATE TABLE schedule_runs (
  name text PRIMARY KEY,
  last_run_at bigint NOT NULL,  -- unix ms the last run was claimed
  owner text NOT NULL
);
