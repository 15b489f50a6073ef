import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/database.js';
import { endpointOf, type Connection, type Endpoint, type Provider } from '../openrouter/client.js';
import type { OpenRouterDeps } from '../openrouter/deps.js';
import { readApiKey, readApiSettings } from './api-settings.js';

/** The saved provider's endpoint: read from the settings alone, so no key is decrypted for it. */
export function savedEndpoint(db: Db): Endpoint {
  return endpointOf(readApiSettings(db));
}

/** Where provider calls go right now: the saved provider, its base URL and the decrypted key. */
export function currentConnection(app: Pick<FastifyInstance, 'db' | 'secretBox' | 'config'>): Connection {
  const settings = readApiSettings(app.db);
  return {
    provider: settings.provider,
    baseUrl: settings.provider === 'openrouter' ? app.config.openRouterBaseUrl : (settings.baseUrl ?? app.config.openRouterBaseUrl),
    apiKey: readApiKey(app.db, app.secretBox),
  };
}

/**
 * A connection to another endpoint the admin is trying out (key test, model list before saving). The stored
 * key goes along only to the kind of service it was saved for: an OpenRouter key never reaches a custom URL.
 */
export function candidateConnection(
  app: Pick<FastifyInstance, 'db' | 'secretBox' | 'config'>,
  target: { provider?: Provider; baseUrl?: string | null; apiKey?: string | null },
): Connection {
  const stored = currentConnection(app);
  const provider = target.provider ?? stored.provider;
  return {
    provider,
    baseUrl: provider === 'openrouter' ? app.config.openRouterBaseUrl : (target.baseUrl ?? stored.baseUrl).replace(/\/+$/, ''),
    apiKey: target.apiKey || (provider === stored.provider ? stored.apiKey : null),
  };
}

/** The key status, balance watch and catalog refresh's dependencies, reading the saved settings when called. */
export function openRouterDeps(app: Pick<FastifyInstance, 'db' | 'secretBox' | 'config' | 'log'>): OpenRouterDeps {
  return {
    db: app.db,
    secretBox: app.secretBox,
    config: app.config,
    log: app.log,
    savedConnection: () => currentConnection(app),
    lowBalanceUsd: () => readApiSettings(app.db).lowBalanceUsd,
  };
}
