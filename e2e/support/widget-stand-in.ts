// A tiny stand-in for the Docent server's Widget API (server/README.md, "Widget"), with scripted answers.
// It exists only for the widget's front-end tests (e2e/widget-ui.test.ts); the full-stack e2e runs
// against the real server. It also serves dist/widget/ (widget.js, panel-<hash>.js) from its root.
//
// Scripted answers, chosen by a keyword in the visitor's message:
//   "xss"   – an answer full of HTML/JS payloads       "error" – an `error` event: a calm message, a Q&A answer, sources
//   "slow"  – a long answer, one token every 250 ms    "hang"  – `start`, then silence (client timeout)
//   "rate"  – HTTP 429 before the stream               "nomatch" – the admin's "I don't know" (`done` answered: false)
//   anything else – a Markdown answer with sources
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WIDGET_DIST = fileURLToPath(new URL('../../dist/widget/', import.meta.url));

export interface Source {
  title: string;
  url: string;
}
export interface StoredMessage {
  id: string;
  role: 'user' | 'assistant';
  text: string;
  sources: Source[];
  feedback: 'up' | 'down' | null;
  createdAt: string;
}

export const DEFAULT_CONFIG = {
  botName: 'Docent',
  avatarUrl: null as string | null,
  primaryColor: '#2271b1',
  position: 'bottom-right',
  welcomeMessage: 'Hi! Ask me anything about **Acme Docs**.',
  suggestedQuestions: ['How do I install it?', 'What does it cost?'],
  disclosure: 'AI-generated answers. Check important information.',
  language: 'auto',
  openOnLoad: false,
  strings: {} as Record<string, string>,
  contact: null as { label: string | null; url: string | null; email: string | null } | null,
};

export const ANSWER =
  'Hello 👋 **Docent** answers from *your* own content.\n\n' +
  'To install it:\n\n' +
  '1. Run `npm install`\n' +
  '2. Start it with `npm start`\n\n' +
  'See [the guide](https://example.com/docs/start) or https://example.com/faq for more.';
export const SOURCES: Source[] = [
  { title: 'Getting started', url: 'https://example.com/docs/start' },
  { title: 'Pricing', url: 'https://example.com/pricing' },
];
export const XSS_ANSWER =
  'Payloads: <img src=x onerror="window.__pwned=1;alert(1)"> and <script>window.__pwned=2;alert(2)</script>\n\n' +
  '[x](javascript:alert(1)) [y](JaVaScRiPt:alert(3)) [z](data:text/html,<script>alert(4)</script>) ' +
  '![pixel](https://example.com/track.png) [ok](https://example.com/safe)\n\n' +
  '<a href="javascript:alert(5)">raw</a> <b onmouseover=alert(6)>bold?</b>';
export const ERROR_MESSAGE = "Sorry, I can't answer right now, but this may help:";
/** As an older server may still send them: a source without a URL is never shown. */
export const ERROR_SOURCES = [
  { title: 'Warranty terms', url: 'https://example.com/warranty' },
  { title: 'internal-notes.pdf', url: null },
];
export const ERROR_ANSWERS = [
  {
    question: 'What does the warranty cover?',
    answer: 'Manufacturing faults, for **two years** from delivery. <img src=x onerror="window.__pwned=9">\n\nClaims: https://example.com/claims',
  },
];
export const NO_ANSWER = "Sorry, I couldn't find that on this site. Try asking in another way, or contact us directly.";
export const SLOW_ANSWER = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');

export interface StandIn {
  origin: string;
  scriptUrl: string;
  /** Served as WidgetConfig; mutate freely between tests. */
  config: typeof DEFAULT_CONFIG;
  /** Origins the widget API answers (CORS); others get 403 without CORS headers. */
  allowedOrigins: Set<string>;
  conversations: Map<string, { visitorId: string; messages: StoredMessage[] }>;
  chats: { visitorId: string; conversationId: string | null; message: string }[];
  feedback: { visitorId: string; messageId: string; value: string | null }[];
  /** Every request as "METHOD /path" (with the query string). */
  log: string[];
  /** Chat streams the client closed before the end (Stop). */
  aborted: number;
  tokenDelayMs: number;
  close(): Promise<void>;
}

