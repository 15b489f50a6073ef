// A small load balancer for the cluster tests, doing what the README's nginx example does: round robin over the
// nodes, streaming responses as they come (Server-Sent Events are not buffered), and trying the next node when one
// refuses the connection or answers 503 before doing anything (a dead or draining node) — safe to retry.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobinProxy {
  url: string;
  /** Requests each node answered (by index), and requests retried on another node. */
  served: number[];
  retried: number;
  close(): Promise<void>;
}

const MAX_BODY = 2 * 1024 * 1024;

export async function startRoundRobinProxy(targets: string[]): Promise<RoundRobinProxy> {
  let next = 0;
  const served = targets.map(() => 0);
  const state = { retried: 0 };

  // A request goes to the next node in turn; one that fails goes to the next node it has not tried yet (as nginx's
  // proxy_next_upstream does), and only when every node failed is the answer 502.
  const forward = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse, tried: Set<number>) => {
    let index = next++ % targets.length;
    while (tried.has(index)) index = (index + 1) % targets.length;
    tried.add(index);
    const target = new URL(req.url ?? '/', targets[index]);
    const retry = () => {
      if (tried.size >= targets.length) {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"No node answered."}');
        else res.destroy();
        return;
      }
      state.retried++;
      forward(req, body, res, tried);
    };
    const upstream = http.request(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host, 'x-forwarded-for': req.socket.remoteAddress ?? '' }, agent: false },
      (answer) => {
        if (answer.statusCode === 503) {
          answer.resume();
          retry();
          return;
        }
        served[index]++;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        // A node that dies mid-answer cuts the stream, as it would behind nginx.
        answer.on('error', () => res.destroy());
        answer.on('aborted', () => res.destroy());
      },
    );
    upstream.on('error', () => {
      if (res.headersSent) res.destroy();
      else retry();
    });
    upstream.end(body);
  };

  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_BODY) req.destroy();
      else parts.push(d);
    });
    req.on('end', () => forward(req, Buffer.concat(parts), res, new Set()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    get retried() {
      return state.retried;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
