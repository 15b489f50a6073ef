-- Vectors belong to the endpoint that made them, not only to a model id: an OpenAI-compatible server may
-- use the same id as OpenRouter for a different model. An endpoint is 'openrouter' or the base URL of an
-- OpenAI-compatible server (the same value as settings → api → baseUrl). A PostgreSQL install starts empty or
-- from npm run migrate-to-postgres, which copies the endpoints: no rows to rewrite here.
ALTER TABLE vector_indexes ADD COLUMN endpoint text NOT NULL DEFAULT 'openrouter';
ALTER TABLE embedding_cache ADD COLUMN endpoint text NOT NULL DEFAULT 'openrouter';
DROP INDEX embedding_cache_key;
CREATE UNIQUE INDEX embedding_cache_key ON embedding_cache (endpoint, model, text_hash);
