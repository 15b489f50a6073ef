// Shapes of the server API (see server/README.md).

export type Provider = 'openrouter' | 'openai-compatible';

/** The chat model a new key starts with (the server's default too: server/settings/api-settings.ts). */
export const DEFAULT_CHAT_MODEL = 'openai/gpt-5.4-mini';

export interface ApiSettings {
  provider: Provider;
  baseUrl: string | null;
  apiKey: { saved: boolean; last4: string | null };
  keyCheck: { ok: boolean; checkedAt: string } | null;
  /** The latest real outcome of calls with the saved key (chat, training, tests); null until there is one. */
  keyStatus: { state: KeyState; since: string; message: string | null } | null;
  /** What the saved OpenRouter key can still spend, when it could be read. */
  balance: { amount: number; source: 'credits' | 'key_limit'; checkedAt: string; low: boolean } | null;
  /** Dashboard warning below this many USD; 0 = off. */
  lowBalanceUsd: number;
  model: string;
  fallbackModels: string[];
  reasoningEnabled: boolean;
  embeddingModel: string;
  embeddingDimensions: number | null;
  /** The index answering searches; after a change of provider it stays on the old one until rebuilt. */
  searchIndex: SearchIndex | null;
}

/** Which provider an index embeds with: OpenRouter, or an OpenAI-compatible server at baseUrl. */
export interface IndexEndpoint {
  provider: Provider;
  baseUrl: string | null;
  /** False after the admin switched provider: the index still embeds through the one that built it. */
  matchesSettings: boolean;
}

export interface SearchIndex extends IndexEndpoint {
  model: string;
}

export interface ApiSettingsUpdate {
  provider: Provider;
  baseUrl?: string;
  apiKey?: string;
  model: string;
  fallbackModels: string[];
  reasoningEnabled: boolean;
  lowBalanceUsd?: number;
}

export type KeyState = 'ok' | 'invalid_key' | 'payment_required' | 'rate_limited' | 'unreachable';

export interface KeyInfo {
  label: string;
  limit: number | null;
  limitRemaining: number | null;
  usage: number;
  isFreeTier: boolean;
}

export type BalanceInfo = { available: true; amount: number } | { available: false; message: string };

export type KeyTestResult = { ok: true; key: KeyInfo | null; balance: BalanceInfo | null } | { ok: false; reason: string; message: string };

export interface ModelInfo {
  id: string;
  name: string;
  contextLength: number | null;
  promptPricePerM: number | null;
  completionPricePerM: number | null;
  free: boolean;
  reasoning: { supported: boolean; mandatory: boolean; efforts: string[] };
}

export interface ModelCatalog {
  models: ModelInfo[];
  fetchedAt: string | null;
  error: string | null;
}
