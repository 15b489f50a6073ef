// Durability of training jobs, for real: Docent runs as a child process, is SIGKILLed in the middle of
// an embedding job, restarted on the same data directory, and must end with exactly what an
// uninterrupted run produces, without paying twice for anything but the batches in flight at the kill.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { FAKE_KEY, startFakeOpenRouter, type FakeOpenRouter } from '../../e2e/fakes/openrouter.js';
import { startDocent, TEST_PASSWORD } from '../../e2e/support/harness.js';
import { EMBED_BATCH_SIZE, EMBED_CONCURRENCY } from '../vectors/embedder.js';
import { adminLogin, type AdminHttp, type DocentProcess, startDocentProcess } from '../../e2e/support/docent-process.js';

const IN_FLIGHT_MAX = EMBED_BATCH_SIZE * EMBED_CONCURRENCY; // 3 × 96 texts can be lost at a kill
const API_SETTINGS = { provider: 'openrouter', apiKey: FAKE_KEY, model: 'openai/gpt-5.4-mini', fallbackModels: [], reasoningEnabled: false };

// ---- content: 400 entries × 3 sections = 1,200 distinct chunk texts (13 embedding batches), plus 10
// entries repeated word for word: 30 chunks whose text is already known must reuse a vector, not pay.
const WORDS = (
  'shipping refund invoice warranty widget gadget sprocket account password login billing plan upgrade ' +
  'discount coupon delivery tracking parcel courier return exchange repair battery charger cable screen ' +
  'keyboard mouse printer scanner router modem firmware update install uninstall license subscription'
).split(' ');

function entry(i: number): { title: string; text: string } {
  const section = (s: number) => {
    const words = Array.from({ length: 40 }, (_, j) => WORDS[(i * 7 + s * 13 + j * j + j * i) % WORDS.length]);
    return `# Part ${s} of topic ${i}\n\n${words.join(' ')}, see item ${i}-${s}.`;
  };
  return { title: `Topic ${i}`, text: [0, 1, 2].map(section).join('\n\n') };
}
const ENTRIES = [...Array.from({ length: 400 }, (_, i) => entry(i)), ...Array.from({ length: 10 }, (_, i) => entry(i))];

// ---- a Docent child process ----------------------------------------------------------------------------

type Admin = AdminHttp;
const login = (baseUrl: string) => adminLogin(baseUrl);

function startChild(t: { after(fn: () => unknown): void }, dataDir: string, fake: FakeOpenRouter, extraEnv: NodeJS.ProcessEnv = {}): Promise<DocentProcess> {
  return startDocentProcess(t, { DATA_DIR: dataDir, OPENROUTER_BASE_URL: fake.baseURL, ...extraEnv });
}

async function stopChild(child: DocentProcess, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  await child.stop(signal);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- the admin API over real HTTP ------------------------------------------------------------------------

async function addContent(admin: Admin): Promise<void> {
  const settings = await admin.request('PUT', '/api/admin/settings/api', API_SETTINGS);
  assert.equal(settings.status, 200, JSON.stringify(settings.body));
  let next = 0;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (next < ENTRIES.length) {
        const res = await admin.request('POST', '/api/admin/training/text', ENTRIES[next++]);
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
    }),
  );
}

async function startTraining(admin: Admin): Promise<number> {
  const res = await admin.request('POST', '/api/admin/training/start');
  assert.equal(res.status, 202, JSON.stringify(res.body));
  return res.body.job.id;
}

