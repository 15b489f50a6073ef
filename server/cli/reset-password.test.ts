// `npm run reset-password` run as an operator would, as a child process, against the data folder of an app
// that is running: its sessions end at once, and the password shows up nowhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestApp, login, setupAdmin, TEST_PASSWORD } from '../../e2e/support/harness.js';
import { PROJECT_ROOT } from '../paths.js';

const NEW_PASSWORD = 'reset from the shell 42';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  argv: string[];
}

/** Runs the documented command; `answer` replies to what it prints (for the terminal prompt). */
function resetPassword(
  dataDir: string,
  options: { stdin?: string; args?: string[]; tty?: (output: string, write: (text: string) => void) => void } = {},
): Promise<Run> {
  const npm = ['npm', 'run', '--silent', 'reset-password', ...(options.args?.length ? ['--', ...options.args] : [])];
  // util-linux `script` gives the command a terminal of its own, like an operator's shell.
  const [command, ...args] = options.tty ? ['script', '-qec', npm.join(' '), '/dev/null'] : npm;
  const child = spawn(command, args, { cwd: PROJECT_ROOT, env: { ...process.env, DATA_DIR: dataDir }, stdio: 'pipe' });
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
  app.db.prepare('INSERT INTO login_backoff (account_id, failures, last_failure_at, blocked_until) VALUES (1, 9, ?, ?)').run(Date.now(), Date.now() + 300_000);

  const run = await resetPassword(testApp.dataDir, { stdin: `${NEW_PASSWORD}\n` });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    run.stdout,
    `The admin password is reset (${path.join(testApp.dataDir, 'docent.db')}).\n2 browser sessions were ended: log in again with the new password.\n`,
  );
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
  const mismatch = await resetPassword(testApp.dataDir, { tty: typeTwice(NEW_PASSWORD, 'something else entirely') });
  assert.equal(mismatch.code, 1);
  assert.match(mismatch.stdout, /The two passwords do not match\. Nothing was changed\./); // script merges the terminal's output
  await login(testApp.app, TEST_PASSWORD);

  const typed = await resetPassword(testApp.dataDir, { tty: typeTwice(NEW_PASSWORD, NEW_PASSWORD) });
  assert.equal(typed.code, 0, typed.stdout);
  assert.match(typed.stdout, /^New admin password: \r\nType it again: \r\nThe admin password is reset/);
  assert.ok(!typed.stdout.includes(NEW_PASSWORD), 'nothing typed was echoed');
  await login(testApp.app, NEW_PASSWORD);
});

test('never from the command line; too short is refused; on a fresh data folder it creates the admin', async (t) => {
  const testApp = await createTestApp();
  t.after(testApp.close);
  await setupAdmin(testApp.app);
  const fromArgv = await resetPassword(testApp.dataDir, { args: [NEW_PASSWORD], stdin: `${NEW_PASSWORD}\n` });
  assert.equal(fromArgv.code, 1);
  assert.match(
    fromArgv.stderr,
    /^This command takes no arguments: a password on the command line would stay in your shell history and show in the process list\. Nothing was changed\./,
  );
  assert.ok(!fromArgv.stderr.includes(NEW_PASSWORD) && !fromArgv.stdout.includes(NEW_PASSWORD));
  const short = await resetPassword(testApp.dataDir, { stdin: 'short\n' });
  assert.equal(short.code, 1);
  assert.equal(short.stderr, 'The password must be at least 10 characters. Nothing was changed.\n');
  const empty = await resetPassword(testApp.dataDir, { stdin: '' });
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /^No password was given\. Nothing was changed\./);
  await login(testApp.app, TEST_PASSWORD);

  const fresh = mkdtempSync(path.join(tmpdir(), 'docent-reset-'));
  t.after(() => rmSync(fresh, { recursive: true, force: true }));
  const created = await resetPassword(fresh, { stdin: `${NEW_PASSWORD}\n` });
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /^Created the admin account with the new password/);
  assert.match(
    created.stdout,
    /There was no Docent database in .+ before\. If your server keeps its data elsewhere, run this again with DATA_DIR set to that folder\.\n$/,
  );
  const onFresh = await createTestApp({ dataDir: fresh, fake: testApp.fake });
  t.after(() => onFresh.app.close());
  assert.equal((await onFresh.app.inject('/api/admin/session')).json().setupRequired, false);
  await login(onFresh.app, NEW_PASSWORD);
});
