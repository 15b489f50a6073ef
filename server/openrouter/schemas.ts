// The provider's vocabulary shared by the settings API and (as types only) the admin UI. Zod-free constants only.

/** The kinds of service Docent talks to: OpenRouter, or any server speaking the OpenAI API at a base URL. */
export const PROVIDERS = ['openrouter', 'openai-compatible'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** What the latest real outcome of calls with a key says about it. */
export const KEY_STATES = ['ok', 'invalid_key', 'payment_required', 'rate_limited', 'unreachable'] as const;
export type KeyState = (typeof KEY_STATES)[number];
