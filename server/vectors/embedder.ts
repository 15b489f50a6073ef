// Embedding calls: batched, a few in flight, always encoding_format "float" (the SDK would otherwise
// ask for base64 and mis-decode the floats OpenRouter sends back), every vector's dimension checked,
// 429/5xx retried with backoff honouring Retry-After, 401/402 stop the job.
import type OpenAI from 'openai';
import type { Provider } from '../openrouter/client.js';
import { describeStatus, describeUpstreamError, type UpstreamError } from '../openrouter/errors.js';
import type { KeyOutcomeReport } from '../openrouter/key-status.js';
import type { VectorIndex } from '../stores/vector-store.js';

export const EMBED_BATCH_SIZE = 96;
export const EMBED_CONCURRENCY = 3;
const MAX_ATTEMPTS = 5;

/** A failure retrying cannot fix (bad key, no credits, bad model): the job stops with this message. */
export class EmbeddingStopError extends Error {
  constructor(public readonly problem: UpstreamError) {
    super(problem.message);
    this.name = 'EmbeddingStopError';
  }
}

/** How to reach the service that embeds questions for an index: the one that embedded its chunks. */
export type EmbedderFor = (index: VectorIndex) => Promise<{ client: OpenAI; provider: Provider; onOutcome?: KeyOutcomeReport }>;

export interface EmbedResult {
  vectors: Float32Array[];
  tokens: number;
  cost: number | null;
  dimensions: number;
}

export interface EmbedOptions {
  provider: Provider;
  model: string;
  /** When known (the index already has vectors), every vector must have it. */
  expectedDimensions?: number | null;
  signal?: AbortSignal;
  onRetry?: (message: string) => void;
  /** Hears the end result of each batch's calls (not each retry): the key's status follows it. */
  onOutcome?: KeyOutcomeReport;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Embeds one batch of texts with retries; returns vectors in input order. */
export async function embedBatch(client: OpenAI, texts: string[], options: EmbedOptions): Promise<EmbedResult> {
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      // A signal per call: the SDK adds an abort listener to the signal it is given and never removes
      // it, so passing the job's own signal would pile up one listener per batch.
      const call = new AbortController();
      const forward = () => call.abort();
      options.signal?.addEventListener('abort', forward, { once: true });
      if (options.signal?.aborted) call.abort();
      const response = await client.embeddings
        .create({ model: options.model, input: texts, encoding_format: 'float' }, { signal: call.signal })
        .finally(() => options.signal?.removeEventListener('abort', forward));
      const body = response as unknown as {
        error?: { message?: string; code?: number };
        data?: Array<{ index: number; embedding: number[] }>;
        usage?: { prompt_tokens?: number; cost?: number };
      };
      if (body.error || !Array.isArray(body.data)) {
        throw Object.assign(new Error(body.error?.message ?? 'embedding response had no data'), { envelope: body.error ?? { code: 502, message: 'no data' } });
      }
      const vectors: Float32Array[] = new Array(texts.length);
      for (const item of body.data) vectors[item.index] = Float32Array.from(item.embedding);
      const dimensions = options.expectedDimensions ?? vectors[0]?.length;
      for (let i = 0; i < texts.length; i++) {
        const v = vectors[i];
        if (!v || !Array.isArray(body.data) || v.length !== dimensions || !v.every(Number.isFinite)) {
          throw new EmbeddingStopError({
            kind: 'bad_request',
            status: null,
            upstreamMessage: null,
            retryAfterSeconds: null,
            message: `The embedding model ${options.model} returned a vector of ${v?.length ?? 0} dimensions where ${dimensions} were expected. Training stopped so the index stays consistent.`,
          });
        }
      }
      options.onOutcome?.({ ok: true, call: 'embedding' });
      return { vectors, tokens: body.usage?.prompt_tokens ?? 0, cost: typeof body.usage?.cost === 'number' ? body.usage.cost : null, dimensions: dimensions! };
    } catch (err) {
      if (err instanceof EmbeddingStopError) throw err;
      const envelope = (err as { envelope?: { code?: number; message?: string } }).envelope;
      const problem = envelope
        ? describeStatus(options.provider, null, envelope) // a 200 whose body is an error envelope
        : describeUpstreamError(options.provider, err);
      if (problem.kind === 'aborted') throw err;
      const retryable = problem.kind === 'rate_limited' || problem.kind === 'upstream_down' || problem.kind === 'timeout' || problem.kind === 'unreachable';
      if (!retryable || attempt >= MAX_ATTEMPTS) {
        options.onOutcome?.({ ok: false, call: 'embedding', problem });
        throw new EmbeddingStopError(problem);
      }
      const waitMs = problem.retryAfterSeconds !== null ? problem.retryAfterSeconds * 1000 : Math.min(30_000, 500 * 2 ** (attempt - 1));
      options.onRetry?.(`${problem.message} Retrying in ${Math.ceil(waitMs / 1000)} s (attempt ${attempt + 1} of ${MAX_ATTEMPTS}).`);
      await sleep(waitMs);
    }
  }
}
