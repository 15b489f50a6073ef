// The fake OpenRouter in a process of its own, so a benchmark measures Docent's CPU and not the fake's:
// the real provider computes embeddings on its own machines. Talks to the parent over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startFakeOpenRouter } from '../fakes/openrouter.js';

export interface RemoteFake {
  baseURL: string;
  /** Embedding requests so far and the texts they carried. */
  embeddingCalls(): Promise<{ calls: number; texts: number }>;
  close(): Promise<void>;
}

type Message = { type: 'ready'; baseURL: string } | { type: 'counts'; id: number; calls: number; texts: number };

export async function startRemoteFake(options: { latencyMs?: number } = {}): Promise<RemoteFake> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve', JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
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
    embeddingCalls: () => new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, (m) => { waiting.delete(id); resolve({ calls: m.calls, texts: m.texts }); });
      child.send({ type: 'count', id });
    }),
    close: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.send({ type: 'close' });
    }),
  };
}

if (process.argv[2] === '--serve') {
  const fake = await startFakeOpenRouter(JSON.parse(process.argv[3] ?? '{}'));
  // Keep only counts: the recorded bodies of tens of thousands of texts are not needed here.
  let calls = 0, texts = 0;
  const requests = fake.requests;
  const push = requests.push.bind(requests);
  requests.push = (...items) => {
    for (const r of items) if (r.path.endsWith('/embeddings') && r.method === 'POST') { calls++; texts += Array.isArray(r.body?.input) ? r.body.input.length : 1; }
    return push(...items.map((r) => ({ ...r, body: undefined })));
  };
  process.on('message', async (m: { type: string; id?: number }) => {
    if (m.type === 'count') process.send!({ type: 'counts', id: m.id, calls, texts });
    if (m.type === 'close') { await fake.close(); process.exit(0); }
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ type: 'ready', baseURL: fake.baseURL });
}
