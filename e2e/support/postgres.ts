// PostgreSQL for tests: a private cluster in a temporary folder on a free port (started by the test runner,
// e2e/support/run-tests.ts), and one fresh database per test on it or on DOCENT_TEST_DATABASE_URL.
// Debian keeps the server's binaries off PATH (/usr/lib/postgresql/<major>/bin), and PostgreSQL refuses to run as
// root: as root the cluster belongs to, and runs as, the `postgres` user Debian's package creates.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';

export interface PrivateCluster {
  /** postgres://postgres@127.0.0.1:PORT/postgres — a superuser, trusted without a password. */
  url: string;
  /** Stops the server (fast shutdown: open connections are cut) and deletes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

export interface TestDatabase {
  url: string;
  /** Drops the database, cutting connections a test left open. */
  drop(): Promise<void>;
}

export type BinariesLookup = { dir: string } | { reason: string };

export interface BinariesLookupOptions {
  /** The pg_config to ask first; a name looked up on PATH. */
  pgConfig?: string;
  /** Where Debian installs each major version's server binaries, in <libDir>/<major>/bin. */
  libDir?: string;
}

const SERVER_BINARIES = ['initdb', 'pg_ctl'];
const OS_USER = 'postgres';
const START_ATTEMPTS = 3;

function holdsServerBinaries(dir: string): boolean {
  return SERVER_BINARIES.every((name) => existsSync(path.join(dir, name)));
}

/**
 * The folder holding initdb and pg_ctl: what `pg_config --bindir` answers when it holds them (libpq-dev's pg_config
 * answers even without the server installed), else the highest major version under /usr/lib/postgresql.
 */
