-- Visitor conversations. visitor_hash is a keyed hash of the widget's visitor id (the raw id is never stored).
CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  visitor_hash TEXT NOT NULL,
  origin TEXT,
  channel TEXT NOT NULL DEFAULT 'widget' CHECK (channel IN ('widget', 'playground')),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX conversations_visitor ON conversations (visitor_hash, updated_at);
CREATE INDEX conversations_created ON conversations (created_at);

CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
  text TEXT NOT NULL,
  -- assistant only: [{title, url}] shown to the visitor, and the chunks used (admin only)
  sources TEXT NOT NULL DEFAULT '[]',
  retrieved TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL DEFAULT 'complete' CHECK (status IN ('complete', 'stopped', 'error', 'no_answer', 'links_only')),
  error TEXT,
  model TEXT,
  prompt_tokens INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  reasoning_tokens INTEGER NOT NULL DEFAULT 0,
  cost REAL NOT NULL DEFAULT 0,
  latency_ms INTEGER,
  first_token_ms INTEGER,
  feedback TEXT CHECK (feedback IN ('up', 'down')),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX messages_conversation ON messages (conversation_id, created_at);
CREATE INDEX messages_created ON messages (created_at);

-- Problems the admin must see (invalid key, no credits…), de-duplicated by kind while unresolved.
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  message TEXT NOT NULL,
  count INTEGER NOT NULL DEFAULT 1,
  first_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  last_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  resolved_at TEXT
);
CREATE UNIQUE INDEX alerts_open_kind ON alerts (kind) WHERE resolved_at IS NULL;
