import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import type { SecretBox } from '../security/secret-box.js';
import type { ConfigStore } from '../stores/config-store.js';
import type { Stores } from '../stores/stores.js';
import { endpointOf, type Connection, type Endpoint, type Provider } from '../openrouter/client.js';
import type { ScheduleGate } from '../cluster/schedule.js';
import type { OpenRouterDeps } from '../openrouter/deps.js';
import { readApiKey, readApiSettings } from './api-settings.js';

/** The saved provider's endpoint: read from the settings alone, so no key is decrypted for it. */
export async function savedEndpoint(store: ConfigStore): Promise<Endpoint> {
  return endpointOf(await readApiSettings(store));
}

/** What reading the saved connection needs: the settings, the box that opens the key, the default base URL. */
export interface ConnectionDeps {
  stores: Pick<Stores, 'config'>;
  secretBox: SecretBox;
  config: Pick<Config, 'openRouterBaseUrl'>;
}

/** Where provider calls go right now: the saved provider, its base URL and the decrypted key. */
export async function currentConnection(deps: ConnectionDeps): Promise<Connection> {
  const settings = await readApiSettings(deps.stores.config);
  return {
    provider: settings.provider,
    baseUrl: settings.provider === 'openrouter' ? deps.config.openRouterBaseUrl : (settings.baseUrl ?? deps.config.openRouterBaseUrl),
    apiKey: await readApiKey(deps.stores.config, deps.secretBox),
  };
}

/**
 * A connection to another endpoint the admin is trying out (key test, model list before saving). The stored
 * key goes along only to the kind of service it was saved for: an OpenRouter key never reaches a custom URL.
 */
export async function candidateConnection(
  deps: ConnectionDeps,
  target: { provider?: Provider; baseUrl?: string | null; apiKey?: string | null },
): Promise<Connection> {
  const stored = await currentConnection(deps);
  const provider = target.provider ?? stored.provider;
  return {
    provider,
    baseUrl: provider === 'openrouter' ? deps.config.openRouterBaseUrl : (target.baseUrl ?? stored.baseUrl).replace(/\/+$/, ''),
    apiKey: target.apiKey || (provider === stored.provider ? stored.apiKey : null),
  };
}

/** The key status, balance watch and catalog refresh's dependencies, reading the saved settings when called. */
export function openRouterDeps(
  deps: ConnectionDeps & {
    stores: Pick<Stores, 'config' | 'provider' | 'chat' | 'notifications'>;
    config: Pick<Config, 'openRouterBaseUrl' | 'publicUrl'>;
    log: FastifyBaseLogger;
    schedule?: ScheduleGate;
  },
): OpenRouterDeps {
  return {
    store: deps.stores.provider,
    stores: deps.stores,
    secretBox: deps.secretBox,
    config: deps.config,
    log: deps.log,
    savedConnection: () => currentConnection(deps),
    lowBalanceUsd: async () => (await readApiSettings(deps.stores.config)).lowBalanceUsd,
    schedule: deps.schedule,
  };
}
