-- Nothing to change in SQLite: PostgreSQL's 020 makes settings, secrets and vector_indexes notify the nodes that
-- cache them. One process owns a SQLite file, and its reads of them take microseconds, so nothing is cached here.
SELECT 1;
