// Turns SDK errors and OpenRouter's error envelope {error:{code,message,metadata}} into one typed
// description with a sentence a site admin can act on.
import OpenAI from 'openai';
import type { Provider } from './client.js';
import { providerLabel, sentenceStart } from './client.js';
import { asSentence } from '../http/errors.js';

export type UpstreamErrorKind =
  | 'invalid_key'
  | 'payment_required'
  | 'rate_limited'
  | 'forbidden'
  | 'bad_request'
  | 'not_found'
  | 'upstream_down'
  | 'timeout'
  | 'unreachable'
  | 'aborted';

export interface UpstreamError {
  kind: UpstreamErrorKind;
  status: number | null;
  /** For the admin: names the cause and what to do. */
  message: string;
  /** OpenRouter's own words, when it sent any. */
  upstreamMessage: string | null;
  retryAfterSeconds: number | null;
}

interface Envelope {
  code?: number | string;
  message?: string;
  metadata?: Record<string, unknown>;
}

export function envelopeOf(body: unknown): Envelope | null {
  if (!body || typeof body !== 'object') return null;
  const maybe = (body as { error?: unknown }).error ?? body;
  return maybe && typeof maybe === 'object' && 'message' in maybe ? (maybe as Envelope) : null;
}

function retryAfterOf(headers: Headers | undefined, envelope: Envelope | null): number | null {
  const fromHeader = Number(headers?.get?.('retry-after'));
  if (Number.isFinite(fromHeader) && fromHeader >= 0 && headers?.get?.('retry-after')) return fromHeader;
  const fromMeta = Number(envelope?.metadata?.retry_after_seconds);
  return Number.isFinite(fromMeta) && fromMeta > 0 ? fromMeta : null;
}

/** Describes an HTTP status plus envelope (used for thrown SDK errors and for 200-with-error bodies). */
export function describeStatus(provider: Provider, status: number | null, envelope: Envelope | null, headers?: Headers): UpstreamError {
  const who = sentenceStart(providerLabel(provider));
  const said = envelope?.message?.trim() || null;
  const raw = typeof envelope?.metadata?.raw === 'string' ? envelope.metadata.raw : null;
  const detail = said ? ` ${who} said: “${raw && said === 'Provider returned error' ? raw : said}”` : '';
  const base = { status, upstreamMessage: said, retryAfterSeconds: retryAfterOf(headers, envelope) };
  const code = status ?? (typeof envelope?.code === 'number' ? envelope.code : null);
  switch (code) {
    case 401:
      return { ...base, kind: 'invalid_key', message: `${who} rejected this key: ${said ? asSentence(said) : 'invalid or revoked key.'}` };
    // OpenRouter's credit page and free-model quotas mean nothing to an OpenAI-compatible server's admin.
    case 402:
      return provider === 'openrouter'
        ? {
            ...base,
            kind: 'payment_required',
            message: `${who} refused the request for lack of credits: the account balance or this key's credit limit is used up. Add credits at https://openrouter.ai/settings/credits or raise the key's limit.${detail}`,
          }
        : {
            ...base,
            kind: 'payment_required',
            message: `${who} refused the request for lack of credits or quota: check the account's billing or this key's limit with your provider.${detail}`,
          };
    case 429:
      return provider === 'openrouter'
        ? {
            ...base,
            kind: 'rate_limited',
            message: `${who} is rate limiting requests. Free models allow about 20 requests a minute and 50 a day (1000 after buying 10 credits); paid models avoid this.${detail}`,
          }
        : {
            ...base,
            kind: 'rate_limited',
            message: `${who} is rate limiting requests: too many at once for this key or model. Try again in a moment, or raise the limit with your provider.${detail}`,
          };
    case 403:
      return { ...base, kind: 'forbidden', message: `${who} refused the request (forbidden).${detail}` };
    case 404:
      return { ...base, kind: 'not_found', message: `${who} has no available endpoint for this model or request.${detail}` };
    case 400:
    case 413:
    case 422:
      return { ...base, kind: 'bad_request', message: `${who} could not process the request.${detail}` };
    case 408:
    case 504:
    case 524:
      return { ...base, kind: 'timeout', message: `${who} timed out while the model was answering. Try again in a moment.` };
    default:
      return {
        ...base,
        kind: 'upstream_down',
        message: `${who} or the model's provider is having trouble${code ? ` (error ${code})` : ''}. Try again in a few minutes, or add a fallback model.`,
      };
  }
}

/** Describes anything the SDK threw (HTTP errors, mid-stream error chunks, timeouts, network failures). */
export function describeUpstreamError(provider: Provider, err: unknown, timeoutMs?: number): UpstreamError {
  const who = providerLabel(provider);
  const none = { status: null, upstreamMessage: null, retryAfterSeconds: null };
  if (err instanceof OpenAI.APIUserAbortError || (err instanceof Error && err.name === 'AbortError')) {
    return { ...none, kind: 'aborted', message: 'The request was cancelled.' };
  }
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    const after = timeoutMs ? ` (timed out after ${Math.round(timeoutMs / 1000)} s)` : ' (timed out)';
    return { ...none, kind: 'timeout', message: `Could not reach ${who}${after}. Check the server's internet connection.` };
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return { ...none, kind: 'unreachable', message: `Could not reach ${who}. Check the server's internet connection and the base URL.` };
  }
  // The stream's socket closed before the end (undici: TypeError "terminated", cause UND_ERR_SOCKET).
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
  if (err instanceof TypeError && (err.message === 'terminated' || cause?.code === 'UND_ERR_SOCKET' || cause?.code === 'ECONNRESET')) {
    return {
      ...none,
      kind: 'unreachable',
      message: `The connection to ${who} broke off in the middle of the response. Check the server's internet connection; if it keeps happening, try again later.`,
    };
  }
  if (err instanceof OpenAI.APIError) {
    // Mid-stream error chunks arrive with no HTTP status: the code sits in the envelope.
    const envelope = envelopeOf(err.error) ?? { message: err.message };
    const status = err.status ?? (typeof envelope.code === 'number' ? envelope.code : Number(envelope.code) || null);
    return describeStatus(provider, status, envelope, err.headers as Headers | undefined);
  }
  return { ...none, kind: 'upstream_down', message: `${sentenceStart(who)} returned something unexpected. Try again in a few minutes.` };
}
