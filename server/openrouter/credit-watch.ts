// Low-balance warning: what the OpenRouter key can still spend is read at most once an hour (the time of
// the last check is kept in SQLite, so restarts do not add checks), right after a key is saved, and from
// every Test API Key. Below the admin's threshold it becomes a dashboard alert; back above, the alert is
// resolved. Nothing is checked without a key, for other providers, or with the threshold at 0.
import type { ProviderStore, StoredBalanceCheck } from '../stores/provider-store.js';
import { raiseAlert, resolveAlert } from '../chat/alerts.js';
import type { Connection } from './client.js';
import type { BackgroundTimer, OpenRouterDeps } from './deps.js';
import { spendableOf, testKey, type KeyTestResult, type Spendable } from './key-check.js';
import { keyFingerprint, noteKeyOutcome } from './key-status.js';
import { everyTickRuns } from '../cluster/schedule.js';

type Deps = OpenRouterDeps;

export const BALANCE_CHECK_INTERVAL_MS = 60 * 60_000;
/** How often the timer looks whether a check is due (the check itself waits for the hour). */
const TICK_MS = 5 * 60_000;
export const LOW_BALANCE_ALERT = 'low_balance';
export const CREDITS_URL = 'https://openrouter.ai/settings/credits';
export const KEYS_URL = 'https://openrouter.ai/settings/keys';

export interface BalanceView extends Spendable {
  /** When the amount was read (ISO). */
  checkedAt: string;
  /** Below the admin's threshold (false when the warning is off). */
  low: boolean;
}

// The store keeps the source as text; only this module writes it, from Spendable['source'].
type Row = StoredBalanceCheck & { source: Spendable['source'] | null };

const readRow = async (deps: Deps) => (await deps.store.balanceCheck()) as Row | null;
const writeRow = (deps: Deps, row: Row) => deps.store.saveBalanceCheck(row);

/** The connection whose balance is watched, or null when there is nothing to watch. */
async function watched(deps: Deps): Promise<{ connection: Connection; thresholdUsd: number; fingerprint: string } | null> {
  const thresholdUsd = await deps.lowBalanceUsd();
  const connection = await deps.savedConnection();
  if (connection.provider !== 'openrouter' || !connection.apiKey || thresholdUsd <= 0) return null;
  return { connection, thresholdUsd, fingerprint: keyFingerprint(deps, connection) };
}

const usd = (n: number) => `${n < 0 ? '-' : ''}$${Math.abs(n).toFixed(2)}`;

export function lowBalanceMessage(spendable: Spendable, thresholdUsd: number): string {
  const what =
    spendable.source === 'credits'
      ? `Your OpenRouter balance is ${usd(spendable.amount)}`
      : `This API key can spend ${usd(spendable.amount)} more before its credit limit`;
  const fix = spendable.source === 'credits' ? `Add credits at ${CREDITS_URL}.` : `Raise the key's limit at ${KEYS_URL}.`;
  return `${what}, below your warning level of ${usd(thresholdUsd)}. When it runs out, visitors' questions go unanswered. ${fix}`;
}

/** Raises or resolves the low-balance alert from the last amount read and the current threshold (no network). */
export async function evaluateLowBalance(deps: Deps): Promise<void> {
  const watch = await watched(deps);
  const row = await readRow(deps);
  if (!watch || !row || row.fingerprint !== watch.fingerprint || row.amount === null || row.source === null) {
    await resolveAlert(deps.stores, LOW_BALANCE_ALERT);
  } else if (row.amount < watch.thresholdUsd) {
    await raiseAlert(deps.stores, LOW_BALANCE_ALERT, lowBalanceMessage({ amount: row.amount, source: row.source }, watch.thresholdUsd));
  } else {
    await resolveAlert(deps.stores, LOW_BALANCE_ALERT);
  }
}

/**
 * Learns from a GET /key (+ /credits) result with `connection`, from a check or a Test API Key: the
 * key's status and, for the saved OpenRouter key, what it can spend and whether that is low.
 */
