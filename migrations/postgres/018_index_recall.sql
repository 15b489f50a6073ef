-- The measured recall of a vector index (server/training/index-recall.ts). One row per index, replaced by each
-- measurement, gone with the index.
CREATE TABLE index_recall (
  index_id bigint PRIMARY KEY REFERENCES vector_indexes (id) ON DELETE CASCADE,
  recall double precision NOT NULL,
  k integer NOT NULL,
  sample_size integer NOT NULL,
  index_size integer NOT NULL,
  measured_at text NOT NULL DEFAULT docent_now()
);
