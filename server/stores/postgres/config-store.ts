import type { ConfigStore, SecretWrite } from '../config-store.js';
import { type Pool, type Queryable, row, transaction } from './database.js';
import { lockUntilCommit } from './locks.js';

export function postgresConfigStore(pool: Pool): ConfigStore {
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
