// Backends: SQLite only (it moves an SQLite install into PostgreSQL, which it starts itself in the first pass)
// `npm run migrate-to-postgres` on a real install: trained content, a conversation with feedback, a lead and a
// saved key go from the SQLite file into an empty PostgreSQL database with every count checked; the rollups are
// copied, not counted twice; a wrong SECRET_KEY or a database already in use is refused with nothing written.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createTestApp, setupAdmin, type TestApp } from '../../e2e/support/harness.js';
import { FAKE_KEY } from '../../e2e/fakes/openrouter.js';
import { backends, freshPostgresDatabase } from '../../e2e/support/store-backends.js';
import { PROJECT_ROOT } from '../paths.js';
import { openPool } from '../stores/postgres/database.js';

const postgres = backends().find((b) => b.name === 'postgres')!;
const ORIGIN = 'https://shop.example.com';

function migrateToPostgres(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'server/cli/migrate-to-postgres.ts')], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('npm run migrate-to-postgres', { skip: postgres.skip }, () => {
  let install: TestApp;
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let secretKey: string;

  before(async () => {
    install = await createTestApp();
    const { app } = install;
    const admin = await setupAdmin(app);
    await admin.request('PUT', '/api/admin/settings/api', { provider: 'openrouter', apiKey: FAKE_KEY, model: 'openai/gpt-5.4-mini', reasoningEnabled: false });
    await admin.request('GET', '/api/admin/models');
    await admin.request('POST', '/api/admin/training/text', {
      title: 'Warranty',
      text: 'Every Acme widget has a two-year warranty.',
      url: `${ORIGIN}/warranty`,
    });
    await admin.request('POST', '/api/admin/training/text', { question: 'How long does shipping take?', answer: 'Three to five business days.' });
    await admin.request('POST', '/api/admin/training/start');
    await app.training.runner.idle();
    for (const message of ['How long is the warranty?', 'And what does it cover?']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/widget/chat',
        headers: { origin: ORIGIN },
        payload: { visitorId: 'visitor-migrating', message, conversationId: undefined },
      });
      assert.equal(res.statusCode, 200);
    }
    const answer = app.db.prepare("SELECT id FROM messages WHERE role = 'assistant' ORDER BY rowid LIMIT 1").pluck().get() as string;
    const feedback = await app.inject({
      method: 'POST',
      url: '/api/widget/feedback',
      headers: { origin: ORIGIN },
      payload: { visitorId: 'visitor-migrating', messageId: answer, value: 'down' },
    });
    assert.equal(feedback.statusCode, 204);
    await install.app.close();
    // Codes missing for some vectors (as for an index whose dimension SQLite keeps as floats): the copy encodes
    // them from the cached floats.
    const file = (await import('better-sqlite3')).default(path.join(install.dataDir, 'docent.db'));
    const codesTable = file.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'vec_codes_%'").pluck().get() as string;
    assert.ok(file.prepare(`DELETE FROM ${codesTable}`).run().changes > 0);
    file.close();
    secretKey = readFileSync(path.join(install.dataDir, 'secret.key'), 'utf8').trim();
    database = await freshPostgresDatabase(process.env.DOCENT_TEST_DATABASE_URL!);
  });
  after(async () => {
    await install.close().catch(() => {});
    await database?.drop();
  });

  it('refuses a SECRET_KEY that does not open the saved key, and writes nothing', async () => {
    const run = await migrateToPostgres({ DATA_DIR: install.dataDir, DATABASE_URL: database.url, SECRET_KEY: 'ab'.repeat(32) });
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /SECRET_KEY does not open this install's secrets \(its API key\)\. Set SECRET_KEY to the key that sealed them: the contents of .*secret\.key\./,
    );
  });

  it('copies every table and the vectors, and says the counts match', async () => {
    const run = await migrateToPostgres({ DATA_DIR: install.dataDir, DATABASE_URL: database.url, SECRET_KEY: secretKey });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /every table has as many rows in PostgreSQL as in SQLite/);
    assert.doesNotMatch(run.stdout, /MISMATCH/);

    const sqlite = (await import('better-sqlite3')).default(path.join(install.dataDir, 'docent.db'), { readonly: true });
    const pool = openPool(database.url);
    try {
      const both = async (sql: string) => [sqlite.prepare(sql).all(), (await pool.query(sql)).rows];
      for (const table of ['documents', 'chunks', 'messages', 'conversations', 'secrets', 'usage_days', 'insight_days', 'question_days', 'questions', 'jobs']) {
        const [a, b] = await both(`SELECT CAST(count(*) AS integer) AS n FROM ${table}`);
        assert.deepEqual(b, a, table);
        assert.ok((a as Array<{ n: number }>)[0].n > 0, `${table} has rows to copy`);
      }
      // Rollups copied, not counted again by the triggers: the same numbers.
      for (const sql of [
        'SELECT day, answers, answered, thumbs_up, thumbs_down FROM insight_days ORDER BY day',
        'SELECT question_id, day, asked, answered, unanswered, thumbs_down FROM question_days ORDER BY question_id, day',
      ]) {
        const [a, b] = await both(sql);
        assert.deepEqual(b, a, sql);
      }
      // Messages keep their order within a conversation; ids, texts and the sealed key are the same.
      const [a, b] = await both('SELECT id, role, text FROM messages ORDER BY conversation_id, created_at, ' + 'id');
      assert.deepEqual(b.map((m: any) => m.id).sort(), a.map((m: any) => m.id).sort());
      const order = (await pool.query('SELECT role FROM messages ORDER BY seq')).rows.map((r) => r.role);
      assert.deepEqual(order, ['user', 'assistant', 'user', 'assistant']);
      const [sealedA, sealedB] = await both("SELECT sealed FROM secrets WHERE name = 'api_key'");
      assert.deepEqual(sealedB, sealedA);
      const vectors = (await pool.query('SELECT count(*)::int AS n FROM index_vectors')).rows[0].n;
      assert.equal(vectors, sqlite.prepare('SELECT count(*) FROM chunks').pluck().get(), 'every chunk has its vector code');
      // New rows continue after the copied ids.
      const next = (await pool.query("INSERT INTO sources (kind, name) VALUES ('web', 'After the move') RETURNING id")).rows[0].id;
      assert.ok(next > (sqlite.prepare('SELECT max(id) FROM sources').pluck().get() as number));
    } finally {
      sqlite.close();
      await pool.end();
    }
  });

  it('refuses a database that already holds Docent data', async () => {
    const run = await migrateToPostgres({ DATA_DIR: install.dataDir, DATABASE_URL: database.url, SECRET_KEY: secretKey });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /The PostgreSQL database already holds Docent data \(1 rows in admin\)\. Migrate into an empty database\./);
  });
});
