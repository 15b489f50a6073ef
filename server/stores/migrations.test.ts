// The two schemas move in step: every SQLite migration has its PostgreSQL twin with the same version, and the
// PostgreSQL migrator applies each file once even when several nodes start together.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MIGRATIONS_DIR } from '../paths.js';
import { MigrationError, POSTGRES_MIGRATIONS_DIR, readMigrations } from './migrations.js';
import { openPool } from './postgres/database.js';
import { migrate } from './postgres/migrate.js';
import { backends, freshPostgresDatabase } from '../../e2e/support/store-backends.js';

const postgres = backends().find((b) => b.name === 'postgres')!;

it('migrations/ and migrations/postgres/ have the same versions', () => {
  const versions = (dir: string) => readMigrations(dir).map((m) => m.version);
  assert.ok(versions(MIGRATIONS_DIR).length >= 16);
  assert.deepEqual(versions(POSTGRES_MIGRATIONS_DIR), versions(MIGRATIONS_DIR));
});

describe('PostgreSQL migrations', { skip: postgres.skip }, () => {
  it('three nodes starting together: each migration is applied once, and all three see the schema', async () => {
    const database = await freshPostgresDatabase(process.env.DOCENT_TEST_DATABASE_URL!);
    const pools = [openPool(database.url), openPool(database.url), openPool(database.url)];
    try {
      const applied = await Promise.all(pools.map((pool) => migrate(pool)));
      const all = readMigrations(POSTGRES_MIGRATIONS_DIR).map((m) => m.name);
      assert.deepEqual(applied.flat().sort(), all.sort(), 'every file applied, by exactly one node');
      const { rows } = await pools[0].query('SELECT version, count(*) AS n FROM schema_migrations GROUP BY version HAVING count(*) > 1');
      assert.deepEqual(rows, []);
      for (const pool of pools) assert.equal((await pool.query("SELECT count(*) AS n FROM sources WHERE kind = 'text'")).rows[0].n, 1);
      assert.deepEqual(await migrate(pools[1]), [], 'a restart applies nothing');
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
      await database.drop();
    }
  });

  it('a failing migration is named, and nothing of its run is kept', async () => {
    const database = await freshPostgresDatabase(process.env.DOCENT_TEST_DATABASE_URL!);
    const dir = mkdtempSync(path.join(tmpdir(), 'docent-pg-migrations-'));
    const pool = openPool(database.url);
    try {
      writeFileSync(path.join(dir, '001_first.sql'), 'CREATE TABLE kept_only_if_all_pass (id integer);');
      writeFileSync(path.join(dir, '002_broken.sql'), 'CREATE TABLE broken (id integer REFERENCES nowhere (id));');
      await assert.rejects(migrate(pool, dir), (err: unknown) => err instanceof MigrationError && err.file === '002_broken.sql');
      const { rows } = await pool.query("SELECT to_regclass('kept_only_if_all_pass') AS t, to_regclass('schema_migrations') AS m");
      assert.deepEqual(rows, [{ t: null, m: null }]);
    } finally {
      await pool.end();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
