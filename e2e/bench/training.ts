// Training throughput through the real app: documents → train job → vectors, against the fake OpenRouter
// (no latency, in a process of its own so its JSON work is not counted as Docent's), then re-training
// 10,000 unchanged documents, which must cost no embedding call.
import { createTestApp, setupAdmin } from '../support/harness.js';
import { FAKE_KEY } from '../fakes/openrouter.js';
import { upsertDocument } from '../../server/training/documents.js';
import { sourceOfKind } from '../../server/training/sources.js';
import { readRetrievalSettings } from '../../server/retrieval/settings.js';
import { startRemoteFake } from './fake-process.js';
import { corpus, mb, round, rssSampler, type Row } from './common.js';

const FIRST = 2_000;
const TOTAL = 10_000;

export async function run(): Promise<Row[]> {
  const rows: Row[] = [];
  const row = (r: Omit<Row, 'section'>) => { rows.push({ section: 'training', ...r }); };
  const fake = await startRemoteFake();
  // createTestApp wants a fake object; only baseURL and close() are used when one is passed in.
  const testApp = await createTestApp({ fake: { baseURL: fake.baseURL } as never, env: { LOG_LEVEL: 'warn' } });
  const { app } = testApp;
  try {
    const admin = await setupAdmin(app);
    const saved = await admin.request('PUT', '/api/admin/settings/api', { provider: 'openrouter', apiKey: FAKE_KEY, model: 'openai/gpt-5.4-mini', fallbackModels: [], reasoningEnabled: false });
    if (saved.statusCode !== 200) throw new Error(`saving the key failed: ${saved.body}`);
    const db = app.db;
    const source = sourceOfKind(db, 'text');
    const settings = readRetrievalSettings(db);
    const chunkOptions = { maxTokens: settings.chunkTokens, overlapTokens: settings.chunkOverlap };
    const docs = corpus();
    const upsert = (from: number, to: number) => {
      const counts = { added: 0, updated: 0, unchanged: 0 };
      for (let i = from; i < to; i++) {
        const d = docs.document(i);
        counts[upsertDocument(db, source.id, { title: d.title, url: null, text: d.text, sourceKey: `bench:${i}` }, 'text', chunkOptions).status]++;
      }
      return counts;
    };
    const train = async () => {
      const res = await admin.request('POST', '/api/admin/training/start');
      if (res.statusCode !== 202) throw new Error(`start failed: ${res.body}`);
      await app.training.runner.idle();
      const { job } = (await admin.request('GET', `/api/admin/training/jobs/${res.json().job.id}`)).json();
      if (job.status !== 'done') throw new Error(`train job ${job.status}: ${job.error}`);
      return job.progress.chunksDone as number;
    };
    const chunkCount = () => db.prepare('SELECT count(*) FROM chunks').pluck().get() as number;

    // 1. Ingest (chunking) then train 2,000 documents.
    let t0 = performance.now();
    upsert(0, FIRST);
    const ingestMs = performance.now() - t0;
    const firstChunks = chunkCount();
    row({ metric: `ingest ${FIRST} documents (chunk + store, no API)`, value: round(ingestMs / 1000), unit: 's', note: `${firstChunks} chunks, ${round(firstChunks / (ingestMs / 1000), 0)} chunks/s` });
    let sampler = rssSampler();
    let calls0 = await fake.embeddingCalls();
    t0 = performance.now();
    const done1 = await train();
    const trainMs = performance.now() - t0;
    let calls1 = await fake.embeddingCalls();
    const rate1 = done1 / (trainMs / 1000);
    row({ metric: `train ${FIRST} documents (${done1} chunks, 1536 d)`, value: round(rate1, 0), unit: 'chunks/s', target: '≥ 2000', met: rate1 >= 2000,
      note: `${round(trainMs / 1000)} s, ${calls1.calls - calls0.calls} embedding calls` });
    row({ metric: 'peak RSS during that train job', value: mb(sampler.stop()), unit: 'MB' });

    // 2. Grow to 10,000 documents and train the rest.
    upsert(FIRST, TOTAL);
    sampler = rssSampler();
    calls0 = calls1;
    t0 = performance.now();
    const done2 = await train();
    const train2Ms = performance.now() - t0;
    calls1 = await fake.embeddingCalls();
    const rate2 = done2 / (train2Ms / 1000);
    row({ metric: `train ${TOTAL - FIRST} more documents (${done2} chunks; ${chunkCount()} in the index)`, value: round(rate2, 0), unit: 'chunks/s', target: '≥ 2000', met: rate2 >= 2000,
      note: `${round(train2Ms / 1000)} s, ${calls1.calls - calls0.calls} embedding calls` });
    row({ metric: 'peak RSS during that train job', value: mb(sampler.stop()), unit: 'MB' });

    // 3. Re-train 10,000 unchanged documents: an upsert pass over the same content, then a train job.
    sampler = rssSampler();
    calls0 = calls1;
    t0 = performance.now();
    const counts = upsert(0, TOTAL);
    const passMs = performance.now() - t0;
    const done3 = await train();
    const retrainMs = performance.now() - t0;
    calls1 = await fake.embeddingCalls();
    if (counts.unchanged !== TOTAL) throw new Error(`expected ${TOTAL} unchanged documents, got ${JSON.stringify(counts)}`);
    row({ metric: `re-train ${TOTAL} unchanged documents (upsert pass + train job)`, value: round(retrainMs / 1000), unit: 's', target: '≤ 5', met: retrainMs <= 5000,
      note: `upsert pass ${round(passMs / 1000)} s, train job ${round((retrainMs - passMs) / 1000)} s, ${done3} chunks embedded` });
    row({ metric: 'embedding calls while re-training unchanged documents', value: calls1.calls - calls0.calls, unit: 'calls', target: '0', met: calls1.calls === calls0.calls });
    row({ metric: 'peak RSS while re-training', value: mb(sampler.stop()), unit: 'MB' });
    row({ metric: 'RSS at the end (app + SQLite, fake excluded)', value: mb(process.memoryUsage.rss()), unit: 'MB' });
  } finally {
    await testApp.close();
    await fake.close();
  }
  return rows;
}
