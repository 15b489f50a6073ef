// Which endpoint and key embed for an index. Normally the saved connection. After the admin switches
// provider (or base URL), an index built with the previous one keeps embedding questions and new chunks
// there, with the key saved then (sealed, per index), until a rebuild for the new provider replaces it:
// vectors from two endpoints are never compared, and search never goes empty in between.
import type { FastifyInstance } from 'fastify';
import { createClient, endpointOf, endpointTarget, type ClientOptions, type Connection, type Provider } from '../openrouter/client.js';
import { keyOutcomeReport } from '../openrouter/key-status.js';
import { currentConnection, savedEndpoint } from '../settings/connection.js';
import { deleteSecret, readSecret, saveSecret } from '../security/secrets.js';
import { activeIndex, indexesOn, indexKeySecret, type VectorIndex } from './vector-index.js';
import type { EmbedderFor } from './embedder.js';

type App = Pick<FastifyInstance, 'db' | 'secretBox' | 'config'>;

export function indexConnection(app: App, index: VectorIndex, current: Connection = currentConnection(app)): Connection {
  if (index.endpoint === endpointOf(current)) return current;
  const { provider, baseUrl } = endpointTarget(index.endpoint);
  return { provider, baseUrl: baseUrl ?? app.config.openRouterBaseUrl, apiKey: readSecret(app.db, app.secretBox, indexKeySecret(index)) };
}

/** Clients for embedding with each index's own connection. */
export function embedderFor(
  app: App & Pick<FastifyInstance, 'openRouterDeps'>,
  options: ClientOptions,
  current: Connection = currentConnection(app),
): EmbedderFor {
  return (index) => {
    const connection = indexConnection(app, index, current);
    return {
      client: createClient(connection, app.config, options),
      provider: connection.provider,
      onOutcome: keyOutcomeReport(app.openRouterDeps, connection),
    };
  };
}

/** Call in the transaction that saves a new provider or base URL: indexes on the previous one keep its key. */
export function keepKeyForIndexesOn(app: App, previous: Connection): void {
  for (const index of indexesOn(app.db, endpointOf(previous))) {
    if (previous.apiKey) saveSecret(app.db, app.secretBox, indexKeySecret(index), previous.apiKey);
    else deleteSecret(app.db, indexKeySecret(index));
  }
}

/** The index answering searches, and whether the saved provider is the one that built it. */
export interface SearchIndexView {
  provider: Provider;
  baseUrl: string | null;
  model: string;
  matchesSettings: boolean;
}

export function searchIndexView(app: App): SearchIndexView | null {
  const index = activeIndex(app.db);
  if (!index?.dimensions) return null; // nothing embedded yet: the next training follows the settings
  return { ...endpointTarget(index.endpoint), model: index.model, matchesSettings: index.endpoint === savedEndpoint(app.db) };
}
