// The JobStore's leases on a real SQLite file, as the job runner relies on them: a job is claimed once, only its
// holder renews it or writes its progress, a lease that ran out (or whose holder is proved gone) is taken over,
// and Stop reaches a queued job at once and a running one at its next renewal. (Runners racing in several
// processes: server/training/job-leases.test.ts.)
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test, { type TestContext } from 'node:test';
import { openSqliteStores } from './open.js';

const nobodyIsGone = () => false;

function open(t: TestContext) {
  const dir = mkdtempSync(path.join(tmpdir(), 'docent-job-store-'));
  const stores = openSqliteStores(path.join(dir, 'docent.db'));
  t.after(() => {
    stores.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return stores.jobs;
}

test('a job is claimed once; only its holder renews it and saves progress; a lease that ran out is taken over and says so', async (t) => {
  const jobs = open(t);
  const queued = await jobs.enqueue('sync', { sourceId: 1 });
  assert.equal((await jobs.enqueue('sync', { sourceId: 1 })).id, queued.id, 'the same job queued twice is one job');
  assert.notEqual((await jobs.enqueue('sync', { sourceId: 2 })).id, queued.id);

  const claimed = await jobs.claim('A', 50, nobodyIsGone);
  assert.equal(claimed?.job.id, queued.id, 'the oldest first');
  assert.equal(claimed?.job.status, 'running');
  assert.equal((await jobs.claim('B', 50, nobodyIsGone))?.job.id, queued.id + 1, 'B gets the other job, not A’s');
  assert.equal(await jobs.claim('C', 50, nobodyIsGone), null, 'nothing else is claimable while the leases hold');
  assert.equal(await jobs.renewLease(queued.id, 'B', 50), null, 'B cannot renew A’s lease');
  assert.deepEqual(await jobs.renewLease(queued.id, 'A', 50), { stopRequested: false });
  assert.equal(await jobs.saveProgress(queued.id, 'A', { ...queued.progress, itemsDone: 3 }), true);

  await new Promise((resolve) => setTimeout(resolve, 80));
  const takenOver = await jobs.claim('C', 60_000, nobodyIsGone);
  assert.equal(takenOver?.job.id, queued.id, 'taken over once the lease ran out');
  assert.equal(takenOver?.job.progress.itemsDone, 3, 'with the progress saved so far');
  assert.deepEqual(
    (await jobs.jobLog(queued.id, 0, 10)).map((l) => l.message),
    ['Resuming after a restart.'],
  );
  assert.equal(await jobs.saveProgress(queued.id, 'A', { ...queued.progress, itemsDone: 4 }), false, 'A, woken, writes nothing');
  assert.equal(await jobs.renewLease(queued.id, 'A', 50), null);
  await jobs.finish(queued.id, 'A', 'failed', 'A thinks it failed');
  assert.equal((await jobs.getJob(queued.id))?.status, 'running', 'only the holder finishes the job');
  await jobs.finish(queued.id, 'C', 'done', null);
  assert.equal((await jobs.getJob(queued.id))?.status, 'done');
  assert.deepEqual(await jobs.lastFinished(['sync']), { status: 'done', finishedAt: (await jobs.getJob(queued.id))!.finishedAt });
});

test('a lease whose holder is proved gone is taken over at once; a released one too', async (t) => {
  const jobs = open(t);
  const job = await jobs.enqueue('train', {});
  await jobs.claim('crashed', 60_000, nobodyIsGone);
  assert.equal(await jobs.claim('next', 60_000, nobodyIsGone), null);
  assert.equal(await jobs.nextLeaseExpiry().then((at) => at! > Date.now() + 50_000), true);
  assert.equal((await jobs.claim('next', 60_000, (holder) => holder === 'crashed'))?.job.id, job.id);

  await jobs.releaseLease(job.id, 'next');
  assert.equal(await jobs.nextLeaseExpiry(), null);
  assert.equal((await jobs.claim('after a restart', 60_000, nobodyIsGone))?.job.id, job.id, 'a shutdown released it: no wait');
});

test('Stop: a queued job stops at once, a running one learns it at its next renewal, a finished one cannot be stopped', async (t) => {
  const jobs = open(t);
  const queued = await jobs.enqueue('train', {});
  assert.equal(await jobs.requestStop(queued.id), true);
  assert.equal((await jobs.getJob(queued.id))?.status, 'stopped');
  assert.equal(await jobs.claim('A', 60_000, nobodyIsGone), null, 'a stopped job is never claimed');

  const running = await jobs.enqueue('train', {});
  await jobs.claim('A', 60_000, nobodyIsGone);
  assert.equal((await jobs.activeJob())?.id, running.id);
  assert.equal(await jobs.requestStop(running.id), true);
  assert.deepEqual(await jobs.renewLease(running.id, 'A', 60_000), { stopRequested: true });
  await jobs.finish(running.id, 'A', 'stopped', null);
  assert.equal(await jobs.requestStop(running.id), false);
  assert.equal(await jobs.activeJob(), null);
});
