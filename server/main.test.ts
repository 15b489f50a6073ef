import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildServer, startArguments } from '../e2e/support/production.js';
import { freePort } from '../e2e/support/free-port.js';

// What `npm start` runs, from another working directory (a service manager may start it anywhere).
before(() => buildServer());

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, startArguments(), { cwd: tmpdir(), env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // A failed assertion must not leave the server running (the test run would never end).
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { child, exited, output: () => output };
}

test('a bad setting stops the start with a message naming the variable', async () => {
  const run = start({ PORT: 'abc', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'docent-main-')) });
  assert.equal(await run.exited, 1);
  assert.match(run.output(), /Docent cannot start\. Invalid configuration:\n {2}- PORT must be a number/);
});

test('the built server starts, migrates, serves the API, admin screens and widget, reads uploads in its extraction processes, keeps its data private, and stops cleanly on SIGTERM', async () => {
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'docent-main-')), 'data'); // created by Docent
  const port = await freePort();
  const run = start({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir });
  let health: Response | undefined;
  for (let i = 0; i < 100 && !health?.ok; i++) {
    await new Promise((r) => setTimeout(r, 100));
    health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
  }
  assert.deepEqual(await health!.json(), { status: 'ok' });
  const admin = await fetch(`http://127.0.0.1:${port}/admin/`);
  assert.equal(admin.status, 200);
  assert.match(await admin.text(), /<div id="app"/);
  const widget = await fetch(`http://127.0.0.1:${port}/widget.js`);
  assert.equal(widget.status, 200);
  assert.match(widget.headers.get('content-type') ?? '', /javascript/);
  // The API reads the migrated database: a fresh install asks for its admin account.
  assert.deepEqual(await (await fetch(`http://127.0.0.1:${port}/api/admin/session`)).json(), { setupRequired: true, authenticated: false, csrfToken: null });
  // Only Docent's user may read the data: folder 0700, key, database and its WAL files 0600.
  const mode = (name: string) => (statSync(path.join(dataDir, name)).mode & 0o777).toString(8);
  assert.deepEqual(['.', 'secret.key', 'docent.db', 'docent.db-wal', 'docent.db-shm'].map(mode), ['700', '600', '600', '600', '600']);
  // Files are read by extraction processes running the compiled worker.
  const setup = await fetch(`http://127.0.0.1:${port}/api/admin/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password: 'correct horse battery' }),
  });
  const cookie = setup.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('docent_session='))!;
  const form = new FormData();
  form.append('files', new Blob(['# Returns\n\nReturns are free within 30 days.']), 'returns.md');
  const upload = await fetch(`http://127.0.0.1:${port}/api/admin/training/files`, {
    method: 'POST',
    body: form,
    headers: { cookie, 'x-csrf-token': (await setup.json()).csrfToken },
  });
  assert.deepEqual(
    (await upload.json()).results.map((r: { fileName: string; ok: boolean; chunks: number }) => [r.fileName, r.ok, r.chunks]),
    [['returns.md', true, 1]],
  );
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0);
  await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'no longer listening');
});
