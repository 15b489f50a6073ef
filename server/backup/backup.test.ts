// Database Management → Download backup: a consistent copy made while Docent runs (here: in the middle of a
// training job), that opens, passes integrity_check, and answers questions again on a server restored from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { createTestApp, setupAdmin, login, onPostgres, startDocent, TEST_PASSWORD, type AdminClient, type TestApp } from '../../e2e/support/harness.js';
import { FAKE_KEY } from '../../e2e/fakes/openrouter.js';
import { backupDir, backupFileName, copyDatabase } from './backup.js';

const API_SETTINGS = { provider: 'openrouter', apiKey: FAKE_KEY, model: 'openai/gpt-5.4-mini', fallbackModels: [], reasoningEnabled: false };
const RETURNS = {
  title: 'Returns policy',
  text: 'You can return a widget within 30 days of delivery for a full refund. Print the prepaid return label from your account.',
};
const RETURNS_QUESTION = 'How many days do I have to return a widget?';

const WORDS = (
  'shipping invoice warranty gadget sprocket account billing plan upgrade discount coupon tracking parcel courier exchange ' +
  'repair battery charger cable screen keyboard mouse printer scanner router modem firmware install license subscription'
).split(' ');

/** A long text entry: 15 headed sections of 40 words, one chunk each. */
function bulkEntry(i: number) {
  const section = (s: number) =>
    `# Part ${s} of topic ${i}\n\n${Array.from({ length: 40 }, (_, j) => WORDS[(i * 7 + s * 13 + j * j + j * i) % WORDS.length]).join(' ')}, item ${i}-${s}.`;
  return { title: `Topic ${i}`, text: Array.from({ length: 15 }, (_, s) => section(s)).join('\n\n') };
}

async function trainedApp(t: { after(fn: () => unknown): void }, options: Parameters<typeof createTestApp>[0] = {}): Promise<TestApp & { admin: AdminClient }> {
  const testApp = await createTestApp(options);
  t.after(testApp.close);
  const admin = await setupAdmin(testApp.app);
  assert.equal((await admin.request('PUT', '/api/admin/settings/api', API_SETTINGS)).statusCode, 200);
  assert.equal((await admin.request('POST', '/api/admin/training/text', RETURNS)).statusCode, 201);
  assert.equal((await admin.request('POST', '/api/admin/training/start')).statusCode, 202);
  await testApp.app.training.runner.idle();
  return { ...testApp, admin };
}

function openCopy(file: string) {
  const db = new Database(file, { readonly: true });
  sqliteVec.load(db);
  return db;
}

/** A data directory restored from a backup, as the README says: docent.db from the backup, the same secret key. */
function restoredDataDir(backup: Buffer, secretKeyFrom?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'docent-restored-'));
  writeFileSync(path.join(dir, 'docent.db'), backup);
  if (secretKeyFrom) copyFileSync(path.join(secretKeyFrom, 'secret.key'), path.join(dir, 'secret.key'));
  return dir;
}

/** The download is an SQLite file; cluster mode refuses it (server/stores/maintenance-store.test.ts) for pg_dump. */
const SQLITE_BACKUP = onPostgres() && 'the download is an SQLite file; cluster mode backs up with pg_dump';

