// The PostgreSQL test harness itself: each test gets its own database, and the private cluster the runner
// starts goes away without a trace. Uses DOCENT_TEST_DATABASE_URL, which e2e/support/run-tests.ts sets.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import pg from 'pg';
import { createTestDatabase, findPostgresBinaries, privateClusterPlan, startPrivateCluster, testDatabaseBaseUrl } from './postgres.js';

const baseUrl = testDatabaseBaseUrl();
const noServer = baseUrl ? false : 'no PostgreSQL: DOCENT_TEST_DATABASE_URL is not set (npm test sets it when PostgreSQL is installed)';

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

const databaseExists = async (name: string) =>
  (await query<{ n: number }>(baseUrl!, 'SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [name]))[0].n === 1;
const databaseName = (url: string) => new URL(url).pathname.slice(1);

describe('test databases', { skip: noServer }, () => {
  test('a new test database accepts queries, and drop() removes it even with a connection left open', async () => {
    const db = await createTestDatabase(baseUrl!);
    const name = databaseName(db.url);
    assert.match(name, /^docent_test_[0-9a-f]{16}$/);
    const forgotten = new pg.Client({ connectionString: db.url });
    try {
      assert.deepEqual(await query(db.url, 'SELECT 1 AS one'), [{ one: 1 }]);
      assert.deepEqual(await query(db.url, 'SELECT current_database() AS name'), [{ name }]);
      assert.equal(await databaseExists(name), true);
      forgotten.on('error', () => {}); // DROP … WITH (FORCE) ends it
      await forgotten.connect();
    } finally {
      await db.drop();
    }
    assert.equal(await databaseExists(name), false);
    await forgotten.end().catch(() => {});
  });

  test('two test databases are distinct: a table made in one is not in the other', async () => {
    const [first, second] = [await createTestDatabase(baseUrl!), await createTestDatabase(baseUrl!)];
    try {
      assert.notEqual(databaseName(first.url), databaseName(second.url));
      await query(first.url, 'CREATE TABLE only_here (id int)');
      const tables = (url: string) => query<{ n: number }>(url, "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'only_here'");
      assert.deepEqual(await tables(first.url), [{ n: 1 }]);
      assert.deepEqual(await tables(second.url), [{ n: 0 }]);
    } finally {
      await first.drop();
      await second.drop();
    }
  });
});

describe('finding PostgreSQL', () => {
  test('the binary finder returns a folder with initdb and pg_ctl, or says why there is none', () => {
    const found = findPostgresBinaries();
    if ('dir' in found) {
      assert.ok(existsSync(path.join(found.dir, 'initdb')), `${found.dir} has no initdb`);
      assert.ok(existsSync(path.join(found.dir, 'pg_ctl')), `${found.dir} has no pg_ctl`);
    } else {
      assert.match(found.reason, /initdb/);
    }
  });

  test('without pg_config or /usr/lib/postgresql/<version>/bin, the reason names both places looked at', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'docent-no-pg-'));
    try {
      const found = findPostgresBinaries({ pgConfig: 'docent-no-such-pg-config', libDir: empty });
      assert.ok('reason' in found, `found ${JSON.stringify(found)}`);
      assert.match(found.reason, /docent-no-such-pg-config/);
      assert.ok(found.reason.includes(empty), found.reason);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

const plan = privateClusterPlan();
describe('the private cluster', { skip: 'reason' in plan ? plan.reason : false }, () => {
  test('serves on 127.0.0.1, and stop() ends the server and deletes its folder', async () => {
    const cluster = await startPrivateCluster();
    let dataDir: string;
    try {
      assert.match(cluster.url, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      const [row] = await query<{ dir: string; fsync: string }>(
        cluster.url,
        "SELECT current_setting('data_directory') AS dir, current_setting('fsync') AS fsync",
      );
      dataDir = row.dir;
      assert.equal(row.fsync, 'off');
      assert.ok(existsSync(dataDir));
    } finally {
      await cluster.stop();
    }
    assert.equal(existsSync(dataDir), false, 'the cluster folder is left behind');
    await assert.rejects(query(cluster.url, 'SELECT 1'), /ECONNREFUSED/);
    await cluster.stop(); // twice is harmless
  });
});
