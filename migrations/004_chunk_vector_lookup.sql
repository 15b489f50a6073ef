-- Rescoring looks chunks up by id only to read text_hash, the key of their cached vector. text_hash is
-- stored after the chunk's large text columns, so a table lookup reads overflow pages; this covering
-- index answers it directly (measured ~25% faster rescoring at 30k chunks).
CREATE INDEX chunks_id_text_hash ON chunks (id, text_hash);
