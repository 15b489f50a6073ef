// Training throughput through the real app (createTestApp: the real routes, job runner, embedder, SQLite and
// sqlite-vec): documents → train job → vectors, then re-training 10,000 unchanged documents, which must
// cost no embedding call. The provider runs in a process of its own (see fake-process.ts), once as the
// project's fake and once as a fast stand-in that isolates Docent's own cost.
//
// Wall time vs Docent's CPU time tells where the rest goes: on this machine's disk, SQLite's WAL checkpoints
// (run by the committing thread, i.e. the event loop) block the job. The last row is an EXPERIMENT, not the
// server's behaviour: the same 8,000-document job with checkpoints moved to a worker thread.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { createTestApp, login, setupAdmin, type AdminClient, type TestApp } from '../support/harness.js';
import { FAKE_KEY, type FakeOpenRouter } from '../fakes/openrouter.js';
import { upsertDocument } from '../../server/training/documents.js';
import { readRetrievalSettings } from '../../server/retrieval/settings.js';
import { startRemoteFake, type RemoteFake } from './fake-process.js';
import { corpus, mb, round, rssSampler, rssText, type Row } from './common.js';

const FIRST = 2_000;
const TOTAL = 10_000;
const TARGET_RATE = 2_000;

interface TrainResult {
  chunks: number;
  ms: number;
  cpuMs: number;
  calls: number;
  peakRss: number;
}

interface Bench {
  testApp: TestApp;
  admin: AdminClient;
  fake: RemoteFake;
  upsert(from: number, to: number): Promise<{ added: number; updated: number; unchanged: number }>;
  train(): Promise<TrainResult>;
  chunkCount(): number;
  /** Copies the data directory as it is now (checkpointed) into a new temporary directory. */
  snapshot(): string;
  close(): Promise<void>;
}

async function bench(mode: 'fake' | 'fast', dataDir?: string): Promise<Bench> {
  const fake = await startRemoteFake({ mode });
  // createTestApp only uses baseURL of a fake it is given (and leaves closing it to us).
  const testApp = await createTestApp({ fake: { baseURL: fake.baseURL } as FakeOpenRouter, env: { LOG_LEVEL: 'warn' }, ...(dataDir ? { dataDir } : {}) });
  const { app } = testApp;
  let admin: AdminClient;
  if (dataDir)
    admin = await login(app); // a snapshot: the admin and the key are already there
  else {
    admin = await setupAdmin(app);
    const saved = await admin.request('PUT', '/api/admin/settings/api', {
      provider: 'openrouter',
      apiKey: FAKE_KEY,
      model: 'openai/gpt-5.4-mini',
      fallbackModels: [],
      reasoningEnabled: false,
    });
    if (saved.statusCode !== 200) throw new Error(`saving the key failed: ${saved.body}`);
  }
  const { db, stores } = app;
  const source = await stores.knowledge.sourceOfKind('text');
  const settings = await readRetrievalSettings(stores.config);
  const chunkOptions = { maxTokens: settings.chunkTokens, overlapTokens: settings.chunkOverlap };
  const docs = corpus();
  return {
    testApp,
    admin,
    fake,
    async upsert(from, to) {
      // What a sync does per page: one upsert (hash check; chunk in an extraction process and store when new or changed).
      const counts = { added: 0, updated: 0, unchanged: 0 };
      for (let i = from; i < to; i++) {
        const d = docs.document(i);
        counts[
          (
            await upsertDocument(
              stores.knowledge,
              app.ingest,
              source.id,
              { title: d.title, url: null, text: d.text, sourceKey: `bench:${i}` },
              'text',
              chunkOptions,
            )
          ).status
        ]++;
      }
      return counts;
    },
    async train() {
      const calls0 = await fake.embeddingCalls();
      const sampler = rssSampler();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const res = await admin.request('POST', '/api/admin/training/start');
      if (res.statusCode !== 202) throw new Error(`start failed: ${res.body}`);
      await app.training.runner.idle();
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const peakRss = sampler.stop();
      const { job } = (await admin.request('GET', `/api/admin/training/jobs/${res.json().job.id}`)).json();
      if (job.status !== 'done') throw new Error(`train job ${job.status}: ${job.error}`);
      const calls1 = await fake.embeddingCalls();
      return { chunks: job.progress.chunksDone, ms, cpuMs: (cpu.user + cpu.system) / 1000, calls: calls1.calls - calls0.calls, peakRss };
    },
    chunkCount: () => db.prepare('SELECT count(*) FROM chunks').pluck().get() as number,
    snapshot() {
      db.pragma('wal_checkpoint(TRUNCATE)');
      const copy = mkdtempSync(path.join(tmpdir(), 'docent-bench-snapshot-'));
      for (const f of ['docent.db', 'secret.key']) copyFileSync(path.join(testApp.dataDir, f), path.join(copy, f));
      return copy;
    },
    async close() {
      await testApp.close();
      await fake.close();
    },
  };
}

/**
 * EXPERIMENT: a second connection in a worker thread runs PASSIVE checkpoints every 250 ms, while the app's
 * connection has wal_autocheckpoint = 0, so the event loop never waits for the checkpoint's writes and fsyncs.
 */
