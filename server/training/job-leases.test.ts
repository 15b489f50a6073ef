// Backends: SQLite only (runners in child processes on a SQLite file; the PostgreSQL leases: server/stores/job-store.test.ts, e2e/cluster/)
// Job leases (jobs.ts) on real SQLite files: runners in separate processes racing for one queue never run
// the same job, and a runner that keeps renewing keeps its long job. The takeover of a job whose holder
// stops renewing (a frozen Docent) is in crash-resume.test.ts, with real embedding.
//
// This file is also the racing child process: run with LEASE_RACE_DB set, it claims jobs until none is left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type Db } from '../stores/sqlite/database.js';
import { migrate } from '../stores/sqlite/migrate.js';
import { sqliteJobStore } from '../stores/sqlite/job-store.js';
import { MIGRATIONS_DIR, PROJECT_ROOT } from '../paths.js';
import { JobRunner, type JobHandler, type JobKind } from './jobs.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CHILD_DB = process.env.LEASE_RACE_DB;

/** Each run of a job, as the runner that ran it saw it. */
const RUNS_TABLE =
  'CREATE TABLE IF NOT EXISTS lease_test_runs (job_id INTEGER NOT NULL, runner TEXT NOT NULL, started INTEGER NOT NULL, ended INTEGER NOT NULL)';

const sameHandler = (handler: JobHandler): Record<JobKind, JobHandler> => ({ train: handler, sync: handler, reindex: handler });

function recordingRunner(db: Db, name: string, workMs: number, leaseMs: number): JobRunner {
  return new JobRunner(
    sqliteJobStore(db),
    sameHandler(async (ctx) => {
      const started = Date.now();
      for (const end = started + workMs; Date.now() < end && !ctx.stopped(); ) await sleep(Math.min(20, workMs));
      db.prepare('INSERT INTO lease_test_runs (job_id, runner, started, ended) VALUES (?, ?, ?, ?)').run(ctx.job.id, name, started, Date.now());
      ctx.count({ itemsDone: 1 });
    }),
    (err) => {
      throw err;
    },
    { leaseMs },
  );
}