test('a backup taken during a training job opens, passes integrity_check, and answers questions on a server restored from it', {
  skip: SQLITE_BACKUP,
}, async (t) => {
  const original = await trainedApp(t);
  const { app, fake, admin } = original;
  const vectorTable = app.db.prepare("SELECT 'vec_index_' || id FROM vector_indexes WHERE status = 'active'").pluck().get() as string;
  const vectorsBefore = app.db.prepare(`SELECT count(*) FROM ${vectorTable}`).pluck().get() as number;
  assert.equal(vectorsBefore, 1);

  // 40 entries × 15 chunks = 600 chunks, 7 embedding calls of 96 that each take 400 ms: the job is mid-way for seconds.
  for (let i = 0; i < 40; i++) assert.equal((await admin.request('POST', '/api/admin/training/text', bulkEntry(i))).statusCode, 201);
  fake.setOptions({ latencyMs: 400 });
  const jobId = (await admin.request('POST', '/api/admin/training/start')).json().job.id as number;
  const progress = async () => (await admin.request('GET', `/api/admin/training/jobs/${jobId}`)).json().job;
  const deadline = Date.now() + 30_000;
  while ((await progress()).progress.chunksDone === 0) {
    assert.ok(Date.now() < deadline, 'the job embeds its first batch');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }

  const res = await admin.request('GET', '/api/admin/backup');
  const during = await progress();
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(during.status, 'running', 'the backup was made while the job ran');
  assert.ok(during.progress.chunksDone < during.progress.chunksTotal);
  assert.equal(res.headers['content-type'], 'application/vnd.sqlite3');
  assert.match(String(res.headers['content-disposition']), /^attachment; filename="docent-backup-\d{4}-\d{2}-\d{2}-\d{4}\.db"$/);
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.equal(Number(res.headers['content-length']), res.rawPayload.length);
  assert.deepEqual(readdirSync(backupDir(original.dataDir)), [], 'the temporary copy is deleted once sent');

  const dir = mkdtempSync(path.join(tmpdir(), 'docent-backup-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'backup.db');
  writeFileSync(file, res.rawPayload);
  assert.equal(res.rawPayload[18], 1, 'a rollback-journal file: complete without a -wal file beside it');
  const copy = openCopy(file);
  try {
    assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
    // The copy is one moment of the job: some of the new chunks have vectors, not all (and not none).
    assert.equal(copy.prepare('SELECT status FROM jobs WHERE id = ?').pluck().get(jobId), 'running');
    const vectors = copy.prepare(`SELECT count(*) FROM ${vectorTable}`).pluck().get() as number;
    assert.ok(vectors > vectorsBefore && vectors < 601, `vectors in the copy: ${vectors}`);
    assert.equal(copy.prepare('SELECT count(*) FROM chunks').pluck().get(), 601);
    // The sealed API key came along, not the secret key that opens it.
    assert.equal(copy.prepare("SELECT count(*) FROM secrets WHERE name = 'provider_api_key'").pluck().get(), 1);
    assert.ok(!res.rawPayload.includes(Buffer.from(FAKE_KEY)), 'the API key is not in the file in clear');
    assert.ok(!res.rawPayload.includes(Buffer.from(readFileSync(path.join(original.dataDir, 'secret.key'), 'utf8').trim())), 'nor the secret key');
  } finally {
    copy.close();
  }

  // Restored as the README says, on the same fake provider: questions find their chunk again.
  fake.setOptions({ latencyMs: 0 });
  const restoredDir = restoredDataDir(res.rawPayload, original.dataDir);
  t.after(() => rmSync(restoredDir, { recursive: true, force: true }));
  const restored = await createTestApp({ dataDir: restoredDir, fake });
  try {
    const restoredAdmin = await login(restored.app, TEST_PASSWORD);
    const search = await restoredAdmin.request('POST', '/api/admin/training/search', { question: RETURNS_QUESTION, minMatch: 0 });
    assert.equal(search.statusCode, 200, search.body);
    assert.match(search.json().chunks[0].content, /within 30 days/);
    // The job the backup caught mid-way resumes and finishes on the restored server.
    await restored.app.training.runner.idle();
    assert.equal(restored.app.db.prepare('SELECT status FROM jobs WHERE id = ?').pluck().get(jobId), 'done');
    assert.equal(restored.app.db.prepare(`SELECT count(*) FROM ${vectorTable}`).pluck().get(), 601);
  } finally {
    await restored.close();
  }
  await app.training.runner.idle();
});

test('restored without its secret key: the API key reads as not saved, nothing fails, and entering it again brings search back', async (t) => {
  const original = await trainedApp(t);
  let restored: TestApp;
  if (onPostgres()) {
    // Cluster mode: the database restored with pg_restore, Docent started on it with another SECRET_KEY.
    await original.app.close();
    restored = await createTestApp({ dataDir: original.dataDir, env: { SECRET_KEY: randomBytes(32).toString('hex') } });
  } else {
    const res = await original.admin.request('GET', '/api/admin/backup');
    assert.equal(res.statusCode, 200);
    const dir = restoredDataDir(res.rawPayload); // no secret.key: a new one is generated
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    restored = await createTestApp({ dataDir: dir });
  }
  t.after(restored.close);
  const restoredAdmin = await login(restored.app);

  const settings = await restoredAdmin.request('GET', '/api/admin/settings/api');
  assert.equal(settings.statusCode, 200, settings.body);
  assert.deepEqual(settings.json().apiKey, { saved: false, last4: null });
  const search = await restoredAdmin.request('POST', '/api/admin/training/search', { question: RETURNS_QUESTION, minMatch: 0 });
  assert.equal(search.statusCode, 400);
  assert.equal(
    search.json().message,
    'Add your OpenRouter API key in Settings → API Configuration: the question is turned into a vector by OpenRouter before it can be searched.',
  );
  assert.equal((await restoredAdmin.request('GET', '/api/admin/training/webhook')).statusCode, 200, 'a new webhook token replaces the unreadable one');

  assert.equal((await restoredAdmin.request('PUT', '/api/admin/settings/api', API_SETTINGS)).statusCode, 200);
  const again = await restoredAdmin.request('POST', '/api/admin/training/search', { question: RETURNS_QUESTION, minMatch: 0 });
  assert.equal(again.statusCode, 200, again.body);
  assert.match(again.json().chunks[0].content, /within 30 days/);
});

test('the copy is private: made in DATA_DIR/backup-tmp (0700) as a file only its owner can read (0600)', { skip: SQLITE_BACKUP }, async (t) => {
  const testApp = await createTestApp();
  t.after(testApp.close);
  const copy = await copyDatabase(testApp.app.stores.maintenance, testApp.dataDir);
  try {
    assert.equal(path.dirname(copy.file), backupDir(testApp.dataDir));
    assert.equal(statSync(copy.file).mode & 0o777, 0o600);
    assert.equal(statSync(backupDir(testApp.dataDir)).mode & 0o777, 0o700);
  } finally {
    copy.remove();
  }
  assert.deepEqual(readdirSync(backupDir(testApp.dataDir)), []);
});

test('copies left behind by a crash are deleted at start', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'docent-test-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  mkdirSync(backupDir(dataDir), { recursive: true });
  writeFileSync(path.join(backupDir(dataDir), 'left-over.db'), 'half a copy');
  const testApp = await createTestApp({ dataDir });
  t.after(testApp.close);
  await testApp.app.ready();
  assert.deepEqual(readdirSync(backupDir(dataDir)), []);
});

test('backup file names say when the backup was made (UTC)', () => {
  assert.equal(backupFileName(new Date('2026-01-31T14:02:59.999Z')), 'docent-backup-2026-01-31-1402.db');
  assert.equal(backupFileName(new Date('2026-12-01T00:00:00Z')), 'docent-backup-2026-12-01-0000.db');
});

test('only a logged-in admin can download a backup', async (t) => {
  const testApp = await createTestApp();
  t.after(testApp.close);
  await setupAdmin(testApp.app);
  for (const url of ['/api/admin/backup', '/api/admin/backup/status']) {
    const res = await testApp.app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 401, url);
    assert.deepEqual(res.json(), { statusCode: 401, error: 'Unauthorized', message: 'Please log in.' });
  }
  const head = await testApp.app.inject({ method: 'HEAD', url: '/api/admin/backup' });
  assert.notEqual(head.statusCode, 200, 'HEAD makes no copy');
});

