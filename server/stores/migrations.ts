// Schema changes only through numbered SQL files, each applied once, in order, inside a transaction: a failing
// file rolls back completely and stops the start with its name. SQLite's are in migrations/, PostgreSQL's in
// migrations/postgres/, with the same version numbers (migrations.test.ts checks it).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MIGRATIONS_DIR } from '../paths.js';

const MIGRATION_FILE = /^(\d+)[-_].+\.sql$/;

export const POSTGRES_MIGRATIONS_DIR = path.join(MIGRATIONS_DIR, 'postgres');

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

/** The migration files of `dir`, in version order; a version used twice is an error. */
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
