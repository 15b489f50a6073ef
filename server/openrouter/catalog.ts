// The model catalog (GET /models, GET /embeddings/models), cached in the database: the dropdown opens
// instantly, survives an OpenRouter outage, and is refreshed daily or when the admin asks.
import type { Config } from '../config.js';
import type { CatalogKind, ProviderStore } from '../stores/provider-store.js';
import { ADMIN_TIMEOUT_MS, createClient, type Connection } from './client.js';
import { describeUpstreamError } from './errors.js';
import type { KeyOutcomeReport } from './key-status.js';
import { NO_REASONING, type ReasoningCapability } from './reasoning.js';

export type { CatalogKind };
export const CATALOG_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface ModelInfo {
  id: string;
  name: string;
  contextLength: number | null;
  maxOutputTokens: number | null;
  promptPricePerM: number | null;
  completionPricePerM: number | null;
  free: boolean;
  reasoning: ReasoningCapability;
}

export interface EmbeddingModelInfo {
  id: string;
  name: string;
  dimensions: number | null;
  promptPricePerM: number | null;
  contextLength: number | null;
}

export interface Catalog<T> {
  models: T[];
  fetchedAt: string | null;
  error: string | null;
}

// The catalog does not list embedding dimensions; these are the providers' published defaults.
// Unknown models learn theirs from the first embedding response.
const KNOWN_EMBEDDING_DIMENSIONS: Record<string, number> = {
  'openai/text-embedding-3-small': 1536,
  'openai/text-embedding-3-large': 3072,
  'openai/text-embedding-ada-002': 1536,
  'google/gemini-embedding-001': 3072,
  'mistralai/mistral-embed-2312': 1024,
  'qwen/qwen3-embedding-8b': 4096,
  'liquid/lfm-2.5-embedding-350m:free': 1024,
};

export function knownEmbeddingDimensions(model: string): number | null {
  return KNOWN_EMBEDDING_DIMENSIONS[model] ?? null;
}

/** USD per token as a string → USD per 1M tokens; routers use "-1" for "varies". */
function pricePerMillion(value: unknown): number | null {
  const n = typeof value === 'string' || typeof value === 'number' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < 0) return null;
  return Math.round(n * 1e6 * 1e6) / 1e6;
}

type RawModel = Record<string, any>;

export function toModelInfo(raw: RawModel): ModelInfo {
  const r = raw.reasoning;
  // Routers (openrouter/auto, /free) list every parameter but have no reasoning profile of their own.
  const isRouter = raw.architecture?.tokenizer === 'Router';
  const supportsParam = !isRouter && Array.isArray(raw.supported_parameters) && raw.supported_parameters.includes('reasoning');
  const reasoning: ReasoningCapability =
    r && typeof r === 'object'
      ? {
          supported: true,
          mandatory: r.mandatory === true,
          efforts: Array.isArray(r.supported_efforts) ? r.supported_efforts.map(String) : null,
          defaultEffort: typeof r.default_effort === 'string' ? r.default_effort : null,
          supportsMaxTokens: r.supports_max_tokens === true,
        }
      : supportsParam
        ? { ...NO_REASONING, supported: true }
        : NO_REASONING;
  const id = String(raw.id);
  return {
    id,
    name: String(raw.name ?? id),
    contextLength: Number(raw.context_length ?? raw.top_provider?.context_length) || null,
    maxOutputTokens: Number(raw.top_provider?.max_completion_tokens) || null,
    promptPricePerM: pricePerMillion(raw.pricing?.prompt),
    completionPricePerM: pricePerMillion(raw.pricing?.completion),
    free: id.endsWith(':free'),
    reasoning,
  };
}

export function toEmbeddingModelInfo(raw: RawModel): EmbeddingModelInfo {
  const id = String(raw.id);
  return {
    id,
    name: String(raw.name ?? id),
    dimensions: knownEmbeddingDimensions(id),
    promptPricePerM: pricePerMillion(raw.pricing?.prompt),
    contextLength: Number(raw.context_length) || null,
  };
}

const cacheKey = (c: Connection) => `${c.provider}|${c.provider === 'openrouter' ? '' : c.baseUrl}`;

const readCache = (store: ProviderStore, kind: CatalogKind, connection: Connection) =>
  store.readCatalog(kind, cacheKey(connection)) as Promise<{ fetchedAt: number; models: RawModel[] } | null>;

