// The JobStore's queue and leases as the job runner (server/training/jobs.ts) relies on them, on both backends:
// a job is claimed once however many runners race for it, only its holder renews it or writes its progress, a
// lease that ran out (or whose holder is proved gone) is taken over and its log says so, and Stop reaches a
// queued job at once and a running one at its next renewal. PostgreSQL only: one job runs at a time across the
// cluster. (Several SQLite runners each working their own job: sqlite/job-store.test.ts.)
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { backends, type OpenBackend } from '../../e2e/support/store-backends.js';
import type { JobStore } from './job-store.js';
import { openPool } from './postgres/database.js';
import { postgresJobStore } from './postgres/job-store.js';
import { openSqliteStores } from './sqlite/open.js';

const nobodyIsGone = () => false;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A second store on the same database, as another node (PostgreSQL: its own pool) or process (SQLite) has it. */
function secondJobStore(open: OpenBackend): { jobs: JobStore; close(): Promise<void> } {
  if (open.postgres) {
    const pool = openPool(open.postgres.pool.options.connectionString!, { max: 4 });
    return { jobs: postgresJobStore(pool), close: () => pool.end() };
  }
  const other = openSqliteStores(open.sqlite!.db.name);
  return { jobs: other.jobs, close: async () => other.close() };
}

