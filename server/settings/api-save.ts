// Saving API Configuration, shared by the settings form (PUT /settings/api) and a settings import.
import type { Stores } from '../stores/stores.js';
import type { Config } from '../config.js';
import { endpointOf } from '../openrouter/client.js';
import { getChatModels } from '../openrouter/catalog.js';
import { keysForIndexesOn } from '../vectors/index-connection.js';
import { normalizedBaseUrl, saveApiSettings, type ApiSettingsInput, type SavedApiSettings } from './api-settings.js';
import { candidateConnection, currentConnection, type ConnectionDeps } from './connection.js';

/** What saving API settings needs: the saved connection, the model catalog, and what keeping the indexes' keys needs. */
export type ApiSaveDeps = ConnectionDeps &
  Parameters<typeof keysForIndexesOn>[0] & { stores: Pick<Stores, 'config' | 'provider'>; config: Pick<Config, 'openRouterBaseUrl' | 'publicUrl'> };

/**
 * Model ids the target provider's catalog does not list, per field: when the catalog is known, such an id is
 * a typo, not a choice. The catalog is read through candidateConnection, so the stored key never goes to
 * another provider. Empty when nothing is wrong or the catalog cannot be read.
 */
export async function unlistedModels(app: ApiSaveDeps, input: ApiSettingsInput): Promise<Record<string, string>> {
  const { models } = await getChatModels(app.stores.provider, await candidateConnection(app, input), app.config);
  const fields: Record<string, string> = {};
  if (models.length === 0) return fields;
  const known = new Set(models.map((m) => m.id));
  if (!known.has(input.model)) fields.model = `${input.model} is not in the model list. Refresh the list or choose another model.`;
  const unknownFallback = input.fallbackModels.find((m) => !known.has(m));
  if (unknownFallback) fields.fallbackModels = `${unknownFallback} is not in the model list.`;
  return fields;
}

/** Saves validated API settings; when the endpoint changes, indexes built on the old one keep its key (same transaction). */
export async function applyApiSettings(app: ApiSaveDeps, input: ApiSettingsInput): Promise<SavedApiSettings> {
  const previous = await currentConnection(app);
  const next = endpointOf({ provider: input.provider, baseUrl: input.provider === 'openai-compatible' ? normalizedBaseUrl(input.baseUrl!) : null });
  return saveApiSettings(app.stores.config, app.secretBox, input, next !== endpointOf(previous) ? await keysForIndexesOn(app, previous) : []);
}
