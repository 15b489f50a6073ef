-- The measured recall of a vector index (server/training/index-recall.ts): how many of the exact nearest
-- chunks a sample of queries gets back through the approximate search. One row per index, replaced by each
-- measurement, gone with the index (dropIndex deletes the vector_indexes row: the cascade removes this one).
CREATE TABLE index_recall (
  index_id INTEGER PRIMARY KEY REFERENCES vector_indexes (id) ON DELETE CASCADE,
  -- Share of the exact top k found, 0–1, averaged over the sample.
  recall REAL NOT NULL,
  k INTEGER NOT NULL,
  sample_size INTEGER NOT NULL,
  -- Vectors in the index when measured: the next measurement is due after a large change from this.
  index_size INTEGER NOT NULL,
  measured_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
