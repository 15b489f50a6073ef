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
  const err = (() => { try { loadConfig({ PORT: 'abc', SECRET_KEY: 'short', PUBLIC_URL: 'not a url', LOG_LEVEL: 'loud' }); } catch (e) { return e; } })();
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
