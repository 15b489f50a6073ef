import type { FastifyInstance } from 'fastify';
import type { ConfigStore } from '../stores/config-store.js';
import { endpointOf, type Connection, type Endpoint, type Provider } from '../openrouter/client.js';
import type { OpenRouterDeps } from '../openrouter/deps.js';
import { readApiKey, readApiSettings } from './api-settings.js';

/** The saved provider's endpoint: read from the settings alone, so no key is decrypted for it. */
export async function savedEndpoint(store: ConfigStore): Promise<Endpoint> {
  return endpointOf(await readApiSettings(store));
}

/** Where provider calls go right now: the saved provider, its base URL and the decrypted key. */
export async function currentConnection(app: Pick<FastifyInstance, 'stores' | 'secretBox' | 'config'>): Promise<Connection> {
  const settings = await readApiSettings(app.stores.config);
  return {
    provider: settings.provider,
    baseUrl: settings.provider === 'openrouter' ? app.config.openRouterBaseUrl : (settings.baseUrl ?? app.config.openRouterBaseUrl),
    apiKey: await readApiKey(app.stores.config, app.secretBox),
  };
}

/**
 * A connection to another endpoint the admin is trying out (key test, model list before saving). The stored
 * key goes along only to the kind of service it was saved for: an OpenRouter key never reaches a custom URL.
 */
export async function candidateConnection(
  app: Pick<FastifyInstance, 'stores' | 'secretBox' | 'config'>,
  target: { provider?: Provider; baseUrl?: string | null; apiKey?: string | null },
): Promise<Connection> {
  const stored = await currentConnection(app);
  const provider = target.provider ?? stored.provider;
  return {
    provider,
    baseUrl: provider === 'openrouter' ? app.config.openRouterBaseUrl : (target.baseUrl ?? stored.baseUrl).replace(/\/+$/, ''),
    apiKey: target.apiKey || (provider === stored.provider ? stored.apiKey : null),
  };
}

/** The key status, balance watch and catalog refresh's dependencies, reading the saved settings when called. */
export function openRouterDeps(app: Pick<FastifyInstance, 'db' | 'stores' | 'secretBox' | 'config' | 'log'>): OpenRouterDeps {
  return {
    db: app.db,
    stores: app.stores,
    secretBox: app.secretBox,
    config: app.config,
    log: app.log,
    savedConnection: () => currentConnection(app),
    lowBalanceUsd: async () => (await readApiSettings(app.stores.config)).lowBalanceUsd,
  };
}
