// The one fetch wrapper: same-origin JSON, CSRF header on state-changing requests,
// errors as ApiError { status, message, fields }. A 401 sends the user to the login screen.

export class ApiError extends Error {
  readonly status: number;
  readonly fields: Record<string, string>;

  constructor(status: number, message: string, fields: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.fields = fields;
  }
}

const NETWORK_MESSAGE = 'Could not reach the Docent server. Check your connection and try again.';
const SERVER_MESSAGE = 'Something went wrong on the server.';

let csrfToken: string | null = null;
let unauthorizedHandler: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called on any 401 (except where the caller opts out, e.g. the login form itself). */
export function onUnauthorized(handler: () => void): void {
  unauthorizedHandler = handler;
}

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Default true. The login form turns this off: its 401 means "wrong password". */
  redirectOn401?: boolean;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

async function send(method: string, path: string, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (!SAFE_METHODS.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  try {
    return await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err;
    throw new ApiError(0, NETWORK_MESSAGE);
  }
}

async function readJson(res: Response): Promise<unknown> {
  if (res.status === 204) return undefined;
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toError(res: { status: number }, body: unknown): ApiError {
  const b = (body && typeof body === 'object' ? body : {}) as { message?: unknown; fields?: unknown };
  const fields: Record<string, string> = {};
  if (b.fields && typeof b.fields === 'object') {
    for (const [k, v] of Object.entries(b.fields as Record<string, unknown>)) {
      if (typeof v === 'string') fields[k] = v;
    }
  }
  let message = typeof b.message === 'string' && b.message ? b.message : '';
  if (!message) message = res.status >= 500 || res.status === 0 ? SERVER_MESSAGE : `The request failed (HTTP ${res.status}).`;
  return new ApiError(res.status, message, fields);
}

function isCsrfError(body: unknown): boolean {
  return /csrf/i.test(String((body as { message?: unknown } | undefined)?.message ?? ''));
}

/** Fetches a fresh CSRF token; false when there is none (e.g. the session is gone). */
async function refreshCsrfToken(): Promise<boolean> {
  try {
    const s = await fetch('/api/admin/session', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    const info = (await readJson(s)) as { csrfToken?: string | null } | undefined;
    if (s.ok && info?.csrfToken) {
      csrfToken = info.csrfToken;
      return true;
    }
  } catch {
    /* keep the original error */
  }
  return false;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  let res = await send(method, path, opts);
  let body = await readJson(res);

  // A stale CSRF token (e.g. the session was renewed in another tab): fetch a fresh one and retry once.
  // The server rejects such requests before doing anything, so the retry cannot apply a change twice.
  if (res.status === 403 && !SAFE_METHODS.has(method) && isCsrfError(body) && (await refreshCsrfToken())) {
    res = await send(method, path, opts);
    body = await readJson(res);
  }

  if (res.status === 401 && opts.redirectOn401 !== false) unauthorizedHandler?.();
  if (!res.ok) throw toError(res, body);
  return body as T;
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, body }),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, body }),
  patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, { ...opts, body }),
  del: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
  upload,
};

function sendForm(path: string, form: FormData, onProgress?: (fraction: number) => void): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    if (onProgress) {
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
      };
    }
    xhr.onload = () => {
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = undefined;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new ApiError(0, NETWORK_MESSAGE));
    xhr.onabort = () => reject(new ApiError(0, 'The upload was cancelled.'));
    xhr.send(form);
  });
}

/** POST multipart/form-data (file uploads), with upload progress. Same errors and CSRF handling as `request`. */
export async function upload<T>(path: string, form: FormData, onProgress?: (fraction: number) => void): Promise<T> {
  let res = await sendForm(path, form, onProgress);
  if (res.status === 403 && isCsrfError(res.body) && (await refreshCsrfToken())) res = await sendForm(path, form, onProgress);
  if (res.status === 401) unauthorizedHandler?.();
  if (res.status < 200 || res.status >= 300) throw toError(res, res.body);
  return res.body as T;
}

/** A readable message for anything thrown by `api`. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return SERVER_MESSAGE;
}