async function job(admin: Admin, id: number) {
  const res = await admin.request('GET', `/api/admin/training/jobs/${id}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as {
    job: {
      status: string;
      error: string | null;
      progress: { chunksDone: number; chunksTotal: number | null; documentsDone: number; documentsTotal: number | null };
    };
    log: Array<{ at: string; message: string }>;
  };
}

async function waitFor(admin: Admin, id: number, until: (j: Awaited<ReturnType<typeof job>>) => boolean, timeoutMs = 30_000, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await job(admin, id);
    if (until(current)) return current;
    if (Date.now() > deadline) throw new Error(`job ${id} timed out: ${JSON.stringify(current.job)}`);
    await sleep(everyMs);
  }
}
const finished = (j: Awaited<ReturnType<typeof job>>) => ['done', 'failed', 'stopped'].includes(j.job.status);

// ---- what is on disk --------------------------------------------------------------------------------------

interface Snapshot {
  chunks: number;
  /** Sorted text hashes of all chunks (a multiset: duplicated texts appear twice). */
  hashes: string[];
  distinctTexts: Set<string>;
  vectors: number;
  distinctVectorRows: number;
  chunksWithoutVector: number;
  vectorsWithoutChunk: number;
  /** Chunks whose binary vector is not the quantized float vector of their own text. */
  wrongVectors: number;
  cache: Map<string, Buffer>;
}

/** Opens the database read-only, as a second process would. */
function snapshot(dataDir: string): Snapshot {
  const db = new Database(path.join(dataDir, 'docent.db'), { readonly: true, fileMustExist: true });
  try {
    sqliteVec.load(db);
    const index = db.prepare("SELECT id, model FROM vector_indexes WHERE status = 'active'").get() as { id: number; model: string };
    const table = `vec_index_${index.id}`;
    const chunks = db.prepare('SELECT id, text, text_hash FROM chunks').all() as Array<{ id: number; text: string; text_hash: string }>;
    const vectorRows = db.prepare(`SELECT rowid, embedding FROM ${table}`).all() as Array<{ rowid: number; embedding: Buffer }>;
    const byRowid = new Map(vectorRows.map((r) => [Number(r.rowid), r.embedding]));
    const chunkIds = new Set(chunks.map((c) => c.id));
    const expected = new Map(
      (
        db
          .prepare(`SELECT c.id, vec_quantize_binary(e.vector) AS bits FROM chunks c
      JOIN embedding_cache e ON e.model = ? AND e.text_hash = c.text_hash`)
          .all(index.model) as Array<{ id: number; bits: Buffer }>
      ).map((r) => [r.id, r.bits]),
    );
    const cache = new Map(
      (db.prepare('SELECT text_hash, vector FROM embedding_cache WHERE model = ?').all(index.model) as Array<{ text_hash: string; vector: Buffer }>).map(
        (r) => [r.text_hash, r.vector],
      ),
    );
    return {
      chunks: chunks.length,
      hashes: chunks.map((c) => c.text_hash).sort(),
      distinctTexts: new Set(chunks.map((c) => c.text)),
      vectors: vectorRows.length,
      distinctVectorRows: byRowid.size,
      chunksWithoutVector: chunks.filter((c) => !byRowid.has(c.id)).length,
      vectorsWithoutChunk: [...byRowid.keys()].filter((id) => !chunkIds.has(id)).length,
      wrongVectors: [...byRowid].filter(([id, bits]) => chunkIds.has(id) && !expected.get(id)?.equals(bits)).length,
      cache,
    };
  } finally {
    db.close();
  }
}

function assertComplete(s: Snapshot, label: string): void {
  assert.equal(s.vectors, s.chunks, `${label}: one vector per chunk`);
  assert.equal(s.distinctVectorRows, s.vectors, `${label}: no duplicate vectors`);
  assert.equal(s.chunksWithoutVector, 0, `${label}: every chunk has a vector`);
  assert.equal(s.vectorsWithoutChunk, 0, `${label}: no vector without its chunk`);
  assert.equal(s.wrongVectors, 0, `${label}: every vector is the one of its chunk's text`);
  assert.equal(s.cache.size, s.distinctTexts.size, `${label}: one cached embedding per distinct text`);
}

const sentTexts = (fake: FakeOpenRouter, until = Infinity) =>
  fake
    .requestsTo('/embeddings')
    .filter((r) => r.at <= until)
    .map((r) => r.body.input as string[]);

// ---- tests ------------------------------------------------------------------------------------------------

test('SIGKILL mid-job, restart: the job resumes and ends with the same chunks as an uninterrupted run, nothing paid twice but the batches in flight', async (t) => {
  const dirs = [mkdtempSync(path.join(tmpdir(), 'docent-crash-')), mkdtempSync(path.join(tmpdir(), 'docent-clean-'))];
  t.after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const [crashDir, cleanDir] = dirs;

  // Run 1: killed in the middle of the embedding job.
  const fake = await startFakeOpenRouter({ latencyMs: 150 });
  t.after(fake.close);
  const first = await startChild(t, crashDir, fake);
  let admin = await login(first.url);
  await addContent(admin);
  assert.equal(fake.requestsTo('/embeddings').length, 0, 'adding content embeds nothing');
  const jobId = await startTraining(admin);
  // Kill once two batches are stored and well before the last: poll fast, the job takes a few seconds.
  const atKill = await waitFor(admin, jobId, (j) => finished(j) || j.job.progress.chunksDone >= 2 * EMBED_BATCH_SIZE, 30_000, 10);
  await stopChild(first, 'SIGKILL');
  const killedAt = Date.now();
  assert.equal(atKill.job.status, 'running', 'the job was still running at the kill');
  const killed = snapshot(crashDir);
  assert.ok(killed.vectors > 0 && killed.vectors < killed.chunks, `killed mid-job: ${killed.vectors} of ${killed.chunks} chunks had vectors`);
  t.diagnostic(`killed with ${killed.vectors}/${killed.chunks} chunks indexed, ${fake.requestsTo('/embeddings').length} embedding calls made`);

  // Run 1, restarted: the job resumes by itself.
  const second = await startChild(t, crashDir, fake);
  admin = await login(second.url);
  const resumed = await waitFor(admin, jobId, finished);
  assert.equal(resumed.job.status, 'done', `${resumed.job.error}\n${second.output()}`);
  assert.ok(
    resumed.log.some((l) => l.message === 'Resuming after a restart.'),
    resumed.log.map((l) => l.message).join('\n'),
  );
  const stats = (await admin.request('GET', '/api/admin/training/stats')).body;
  assert.equal(stats.index.vectors, stats.chunks);
  assert.equal(resumed.job.progress.chunksDone, stats.chunks, 'progress survives the kill: it is saved with each stored batch');
  assert.deepEqual(
    [resumed.job.progress.documentsDone, resumed.job.progress.documentsTotal],
    [stats.documents, stats.documents],
    'every document counted once across the kill',
  );
  await stopChild(second, 'SIGTERM');
  const crashed = snapshot(crashDir);
  assertComplete(crashed, 'killed and resumed');
  assert.equal(crashed.chunks, 410 * 3);
  assert.equal(crashed.distinctTexts.size, 400 * 3);

  // Run 2: the same content, never interrupted.
  const cleanFake = await startFakeOpenRouter();
  t.after(cleanFake.close);
  const clean = await startChild(t, cleanDir, cleanFake);
  const cleanAdmin = await login(clean.url);
  await addContent(cleanAdmin);
  const cleanJob = await waitFor(cleanAdmin, await startTraining(cleanAdmin), finished);
  assert.equal(cleanJob.job.status, 'done', cleanJob.job.error ?? '');
  await stopChild(clean, 'SIGTERM');
  const reference = snapshot(cleanDir);
  assertComplete(reference, 'uninterrupted');

  // Same chunks, same vectors.
  assert.deepEqual(crashed.hashes, reference.hashes, 'the same chunk texts');
  assert.deepEqual([...crashed.cache.keys()].sort(), [...reference.cache.keys()].sort());
  for (const [hash, vector] of reference.cache) assert.ok(crashed.cache.get(hash)!.equals(vector), `same vector for ${hash}`);

  // Paid once: every distinct text was sent, and only texts of batches in flight at the kill were sent again.
  // The job writes each batch (cache + vectors + progress) in a transaction as soon as it returns, so the kill
  // can lose at most the EMBED_CONCURRENCY batches awaiting a response (or returned but not yet written).
  const sent = sentTexts(fake).flat();
  const distinctSent = new Set(sent);
  assert.deepEqual([...distinctSent].sort(), [...crashed.distinctTexts].sort(), 'exactly the distinct chunk texts were embedded');
  const resent = sent.length - distinctSent.size;
  assert.ok(resent <= IN_FLIGHT_MAX, `${resent} texts embedded twice; at most ${IN_FLIGHT_MAX} (the batches in flight) may be`);
  const beforeKill = sentTexts(fake, killedAt);
  const afterKill = new Set(sentTexts(fake).slice(beforeKill.length).flat());
  const lostRequests = beforeKill.filter((batch) => batch.some((text) => afterKill.has(text)));
  assert.ok(lostRequests.length <= EMBED_CONCURRENCY, `${lostRequests.length} pre-kill requests were re-sent; at most ${EMBED_CONCURRENCY} can be in flight`);
  const uninterruptedSent = sentTexts(cleanFake).flat();
  assert.equal(uninterruptedSent.length, new Set(uninterruptedSent).size, 'the uninterrupted run embeds each distinct text once');
  assert.equal(uninterruptedSent.length, reference.distinctTexts.size);
  t.diagnostic(
    `re-sent after the kill: ${resent} texts from ${lostRequests.length} in-flight requests; total sent ${sent.length} for ${distinctSent.size} distinct texts`,
  );
});

test('a frozen Docent stops renewing its lease: a second Docent on the same data directory takes the job over when the lease runs out, finishes it without re-embedding what was done, and the first, woken, writes nothing', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'docent-lease-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const LEASE_MS = 4000;
  const env = { JOB_LEASE_MS: String(LEASE_MS) };
  const fake = await startFakeOpenRouter({ latencyMs: 150 });
  t.after(fake.close);
  const first = await startChild(t, dir, fake, env);
  let admin = await login(first.url);
  await addContent(admin);
  const jobId = await startTraining(admin);
  await waitFor(admin, jobId, (j) => finished(j) || j.job.progress.chunksDone >= 2 * EMBED_BATCH_SIZE, 30_000, 10);
  // Freeze it while it waits on the provider, not inside a write: slow the answers, let the batches in
  // flight be written, then SIGSTOP. It is alive (its PID exists), so only the lease's end frees the job.
  fake.setOptions({ latencyMs: 3000 });
  await sleep(500);
  first.process.kill('SIGSTOP');
  const frozenAt = Date.now();
  t.after(() => {
    first.process.kill('SIGCONT');
  });
  fake.setOptions({ latencyMs: 150 });
  const db = new Database(path.join(dir, 'docent.db'), { readonly: true, fileMustExist: true });
  const atFreeze = db.prepare('SELECT status, lease_owner FROM jobs WHERE id = ?').get(jobId) as { status: string; lease_owner: string | null };
  db.close();
  assert.equal(atFreeze.status, 'running', 'the job was running when its Docent froze');
  assert.ok(atFreeze.lease_owner, 'leased by the frozen Docent');
  const sentBeforeFreeze = sentTexts(fake).length;

  const second = await startChild(t, dir, fake, env);
  admin = await login(second.url);
  const resumed = await waitFor(admin, jobId, finished);
  assert.equal(resumed.job.status, 'done', `${resumed.job.error}\n${second.output()}`);
  const takeover = resumed.log.find((l) => l.message === 'Resuming after a restart.');
  assert.ok(takeover, resumed.log.map((l) => l.message).join('\n'));
  // Renewed every third of the lease, so the lease ran out at least two thirds of it after the freeze.
  const waited = Date.parse(takeover.at) - frozenAt;
  assert.ok(waited >= (2 * LEASE_MS) / 3 - 100, `taken over ${waited} ms after the freeze: not before the lease ran out`);
  assert.ok(
    fake
      .requestsTo('/embeddings')
      .slice(sentBeforeFreeze)
      .every((r) => r.at >= frozenAt + (2 * LEASE_MS) / 3 - 100),
    'nothing embedded while the lease held',
  );
  const stats = (await admin.request('GET', '/api/admin/training/stats')).body;
  assert.equal(stats.index.vectors, stats.chunks);
  assert.equal(resumed.job.progress.chunksDone, stats.chunks, 'the progress carried over: the second Docent counted on from the first');

  // Woken, the first Docent finds its lease gone: it writes nothing more to the job.
  const doneRow = await job(admin, jobId);
  first.process.kill('SIGCONT');
  await sleep(1500);
  assert.equal((await fetch(`${first.url}/healthz`)).ok, true, 'the first Docent runs on');
  assert.deepEqual(await job(admin, jobId), doneRow, 'the job, its progress and its log are as the second Docent left them');
  await stopChild(second, 'SIGTERM');
  await stopChild(first, 'SIGTERM');
  const after = snapshot(dir);
  assertComplete(after, 'taken over');

  // Paid once, but for the batches the frozen Docent had in flight.
  const sent = sentTexts(fake).flat();
  const distinctSent = new Set(sent);
  assert.deepEqual([...distinctSent].sort(), [...after.distinctTexts].sort(), 'exactly the distinct chunk texts were embedded');
  assert.ok(
    sent.length - distinctSent.size <= IN_FLIGHT_MAX,
    `${sent.length - distinctSent.size} texts embedded twice; at most ${IN_FLIGHT_MAX} (the batches in flight) may be`,
  );
  t.diagnostic(`taken over ${waited} ms after the freeze; ${sent.length - distinctSent.size} texts re-sent`);
});

