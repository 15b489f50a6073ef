import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readdirSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from './database.js';
import { migrate } from './migrate.js';
import { MigrationError } from '../migrations.js';
import { MIGRATIONS_DIR } from '../../paths.js';
import { createTestApp } from '../../../e2e/support/harness.js';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'docent-migrate-'));

test('migrations apply in numeric order, each once, and are recorded', () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, '10_second.sql'), "INSERT INTO log VALUES ('second');");
  writeFileSync(path.join(dir, '2_first.sql'), "CREATE TABLE log (step TEXT); INSERT INTO log VALUES ('first');");
  writeFileSync(path.join(dir, 'notes.txt'), 'not a migration');
  const db = openDatabase(path.join(tempDir(), 'x.db'));
  assert.deepEqual(migrate(db, dir), ['2_first.sql', '10_second.sql']);
  assert.deepEqual(migrate(db, dir), [], 'a second start applies nothing');
  assert.deepEqual(db.prepare('SELECT step FROM log').pluck().all(), ['first', 'second']);
  assert.deepEqual(db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all(), [
    { version: 2, name: '2_first.sql' },
    { version: 10, name: '10_second.sql' },
  ]);
  db.close();
});

test('a failing migration rolls back entirely, names the file, and stops the start', async () => {
  const dir = tempDir();
  for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql'))) copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
  writeFileSync(path.join(dir, '900_broken.sql'), 'CREATE TABLE half_done (id INTEGER);\nINSERT INTO no_such_table VALUES (1);');
  const dataDir = tempDir();
  await assert.rejects(createTestApp({ dataDir, buildOptions: { migrationsDir: dir } }), (err: unknown) => {
    assert.ok(err instanceof MigrationError);
    assert.equal(err.file, '900_broken.sql');
    assert.equal(err.message, 'Migration 900_broken.sql failed: no such table: no_such_table');
    return true;
  });
  const db = openDatabase(path.join(dataDir, 'docent.db'));
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
  assert.ok(!tables.includes('half_done'), 'the failed migration left nothing behind');
  assert.ok(tables.includes('settings'), 'earlier migrations stay applied');
  assert.equal(db.prepare('SELECT count(*) FROM schema_migrations WHERE version = 900').pluck().get(), 0);
  db.close();
});

test('duplicate version numbers are refused', () => {
  const dir = tempDir();
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, '1_a.sql'), 'SELECT 1;');
  writeFileSync(path.join(dir, '01_b.sql'), 'SELECT 1;');
  const db = openDatabase(':memory:');
  assert.throws(() => migrate(db, dir), /version 1 is used twice/);
});

test('the database runs in WAL mode with sqlite-vec loaded', () => {
  const db = openDatabase(path.join(tempDir(), 'w.db'));
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.match(String(db.prepare('SELECT vec_version()').pluck().get()), /^v0\.1\./);
  db.close();
});

test('006: indexes and cached vectors made before it belong to the provider saved at the time', () => {
  const upTo5 = tempDir();
  for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => Number(f.split('_')[0]) <= 5)) copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(upTo5, f));
  const endpointsAfter006 = (api: object | null) => {
    const db = openDatabase(path.join(tempDir(), 'e.db'));
    migrate(db, upTo5);
    if (api) db.prepare("INSERT INTO settings (section, value) VALUES ('api', ?)").run(JSON.stringify(api));
    db.prepare("INSERT INTO vector_indexes (model, dimensions, status) VALUES ('nomic-embed-text', 768, 'active')").run();
    db.prepare("INSERT INTO embedding_cache (model, text_hash, dimensions, vector) VALUES ('nomic-embed-text', 'h1', 1, x'0000803f')").run();
    assert.equal(migrate(db)[0], '006_embedding_endpoint.sql', 'later migrations follow it');
    const endpoints = [db.prepare('SELECT endpoint FROM vector_indexes').pluck().get(), db.prepare('SELECT endpoint FROM embedding_cache').pluck().get()];
    db.close();
    return endpoints;
  };
  assert.deepEqual(endpointsAfter006({ provider: 'openai-compatible', baseUrl: 'http://localhost:11434/v1' }), [
    'http://localhost:11434/v1',
    'http://localhost:11434/v1',
  ]);
  assert.deepEqual(endpointsAfter006({ provider: 'openrouter', baseUrl: null }), ['openrouter', 'openrouter']);
  assert.deepEqual(endpointsAfter006(null), ['openrouter', 'openrouter']);
});
