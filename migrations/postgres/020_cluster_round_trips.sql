-- What a visitor's question costs PostgreSQL, made smaller (chat bench at 200 concurrent).
--
-- Each node caches what every question reads and an admin seldom changes (listener.ts's NotifiedCache): settings
-- and secrets (server/stores/postgres/config-store.ts) and which vector index is active (vector-store.ts). Every
-- statement that changes those rows notifies a channel, delivered to the listening nodes at commit, and each node
-- empties that cache.
CREATE FUNCTION docent_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(TG_ARGV[0], TG_TABLE_NAME);
  RETURN NULL;
END;
$$;

CREATE TRIGGER settings_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON settings
  FOR EACH STATEMENT EXECUTE FUNCTION docent_notify_change('docent_config');
CREATE TRIGGER secrets_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON secrets
  FOR EACH STATEMENT EXECUTE FUNCTION docent_notify_change('docent_config');
CREATE TRIGGER vector_indexes_listed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON vector_indexes
  FOR EACH STATEMENT EXECUTE FUNCTION docent_notify_change('docent_indexes');

-- Rate-limit counters live a minute: they need no WAL, and no fsync at every question (about 1.5 ms here). After a
-- crash of PostgreSQL the table comes back empty, which only forgives that minute's counts.
ALTER TABLE rate_limits SET UNLOGGED;