test('Stop: a running job stops, keeps its finished work, and starting again completes it', async (t) => {
  const docent = await startDocent({ fake: await startFakeOpenRouter({ latencyMs: 150 }), env: { LOG_LEVEL: 'warn', ADMIN_PASSWORD: TEST_PASSWORD } });
  t.after(async () => {
    await docent.close();
    await docent.fake.close();
  });
  const admin = await login(docent.url);
  await addContent(admin);

  const jobId = await startTraining(admin);
  await waitFor(admin, jobId, (j) => finished(j) || j.job.progress.chunksDone >= EMBED_BATCH_SIZE, 30_000, 10);
  const stop = await admin.request('POST', `/api/admin/training/jobs/${jobId}/stop`);
  assert.equal(stop.status, 200, JSON.stringify(stop.body));
  assert.deepEqual(stop.body, { stopping: true });
  const stopped = await waitFor(admin, jobId, finished);
  assert.equal(stopped.job.status, 'stopped');
  assert.ok(stopped.log.some((l) => /Stopped by the admin/.test(l.message)));
  const partial = (await admin.request('GET', '/api/admin/training/stats')).body;
  assert.ok(partial.index.vectors > 0 && partial.index.vectors < partial.chunks, `stopped mid-job: ${partial.index.vectors}/${partial.chunks}`);
  // Nothing is running any more: no embedding call after the stop settles.
  const callsAfterStop = docent.fake.requestsTo('/embeddings').length;
  await sleep(400);
  assert.equal(docent.fake.requestsTo('/embeddings').length, callsAfterStop, 'no embedding calls after the job stopped');
  assert.equal((await admin.request('POST', `/api/admin/training/jobs/${jobId}/stop`)).status, 409, 'a stopped job cannot be stopped again');

  const againId = await startTraining(admin);
  assert.notEqual(againId, jobId);
  const again = await waitFor(admin, againId, finished);
  assert.equal(again.job.status, 'done', again.job.error ?? '');
  assert.equal(again.job.progress.chunksDone, partial.chunks - partial.index.vectors, 'the second job does only what was left');
  const stats = (await admin.request('GET', '/api/admin/training/stats')).body;
  assert.equal(stats.index.vectors, stats.chunks);
  assert.equal(stats.trainedChunks, stats.chunks);

  // Stop lets the requests in flight finish and keeps their vectors: no text is paid for twice.
  const sent = sentTexts(docent.fake).flat();
  assert.equal(new Set(sent).size, 400 * 3);
  assert.equal(sent.length, 400 * 3, `${sent.length - 400 * 3} texts embedded twice`);
  t.diagnostic(`stopped at ${partial.index.vectors}/${partial.chunks}`);
});
