// Cluster mode for real: Docent nodes as separate processes on one PostgreSQL database, behind a round-robin
// proxy, with the fake OpenRouter. Nodes are killed (-9) and restarted, drained (SIGTERM) one after the other, and
// started three at once on an empty database; what a visitor and the admin would notice is counted.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabaseBaseUrl } from '../support/postgres.js';
import { EMBED_BATCH_SIZE } from '../../server/vectors/embedder.js';
import { chat, type ChatOutcome, sleep, startCluster, trainSmallSite, waitUntil } from './cluster-support.js';

const skip = testDatabaseBaseUrl() ? false : 'no PostgreSQL for this run: DOCENT_TEST_DATABASE_URL is not set (npm test sets it when PostgreSQL is installed)';

/** Runs `workers` visitors asking one question after another until `stop()` says so. */
function visitors(baseUrl: string, workers: number, until: () => boolean) {
  const outcomes: ChatOutcome[] = [];
  const done = Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let n = 0; !until(); n++) outcomes.push(await chat(baseUrl, `visitor-${w}-${n}`, `How long is the warranty? (${w}.${n})`));
    }),
  );
  return { outcomes, done };
}

/** Every question that got a `start` is stored; every stream that ended with `done` has its complete answer. */
async function lostQuestionsAndAnswers(db: import('pg').Pool, outcomes: ChatOutcome[]) {
  const started = outcomes.filter((o) => o.conversationId);
  const questions = new Set(
    (await db.query("SELECT conversation_id FROM messages WHERE role = 'user' AND conversation_id = ANY($1)", [started.map((o) => o.conversationId)])).rows.map(
      (r) => r.conversation_id,
    ),
  );
  const finished = outcomes.filter((o) => o.end === 'done');
  const answers = new Map(
    (await db.query("SELECT id, text, status FROM messages WHERE role = 'assistant' AND id = ANY($1)", [finished.map((o) => o.messageId)])).rows.map((r) => [
      r.id,
      r,
    ]),
  );
  return {
    lostQuestions: started.filter((o) => !questions.has(o.conversationId)).length,
    lostAnswers: finished.filter((o) => {
      const stored = answers.get(o.messageId);
      return stored?.status !== 'complete' || stored.text !== o.text;
    }).length,
  };
}

