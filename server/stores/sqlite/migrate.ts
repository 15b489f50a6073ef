// Schema changes only through numbered SQL files, each applied once, in order, inside its own
// transaction: a failing file rolls back completely and stops the start with its name.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from './database.js';

import { MIGRATIONS_DIR } from '../../paths.js';

const MIGRATION_FILE = /^(\d+)[-_].+\.sql$/;

export class MigrationError extends Error {
  constructor(
    public readonly file: string,
    cause: unknown,
  ) {
    super(`Migration ${file} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'MigrationError';
  }
}

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
}

export function readMigrations(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  const files = readdirSync(dir).filter((f) => MIGRATION_FILE.test(f));
  const migrations = files.map((name) => ({
    version: Number(MIGRATION_FILE.exec(name)![1]),
    name,
    sql: readFileSync(path.join(dir, name), 'utf8'),
  }));
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i].version === migrations[i - 1].version) {
      throw new MigrationError(migrations[i].name, `version ${migrations[i].version} is used twice`);
    }
  }
  return migrations;
}

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
