// Every call to OpenRouter (or an OpenAI-compatible endpoint) goes through the official `openai` SDK
// with a baseURL override; tests only change that base URL, never the code path.
import OpenAI from 'openai';
import type { Config } from '../config.js';

export const APP_TITLE = 'Docent';

import type { Provider } from './schemas.js';

export { PROVIDERS, type Provider } from './schemas.js';

/** Where requests go and with which key. */
export interface Connection {
  provider: Provider;
  baseUrl: string;
  apiKey: string | null;
}

/**
 * Which service a vector came from, as stored with indexes and cached vectors: 'openrouter', or the base
 * URL of an OpenAI-compatible server. Vectors from different endpoints are never mixed, even under one model id.
 */
export type Endpoint = string;
export const OPENROUTER_ENDPOINT: Endpoint = 'openrouter';

export function endpointOf(target: { provider: Provider; baseUrl: string | null }): Endpoint {
  return target.provider === 'openrouter' ? OPENROUTER_ENDPOINT : target.baseUrl!;
}

/** The provider and base URL an endpoint stands for (OpenRouter's URL comes from the config). */
export function endpointTarget(endpoint: Endpoint): { provider: Provider; baseUrl: string | null } {
  return endpoint === OPENROUTER_ENDPOINT ? { provider: 'openrouter', baseUrl: null } : { provider: 'openai-compatible', baseUrl: endpoint };
}

export interface ClientOptions {
  /** Admin screens use short timeouts; chat streams their own. */
  timeoutMs: number;
  maxRetries?: number;
}

export const ADMIN_TIMEOUT_MS = 8_000;

/**
 * OpenRouter attributes usage to the app by these headers (X-Title is the legacy name, still read). The referer
 * stays PUBLIC_URL (its localhost default when unset), not the admin's browsing origin: training jobs and the
 * catalog refresh send it with no request to follow, and it names the app, not a link anyone opens.
 */
export function attributionHeaders(config: Pick<Config, 'publicUrl'>): Record<string, string> {
  return { 'HTTP-Referer': config.publicUrl, 'X-OpenRouter-Title': APP_TITLE, 'X-Title': APP_TITLE };
}

/** The provider's name as written inside a sentence ("Could not reach the AI endpoint"); see sentenceStart. */
export function providerLabel(provider: Provider): string {
  return provider === 'openrouter' ? 'OpenRouter' : 'the AI endpoint';
}

/** `text` capitalised to open a sentence ("The AI endpoint rejected this key"). */
export function sentenceStart(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// Clients are reused per connection and options: building one per chat message costs more than the
// rest of the message's own work. Few distinct ones exist (one key, a couple of timeouts).
const clients = new Map<string, OpenAI>();
const MAX_CLIENTS = 16;

export function createClient(connection: Connection, config: Pick<Config, 'publicUrl'>, options: ClientOptions): OpenAI {
  const key = JSON.stringify([connection.provider, connection.baseUrl, connection.apiKey, config.publicUrl, options.timeoutMs, options.maxRetries ?? 0]);
  let client = clients.get(key);
  if (!client) {
    if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value!);
    client = buildClient(connection, config, options);
    clients.set(key, client);
  }
  return client;
}

function buildClient(connection: Connection, config: Pick<Config, 'publicUrl'>, options: ClientOptions): OpenAI {
  return new OpenAI({
    baseURL: connection.baseUrl,
    // Local endpoints (Ollama, LM Studio) take no key, but the SDK insists on one.
    apiKey: connection.apiKey ?? 'no-key',
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries ?? 0,
    defaultHeaders: connection.provider === 'openrouter' ? attributionHeaders(config) : {},
  });
}
