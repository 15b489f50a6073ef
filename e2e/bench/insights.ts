// Dashboard insights on a big log: 1,000,000 stored messages (BENCH_INSIGHTS_MESSAGES to change it) over the last 89 days,
// written into a real SQLite file with the project's migrations — so the triggers of migration 014 keep the
// rollups as the chat would — in transactions with prepared statements. Questions follow a Zipf law over 1,200
// topics of four wordings each (their cached vectors about 0.9 similar, as rewordings are) plus a 20 % tail of
// one-off questions; answers cite chunks of 600 trained documents, some of which no answer uses. Then Docent
// runs as `npm start` runs it (its own process) on that file, and GET /api/admin/dashboard/insights is timed
// over real HTTP for 7, 30 and 90 days, one request at a time after a warm-up. For comparison, the same numbers
// grouped straight from the messages (what the rollups replace) are timed once on the same file.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../server/stores/sqlite/database.js';
import { migrate } from '../../server/stores/sqlite/migrate.js';
import { OPENROUTER_ENDPOINT } from '../../server/openrouter/client.js';
import { cacheVector, ensureActiveIndex, insertVectors, setDimensions, toBlob } from '../../server/stores/sqlite/vector-store.js';
import { buildServer, startArguments } from '../support/production.js';
import { freePort } from '../support/free-port.js';
import { corpus, gaussian, mb, percentile, prng, round, zipf, type Row } from './common.js';

const MESSAGES = Number(process.env.BENCH_INSIGHTS_MESSAGES ?? 1_000_000);
const D = 1536;
const TOPICS = 1200;
const WORDINGS = ['How do I %?', 'how do i %', 'What is the way to %?', 'Can you tell me how to %?'];
const DOCUMENTS = 600;
// Within the default retention (90 days; older conversations are deleted at start), so the 90-day range covers them all.
const SPAN_DAYS = 89;
const TARGET_P50_MS = 300;
const WARMUP = 5;
const REQUESTS = 40;
const PASSWORD = 'benchmark-password';
const SPACE = { endpoint: OPENROUTER_ENDPOINT, model: 'openai/text-embedding-3-small' };
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function unitVector(values: Float32Array): Float32Array {
  let n = 0;
  for (const v of values) n += v * v;
  n = Math.sqrt(n);
  return values.map((v) => v / n);
}