for (const backend of backends()) {
  describe(`job store (${backend.name})`, { skip: backend.skip }, () => {
    /** A fresh database per test: claims see only the jobs the test queued. */
    const openJobs = async (t: TestContext) => {
      const open = await backend.open();
      t.after(() => open.close());
      return { open, jobs: open.stores.jobs };
    };

    it('a job is claimed once; only its holder renews it and saves progress; a lease that ran out is taken over and says so', async (t) => {
      const { jobs } = await openJobs(t);
      const queued = await jobs.enqueue('sync', { sourceId: 1 });
      assert.equal((await jobs.enqueue('sync', { sourceId: 1 })).id, queued.id, 'the same job queued twice is one job');
      assert.equal(queued.status, 'queued');
      assert.equal(queued.progress.phase, 'Waiting', 'a new job has the empty progress');
      assert.match(queued.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

      const claimed = await jobs.claim('A', 150, nobodyIsGone);
      assert.equal(claimed?.job.id, queued.id);
      assert.equal(claimed?.job.status, 'running');
      assert.equal(claimed?.stopRequested, false);
      assert.match(claimed!.job.startedAt!, /^\d{4}-\d\d-\d\dT/);
      assert.equal(await jobs.claim('B', 150, nobodyIsGone), null, 'nothing else is claimable while the lease holds');
      assert.equal(await jobs.renewLease(queued.id, 'B', 150), null, 'B cannot renew A’s lease');
      assert.deepEqual(await jobs.renewLease(queued.id, 'A', 150), { stopRequested: false });
      assert.equal(await jobs.saveProgress(queued.id, 'A', { ...queued.progress, itemsDone: 3 }), true);
      assert.equal(await jobs.saveProgress(queued.id, 'B', { ...queued.progress, itemsDone: 9 }), false);

      await sleep(200);
      const takenOver = await jobs.claim('C', 60_000, nobodyIsGone);
      assert.equal(takenOver?.job.id, queued.id, 'taken over once the lease ran out');
      assert.equal(takenOver?.job.progress.itemsDone, 3, 'with the progress saved so far');
      assert.equal(takenOver?.job.startedAt, claimed?.job.startedAt, 'started when first claimed');
      assert.deepEqual(
        (await jobs.jobLog(queued.id, 0, 10)).map((l) => [l.level, l.message]),
        [['info', 'Resuming after a restart.']],
      );
      assert.equal(await jobs.saveProgress(queued.id, 'A', { ...queued.progress, itemsDone: 4 }), false, 'A, woken, writes nothing');
      assert.equal(await jobs.renewLease(queued.id, 'A', 150), null);
      await jobs.finish(queued.id, 'A', 'failed', 'A thinks it failed');
      assert.equal((await jobs.getJob(queued.id))?.status, 'running', 'only the holder finishes the job');
      await jobs.finish(queued.id, 'C', 'done', null);
      const done = (await jobs.getJob(queued.id))!;
      assert.equal(done.status, 'done');
      assert.equal(done.error, null);
      assert.deepEqual(await jobs.lastFinished(['sync']), { status: 'done', finishedAt: done.finishedAt });
      assert.equal(await jobs.lastFinished(['reindex']), null);
      assert.equal(await jobs.nextLeaseExpiry(), null, 'a finished job holds no lease');
    });

    it('a renewal is a heartbeat: the lease runs from the renewal, and a renewed job is not taken over', async (t) => {
      const { jobs } = await openJobs(t);
      const job = await jobs.enqueue('train', { heartbeat: true });
      await jobs.claim('A', 300, nobodyIsGone);
      const first = (await jobs.nextLeaseExpiry())!;
      for (let i = 0; i < 4; i++) {
        await sleep(120);
        assert.deepEqual(await jobs.renewLease(job.id, 'A', 300), { stopRequested: false });
        assert.equal(await jobs.claim('B', 300, nobodyIsGone), null, `renewed ${i + 1} times: still A’s`);
      }
      assert.ok((await jobs.nextLeaseExpiry())! >= first + 400, 'the expiry moved with each renewal');
      await jobs.finish(job.id, 'A', 'done', null);
    });

    it('a lease whose holder is proved gone is taken over at once; a released one too', async (t) => {
      const { jobs } = await openJobs(t);
      const job = await jobs.enqueue('train', {});
      await jobs.claim('crashed', 60_000, nobodyIsGone);
      assert.equal(await jobs.claim('next', 60_000, nobodyIsGone), null);
      assert.ok((await jobs.nextLeaseExpiry())! > Date.now() + 50_000);
      const asked: string[] = [];
      const resumed = await jobs.claim('next', 60_000, (holder) => {
        asked.push(holder);
        return holder === 'crashed';
      });
      assert.equal(resumed?.job.id, job.id);
      assert.deepEqual(asked, ['crashed'], 'only the holders of live leases are asked about');

      await jobs.releaseLease(job.id, 'next');
      assert.equal(await jobs.nextLeaseExpiry(), null);
      assert.equal((await jobs.getJob(job.id))?.status, 'running', 'a released job stays running, to be resumed');
      assert.equal((await jobs.claim('after a restart', 60_000, nobodyIsGone))?.job.id, job.id, 'a shutdown released it: no wait');
      assert.deepEqual(
        (await jobs.jobLog(job.id, 0, 10)).map((l) => l.message),
        ['Resuming after a restart.', 'Resuming after a restart.'],
      );
      await jobs.finish(job.id, 'after a restart', 'done', null);
    });

    it('Stop: a queued job stops at once, a running one learns it at its next renewal, a finished one cannot be stopped', async (t) => {
      const { jobs } = await openJobs(t);
      const queued = await jobs.enqueue('train', { stop: 1 });
      assert.equal(await jobs.requestStop(queued.id), true);
      const stopped = (await jobs.getJob(queued.id))!;
      assert.equal(stopped.status, 'stopped');
      assert.ok(stopped.finishedAt, 'a stopped job has finished');
      assert.equal(await jobs.claim('A', 60_000, nobodyIsGone), null, 'a stopped job is never claimed');

      const running = await jobs.enqueue('train', { stop: 2 });
      await jobs.claim('A', 60_000, nobodyIsGone);
      assert.equal((await jobs.activeJob())?.id, running.id);
      assert.equal(await jobs.requestStop(running.id), true);
      assert.equal((await jobs.getJob(running.id))?.status, 'running', 'a running job finishes what it has in flight');
      assert.deepEqual(await jobs.renewLease(running.id, 'A', 60_000), { stopRequested: true });
      await jobs.finish(running.id, 'A', 'stopped', null);
      assert.equal(await jobs.requestStop(running.id), false);
      assert.equal(await jobs.requestStop(999_999), false, 'no such job');
      assert.equal(await jobs.activeJob(), null);

      // A stop asked before a released job is resumed reaches its next runner at the claim.
      const resumed = await jobs.enqueue('train', { stop: 3 });
      await jobs.claim('A', 60_000, nobodyIsGone);
      await jobs.releaseLease(resumed.id, 'A');
      await jobs.requestStop(resumed.id);
      assert.equal((await jobs.claim('B', 60_000, nobodyIsGone))?.stopRequested, true);
      await jobs.finish(resumed.id, 'B', 'stopped', null);
    });

    it('order: the oldest queued job is claimed first; the running job is the active one; logs page by line id', async (t) => {
      const { jobs } = await openJobs(t);
      const first = await jobs.enqueue('sync', { sourceId: 10 });
      const second = await jobs.enqueue('reindex', {});
      const third = await jobs.enqueue('sync', { sourceId: 11 });
      assert.deepEqual(
        (await jobs.recentJobs(3)).map((j) => j.id),
        [third.id, second.id, first.id],
        'newest first',
      );
      assert.deepEqual(
        (await jobs.recentJobs(2)).map((j) => j.id),
        [third.id, second.id],
      );
      assert.equal((await jobs.activeJob())?.id, first.id, 'nothing runs: the oldest queued job');
      assert.deepEqual((await jobs.enqueue('sync', { sourceId: 10 })).id, first.id);

      for (const [expected, status, error] of [
        [first, 'done', null],
        [second, 'failed', 'No key'],
        [third, 'failed', 'Unreachable'],
      ] as const) {
        const claimed = await jobs.claim('runner', 60_000, nobodyIsGone);
        assert.equal(claimed?.job.id, expected.id, 'in the order queued');
        assert.equal((await jobs.activeJob())?.id, expected.id, 'the running job is the active one');
        if (expected.kind === 'sync') {
          await jobs.saveProgress(expected.id, 'runner', { ...expected.progress, errors: expected === first ? 0 : 2 });
          await jobs.appendLog(expected.id, 'info', 'Reading the site.');
          await jobs.appendLog(expected.id, 'warn', `First problem of ${expected.id}`);
          await jobs.appendLog(expected.id, 'warn', `Second problem of ${expected.id}`);
        }
        await jobs.finish(expected.id, 'runner', status, error);
      }
      assert.deepEqual((await jobs.getJob(second.id))?.error, 'No key');
      assert.deepEqual(await jobs.lastFinished(['sync', 'reindex']), { status: 'failed', finishedAt: (await jobs.getJob(third.id))!.finishedAt });

      const log = await jobs.jobLog(first.id, 0, 10);
      assert.deepEqual(
        log.map((l) => [l.level, l.message]),
        [
          ['info', 'Reading the site.'],
          ['warn', `First problem of ${first.id}`],
          ['warn', `Second problem of ${first.id}`],
        ],
      );
      assert.ok(log[0].id < log[1].id && log[1].id < log[2].id);
      assert.match(log[0].at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.deepEqual(
        (await jobs.jobLog(first.id, log[0].id, 1)).map((l) => l.id),
        [log[1].id],
        'after a line, at most the limit',
      );

      const syncs = await jobs.lastSyncs();
      assert.deepEqual(syncs.get(10), { jobId: first.id, status: 'done', failures: 0, firstProblem: `First problem of ${first.id}` });
      assert.deepEqual(syncs.get(11), { jobId: third.id, status: 'failed', failures: 2, firstProblem: `First problem of ${third.id}` });
      // A newer sync of source 10 replaces the older as its latest.
      const again = await jobs.enqueue('sync', { sourceId: 10 });
      await jobs.claim('runner', 60_000, nobodyIsGone);
      await jobs.finish(again.id, 'runner', 'done', null);
      assert.deepEqual((await jobs.lastSyncs()).get(10), { jobId: again.id, status: 'done', failures: 0, firstProblem: null });
    });

    it('runners racing on two connections for one job: exactly one gets it', async (t) => {
      const { open, jobs } = await openJobs(t);
      const other = secondJobStore(open);
      try {
        for (let round = 0; round < 5; round++) {
          const job = await jobs.enqueue('train', { race: round });
          const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? other.jobs : jobs).claim(`runner ${i}`, 60_000, nobodyIsGone)));
          const winners = claims.filter((c) => c !== null);
          assert.equal(winners.length, 1, `round ${round}: one claim won`);
          assert.equal(winners[0]!.job.id, job.id);
          const holder = `runner ${claims.indexOf(winners[0])}`;
          assert.equal((await other.jobs.getJob(job.id))?.status, 'running');
          await other.jobs.finish(job.id, holder, 'done', null);
          assert.equal((await jobs.getJob(job.id))?.status, 'done', 'both connections see one job');
        }
      } finally {
        await other.close();
      }
    });

    it('one running job across the cluster: while a job runs under a live lease, no node claims another', {
      skip: backend.name !== 'postgres' && 'SQLite runners each work their own job',
    }, async (t) => {
      const { open, jobs } = await openJobs(t);
      const other = secondJobStore(open);
      try {
        // Many rounds on warm pools, so that claims really overlap.
        for (let round = 0; round < 10; round++) {
          const queued = [await jobs.enqueue('train', { round }), await jobs.enqueue('sync', { sourceId: round }), await jobs.enqueue('reindex', { round })];
          const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? other.jobs : jobs).claim(`node ${i}`, 60_000, nobodyIsGone)));
          const winners = claims.flatMap((c, i) => (c ? [{ id: c.job.id, holder: `node ${i}` }] : []));
          assert.deepEqual(
            winners.map((w) => w.id),
            [queued[0].id],
            `round ${round}: one claim, of the oldest job; the others wait`,
          );
          for (const job of queued) await jobs.requestStop(job.id);
          await jobs.finish(winners[0].id, winners[0].holder, 'stopped', null);
        }

        const [a, b] = [await jobs.enqueue('train', { cluster: 1 }), await jobs.enqueue('sync', { sourceId: 99 })];
        assert.equal((await jobs.claim('node A', 250, nobodyIsGone))?.job.id, a.id);
        assert.equal(await other.jobs.claim('late node', 250, nobodyIsGone), null);
        assert.equal((await jobs.getJob(b.id))?.status, 'queued');

        // Its node dies (no renewal): once the lease runs out the same job is taken over, before the queued one.
        await sleep(300);
        const takeover = await other.jobs.claim('node B', 60_000, nobodyIsGone);
        assert.equal(takeover?.job.id, a.id);
        assert.equal(await jobs.claim('node C', 60_000, nobodyIsGone), null);
        assert.deepEqual(
          (await jobs.jobLog(a.id, 0, 10)).map((l) => l.message),
          ['Resuming after a restart.'],
        );
        await other.jobs.finish(a.id, 'node B', 'done', null);
        assert.equal((await jobs.claim('node C', 60_000, nobodyIsGone))?.job.id, b.id, 'then the next job');
        await jobs.finish(b.id, 'node C', 'done', null);
      } finally {
        await other.close();
      }
    });
  });
}
