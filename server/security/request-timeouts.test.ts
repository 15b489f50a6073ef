import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../config.js';
import { createTestApp, PUBLIC_URL, setupAdmin, type AdminClient } from '../../e2e/support/harness.js';
import { FAKE_KEY, startFakeOpenRouter, type FakeOpenRouter } from '../../e2e/fakes/openrouter.js';
import { extendRequestTimeouts } from './request-timeouts.js';

// Small limits, so each test takes seconds: 1 s for headers, public bodies and keep-alive, 3 s for a
// whole request, and a 1 s idle timeout (below what the environment allows, to show streams survive it).
const LIMITS = { HEADERS_TIMEOUT_MS: '1000', PUBLIC_BODY_TIMEOUT_MS: '1000', KEEP_ALIVE_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '3000' };
const IDLE_TIMEOUT_MS = 1000;
// Far below the 130 s a slow client held a connection before, generous for a shared machine.
const CLOSED_WITHIN_MS = 8000;

interface Running {
  app: FastifyInstance;
  fake: FakeOpenRouter;
  port: number;
  admin: AdminClient;
  logs(): string;
}

async function start(t: { after(fn: () => unknown): void }, addRoutes?: (app: FastifyInstance) => void): Promise<Running> {
  const fake = await startFakeOpenRouter();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'docent-timeouts-'));
  const config: Config = {
    ...loadConfig({ DATA_DIR: dataDir, OPENROUTER_BASE_URL: fake.baseURL, PUBLIC_URL, LOG_LEVEL: 'info', ALLOW_PRIVATE_URLS: 'true', ...LIMITS }),
    idleTimeoutMs: IDLE_TIMEOUT_MS,
  };
  const { app, logs } = await createTestApp({ fake, dataDir, buildOptions: { config } });
  t.after(async () => {
    await app.close();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  addRoutes?.(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const admin = await setupAdmin(app);
  return { app, fake, admin, logs, port: (app.server.address() as net.AddressInfo).port };
}

interface RawExchange {
  received: string;
  closedAfterMs: number;
}

/**
 * Opens a raw connection, sends `head` at once, then `drip` one byte every `everyMs` until the server
 * closes the connection (or `giveUpMs` passes). Returns what came back and when the server closed it.
 */
function slowClient(port: number, head: string, drip: string, everyMs: number, giveUpMs = 30_000): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const started = performance.now();
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`still open after ${giveUpMs} ms; received: ${received}`));
    }, giveUpMs);
    socket.setEncoding('utf8');
    socket.on('data', (d) => {
      received += d;
    });
    socket.on('error', () => undefined); // a reset is also a close
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ received, closedAfterMs: performance.now() - started });
    });
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (sent < drip.length && !socket.destroyed) socket.write(drip[sent++]);
      }, everyMs);
    });
  });
}

const statusLine = (received: string) => received.split('\r\n')[0];
const jsonBody = (received: string) => JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4));