export async function recordKeyTest(deps: Deps, connection: Connection, result: KeyTestResult, now = Date.now()): Promise<void> {
  if (!(await deps.store.isOpen())) return; // the app closed while the check was out
  if (!result.ok) {
    await noteKeyOutcome(deps, connection, { ok: false, call: 'key', problem: result.problem }, now);
    return;
  }
  const spendable = spendableOf(result);
  // Money at or above the warning level (or any, with the warning off) means the credits are back.
  const thresholdUsd = await deps.lowBalanceUsd();
  const funded = !!spendable && spendable.amount > 0 && spendable.amount >= thresholdUsd;
  await noteKeyOutcome(deps, connection, { ok: true, call: funded ? 'funded' : 'key' }, now);
  const saved = await deps.savedConnection();
  if (saved.provider !== 'openrouter' || !saved.apiKey || connection.provider !== 'openrouter' || connection.apiKey !== saved.apiKey) return;
  await writeRow(deps, {
    fingerprint: keyFingerprint(deps, saved),
    checkedAt: now,
    amount: spendable?.amount ?? null,
    source: spendable?.source ?? null,
    measuredAt: now,
  });
  await evaluateLowBalance(deps);
}

// One check at a time per store (each app has its own): tests run several apps in one process.
const checksByStore = new WeakMap<ProviderStore, { running: Promise<void> | null }>();
const checksOf = (store: ProviderStore) => {
  let checks = checksByStore.get(store);
  if (!checks) checksByStore.set(store, (checks = { running: null }));
  return checks;
};

/**
 * Checks the balance when due: an hour after the last check of the saved key, at once for a key never
 * checked (just saved). One check at a time; a check already under way is waited for, not repeated.
 */
export function checkBalance(deps: Deps, now = Date.now()): Promise<void> {
  const checks = checksOf(deps.store);
  if (checks.running) return checks.running;
  const run = (async () => {
    const watch = await watched(deps);
    if (!watch) {
      await evaluateLowBalance(deps); // turned off, key removed, other provider: an old alert no longer applies
      return;
    }
    const row = await readRow(deps);
    const same = row?.fingerprint === watch.fingerprint;
    if (same && now - row!.checkedAt < BALANCE_CHECK_INTERVAL_MS) return;
    // The attempt is recorded first: a check that fails or never returns is not retried before the hour.
    await writeRow(deps, same ? { ...row!, checkedAt: now } : { fingerprint: watch.fingerprint, checkedAt: now, amount: null, source: null, measuredAt: null });
    await recordKeyTest(deps, watch.connection, await testKey(watch.connection, deps.config), now);
  })()
    .catch((err) => deps.log.warn({ err }, 'the balance check failed'))
    .finally(() => {
      checks.running = null;
    });
  checks.running = run;
  return run;
}

/** After API Configuration is saved: the threshold may have changed, and a new key is checked at once. */
export async function balanceAfterSave(deps: Deps, now = Date.now()): Promise<void> {
  await evaluateLowBalance(deps);
  return checkBalance(deps, now);
}

/** The last amount read for the saved key, or null when none was (or it could not be read). */
export async function balanceView(deps: Deps): Promise<BalanceView | null> {
  const connection = await deps.savedConnection();
  if (connection.provider !== 'openrouter' || !connection.apiKey) return null;
  const row = await readRow(deps);
  if (!row || row.fingerprint !== keyFingerprint(deps, connection) || row.amount === null || row.source === null || row.measuredAt === null) return null;
  const thresholdUsd = await deps.lowBalanceUsd();
  return { amount: row.amount, source: row.source, checkedAt: new Date(row.measuredAt).toISOString(), low: thresholdUsd > 0 && row.amount < thresholdUsd };
}

/** Checks when due: once at start, then every few minutes (unref'd: it never keeps the process up). */
export function creditWatch(deps: Deps, clock: () => number = Date.now): BackgroundTimer {
  let timer: NodeJS.Timeout | undefined;
  // Once across the cluster: another node's check counts for this one.
  const tick = () =>
    void (deps.schedule ?? everyTickRuns)('credit-watch', TICK_MS)
      .then((mine) => (mine ? checkBalance(deps, clock()) : undefined))
      .catch((err) => deps.log.warn({ err }, 'the balance check could not run'));
  return {
    start() {
      tick();
      timer = setInterval(tick, TICK_MS);
      timer.unref();
    },
    // A check still out when the app closes finds the database closed and stops (recordKeyTest).
    stop: () => clearInterval(timer),
  };
}
