-- The single admin account (one row), browser sessions, settings and sealed secrets.
CREATE TABLE admin (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  password_changed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

-- Only a hash of the session token is stored: a leaked database file cannot be replayed as a login.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Settings grouped by section ('api', 'chatbot', 'widget', …), each a JSON document validated in code.
CREATE TABLE settings (
  section TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

-- Secrets sealed with AES-256-GCM; `hint` is the last 4 characters shown to the admin.
CREATE TABLE secrets (
  name TEXT PRIMARY KEY,
  sealed TEXT NOT NULL,
  hint TEXT NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

-- Cached model catalogs ('chat', 'embedding') from the provider, refreshed daily and on demand.
CREATE TABLE model_catalog (
  kind TEXT NOT NULL,
  provider_key TEXT NOT NULL,
  fetched_at INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (kind, provider_key)
);
