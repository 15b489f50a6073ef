// Chat overhead under load: 1, 50 and 200 visitors streaming through Docent (a child process run as
// `npm start` runs it, so its CPU and memory are its own) against the fake OpenRouter (another process)
// with a fixed latency, a realistic token pace and answers of a realistic length. Each visitor is a closed
// loop (ask, read the whole answer, ask again), started at a random moment within the first answer's
// duration, so N answers are streaming at once, as with N real visitors. "Docent adds" = Docent's time to
// first token minus the fake's own, measured the same way. Query vectors are cached by a warm-up round,
// so the query-embedding call is measured on its own. Env: BENCH_LEVELS=200 runs one level only,
// BENCH_PROF=<dir> writes a CPU profile of Docent, BENCH_NODE_ARGS="--flag …" adds Node flags to Docent's.
// Runs on SQLite, then again on PostgreSQL (cluster mode, one node: rows marked "— PostgreSQL") when
// DOCENT_TEST_DATABASE_URL is set or PostgreSQL's binaries can start a private cluster.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FAKE_KEY } from '../fakes/openrouter.js';
import { buildServer, startArguments } from '../support/production.js';
import { startRemoteFake } from './fake-process.js';
import { percentile, round, type Row } from './common.js';
import { ensureWidgetBuilt, measureWidget, LOADER_BUDGET, TOTAL_BUDGET } from '../../widget/size.js';
import { freePort } from '../support/free-port.js';
import { benchDatabase } from '../support/postgres.js';
import { randomBytes } from 'node:crypto';

const UPSTREAM_LATENCY_MS = 200;
const TOKEN_DELAY_MS = 25; // ~40 tokens/s, a typical streaming pace
// Typical answers: one to three short paragraphs, 60–180 words, ~150 tokens (~4 s of streaming) on
// average. The fake's own answers quote one line of context (~30 tokens): every visitor would ask again
// every second.
const REPLY_WORDS = 120;
// Visitors start at random moments over about one answer's duration, so questions arrive at the steady
// rate of N streaming visitors from the start (not N questions in the first second).
const RAMP_MS = 4000;
const LEVELS = process.env.BENCH_LEVELS ? process.env.BENCH_LEVELS.split(',').map(Number) : [1, 50, 200];
const ROUNDS = 3; // measured per visitor, after one unmeasured ramp-up round
const PASSWORD = 'benchmark-password';
// A model without reasoning, so the fake's own "thinking" time (which depends on max_tokens) is no part of
// either measurement; the direct request mirrors what Docent sends.
const MODEL = 'mistralai/mistral-small-3.2-24b-instruct';
const MAX_TOKENS = 700;
const QUESTIONS = ['What does the warranty cover?', 'How long does standard shipping take?', 'How do I reset my password?', 'Can I return a widget?'];

function procStat(pid: number): { cpuSeconds: number; rssMB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]); // utime + stime, fields 14 and 15
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  return { cpuSeconds: ticks / 100, rssMB: Math.round(rss / 1024) };
}

/** Time to first token of one streamed request (first SSE event carrying text). */
async function ttft(url: string, init: RequestInit, isToken: (line: string) => boolean): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, init);
  if (!res.ok || !res.body) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let first = NaN;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    if (Number.isNaN(first) && buffer.split('\n').some(isToken)) first = performance.now() - t0;
  }
  if (Number.isNaN(first)) throw new Error(`${url}: no token in ${buffer.slice(0, 300)}`);
  return first;
}

/**
 * On a machine with 2+ cores, Docent gets core 1 to itself and the load (the visitors and the fake: this
 * process and its child) core 0: otherwise the harness, which does about as much work as Docent, competes
 * with it for the CPU and its share shows up as "Docent adds". (Left free to use both cores, Docent's
 * thread was often scheduled next to the load and fared far worse.)
 */
function pinProcesses(): { docent: string[]; note: string } {
  try {
    if (os.availableParallelism() < 2) return { docent: [], note: 'not pinned (1 core)' };
    execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });
    return { docent: ['taskset', '-c', '1'], note: 'Docent on core 1, visitors and fake on core 0' };
  } catch {
    return { docent: [], note: 'not pinned (no taskset)' };
  }
}

