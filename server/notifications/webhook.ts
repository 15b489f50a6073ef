// Webhook delivery: one signed JSON POST per event, under the web sources' address rules (fetch-web.ts: a
// private or loopback address is refused unless ALLOW_PRIVATE_URLS, checked on the address actually connected
// to), bounded in time and in how much of the answer is read, never redirected.
//
// Signature: X-Docent-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with the signing secret>.
// The body carries the event's id and createdAt, so they are signed too; receivers de-duplicate by id.
import { createHmac } from 'node:crypto';
import type { FetchPolicyOptions } from '../training/ingest/fetch-web.js';
import { closeFetchPolicy, createFetchPolicy, fetchUrl, httpStatusMessage } from '../training/ingest/fetch-web.js';
import type { EventPayload } from './notify.js';

export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Receivers answer with little or nothing: more than this is not read. */
const RESPONSE_MAX_BYTES = 1024 * 1024;
const USER_AGENT = 'Docent-Webhook/1.0';
/** A Retry-After longer than this is not waited for as such: the retry schedule takes over. */
const MAX_RETRY_AFTER_MS = 60 * 60_000;

export const SIGNATURE_HEADER = 'x-docent-signature';
export const TIMESTAMP_HEADER = 'x-docent-timestamp';

/** A failed delivery: `retry` says whether trying again later may help, `retryAfterMs` when the receiver said when. */
export class WebhookError extends Error {
  constructor(
    message: string,
    readonly retry: boolean,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'WebhookError';
  }
}

export function signatureOf(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function retryAfterMs(value: string | string[] | undefined, now: number): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return null;
  const seconds = Number(raw);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(raw) - now;
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : null;
}

export interface WebhookOptions {
  secret: string;
  allowPrivate: boolean;
  reader: FetchPolicyOptions['reader'];
  timeoutMs?: number;
  now?: number;
}

/** POSTs `payload` to `url`, signed. Resolves with the receiver's status on 2xx; throws a WebhookError otherwise. */
export async function postWebhook(url: string, payload: EventPayload, options: WebhookOptions): Promise<{ status: number }> {
  const now = options.now ?? Date.now();
  const body = Buffer.from(JSON.stringify(payload));
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const policy = createFetchPolicy({
    allowPrivate: options.allowPrivate,
    reader: options.reader,
    timeoutMs,
    maxBytes: RESPONSE_MAX_BYTES,
    userAgent: USER_AGENT,
  });
  let result: Awaited<ReturnType<typeof fetchUrl>>;
  try {
    result = await fetchUrl(url, policy, {
      robots: false,
      send: {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-docent-event': payload.event,
          'x-docent-delivery': payload.id,
          [TIMESTAMP_HEADER]: String(Math.floor(now / 1000)),
          [SIGNATURE_HEADER]: signatureOf(options.secret, body),
        },
      },
    });
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    if (/points to a private or local network address/.test(message)) {
      // The address rule, not a passing failure: no retry will pass it.
      throw new WebhookError(`${message.split('. ')[0]}. Webhooks to private addresses are refused unless the server sets ALLOW_PRIVATE_URLS=true.`, false);
    }
    if (/not a valid web address|can be read|user name or password/.test(message)) throw new WebhookError(capitalised(message), false);
    throw new WebhookError(capitalised(message), true);
  } finally {
    closeFetchPolicy(policy);
  }
  const { status } = result;
  if (status >= 200 && status < 300) return { status };
  const said = result.body.toString('utf8', 0, 200).replace(/\s+/g, ' ').trim();
  const answered = `${capitalised(httpStatusMessage(status)).replace(/\.$/, '')}${said ? `: “${said}”` : ''}.`;
  if (status >= 300 && status < 400) {
    const to = result.headers.location ? ` to ${result.headers.location}` : '';
    throw new WebhookError(`The receiver answered ${status}, a redirect${to}. Webhooks are not redirected: enter the final address.`, false);
  }
  if (status === 429 || status === 408 || status >= 500) throw new WebhookError(answered, true, retryAfterMs(result.headers['retry-after'], now));
  // 400, 401, 404, 410…: the receiver refused this event, and will refuse the same body again.
  throw new WebhookError(answered, false);
}
