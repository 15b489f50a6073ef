// Settings → API Configuration: which provider, which key, which model, whether it may reason.
import { z } from 'zod';
import type { ConfigStore, SecretWrite } from '../stores/config-store.js';
import type { SecretBox } from '../security/secret-box.js';
import { deleteSecret, readSecret, secretHint } from '../security/secrets.js';
import { readSection, updateSection } from './store.js';
import { PROVIDERS, type Provider } from '../openrouter/client.js';

export const DEFAULT_CHAT_MODEL = 'openai/gpt-5.4-mini';
export const DEFAULT_EMBEDDING_MODEL = 'openai/text-embedding-3-small';
export const DEFAULT_EMBEDDING_DIMENSIONS = 1536;
export const OPENROUTER_KEY_PATTERN = /^sk-or-v1-[0-9a-f]{64}$/;
export const OPENROUTER_KEY_FORMAT_MESSAGE = 'OpenRouter keys look like sk-or-v1-… (64 hex characters after the prefix).';
export const DEFAULT_LOW_BALANCE_USD = 1;
const MAX_LOW_BALANCE_USD = 10_000;
const LOW_BALANCE_MESSAGE = `Enter an amount in US dollars from 0 to ${MAX_LOW_BALANCE_USD.toLocaleString('en')} (0 turns the warning off).`;
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

const modelId = z
  .string()
  .trim()
  .min(1, 'Choose a model.')
  .max(200, 'Model id is too long.')
  .regex(/^[\w.\-:/~@]+$/, 'Model ids look like openai/gpt-5.4-mini.');

export const ApiSettingsInput = z
  .object({
    provider: z.enum(PROVIDERS, { message: 'Choose OpenRouter or an OpenAI-compatible endpoint.' }),
    baseUrl: z.string().trim().max(2000).nullish(),
    apiKey: z.string().trim().max(500, 'That key is too long.').optional(),
    model: modelId,
    fallbackModels: z.array(modelId).max(2, 'Choose at most two fallback models.').default([]),
    reasoningEnabled: z.boolean({ message: 'Reasoning must be on or off.' }),
    /** Left out: the saved threshold stays. */
    lowBalanceUsd: z.number({ message: LOW_BALANCE_MESSAGE }).min(0, LOW_BALANCE_MESSAGE).max(MAX_LOW_BALANCE_USD, LOW_BALANCE_MESSAGE).optional(),
  })
  .superRefine((input, ctx) => {
    if (input.provider === 'openrouter' && input.apiKey && !OPENROUTER_KEY_PATTERN.test(input.apiKey)) {
      ctx.addIssue({ code: 'custom', path: ['apiKey'], message: OPENROUTER_KEY_FORMAT_MESSAGE });
    }
    if (input.provider === 'openai-compatible') {
      if (!input.baseUrl) ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: "Enter the endpoint's base URL, e.g. http://localhost:11434/v1." });
      else if (!isHttpUrl(input.baseUrl)) ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: 'The base URL must start with http:// or https://.' });
      if (input.apiKey && /\s/.test(input.apiKey)) ctx.addIssue({ code: 'custom', path: ['apiKey'], message: 'API keys cannot contain spaces.' });
    }
    const fallbacks = input.fallbackModels;
    if (fallbacks.includes(input.model))
      ctx.addIssue({ code: 'custom', path: ['fallbackModels'], message: 'A fallback model must differ from the main model.' });
    if (new Set(fallbacks).size !== fallbacks.length)
      ctx.addIssue({ code: 'custom', path: ['fallbackModels'], message: 'Each fallback model can be chosen once.' });
  });
export type ApiSettingsInput = z.output<typeof ApiSettingsInput>;

export interface ApiSettingsView {
  provider: Provider;
  baseUrl: string | null;
  apiKey: { saved: boolean; last4: string | null };
  keyCheck: { ok: boolean; checkedAt: string } | null;
  model: string;
  fallbackModels: string[];
  reasoningEnabled: boolean;
  embeddingModel: string;
  embeddingDimensions: number;
  lowBalanceUsd: number;
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

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

export async function apiSettingsView(store: ConfigStore, box: SecretBox): Promise<ApiSettingsView> {
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
export async function saveApiSettings(store: ConfigStore, box: SecretBox, input: ApiSettingsInput, alsoSecrets: SecretWrite[] = []): Promise<ApiSettingsView> {
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

export async function removeApiKey(store: ConfigStore, box: SecretBox): Promise<ApiSettingsView> {
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
