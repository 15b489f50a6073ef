// Starts the real Docent app on a temporary SQLite file — or, with DOCENT_TEST_BACKEND=postgres, on a fresh
// PostgreSQL database (cluster mode) — pointed at the fake OpenRouter.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse as InjectResponse } from 'fastify';
import { buildApp, type BuildOptions } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { startFakeOpenRouter, type FakeOpenRouter } from '../fakes/openrouter.js';
import { createTestDatabase, testDatabaseBaseUrl, type TestDatabase } from './postgres.js';

export const TEST_PASSWORD = 'correct horse battery';
export const PUBLIC_URL = 'https://docent.example.test';

export interface TestApp {
  app: FastifyInstance;
  fake: FakeOpenRouter;
  dataDir: string;
  /** Everything the server logged so far, as raw text. */
  logs(): string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  fake?: FakeOpenRouter;
  dataDir?: string;
  buildOptions?: Partial<BuildOptions>;
}

/** Whether this test run puts the app on PostgreSQL (the second half of `npm test`). */
export const onPostgres = () => process.env.DOCENT_TEST_BACKEND === 'postgres';

/**
 * The PostgreSQL database and shared key of a data folder: a test that restarts Docent on the same DATA_DIR gets
 * the same database back, as a node restarted with the same DATABASE_URL would.
 */
const clusterOf = new Map<string, { database: TestDatabase; secretKey: string }>();

// Databases of data folders a test kept (restart tests pass their own dataDir) are dropped when the run ends.
let dropAtExit = false;
function dropLeftoversAtExit() {
  if (dropAtExit) return;
  dropAtExit = true;
  process.once('beforeExit', () => {
    void Promise.all([...clusterOf.keys()].map((dataDir) => dropCluster(dataDir).catch(() => {})));
  });
}

async function clusterEnv(dataDir: string): Promise<Record<string, string>> {
  let cluster = clusterOf.get(dataDir);
  if (!cluster) {
    dropLeftoversAtExit();
    const baseUrl = testDatabaseBaseUrl();
    if (!baseUrl) throw new Error('DOCENT_TEST_BACKEND=postgres needs DOCENT_TEST_DATABASE_URL (npm test sets both)');
    cluster = { database: await createTestDatabase(baseUrl), secretKey: randomBytes(32).toString('hex') };
    clusterOf.set(dataDir, cluster);
  }
  return { DATABASE_URL: cluster.database.url, SECRET_KEY: cluster.secretKey };
}

async function dropCluster(dataDir: string): Promise<void> {
  const cluster = clusterOf.get(dataDir);
  clusterOf.delete(dataDir);
  await cluster?.database.drop();
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const fake = options.fake ?? (await startFakeOpenRouter());
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'docent-test-'));
  const lines: string[] = [];
  const config = loadConfig({
    DATA_DIR: dataDir,
    OPENROUTER_BASE_URL: fake.baseURL,
    PUBLIC_URL,
    LOG_LEVEL: 'info',
    ALLOW_PRIVATE_URLS: 'true',
    ...(onPostgres() && !options.env?.DATABASE_URL ? await clusterEnv(dataDir) : {}),
    ...options.env,
  });
  let app: FastifyInstance;
  try {
    app = await buildApp({ config, logStream: { write: (line: string) => void lines.push(line) }, ...options.buildOptions });
  } catch (err) {
    if (!options.fake) await fake.close();
    throw err;
  }
  return {
    app,
    fake,
    dataDir,
    logs: () => lines.join(''),
    async close() {
      await app.close();
      if (!options.fake) await fake.close();
      if (!options.dataDir) {
        rmSync(dataDir, { recursive: true, force: true });
        await dropCluster(dataDir);
      }
    },
  };
}

/** The running server over real HTTP on 127.0.0.1, for browser tests. */
export async function startDocent(options: TestAppOptions = {}): Promise<TestApp & { url: string }> {
  const testApp = await createTestApp(options);
  await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  const address = testApp.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { ...testApp, url: `http://127.0.0.1:${port}` };
}

export interface AdminClient {
  cookie: string;
  csrfToken: string;
  /** inject() with the session cookie and CSRF header already set. */
  request(method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH', url: string, payload?: unknown): Promise<InjectResponse>;
}

/** Creates the admin (first run) and returns a logged-in client. */
export async function setupAdmin(app: FastifyInstance, password = TEST_PASSWORD): Promise<AdminClient> {
  const res = await app.inject({ method: 'POST', url: '/api/admin/setup', payload: { password } });
  if (res.statusCode !== 201) throw new Error(`setup failed: ${res.statusCode} ${res.body}`);
  return clientFrom(app, res);
}

export async function login(app: FastifyInstance, password = TEST_PASSWORD): Promise<AdminClient> {
  const res = await app.inject({ method: 'POST', url: '/api/admin/login', payload: { password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return clientFrom(app, res);
}

function clientFrom(app: FastifyInstance, res: InjectResponse): AdminClient {
  const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const csrfToken = res.json().csrfToken as string;
  return {
    cookie,
    csrfToken,
    request: (method, url, payload) =>
      app.inject({
        method,
        url,
        headers: { cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': csrfToken }) },
        ...(payload === undefined ? {} : { payload: payload as object }),
      }),
  };
}
