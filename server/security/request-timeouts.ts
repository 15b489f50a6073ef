// Connection and request timeouts, so a client that sends slowly (slowloris) or not at all cannot hold
// connections open for long when no proxy sits in front of Docent. Four limits, all in Config:
//
//   headersTimeoutMs     the request line and headers must arrive within this (Node's headersTimeout)
//   requestTimeoutMs     the whole request, body included, must arrive within this (Node's requestTimeout)
//   idleTimeoutMs        a connection that sends and receives nothing for this long is closed
//                        (Fastify's connectionTimeout). Writes count as activity: a streamed answer is never
//                        cut while it streams, and its 15 s heartbeat keeps it alive while the AI thinks.
//   keepAliveTimeoutMs   an idle kept-alive connection between two requests is closed after this
//
// and one for the routes anyone may call without logging in (widget API, setup, login, webhook):
//
//   publicBodyTimeoutMs  the body must have arrived this long after the headers, whatever requestTimeoutMs
//                        says (they carry small JSON bodies; a slow one is an attack, so it dies fast)
//
// None of them limits how long the server may take to answer once a request has arrived, except the idle
// timeout for an answer that writes nothing for that long. A route that legitimately needs more (the
// file upload: a slow upload, then minutes of extraction) calls extendRequestTimeouts().
import { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';

export interface TimeoutSettings {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  idleTimeoutMs: number;
  keepAliveTimeoutMs: number;
  publicBodyTimeoutMs: number;
}

/** Routes that answer without a session: their bodies get the short deadline. */
const PUBLIC_ROUTE = /^\/api\/(widget|webhooks)\/|^\/api\/admin\/(setup|login|session)$/;

/** Until when (epoch ms) a socket's request may keep arriving although Node's requestTimeout has passed. */
const receiveAllowedUntil = Symbol('docent.receiveAllowedUntil');
type TrackedSocket = Socket & { [receiveAllowedUntil]?: number };

/** The request's own receive deadline (the public one, or one a route set), so it can be replaced. */
const receiveTimers = new WeakMap<FastifyRequest, NodeJS.Timeout>();

/**
 * The request's body is still arriving over a real connection (inject() requests have neither a
 * connection nor IncomingMessage's `complete` flag: nothing there to time out).
 */
const stillArriving = (request: FastifyRequest) => request.raw.socket instanceof Socket && !request.raw.complete;

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** A route gave this socket's request more time to arrive than Node's requestTimeout (extendRequestTimeouts). */
export function receiveExtended(socket: Socket): boolean {
  return ((socket as TrackedSocket)[receiveAllowedUntil] ?? 0) > Date.now();
}

/** Answers on the raw socket and closes it: used when the HTTP exchange itself has to be abandoned. */
export function abandon(socket: Socket, statusCode: number, message: string): void {
  if (socket.destroyed) return;
  // Nothing may be written once a response has started on this socket (it would corrupt it).
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const body = JSON.stringify({ statusCode, error: STATUS_CODES[statusCode], message });
    socket.write(
      `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\nConnection: close\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** Fastify server options (spread into Fastify({...})) that set every timeout above (Node's own timeout errors go to clientErrorHandler in http/error-handler.ts). */
export function serverTimeoutOptions(settings: TimeoutSettings) {
  return {
    connectionTimeout: settings.idleTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    keepAliveTimeout: settings.keepAliveTimeoutMs,
    http: {
      headersTimeout: settings.headersTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      // How often Node checks headersTimeout and requestTimeout (default every 30 s, so a 20 s limit could
      // take 50 s): often enough to be within a second of the limit, and a cheap walk over open requests.
      connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(settings.headersTimeoutMs / 4))),
    },
  };
}

/** (Re)starts the deadline by which `request`'s body must have arrived, counted from now. */
function armReceiveDeadline(request: FastifyRequest, ms: number): void {
  clearTimeout(receiveTimers.get(request));
  const timer = setTimeout(() => {
    receiveTimers.delete(request);
    if (!stillArriving(request)) return; // arrived: the answer may take as long as it needs
    request.log.info({ limitMs: ms }, 'request body too slow: connection closed');
    abandon(request.raw.socket, 408, `The request took too long to arrive (the limit is ${seconds(ms)}). Check your connection and try again.`);
  }, ms);
  timer.unref();
  receiveTimers.set(request, timer);
}

/**
 * Gives one request more time than the server-wide limits, for routes that legitimately need it (the
 * file upload). `receiveMs`: the whole body may take this long from now, instead of requestTimeoutMs.
 * `idleMs`: the connection may stay silent this long (both ways) until the answer is sent, e.g. while
 * files are extracted after the upload; after the answer the usual keep-alive timeout applies again.
 * Call it at the start of the handler (or in an onRequest hook), before reading the body.
 */
export function extendRequestTimeouts(request: FastifyRequest, limits: { receiveMs?: number; idleMs?: number }): void {
  const socket = request.raw.socket as TrackedSocket;
  if (!(socket instanceof Socket)) return;
  if (limits.idleMs !== undefined) socket.setTimeout(limits.idleMs);
  if (limits.receiveMs !== undefined && stillArriving(request)) {
    socket[receiveAllowedUntil] = Date.now() + limits.receiveMs;
    armReceiveDeadline(request, limits.receiveMs);
  }
}

/**
 * The hooks: public routes get the short body deadline, and an answer sent before its request finished
 * arriving (a 401 before the body, say) closes the connection, so the rest of a slow body is not waited for.
 */
export const requestTimeouts = fp(
  async (app, settings: TimeoutSettings) => {
    app.addHook('onRequest', async (request) => {
      if (!stillArriving(request)) return;
      if (PUBLIC_ROUTE.test(request.routeOptions.url ?? request.url.split('?')[0])) armReceiveDeadline(request, settings.publicBodyTimeoutMs);
    });
    app.addHook('onSend', async (request, reply) => {
      if (stillArriving(request)) reply.header('Connection', 'close');
    });
    app.addHook('onResponse', async (request) => {
      clearTimeout(receiveTimers.get(request));
      receiveTimers.delete(request);
      delete (request.raw.socket as TrackedSocket)[receiveAllowedUntil];
    });
  },
  { name: 'request-timeouts' },
);