export function findPostgresBinaries(options: BinariesLookupOptions = {}): BinariesLookup {
  const pgConfig = options.pgConfig ?? 'pg_config';
  const libDir = options.libDir ?? '/usr/lib/postgresql';
  let pgConfigAnswer: string;
  try {
    const dir = execFileSync(pgConfig, ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
    if (holdsServerBinaries(dir)) return { dir };
    pgConfigAnswer = `${pgConfig} --bindir answers ${dir}, which has no initdb and pg_ctl`;
  } catch {
    pgConfigAnswer = `no working ${pgConfig} on PATH`;
  }
  let majors: string[] = [];
  try {
    majors = readdirSync(libDir).filter((name) => /^\d+(\.\d+)?$/.test(name));
  } catch {}
  majors.sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  for (const major of majors) {
    const dir = path.join(libDir, major, 'bin');
    if (holdsServerBinaries(dir)) return { dir };
  }
  return { reason: `PostgreSQL's server binaries (initdb, pg_ctl) were not found: ${pgConfigAnswer}, and no ${libDir}/<version>/bin holds them` };
}

/** Who runs the server: null for the current user, or `postgres` when we are root. */
type RunAs = { user: null } | { user: string; uid: number; gid: number };

function serverUser(): RunAs | { reason: string } {
  if (process.getuid?.() !== 0) return { user: null };
  const id = (flag: string) => spawnSync('id', [flag, OS_USER], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) {
    return { reason: `PostgreSQL refuses to run as root, and there is no '${OS_USER}' user to run it as (Debian's postgresql package creates it)` };
  }
  if (spawnSync('runuser', ['--version'], { stdio: 'ignore' }).error) {
    return { reason: `PostgreSQL refuses to run as root, and runuser (util-linux) is missing to run it as '${OS_USER}'` };
  }
  return { user: OS_USER, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

interface ClusterPlan {
  binaries: string;
  runAs: RunAs;
}

/** What startPrivateCluster needs, or why it cannot run on this machine (then the PostgreSQL tests are skipped). */
export function privateClusterPlan(): ClusterPlan | { reason: string } {
  const binaries = findPostgresBinaries();
  if ('reason' in binaries) return binaries;
  const runAs = serverUser();
  if ('reason' in runAs) return runAs;
  return { binaries: binaries.dir, runAs };
}

/** Runs one of PostgreSQL's programs, as the postgres user when we are root; throws with its output when it fails. */
function runServerProgram(plan: ClusterPlan, program: string, args: string[], cwd: string): void {
  const file = path.join(plan.binaries, program);
  const [command, commandArgs] = plan.runAs.user ? ['runuser', ['-u', plan.runAs.user, '--', file, ...args]] : [file, args];
  // cwd: the postgres user may not be allowed into ours (e.g. /root).
  const result = spawnSync(command, commandArgs, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw new Error(`${program} could not run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${program} failed (exit ${result.status}): ${`${result.stderr}\n${result.stdout}`.trim()}`);
}

function logTail(logFile: string, lines = 20): string {
  try {
    return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

/** A single-quoted shell word: pg_ctl hands -o to the server through /bin/sh. */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Starts a throwaway PostgreSQL server: a fresh cluster (initdb) in a temporary folder, listening on 127.0.0.1 on a
 * free port, tuned for tests (no fsync: a crash loses nothing a test needs). Throws when it cannot start, with the
 * tail of the server's log.
 */
export async function startPrivateCluster(): Promise<PrivateCluster> {
  const plan = privateClusterPlan();
  if ('reason' in plan) throw new Error(plan.reason);
  const dir = mkdtempSync(path.join(tmpdir(), 'docent-pg-'));
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  try {
    if (plan.runAs.user) chownSync(dir, plan.runAs.uid, plan.runAs.gid);
    runServerProgram(plan, 'initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'], dir);
  } catch (err) {
    removeDir();
    throw err;
  }
  // The port is free when picked but another process may take it before the server binds: then try another.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const settings = [
      'listen_addresses=127.0.0.1',
      `unix_socket_directories=${dir}`,
      'fsync=off',
      'synchronous_commit=off',
      'full_page_writes=off',
      'max_connections=300',
      'shared_buffers=256MB',
    ];
    const serverOptions = [`-p ${port}`, ...settings.map((setting) => `-c ${shellQuote(setting)}`)].join(' ');
    try {
      runServerProgram(plan, 'pg_ctl', ['start', '-w', '-t', '60', '-D', dataDir, '-l', logFile, '-o', serverOptions], dir);
    } catch (err) {
      const log = logTail(logFile);
      if (attempt < START_ATTEMPTS && /could not bind|address already in use/i.test(log)) continue;
      // pg_ctl may give up waiting on a server that does start later: make sure it is gone before deleting its folder.
      try {
        runServerProgram(plan, 'pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w'], dir);
      } catch {}
      removeDir();
      throw new Error(`The private PostgreSQL cluster did not start: ${(err as Error).message}\n--- server log (${logFile}):\n${log}`);
    }
    let stopped: Promise<void> | undefined;
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      stop() {
        stopped ??= (async () => {
          try {
            runServerProgram(plan, 'pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60'], dir);
          } finally {
            removeDir();
          }
        })();
        return stopped;
      },
    };
  }
}

/** The server tests use when it is given from outside (e.g. CI's own PostgreSQL), else null. The runner sets it too. */
export function testDatabaseBaseUrl(): string | null {
  return process.env.DOCENT_TEST_DATABASE_URL || null;
}

async function onServer<T>(baseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database on the server at baseUrl, so that no two tests share tables. */
export async function createTestDatabase(baseUrl: string): Promise<TestDatabase> {
  const name = `docent_test_${randomBytes(8).toString('hex')}`;
  await onServer(baseUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      // FORCE (PostgreSQL 13+): a pool a failed test did not close must not keep the database alive.
      await onServer(baseUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/**
 * A fresh database for a benchmark: on DOCENT_TEST_DATABASE_URL, else on a private cluster started for it; the reason
 * when neither can be had. `close()` drops the database and stops the cluster it started.
 */
export async function benchDatabase(): Promise<{ url: string; close(): Promise<void> } | string> {
  let baseUrl = testDatabaseBaseUrl();
  let cluster: PrivateCluster | null = null;
  if (!baseUrl) {
    const plan = privateClusterPlan();
    if ('reason' in plan) return plan.reason;
    cluster = await startPrivateCluster();
    baseUrl = cluster.url;
  }
  const database = await createTestDatabase(baseUrl);
  return {
    url: database.url,
    async close() {
      await database.drop();
      await cluster?.stop();
    },
  };
}
