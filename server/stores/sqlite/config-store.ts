import type { ConfigStore } from '../config-store.js';
import { stmt, type Db } from './database.js';

export function sqliteConfigStore(db: Db): ConfigStore {
  const read = (section: string) => stmt(db, 'SELECT value FROM settings WHERE section = ?').pluck().get(section) as string | undefined;
  const write = (section: string, json: string) =>
    stmt(
      db,
      `INSERT INTO settings (section, value) VALUES (?, ?)
      ON CONFLICT (section) DO UPDATE SET value = excluded.value, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
    ).run(section, json);
  const saveSecret = (name: string, sealed: string, hint: string) =>
    stmt(
      db,
      `INSERT INTO secrets (name, sealed, hint) VALUES (?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed, hint = excluded.hint, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
    ).run(name, sealed, hint);
  const deleteSecret = (name: string) => stmt(db, 'DELETE FROM secrets WHERE name = ?').run(name);

  const update = db.transaction((section: string, change: Parameters<ConfigStore['updateSection']>[1]) => {
    const { json, secrets = [] } = change(read(section));
    write(section, json);
    for (const s of secrets) {
      if (s.sealed === null) deleteSecret(s.name);
      else saveSecret(s.name, s.sealed, s.hint ?? '');
    }
  });

  return {
    async readSection(section) {
      return read(section);
    },
    async writeSection(section, json) {
      write(section, json);
    },
    async updateSection(section, change) {
      update(section, change);
    },
    async saveSecret(name, sealed, hint) {
      saveSecret(name, sealed, hint);
    },
    async readSealedSecret(name) {
      return (stmt(db, 'SELECT sealed FROM secrets WHERE name = ?').pluck().get(name) as string | undefined) ?? null;
    },
    async secretHint(name) {
      return (stmt(db, 'SELECT hint FROM secrets WHERE name = ?').pluck().get(name) as string | undefined) ?? null;
    },
    async deleteSecret(name) {
      deleteSecret(name);
    },
  };
}