if (CHILD_DB) {
  // A racing runner: waits for "go" so that all children start claiming at the same moment.
  const db = openDatabase(CHILD_DB);
  const runner = recordingRunner(db, `pid ${process.pid}`, 0, 5_000);
  process.stdout.write('ready\n');
  process.stdin.once('data', async () => {
    runner.start();
    await runner.idle();
    await runner.close();
    db.close();
    process.stdin.destroy();
  });
} else {
  const migratedDatabase = (t: { after(fn: () => void): void }): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'docent-leases-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'docent.db');
    const db = openDatabase(file);
    migrate(db, MIGRATIONS_DIR);
    db.exec(RUNS_TABLE);
    db.close();
    return file;
  };

  test('runners in three processes racing for one queue run every job exactly once', async (t) => {
    const file = migratedDatabase(t);
    const db = openDatabase(file);
    t.after(() => db.close());
    const JOBS = 400;
    const insert = db.prepare("INSERT INTO jobs (kind, status, params) VALUES ('train', 'queued', ?)");
    for (let i = 0; i < JOBS; i++) insert.run(JSON.stringify({ n: i }));

    const self = fileURLToPath(import.meta.url);
    const env: NodeJS.ProcessEnv = { ...process.env, LEASE_RACE_DB: file };
    delete env.NODE_TEST_CONTEXT;
    delete env.NODE_OPTIONS;
    const children = Array.from({ length: 3 }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', self], { cwd: PROJECT_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
      let output = '';
      child.stdout!.on('data', (d) => {
        output += d;
      });
      child.stderr!.on('data', (d) => {
        output += d;
      });
      t.after(() => {
        if (child.exitCode === null) child.kill('SIGKILL');
      });
      const ready = new Promise<void>((resolve) =>
        child.stdout!.on('data', () => {
          if (output.includes('ready')) resolve();
        }),
      );
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      return { child, ready, exited, output: () => output };
    });
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.child.stdin!.write('go\n');
    const codes = await Promise.all(children.map((c) => c.exited));
    assert.deepEqual(codes, [0, 0, 0], children.map((c) => c.output()).join('\n'));

    const runs = db.prepare('SELECT job_id, runner FROM lease_test_runs ORDER BY job_id').all() as Array<{ job_id: number; runner: string }>;
    const jobIds = db.prepare('SELECT id FROM jobs ORDER BY id').pluck().all() as number[];
    assert.deepEqual(
      runs.map((r) => r.job_id),
      jobIds,
      'each job ran once: no job twice, none left out',
    );
    assert.deepEqual(db.prepare('SELECT DISTINCT status FROM jobs').pluck().all(), ['done']);
    assert.equal(
      db.prepare('SELECT count(*) FROM jobs WHERE claims != 1 OR lease_owner IS NOT NULL OR lease_expires_at IS NOT NULL').pluck().get(),
      0,
      'each claimed once, and its lease cleared when it finished',
    );
    const perRunner = new Map<string, number>();
    for (const r of runs) perRunner.set(r.runner, (perRunner.get(r.runner) ?? 0) + 1);
    assert.ok(perRunner.size >= 2, `the processes really raced: ${JSON.stringify([...perRunner])}`);
    t.diagnostic(`jobs per process: ${[...perRunner.values()].join(', ')}`);
  });

  test('a runner that keeps renewing its lease keeps a job that lasts many lease lengths; another runner waits for it', async (t) => {
    const file = migratedDatabase(t);
    const [dbA, dbB] = [openDatabase(file), openDatabase(file)];
    const LEASE_MS = 300;
    const a = recordingRunner(dbA, 'A', 6 * LEASE_MS, LEASE_MS);
    const b = recordingRunner(dbB, 'B', 10, LEASE_MS);
    t.after(async () => {
      await a.close();
      await b.close();
      dbA.close();
      dbB.close();
    });

    const job = await a.enqueue('train');
    const leaseAt = (db: Db) =>
      db.prepare('SELECT lease_owner AS owner, lease_expires_at AS expires FROM jobs WHERE id = ?').get(job.id) as {
        owner: string | null;
        expires: number | null;
      };
    const first = leaseAt(dbB);
    assert.equal(first.owner, a.holderId, 'claimed by A at once');
    // B tries to claim all along; a second job queued meanwhile is free for it.
    const tries = setInterval(() => b.start(), 25);
    t.after(() => clearInterval(tries));
    await sleep(2 * LEASE_MS);
    const renewed = leaseAt(dbB);
    assert.equal(renewed.owner, a.holderId);
    assert.ok(renewed.expires! > first.expires! + LEASE_MS / 2, `the lease was renewed: ${first.expires} → ${renewed.expires}`);
    const other = await b.enqueue('sync', { sourceId: 1 });
    await a.idle();
    clearInterval(tries);
    await b.idle();

    const runs = dbA.prepare('SELECT job_id, runner, started, ended FROM lease_test_runs ORDER BY job_id').all() as Array<{
      job_id: number;
      runner: string;
      started: number;
      ended: number;
    }>;
    assert.deepEqual(
      runs.map((r) => [r.job_id, r.runner]),
      [
        [job.id, 'A'],
        [other.id, 'B'],
      ],
      'B ran only the free job; the long one ran once, in A',
    );
    const long = runs.find((r) => r.job_id === job.id)!;
    assert.ok(long.ended - long.started >= 6 * LEASE_MS - 20, 'the long job ran to its end, not stopped by a lost lease');
    assert.deepEqual(dbA.prepare('SELECT status, claims FROM jobs WHERE id = ?').get(job.id), { status: 'done', claims: 1 });
  });

  test('a job left running with a released lease (a shutdown) is taken over at once by the next runner, and says it resumed', async (t) => {
    const file = migratedDatabase(t);
    const db = openDatabase(file);
    t.after(() => db.close());
    const first = recordingRunner(db, 'first', 60_000, 30_000);
    const job = await first.enqueue('train');
    await sleep(50);
    await first.close();
    assert.deepEqual(
      db.prepare('SELECT status, lease_owner, lease_expires_at FROM jobs WHERE id = ?').get(job.id),
      { status: 'running', lease_owner: null, lease_expires_at: null },
      'left running, lease released',
    );

    const next = recordingRunner(db, 'next', 10, 30_000);
    t.after(() => next.close());
    const started = Date.now();
    next.start();
    await next.idle();
    assert.ok(Date.now() - started < 5_000, 'no wait for a 30 s lease');
    assert.deepEqual(db.prepare('SELECT status, claims FROM jobs WHERE id = ?').get(job.id), { status: 'done', claims: 2 });
    assert.deepEqual(db.prepare('SELECT message FROM job_log WHERE job_id = ?').pluck().all(job.id), ['Resuming after a restart.']);
  });
}