/** Chat under load through one Docent process on `backend`. */
async function runOn(backend: Backend, pinning: ReturnType<typeof pinProcesses>): Promise<Row[]> {
  const rows: Row[] = [];
  // The fake as is (no proxy in front): its embeddings are slow to compute, but the questions' vectors are
  // cached by the warm-up, and a proxy hop would double the fake's CPU per streamed token.
  const fake = await startRemoteFake({ mode: 'fake', latencyMs: UPSTREAM_LATENCY_MS, tokenDelayMs: TOKEN_DELAY_MS, replyWords: REPLY_WORDS });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'docent-bench-chat-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // Docent as `npm start` runs it (the compiled server, the start script's Node flags).
  buildServer();
  const [command, ...prefix] = [...pinning.docent, process.execPath];
  const profile = process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : []; // BENCH_PROF=<dir>: a CPU profile of Docent
  const child: ChildProcess = spawn(command, [...prefix, ...profile, ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), ...startArguments()], {
    cwd: tmpdir(),
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      OPENROUTER_BASE_URL: fake.baseURL,
      ADMIN_PASSWORD: PASSWORD,
      LOG_LEVEL: 'warn',
      PUBLIC_URL: base,
      CHAT_RATE_LIMIT_PER_IP: '1000000',
      ...backend.env,
    },
  });
  try {
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        /* starting */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    // Admin setup over HTTP: key, generous visitor limits, content, training.
    const login = await fetch(`${base}/api/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: PASSWORD }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const admin = (method: string, url: string, body?: unknown) =>
      fetch(`${base}/api/admin${url}`, {
        method,
        headers: { cookie, 'x-csrf-token': csrfToken, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      }).then(async (r) => {
        if (!r.ok) throw new Error(`${method} ${url}: ${r.status} ${await r.text()}`);
        return r.json();
      });
    await admin('PUT', '/settings/api', { provider: 'openrouter', apiKey: FAKE_KEY, model: MODEL, fallbackModels: [], reasoningEnabled: false });
    await admin('GET', '/models');
    const { chatbot, retrieval } = await admin('GET', '/chatbot/settings');
    // qaAnswerMatch 100: the Q&A entries below are the questions plus " (variant i)", close enough at the default 85 %
    // to be answered word for word; at 100 every answer still goes to the model, and the Q&A check still runs.
    const chatbotSettings = {
      ...chatbot,
      messagesPerMinutePerVisitor: 120,
      dailyMessagesPerVisitor: 10000,
      dailySpendCapUsd: 0,
      mode: 'relaxed',
      maxAnswerTokens: MAX_TOKENS,
      qaAnswerMatch: 100,
    };
    await admin('PUT', '/chatbot/settings', { chatbot: chatbotSettings, retrieval: { topK: retrieval.topK, minMatch: 0 } });
    for (let i = 0; i < 200; i++) {
      await admin('POST', '/training/text', {
        question: `${QUESTIONS[i % QUESTIONS.length]} (variant ${i})`,
        answer: `Answer number ${i}: see the help centre, section ${i}, for the details of this topic.`,
      });
    }
    const { job } = await admin('POST', '/training/start');
    for (;;) {
      const { job: j } = await admin('GET', `/training/jobs/${job.id}`);
      if (j.status !== 'queued' && j.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 200));
    }

    const chat = (visitor: number, question: string) =>
      ttft(
        `${base}/api/widget/chat`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: base },
          body: JSON.stringify({ visitorId: `bench-visitor-${visitor}`, message: question }),
        },
        (line) => line === 'event: token',
      );
    const direct = () =>
      ttft(
        `${fake.baseURL}/chat/completions`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${FAKE_KEY}` },
          body: JSON.stringify({
            model: MODEL,
            stream: true,
            max_tokens: MAX_TOKENS,
            temperature: 0.3,
            messages: [
              { role: 'system', content: 'Context: hello' },
              { role: 'user', content: 'What does the warranty cover?' },
            ],
          }),
        },
        (line) => line.startsWith('data: {') && /"content":"[^"]/.test(line),
      );

    // The query-embedding call on its own: first time a question is asked (not cached).
    const embedTimes: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await admin('POST', '/training/search', { question: `uncached question number ${i} about widgets`, topK: 6, minMatch: 0 });
      embedTimes.push(performance.now() - t0);
    }
    embedTimes.sort((a, b) => a - b);
    // Warm-up: caches the benchmark questions' vectors.
    for (const q of QUESTIONS) await chat(0, q);

    for (const n of LEVELS) {
      const docent: number[] = [];
      const upstream: number[] = [];
      const before = procStat(child.pid!);
      const t0 = performance.now();
      let peakRss = before.rssMB;
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, procStat(child.pid!).rssMB);
      }, 100);
      const visitors = (measure: (v: number, r: number) => Promise<number>, into: number[]) =>
        Promise.all(
          Array.from({ length: n }, async (_, v) => {
            await new Promise((r) => setTimeout(r, n === 1 ? 0 : Math.random() * RAMP_MS));
            // Round 0 is the ramp-up (visitors still arriving, short answers already coming back): not measured.
            for (let r = 0; r <= ROUNDS; r++) {
              const ms = await measure(v, r);
              if (r > 0) into.push(ms);
            }
          }),
        );
      await visitors((v, r) => chat(n * 10_000 + v * 10 + r, QUESTIONS[(v + r) % QUESTIONS.length]), docent);
      const wall = (performance.now() - t0) / 1000;
      const after = procStat(child.pid!);
      clearInterval(sampler);
      await visitors(() => direct(), upstream);
      docent.sort((a, b) => a - b);
      upstream.sort((a, b) => a - b);
      const added = (p: number) => round(percentile(docent, p) - percentile(upstream, p), 1);
      const targets = n === 200 ? { p50: 15, p99: 60 } : null;
      rows.push(
        {
          section: 'chat',
          metric: `TTFT Docent adds, p50 (${n} concurrent)${backend.label}`,
          value: added(50),
          unit: 'ms',
          ...(targets ? { target: `≤ ${targets.p50}`, met: added(50) <= targets.p50 } : {}),
          note: `Docent ${round(percentile(docent, 50), 1)} ms, fake alone ${round(percentile(upstream, 50), 1)} ms, ${docent.length} answers`,
        },
        {
          section: 'chat',
          metric: `TTFT Docent adds, p99 (${n} concurrent)${backend.label}`,
          value: added(99),
          unit: 'ms',
          ...(targets ? { target: `≤ ${targets.p99}`, met: added(99) <= targets.p99 } : {}),
          note: `Docent ${round(percentile(docent, 99), 1)} ms, fake alone ${round(percentile(upstream, 99), 1)} ms`,
        },
        {
          section: 'chat',
          metric: `server CPU (${n} concurrent)${backend.label}`,
          value: round((after.cpuSeconds - before.cpuSeconds) / wall, 2),
          unit: 'cores',
          note: `${round(wall, 1)} s wall; ${pinning.note}`,
        },
        { section: 'chat', metric: `server RSS peak (${n} concurrent)${backend.label}`, value: peakRss, unit: 'MB' },
      );
    }
    // A Q&A entry's own question, answered word for word: no model call at all (its vector is cached by training).
    const qaTimes: number[] = [];
    for (let i = 0; i < 50; i++) qaTimes.push(await chat(900_000 + i, `${QUESTIONS[i % QUESTIONS.length]} (variant ${i})`));
    qaTimes.sort((a, b) => a - b);
    rows.push({
      section: 'chat',
      metric: `TTFT of a word-for-word Q&A answer, p50${backend.label}`,
      value: round(percentile(qaTimes, 50), 1),
      unit: 'ms',
      note: `no model call; p99 ${round(percentile(qaTimes, 99), 1)} ms; one visitor at a time, whole request`,
    });
    rows.push({
      section: 'chat',
      metric: `query embedding call (uncached), p50${backend.label}`,
      value: round(percentile(embedTimes, 50), 1),
      unit: 'ms',
      note: `fake latency ${UPSTREAM_LATENCY_MS} ms; p95 ${round(percentile(embedTimes, 95), 1)} ms; whole Test-retrieval request`,
    });
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}

