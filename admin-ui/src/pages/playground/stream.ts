// POST /api/admin/playground/chat and read its text/event-stream with fetch + ReadableStream
// (EventSource cannot POST). Same origin, session cookie, X-CSRF-Token like every admin write.
import { ApiError, api } from '../../api.js';

export interface SseEvent {
  event: string;
  data: unknown;
}

let csrfToken: string | null = null;

/** The session's CSRF token (api.ts keeps its own copy private; the session endpoint hands it out). */
async function getCsrfToken(refresh = false): Promise<string | null> {
  if (csrfToken && !refresh) return csrfToken;
  const info = await api.get<{ csrfToken: string | null }>('/api/admin/session', { redirectOn401: false });
  csrfToken = info.csrfToken;
  return csrfToken;
}

async function post(body: unknown, signal: AbortSignal, token: string | null): Promise<Response> {
  try {
    return await fetch('/api/admin/playground/chat', {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'text/event-stream',
        ...(token ? { 'X-CSRF-Token': token } : {}),
      },
      body: JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err;
    throw new ApiError(0, 'Could not reach the Docent server. Check your connection and try again.');
  }
}

async function errorFrom(res: Response): Promise<ApiError> {
  let body: { message?: string; fields?: Record<string, string> } = {};
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  const message = body.message || (res.status >= 500 ? 'Something went wrong on the server.' : `The request failed (HTTP ${res.status}).`);
  return new ApiError(res.status, message, body.fields ?? {});
}

/** Parses one "event: x\ndata: {…}" block; comments (": keep-alive") and blocks without data are skipped. */
export function parseBlock(block: string): SseEvent | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (!line || line.startsWith(':')) continue;
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (!data.length) return null;
  const text = data.join('\n');
  try {
    return { event, data: JSON.parse(text) };
  } catch {
    return { event, data: text };
  }
}

/**
 * Sends one Playground question and calls `onEvent` for each event as it arrives. Resolves when the
 * stream ends; rejects with ApiError (HTTP errors, with the server's message) or AbortError (Stop).
 */
export async function streamPlayground(
  body: { message: string; conversationId?: string | null },
  signal: AbortSignal,
  onEvent: (e: SseEvent) => void,
): Promise<void> {
  let res = await post(body, signal, await getCsrfToken());
  if (res.status === 403) {
    // A stale token (session renewed elsewhere): fetch a fresh one and retry once. The server rejects
    // such a request before doing anything, so the retry cannot ask twice.
    const err = await errorFrom(res);
    if (!/csrf/i.test(err.message)) throw err;
    res = await post(body, signal, await getCsrfToken(true));
  }
  if (res.status === 401) {
    // Let the app's global handler show the login screen: any admin request answering 401 triggers it.
    void api.get('/api/admin/dashboard').catch(() => {});
    throw await errorFrom(res);
  }
  if (!res.ok) throw await errorFrom(res);
  if (!res.body) throw new ApiError(0, 'The browser could not read the answer stream.');

  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, '');
        const ev = parseBlock(block);
        if (ev) onEvent(ev);
      }
    }
    buffer += decoder.decode();
    const last = parseBlock(buffer);
    if (last) onEvent(last);
  } finally {
    reader.releaseLock();
  }
}