// ---- over real HTTP, on a database big enough that copying takes a moment -----------------------------

interface HttpAdmin {
  cookie: string;
  get(url: string, signal?: AbortSignal): Promise<Response>;
}

async function httpLogin(baseUrl: string): Promise<HttpAdmin> {
  const res = await fetch(`${baseUrl}/api/admin/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password: TEST_PASSWORD }),
  });
  assert.equal(res.status, 201);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, get: (url, signal) => fetch(`${baseUrl}${url}`, { headers: { cookie }, signal }) };
}

async function status(admin: HttpAdmin) {
  return (await (await admin.get('/api/admin/backup/status')).json()) as {
    running: { phase: string; percent: number; fileName: string } | null;
    started: number;
    last: { fileName: string; bytes: number | null; ok: boolean; message: string | null } | null;
    databaseBytes: number;
  };
}

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Downloads in another process, so the timer measures Docent's event loop alone (a client in this process
 * spends whole tens of milliseconds moving 200 MB through fetch). Returns the Content-Length.
 */
async function downloadInChildProcess(url: string, cookie: string, file: string): Promise<number> {
  const script = `const { createWriteStream } = require('node:fs'); const { Readable } = require('node:stream'); const { pipeline } = require('node:stream/promises');
    fetch(process.argv[1], { headers: { cookie: process.argv[2] } }).then(async (res) => {
      if (res.status !== 200) throw new Error('HTTP ' + res.status);
      await pipeline(Readable.fromWeb(res.body), createWriteStream(process.argv[3]));
      process.stdout.write(res.headers.get('content-length'));
    }).catch((err) => { console.error(err); process.exit(1); });`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, url, cookie, file]);
  return Number(stdout);
}

test('one backup at a time; a download cut off, or abandoned while the copy is made, leaves nothing behind; the event loop keeps answering', {
  skip: SQLITE_BACKUP,
}, async (t) => {
  const docent = await startDocent();
  t.after(docent.close);
  const admin = await httpLogin(docent.url);
  // 240 MB of content, written as Docent writes (through its connection, in WAL mode).
  docent.app.db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB)');
  const insert = docent.app.db.prepare('INSERT INTO filler (data) VALUES (randomblob(8000))');
  for (let i = 0; i < 30; i++)
    docent.app.db.transaction(() => {
      for (let j = 0; j < 1000; j++) insert.run();
    })();
  const tmpFiles = () => readdirSync(backupDir(docent.dataDir));

  // Abandoned while the copy is made: the copy stops and its file is deleted.
  const first = new AbortController();
  const abandoned = admin.get('/api/admin/backup', first.signal).catch((err: Error) => err);
  await until('the copy has started', async () => (await status(admin)).running?.phase === 'copying');
  const second = await admin.get('/api/admin/backup');
  assert.equal(second.status, 409);
  assert.deepEqual(await second.json(), {
    statusCode: 409,
    error: 'Conflict',
    message: 'A backup is being made right now. Wait for it to finish, then try again.',
  });
  first.abort();
  assert.equal(((await abandoned) as Error).name, 'AbortError');
  const afterAbandon = await until('the abandoned backup is over', async () => {
    const s = await status(admin);
    return !s.running && s;
  });
  assert.deepEqual(afterAbandon.last && { ok: afterAbandon.last.ok, message: afterAbandon.last.message }, {
    ok: false,
    message: 'The download was cancelled before the backup was ready.',
  });
  assert.equal(afterAbandon.started, 1, 'the refused request started nothing');
  await until('the abandoned copy is deleted', async () => tmpFiles().length === 0);

  // Cut off mid-download: the copy is deleted too.
  const third = new AbortController();
  const cut = await admin.get('/api/admin/backup', third.signal);
  assert.equal(cut.status, 200);
  const reader = cut.body!.getReader();
  await reader.read();
  third.abort();
  await reader.cancel().catch(() => undefined);
  const afterCut = await until('the cut-off download is over', async () => {
    const s = await status(admin);
    return !s.running && s.started === 2 && s;
  });
  assert.equal(afterCut.last?.ok, false);
  assert.equal(afterCut.last?.message, 'The download was cut off before it finished. Try again.');
  assert.deepEqual(tmpFiles(), []);

  // A whole download, while a timer measures the longest pause of Docent's event loop. The copy's writes and
  // final fsync run in a worker thread: here the longest pause is 40–80 ms; db.backup() in steps on the event
  // loop pauses it 240–280 ms at this size, and a blocking copy longer.
  const file = path.join(docent.dataDir, 'downloaded.db');
  let longestStall = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    longestStall = Math.max(longestStall, now - last);
    last = now;
  }, 1);
  let contentLength: number;
  try {
    contentLength = await downloadInChildProcess(`${docent.url}/api/admin/backup`, admin.cookie, file);
    await new Promise((resolve) => setTimeout(resolve, 20)); // a stall at the very end shows at the next tick
  } finally {
    clearInterval(ticker);
  }
  const bytes = statSync(file).size;
  assert.equal(bytes, contentLength);
  assert.ok(bytes > 240_000_000, `${bytes} bytes`);
  assert.ok(longestStall < 150, `the event loop stalled for ${Math.round(longestStall)} ms during a backup`);
  const done = await status(admin);
  assert.equal(done.running, null);
  assert.deepEqual({ ok: done.last?.ok, bytes: done.last?.bytes, message: done.last?.message }, { ok: true, bytes, message: null });
  assert.deepEqual(tmpFiles(), []);
  const copy = openCopy(file);
  try {
    assert.equal(copy.pragma('quick_check', { simple: true }), 'ok');
    assert.equal(copy.prepare('SELECT count(*) FROM filler').pluck().get(), 30_000);
  } finally {
    copy.close();
  }
});
