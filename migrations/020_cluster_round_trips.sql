-- Nothing to change in SQLite: PostgreSQL's 020 makes settings, secrets and vector_indexes notify the nodes that
-- cache them, and keeps its rate-limit counters out of the WAL. One process owns a SQLite file (its reads of those
-- take microseconds, nothing is cached) and keeps its rate limits in memory.
SELECT 1;