test('a widget chat whose body trickles in is closed with a 408 after the public body deadline', async (t) => {
  const { port, logs } = await start(t);
  const body = JSON.stringify({ visitorId: 'visitor-0001', message: 'x'.repeat(900) });
  const head = `POST /api/widget/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://shop.example.com\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
  const exchange = await slowClient(port, head, body, 200);
  assert.ok(exchange.closedAfterMs >= 900, `closed after ${Math.round(exchange.closedAfterMs)} ms: not before the deadline`);
  assert.ok(exchange.closedAfterMs < CLOSED_WITHIN_MS, `closed after ${Math.round(exchange.closedAfterMs)} ms`);
  assert.equal(statusLine(exchange.received), 'HTTP/1.1 408 Request Timeout');
  assert.deepEqual(jsonBody(exchange.received), {
    statusCode: 408,
    error: 'Request Timeout',
    message: 'The request took too long to arrive (the limit is 1 s). Check your connection and try again.',
  });
  await new Promise((r) => setTimeout(r, 200)); // the abandoned body parser settles
  const logged = logs()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { level: number; msg: string });
  assert.deepEqual(
    logged.filter((l) => l.level >= 40).map((l) => l.msg),
    [],
    'nothing alarming is logged',
  );
  assert.ok(logged.some((l) => l.msg === 'request body too slow: connection closed'));
});

test('slow headers are closed after the headers timeout', async (t) => {
  const { port } = await start(t);
  const exchange = await slowClient(
    port,
    'GET /healthz HTTP/1.1\r\n',
    'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n',
    100,
  );
  assert.ok(exchange.closedAfterMs < CLOSED_WITHIN_MS, `closed after ${Math.round(exchange.closedAfterMs)} ms`);
  assert.equal(statusLine(exchange.received), 'HTTP/1.1 408 Request Timeout');
  assert.equal(jsonBody(exchange.received).message, 'The request took too long to arrive. Check your connection and try again.');
});

test('admin routes: an early answer closes a slow body at once; a logged-in slow body is cut by the request timeout; a silent one by the idle timeout', async (t) => {
  const { port, admin } = await start(t);
  const body = JSON.stringify({ title: 'Slow', text: 'y'.repeat(400) });
  const headFor = (cookie: string) =>
    `POST /api/admin/training/text HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n${cookie}\r\n`;

  // No session: 401 before the body, and the connection does not wait for the rest of it.
  const anonymous = await slowClient(port, headFor(''), body, 200);
  assert.equal(statusLine(anonymous.received), 'HTTP/1.1 401 Unauthorized');
  assert.match(anonymous.received, /\r\nconnection: close\r\n/i);
  assert.ok(anonymous.closedAfterMs < 900, `closed after ${Math.round(anonymous.closedAfterMs)} ms`);

  // With a session, the body may take up to REQUEST_TIMEOUT_MS (3 s): a slower one gets a 408.
  const session = `Cookie: ${admin.cookie}\r\nX-CSRF-Token: ${admin.csrfToken}\r\n`;
  const slow = await slowClient(port, headFor(session), body, 200);
  assert.equal(statusLine(slow.received), 'HTTP/1.1 408 Request Timeout');
  assert.ok(slow.closedAfterMs >= 2900 && slow.closedAfterMs < CLOSED_WITHIN_MS, `closed after ${Math.round(slow.closedAfterMs)} ms`);

  // One that sends part of its body and then nothing is closed once the connection has been idle 1 s.
  const silent = await slowClient(port, headFor(session) + body.slice(0, 10), '', 1000);
  assert.equal(silent.received, '', 'closed without an answer');
  assert.ok(silent.closedAfterMs >= 900 && silent.closedAfterMs < 2900, `closed after ${Math.round(silent.closedAfterMs)} ms`);
});

test('an idle kept-alive connection is closed after the keep-alive timeout', async (t) => {
  const { port, app } = await start(t);
  // A public route (it has the short body deadline): a complete request stays a normal keep-alive one.
  const exchange = await new Promise<{ received: string; idleMs: number }>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('GET /api/admin/session HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n'));
    let received = '';
    let answeredAt = 0;
    socket.setEncoding('utf8');
    socket.on('data', (d) => {
      received += d;
      if (received.includes('"csrfToken":null}')) answeredAt ||= performance.now();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ received, idleMs: performance.now() - answeredAt }));
  });
  assert.equal(statusLine(exchange.received), 'HTTP/1.1 200 OK');
  assert.match(exchange.received, /\r\nKeep-Alive: timeout=1\r\n/i, 'the client is told how long');
  assert.doesNotMatch(exchange.received, /\r\nConnection: close\r\n/i);
  // inject() has no connection: none of this applies to it.
  assert.equal((await app.inject('/api/admin/session')).headers.connection, 'keep-alive');
  // Node waits the advertised second plus one more, so a client never sends on a closing connection.
  assert.ok(exchange.idleMs >= 900 && exchange.idleMs < CLOSED_WITHIN_MS, `closed ${Math.round(exchange.idleMs)} ms after the answer`);
});

test('a streamed chat answer longer than the idle timeout is not cut', async (t) => {
  const { app, port, fake, admin } = await start(t);
  // A model that does not reason: tokens flow from the start (thinking shows at most once a second).
  const saved = await admin.request('PUT', '/api/admin/settings/api', {
    provider: 'openrouter',
    apiKey: FAKE_KEY,
    model: 'mistralai/mistral-small-3.2-24b-instruct',
    fallbackModels: [],
    reasoningEnabled: false,
  });
  assert.equal(saved.statusCode, 200, saved.body);
  await admin.request('GET', '/api/admin/models');
  await admin.request('POST', '/api/admin/training/text', {
    title: 'Warranty',
    text: 'Every Acme widget has a two-year warranty covering manufacturing faults.',
  });
  await admin.request('POST', '/api/admin/training/start');
  await app.training.runner.idle();
  const answer = 'Every Acme widget has a two-year warranty that covers manufacturing faults, and claims go through support.';
  fake.setChatReply(answer);
  fake.setOptions({ tokenDelayMs: 120 }); // about 3 s of tokens: three idle timeouts
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/api/widget/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'https://shop.example.com' },
    body: JSON.stringify({ visitorId: 'visitor-0001', message: 'What does the warranty cover?' }),
  });
  assert.equal(res.status, 200);
  const events = await res.text();
  const tookMs = performance.now() - started;
  assert.ok(tookMs > 2 * IDLE_TIMEOUT_MS, `the answer took ${Math.round(tookMs)} ms: ${events}`);
  const tokens = [...events.matchAll(/event: token\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1]).text).join('');
  assert.equal(tokens, answer);
  assert.match(events, /event: done\n/);
});

test('a route can give itself more time: a slow upload longer than the request timeout, then silent work longer than the idle timeout', async (t) => {
  const { port } = await start(t, (app) => {
    app.post(
      '/test/slow-upload',
      {
        onRequest: async (request) => extendRequestTimeouts(request, { receiveMs: 6000, idleMs: 4000 }),
      },
      async (request) => {
        await new Promise((r) => setTimeout(r, 2000)); // "extracting": nothing written for twice the idle timeout
        return { received: (request.body as { data: string }).data.length };
      },
    );
  });
  const body = JSON.stringify({ data: 'z'.repeat(12) });
  const head = `POST /test/slow-upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
  // 25 bytes, one every 170 ms: about 4.2 s, more than REQUEST_TIMEOUT_MS (3 s).
  const exchange = await slowClient(port, head, body, 170);
  assert.equal(statusLine(exchange.received), 'HTTP/1.1 200 OK', exchange.received);
  assert.deepEqual(jsonBody(exchange.received), { received: 12 });

  // Its own, longer limit still holds: a body slower than 6 s is cut.
  const tooSlow = await slowClient(port, head, body, 400);
  assert.equal(statusLine(tooSlow.received), 'HTTP/1.1 408 Request Timeout');
  assert.ok(tooSlow.closedAfterMs >= 5900 && tooSlow.closedAfterMs < 5900 + CLOSED_WITHIN_MS, `closed after ${Math.round(tooSlow.closedAfterMs)} ms`);
});

