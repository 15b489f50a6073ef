/**
 * A faithful local fake of the OpenRouter HTTP API (https://openrouter.ai/api/v1), for offline tests.
 *
 * Behaviour follows /work/shared/reference/openrouter-api.md ("the reference"), quirks included:
 * - error envelope `{"error":{"message","code","metadata"?},"user_id"?}` with HTTP status == error.code;
 * - `/models` + `/embeddings/models` are keyless; `/models` defaults to `output_modalities=text`;
 * - SSE: `: OPENROUTER PROCESSING` keep-alive comments, reasoning chunks before content chunks, a finish chunk,
 *   then a usage chunk (repeating the finish choice, or `choices: []`), then `data: [DONE]`, LF only;
 * - mid-stream errors are a 200 stream with a top-level `error` chunk and `finish_reason: "error"`;
 * - non-stream errors can come back as HTTP 200 with an `error` body and no `choices`;
 * - `/embeddings` returns float arrays even when `encoding_format` is omitted or "base64" (see handleEmbeddings).
 *
 * Everything is deterministic except generation ids and `created` timestamps.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

// ---------------------------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------------------------

export const FAKE_KEY = `sk-or-v1-${'0123456789abcdef'.repeat(4)}`; // accepted by default

export interface RecordedRequest {
  method: string;
  /** Full pathname as received, e.g. `/api/v1/chat/completions` (no query string). */
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  /** Parsed JSON body; the raw string when it is not JSON; undefined when empty. */
  body: any;
  at: number;
  /** True when the client went away before the fake finished its response (e.g. an aborted stream). */
  aborted?: boolean;
  /** HTTP status the fake sent (undefined when the connection was dropped before headers). */
  status?: number;
}

export type FaultKind =
  | 'invalid-key'
  | 'payment-required'
  | 'rate-limited'
  | 'server-error'
  | 'bad-gateway'
  | 'slow-first-byte'
  | 'drop-connection'
  | 'mid-stream-error'
  | 'error-in-200'
  | 'hang'
  | 'stall'
  | 'reasoning-length';

export interface Fault {
  route: 'chat' | 'embeddings' | 'key' | 'credits' | 'models' | 'any';
  kind: FaultKind;
  /** How many matching requests it applies to; default: until cleared. */
  times?: number;
  /** For slow-first-byte: how long to wait before sending headers (default 1000). */
  delayMs?: number;
  /** For mid-stream-error: content chunks sent before the error chunk; for stall: before the silence (default 3). */
  afterTokens?: number;
  /**
   * Extension: only apply to chat attempts on this model id. When the request has a `models` fallback list and
   * the fault is rate-limited / server-error / bad-gateway, the fake falls back to the next model (as OpenRouter
   * does) and reports the serving model in the response's `model`.
   */
  model?: string;
}

export interface FakeOptions {
  validKeys?: string[];
  credits?: 'ok' | 'forbidden' | 'unauthorized';
  /** Default true: send ': OPENROUTER PROCESSING' before the first chunk. */
  keepAliveComments?: boolean;
  /** Default 'repeat-choice' (what the live API sends); 'empty-choices' is what the docs describe. */
  usageChunkStyle?: 'repeat-choice' | 'empty-choices';
  /** Fixed delay before responding on chat & embeddings, default 0. */
  latencyMs?: number;
  /** Delay between streamed chunks (reasoning and content), default 0. */
  tokenDelayMs?: number;
  /**
   * What `/models` lists when no output_modalities is asked for. Default 'text' (OpenRouter); 'all' makes the
   * fake stand in for an OpenAI-compatible server, whose `/models` lists embedding models among the rest.
   */
  modelsListed?: 'text' | 'all';
}

export interface KeyInfo {
  label: string;
  limit: number | null;
  limit_remaining: number | null;
  usage: number;
  is_free_tier: boolean;
}

