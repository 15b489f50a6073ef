import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestApp, onPostgres, setupAdmin } from '../../e2e/support/harness.js';
import { openDatabase } from '../stores/sqlite/database.js';

const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);

/** Runs `fn` with a wide-open umask, so only Docent's own chmod can make the files private. */
async function withUmask<T>(umask: number, fn: () => Promise<T>): Promise<T> {
  const previous = process.umask(umask);
  try {
    return await fn();
  } finally {
    process.umask(previous);
  }
}

test('the data folder is 0700 and the database with its -wal and -shm files 0600, whatever the umask', {
  skip: onPostgres() && 'cluster mode keeps no database file or secret.key in the data folder',
}, async (t) => {
  const parent = mkdtempSync(path.join(tmpdir(), 'docent-modes-'));
  t.after(() => rmSync(parent, { recursive: true, force: true }));
  const dataDir = path.join(parent, 'data'); // not there yet: Docent creates it
  const testApp = await withUmask(0, () => createTestApp({ dataDir }));
  t.after(testApp.close);
  // A write puts pages in the WAL and keeps the shared-memory index: both files exist now.
  await withUmask(0, () => setupAdmin(testApp.app));
  const db = path.join(dataDir, 'docent.db');
  assert.ok(existsSync(`${db}-wal`) && existsSync(`${db}-shm`), 'WAL mode keeps a -wal and a -shm file');
  assert.deepEqual(
    { dir: mode(dataDir), db: mode(db), wal: mode(`${db}-wal`), shm: mode(`${db}-shm`), key: mode(path.join(dataDir, 'secret.key')) },
    { dir: '700', db: '600', wal: '600', shm: '600', key: '600' },
  );
});

test('an install made before this rule (0755 folder, 0644 files) is tightened at start', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'docent-modes-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const file = path.join(dataDir, 'docent.db');
  await withUmask(0o022, async () => {
    const old = openDatabase(file);
    old.exec('CREATE TABLE kept (x); INSERT INTO kept VALUES (1)');
    old.close();
  });
  chmodSync(dataDir, 0o755);
  chmodSync(file, 0o644);
  writeFileSync(`${file}-shm`, Buffer.alloc(0));
  chmodSync(`${file}-shm`, 0o644);

  const db = openDatabase(file);
  t.after(() => db.close());
  assert.deepEqual({ dir: mode(dataDir), db: mode(file), shm: mode(`${file}-shm`) }, { dir: '700', db: '600', shm: '600' });
  assert.equal(db.prepare('SELECT x FROM kept').pluck().get(), 1, 'the data is untouched');
});

test('the secret key folder is private even when the database lives elsewhere', async (t) => {
  const parent = mkdtempSync(path.join(tmpdir(), 'docent-modes-'));
  t.after(() => rmSync(parent, { recursive: true, force: true }));
  const { loadSecretKey } = await import('./secret-box.js');
  const dataDir = path.join(parent, 'nested', 'data');
  mkdirSync(path.dirname(dataDir));
  await withUmask(0, async () => loadSecretKey(dataDir));
  assert.deepEqual({ dir: mode(dataDir), key: mode(path.join(dataDir, 'secret.key')) }, { dir: '700', key: '600' });
});
