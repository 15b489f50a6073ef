// SQLite's own lease rule, on a real file: runners sharing the file (processes, or a restored copy opened beside
// the original) each work a job of their own, a claim never takes a job under another runner's live lease.
// (PostgreSQL runs one job at a time across the cluster.) Everything else about the queue and leases, on both
// backends: server/stores/job-store.test.ts; runners racing in several processes: server/training/job-leases.test.ts.
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

test('while A holds a job, B claims the next one, never A’s; nothing is left for C', async (t) => {
  const jobs = open(t);
  const first = await jobs.enqueue('sync', { sourceId: 1 });
  const second = await jobs.enqueue('sync', { sourceId: 2 });
  assert.equal((await jobs.claim('A', 60_000, nobodyIsGone))?.job.id, first.id, 'the oldest first');
  assert.equal((await jobs.claim('B', 60_000, nobodyIsGone))?.job.id, second.id, 'B gets the other job, not A’s');
  assert.equal(await jobs.claim('C', 60_000, nobodyIsGone), null, 'nothing else is claimable while the leases hold');
  assert.equal(await jobs.renewLease(first.id, 'B', 60_000), null, 'B cannot renew A’s lease');
});
