// `npm run reset-password` run as an operator would, as a child process, against the data folder of an app
// that is running: its sessions end at once, and the password shows up nowhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createTestApp, login, onPostgres, setupAdmin, TEST_PASSWORD } from '../../e2e/support/harness.js';
import { createTestDatabase, testDatabaseBaseUrl } from '../../e2e/support/postgres.js';
import { PROJECT_ROOT } from '../paths.js';

const NEW_PASSWORD = 'reset from the shell 42';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  argv: string[];
}

/** What the operator sets for the command, as the server has it: DATA_DIR, and in cluster mode the database and key. */
function serverEnv(app: FastifyInstance): Record<string, string> {
  const { dataDir, databaseUrl, secretKeyHex } = app.config;
  return { DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl, SECRET_KEY: secretKeyHex! } : {}) };
}

/** Where the command says it reset the password: the SQLite file, or PostgreSQL in cluster mode. */
const whereReset = (app: FastifyInstance) => (app.config.databaseUrl ? 'PostgreSQL' : app.config.databasePath);

/** Runs the documented command; `answer` replies to what it prints (for the terminal prompt). */
function resetPassword(
  env: Record<string, string>,
  options: { stdin?: string; args?: string[]; tty?: (output: string, write: (text: string) => void) => void } = {},
): Promise<Run> {
  const npm = ['npm', 'run', '--silent', 'reset-password', ...(options.args?.length ? ['--', ...options.args] : [])];
  // util-linux `script` gives the command a terminal of its own, like an operator's shell.
  const [command, ...args] = options.tty ? ['script', '-qec', npm.join(' '), '/dev/null'] : npm;
  const child = spawn(command, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    options.tty?.(stdout, (text) => child.stdin.write(text));
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  if (!options.tty) child.stdin.end(options.stdin ?? '');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`reset-password did not finish: ${stdout} ${stderr}`));
    }, 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, argv: child.spawnargs });
    });
  });
}

test('reset from the shell while Docent runs: every session ends, the new password logs in, and it appears nowhere', async (t) => {
  const testApp = await createTestApp();
  t.after(testApp.close);
  const { app } = testApp;
  const browser = await setupAdmin(app);
  const phone = await login(app);
  await app.stores.auth.updateLoginFailures(() => ({ failures: 9, lastFailureAt: Date.now(), blockedUntil: Date.now() + 300_000 }));

  const run = await resetPassword(serverEnv(app), { stdin: `${NEW_PASSWORD}\n` });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, `The admin password is reset (${whereReset(app)}).\n2 browser sessions were ended: log in again with the new password.\n`);
  assert.equal(run.stderr, '');

  for (const session of [browser, phone]) assert.equal((await session.request('GET', '/api/admin/settings/api')).statusCode, 401);
  const old = await app.inject({ method: 'POST', url: '/api/admin/login', payload: { password: TEST_PASSWORD } });
  assert.equal(old.statusCode, 401);
  // The reset also lifted the block guessers had put on logins.
  await login(app, NEW_PASSWORD);

  for (const text of [run.stdout, run.stderr, testApp.logs(), run.argv.join(' ')])
    assert.ok(!text.includes(NEW_PASSWORD), 'the password is never printed, logged or passed as an argument');
});

test('at a terminal: a prompt that does not echo, typed twice; a mismatch changes nothing', async (t) => {
  const testApp = await createTestApp();
  t.after(testApp.close);
  await setupAdmin(testApp.app);
  const typeTwice = (first: string, second: string) => {
    let step = 0;
    return (output: string, write: (text: string) => void) => {
      if (step === 0 && output.includes('New admin password: ')) {
        step = 1;
        write(`${first}\r`);
      }
      if (step === 1 && output.includes('Type it again: ')) {
        step = 2;
        write(`${second}\r`);
      }
    };
  };
  const mismatch = await resetPassword(serverEnv(testApp.app), { tty: typeTwice(NEW_PASSWORD, 'something else entirely') });
  assert.equal(mismatch.code, 1);
  assert.match(mismatch.stdout, /The two passwords do not match\. Nothing was changed\./); // script merges the terminal's output
  await login(testApp.app, TEST_PASSWORD);

  const typed = await resetPassword(serverEnv(testApp.app), { tty: typeTwice(NEW_PASSWORD, NEW_PASSWORD) });
  assert.equal(typed.code, 0, typed.stdout);
  assert.match(typed.stdout, /^New admin password: \r\nType it again: \r\nThe admin password is reset/);
  assert.ok(!typed.stdout.includes(NEW_PASSWORD), 'nothing typed was echoed');
  await login(testApp.app, NEW_PASSWORD);
});

test('never from the command line; too short is refused; on a fresh data folder it creates the admin', async (t) => {
  const testApp = await createTestApp();
  t.after(testApp.close);
  await setupAdmin(testApp.app);
  const fromArgv = await resetPassword(serverEnv(testApp.app), { args: [NEW_PASSWORD], stdin: `${NEW_PASSWORD}\n` });
  assert.equal(fromArgv.code, 1);
  assert.match(
    fromArgv.stderr,
    /^This command takes no arguments: a password on the command line would stay in your shell history and show in the process list\. Nothing was changed\./,
  );
  assert.ok(!fromArgv.stderr.includes(NEW_PASSWORD) && !fromArgv.stdout.includes(NEW_PASSWORD));
  const short = await resetPassword(serverEnv(testApp.app), { stdin: 'short\n' });
  assert.equal(short.code, 1);
  assert.equal(short.stderr, 'The password must be at least 10 characters. Nothing was changed.\n');
  const empty = await resetPassword(serverEnv(testApp.app), { stdin: '' });
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /^No password was given\. Nothing was changed\./);
  await login(testApp.app, TEST_PASSWORD);

  const fresh = mkdtempSync(path.join(tmpdir(), 'docent-reset-'));
  t.after(() => rmSync(fresh, { recursive: true, force: true }));
  // Cluster mode: a new, empty PostgreSQL database (the command creates Docent's tables in it).
  const freshDatabase = onPostgres() ? await createTestDatabase(testDatabaseBaseUrl()!) : null;
  const freshEnv: Record<string, string> = freshDatabase
    ? { DATA_DIR: fresh, DATABASE_URL: freshDatabase.url, SECRET_KEY: testApp.app.config.secretKeyHex! }
    : { DATA_DIR: fresh };
  const created = await resetPassword(freshEnv, { stdin: `${NEW_PASSWORD}\n` });
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /^Created the admin account with the new password/);
  if (freshDatabase) assert.match(created.stdout, /\(PostgreSQL\)\.\nThere were no sessions to end\. Log in with the new password\.\n$/);
  else
    assert.match(
      created.stdout,
      /There was no Docent database in .+ before\. If your server keeps its data elsewhere, run this again with DATA_DIR set to that folder\.\n$/,
    );
  const onFresh = await createTestApp({ dataDir: fresh, fake: testApp.fake, env: freshDatabase ? freshEnv : {} });
  t.after(() => onFresh.app.close());
  if (freshDatabase) t.after(() => freshDatabase.drop()); // after the app's pool is closed (hooks run in order)
  assert.equal((await onFresh.app.inject('/api/admin/session')).json().setupRequired, false);
  await login(onFresh.app, NEW_PASSWORD);
});