function startCheckpointer(file: string): { stop(): Promise<void> } {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const Database = require(workerData.module);
    const db = new Database(workerData.file);
    db.pragma('busy_timeout = 5000');
    const timer = setInterval(() => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} }, 250);
    parentPort.on('message', () => { clearInterval(timer); try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} db.close(); parentPort.postMessage('closed'); });`;
  const worker = new Worker(code, { eval: true, workerData: { module: createRequire(import.meta.url).resolve('better-sqlite3'), file } });
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timeout);
          void worker.terminate().then(() => resolve());
        };
        const timeout = setTimeout(done, 10_000);
        worker.once('message', done);
        worker.once('error', done);
        worker.postMessage('stop');
      }),
  };
}

export async function run(): Promise<Row[]> {
  const rows: Row[] = [];
  const row = (r: Omit<Row, 'section'>) => {
    rows.push({ section: 'training', ...r });
  };
  const rate = (r: TrainResult) => r.chunks / (r.ms / 1000);
  const trainRow = (label: string, r: TrainResult, withTarget: boolean, extra = '') => {
    row({
      metric: label,
      value: round(rate(r), 0),
      unit: 'chunks/s',
      ...(withTarget ? { target: `≥ ${TARGET_RATE}`, met: rate(r) >= TARGET_RATE } : {}),
      note: `${r.chunks} chunks in ${round(r.ms / 1000)} s, ${r.calls} embedding calls; Docent CPU ${round(r.cpuMs / 1000)} s = ${round(r.chunks / (r.cpuMs / 1000), 0)} chunks per CPU-second; peak RSS ${mb(r.peakRss)} MB${extra}`,
    });
  };

  // 1. The project's fake as the provider: end-to-end, but bound by the fake's own embedding work.
  {
    const b = await bench('fake');
    try {
      await b.upsert(0, FIRST);
      trainRow(`train ${FIRST} docs, provider = project fake (fake-bound)`, await b.train(), false);
    } finally {
      await b.close();
    }
  }

  // 2. A fast provider: Docent's own pipeline throughput, then 10,000 documents, then re-training them unchanged.
  let snapshot: string | null = null;
  try {
    const b = await bench('fast');
    try {
      let t0 = performance.now();
      await b.upsert(0, FIRST);
      const ingestMs = performance.now() - t0;
      const firstChunks = b.chunkCount();
      row({
        metric: `ingest ${FIRST} docs (chunk + store, no API call)`,
        value: round(firstChunks / (ingestMs / 1000), 0),
        unit: 'chunks/s',
        note: `${firstChunks} chunks in ${round(ingestMs / 1000)} s (${round(ingestMs / FIRST)} ms per document)`,
      });
      trainRow(`train ${FIRST} docs, provider = fast stand-in`, await b.train(), true);

      await b.upsert(FIRST, TOTAL);
      snapshot = b.snapshot();
      trainRow(`train ${TOTAL - FIRST} more docs, provider = fast stand-in`, await b.train(), true, `; ${b.chunkCount()} chunks in the index after`);

      const calls0 = await b.fake.embeddingCalls();
      const sampler = rssSampler();
      t0 = performance.now();
      const counts = await b.upsert(0, TOTAL);
      const passMs = performance.now() - t0;
      const job = await b.train();
      const retrainMs = performance.now() - t0;
      const calls = (await b.fake.embeddingCalls()).calls - calls0.calls;
      if (counts.unchanged !== TOTAL) throw new Error(`expected ${TOTAL} unchanged documents, got ${JSON.stringify(counts)}`);
      row({
        metric: `re-train ${TOTAL} unchanged docs (upsert pass + train job)`,
        value: round(retrainMs / 1000),
        unit: 's',
        target: '≤ 5',
        met: retrainMs <= 5000,
        note: `upsert pass ${round(passMs / 1000)} s, train job ${round(job.ms / 1000)} s, ${job.chunks} chunks embedded; peak RSS ${mb(sampler.stop())} MB`,
      });
      row({ metric: `embedding calls re-training ${TOTAL} unchanged docs`, value: calls, unit: 'calls', target: '0', met: calls === 0 });
      row({
        metric: 'RSS at the end (app + SQLite; provider excluded)',
        value: mb(process.memoryUsage.rss()),
        unit: 'MB',
        note: `${rssText()}; JS heap used ${mb(process.memoryUsage().heapUsed)} MB`,
      });
    } finally {
      await b.close();
    }

    // 3. EXPERIMENT: the same 8,000-document job from the same starting point, checkpoints off the event loop.
    const e = await bench('fast', snapshot);
    try {
      e.testApp.app.db.pragma('wal_autocheckpoint = 0');
      const checkpointer = startCheckpointer(e.testApp.app.config.databasePath);
      let result: TrainResult;
      try {
        result = await e.train();
      } finally {
        await checkpointer.stop();
      }
      trainRow(`EXPERIMENT: same ${TOTAL - FIRST} docs, WAL checkpoints in a worker thread`, result, false);
    } finally {
      await e.close();
    }
  } finally {
    if (snapshot) rmSync(snapshot, { recursive: true, force: true });
  }
  return rows;
}