export interface FakeOpenRouter {
  url: string; // http://127.0.0.1:PORT
  baseURL: string; // url + '/api/v1'
  requests: RecordedRequest[];
  /** Accepts '/embeddings' or '/api/v1/embeddings'. */
  requestsTo(path: string): RecordedRequest[];
  fail(fault: Fault): void;
  clearFaults(): void;
  setOptions(o: Partial<FakeOptions>): void;
  setChatReply(fn: ((body: any) => string) | string | null): void;
  keyInfo: KeyInfo;
  creditsInfo: { total_credits: number; total_usage: number };
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// Catalog
// ---------------------------------------------------------------------------------------------------------------

type Effort = 'max' | 'xhigh' | 'high' | 'medium' | 'low' | 'minimal' | 'none';

interface ModelReasoning {
  mandatory: boolean;
  default_enabled?: boolean;
  supported_efforts?: Effort[] | null;
  default_effort?: Effort;
  supports_max_tokens?: boolean;
}

interface CatalogEntry {
  id: string;
  name: string;
  created: number;
  description: string;
  context: number;
  maxCompletion: number | null;
  inputModalities: string[];
  outputModalities: string[];
  tokenizer: string;
  prompt: string;
  completion: string;
  extraPricing?: Record<string, string>;
  supported: string[];
  reasoning?: ModelReasoning;
  provider: string; // display name of the provider that "serves" it
  hf?: string | null;
  knowledgeCutoff?: string | null;
  dims?: number; // embedding models only
  defaults?: Record<string, number | null>;
}

const P_OPENAI = [
  'frequency_penalty',
  'include_reasoning',
  'logit_bias',
  'logprobs',
  'max_tokens',
  'presence_penalty',
  'reasoning',
  'response_format',
  'seed',
  'stop',
  'structured_outputs',
  'tool_choice',
  'tools',
  'top_logprobs',
];
const P_OPEN = [
  'frequency_penalty',
  'logit_bias',
  'max_tokens',
  'min_p',
  'presence_penalty',
  'repetition_penalty',
  'response_format',
  'seed',
  'stop',
  'structured_outputs',
  'temperature',
  'tool_choice',
  'tools',
  'top_k',
  'top_p',
];
const withReasoning = (p: string[]) => [...p, 'include_reasoning', 'reasoning'].filter((v, i, a) => a.indexOf(v) === i).sort();

const TEXT_MODELS: CatalogEntry[] = [
  {
    id: 'openai/gpt-5.4-mini',
    name: 'OpenAI: GPT-5.4 Mini',
    created: 1772582400,
    provider: 'OpenAI',
    tokenizer: 'GPT',
    description: 'GPT-5.4 Mini is a compact, low-latency version of GPT-5.4 for high-volume chat and tool use.',
    context: 400000,
    maxCompletion: 128000,
    inputModalities: ['text', 'image', 'file'],
    outputModalities: ['text'],
    prompt: '0.00000025',
    completion: '0.000002',
    extraPricing: { input_cache_read: '0.000000025' },
    supported: [...P_OPENAI].sort(),
    knowledgeCutoff: '2025-08-31',
    reasoning: { mandatory: false, default_enabled: true, supported_efforts: ['xhigh', 'high', 'medium', 'low', 'minimal', 'none'], default_effort: 'medium' },
  },
  {
    id: 'openai/gpt-5.4',
    name: 'OpenAI: GPT-5.4',
    created: 1772582400,
    provider: 'OpenAI',
    tokenizer: 'GPT',
    description: "GPT-5.4 is OpenAI's frontier model for complex reasoning, coding and agentic tasks.",
    context: 1050000,
    maxCompletion: 128000,
    inputModalities: ['text', 'image', 'file'],
    outputModalities: ['text'],
    prompt: '0.0000025',
    completion: '0.000015',
    extraPricing: { input_cache_read: '0.00000025', web_search: '0.01' },
    supported: [...P_OPENAI].sort(),
    knowledgeCutoff: '2025-08-31',
    reasoning: { mandatory: false, default_enabled: true, supported_efforts: ['xhigh', 'high', 'medium', 'low', 'none'], default_effort: 'medium' },
  },
  {
    id: 'anthropic/claude-sonnet-4.5',
    name: 'Anthropic: Claude Sonnet 4.5',
    created: 1759161676,
    provider: 'Anthropic',
    tokenizer: 'Claude',
    description: 'Claude Sonnet 4.5 is Anthropic’s most advanced Sonnet model to date, optimized for real-world agents and coding workflows.',
    context: 1000000,
    maxCompletion: 64000,
    inputModalities: ['text', 'image', 'file'],
    outputModalities: ['text'],
    prompt: '0.000003',
    completion: '0.000015',
    extraPricing: { input_cache_read: '0.0000003', input_cache_write: '0.00000375' },
    supported: withReasoning(['max_tokens', 'response_format', 'stop', 'structured_outputs', 'temperature', 'tool_choice', 'tools', 'top_k', 'top_p']),
    knowledgeCutoff: '2025-07-31',
    reasoning: { mandatory: false, default_enabled: false, supports_max_tokens: true, supported_efforts: ['high', 'medium', 'low'] },
  },
  {
    id: 'deepseek/deepseek-r1',
    name: 'DeepSeek: R1',
    created: 1737381095,
    provider: 'DeepInfra',
    tokenizer: 'DeepSeek',
    hf: 'deepseek-ai/DeepSeek-R1',
    description: 'DeepSeek R1 is an open reasoning model with performance on par with OpenAI o1. Its reasoning tokens are fully open.',
    context: 163840,
    maxCompletion: 163840,
    inputModalities: ['text'],
    outputModalities: ['text'],
    prompt: '0.0000007',
    completion: '0.0000025',
    supported: withReasoning(P_OPEN),
    reasoning: { mandatory: true, supported_efforts: ['high', 'medium', 'low'], default_effort: 'medium' },
  },
  {
    id: 'mistralai/mistral-small-3.2-24b-instruct',
    name: 'Mistral: Mistral Small 3.2 24B',
    created: 1750443016,
    provider: 'Mistral',
    tokenizer: 'Mistral',
    hf: 'mistralai/Mistral-Small-3.2-24B-Instruct-2506',
    description: 'Mistral-Small-3.2-24B-Instruct-2506 is an updated 24B parameter model from Mistral optimized for instruction following and function calling.',
    context: 131072,
    maxCompletion: 131072,
    inputModalities: ['image', 'text'],
    outputModalities: ['text'],
    prompt: '0.00000006',
    completion: '0.00000018',
    supported: [...P_OPEN].sort(),
  },
  {
    id: 'meta-llama/llama-3.3-70b-instruct:free',
    name: 'Meta: Llama 3.3 70B Instruct (free)',
    created: 1733506137,
    provider: 'Venice',
    tokenizer: 'Llama3',
    hf: 'meta-llama/Llama-3.3-70B-Instruct',
    description: 'The Meta Llama 3.3 multilingual large language model is a pretrained and instruction tuned generative model in 70B.',
    context: 131072,
    maxCompletion: null,
    inputModalities: ['text'],
    outputModalities: ['text'],
    prompt: '0',
    completion: '0',
    supported: ['frequency_penalty', 'max_tokens', 'presence_penalty', 'repetition_penalty', 'stop', 'temperature', 'top_k', 'top_p'],
  },
  {
    id: 'google/gemini-3-flash',
    name: 'Google: Gemini 3 Flash',
    created: 1765929600,
    provider: 'Google AI Studio',
    tokenizer: 'Gemini',
    description: 'Gemini 3 Flash is a high speed thinking model built for agentic workflows, multi-turn chat and coding assistance.',
    context: 1048576,
    maxCompletion: 65536,
    inputModalities: ['text', 'image', 'file', 'audio', 'video'],
    outputModalities: ['text'],
    prompt: '0.0000005',
    completion: '0.000003',
    extraPricing: { input_cache_read: '0.00000005', audio: '0.000001' },
    supported: withReasoning(['max_tokens', 'response_format', 'seed', 'stop', 'structured_outputs', 'temperature', 'tool_choice', 'tools', 'top_p']),
    knowledgeCutoff: '2025-01-31',
    reasoning: {
      mandatory: true,
      default_enabled: true,
      supported_efforts: ['high', 'medium', 'low', 'minimal'],
      default_effort: 'medium',
      supports_max_tokens: true,
    },
  },
  {
    id: 'openrouter/auto',
    name: 'Auto Router',
    created: 1699401600,
    provider: 'OpenAI',
    tokenizer: 'Router',
    description: 'Your prompt will be processed by a meta-model and routed to one of dozens of models, optimizing for the best possible output.',
    context: 2000000,
    maxCompletion: null,
    inputModalities: ['text', 'image', 'audio', 'file', 'video'],
    outputModalities: ['text', 'image'],
    prompt: '-1',
    completion: '-1',
    supported: [...new Set([...P_OPENAI, ...P_OPEN])].sort(),
  },
  {
    id: 'openrouter/free',
    name: 'Free Models Router',
    created: 1769904000,
    provider: 'Venice',
    tokenizer: 'Router',
    description: 'Routes each request to a random free model that supports the features the request needs.',
    context: 200000,
    maxCompletion: null,
    inputModalities: ['text', 'image'],
    outputModalities: ['text'],
    prompt: '0',
    completion: '0',
    supported: [...new Set([...P_OPEN, 'include_reasoning', 'reasoning'])].sort(),
  },
  {
    id: 'qwen/qwen3-235b-a22b-2507',
    name: 'Qwen: Qwen3 235B A22B Instruct 2507',
    created: 1753119555,
    provider: 'Alibaba',
    tokenizer: 'Qwen3',
    hf: 'Qwen/Qwen3-235B-A22B-Instruct-2507',
    description: 'Qwen3-235B-A22B-Instruct-2507 is a multilingual, instruction-tuned mixture-of-experts language model (non-thinking mode).',
    context: 262144,
    maxCompletion: 32768,
    inputModalities: ['text'],
    outputModalities: ['text'],
    prompt: '0.00000007',
    completion: '0.00000028',
    supported: [...P_OPEN].sort(),
  },
  {
    id: 'qwen/qwen3-32b',
    name: 'Qwen: Qwen3 32B',
    created: 1745875945,
    provider: 'Nebius',
    tokenizer: 'Qwen3',
    hf: 'Qwen/Qwen3-32B',
    description: 'Qwen3-32B is a dense 32.8B parameter causal language model that switches between thinking and non-thinking modes.',
    context: 40960,
    maxCompletion: 40960,
    inputModalities: ['text'],
    outputModalities: ['text'],
    prompt: '0.00000008',
    completion: '0.00000024',
    supported: withReasoning(P_OPEN),
    reasoning: { mandatory: false, default_enabled: true, supported_efforts: null, default_effort: 'medium' },
  },
  {
    id: 'x-ai/grok-4.1-fast',
    name: 'xAI: Grok 4.1 Fast',
    created: 1763587502,
    provider: 'xAI',
    tokenizer: 'Grok',
    description: "Grok 4.1 Fast is xAI's best agentic tool calling model with a 2M context window.",
    context: 2000000,
    maxCompletion: 30000,
    inputModalities: ['text', 'image'],
    outputModalities: ['text'],
    prompt: '0.0000002',
    completion: '0.0000005',
    extraPricing: { input_cache_read: '0.00000005' },
    supported: withReasoning([
      'logprobs',
      'max_tokens',
      'response_format',
      'seed',
      'structured_outputs',
      'temperature',
      'tool_choice',
      'tools',
      'top_logprobs',
      'top_p',
    ]),
    reasoning: { mandatory: false, default_enabled: true },
  },
  {
    id: 'mistralai/mistral-medium-3.1',
    name: 'Mistral: Mistral Medium 3.1',
    created: 1755095639,
    provider: 'Mistral',
    tokenizer: 'Mistral',
    description: 'Mistral Medium 3.1 is an enterprise-grade language model delivering frontier-level capabilities at significantly reduced cost.',
    context: 131072,
    maxCompletion: null,
    inputModalities: ['text', 'image'],
    outputModalities: ['text'],
    prompt: '0.0000004',
    completion: '0.000002',
    supported: [...P_OPEN].sort(),
  },
  {
    id: 'openai/gpt-oss-120b:free',
    name: 'OpenAI: gpt-oss-120b (free)',
    created: 1754414231,
    provider: 'OpenInference',
    tokenizer: 'GPT',
    hf: 'openai/gpt-oss-120b',
    description: 'gpt-oss-120b is an open-weight, 117B-parameter Mixture-of-Experts language model from OpenAI.',
    context: 131072,
    maxCompletion: 131072,
    inputModalities: ['text'],
    outputModalities: ['text'],
    prompt: '0',
    completion: '0',
    supported: withReasoning(['max_tokens', 'seed', 'stop', 'temperature', 'tool_choice', 'tools']),
    reasoning: { mandatory: true, default_enabled: true, supported_efforts: ['high', 'medium', 'low'], default_effort: 'medium' },
  },
];

const EMBED_BASE = { maxCompletion: null, inputModalities: ['text'], outputModalities: ['embeddings'], completion: '0', supported: [] as string[] };
const EMBEDDING_MODELS: CatalogEntry[] = [
  {
    ...EMBED_BASE,
    id: 'openai/text-embedding-3-small',
    name: 'OpenAI: Text Embedding 3 Small',
    created: 1706140800,
    provider: 'OpenAI',
    tokenizer: 'GPT',
    description: 'text-embedding-3-small is OpenAI’s improved, more performant version of the ada embedding model.',
    context: 8192,
    prompt: '0.00000002',
    dims: 1536,
  },
  {
    ...EMBED_BASE,
    id: 'openai/text-embedding-3-large',
    name: 'OpenAI: Text Embedding 3 Large',
    created: 1706140800,
    provider: 'OpenAI',
    tokenizer: 'GPT',
    description: 'text-embedding-3-large is OpenAI’s most capable embedding model for both English and non-English tasks.',
    context: 8192,
    prompt: '0.00000013',
    dims: 3072,
  },
  {
    ...EMBED_BASE,
    id: 'mistralai/mistral-embed-2312',
    name: 'Mistral: Mistral Embed 2312',
    created: 1702425600,
    provider: 'Mistral',
    tokenizer: 'Mistral',
    description: 'Mistral Embed is a state-of-the-art semantic model for extracting representations of text extracts.',
    context: 8192,
    prompt: '0.0000001',
    dims: 1024,
  },
  {
    ...EMBED_BASE,
    id: 'qwen/qwen3-embedding-8b',
    name: 'Qwen: Qwen3 Embedding 8B',
    created: 1749168000,
    provider: 'Nebius',
    tokenizer: 'Qwen3',
    hf: 'Qwen/Qwen3-Embedding-8B',
    description: 'The Qwen3 Embedding model series is designed for text embedding and ranking tasks.',
    context: 32768,
    prompt: '0.00000001',
    dims: 4096,
  },
  {
    ...EMBED_BASE,
    id: 'liquid/lfm-2.5-embedding-350m:free',
    name: 'LiquidAI: LFM2.5 Embedding 350M (free)',
    created: 1767225600,
    provider: 'Liquid',
    tokenizer: 'Other',
    description: 'A compact 350M-parameter embedding model from Liquid AI.',
    context: 512,
    prompt: '0',
    dims: 1024,
  },
];

const ALL_MODELS = [...TEXT_MODELS, ...EMBEDDING_MODELS];
const MODEL_BY_ID = new Map(ALL_MODELS.map((m) => [m.id, m]));

/** Where routers send requests (reported in the response's `model`, as OpenRouter does). */
const ROUTER_TARGETS: Record<string, string> = {
  'openrouter/auto': 'openai/gpt-5.4-mini',
  'openrouter/free': 'meta-llama/llama-3.3-70b-instruct:free',
};

function canonicalSlug(m: CatalogEntry): string {
  const d = new Date(m.created * 1000);
  const ymd = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
  const [base, suffix] = m.id.split(':');
  if (m.id.startsWith('openrouter/')) return m.id;
  return `${base}-${ymd}${suffix ? `:${suffix}` : ''}`;
}

/** A §3.1 Model object. */
function modelObject(m: CatalogEntry): Record<string, unknown> {
  const isEmbedding = m.outputModalities.includes('embeddings');
  const obj: Record<string, unknown> = {
    id: m.id,
    canonical_slug: canonicalSlug(m),
    hugging_face_id: m.hf ?? (m.id.startsWith('openrouter/') ? null : ''),
    name: m.name,
    created: m.created,
    description: m.description,
    context_length: m.context,
    architecture: {
      modality: `${m.inputModalities.join('+')}->${m.outputModalities.join('+')}`,
      input_modalities: m.inputModalities,
      output_modalities: m.outputModalities,
      tokenizer: m.tokenizer,
      instruct_type: null,
    },
    pricing: { prompt: m.prompt, completion: m.completion, ...(m.extraPricing ?? {}) },
    top_provider: { context_length: m.context, max_completion_tokens: m.maxCompletion, is_moderated: m.provider === 'OpenAI' || m.provider === 'Anthropic' },
    per_request_limits: null,
    supported_parameters: m.supported,
    default_parameters: isEmbedding
      ? {}
      : (m.defaults ?? { temperature: null, top_p: null, top_k: null, frequency_penalty: null, presence_penalty: null, repetition_penalty: null }),
    supported_voices: null,
    knowledge_cutoff: m.knowledgeCutoff ?? null,
    expiration_date: null,
    links: { details: `/api/v1/models/${canonicalSlug(m)}/endpoints` },
  };
  if (m.reasoning) obj.reasoning = m.reasoning;
  return obj;
}

const OUTPUT_MODALITIES = ['text', 'image', 'embeddings', 'audio', 'video', 'rerank', 'speech', 'transcription', 'decisions'];
const INPUT_MODALITIES = ['text', 'image', 'audio', 'file', 'video'];

// ---------------------------------------------------------------------------------------------------------------
// Deterministic, meaningful embeddings
// ---------------------------------------------------------------------------------------------------------------

const STOPWORDS = new Set(
  (
    'a an and are as at be but by can could did do does for from had has have how i if in into is it its me my no not of on or our ' +
    'so than that the their them then there these they this to too us was we were what when where which who why will with would you your'
  ).split(' '),
);

function fnv1a(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // final avalanche (murmur3 fmix32) so nearby seeds give independent hashes
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function stem(w: string): string {
  if (w.length > 5 && w.endsWith('ing')) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 4 && (w.endsWith('ches') || w.endsWith('shes') || w.endsWith('sses') || w.endsWith('xes'))) return w.slice(0, -2);
  if (w.length > 4 && w.endsWith('ed')) return w.slice(0, -2);
  if (w.length > 4 && w.endsWith('ly')) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) return w.slice(0, -1);
  return w;
}

