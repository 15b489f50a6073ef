// Applies migrations/ to the SQLite file, each file in its own transaction (see ../migrations.ts).
import type { Db } from './database.js';
import { MIGRATIONS_DIR } from '../../paths.js';
import { MigrationError, readMigrations } from '../migrations.js';

/** Applies pending migrations; returns the names applied now. */
export function migrate(db: Db, dir: string = MIGRATIONS_DIR): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))`);
  const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  const record = db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)');
  const done: string[] = [];
  for (const m of readMigrations(dir)) {
    if (applied.has(m.version)) continue;
    try {
      db.transaction(() => {
        db.exec(m.sql);
        record.run(m.version, m.name);
      })();
    } catch (err) {
      throw new MigrationError(m.name, err);
    }
    done.push(m.name);
  }
  return done;
}
