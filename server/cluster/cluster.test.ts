// What nodes share through PostgreSQL: rate-limit counts (two Fastify nodes, one limit) and schedule claims.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { openPool, type Pool } from '../stores/postgres/database.js';
import { migrate } from '../stores/postgres/migrate.js';
import { postgresClusterStore } from '../stores/postgres/cluster-store.js';
import type { ClusterStore } from '../stores/cluster-store.js';
import { backends, freshPostgresDatabase } from '../../e2e/support/store-backends.js';
import { sharedRateLimitStore } from './rate-limit.js';
import { everyTickRuns, scheduleGate } from './schedule.js';

const postgres = backends().find((b) => b.name === 'postgres')!;

it('one process (no cluster store): every schedule tick runs', async () => {
  const gate = scheduleGate(null);
  assert.deepEqual(await Promise.all([gate('retention', 1000), gate('retention', 1000)]), [true, true]);
  assert.equal(await everyTickRuns('x', 1), true);
});

describe('cluster store on PostgreSQL: two nodes, one database', { skip: postgres.skip }, () => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let pools: Pool[];
  let nodes: ClusterStore[];

  before(async () => {
    database = await freshPostgresDatabase(process.env.DOCENT_TEST_DATABASE_URL!);
    pools = [openPool(database.url), openPool(database.url)];
    await migrate(pools[0]);
    nodes = pools.map(postgresClusterStore);
  });
  after(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    await database.drop();
  });

  it('counts hits on one key from both nodes at once without losing any, then starts a new window', async () => {
    const counts = await Promise.all(Array.from({ length: 60 }, (_, i) => nodes[i % 2].hit('chat 1.2.3.4', 60_000)));
    assert.deepEqual(
      counts.map((c) => c.count).sort((a, b) => a - b),
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
    assert.ok(counts.every((c) => c.msLeft > 50_000 && c.msLeft <= 60_000));
    assert.deepEqual(await nodes[1].peek('chat 1.2.3.4').then((p) => p.count), 60);
    assert.deepEqual(await nodes[0].peek('nobody'), { count: 0, msLeft: 0 });

    const first = await nodes[0].hit('short window', 150);
    assert.equal(first.count, 1);
    assert.equal((await nodes[1].hit('short window', 150)).count, 2);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await nodes[1].hit('short window', 150)).count, 1, 'a new window starts at 1');
  });

  it('a schedule run is claimed by exactly one node, and can be claimed again a period later', async () => {
    const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => nodes[i % 2].claimRun('retention', 300, `node-${i % 2}`)));
    assert.equal(claims.filter(Boolean).length, 1);
    assert.equal(await nodes[0].claimRun('retention', 300, 'node-0'), false);
    assert.equal(await nodes[0].claimRun('catalog-refresh', 300, 'node-0'), true, 'schedules are claimed apart');
    await new Promise((r) => setTimeout(r, 350));
    assert.equal(await nodes[1].claimRun('retention', 300, 'node-1'), true);
  });

  it('a limit of 30 a minute is 30 across two Fastify nodes, whichever node each request reaches', async () => {
    const apps: FastifyInstance[] = [];
    for (const node of nodes) {
      const app = Fastify();
      await app.register(rateLimit, { global: false, store: sharedRateLimitStore(node) });
      app.post('/chat', { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } }, async () => ({ ok: true }));
      app.post('/other', { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } }, async () => ({ ok: true }));
      apps.push(app);
    }
    try {
      const statuses = [];
      for (let i = 0; i < 100; i++) statuses.push((await apps[i % 2].inject({ method: 'POST', url: '/chat', remoteAddress: '203.0.113.9' })).statusCode);
      assert.equal(statuses.filter((s) => s === 200).length, 30);
      assert.deepEqual(statuses.slice(0, 30), Array(30).fill(200), 'the first 30 pass, then every one is refused');
      assert.ok(statuses.slice(30).every((s) => s === 429));
      const other = await apps[1].inject({ method: 'POST', url: '/other', remoteAddress: '203.0.113.9' });
      assert.equal(other.statusCode, 200, "each route's limit counts apart");
      const elsewhere = await apps[0].inject({ method: 'POST', url: '/chat', remoteAddress: '203.0.113.10' });
      assert.equal(elsewhere.statusCode, 200, 'another address has its own count');
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }
  });
});