function features(text: string): Map<string, number> {
  const feats = new Map<string, number>();
  const add = (f: string, w: number) => feats.set(f, (feats.get(f) ?? 0) + w);
  const words =
    text
      .toLowerCase()
      .normalize('NFKC')
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  const content: string[] = [];
  for (const raw of words) {
    if (STOPWORDS.has(raw)) {
      add(`s:${raw}`, 0.2);
      continue;
    }
    const w = stem(raw);
    content.push(w);
    add(`w:${w}`, 1);
    const padded = `<${w}>`;
    if (padded.length > 4) for (let i = 0; i + 3 <= padded.length; i++) add(`c:${padded.slice(i, i + 3)}`, 0.12);
  }
  for (let i = 0; i + 1 < content.length; i++) add(`b:${content[i]} ${content[i + 1]}`, 0.6);
  if (feats.size === 0) add(`empty:${text.trim().slice(0, 64)}`, 1);
  return feats;
}

/**
 * Deterministic "semantic" embedding: signed feature hashing of lower-cased, lightly stemmed word unigrams
 * (stopwords down-weighted), content-word bigrams and character trigrams, L2-normalised.
 *
 * The vector is split into Matryoshka-style bands [0,32), [32,64), [64,128), … (the last one capped at `dims`)
 * and every feature is hashed into every band, so truncating a vector to a shorter prefix (what `dimensions`
 * does on text-embedding-3-*) keeps the meaning. For any prefix length that is a band boundary (32·2^k),
 * `fakeEmbedding(t, d)` equals the renormalised first d values of `fakeEmbedding(t, D)` for D ≥ d.
 */
export function fakeEmbedding(text: string, dims: number): number[] {
  if (!Number.isInteger(dims) || dims < 1) throw new RangeError('dims must be a positive integer');
  const v = new Float64Array(dims);
  const bands: Array<[number, number]> = [];
  for (let lo = 0, hi = Math.min(32, dims); lo < dims; lo = hi, hi = Math.min(hi * 2, dims)) bands.push([lo, hi]);
  for (const [f, weight] of features(text)) {
    for (let b = 0; b < bands.length; b++) {
      const [lo, hi] = bands[b];
      const h = fnv1a(f, b * 2 + 1);
      const sign = fnv1a(f, b * 2 + 2) & 1 ? 1 : -1;
      v[lo + (h % (hi - lo))] += sign * weight;
    }
  }
  return normalise(Array.from(v));
}

