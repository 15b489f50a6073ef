import type { FastifyInstance } from 'fastify';
import type { Connection } from '../openrouter/client.js';
import { readApiKey, readApiSettings } from './api-settings.js';

/** Where provider calls go right now: the saved provider, its base URL and the decrypted key. */
export function currentConnection(app: Pick<FastifyInstance, 'db' | 'secretBox' | 'config'>): Connection {
  const settings = readApiSettings(app.db);
  return {
    provider: settings.provider,
    baseUrl: settings.provider === 'openrouter' ? app.config.openRouterBaseUrl : settings.baseUrl ?? app.config.openRouterBaseUrl,
    apiKey: readApiKey(app.db, app.secretBox),
  };
}
