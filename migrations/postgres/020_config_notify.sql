-- Each node caches settings and secrets in memory (server/stores/postgres/config-store.ts): every statement that
-- changes them notifies docent_config, delivered to the listening nodes at commit, and each node empties its cache.
CREATE FUNCTION docent_config_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('docent_config', TG_TABLE_NAME);
  RETURN NULL;
END;
$$;

CREATE TRIGGER settings_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON settings
  FOR EACH STATEMENT EXECUTE FUNCTION docent_config_changed();
CREATE TRIGGER secrets_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON secrets
  FOR EACH STATEMENT EXECUTE FUNCTION docent_config_changed();
