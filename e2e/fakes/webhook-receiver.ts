// A real HTTP server on 127.0.0.1 that receives webhook POSTs: it keeps each request's headers and raw body,
// and answers with the statuses a test queues (then 200), or holds the request open ("hang").
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  method: string;
  path: string;
  /** Lower-cased names. */
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  json: any;
  /** The status this request was answered with. */
  status: number | 'hang';
}

export interface WebhookReceiver {
  url: string;
  requests: ReceivedHook[];
  /** The next requests get these answers, in order (a number is a status; 'hang' never answers); then 200. */
  respond(...answers: Array<number | 'hang' | { status: number; headers?: Record<string, string>; body?: string }>): void;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedHook[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedHook[] = [];
  const answers: Array<number | 'hang' | { status: number; headers?: Record<string, string>; body?: string }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const answer = answers.shift() ?? 200;
      let json: unknown = null;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        /* kept raw */
      }
      const status = typeof answer === 'object' ? answer.status : answer;
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, json, status });
      if (answer === 'hang') return;
      if (typeof answer === 'object') {
        res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
      } else {
        res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'receiver failed');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/docent`,
    requests,
    respond: (...next) => void answers.push(...next),
    async waitFor(count, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > until) throw new Error(`expected ${count} webhook requests, got ${requests.length}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
