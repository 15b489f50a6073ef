// Which endpoint and key embed for an index. Normally the saved connection. After the admin switches
// provider (or base URL), an index built with the previous one keeps embedding questions and new chunks
// there, with the key saved then (sealed, per index), until a rebuild for the new provider replaces it:
// vectors from two endpoints are never compared, and search never goes empty in between.
import type { Config } from '../config.js';
import { createClient, endpointOf, endpointTarget, type ClientOptions, type Connection, type Provider } from '../openrouter/client.js';
import { keyOutcomeReport } from '../openrouter/key-status.js';
import { currentConnection, savedEndpoint, type ConnectionDeps } from '../settings/connection.js';
import type { OpenRouterDeps } from '../openrouter/deps.js';
import type { Stores } from '../stores/stores.js';
import { readSecret } from '../security/secrets.js';
import type { SecretWrite } from '../stores/config-store.js';
import { indexKeySecret, type VectorIndex } from '../stores/vector-store.js';
import type { EmbedderFor } from './embedder.js';

/** What finding an index's connection needs: the saved settings and secrets, and the vector indexes. */
type App = ConnectionDeps & { stores: Pick<Stores, 'config' | 'vectors'>; config: Pick<Config, 'openRouterBaseUrl' | 'publicUrl'> };

/**
 * The index was dropped after it was read: a rebuild swapped in its successor (on this node or another), and its
 * key went with it. Whoever read it reads the active index again.
 */
export class IndexReplacedError extends Error {
  constructor(index: VectorIndex) {
    super(`Search index ${index.id} was replaced while it was being used.`);
    this.name = 'IndexReplacedError';
  }
}

export async function indexConnection(app: App, index: VectorIndex, current?: Connection): Promise<Connection> {
  current ??= await currentConnection(app);
  if (index.endpoint === endpointOf(current)) return current;
  const { provider, baseUrl } = endpointTarget(index.endpoint);
  const apiKey = await readSecret(app.stores.config, app.secretBox, indexKeySecret(index));
  // No key: none was saved, or the index is gone (its key is deleted with it, in one transaction). Calling without
  // a key would be refused upstream and reported as a bad key.
  if (apiKey === null && index.id > 0 && !(await app.stores.vectors.indexById(index.id))) throw new IndexReplacedError(index);
  return { provider, baseUrl: baseUrl ?? app.config.openRouterBaseUrl, apiKey };
}

/** Clients for embedding with each index's own connection. */
export function embedderFor(app: App & { openRouterDeps: OpenRouterDeps }, options: ClientOptions, current?: Connection): EmbedderFor {
  return async (index) => {
    const connection = await indexConnection(app, index, current);
    return {
      client: createClient(connection, app.config, options),
      provider: connection.provider,
      onOutcome: keyOutcomeReport(app.openRouterDeps, connection),
    };
  };
}

/** The secret writes that let indexes built on `previous` keep its key once a new provider or base URL is saved. */
export async function keysForIndexesOn(app: App, previous: Connection): Promise<SecretWrite[]> {
  return (await app.stores.vectors.indexesOn(endpointOf(previous))).map((index) =>
    previous.apiKey
      ? { name: indexKeySecret(index), sealed: app.secretBox.seal(previous.apiKey), hint: previous.apiKey.slice(-4) }
      : { name: indexKeySecret(index), sealed: null },
  );
}

/** The index answering searches, and whether the saved provider is the one that built it. */
export interface SearchIndexView {
  provider: Provider;
  baseUrl: string | null;
  model: string;
  matchesSettings: boolean;
}

export async function searchIndexView(app: App): Promise<SearchIndexView | null> {
  const index = await app.stores.vectors.activeIndex();
  if (!index?.dimensions) return null; // nothing embedded yet: the next training follows the settings
  return { ...endpointTarget(index.endpoint), model: index.model, matchesSettings: index.endpoint === (await savedEndpoint(app.stores.config)) };
}
