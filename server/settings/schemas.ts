// API Configuration: the shapes of its admin API, shared by the routes, the tests and (as types only) the admin UI.
// Zod only: no database or Fastify import.
import { z } from 'zod';
import { KEY_STATES, PROVIDERS, type Provider } from '../openrouter/schemas.js';

export type { KeyState, Provider } from '../openrouter/schemas.js';

export const DEFAULT_CHAT_MODEL = 'openai/gpt-5.4-mini';
export const DEFAULT_EMBEDDING_MODEL = 'openai/text-embedding-3-small';
export const DEFAULT_EMBEDDING_DIMENSIONS = 1536;
export const OPENROUTER_KEY_PATTERN = /^sk-or-v1-[0-9a-f]{64}$/;
export const OPENROUTER_KEY_FORMAT_MESSAGE = 'OpenRouter keys look like sk-or-v1-… (64 hex characters after the prefix).';
export const DEFAULT_LOW_BALANCE_USD = 1;
const MAX_LOW_BALANCE_USD = 10_000;
const LOW_BALANCE_MESSAGE = `Enter an amount in US dollars from 0 to ${MAX_LOW_BALANCE_USD.toLocaleString('en')} (0 turns the warning off).`;

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
/** The request body of `PUT /api/admin/settings/api` (what the admin's form sends). */
export type ApiSettingsUpdate = z.input<typeof ApiSettingsInput>;

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** The saved settings as the service returns them (the route adds the key's status, balance and search index). */
export interface SavedApiSettings {
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

/** The index answering searches; after a change of provider it stays on the old one until rebuilt. */
export const SearchIndex = z.object({ provider: z.enum(PROVIDERS), baseUrl: z.string().nullable(), model: z.string(), matchesSettings: z.boolean() });
export type SearchIndex = z.output<typeof SearchIndex>;

/** `GET|PUT /api/admin/settings/api`. */
export const ApiSettingsView = z.object({
  provider: z.enum(PROVIDERS),
  baseUrl: z.string().nullable(),
  apiKey: z.object({ saved: z.boolean(), last4: z.string().nullable() }),
  keyCheck: z.object({ ok: z.boolean(), checkedAt: z.string() }).nullable(),
  /** The latest real outcome of calls with the saved key (chat, training, tests); null until there is one. */
  keyStatus: z.object({ state: z.enum(KEY_STATES), since: z.string(), message: z.string().nullable() }).nullable(),
  /** What the saved OpenRouter key can still spend, when it could be read. */
  balance: z.object({ amount: z.number(), source: z.enum(['credits', 'key_limit']), checkedAt: z.string(), low: z.boolean() }).nullable(),
  /** Dashboard warning below this many USD; 0 = off. */
  lowBalanceUsd: z.number(),
  model: z.string(),
  fallbackModels: z.array(z.string()),
  reasoningEnabled: z.boolean(),
  embeddingModel: z.string(),
  embeddingDimensions: z.number(),
  searchIndex: SearchIndex.nullable(),
});
export type ApiSettings = z.output<typeof ApiSettingsView>;

/** `POST /api/admin/settings/api/test`. */
export const KeyTestRequest = z.object({
  apiKey: z.string().trim().max(500).optional(),
  provider: z.enum(PROVIDERS).optional(),
  baseUrl: z.string().trim().url('Enter a valid base URL.').optional(),
});

export const KeyTestResult = z.union([
  z.object({
    ok: z.literal(true),
    key: z
      .object({ label: z.string(), limit: z.number().nullable(), limitRemaining: z.number().nullable(), usage: z.number(), isFreeTier: z.boolean() })
      .nullable(),
    balance: z.union([z.object({ available: z.literal(true), amount: z.number() }), z.object({ available: z.literal(false), message: z.string() })]).nullable(),
  }),
  z.object({ ok: z.literal(false), reason: z.enum(['rejected', 'unreachable', 'error']), message: z.string() }),
]);
export type KeyTestResult = z.output<typeof KeyTestResult>;

const ReasoningInfo = z.object({
  supported: z.boolean(),
  mandatory: z.boolean(),
  efforts: z.array(z.string()).nullable(),
  defaultEffort: z.string().nullable(),
  supportsMaxTokens: z.boolean(),
});
export const ModelInfo = z.object({
  id: z.string(),
  name: z.string(),
  contextLength: z.number().nullable(),
  maxOutputTokens: z.number().nullable(),
  promptPricePerM: z.number().nullable(),
  completionPricePerM: z.number().nullable(),
  free: z.boolean(),
  reasoning: ReasoningInfo,
});
export type ModelInfo = z.output<typeof ModelInfo>;

export const EmbeddingModelInfo = z.object({
  id: z.string(),
  name: z.string(),
  dimensions: z.number().nullable(),
  promptPricePerM: z.number().nullable(),
  contextLength: z.number().nullable(),
});
export type EmbeddingModelInfo = z.output<typeof EmbeddingModelInfo>;

const catalogOf = <T extends z.ZodType>(item: T) => z.object({ models: z.array(item), fetchedAt: z.string().nullable(), error: z.string().nullable() });
/** `GET /api/admin/models`. */
export const ModelCatalog = catalogOf(ModelInfo);
export type ModelCatalog = z.output<typeof ModelCatalog>;
/** `GET /api/admin/embedding-models`. */
export const EmbeddingModelCatalog = catalogOf(EmbeddingModelInfo);
export type EmbeddingModelCatalog = z.output<typeof EmbeddingModelCatalog>;

/** `?refresh=1` reads the catalog from the provider instead of the day's cache. */
export const RefreshQuery = z.object({ refresh: z.enum(['0', '1', 'true', 'false']).optional() });
