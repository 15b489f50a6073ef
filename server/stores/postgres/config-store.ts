import type { ConfigStore, SecretWrite } from '../config-store.js';
import { type Pool, type Queryable, row, transaction } from './database.js';
import { NotifiedCache, type PostgresListener } from './listener.js';
import { lockUntilCommit } from './locks.js';

/** Notified by triggers on settings and secrets (migration 020) at every commit that changes them. */
export const CONFIG_CHANNEL = 'docent_config';

/**
 * Settings and secrets, cached per node (listener.ts's NotifiedCache): a visitor's question reads about ten of them,
 * each a round trip to PostgreSQL, and they change a few times a day.
 */
export function postgresConfigStore(pool: Pool, listener: PostgresListener): ConfigStore {
  const store = uncachedConfigStore(pool);
  const cache = new NotifiedCache(listener, CONFIG_CHANNEL);
  const cached =
    <T>(kind: string, read: (name: string) => Promise<T>) =>
    (name: string): Promise<T> =>
      cache.read(`${kind}:${name}`, () => read(name));
  const thenForget =
    <A extends unknown[]>(write: (...args: A) => Promise<void>) =>
    async (...args: A): Promise<void> => {
      try {
        await write(...args);
      } finally {
        cache.forget();
      }
    };
  return {
    readSection: cached('section', store.readSection),
    readSealedSecret: cached('sealed', store.readSealedSecret),
    secretHint: cached('hint', store.secretHint),
    writeSection: thenForget(store.writeSection),
    updateSection: thenForget(store.updateSection),
    saveSecret: thenForget(store.saveSecret),
    deleteSecret: thenForget(store.deleteSecret),
  };
}

function uncachedConfigStore(pool: Pool): ConfigStore {
  const write = (db: Queryable, section: string, json: string) =>
    db.query(
      `INSERT INTO settings (section, value) VALUES ($1, $2)
      ON CONFLICT (section) DO UPDATE SET value = excluded.value, updated_at = docent_now()`,
      [section, json],
    );
  const saveSecret = (db: Queryable, name: string, sealed: string, hint: string) =>
    db.query(
      `INSERT INTO secrets (name, sealed, hint) VALUES ($1, $2, $3)
      ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed, hint = excluded.hint, updated_at = docent_now()`,
      [name, sealed, hint],
    );
  const writeSecret = (db: Queryable, s: SecretWrite) =>
    s.sealed === null ? db.query('DELETE FROM secrets WHERE name = $1', [s.name]) : saveSecret(db, s.name, s.sealed, s.hint ?? '');
  const secretColumn = async (column: 'sealed' | 'hint', name: string) =>
    (await row<{ value: string }>(pool, `SELECT ${column} AS value FROM secrets WHERE name = $1`, [name]))?.value ?? null;

  return {
    async readSection(section) {
      return (await row<{ value: string }>(pool, 'SELECT value FROM settings WHERE section = $1', [section]))?.value;
    },
    async writeSection(section, json) {
      await write(pool, section, json);
    },
    async updateSection(section, change) {
      await transaction(pool, async (client) => {
        // Two nodes changing a section never saved before would both read "none" (FOR UPDATE locks no row):
        // the section's name is locked first, then its row against plain writes.
        await lockUntilCommit(client, `settings:${section}`);
        const stored = await row<{ value: string }>(client, 'SELECT value FROM settings WHERE section = $1 FOR UPDATE', [section]);
        const { json, secrets = [] } = change(stored?.value);
        await write(client, section, json);
        for (const secret of secrets) await writeSecret(client, secret);
      });
    },
    async saveSecret(name, sealed, hint) {
      await saveSecret(pool, name, sealed, hint);
    },
    async readSealedSecret(name) {
      return secretColumn('sealed', name);
    },
    async secretHint(name) {
      return secretColumn('hint', name);
    },
    async deleteSecret(name) {
      await pool.query('DELETE FROM secrets WHERE name = $1', [name]);
    },
  };
}
