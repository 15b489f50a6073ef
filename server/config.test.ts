import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError, loadConfig } from './config.js';

test('defaults give a runnable local setup', () => {
  const config = loadConfig({});
  assert.equal(config.port, 3000);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.dataDir, path.resolve('./data'));
  assert.equal(config.databasePath, path.join(path.resolve('./data'), 'docent.db'));
  assert.equal(config.openRouterBaseUrl, 'https://openrouter.ai/api/v1');
  assert.equal(config.publicUrl, 'http://localhost:3000');
  assert.equal(config.logLevel, 'info');
  assert.equal(config.allowPrivateUrls, false);
});

test('each bad variable is named with what it must be', () => {
  const err = (() => {
    try {
      loadConfig({ PORT: 'abc', SECRET_KEY: 'short', PUBLIC_URL: 'not a url', LOG_LEVEL: 'loud' });
    } catch (e) {
      return e;
    }
  })();
  assert.ok(err instanceof ConfigError);
  assert.deepEqual(err.problems, [
    'PORT must be a number',
    'PUBLIC_URL must be the URL visitors use to reach Docent, such as https://chat.example.com',
    'SECRET_KEY must be 64 hex characters (32 bytes), e.g. from `openssl rand -hex 32`',
    'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
  ]);
  assert.match(err.message, /^Invalid configuration:\n {2}- PORT must be a number/);
});

test('port out of range, short admin password and bad flags are rejected', () => {
  assert.throws(() => loadConfig({ PORT: '70000' }), /PORT must be a port number \(0-65535\)/);
  assert.throws(() => loadConfig({ ADMIN_PASSWORD: 'short' }), /ADMIN_PASSWORD must be at least 10 characters/);
  assert.throws(() => loadConfig({ ALLOW_PRIVATE_URLS: 'maybe' }), /ALLOW_PRIVATE_URLS must be true or false/);
  assert.throws(() => loadConfig({ OPENROUTER_BASE_URL: 'openrouter' }), /OPENROUTER_BASE_URL must be a URL/);
});

test('empty variables count as unset, trailing slashes are trimmed', () => {
  const config = loadConfig({ PORT: '', PUBLIC_URL: 'https://chat.example.com/', OPENROUTER_BASE_URL: 'http://127.0.0.1:9/api/v1/' });
  assert.equal(config.port, 3000);
  assert.equal(config.publicUrl, 'https://chat.example.com');
  assert.equal(config.openRouterBaseUrl, 'http://127.0.0.1:9/api/v1');
});

test('limits on reading files and pages: defaults, overrides, and bad values named', () => {
  assert.deepEqual(loadConfig({}).ingest, {
    maxFileBytes: 50 * 1024 * 1024,
    maxFilesPerUpload: 20,
    maxPdfPages: 2000,
    maxUnpackedBytes: 200 * 1024 * 1024,
    maxTextChars: 5_000_000,
    memoryMb: 512,
    timeoutMs: 120_000,
    workers: 1,
  });
  const set = loadConfig({
    MAX_UPLOAD_MB: '10',
    MAX_FILES_PER_UPLOAD: '5',
    MAX_PDF_PAGES: '300',
    MAX_UNPACKED_MB: '50',
    MAX_TEXT_CHARS: '100000',
    INGEST_MEMORY_MB: '256',
    INGEST_TIMEOUT_MS: '30000',
    INGEST_WORKERS: '2',
  }).ingest;
  assert.deepEqual(set, {
    maxFileBytes: 10 * 1024 * 1024,
    maxFilesPerUpload: 5,
    maxPdfPages: 300,
    maxUnpackedBytes: 50 * 1024 * 1024,
    maxTextChars: 100_000,
    memoryMb: 256,
    timeoutMs: 30_000,
    workers: 2,
  });
  assert.throws(() => loadConfig({ MAX_PDF_PAGES: 'lots' }), /MAX_PDF_PAGES must be a whole number/);
  assert.throws(() => loadConfig({ INGEST_MEMORY_MB: '64' }), /INGEST_MEMORY_MB must be at least 128/);
  assert.throws(() => loadConfig({ MAX_UPLOAD_MB: '2.5' }), /MAX_UPLOAD_MB must be a whole number/);
});

