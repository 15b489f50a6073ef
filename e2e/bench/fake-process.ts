// The fake OpenRouter in a process of its own, so a benchmark measures Docent's CPU and not the fake's
// (the real provider computes embeddings on its own machines). Talks to the parent over IPC.
//
// mode 'fake' is the project's fake as is. Its embeddings are honest feature hashes, which costs it
// ~1.5 ms of CPU per text: on its own it cannot serve more than ~700 texts/s, less than the pipeline it
// feeds. mode 'fast' answers POST /embeddings itself with precomputed vectors (one of 512 fixed unit
// vectors per text, by hash; JSON pre-rendered) and proxies every other request to the fake, so the
// provider side costs next to nothing and the measured rate is Docent's own.
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { defaultChatReply, FAKE_KEY, startFakeOpenRouter } from '../fakes/openrouter.js';
import { gaussian, prng } from './common.js';

export interface RemoteFake {
  baseURL: string;
  /** Embedding requests so far and the texts they carried. */
  embeddingCalls(): Promise<{ calls: number; texts: number }>;
  close(): Promise<void>;
}

export interface RemoteFakeOptions {
  mode?: 'fake' | 'fast';
  latencyMs?: number;
  tokenDelayMs?: number;
  /**
   * Answers of this many words on average, each between half and one and a half times as long (the fake's
   * own answers quote one line of context: ~30 tokens). Varied lengths keep closed-loop visitors from
   * asking in lockstep.
   */
  replyWords?: number;
}

type Message = { type: 'ready'; baseURL: string } | { type: 'counts'; id: number; calls: number; texts: number };

export async function startRemoteFake(options: RemoteFakeOptions = {}): Promise<RemoteFake> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve', JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, (m: Message & { type: 'counts' }) => void>();
  let nextId = 1;
  const baseURL = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fake OpenRouter process exited (${code})`)));
    child.on('message', (m: Message) => {
      if (m.type === 'ready') resolve(m.baseURL);
      else waiting.get(m.id)?.(m);
    });
  });
  return {
    baseURL,
    embeddingCalls: () =>
      new Promise((resolve) => {
        const id = nextId++;
        waiting.set(id, (m) => {
          waiting.delete(id);
          resolve({ calls: m.calls, texts: m.texts });
        });
        child.send({ type: 'count', id });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ type: 'close' });
      }),
  };
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** 512 unit vectors of 1536 floats, each rendered once as a JSON array the way the API prints them. */
function vectorPool(): string[] {
  const normal = gaussian(prng(42));
  return Array.from({ length: 512 }, () => {
    const v = Array.from({ length: 1536 }, normal);
    const n = Math.hypot(...v);
    return `[${v.map((x) => (x / n).toPrecision(8)).join(',')}]`;
  });
}

async function serve(options: RemoteFakeOptions): Promise<void> {
  const fake = await startFakeOpenRouter({ latencyMs: options.latencyMs, tokenDelayMs: options.tokenDelayMs });
  if (options.replyWords) {
    // The fake's grounded answer, then ordinary prose up to the length a real answer has.
    const filler = 'The page explains the steps in detail, with the options you can choose and what each of them means for your order. '.split(' ');
    const random = prng(7);
    fake.setChatReply((body) => {
      const words = defaultChatReply(body).split(' ');
      const length = Math.round(options.replyWords! * (0.5 + random()));
      for (let i = 0; words.length < length; i++) words.push(filler[i % filler.length]);
      return words.join(' ');
    });
  }
  // Keep only counts: the recorded bodies of tens of thousands of texts are not needed here.
  let calls = 0,
    texts = 0;
  const requests = fake.requests;
  const push = requests.push.bind(requests);
  requests.push = (...items) => {
    for (const r of items)
      if (r.path.endsWith('/embeddings') && r.method === 'POST') {
        calls++;
        texts += Array.isArray(r.body?.input) ? r.body.input.length : 1;
      }
    return push(...items.map((r) => ({ ...r, body: undefined })));
  };
  let baseURL = fake.baseURL;
  let front: http.Server | null = null;
  if (options.mode === 'fast') {
    const pool = vectorPool();
    front = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks);
      if (req.method === 'POST' && req.url?.replace(/\/+$/, '') === '/api/v1/embeddings') {
        if (req.headers.authorization !== `Bearer ${FAKE_KEY}`) {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"message":"User not found.","code":401}}');
          return;
        }
        const body = JSON.parse(raw.toString('utf8')) as { model: string; input: string[] };
        const input = Array.isArray(body.input) ? body.input : [String(body.input)];
        calls++;
        texts += input.length;
        const tokens = input.reduce((n, t) => n + Math.max(1, Math.round(t.split(/\s+/).length * 1.3)), 0);
        const data = input.map((t, index) => `{"object":"embedding","index":${index},"embedding":${pool[fnv1a(t) % pool.length]}}`);
        const out = `{"id":"embd-bench","object":"list","model":${JSON.stringify(body.model)},"data":[${data.join(',')}],"usage":{"prompt_tokens":${tokens},"total_tokens":${tokens},"cost":0}}`;
        if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
        res.writeHead(200, { 'content-type': 'application/json' }).end(out);
        return;
      }
      const upstream = await fetch(fake.url + req.url, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: raw.length ? raw : undefined,
      });
      const headers = Object.fromEntries(
        [...upstream.headers].filter(([k]) => !['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k)),
      );
      // Stream the answer through: buffering it would turn time-to-first-token into time-to-last-token.
      res.writeHead(upstream.status, headers);
      if (!upstream.body) return void res.end();
      const reader = upstream.body.getReader();
      for (let part = await reader.read(); !part.done; part = await reader.read()) res.write(part.value);
      res.end();
    });
    await new Promise<void>((resolve) => front!.listen(0, '127.0.0.1', resolve));
    baseURL = `http://127.0.0.1:${(front.address() as AddressInfo).port}/api/v1`;
  }
  process.on('message', async (m: { type: string; id?: number }) => {
    if (m.type === 'count') process.send!({ type: 'counts', id: m.id, calls, texts });
    if (m.type === 'close') {
      front?.closeAllConnections();
      front?.close();
      await fake.close();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ type: 'ready', baseURL });
}

if (process.argv[2] === '--serve') await serve(JSON.parse(process.argv[3] ?? '{}'));
