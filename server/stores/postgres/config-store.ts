import type { ConfigStore, SecretWrite } from '../config-store.js';
import { type Pool, type Queryable, row, transaction } from './database.js';
import type { PostgresListener } from './listener.js';
import { lockUntilCommit } from './locks.js';

/** Notified by triggers on settings and secrets (migration 020) at every commit that changes them. */
export const CONFIG_CHANNEL = 'docent_config';
const MAX_AGE_MS = 15_000;

/**
 * Settings and secrets, cached in memory while this node hears of every change to them: a visitor's question reads
 * about ten of them, each a round trip to PostgreSQL, and they change a few times a day. Any change, on any node,
 * empties the cache (NOTIFY docent_config, sent at commit; this node's own writes empty it at once as well). While
 * the LISTEN connection is down, nothing is cached and every read goes to the database. A connection that died
 * without a word is noticed late (TCP keepalive): a value is read again after MAX_AGE_MS whatever happens.
 */
export function postgresConfigStore(pool: Pool, listener: PostgresListener): ConfigStore {
  const store = uncachedConfigStore(pool);
  const cache = new Map<string, { value: unknown; at: number }>();
  // Bumped by every change: a read that saw a change happen while it ran does not keep its (maybe older) value.
  let generation = 0;
  const forget = () => {
    generation++;
    cache.clear();
  };
  listener.subscribe(CONFIG_CHANNEL, { notify: forget, lost: forget, restored: forget });
  const cached =
    <T>(kind: string, read: (name: string) => Promise<T>) =>
    async (name: string): Promise<T> => {
      const key = `${kind}:${name}`;
      const hit = cache.get(key);
      if (hit && performance.now() - hit.at < MAX_AGE_MS) return hit.value as T;
      void listener.start();
      const before = generation;
      const listening = listener.listening;
      const at = performance.now();
      const value = await read(name);
      if (listening && listener.listening && generation === before) cache.set(key, { value, at });
      return value;
    };
  const thenForget =
    <A extends unknown[]>(write: (...args: A) => Promise<void>) =>
    async (...args: A): Promise<void> => {
      try {
        await write(...args);
      } finally {
        forget();
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
