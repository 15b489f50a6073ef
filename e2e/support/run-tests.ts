// The test runner behind `npm test` (after lint, build and typecheck): runs every *.test.ts under server/, e2e/,
// widget/ and admin-ui/ with `node --test`, one file at a time, with PostgreSQL available for the tests that use it.
//
// PostgreSQL: DOCENT_TEST_DATABASE_URL when set (a server where tests may create and drop databases), else a
// private cluster this runner starts in a temporary folder and stops at the end (also on Ctrl-C or SIGTERM). When
// PostgreSQL's binaries are missing, the PostgreSQL half is skipped, and the first and last line of output say why.
//
// Two passes: every file on SQLite (store tests and the cluster tests use PostgreSQL themselves), then the
// server's feature tests again with DOCENT_TEST_BACKEND=postgres, each app on a fresh PostgreSQL database. A file
// whose first lines say `// Backends: SQLite only (why)` is left out of the second pass; server/stores/ and
// server/cluster/ choose their backends in their own tests already.
//
// DOCENT_TEST_FILES="a.test.ts b.test.ts" (spaces or commas) runs only those files, e.g. to check the runner itself.
// Arguments go to `node --test` before the files: `npm test -- --test-name-pattern=widget`.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../server/paths.js';
import { type PrivateCluster, privateClusterPlan, startPrivateCluster, testDatabaseBaseUrl } from './postgres.js';

const TEST_ROOTS = ['server', 'e2e', 'widget', 'admin-ui'];
/** How long the tests get to end after a forwarded Ctrl-C or SIGTERM before they are killed. */
const STOP_GRACE_MS = 15_000;

/** What `find server e2e widget admin-ui -name '*.test.ts' -not -path '*\/node_modules/*' | sort` lists, in byte order. */
function allTestFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true })) {
      const relative = `${dir}/${entry.name}`;
      if (entry.name === 'node_modules') continue;
      if (entry.name.endsWith('.test.ts')) files.push(relative);
      if (entry.isDirectory()) walk(relative);
    }
  };
  for (const root of TEST_ROOTS) walk(root);
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function testFiles(): string[] {
  const chosen = process.env.DOCENT_TEST_FILES?.trim();
  return chosen ? chosen.split(/[\s,]+/) : allTestFiles();
}

/** The second pass: the server's feature tests, on PostgreSQL. */
function postgresPassFiles(files: string[]): string[] {
  return files.filter(
    (file) =>
      file.startsWith('server/') &&
      !file.startsWith('server/stores/') &&
      !file.startsWith('server/cluster/') &&
      !/^\/\/ Backends: SQLite only/m.test(readFileSync(path.join(PROJECT_ROOT, file), 'utf8').split('\n').slice(0, 12).join('\n')),
  );
}

let cluster: PrivateCluster | undefined;
let tests: ChildProcess | undefined;
let stopSignal: NodeJS.Signals | undefined;
let skippedLine: string | undefined;

async function stopCluster(): Promise<void> {
  try {
    await cluster?.stop();
  } catch (err) {
    console.error(`The private PostgreSQL cluster did not stop cleanly: ${(err as Error).message}`);
  }
}

async function finish(code: number): Promise<never> {
  await stopCluster();
  if (skippedLine) console.log(skippedLine);
  process.exit(code);
}

function onStopSignal(signal: NodeJS.Signals): void {
  if (stopSignal) return;
  stopSignal = signal;
  // Ctrl-C reaches the tests too (same process group); SIGTERM sent to this runner alone must be passed on.
  if (tests && tests.exitCode === null && tests.signalCode === null) {
    tests.kill(signal);
    setTimeout(() => tests?.kill('SIGKILL'), STOP_GRACE_MS).unref();
  }
  // Without tests running yet, main() sees stopSignal once the cluster's start returns.
}
process.on('SIGINT', onStopSignal);
process.on('SIGTERM', onStopSignal);

async function main(): Promise<void> {
  let databaseUrl = testDatabaseBaseUrl();
  if (databaseUrl) {
    console.log('PostgreSQL: the server at DOCENT_TEST_DATABASE_URL');
  } else {
    const plan = privateClusterPlan();
    if ('reason' in plan) {
      skippedLine = `PostgreSQL half skipped: ${plan.reason} (install Debian's postgresql, or set DOCENT_TEST_DATABASE_URL)`;
      console.log(skippedLine);
    } else {
      try {
        cluster = await startPrivateCluster();
      } catch (err) {
        if (stopSignal) return finish(128 + constants.signals[stopSignal]);
        console.error(
          `${(err as Error).message}\n(PostgreSQL's binaries are installed but its private cluster failed: fix that, or set DOCENT_TEST_DATABASE_URL)`,
        );
        return finish(1);
      }
      databaseUrl = cluster.url;
      console.log(`PostgreSQL: a private cluster at ${databaseUrl} (${plan.binaries})`);
    }
  }
  if (stopSignal) return finish(128 + constants.signals[stopSignal]);

  const env = { ...process.env };
  if (databaseUrl) env.DOCENT_TEST_DATABASE_URL = databaseUrl;
  else delete env.DOCENT_TEST_DATABASE_URL;
  const files = testFiles();
  const run = (passFiles: string[], passEnv: NodeJS.ProcessEnv) => {
    // A test stuck for 10 minutes fails rather than holding CI to its limit, and a file whose tests are done exits
    // even if something it opened (a pool, a listener) would keep it alive.
    const args = ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=600000', '--test-force-exit', ...process.argv.slice(2), ...passFiles];
    tests = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env: passEnv, stdio: 'inherit' });
    return new Promise<number>((resolve) => {
      tests!.once('error', (err) => {
        console.error(`The tests could not start: ${err.message}`);
        resolve(1);
      });
      tests!.once('exit', (exitCode, signal) => resolve(exitCode ?? 128 + (signal ? constants.signals[signal] : 0)));
    });
  };
  let code = await run(files, env);
  const second = databaseUrl ? postgresPassFiles(files) : [];
  if (second.length && !stopSignal) {
    console.log(`\n--- the server's feature tests again, on PostgreSQL (${second.length} files)\n`);
    code = Math.max(code, await run(second, { ...env, DOCENT_TEST_BACKEND: 'postgres' }));
  }
  return finish(code);
}

main().catch(async (err) => {
  console.error(err);
  await finish(1);
});
