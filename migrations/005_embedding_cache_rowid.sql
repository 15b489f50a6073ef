-- embedding_cache kept its 6 KB vectors in a WITHOUT ROWID b-tree, whose rows spill into overflow pages
-- in the index format. As a rowid table reached through a small unique index on its key, the vectors sit
-- in table pages: rescoring 192 search candidates reads them in about half the time (measured at 200 and
-- 20,000 vectors of 1536 dimensions). Same columns, same key, same statements.
CREATE TABLE embedding_cache_by_rowid (
  model TEXT NOT NULL,
  text_hash TEXT NOT NULL,
  dimensions INTEGER NOT NULL,
  vector BLOB NOT NULL
);
INSERT INTO embedding_cache_by_rowid (model, text_hash, dimensions, vector)
  SELECT model, text_hash, dimensions, vector FROM embedding_cache;
DROP TABLE embedding_cache;
ALTER TABLE embedding_cache_by_rowid RENAME TO embedding_cache;
CREATE UNIQUE INDEX embedding_cache_key ON embedding_cache (model, text_hash);