test('the real file upload outlives the request and idle limits: a slow upload, then a file that takes seconds to read', async (t) => {
  const { port, admin, app } = await start(t);
  const boundary = 'SlowUploadBoundary';
  const text = 'Returns are free within 30 days. '.repeat(200);
  const body = `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="returns.txt"\r\nContent-Type: text/plain\r\n\r\n${text}\r\n--${boundary}--\r\n`;
  const head =
    `POST /api/admin/training/files HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${admin.cookie}\r\nX-CSRF-Token: ${admin.csrfToken}\r\n` +
    `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  // The body arrives over about 4.5 s (past the 3 s request limit) in 30 pieces.
  const pieces = Array.from({ length: 30 }, (_, i) => body.slice(Math.floor((i * body.length) / 30), Math.floor(((i + 1) * body.length) / 30)));
  const exchange = await new Promise<RawExchange>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const started = performance.now();
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer; received: ${received}`));
    }, 30_000);
    socket.setEncoding('utf8');
    socket.on('data', (d) => {
      received += d;
      if (received.includes('"results"') && received.endsWith('}')) socket.end();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ received, closedAfterMs: performance.now() - started });
    });
    socket.on('connect', async () => {
      socket.write(head);
      for (const piece of pieces) {
        await new Promise((r) => setTimeout(r, 150));
        socket.write(piece);
      }
    });
  });
  assert.equal(statusLine(exchange.received), 'HTTP/1.1 200 OK', exchange.received);
  assert.deepEqual(
    jsonBody(exchange.received).results.map((r: { fileName: string; ok: boolean }) => [r.fileName, r.ok]),
    [['returns.txt', true]],
  );
  assert.ok(exchange.closedAfterMs > 4000, 'the upload really took longer than the request limit');
  assert.equal(app.db.prepare("SELECT count(*) FROM documents WHERE source_key = 'file:returns.txt'").pluck().get(), 1);
});
