-- Content sources shown as cards on Data Training. kind: text (Text & Q&A), files, web, wordpress.
CREATE TABLE sources (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('text', 'files', 'web', 'wordpress')),
  name TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  config TEXT NOT NULL DEFAULT '{}',
  schedule TEXT NOT NULL DEFAULT 'off' CHECK (schedule IN ('off', 'daily', 'weekly')),
  last_synced_at TEXT,
  last_error TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
INSERT INTO sources (kind, name) VALUES ('text', 'Text & Q&A'), ('files', 'Files');

-- One row per page, file, post or Q&A entry; `content` is the extracted text, hashed to detect edits.
CREATE TABLE documents (
  id INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  source_key TEXT NOT NULL,
  title TEXT NOT NULL,
  url TEXT,
  kind TEXT NOT NULL DEFAULT 'page',
  content TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  token_count INTEGER NOT NULL DEFAULT 0,
  modified_at TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  UNIQUE (source_id, source_key)
);
CREATE INDEX documents_url ON documents (url);

-- Chunks are independent of the embedding model; vectors live per index (see vector_indexes).
CREATE TABLE chunks (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  text TEXT NOT NULL,
  content TEXT NOT NULL,
  heading_path TEXT NOT NULL DEFAULT '',
  token_count INTEGER NOT NULL,
  text_hash TEXT NOT NULL,
  UNIQUE (document_id, position)
);
CREATE INDEX chunks_text_hash ON chunks (text_hash);

CREATE VIRTUAL TABLE chunks_fts USING fts5 (text, content = 'chunks', content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
  INSERT INTO chunks_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
  INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

-- Every vector ever paid for, keyed by (model, text hash): the same text is never embedded twice.
-- Float32 little-endian; also the exact vectors used to rescore the binary-quantized coarse search.
CREATE TABLE embedding_cache (
  model TEXT NOT NULL,
  text_hash TEXT NOT NULL,
  dimensions INTEGER NOT NULL,
  vector BLOB NOT NULL,
  PRIMARY KEY (model, text_hash)
) WITHOUT ROWID;

-- A vector index per embedding model. One is 'active' (answers searches); a 'building' one is filled in
-- the background after a model change and swapped in atomically. Its vec0 table, vec_index_<id>, is
-- created by code because its dimension is only known from the model's first response.
CREATE TABLE vector_indexes (
  id INTEGER PRIMARY KEY,
  model TEXT NOT NULL,
  dimensions INTEGER,
  status TEXT NOT NULL CHECK (status IN ('building', 'active', 'retired')),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  activated_at TEXT
);
CREATE UNIQUE INDEX vector_indexes_one_active ON vector_indexes (status) WHERE status = 'active';
CREATE UNIQUE INDEX vector_indexes_one_building ON vector_indexes (status) WHERE status = 'building';

-- Background jobs survive restarts: a job found 'running' at start is resumed.
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('train', 'sync', 'reindex')),
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'stopped')),
  params TEXT NOT NULL DEFAULT '{}',
  progress TEXT NOT NULL DEFAULT '{}',
  error TEXT,
  stop_requested INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  started_at TEXT,
  finished_at TEXT
);
CREATE TABLE job_log (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  level TEXT NOT NULL CHECK (level IN ('info', 'warn', 'error')),
  message TEXT NOT NULL
);
CREATE INDEX job_log_job ON job_log (job_id, id);