describe('cluster mode: several nodes on one PostgreSQL', { skip }, () => {
  it('3 nodes started at once on an empty database: each migration is applied once, and all 3 serve', async (t) => {
    const cluster = await startCluster(t, 3, { ADMIN_PASSWORD: 'correct horse battery' });
    const applied = (await cluster.db.query('SELECT version, count(*) AS n FROM schema_migrations GROUP BY version ORDER BY version')).rows;
    assert.ok(applied.length >= 17);
    assert.ok(applied.every((r) => r.n === 1));
    for (const node of cluster.nodes) {
      const session = await (await fetch(`${node.url}/api/admin/session`)).json();
      assert.equal(session.setupRequired, false, 'one admin, made once, seen by every node');
      assert.deepEqual(await (await fetch(`${node.url}/readyz`)).json(), { status: 'ready' });
    }
    assert.equal((await cluster.db.query('SELECT count(*) AS n FROM admin')).rows[0].n, 1);
  });

  it('a rate limit of 30 a minute is 30 across the cluster: 100 chats from one address, alternating between nodes', async (t) => {
    const cluster = await startCluster(t, 2, { ADMIN_PASSWORD: 'correct horse battery', CHAT_RATE_LIMIT_PER_IP: '30' });
    await trainSmallSite(cluster);
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push((await chat(cluster.nodes[i % 2].url, `visitor-limit-${i}`, 'How long is the warranty?')).status);
    const accepted = statuses.filter((s) => s === 200).length;
    t.diagnostic(`accepted ${accepted} of 100 (limit 30 a minute)`);
    assert.equal(accepted, 30);
    assert.ok(statuses.filter((s) => s !== 200).every((s) => s === 429));
  });

  it('a document trained through node A is found through node B within a second', async (t) => {
    const cluster = await startCluster(t, 2, { ADMIN_PASSWORD: 'correct horse battery' });
    await trainSmallSite(cluster);
    const [a, b] = cluster.nodes;
    const { adminLogin } = await import('../support/docent-process.js');
    const adminA = await adminLogin(a.url);
    const adminB = await adminLogin(b.url);
    await adminA.request('POST', '/api/admin/training/text', {
      title: 'Returns',
      text: 'Returns are free within 45 days of delivery, with the original receipt.',
    });
    await adminA.request('POST', '/api/admin/training/start');
    await waitUntil(async () => (await adminA.request('GET', '/api/admin/training/jobs')).body.active === null, 60_000, 'training did not finish');
    const trainedAt = performance.now();
    let foundAfter = Number.POSITIVE_INFINITY;
    while (performance.now() - trainedAt < 5000) {
      const res = await adminB.request('POST', '/api/admin/training/search', {
        question: 'Are returns free within 45 days of delivery?',
        topK: 3,
        minMatch: 0,
      });
      if (res.body.chunks?.some((c: { title: string }) => c.title === 'Returns')) {
        foundAfter = performance.now() - trainedAt;
        break;
      }
      await sleep(50);
    }
    t.diagnostic(`found through node B ${Math.round(foundAfter)} ms after the job ended on node A`);
    assert.ok(foundAfter < 1000, `found after ${foundAfter} ms`);
  });

  it(`a training job of 5,000 chunks survives its node's kill -9: the other node takes it over and finishes it, paying once`, async (t) => {
    const cluster = await startCluster(t, 2, { ADMIN_PASSWORD: 'correct horse battery', JOB_LEASE_MS: '3000' }, { latencyMs: 300 });
    const [a, b] = cluster.nodes;
    const { adminLogin } = await import('../support/docent-process.js');
    const adminA = await adminLogin(a.url);
    await adminA.request('PUT', '/api/admin/settings/api', {
      provider: 'openrouter',
      apiKey: (await import('../fakes/openrouter.js')).FAKE_KEY,
      model: 'openai/gpt-5.4-mini',
      reasoningEnabled: false,
    });
    // 500 entries of 10 short sections: 5,000 chunks.
    const entries = Array.from({ length: 500 }, (_, i) => ({
      title: `Topic ${i}`,
      text: Array.from(
        { length: 10 },
        (_, s) => `# Part ${s} of topic ${i}\n\nItem ${i}-${s}: ${'shipping refund warranty invoice parcel '.repeat(3)}topic ${i} part ${s}.`,
      ).join('\n\n'),
    }));
    let next = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < entries.length) assert.equal((await adminA.request('POST', '/api/admin/training/text', entries[next++])).status, 201);
      }),
    );
    const started = await adminA.request('POST', '/api/admin/training/start');
    assert.ok(started.status < 300, JSON.stringify(started.body));
    let maxRunning = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        maxRunning = Math.max(maxRunning, (await cluster.db.query("SELECT count(*) AS n FROM jobs WHERE status = 'running'")).rows[0].n);
        await sleep(50);
      }
    })();
    const owner = async () =>
      (await cluster.db.query("SELECT lease_owner FROM jobs WHERE kind = 'train' ORDER BY id DESC LIMIT 1")).rows[0]?.lease_owner as string | null;
    // Kill A once the job runs there and has embedded a part.
    await waitUntil(
      async () =>
        (await owner())?.includes(`/${a.process.pid}/`) === true && (await cluster.db.query('SELECT count(*) AS n FROM index_vectors')).rows[0].n > 500,
      120_000,
      'the job did not start on node A',
    );
    const killedAt = performance.now();
    await a.stop('SIGKILL');
    await waitUntil(async () => (await owner())?.includes(`/${b.process.pid}/`) === true, 30_000, 'node B did not take the job over');
    const takeoverMs = performance.now() - killedAt;
    await waitUntil(
      async () => (await cluster.db.query("SELECT status FROM jobs WHERE kind = 'train' ORDER BY id DESC LIMIT 1")).rows[0].status === 'done',
      240_000,
      'the job did not finish',
    );
    watching = false;
    await watch;
    const chunks = (await cluster.db.query('SELECT count(*) AS n FROM chunks')).rows[0].n;
    const vectors = (await cluster.db.query('SELECT count(*) AS n FROM index_vectors')).rows[0].n;
    const batches = Math.ceil(chunks / EMBED_BATCH_SIZE);
    const calls = cluster.fake.requestsTo('/embeddings').filter((r) => (r.body?.input?.length ?? 0) > 1).length;
    t.diagnostic(
      `takeover ${Math.round(takeoverMs)} ms after the kill (lease 3000 ms); ${chunks} chunks, ${vectors} vectors; ${calls} embedding calls for ${batches} batches; at most ${maxRunning} job running`,
    );
    assert.ok(chunks >= 5000);
    assert.equal(vectors, chunks, 'every chunk is in the index');
    assert.equal(maxRunning, 1, 'never two running jobs');
    assert.ok(takeoverMs < 3000 + 5000, `taken over after ${takeoverMs} ms`);
    assert.ok(calls <= batches + 3, `${calls} embedding calls for ${batches} batches`);
  });

  it('200 visitors chatting for 60 s through 2 nodes, one killed at 20 s and restarted at 40 s: no question or answer lost', async (t) => {
    const cluster = await startCluster(
      t,
      2,
      { ADMIN_PASSWORD: 'correct horse battery', CHAT_RATE_LIMIT_PER_IP: '1000000', CHAT_TOTAL_TIMEOUT_MS: '5000' },
      { tokenDelayMs: 20 },
    );
    await trainSmallSite(cluster);
    const began = performance.now();
    const run = visitors(cluster.proxy.url, 200, () => performance.now() - began > 60_000);
    await sleep(20_000);
    await cluster.nodes[1].stop('SIGKILL');
    await sleep(20_000);
    await cluster.restart(1);
    await run.done;
    const { outcomes } = run;
    const { lostQuestions, lostAnswers } = await lostQuestionsAndAnswers(cluster.db, outcomes);
    const count = (end: ChatOutcome['end']) => outcomes.filter((o) => o.end === end).length;
    // Questions whose node died mid-answer are closed as failed once no answer can still come (CHAT_TOTAL_TIMEOUT_MS + 10 s).
    const dangling = async () =>
      (
        await cluster.db.query(`SELECT count(*) AS n FROM messages m WHERE m.role = 'user'
          AND NOT EXISTS (SELECT 1 FROM messages a WHERE a.conversation_id = m.conversation_id AND a.seq > m.seq)`)
      ).rows[0].n as number;
    await waitUntil(async () => (await dangling()) === 0, 60_000, 'questions were left without an answer after recovery');
    t.diagnostic(
      `${outcomes.length} chats: ${count('done')} done, ${count('cut')} cut by the kill, ${count('error')} error events, ${count('refused')} refused; ` +
        `${cluster.proxy.retried} retried on the other node; lost questions ${lostQuestions}, lost answers ${lostAnswers}; ` +
        `refused with ${JSON.stringify(outcomes.filter((o) => o.end === 'refused').map((o) => o.status))}`,
    );
    assert.equal(lostQuestions, 0);
    assert.equal(lostAnswers, 0);
    assert.ok(count('done') > 1000, 'the cluster kept answering');
    assert.equal(count('refused'), 0, 'every chat reached a node');
  });

  it('a rolling restart of both nodes under 50 visitors: no stream is cut by a draining node', async (t) => {
    const cluster = await startCluster(t, 2, { ADMIN_PASSWORD: 'correct horse battery', CHAT_RATE_LIMIT_PER_IP: '1000000' }, { tokenDelayMs: 40 });
    await trainSmallSite(cluster);
    let restarted = false;
    const run = visitors(cluster.proxy.url, 50, () => restarted);
    await sleep(3000);
    for (const i of [0, 1]) {
      assert.equal(await cluster.nodes[i].stop('SIGTERM'), 0, 'the node drained and exited cleanly');
      await cluster.restart(i);
      await sleep(2000);
    }
    restarted = true;
    await run.done;
    const { outcomes } = run;
    // A draining node cuts nothing: no stream ends early, and no connection goes before its answer.
    const cut = outcomes.filter((o) => o.end === 'cut' || (o.conversationId && o.end !== 'done')).length;
    const refusedWith = outcomes.filter((o) => o.end === 'refused').map((o) => o.status);
    t.diagnostic(
      `${outcomes.length} chats during the rolling restart; ${cut} cut; ${cluster.proxy.retried} retried on the other node; refused: ${JSON.stringify(refusedWith)}`,
    );
    assert.equal(cut, 0);
    assert.equal(outcomes.filter((o) => o.end === 'refused').length, 0);
    const { lostQuestions, lostAnswers } = await lostQuestionsAndAnswers(cluster.db, outcomes);
    assert.equal(lostQuestions + lostAnswers, 0);
  });
});
