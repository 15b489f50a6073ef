// "Test API Key": GET /key proves the key is valid (GET /models would not: it ignores the key),
// then GET /credits reads the balance, which ordinary keys may be refused (403) without failing the test.
import type { Config } from '../config.js';
import { ADMIN_TIMEOUT_MS, createClient, type Connection } from './client.js';
import { describeUpstreamError, type UpstreamError } from './errors.js';

export interface KeyDetails {
  label: string;
  limit: number | null;
  limitRemaining: number | null;
  usage: number;
  isFreeTier: boolean;
}
export type Balance = { available: true; amount: number } | { available: false; message: string };
export type KeyTestResult =
  | { ok: true; key: KeyDetails | null; balance: Balance | null }
  | { ok: false; reason: 'rejected' | 'unreachable' | 'error'; message: string; problem: UpstreamError };

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export async function testKey(connection: Connection, config: Pick<Config, 'publicUrl'>): Promise<KeyTestResult> {
  const client = createClient(connection, config, { timeoutMs: ADMIN_TIMEOUT_MS });
  const fail = (err: unknown): KeyTestResult => {
    const problem = describeUpstreamError(connection.provider, err, ADMIN_TIMEOUT_MS);
    const reason = problem.kind === 'invalid_key' ? 'rejected' : problem.kind === 'timeout' || problem.kind === 'unreachable' ? 'unreachable' : 'error';
    return { ok: false, reason, message: problem.message, problem };
  };

  if (connection.provider !== 'openrouter') {
    // OpenAI-compatible servers have no /key: listing models is the cheapest authenticated call.
    try {
      await client.models.list();
      return { ok: true, key: null, balance: null };
    } catch (err) {
      return fail(err);
    }
  }

  let key: KeyDetails;
  try {
    const { data } = await client.get<{ data: Record<string, unknown> }>('/key');
    key = {
      label: String(data.label ?? ''),
      limit: num(data.limit),
      limitRemaining: num(data.limit_remaining),
      usage: num(data.usage) ?? 0,
      isFreeTier: data.is_free_tier === true,
    };
  } catch (err) {
    return fail(err);
  }
  return { ok: true, key, balance: await readBalance(client, connection) };
}

async function readBalance(client: ReturnType<typeof createClient>, connection: Connection): Promise<Balance> {
  try {
    const { data } = await client.get<{ data: { total_credits?: unknown; total_usage?: unknown } }>('/credits');
    const credits = num(data?.total_credits);
    const usage = num(data?.total_usage);
    if (credits === null || usage === null) return { available: false, message: 'Balance not available for this key.' };
    return { available: true, amount: Math.round((credits - usage) * 1e6) / 1e6 };
  } catch (err) {
    const problem = describeUpstreamError(connection.provider, err, ADMIN_TIMEOUT_MS);
    if (problem.status === 401 || problem.status === 403) return { available: false, message: 'Balance not available for this key.' };
    return { available: false, message: `Balance could not be read: ${problem.message}` };
  }
}

/** What the key can still spend, as far as it can be read; null when neither figure is readable. */
export interface Spendable {
  amount: number;
  source: 'credits' | 'key_limit';
}

/**
 * The account balance (GET /credits) when the key may read it; the key's own remaining limit (GET /key)
 * when it has one. With both, the smaller one runs out first, so that is what the key can spend.
 */
export function spendableOf(result: KeyTestResult): Spendable | null {
  if (!result.ok) return null;
  const credits = result.balance?.available ? result.balance.amount : null;
  const limit = result.key?.limitRemaining ?? null;
  if (credits === null && limit === null) return null;
  if (limit === null || (credits !== null && credits <= limit)) return { amount: credits!, source: 'credits' };
  return { amount: limit, source: 'key_limit' };
}