test('timeouts have safe defaults, can be changed, and must fit together', () => {
  const defaults = loadConfig({});
  assert.deepEqual(
    [defaults.headersTimeoutMs, defaults.requestTimeoutMs, defaults.idleTimeoutMs, defaults.keepAliveTimeoutMs, defaults.publicBodyTimeoutMs],
    [20_000, 300_000, 60_000, 72_000, 10_000],
  );
  const changed = loadConfig({
    HEADERS_TIMEOUT_MS: '5000',
    REQUEST_TIMEOUT_MS: '1800000',
    IDLE_TIMEOUT_MS: '120000',
    KEEP_ALIVE_TIMEOUT_MS: '5000',
    PUBLIC_BODY_TIMEOUT_MS: '15000',
  });
  assert.deepEqual(
    [changed.headersTimeoutMs, changed.requestTimeoutMs, changed.idleTimeoutMs, changed.keepAliveTimeoutMs, changed.publicBodyTimeoutMs],
    [5000, 1_800_000, 120_000, 5000, 15_000],
  );
  assert.throws(() => loadConfig({ IDLE_TIMEOUT_MS: '5000' }), /IDLE_TIMEOUT_MS must be at least 20000 \(20 s\): streamed answers send a heartbeat every 15 s/);
  assert.throws(() => loadConfig({ REQUEST_TIMEOUT_MS: '0' }), /REQUEST_TIMEOUT_MS must be at least 1000 \(1 s\)/);
  assert.throws(() => loadConfig({ KEEP_ALIVE_TIMEOUT_MS: 'soon' }), /KEEP_ALIVE_TIMEOUT_MS must be a number of milliseconds/);
  assert.throws(
    () => loadConfig({ HEADERS_TIMEOUT_MS: '60000', REQUEST_TIMEOUT_MS: '30000' }),
    /HEADERS_TIMEOUT_MS must not be longer than REQUEST_TIMEOUT_MS/,
  );
  assert.throws(
    () => loadConfig({ PUBLIC_BODY_TIMEOUT_MS: '60000', REQUEST_TIMEOUT_MS: '30000' }),
    /PUBLIC_BODY_TIMEOUT_MS must not be longer than REQUEST_TIMEOUT_MS/,
  );
});

test('the job lease is 30 s unless JOB_LEASE_MS says otherwise, and not shorter than 300 ms', () => {
  assert.equal(loadConfig({}).jobLeaseMs, 30_000);
  assert.equal(loadConfig({ JOB_LEASE_MS: '2000' }).jobLeaseMs, 2000);
  assert.throws(() => loadConfig({ JOB_LEASE_MS: '100' }), /JOB_LEASE_MS must be at least 300 \(0.3 s\)/);
});

test('cluster mode: DATABASE_URL must be a PostgreSQL URL and needs the shared SECRET_KEY', () => {
  assert.equal(loadConfig({}).databaseUrl, undefined, 'SQLite unless DATABASE_URL is set');
  const key = 'ab'.repeat(32);
  const cluster = loadConfig({ DATABASE_URL: 'postgres://docent@db:5432/docent', SECRET_KEY: key });
  assert.equal(cluster.databaseUrl, 'postgres://docent@db:5432/docent');
  assert.equal(cluster.databasePoolSize, 10);
  assert.equal(loadConfig({ DATABASE_URL: 'postgresql://db/docent', SECRET_KEY: key, DATABASE_POOL_SIZE: '25' }).databasePoolSize, 25);
  assert.throws(
    () => loadConfig({ DATABASE_URL: 'postgres://docent@db:5432/docent' }),
    (err: unknown) => err instanceof ConfigError && /SECRET_KEY must be set when DATABASE_URL is \(cluster mode\)/.test(err.message),
  );
  assert.throws(
    () => loadConfig({ DATABASE_URL: 'mysql://db/docent', SECRET_KEY: key }),
    (err: unknown) => err instanceof ConfigError && /DATABASE_URL must be a PostgreSQL URL/.test(err.message),
  );
  assert.throws(
    () => loadConfig({ DATABASE_URL: 'postgres://db/docent', SECRET_KEY: key, DATABASE_POOL_SIZE: '1' }),
    (err: unknown) => err instanceof ConfigError && /DATABASE_POOL_SIZE must be at least 2/.test(err.message),
  );
});