/** Builds the database; returns how long writing the messages took. */
export function generate(file: string): { seconds: number; messages: number; conversations: number } {
  const db = openDatabase(file);
  migrate(db);
  const random = prng(11);
  const normal = gaussian(random);
  const text = corpus(5, 5000);

  // Trained documents, one chunk each in the active index.
  const sourceId = db.prepare("SELECT id FROM sources WHERE kind = 'text' ORDER BY id LIMIT 1").pluck().get() as number;
  const index = setDimensions(db, ensureActiveIndex(db, SPACE), D);
  const chunkIds: number[] = [];
  db.transaction(() => {
    const insertDoc = db.prepare(
      `INSERT INTO documents (source_id, source_key, title, url, kind, content, content_hash, token_count) VALUES (?, ?, ?, ?, 'page', ?, ?, 100)`,
    );
    const insertChunk = db.prepare('INSERT INTO chunks (document_id, position, text, content, token_count, text_hash) VALUES (?, 0, ?, ?, 100, ?)');
    const vectors: Array<{ chunkId: number; vector: Buffer }> = [];
    for (let i = 0; i < DOCUMENTS; i++) {
      const doc = text.document(i);
      const id = Number(insertDoc.run(sourceId, `doc-${i}`, doc.title, `https://example.com/docs/${i}`, doc.text, sha(doc.text)).lastInsertRowid);
      const chunkId = Number(insertChunk.run(id, doc.text, doc.text, sha(`${i}:${doc.text}`)).lastInsertRowid);
      chunkIds.push(chunkId);
      vectors.push({ chunkId, vector: toBlob(unitVector(Float32Array.from({ length: D }, normal))) });
    }
    insertVectors(db, index, vectors);
  })();

  // Question topics: four wordings each, with the vectors the chat would have cached for them.
  const wordings: string[][] = [];
  db.transaction(() => {
    for (let t = 0; t < TOPICS; t++) {
      const subject = `${text.sentence(3)} ${t}`;
      const base = unitVector(Float32Array.from({ length: D }, normal));
      wordings.push(
        WORDINGS.map((w) => {
          const question = w.replace('%', subject);
          const noise = Float32Array.from({ length: D }, () => normal() * (0.35 / Math.sqrt(D)));
          cacheVector(db, index, sha(question), unitVector(base.map((v, i) => v + noise[i])));
          return question;
        }),
      );
    }
  })();

  const topic = zipf(TOPICS, random);
  const cited = zipf(Math.round(DOCUMENTS * 0.7), random); // the last 30 % of documents are never cited
  const answers = Array.from({ length: 200 }, () => `${text.sentence(60)}.`);
  const insertConversation = db.prepare(
    "INSERT INTO conversations (id, visitor_hash, origin, channel, created_at, updated_at) VALUES (?, ?, 'https://example.com', 'widget', ?, ?)",
  );
  const insertQuestion = db.prepare("INSERT INTO messages (id, conversation_id, role, text, created_at) VALUES (?, ?, 'user', ?, ?)");
  const insertAnswer =
    db.prepare(`INSERT INTO messages (id, conversation_id, role, text, sources, retrieved, status, model, prompt_tokens, completion_tokens, cost, latency_ms, feedback, created_at)
    VALUES (?, ?, 'assistant', ?, ?, ?, ?, 'openai/gpt-5.4-mini', 1200, 150, ?, 1800, ?, ?)`);
  const usage = new Map<string, { conversations: number; messages: number; cost: number }>();
  const now = Date.now();
  let messages = 0;
  let conversations = 0;
  const t0 = performance.now();
  while (messages < MESSAGES) {
    db.transaction(() => {
      for (let batch = 0; batch < 2000 && messages < MESSAGES; batch++) {
        const id = randomUUID();
        let at = now - Math.floor(random() * SPAN_DAYS * 86_400_000);
        const day = new Date(at).toISOString().slice(0, 10);
        const totals = usage.get(day) ?? { conversations: 0, messages: 0, cost: 0 };
        usage.set(day, totals);
        insertConversation.run(id, `visitor-${conversations % 50_000}`, new Date(at).toISOString(), new Date(at).toISOString());
        conversations++;
        totals.conversations++;
        const turns = 1 + Math.floor(random() * 3);
        for (let turn = 0; turn < turns && messages < MESSAGES; turn++) {
          const question = random() < 0.8 ? wordings[topic()][Math.floor(random() * WORDINGS.length)] : `${text.sentence(6)}?`;
          insertQuestion.run(randomUUID(), id, question, new Date(at).toISOString());
          at += 2000;
          const r = random();
          const status = r < 0.85 ? 'complete' : r < 0.93 ? 'no_answer' : r < 0.96 ? 'error' : r < 0.98 ? 'links_only' : 'stopped';
          const used = status === 'complete' || status === 'links_only' ? [cited(), cited(), cited()].map((d) => chunkIds[d]) : [];
          const f = random();
          const cost = status === 'error' ? 0 : 0.0004;
          insertAnswer.run(
            randomUUID(),
            id,
            status === 'complete' ? answers[messages % answers.length] : '',
            JSON.stringify(used.map((c) => ({ title: `Document ${c}`, url: `https://example.com/docs/${c}` }))),
            JSON.stringify(used.map((chunkId) => ({ chunkId, title: `Document ${chunkId}`, url: `https://example.com/docs/${chunkId}`, matchPercent: 71.3 }))),
            status,
            cost,
            f < 0.05 ? 'up' : f < 0.07 ? 'down' : null,
            new Date(at).toISOString(),
          );
          at += 20_000;
          messages += 2;
          totals.messages += 2;
          totals.cost += cost;
        }
      }
    })();
  }
  const seconds = (performance.now() - t0) / 1000;
  const insertUsage = db.prepare("INSERT INTO usage_days (day, channel, conversations, messages, tokens, cost) VALUES (?, 'widget', ?, ?, 0, ?)");
  db.transaction(() => {
    for (const [day, u] of usage) insertUsage.run(day, u.conversations, u.messages, u.cost);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { seconds, messages, conversations };
}

/** What the rollups replace: the answered share per day and the question counts, grouped from the messages. */
function rawQueries(file: string): { dailyMs: number; questionsMs: number } {
  const db = openDatabase(file);
  try {
    const from = new Date(Date.now() - 89 * 86_400_000).toISOString().slice(0, 10);
    let t0 = performance.now();
    db.prepare(`SELECT substr(m.created_at, 1, 10) AS day, count(*), sum(m.status = 'complete'), sum(m.feedback IS 'up'), sum(m.feedback IS 'down')
      FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.role = 'assistant' AND m.status <> 'stopped' AND c.channel = 'widget'
      AND m.created_at >= ? GROUP BY day`).all(from);
    const dailyMs = performance.now() - t0;
    t0 = performance.now();
    db.prepare(`SELECT m.text, count(*) AS asked FROM messages m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.role = 'user' AND c.channel = 'widget' AND m.created_at >= ? GROUP BY m.text ORDER BY asked DESC LIMIT 200`).all(from);
    return { dailyMs, questionsMs: performance.now() - t0 };
  } finally {
    db.close();
  }
}

export async function run(): Promise<Row[]> {
  const rows: Row[] = [];
  const row = (r: Omit<Row, 'section'>) => {
    rows.push({ section: 'insights', ...r });
  };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'docent-bench-insights-'));
  const file = path.join(dataDir, 'docent.db');
  let child: ChildProcess | undefined;
  try {
    const made = generate(file);
    row({
      metric: 'messages generated',
      value: made.messages,
      unit: 'messages',
      note: `${made.conversations} conversations over ${SPAN_DAYS} days, rollups kept by the triggers`,
    });
    row({
      metric: 'generation rate',
      value: Math.round(made.messages / made.seconds),
      unit: 'messages/s',
      note: `${round(made.seconds, 1)} s; database ${mb(statSync(file).size)} MB`,
    });
    const raw = rawQueries(file);
    row({ metric: 'without rollups: answers per day (90 days)', value: round(raw.dailyMs, 1), unit: 'ms', note: 'grouped from the messages, once' });
    row({ metric: 'without rollups: question counts (90 days)', value: round(raw.questionsMs, 1), unit: 'ms', note: 'grouped from the messages, once' });

    buildServer();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, startArguments(), {
      cwd: tmpdir(),
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        OPENROUTER_BASE_URL: 'http://127.0.0.1:9/api/v1',
        ADMIN_PASSWORD: PASSWORD,
        LOG_LEVEL: 'warn',
        PUBLIC_URL: base,
      },
    });
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        /* starting */
      }
      if (i > 300) throw new Error('Docent did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
    const login = await fetch(`${base}/api/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: PASSWORD }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const time = async (url: string) => {
      const t0 = performance.now();
      const res = await fetch(`${base}${url}`, { headers: { cookie } });
      const body = await res.text();
      if (!res.ok) throw new Error(`${url}: ${res.status} ${body}`);
      return { ms: performance.now() - t0, body };
    };
    for (const days of [7, 30, 90]) {
      const url = `/api/admin/dashboard/insights?days=${days}`;
      for (let i = 0; i < WARMUP; i++) await time(url);
      const times: number[] = [];
      let last = '';
      for (let i = 0; i < REQUESTS; i++) {
        const r = await time(url);
        times.push(r.ms);
        last = r.body;
      }
      times.sort((a, b) => a - b);
      const body = JSON.parse(last) as { totals: { answers: number }; topQuestions: Array<{ asked: number; variants: string[] }> };
      const p50 = round(percentile(times, 50), 1);
      row({
        metric: `GET insights, ${days} days: p50`,
        value: p50,
        unit: 'ms',
        target: `≤ ${TARGET_P50_MS}`,
        met: p50 <= TARGET_P50_MS,
        note: `${body.totals.answers} answers in range; top question asked ${body.topQuestions[0]?.asked ?? 0}× in ${1 + (body.topQuestions[0]?.variants.length ?? 0)}+ wordings`,
      });
      row({
        metric: `GET insights, ${days} days: p95`,
        value: round(percentile(times, 95), 1),
        unit: 'ms',
        note: `${REQUESTS} requests, one at a time, over HTTP`,
      });
    }
    const csv: number[] = [];
    for (let i = 0; i < 10; i++) csv.push((await time('/api/admin/dashboard/insights/export.csv?days=90&list=top-questions')).ms);
    csv.sort((a, b) => a - b);
    row({ metric: 'CSV top questions, 90 days: p50', value: round(percentile(csv, 50), 1), unit: 'ms', note: '10 requests' });
  } finally {
    if (child) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}