const VISITOR = /^[A-Za-z0-9_-]{8,64}$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function listen(server: Server, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve) => server.listen(0, host, () => resolve(`http://${host}:${(server.address() as AddressInfo).port}`)));
}
function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
function json(res: ServerResponse, status: number, body?: unknown) {
  res.writeHead(status, body === undefined ? {} : { 'Content-Type': 'application/json' });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}
function httpError(res: ServerResponse, statusCode: number, error: string, message: string) {
  json(res, statusCode, { statusCode, error, message });
}
async function readJson(req: IncomingMessage): Promise<any> {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
/** Answer text cut into small, uneven tokens, as a model would stream them. */
function tokens(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    const n = 2 + ((i * 7) % 5);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

export async function startWidgetStandIn(): Promise<StandIn> {
  const state: Omit<StandIn, 'origin' | 'scriptUrl' | 'close'> = {
    config: structuredClone(DEFAULT_CONFIG),
    allowedOrigins: new Set(),
    conversations: new Map(),
    chats: [],
    feedback: [],
    log: [],
    aborted: 0,
    tokenDelayMs: 70,
  };

  async function chat(req: IncomingMessage, res: ServerResponse) {
    const body = await readJson(req);
    if (!body || typeof body.visitorId != 'string' || !VISITOR.test(body.visitorId) || typeof body.message != 'string' || !body.message.trim()) {
      return httpError(res, 400, 'Bad Request', 'body must be { visitorId, conversationId?, message }');
    }
    const { visitorId, message } = body as { visitorId: string; message: string };
    let conversationId: string | null = body.conversationId ?? null;
    state.chats.push({ visitorId, conversationId, message });
    if (conversationId != null) {
      const conv = state.conversations.get(conversationId);
      if (!conv || conv.visitorId != visitorId) return httpError(res, 404, 'Not Found', 'conversation not found');
    }
    const kind = /xss|error|slow|hang|rate|nomatch/.exec(message.toLowerCase())?.[0] ?? 'answer';
    if (kind == 'rate') return httpError(res, 429, 'Too Many Requests', 'You are sending messages quickly. Please wait a minute and try again.');

    if (conversationId == null) {
      conversationId = randomUUID();
      state.conversations.set(conversationId, { visitorId, messages: [] });
    }
    const conv = state.conversations.get(conversationId)!;
    const now = () => new Date().toISOString();
    conv.messages.push({ id: randomUUID(), role: 'user', text: message, sources: [], feedback: null, createdAt: now() });
    const messageId = randomUUID();

    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    let open = true;
    res.on('close', () => {
      if (open) {
        open = false;
        state.aborted++;
      }
    });
    const send = async (event: string, data: unknown, split = false) => {
      if (!open) return;
      const bytes = Buffer.from(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      if (!split) {
        res.write(bytes);
        return;
      }
      // Split mid-event (and possibly mid-UTF-8 character) to exercise the client's stream parser.
      const cut = Math.floor(bytes.length / 2);
      res.write(bytes.subarray(0, cut));
      await sleep(5);
      if (open) res.write(bytes.subarray(cut));
    };
    const finish = () => {
      if (open) {
        open = false;
        res.end();
      }
    };
    const stream = async (text: string, delay: number) => {
      let i = 0;
      for (const t of tokens(text)) {
        if (!open) return false;
        await send('token', { text: t }, i % 3 == 0);
        if (i++ == 4) res.write(': ping\n\n');
        await sleep(delay);
      }
      return open;
    };

    await send('start', { conversationId, messageId });
    if (kind == 'hang') return; // nothing more, ever (until the client gives up)
    await sleep(150);
    await send('thinking', {});
    await sleep(250);
    await send('thinking', {});

    if (kind == 'error') {
      await sleep(150);
      await send('error', { code: 'unavailable', message: ERROR_MESSAGE, sources: ERROR_SOURCES, answers: ERROR_ANSWERS });
      return finish();
    }
    if (kind == 'nomatch') {
      await send('token', { text: NO_ANSWER });
      conv.messages.push({ id: messageId, role: 'assistant', text: NO_ANSWER, sources: [], feedback: null, createdAt: now() });
      await send('done', { messageId, answered: false });
      return finish();
    }
    const text = kind == 'xss' ? XSS_ANSWER : kind == 'slow' ? SLOW_ANSWER : ANSWER;
    const sources =
      kind == 'xss'
        ? [
            { title: 'Bad', url: 'javascript:alert(7)' },
            { title: 'Good', url: 'https://example.com/good' },
          ]
        : SOURCES;
    if (!(await stream(text, kind == 'slow' ? 250 : kind == 'xss' ? 5 : state.tokenDelayMs))) return;
    await send('sources', { sources });
    conv.messages.push({ id: messageId, role: 'assistant', text, sources, feedback: null, createdAt: now() });
    await send('done', { messageId, answered: true });
    finish();
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL) {
    const origin = req.headers.origin ?? (req.headers.referer ? new URL(req.headers.referer).origin : undefined);
    if (!origin || !state.allowedOrigins.has(origin)) return httpError(res, 403, 'Forbidden', 'origin not allowed');
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    if (req.method == 'OPTIONS') {
      res.writeHead(204, { 'Access-Control-Allow-Methods': 'GET, POST', 'Access-Control-Allow-Headers': 'Content-Type', 'Access-Control-Max-Age': '600' });
      return res.end();
    }
    const route = `${req.method} ${url.pathname}`;
    if (route == 'GET /api/widget/config') return json(res, 200, state.config);
    if (route == 'POST /api/widget/chat') return chat(req, res);
    if (route == 'GET /api/widget/history') {
      const visitorId = url.searchParams.get('visitorId') ?? '';
      const conversationId = url.searchParams.get('conversationId') ?? '';
      const conv = state.conversations.get(conversationId);
      if (!VISITOR.test(visitorId)) return httpError(res, 400, 'Bad Request', 'invalid visitorId');
      if (!conv || conv.visitorId != visitorId) return httpError(res, 404, 'Not Found', 'conversation not found');
      return json(res, 200, { conversationId, messages: conv.messages });
    }
    if (route == 'POST /api/widget/feedback') {
      const body = await readJson(req);
      if (!body || !VISITOR.test(body.visitorId ?? '') || typeof body.messageId != 'string' || !['up', 'down', null].includes(body.value)) {
        return httpError(res, 400, 'Bad Request', 'body must be { visitorId, messageId, value }');
      }
      state.feedback.push({ visitorId: body.visitorId, messageId: body.messageId, value: body.value });
      for (const conv of state.conversations.values()) {
        const m = conv.messages.find((x) => x.id == body.messageId && conv.visitorId == body.visitorId);
        if (m) m.feedback = body.value;
      }
      return json(res, 204);
    }
    return httpError(res, 404, 'Not Found', 'no such route');
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    state.log.push(`${req.method} ${url.pathname}${url.search}`);
    try {
      if (url.pathname.startsWith('/api/widget/')) return await api(req, res, url);
      const name = /^\/((?:widget|panel-[0-9a-f]+)\.(?:js|css))$/.exec(url.pathname)?.[1];
      if (req.method == 'GET' && name) {
        const body = await readFile(join(WIDGET_DIST, name)).catch(() => null);
        if (body) {
          res.writeHead(200, { 'Content-Type': name.endsWith('.css') ? 'text/css' : 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' });
          return res.end(body);
        }
      }
      httpError(res, 404, 'Not Found', 'not found');
    } catch (e) {
      if (!res.headersSent) httpError(res, 500, 'Internal Server Error', String(e));
      else res.destroy();
    }
  });
  const origin = await listen(server);
  return Object.assign(state, { origin, scriptUrl: `${origin}/widget.js`, close: () => close(server) });
}

/** A "customer website" on another origin (its own port), serving pages the tests register. */
export interface HostSite {
  origin: string;
  pages: Map<string, string>;
  close(): Promise<void>;
}

export async function startHostSite(): Promise<HostSite> {
  const pages = new Map<string, string>();
  const server = createServer((req, res) => {
    const html = pages.get(new URL(req.url ?? '/', 'http://host').pathname);
    res.writeHead(html ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not found');
  });
  const origin = await listen(server);
  return { origin, pages, close: () => close(server) };
}