/** Where Docent keeps its data in a run: the SQLite file, or (cluster mode) a fresh PostgreSQL database. */
interface Backend {
  /** Appended to each metric: '' for SQLite (the names earlier runs used), ' — PostgreSQL'. */
  label: string;
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** PostgreSQL for the chat bench: DOCENT_TEST_DATABASE_URL, else a private cluster; the reason when neither. */
async function postgresBackend(): Promise<Backend | string> {
  const database = await benchDatabase();
  if (typeof database === 'string') return database;
  return {
    label: ' — PostgreSQL',
    env: { DATABASE_URL: database.url, SECRET_KEY: randomBytes(32).toString('hex') },
    close: () => database.close(),
  };
}

export async function run(): Promise<Row[]> {
  await ensureWidgetBuilt();
  const pinning = pinProcesses();
  const rows: Row[] = [];
  rows.push(...(await runOn({ label: '', env: {}, close: async () => {} }, pinning)));
  const postgres = await postgresBackend();
  if (typeof postgres === 'string') {
    rows.push({ section: 'chat', metric: 'TTFT Docent adds — PostgreSQL', value: 'skipped', unit: '', note: postgres });
  } else {
    try {
      rows.push(...(await runOn(postgres, pinning)));
    } finally {
      await postgres.close();
    }
  }
  const size = measureWidget();
  rows.push(
    {
      section: 'widget',
      metric: 'loader (widget.js), gzip',
      value: size.loaderGzip,
      unit: 'B',
      target: `≤ ${LOADER_BUDGET}`,
      met: size.loaderGzip <= LOADER_BUDGET,
    },
    { section: 'widget', metric: 'loader (widget.js), brotli', value: size.loaderBrotli, unit: 'B' },
    {
      section: 'widget',
      metric: 'everything the widget loads, gzip',
      value: size.totalGzip,
      unit: 'B',
      target: `≤ ${TOTAL_BUDGET}`,
      met: size.totalGzip <= TOTAL_BUDGET,
    },
    { section: 'widget', metric: 'everything the widget loads, brotli', value: size.totalBrotli, unit: 'B' },
  );
  return rows;
}
