// Real Docent nodes (child processes) on one PostgreSQL database behind the round-robin proxy, with the fake
// OpenRouter, for the cluster tests; and a visitor's chat over HTTP, read event by event.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FAKE_KEY, startFakeOpenRouter, type FakeOpenRouter, type FakeOptions } from '../fakes/openrouter.js';
import { adminLogin, type AdminHttp, type DocentProcess, startDocentProcess } from '../support/docent-process.js';
import { createTestDatabase, testDatabaseBaseUrl } from '../support/postgres.js';
import { startRoundRobinProxy, type RoundRobinProxy } from '../support/round-robin-proxy.js';
import { openPool, type Pool } from '../../server/stores/postgres/database.js';

export const ORIGIN = 'https://shop.example.com';
type T = { after(fn: () => unknown): void };

export interface Cluster {
  nodes: DocentProcess[];
  proxy: RoundRobinProxy;
  fake: FakeOpenRouter;
  /** The shared database, for checks underneath the API. */
  db: Pool;
  env: NodeJS.ProcessEnv;
  /** Starts node `i` again on its port (after it was stopped or killed). */
  restart(i: number): Promise<DocentProcess>;
  admin(): Promise<AdminHttp>;
}

export async function startCluster(t: T, size: number, env: NodeJS.ProcessEnv = {}, fakeOptions: Partial<FakeOptions> = {}): Promise<Cluster> {
  const database = await createTestDatabase(testDatabaseBaseUrl()!);
  t.after(() => database.drop());
  const fake = await startFakeOpenRouter(fakeOptions);
  t.after(fake.close);
  const shared: NodeJS.ProcessEnv = {
    DATABASE_URL: database.url,
    SECRET_KEY: randomBytes(32).toString('hex'),
    OPENROUTER_BASE_URL: fake.baseURL,
    ALLOW_PRIVATE_URLS: 'true',
    ...env,
  };
  const dirs = Array.from({ length: size }, () => mkdtempSync(path.join(tmpdir(), 'docent-node-')));
  t.after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const start = (i: number, port?: number) => startDocentProcess(t, { ...shared, DATA_DIR: dirs[i] }, { port, readyPath: '/readyz', timeoutMs: 60_000 });
  const nodes = await Promise.all(dirs.map((_, i) => start(i)));
  const proxy = await startRoundRobinProxy(nodes.map((n) => n.url));
  t.after(proxy.close);
  const db = openPool(database.url, { max: 4 });
  t.after(() => db.end());
  return {
    nodes,
    proxy,
    fake,
    db,
    env: shared,
    async restart(i) {
      nodes[i] = await start(i, nodes[i].port);
      return nodes[i];
    },
    admin: () => adminLogin(proxy.url),
  };
}

/** The API key saved and one page trained, through the cluster. */
export async function trainSmallSite(cluster: Cluster): Promise<AdminHttp> {
  const admin = await cluster.admin();
  const saved = await admin.request('PUT', '/api/admin/settings/api', {
    provider: 'openrouter',
    apiKey: FAKE_KEY,
    model: 'openai/gpt-5.4-mini',
    reasoningEnabled: false,
  });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  await admin.request('GET', '/api/admin/models');
  // Every question is answered from the page (the fake's embeddings match loosely), so each answer streams.
  const { chatbot, retrieval } = (await admin.request('GET', '/api/admin/chatbot/settings')).body;
  const tuned = await admin.request('PUT', '/api/admin/chatbot/settings', {
    chatbot: { ...chatbot, messagesPerMinutePerVisitor: 120, dailyMessagesPerVisitor: 10000, dailySpendCapUsd: 0 },
    retrieval: { topK: retrieval.topK, minMatch: 0 },
  });
  assert.equal(tuned.status, 200, JSON.stringify(tuned.body));
  const added = await admin.request('POST', '/api/admin/training/text', {
    title: 'Warranty',
    text: 'Every Acme widget has a two-year warranty covering manufacturing faults. Claims go through support@acme.example.',
    url: `${ORIGIN}/warranty`,
  });
  assert.equal(added.status, 201, JSON.stringify(added.body));
  await admin.request('POST', '/api/admin/training/start');
  await waitUntil(async () => (await admin.request('GET', '/api/admin/training/jobs')).body.active === null, 60_000, 'training did not finish');
  return admin;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(message);
    await sleep(100);
  }
}

/** One visitor chat as the widget sees it. */
export interface ChatOutcome {
  status: number;
  /** From the `start` event: the question is stored from then on. */
  conversationId: string | null;
  messageId: string | null;
  /** The streamed answer's text. */
  text: string;
  /**
   * How it ended: `done`, an `error` event, cut (the connection ended without either, before or during the stream),
   * or refused (the cluster answered with another status than 200).
   */
  end: 'done' | 'error' | 'cut' | 'refused';
}

export async function chat(baseUrl: string, visitorId: string, message: string): Promise<ChatOutcome> {
  const outcome: ChatOutcome = { status: 0, conversationId: null, messageId: null, text: '', end: 'cut' };
  let res: Response;
  try {
    res = await fetch(`${baseUrl}/api/widget/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN },
      body: JSON.stringify({ visitorId, message }),
    });
  } catch {
    // The connection went before any answer came (its node died): cut, like a stream cut later.
    return outcome;
  }
  outcome.status = res.status;
  if (res.status !== 200) {
    await res.body?.cancel();
    return { ...outcome, end: 'refused' };
  }
  let buffer = '';
  try {
    const decoder = new TextDecoder();
    for await (const piece of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(piece, { stream: true });
      let split: number;
      while ((split = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, split);
        buffer = buffer.slice(split + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!event || data === undefined) continue;
        const payload = JSON.parse(data);
        if (event === 'start') {
          outcome.conversationId = payload.conversationId;
          outcome.messageId = payload.messageId;
        } else if (event === 'token') outcome.text += payload.text ?? '';
        else if (event === 'done') outcome.end = 'done';
        else if (event === 'error') outcome.end = 'error';
      }
    }
  } catch {
    /* the connection was cut */
  }
  return outcome;
}
