-- Rescoring looks chunks up by id only to read text_hash, the key of their cached vector: an index-only scan.
CREATE INDEX chunks_id_text_hash ON chunks (id) INCLUDE (text_hash);
