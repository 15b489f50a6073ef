// Docent as a real child process (`node server/main.ts`), for tests that kill it (SIGKILL mid-job, a node of a
// cluster dying) or stop it (SIGTERM: the drain), and the admin API over real HTTP with a session cookie.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { PROJECT_ROOT } from '../../server/paths.js';
import { freePort } from './free-port.js';
import { TEST_PASSWORD } from './harness.js';

export interface DocentProcess {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  exited: Promise<number | null>;
  /** Sends the signal and resolves with the exit code once it has exited. */
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<number | null>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts Docent with `env` on a free port (or `port`), resolving once `readyPath` answers 200. The process is
 * SIGKILLed after the test if it still runs.
 */
export async function startDocentProcess(
  t: { after(fn: () => unknown): void },
  env: NodeJS.ProcessEnv,
  options: { port?: number; readyPath?: string; timeoutMs?: number } = {},
): Promise<DocentProcess> {
  const port = options.port ?? (await freePort());
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    ADMIN_PASSWORD: TEST_PASSWORD,
    LOG_LEVEL: 'warn',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ...env,
  };
  delete childEnv.NODE_TEST_CONTEXT; // the child is a server, not part of this test run
  delete childEnv.NODE_OPTIONS;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: PROJECT_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => {
    output += d;
  });
  child.stderr!.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Docent exited while starting (code ${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${url}${options.readyPath ?? '/healthz'}`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`Docent did not start within ${(options.timeoutMs ?? 30_000) / 1000} s:\n${output}`);
    await sleep(50);
  }
  return {
    url,
    port,
    process: child,
    output: () => output,
    exited,
    async stop(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface AdminHttp {
  request<T = any>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/** Logs in over HTTP and returns a client that sends the session cookie and CSRF token. */
export async function adminLogin(baseUrl: string, password = TEST_PASSWORD): Promise<AdminHttp> {
  const res = await fetch(`${baseUrl}/api/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return {
    async request(method, url, body) {
      const headers: Record<string, string> = { cookie };
      if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const r = await fetch(`${baseUrl}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : null };
    },
  };
}
