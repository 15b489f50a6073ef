-- Vectors belong to the endpoint that made them, not only to a model id: an OpenAI-compatible server may
-- use the same id as OpenRouter for a different model, and an index must keep embedding questions through
-- its own endpoint until a rebuild for a new provider replaces it. An endpoint is 'openrouter' or the
-- base URL of an OpenAI-compatible server (the same value as settings → api → baseUrl).
ALTER TABLE vector_indexes ADD COLUMN endpoint TEXT NOT NULL DEFAULT 'openrouter';
ALTER TABLE embedding_cache ADD COLUMN endpoint TEXT NOT NULL DEFAULT 'openrouter';

-- What exists was made through the provider saved now: the only one known. (An OpenRouter install, the
-- default, needs no row rewritten: the column's default already says so.)
CREATE TEMP TABLE saved_endpoint AS
  SELECT json_extract(value, '$.baseUrl') AS base_url FROM settings
  WHERE section = 'api' AND json_extract(value, '$.provider') = 'openai-compatible' AND json_extract(value, '$.baseUrl') IS NOT NULL;
UPDATE vector_indexes SET endpoint = (SELECT base_url FROM saved_endpoint) WHERE EXISTS (SELECT 1 FROM saved_endpoint);
UPDATE embedding_cache SET endpoint = (SELECT base_url FROM saved_endpoint) WHERE EXISTS (SELECT 1 FROM saved_endpoint);
DROP TABLE saved_endpoint;

DROP INDEX embedding_cache_key;
CREATE UNIQUE INDEX embedding_cache_key ON embedding_cache (endpoint, model, text_hash);
