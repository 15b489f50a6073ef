// Settings → API Configuration: which provider, which key, which model, whether it may reason.
import { z } from 'zod';
import type { ConfigStore, SecretWrite } from '../stores/config-store.js';
import type { SecretBox } from '../security/secret-box.js';
import { deleteSecret, readSecret, secretHint } from '../security/secrets.js';
import { readSection, updateSection } from './store.js';
import { PROVIDERS, type Provider } from '../openrouter/client.js';
import {
  DEFAULT_CHAT_MODEL,
  DEFAULT_EMBEDDING_DIMENSIONS,
  DEFAULT_EMBEDDING_MODEL,
  DEFAULT_LOW_BALANCE_USD,
  type ApiSettingsInput,
  type SavedApiSettings,
} from './schemas.js';

export * from './schemas.js';

const API_KEY_SECRET = 'provider_api_key';
const SECTION = 'api';

const StoredApiSettings = z.object({
  provider: z.enum(PROVIDERS).default('openrouter'),
  baseUrl: z.string().nullable().default(null),
  model: z.string().default(DEFAULT_CHAT_MODEL),
  fallbackModels: z.array(z.string()).max(2).default([]),
  reasoningEnabled: z.boolean().default(false),
  embeddingModel: z.string().default(DEFAULT_EMBEDDING_MODEL),
  embeddingDimensions: z.number().int().positive().default(DEFAULT_EMBEDDING_DIMENSIONS),
  /** Warn (dashboard alert) when the key can spend less than this many USD; 0 turns the warning off. */
  lowBalanceUsd: z.number().min(0).default(DEFAULT_LOW_BALANCE_USD),
  /** Outcome of the last key test, tied to the key by fingerprint so a new key starts untested. */
  keyCheck: z.object({ ok: z.boolean(), checkedAt: z.string(), fingerprint: z.string() }).nullable().default(null),
});
export type StoredApiSettings = z.output<typeof StoredApiSettings>;

export function readApiSettings(store: ConfigStore): Promise<StoredApiSettings> {
  return readSection(store, SECTION, StoredApiSettings);
}

/** Whether API Configuration was ever saved (the defaults were reviewed). */
export async function apiSettingsSaved(store: ConfigStore): Promise<boolean> {
  return (await store.readSection(SECTION)) !== undefined;
}

export function readApiKey(store: ConfigStore, box: SecretBox): Promise<string | null> {
  return readSecret(store, box, API_KEY_SECRET);
}

export async function apiSettingsView(store: ConfigStore, box: SecretBox): Promise<SavedApiSettings> {
  const { keyCheck, ...settings } = await readApiSettings(store);
  const key = await readApiKey(store, box);
  const checkStillApplies = key !== null && keyCheck?.fingerprint === connectionFingerprint(box, settings, key);
  return {
    ...settings,
    apiKey: { saved: key !== null, last4: key === null ? null : await secretHint(store, API_KEY_SECRET) },
    keyCheck: checkStillApplies ? { ok: keyCheck!.ok, checkedAt: keyCheck!.checkedAt } : null,
  };
}

export const normalizedBaseUrl = (url: string) => url.replace(/\/+$/, '');

// A test result belongs to one key on one endpoint: a new key, or the same key elsewhere, starts untested.
function connectionFingerprint(box: SecretBox, target: { provider: Provider; baseUrl: string | null }, key: string): string {
  return box.fingerprint(`${target.provider}|${target.baseUrl ?? ''}|${key}`);
}

/**
 * Saves validated input. A typed key replaces the stored one; otherwise the stored key is kept, unless the
 * provider changed: a key belongs to one service and is never sent to another.
 */
export async function saveApiSettings(store: ConfigStore, box: SecretBox, input: ApiSettingsInput, alsoSecrets: SecretWrite[] = []): Promise<SavedApiSettings> {
  const sealedKey = input.apiKey ? box.seal(input.apiKey) : null;
  await updateSection(store, SECTION, StoredApiSettings, (previous) => ({
    value: {
      ...previous,
      provider: input.provider,
      baseUrl: input.provider === 'openai-compatible' ? normalizedBaseUrl(input.baseUrl!) : null,
      model: input.model,
      fallbackModels: input.fallbackModels,
      reasoningEnabled: input.reasoningEnabled,
      lowBalanceUsd: input.lowBalanceUsd ?? previous.lowBalanceUsd,
    },
    secrets: [
      ...alsoSecrets,
      ...(sealedKey !== null
        ? [{ name: API_KEY_SECRET, sealed: sealedKey, hint: input.apiKey!.slice(-4) }]
        : input.provider !== previous.provider
          ? [{ name: API_KEY_SECRET, sealed: null }]
          : []),
    ],
  }));
  return apiSettingsView(store, box);
}

export async function removeApiKey(store: ConfigStore, box: SecretBox): Promise<SavedApiSettings> {
  await deleteSecret(store, API_KEY_SECRET);
  return apiSettingsView(store, box);
}

/** Remembers a key test outcome; it shows once that key is the stored one on that endpoint. */
export async function recordKeyCheck(
  store: ConfigStore,
  box: SecretBox,
  target: { provider: Provider; baseUrl: string | null },
  key: string,
  ok: boolean,
): Promise<void> {
  const keyCheck = { ok, checkedAt: new Date().toISOString(), fingerprint: connectionFingerprint(box, target, key) };
  await updateSection(store, SECTION, StoredApiSettings, (previous) => ({ value: { ...previous, keyCheck } }));
}

export async function updateEmbeddingModel(store: ConfigStore, model: string, dimensions: number): Promise<void> {
  await updateSection(store, SECTION, StoredApiSettings, (previous) => ({
    value: { ...previous, embeddingModel: model, embeddingDimensions: dimensions },
  }));
}