function normalise(v: number[]): number[] {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  if (n === 0) {
    const out = v.map(() => 0);
    out[0] = 1;
    return out;
  }
  return v.map((x) => x / n);
}

/** ≈ words × 1.3, rounded (the fake's token estimate everywhere). */
export function estimateTokens(text: string): number {
  const words = text.split(/\s+/).filter(Boolean).length;
  return Math.round(words * 1.3);
}

// ---------------------------------------------------------------------------------------------------------------
// Default chat reply
// ---------------------------------------------------------------------------------------------------------------

function messageText(m: any): string {
  if (!m) return '';
  if (typeof m.content === 'string') return m.content;
  if (Array.isArray(m.content)) return m.content.map((p: any) => (typeof p === 'string' ? p : p?.type === 'text' ? String(p.text ?? '') : '')).join('\n');
  return '';
}

const CONTEXT_TAG = /<(context|sources?|documents?|knowledge|excerpts?)\b[^>]*>/i;
const CONTEXT_LABEL =
  /^\s*(?:#+\s*)?(?:relevant\s+|retrieved\s+)?(context|sources?|documents?|knowledge(?:\s+base)?|excerpts?|reference(?:\s+material)?)\s*:\s*(.*)$/i;
const MARKUP_ONLY = /^(<[^>]*>|[-=*_#~`]{3,}|\[\d+\]|\d+[.)])$/;

/** Text after a context marker in `text`, or null when there is none. */
function contextBlock(text: string): string | null {
  const tag = CONTEXT_TAG.exec(text);
  if (tag) return text.slice(tag.index + tag[0].length);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = CONTEXT_LABEL.exec(lines[i]);
    if (m) return [m[2], ...lines.slice(i + 1)].join('\n');
  }
  return null;
}

function firstLine(text: string): string | null {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line && !MARKUP_ONLY.test(line)) return line;
  }
  return null;
}

/**
 * The default assistant reply (deterministic, so grounding can be asserted):
 * - The "context" is the text after the first context marker — a tag `<context>`, `<sources>`, `<source …>`,
 *   `<documents>`, `<document …>`, `<knowledge>`, `<excerpts>`, or a line `Context:` / `Sources:` /
 *   `Documents:` / `Excerpts:` / `Knowledge base:` / `Reference material:` (optionally prefixed by `#`,
 *   "Relevant" or "Retrieved") — searched in the last user message first, then in the system/developer messages.
 * - Reply: `Based on the provided context: "<first non-empty line of the context>"` (lines that are only markup,
 *   like `<source id=1>`, `---` or `[1]`, are skipped).
 * - Without any context marker: `I could not find this in the provided context. You asked: "<first line of the last user message>"`.
 */
export function defaultChatReply(body: any): string {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  const lastUser = [...messages].reverse().find((m) => m?.role === 'user');
  const candidates = [
    messageText(lastUser),
    messages
      .filter((m) => m?.role === 'system' || m?.role === 'developer')
      .map(messageText)
      .join('\n'),
  ];
  for (const text of candidates) {
    const block = contextBlock(text);
    const line = block === null ? null : firstLine(block);
    if (line) return `Based on the provided context: "${line}"`;
  }
  const question = firstLine(messageText(lastUser)) ?? firstLine(String(body?.prompt ?? '')) ?? '';
  return `I could not find this in the provided context. You asked: "${question}"`;
}

// ---------------------------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------------------------

const USER_ID = 'user_2dHFtVWx2n56w6HkM0000000000';
const ORG_ID = 'org_2dHFtVWx2n56w6HkM0000000000';
const API = '/api/v1';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

type Route = Fault['route'] | 'other';

function genId(prefix: string): string {
  const bytes = randomBytes(20);
  let s = '';
  for (const b of bytes) s += ALNUM[b % ALNUM.length];
  return `${prefix}-${Math.floor(Date.now() / 1000)}-${s}`;
}

function round(x: number): number {
  return Math.round(x * 1e12) / 1e12;
}