async function fetchRaw(kind: CatalogKind, connection: Connection, config: Pick<Config, 'publicUrl'>): Promise<RawModel[]> {
  const client = createClient(connection, config, { timeoutMs: ADMIN_TIMEOUT_MS });
  if (connection.provider !== 'openrouter') {
    // OpenAI-compatible servers list every model together; embedding models are told apart by name.
    const { data } = await client.get<{ data: RawModel[] }>('/models');
    const isEmbedding = (m: RawModel) => /embed/i.test(String(m.id));
    return (data ?? []).filter((m) => (kind === 'embedding' ? isEmbedding(m) : !isEmbedding(m)));
  }
  const { data } = await client.get<{ data: RawModel[] }>(kind === 'chat' ? '/models' : '/embeddings/models');
  if (!Array.isArray(data)) throw new Error('catalog response has no data array');
  return data;
}

/** Fetches now and replaces the cache; on failure the cache is kept. */
export async function refreshCatalog(
  store: ProviderStore,
  kind: CatalogKind,
  connection: Connection,
  config: Pick<Config, 'publicUrl'>,
  report?: KeyOutcomeReport,
): Promise<string | null> {
  try {
    const models = await fetchRaw(kind, connection, config);
    // OpenRouter's lists ignore the key: they only show that OpenRouter answers. Other endpoints check it.
    report?.({ ok: true, call: connection.provider === 'openrouter' ? 'keyless' : 'key' });
    await store.saveCatalog(kind, cacheKey(connection), { fetchedAt: Date.now(), models });
    return null;
  } catch (err) {
    const problem = describeUpstreamError(connection.provider, err, ADMIN_TIMEOUT_MS);
    report?.({ ok: false, call: connection.provider === 'openrouter' ? 'keyless' : 'key', problem });
    return `Could not refresh the model list: ${problem.message}`;
  }
}

async function getCatalog<T>(
  store: ProviderStore,
  kind: CatalogKind,
  connection: Connection,
  config: Pick<Config, 'publicUrl'>,
  map: (raw: RawModel) => T,
  options: CatalogOptions = {},
): Promise<Catalog<T>> {
  const now = options.now ?? Date.now();
  let cached = await readCache(store, kind, connection);
  let error: string | null = null;
  if (options.refresh || !cached || now - cached.fetchedAt > CATALOG_MAX_AGE_MS) {
    error = await refreshCatalog(store, kind, connection, config, options.report);
    cached = await readCache(store, kind, connection);
  }
  if (!cached) return { models: [], fetchedAt: null, error };
  return { models: cached.models.map(map), fetchedAt: new Date(cached.fetchedAt).toISOString(), error };
}

export interface CatalogOptions {
  refresh?: boolean;
  now?: number;
  report?: KeyOutcomeReport;
}

export const getChatModels = (store: ProviderStore, connection: Connection, config: Pick<Config, 'publicUrl'>, options?: CatalogOptions) =>
  getCatalog(store, 'chat', connection, config, toModelInfo, options);

export const getEmbeddingModels = (store: ProviderStore, connection: Connection, config: Pick<Config, 'publicUrl'>, options?: CatalogOptions) =>
  getCatalog(store, 'embedding', connection, config, toEmbeddingModelInfo, options);

// The chat path looks its model up on every message: keep the parsed catalog (hundreds of models,
// about 1 MB of JSON on OpenRouter) until the cached row changes.
let parsedChat: { key: string; fetchedAt: number; byId: Map<string, ModelInfo> } | null = null;

/** The cached entry for one chat model, without a network call (the chat path uses this). */
export async function cachedChatModel(store: ProviderStore, connection: Connection, id: string): Promise<ModelInfo | null> {
  const key = cacheKey(connection);
  const fetchedAt = await store.catalogFetchedAt('chat', key);
  if (fetchedAt === null) return null;
  if (parsedChat?.key !== key || parsedChat.fetchedAt !== fetchedAt) {
    const cached = await readCache(store, 'chat', connection);
    const models = cached?.models ?? [];
    parsedChat = { key, fetchedAt: cached?.fetchedAt ?? fetchedAt, byId: new Map(models.map((m) => [String(m.id), toModelInfo(m)])) };
  }
  return parsedChat.byId.get(id) ?? null;
}