function nextMidnightUtcMs(): number {
  const d = new Date();
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

function errorBody(code: number, message: string, metadata?: Record<string, unknown>, userId: string | null = USER_ID): Record<string, unknown> {
  const body: Record<string, unknown> = { error: { message, code, ...(metadata ? { metadata } : {}) } };
  if (userId) body.user_id = userId;
  return body;
}

/** Split into streaming pieces: one word (with its trailing space) at a time, long words in ≤6-char slices. */
function pieces(text: string): string[] {
  const out: string[] = [];
  const lead = /^\s+/.exec(text);
  if (lead) out.push(lead[0]);
  for (const m of text.slice(lead ? lead[0].length : 0).matchAll(/\S+\s*/g)) {
    const w = m[0];
    if (w.trimEnd().length <= 6) {
      out.push(w);
      continue;
    }
    for (let i = 0; i < w.length; i += 6) out.push(w.slice(i, i + 6));
  }
  return out;
}

/** Keep at most `maxTokens` (fake estimate) of `text`, cutting at word boundaries. */
function truncateToTokens(text: string, maxTokens: number): string {
  if (estimateTokens(text) <= maxTokens) return text;
  const words = text.split(/(?<=\s)/);
  let out = '';
  for (const w of words) {
    if (estimateTokens(out + w) > maxTokens) break;
    out += w;
  }
  return out.trimEnd();
}

const REASONING_FORMAT: Record<string, string> = {
  OpenAI: 'openai-responses-v1',
  Anthropic: 'anthropic-claude-v1',
  'Google AI Studio': 'google-gemini-v1',
  xAI: 'xai-responses-v1',
};
const NATIVE_FINISH: Record<string, Record<string, string>> = {
  OpenAI: { stop: 'completed', length: 'max_output_tokens' },
  Anthropic: { stop: 'end_turn', length: 'max_tokens' },
  'Google AI Studio': { stop: 'STOP', length: 'MAX_TOKENS' },
};
const EFFORT_ORDER: Effort[] = ['max', 'xhigh', 'high', 'medium', 'low', 'minimal'];
const EFFORT_SENTENCES: Record<string, number> = { max: 6, xhigh: 6, high: 5, medium: 3, low: 2, minimal: 1 };

/** Map a requested effort to the nearest one the model supports. */
function nearestEffort(effort: Effort, supported: Effort[] | null | undefined): Effort {
  const levels: Effort[] = (supported ?? EFFORT_ORDER).filter((e) => e !== 'none');
  if (levels.length === 0 || levels.includes(effort)) return effort;
  const idx = EFFORT_ORDER.indexOf(effort);
  let best = levels[0];
  let bestDist = Infinity;
  for (const l of levels) {
    const d = Math.abs(EFFORT_ORDER.indexOf(l) - idx);
    if (d < bestDist) {
      best = l;
      bestDist = d;
    }
  }
  return best;
}

interface ReasoningPlan {
  generate: boolean; // the model reasons (billed as reasoning tokens)
  show: boolean; // reasoning text is returned
  effort: Effort;
}

/** Interprets reasoning / reasoning_effort / include_reasoning per §1.3. Returns an error message for the mandatory 400. */
function planReasoning(body: any, m: CatalogEntry): ReasoningPlan | { error: string } {
  const r = body.reasoning && typeof body.reasoning === 'object' ? body.reasoning : undefined;
  const effortReq: Effort | undefined = r?.effort ?? body.reasoning_effort ?? undefined;
  const disabled = effortReq === 'none' || r?.enabled === false || r?.max_tokens === 0;
  const exclude = r?.exclude === true || body.include_reasoning === false;
  const explicitlyOn = !disabled && (r !== undefined || body.reasoning_effort != null || body.include_reasoning === true);
  if (!m.reasoning) return { generate: false, show: false, effort: 'medium' };
  if (disabled && m.reasoning.mandatory) return { error: 'Reasoning is mandatory for this endpoint and cannot be disabled.' };
  const generate = !disabled && (explicitlyOn || m.reasoning.mandatory || m.reasoning.default_enabled === true);
  const wanted: Effort = effortReq && effortReq !== 'none' ? effortReq : (m.reasoning.default_effort ?? 'medium');
  return { generate, show: generate && !exclude, effort: nearestEffort(wanted, m.reasoning.supported_efforts) };
}

function reasoningText(body: any, effort: Effort): string {
  const lastUser = [...(Array.isArray(body.messages) ? body.messages : [])].reverse().find((m: any) => m?.role === 'user');
  const q = (firstLine(messageText(lastUser)) ?? '').slice(0, 120);
  const sentences = [
    `The user is asking: "${q}".`,
    'I should answer only from the provided context.',
    'Let me look for the relevant passage and quote it.',
    'The answer should be short and friendly.',
    'I will not invent details that are not in the context.',
    'Double-checking that the quote matches the source exactly.',
  ];
  return sentences.slice(0, EFFORT_SENTENCES[effort] ?? 3).join(' ');
}

function promptTokens(body: any): number {
  const msgs: any[] = Array.isArray(body.messages) ? body.messages : [];
  let n = typeof body.prompt === 'string' ? estimateTokens(body.prompt) : 0;
  for (const m of msgs) n += estimateTokens(messageText(m)) + 4;
  return Math.max(1, n);
}

export async function startFakeOpenRouter(opts: FakeOptions & { port?: number } = {}): Promise<FakeOpenRouter> {
  const options: Required<FakeOptions> = {
    validKeys: [FAKE_KEY],
    credits: 'ok',
    keepAliveComments: true,
    usageChunkStyle: 'repeat-choice',
    latencyMs: 0,
    tokenDelayMs: 0,
    modelsListed: 'text',
  };
  const { port = 0, ...rest } = opts;
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) (options as any)[k] = v;

  let faults: Array<Fault & { remaining: number }> = [];
  let chatReply: ((body: any) => string) | null = null;
  const sockets = new Set<Socket>();
  const inflight = new Set<AbortController>();
  let closed = false;

  const fake: FakeOpenRouter = {
    url: '',
    baseURL: '',
    requests: [],
    requestsTo(path: string) {
      const full = path.startsWith(`${API}/`) ? path : API + (path.startsWith('/') ? path : `/${path}`);
      return fake.requests.filter((r) => r.path === full);
    },
    fail(fault) {
      faults.push({ ...fault, remaining: fault.times ?? Infinity });
    },
    clearFaults() {
      faults = [];
    },
    setOptions(o) {
      for (const [k, v] of Object.entries(o)) if (v !== undefined) (options as any)[k] = v;
    },
    setChatReply(fn) {
      chatReply = fn === null ? null : typeof fn === 'string' ? () => fn : fn;
    },
    keyInfo: { label: `sk-or-v1-${FAKE_KEY.slice(9, 12)}...${FAKE_KEY.slice(-3)}`, limit: null, limit_remaining: null, usage: 1.25, is_free_tier: false },
    creditsInfo: { total_credits: 10, total_usage: 1.25 },
    async close() {
      closed = true;
      for (const c of inflight) c.abort();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  /** Take the first matching fault (consuming one use). `accept` filters which kinds/models are eligible. */
  function takeFault(route: Route, accept: (f: Fault) => boolean): Fault | undefined {
    const f = faults.find((x) => (x.route === 'any' || x.route === route) && x.remaining > 0 && accept(x));
    if (!f) return undefined;
    f.remaining -= 1;
    if (f.remaining <= 0) faults = faults.filter((x) => x !== f);
    return f;
  }

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(errorBody(500, `Internal Server Error (fake: ${String(err?.message ?? err)})`)));
      } else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    const raw = await readBody(req);
    let body: any;
    let bodyInvalid = false;
    if (raw.length) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
        bodyInvalid = true;
      }
    }
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
      at: Date.now(),
    };
    fake.requests.push(rec);

    const ac = new AbortController();
    inflight.add(ac);
    const ctx: Ctx = { req, res, rec, signal: ac.signal, body, bodyInvalid, url, droppedByFake: false };
    res.on('close', () => {
      inflight.delete(ac);
      if (!res.writableFinished) {
        if (!ctx.droppedByFake && !closed) rec.aborted = true;
        ac.abort();
      }
    });

    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';

    if (method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, HTTP-Referer, X-Title, X-OpenRouter-Title, X-OpenRouter-Categories, x-session-id',
      });
      res.end();
      rec.status = 204;
      return;
    }

    if (method === 'GET' && (path === `${API}/models` || path === `${API}/models/count`)) return handleModels(ctx, path.endsWith('/count'));
    if (method === 'GET' && path === `${API}/embeddings/models`) return handleEmbeddingModels(ctx);

    const route: Route =
      path === `${API}/chat/completions` && method === 'POST'
        ? 'chat'
        : path === `${API}/embeddings` && method === 'POST'
          ? 'embeddings'
          : (path === `${API}/key` || path === `${API}/auth/key`) && method === 'GET'
            ? 'key'
            : path === `${API}/credits` && method === 'GET'
              ? 'credits'
              : 'other';
    if (route === 'other') return sendJson(ctx, 404, { error: { message: 'Not Found', code: 404 } });

    // Auth (everything except the model listings).
    const auth = headers.authorization ?? '';
    const key = /^Bearer\s+(.*)$/i.exec(auth)?.[1]?.trim() ?? '';
    if (!key) return sendJson(ctx, 401, { error: { message: 'No cookie auth credentials found', code: 401 } });
    if (!options.validKeys.includes(key)) return sendJson(ctx, 401, { error: { message: 'User not found.', code: 401 } });

    if (route === 'key') return handleKey(ctx);
    if (route === 'credits') return handleCredits(ctx);
    if (route === 'embeddings') return handleEmbeddings(ctx);
    return handleChat(ctx);
  }

  interface Ctx {
    req: http.IncomingMessage;
    res: http.ServerResponse;
    rec: RecordedRequest;
    signal: AbortSignal;
    body: any;
    bodyInvalid: boolean;
    url: URL;
    droppedByFake: boolean;
  }

  function commonHeaders(extra: Record<string, string> = {}): Record<string, string> {
    return {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': 'X-Generation-Id,X-Provider-Name,request-id,cf-ray',
      ...extra,
    };
  }

  function sendJson(ctx: Ctx, status: number, payload: unknown, extra: Record<string, string> = {}): void {
    if (ctx.res.destroyed || ctx.res.headersSent) return;
    const text = JSON.stringify(payload);
    ctx.rec.status = status;
    ctx.res.writeHead(status, commonHeaders({ 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...extra }));
    ctx.res.end(text);
  }

  function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(!signal.aborted);
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(false);
      const t = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The fake itself cuts the connection (not counted as a client abort). */
  function drop(ctx: Ctx): void {
    ctx.droppedByFake = true;
    ctx.req.socket.destroy();
  }

  /** Applies a pre-response HTTP fault. Returns true when the response has been handled. */
  async function applyHttpFault(ctx: Ctx, f: Fault | undefined, route: Route): Promise<boolean> {
    if (!f) return false;
    switch (f.kind) {
      case 'invalid-key':
        sendJson(ctx, 401, { error: { message: 'User not found.', code: 401 } });
        return true;
      case 'payment-required': {
        if (route === 'chat') {
          const m = MODEL_BY_ID.get(String(ctx.body?.model ?? ''));
          const requested = Number(ctx.body?.max_tokens ?? ctx.body?.max_completion_tokens ?? m?.maxCompletion ?? 32000) || 32000;
          const afford = Math.max(0, Math.floor(requested * 0.4));
          sendJson(
            ctx,
            402,
            errorBody(
              402,
              `This request requires more credits, or fewer max_tokens. You requested up to ${requested} tokens, but can only afford ${afford}. ` +
                'To increase, visit https://openrouter.ai/settings/credits and upgrade to a paid account',
              { provider_name: null, limit_source: 'openrouter_credits' },
            ),
          );
        } else {
          sendJson(
            ctx,
            402,
            errorBody(402, 'Insufficient credits. Add more using https://openrouter.ai/credits', { provider_name: null, limit_source: 'openrouter_credits' }),
          );
        }
        return true;
      }
      case 'rate-limited': {
        const reset = String(nextMidnightUtcMs());
        const rl = { 'X-RateLimit-Limit': '50', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': reset };
        sendJson(
          ctx,
          429,
          errorBody(429, 'Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day', {
            headers: rl,
            limit_source: 'openrouter_free_tier_daily',
            provider_name: null,
          }),
          { ...rl, 'Retry-After': '1' },
        );
        return true;
      }
      case 'server-error':
        sendJson(ctx, 500, errorBody(500, 'Internal Server Error', { error_type: 'server' }), { 'x-should-retry': 'false' });
        return true;
      case 'bad-gateway': {
        const m = MODEL_BY_ID.get(String(ctx.body?.model ?? ''));
        sendJson(ctx, 502, errorBody(502, 'Provider returned error', { error_type: 'provider_unavailable', provider_name: m?.provider ?? null }));
        return true;
      }
      case 'hang':
      case 'stall':
        // Non-stream requests: nothing at all (no headers), like a queued request. Streams: see streamChat.
        return true;
      case 'drop-connection':
        drop(ctx);
        return true;
      case 'error-in-200':
        sendJson(ctx, 200, { error: { message: 'Internal Server Error', code: 500 }, user_id: ORG_ID });
        return true;
      default:
        return false;
    }
  }

  /** Latency + slow-first-byte, then the first applicable non-delay fault for this route. */
  async function preamble(ctx: Ctx, route: Route, latency: boolean, extraAccept: (f: Fault) => boolean = () => true): Promise<Fault | undefined | 'gone'> {
    if (latency && !(await sleep(options.latencyMs, ctx.signal))) return 'gone';
    let f = takeFault(route, (x) => !x.model && extraAccept(x));
    while (f?.kind === 'slow-first-byte') {
      if (!(await sleep(f.delayMs ?? 1000, ctx.signal))) return 'gone';
      f = takeFault(route, (x) => !x.model && x.kind !== 'slow-first-byte' && extraAccept(x));
    }
    return f;
  }

  const STREAM_ONLY: FaultKind[] = ['mid-stream-error', 'reasoning-length'];

  // ---- GET /key, /credits -----------------------------------------------------------------------------------

  async function handleKey(ctx: Ctx): Promise<void> {
    const f = await preamble(ctx, 'key', false, (x) => !STREAM_ONLY.includes(x.kind));
    if (f === 'gone' || (await applyHttpFault(ctx, f, 'key'))) return;
    const k = fake.keyInfo as KeyInfo & Record<string, unknown>;
    const freeLimit = k.is_free_tier ? 50 : 1000;
    sendJson(
      ctx,
      200,
      {
        data: {
          label: k.label,
          limit: k.limit,
          limit_remaining: k.limit_remaining,
          limit_reset: null,
          include_byok_in_limit: false,
          usage: k.usage,
          usage_daily: k.usage,
          usage_weekly: k.usage,
          usage_monthly: k.usage,
          byok_usage: 0,
          byok_usage_daily: 0,
          byok_usage_weekly: 0,
          byok_usage_monthly: 0,
          is_free_tier: k.is_free_tier,
          is_management_key: false,
          is_provisioning_key: false,
          creator_user_id: USER_ID,
          expires_at: null,
          organization_id: null,
          workspace_id: null,
          allowed_data_regions: ['global'],
          free_model_daily_requests: { used: 0, limit: freeLimit, remaining: freeLimit },
          rate_limit: { requests: -1, interval: '10s', note: 'This field is deprecated and safe to ignore.' },
          ...Object.fromEntries(Object.entries(k).filter(([name]) => !['label', 'limit', 'limit_remaining', 'usage', 'is_free_tier'].includes(name))),
        },
      },
      { 'Cache-Control': 'private, no-store' },
    );
  }

  async function handleCredits(ctx: Ctx): Promise<void> {
    const f = await preamble(ctx, 'credits', false, (x) => !STREAM_ONLY.includes(x.kind));
    if (f === 'gone' || (await applyHttpFault(ctx, f, 'credits'))) return;
    if (options.credits === 'forbidden') return sendJson(ctx, 403, { error: { code: 403, message: 'Only management keys can perform this operation' } });
    if (options.credits === 'unauthorized') return sendJson(ctx, 401, { error: { message: 'User not found.', code: 401 } });
    sendJson(
      ctx,
      200,
      { data: { total_credits: fake.creditsInfo.total_credits, total_usage: fake.creditsInfo.total_usage } },
      { 'Cache-Control': 'private, no-store' },
    );
  }

  // ---- GET /models, /models/count, /embeddings/models ---------------------------------------------------------

  function zodError(ctx: Ctx, message: string): void {
    sendJson(ctx, 400, { success: false, error: { name: 'ZodError', message } });
  }

  function listEnvelope(ctx: Ctx, list: CatalogEntry[]): void {
    const q = ctx.url.searchParams;
    let data = list;
    let next: string | null = null;
    if (q.has('limit') || q.has('offset')) {
      const limit = Number(q.get('limit') ?? 500);
      const offset = Number(q.get('offset') ?? 0);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000 || !Number.isInteger(offset) || offset < 0) {
        zodError(ctx, JSON.stringify([{ code: 'invalid_type', path: ['limit'], message: 'limit must be an integer between 1 and 1000; offset ≥ 0' }], null, 2));
        return;
      }
      data = list.slice(offset, offset + limit);
      if (offset + limit < list.length) {
        const u = new URL(ctx.url.href);
        u.searchParams.set('offset', String(offset + limit));
        next = `${API}${u.pathname.slice(API.length)}${u.search}`;
      }
    }
    sendJson(
      ctx,
      200,
      { data: data.map(modelObject), total_count: list.length, links: { next } },
      { 'Cache-Control': 'public, max-age=120, stale-while-revalidate=3600' },
    );
  }

  async function handleModels(ctx: Ctx, countOnly: boolean): Promise<void> {
    const f = await preamble(ctx, 'models', false, (x) => !STREAM_ONLY.includes(x.kind));
    if (f === 'gone' || (await applyHttpFault(ctx, f, 'models'))) return;
    const q = ctx.url.searchParams;
    const outRaw = (q.get('output_modalities') ?? options.modelsListed)
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    const bad = outRaw.filter((v) => v !== 'all' && !OUTPUT_MODALITIES.includes(v));
    if (bad.length || outRaw.length === 0) {
      return zodError(
        ctx,
        JSON.stringify(
          [
            {
              code: 'custom',
              path: ['output_modalities'],
              message: `Invalid output_modalities value: ${bad.join(',') || '(empty)'}. Valid values: ${OUTPUT_MODALITIES.join(', ')}, or "all"`,
            },
          ],
          null,
          2,
        ),
      );
    }
    const inRaw = q
      .get('input_modalities')
      ?.split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    if (inRaw?.some((v) => !INPUT_MODALITIES.includes(v))) {
      return zodError(ctx, JSON.stringify([{ code: 'custom', path: ['input_modalities'], message: 'Invalid input_modalities value' }], null, 2));
    }
    const params =
      q
        .get('supported_parameters')
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean) ?? [];
    let list = ALL_MODELS.filter((m) => outRaw.includes('all') || m.outputModalities.some((o) => outRaw.includes(o)));
    if (inRaw?.length) list = list.filter((m) => inRaw.every((i) => m.inputModalities.includes(i)));
    if (params.length) list = list.filter((m) => params.every((p) => m.supported.includes(p)));
    if (countOnly) return sendJson(ctx, 200, { data: { count: list.length } }, { 'Cache-Control': 'public, max-age=120, stale-while-revalidate=3600' });
    listEnvelope(ctx, list);
  }

  async function handleEmbeddingModels(ctx: Ctx): Promise<void> {
    const f = await preamble(ctx, 'models', false, (x) => !STREAM_ONLY.includes(x.kind));
    if (f === 'gone' || (await applyHttpFault(ctx, f, 'models'))) return;
    listEnvelope(ctx, EMBEDDING_MODELS);
  }

  // ---- POST /embeddings ------------------------------------------------------------------------------------------

  async function handleEmbeddings(ctx: Ctx): Promise<void> {
    const body = ctx.body;
    if (ctx.bodyInvalid || !body || typeof body !== 'object') {
      return sendJson(ctx, 400, errorBody(400, 'Invalid JSON body', { provider_name: null }));
    }
    if (typeof body.model !== 'string' || !body.model) return sendJson(ctx, 400, errorBody(400, 'model is required'));
    const m = MODEL_BY_ID.get(body.model);
    if (!m) return sendJson(ctx, 400, errorBody(400, `${body.model} is not a valid model ID`));
    if (!m.dims) {
      // UNCONFIRMED wording; the reference only says "404 (model isn't an embedding model)".
      return sendJson(ctx, 404, errorBody(404, `No endpoints found for ${m.id} that support embeddings`, { error_type: 'not_found' }));
    }
    let inputs: string[];
    const input = body.input;
    const isTokenArray = (a: unknown) => Array.isArray(a) && a.length > 0 && a.every((t) => Number.isInteger(t));
    if (typeof input === 'string') inputs = [input];
    else if (Array.isArray(input) && input.length > 0 && input.every((s) => typeof s === 'string')) inputs = input;
    else if (isTokenArray(input)) inputs = [(input as number[]).map((t) => `tok${t}`).join(' ')];
    else if (Array.isArray(input) && input.length > 0 && input.every(isTokenArray))
      inputs = (input as number[][]).map((a) => a.map((t) => `tok${t}`).join(' '));
    else return sendJson(ctx, 400, errorBody(400, 'Input must be a non-empty string, a non-empty array of strings, or token arrays', { provider_name: null }));
    if (inputs.some((s) => s.length === 0)) return sendJson(ctx, 400, errorBody(400, 'Input must have at least 1 token.', { provider_name: null }));
    const fmt = body.encoding_format;
    if (fmt !== undefined && fmt !== null && fmt !== 'float' && fmt !== 'base64') {
      return sendJson(ctx, 400, errorBody(400, `Invalid encoding_format: expected "float" or "base64"`, { provider_name: null }));
    }
    let dims = m.dims;
    if (body.dimensions !== undefined && body.dimensions !== null) {
      const d = body.dimensions;
      if (!Number.isInteger(d) || d < 1 || d > m.dims) {
        return sendJson(
          ctx,
          400,
          errorBody(400, `Provider returned error`, {
            raw: JSON.stringify({
              error: { message: `This model does not support specifying dimensions=${d}; it must be an integer between 1 and ${m.dims}.` },
            }),
            provider_name: m.provider,
            is_byok: false,
          }),
        );
      }
      dims = d;
    }
    const tokens = inputs.map(estimateTokens).map((t) => Math.max(1, t));
    const tooLong = tokens.findIndex((t) => t > m.context);
    if (tooLong >= 0) {
      return sendJson(
        ctx,
        400,
        errorBody(
          400,
          `This endpoint's maximum context length is ${m.context} tokens. However, you requested about ${tokens[tooLong]} tokens (${tokens[tooLong]} of text input). Please reduce the length of the input.`,
          { provider_name: null },
        ),
      );
    }

    const f = await preamble(ctx, 'embeddings', true, (x) => !STREAM_ONLY.includes(x.kind));
    if (f === 'gone' || (await applyHttpFault(ctx, f, 'embeddings'))) return;

    const total = tokens.reduce((a, b) => a + b, 0);
    const cost = round(total * Number(m.prompt));
    // QUIRK (faithful to OpenRouter, see reference §4 "encoding_format pitfall"): whatever `encoding_format` says
    // (omitted, "base64" or "float"), OpenRouter answers with plain float arrays. The openai SDK sends
    // encoding_format:"base64" when the caller omits it and then base64-"decodes" those arrays into garbage
    // vectors of the wrong length (Buffer.from(number[]) → bytes → Float32Array of length dims/4). Callers must
    // therefore always pass encoding_format:"float" and check the returned dimension.
    sendJson(ctx, 200, {
      id: genId('embd'),
      object: 'list',
      model: m.id,
      provider: m.provider,
      data: inputs.map((text, index) => {
        const full = fakeEmbedding(text, m.dims!);
        return { object: 'embedding', index, embedding: dims === m.dims ? full : normalise(full.slice(0, dims)) };
      }),
      usage: { prompt_tokens: total, total_tokens: total, cost, is_byok: false },
    });
  }

  // ---- POST /chat/completions -------------------------------------------------------------------------------

  async function handleChat(ctx: Ctx): Promise<void> {
    const body = ctx.body;
    if (ctx.bodyInvalid || !body || typeof body !== 'object' || Array.isArray(body)) {
      return sendJson(ctx, 400, { error: { message: 'Input must have at least 1 token.', code: 400, metadata: { provider_name: null } } });
    }
    const fallbacks: string[] = Array.isArray(body.models) ? body.models.filter((x: unknown) => typeof x === 'string') : [];
    const requested: string[] = [...new Set([...(typeof body.model === 'string' && body.model ? [body.model] : []), ...fallbacks])];
    if (requested.length === 0) return sendJson(ctx, 400, errorBody(400, 'No models provided'));
    const hasInput = (Array.isArray(body.messages) && body.messages.length > 0) || (typeof body.prompt === 'string' && body.prompt.length > 0);
    if (!hasInput) return sendJson(ctx, 400, errorBody(400, 'Input required: specify "prompt" or "messages"'));
    // Candidates: known models in order. An unknown primary with a valid fallback is served by the fallback.
    const candidates = requested.filter((id) => MODEL_BY_ID.has(id));
    if (candidates.length === 0) {
      return sendJson(ctx, 400, errorBody(400, `${requested[0]} is not a valid model ID`));
    }
    const firstModel = MODEL_BY_ID.get(candidates[0])!;
    if (firstModel.dims) {
      return sendJson(
        ctx,
        400,
        errorBody(400, `${firstModel.id} is an embeddings model and cannot be used with /chat/completions. Use /api/v1/embeddings instead.`, {
          error_type: 'invalid_request',
        }),
      );
    }
    if (body.reasoning_effort != null && body.reasoning?.effort != null && body.reasoning_effort !== body.reasoning.effort) {
      return sendJson(ctx, 400, errorBody(400, 'reasoning_effort and reasoning.effort cannot both be set to different values'));
    }

    // Per-model fallbacks for faults aimed at a model (Fault.model).
    let served: CatalogEntry | undefined;
    let modelFault: Fault | undefined;
    for (let i = 0; i < candidates.length; i++) {
      const m = MODEL_BY_ID.get(candidates[i])!;
      if (m.dims) continue;
      const f = takeFault('chat', (x) => x.model === m.id);
      const fallbackable = f && (f.kind === 'rate-limited' || f.kind === 'server-error' || f.kind === 'bad-gateway');
      if (f && fallbackable && i < candidates.length - 1) continue; // OpenRouter tries the next model
      served = m;
      modelFault = f;
      break;
    }
    if (!served) return sendJson(ctx, 400, errorBody(400, `${requested[0]} is not a valid model ID`));
    const target = ROUTER_TARGETS[served.id] ? MODEL_BY_ID.get(ROUTER_TARGETS[served.id])! : served;

    // Routers have no `reasoning` in the catalog; the model they pick decides.
    const plan = planReasoning(body, ROUTER_TARGETS[served.id] ? target : served);
    if ('error' in plan) return sendJson(ctx, 400, { error: { message: plan.error, code: 400, metadata: { provider_name: null } } });

    const pTokens = promptTokens(body);
    if (pTokens > target.context) {
      return sendJson(
        ctx,
        400,
        errorBody(
          400,
          `This endpoint's maximum context length is ${target.context} tokens. However, you requested about ${pTokens} tokens (${pTokens} of text input). ` +
            'Please reduce the length of either one, or use the "middle-out" transform to compress your prompt automatically.',
          { provider_name: null },
        ),
      );
    }

    const stream = body.stream === true;
    if (!(await sleep(options.latencyMs, ctx.signal))) return;
    let fault: Fault | undefined | 'gone' = modelFault;
    if (fault?.kind === 'slow-first-byte') {
      if (!(await sleep(fault.delayMs ?? 1000, ctx.signal))) return;
      fault = undefined;
    }
    if (!fault) fault = await preamble(ctx, 'chat', false);
    if (fault === 'gone') return;
    const inStream: FaultKind[] = stream
      ? ['drop-connection', 'hang', 'stall', 'error-in-200', 'mid-stream-error', 'reasoning-length']
      : ['mid-stream-error', 'reasoning-length'];
    if (fault && !inStream.includes(fault.kind)) {
      await applyHttpFault(ctx, fault, 'chat');
      return;
    }

    // Build the generation.
    const replyFn = chatReply ?? defaultChatReply;
    let content = String(replyFn(body) ?? '');
    const reasoningLengthFault = fault?.kind === 'reasoning-length';
    let reasoning = plan.generate || reasoningLengthFault ? reasoningText(body, plan.effort) : '';
    const show = reasoningLengthFault ? true : plan.show;
    const maxTokens = Number(body.max_tokens ?? body.max_completion_tokens ?? target.maxCompletion ?? Infinity);
    let finish: 'stop' | 'length' = 'stop';
    let rTokens = reasoning ? estimateTokens(reasoning) : 0;
    if (reasoningLengthFault) {
      // The model spends the whole budget thinking: reasoning only, empty content, finish_reason "length".
      content = '';
      finish = 'length';
      rTokens = Number.isFinite(maxTokens) ? Math.max(rTokens, maxTokens) : rTokens;
    } else if (rTokens >= maxTokens) {
      reasoning = truncateToTokens(reasoning, maxTokens);
      rTokens = maxTokens;
      content = '';
      finish = 'length';
    } else if (estimateTokens(content) > maxTokens - rTokens) {
      content = truncateToTokens(content, maxTokens - rTokens);
      finish = 'length';
    }
    const cTokens = estimateTokens(content) + rTokens;
    const priced = Number(served.prompt) < 0 ? target : served;
    const pCost = round(pTokens * Math.max(0, Number(priced.prompt)));
    const cCost = round(cTokens * Math.max(0, Number(priced.completion)));
    const usage = {
      prompt_tokens: pTokens,
      completion_tokens: cTokens,
      total_tokens: pTokens + cTokens,
      cost: round(pCost + cCost),
      is_byok: false,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0, audio_tokens: 0, video_tokens: 0 },
      cost_details: { upstream_inference_cost: round(pCost + cCost), upstream_inference_prompt_cost: pCost, upstream_inference_completions_cost: cCost },
      completion_tokens_details: { reasoning_tokens: rTokens, image_tokens: 0, audio_tokens: 0 },
    };
    const gen: Generation = {
      id: genId('gen'),
      created: Math.floor(Date.now() / 1000),
      model: target.id,
      provider: target.provider,
      content,
      reasoning: show ? reasoning : '',
      finish,
      usage,
      native: NATIVE_FINISH[target.provider]?.[finish] ?? finish,
      format: REASONING_FORMAT[target.provider] ?? 'unknown',
      fingerprint: `fp_${(fnv1a(target.id, 7) >>> 0).toString(16).padStart(8, '0')}`,
    };

    if (!stream) {
      if (fault?.kind === 'mid-stream-error')
        return sendJson(ctx, 200, nonStreamBody(gen, fault), { 'X-Generation-Id': gen.id, 'X-Provider-Name': gen.provider });
      return sendJson(ctx, 200, nonStreamBody(gen), { 'X-Generation-Id': gen.id, 'X-Provider-Name': gen.provider });
    }
    return streamChat(ctx, gen, fault);
  }

  interface Generation {
    id: string;
    created: number;
    model: string;
    provider: string;
    content: string;
    reasoning: string;
    finish: 'stop' | 'length';
    native: string;
    usage: Record<string, unknown>;
    format: string;
    fingerprint: string;
  }

  function nonStreamBody(g: Generation, midError?: Fault): Record<string, unknown> {
    const message: Record<string, unknown> = { role: 'assistant', content: g.content, refusal: null, reasoning: g.reasoning || null };
    if (g.reasoning) message.reasoning_details = [{ type: 'reasoning.text', text: g.reasoning, format: g.format, index: 0 }];
    const choice: Record<string, unknown> = { index: 0, logprobs: null, finish_reason: g.finish, native_finish_reason: g.native, message };
    if (midError) {
      // Non-stream equivalent of a mid-stream provider error ([DOCS] errors page): partial content + per-choice error.
      const n = midError.afterTokens ?? 3;
      message.content = pieces(g.content).slice(0, n).join('');
      choice.finish_reason = 'error';
      choice.native_finish_reason = 'error';
      choice.error = { code: 502, message: 'Provider returned error', metadata: { error_type: 'provider_unavailable', provider_name: g.provider } };
    }
    return {
      id: g.id,
      object: 'chat.completion',
      created: g.created,
      model: g.model,
      provider: g.provider,
      system_fingerprint: g.fingerprint,
      service_tier: null,
      choices: [choice],
      usage: g.usage,
    };
  }

  async function streamChat(ctx: Ctx, g: Generation, fault: Fault | undefined): Promise<void> {
    const { res, signal } = ctx;
    if (res.destroyed) return;
    ctx.rec.status = 200;
    res.writeHead(
      200,
      commonHeaders({
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-cache',
        Connection: 'keep-alive',
        'X-Generation-Id': g.id,
        'X-Provider-Name': g.provider,
      }),
    );
    res.flushHeaders();
    let flushed: Promise<unknown> = Promise.resolve();
    const write = (s: string) => {
      if (res.destroyed || signal.aborted) return false;
      flushed = new Promise((resolve) => res.write(s, resolve));
      return true;
    };
    // drop-connection: let the chunks already written reach the client, then cut the socket without a clean end.
    const dropAfterFlush = async () => {
      await Promise.race([flushed, sleep(200, signal)]);
      drop(ctx);
    };
    const event = (obj: unknown) => write(`data: ${JSON.stringify(obj)}\n\n`);
    const base = { id: g.id, object: 'chat.completion.chunk', created: g.created, model: g.model, provider: g.provider };
    const errorChunk = (code: number, message: string, metadata: Record<string, unknown>) => ({
      ...base,
      error: { code, message, metadata },
      choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error', native_finish_reason: 'error' }],
    });

    if (options.keepAliveComments && !write(': OPENROUTER PROCESSING\n\n')) return;
    if (fault?.kind === 'hang') return; // headers (+ keep-alive) and then nothing until the client or close() ends it
    if (fault?.kind === 'error-in-200') {
      event(errorChunk(500, 'Internal Server Error', { error_type: 'server' }));
      res.end();
      return;
    }

    const tick = async () => (await sleep(options.tokenDelayMs, signal)) && !res.destroyed;
    let sent = 0;
    if (g.reasoning) {
      for (const p of pieces(g.reasoning)) {
        if (!(await tick())) return;
        if (
          !event({
            ...base,
            choices: [
              {
                index: 0,
                delta: { role: 'assistant', content: '', reasoning: p, reasoning_details: [{ type: 'reasoning.text', text: p, format: g.format, index: 0 }] },
                finish_reason: null,
                native_finish_reason: null,
                logprobs: null,
              },
            ],
          })
        )
          return;
      }
    }
    for (const p of pieces(g.content)) {
      if (fault?.kind === 'drop-connection' && sent >= 2) return dropAfterFlush();
      if (fault?.kind === 'mid-stream-error' && sent >= (fault.afterTokens ?? 3)) break;
      // stall: a model that stops mid-answer; the connection stays open until the client or close() ends it.
      if (fault?.kind === 'stall' && sent >= (fault.afterTokens ?? 3)) return;
      if (!(await tick())) return;
      if (
        !event({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: p }, finish_reason: null, native_finish_reason: null, logprobs: null }] })
      )
        return;
      sent++;
    }
    if (fault?.kind === 'drop-connection') return dropAfterFlush();
    if (fault?.kind === 'mid-stream-error') {
      // Mid-stream error: HTTP stays 200; one chunk with a top-level `error` and finish_reason "error", then the stream ends.
      event(errorChunk(502, 'Provider returned error', { error_type: 'provider_unavailable', provider_name: g.provider }));
      res.end();
      return;
    }
    if (!(await tick())) return;
    const finishChoice = {
      index: 0,
      delta: { role: 'assistant', content: '', reasoning: null },
      finish_reason: g.finish,
      native_finish_reason: g.native,
      logprobs: null,
    };
    if (!event({ ...base, system_fingerprint: g.fingerprint, choices: [finishChoice] })) return;
    const usageChoices =
      options.usageChunkStyle === 'empty-choices'
        ? []
        : [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: g.finish, native_finish_reason: g.native, logprobs: null }];
    if (!event({ ...base, system_fingerprint: g.fingerprint, service_tier: null, choices: usageChoices, usage: g.usage })) return;
    write('data: [DONE]\n\n');
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${addr.port}`;
  fake.baseURL = fake.url + API;
  return fake;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Cosine similarity (vectors from the fake are unit-length, so this is the dot product). */
export function cosine(a: number[], b: number[]): number {
  let dot = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}
