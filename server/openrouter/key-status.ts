// The key's real status: the latest outcome of the calls that use it (chat answers, embeddings, the key
// test, the balance check, the model list), so API Configuration can say "Out of credits since 10:02"
// instead of a test result from last week. This is the one place that decides what an outcome means for
// the key. It writes only when the state changes: a successful call on a working key costs one read.
import { endpointOf, type Connection } from './client.js';
import type { OpenRouterDeps } from './deps.js';
import type { UpstreamError } from './errors.js';

type Deps = Pick<OpenRouterDeps, 'store' | 'secretBox' | 'savedConnection' | 'log'>;

import type { KeyState } from './schemas.js';

export { KEY_STATES, type KeyState } from './schemas.js';

export interface KeyStatus {
  state: KeyState;
  /** ISO time the state began: for a failure, the first failure of the current streak. */
  since: string;
  /** For a failure, what went wrong and what to do (describeUpstreamError's sentence); null when ok. */
  message: string | null;
}

/**
 * Which call an outcome comes from; it decides what a success proves. An answer proves everything. An
 * embedding is cheap: it proves the credits only against a failure of another embedding (an answer can
 * be refused for credits that still cover embeddings). GET /key proves the key valid, not funded, unless
 * the balance read with it is at least the warning level ('funded'). OpenRouter's model lists ignore the
 * key ('keyless'): they only prove OpenRouter can be reached.
 */
export type KeyCall = 'answer' | 'embedding' | 'key' | 'funded' | 'keyless';

export type KeyOutcome = { ok: true; call: KeyCall } | { ok: false; call: KeyCall; problem: UpstreamError };

function disproves(call: KeyCall, state: Exclude<KeyState, 'ok'>, failedCall: KeyCall): boolean {
  switch (state) {
    case 'unreachable':
      return true;
    case 'invalid_key':
      return call !== 'keyless';
    case 'payment_required':
      return call === 'answer' || call === 'funded' || (call === 'embedding' && failedCall === 'embedding');
    case 'rate_limited':
      return call === 'answer' || (call === 'embedding' && failedCall === 'embedding');
  }
}

/**
 * The state a failure puts the key in; null for failures that say nothing about the key (a model that
 * is down or refuses the request, a slow model, a request cancelled on purpose).
 */
export function keyStateOf(problem: UpstreamError): Exclude<KeyState, 'ok'> | null {
  switch (problem.kind) {
    case 'invalid_key':
    case 'payment_required':
    case 'rate_limited':
    case 'unreachable':
      return problem.kind;
    case 'timeout':
      // No HTTP status: the connection itself timed out (a model that was slow to answer has one, or is
      // timed by the chat's own timers, which never come here).
      return problem.status === null ? 'unreachable' : null;
    default:
      return null;
  }
}

interface Row {
  fingerprint: string;
  state: KeyState;
  since: number;
  message: string | null;
  call: KeyCall;
}

/** Ties stored observations to one key on one endpoint: a new key starts with none. */
export const keyFingerprint = (deps: Pick<Deps, 'secretBox'>, connection: Connection) =>
  deps.secretBox.fingerprint(`key-status|${endpointOf(connection)}|${connection.apiKey ?? ''}`);

// The store keeps state and call as text; only this module writes them, from the types above.
const readRow = async (deps: Deps) => (await deps.store.keyStatus()) as Row | null;
const writeRow = (deps: Deps, row: Row) => deps.store.saveKeyStatus(row);

/**
 * Outcomes noted but maybe not yet written, per store. Each note reads the row, then writes it: on PostgreSQL
 * (several round trips) two notes in flight at once could interleave and the older outcome win, and a note
 * reported in the background (an embedding, a model list) could still be under way when the admin reads
 * the status. So they run one after another, and a read waits for those already reported.
 */
const notesByStore = new WeakMap<Deps['store'], Promise<void>>();

function afterEarlierNotes(deps: Deps, note: () => Promise<void>): Promise<void> {
  const noted = (notesByStore.get(deps.store) ?? Promise.resolve()).then(note);
  // A failed note (its caller logs it) does not stop the next.
  notesByStore.set(
    deps.store,
    noted.catch(() => undefined),
  );
  return noted;
}

/**
 * Records the outcome of a call made with `connection`. Only the saved connection has a status: calls
 * with a key being tried out, or with the key an older search index keeps, are not about the saved key.
 */
export function noteKeyOutcome(deps: Deps, connection: Connection, outcome: KeyOutcome, now = Date.now()): Promise<void> {
  return afterEarlierNotes(deps, () => writeOutcome(deps, connection, outcome, now));
}

async function writeOutcome(deps: Deps, connection: Connection, outcome: KeyOutcome, now: number): Promise<void> {
  const failed = outcome.ok ? null : keyStateOf(outcome.problem);
  if (!outcome.ok && !failed) return;
  const saved = await deps.savedConnection();
  if (endpointOf(saved) !== endpointOf(connection) || saved.apiKey !== connection.apiKey) return;
  if (!saved.apiKey && saved.provider === 'openrouter') return; // no key, no key status
  const fingerprint = keyFingerprint(deps, saved);
  const row = await readRow(deps);
  const known = row?.fingerprint === fingerprint ? row : null;
  if (!outcome.ok) {
    if (known?.state === failed) return; // the streak goes on: keep when it began
    await writeRow(deps, { fingerprint, state: failed!, since: now, message: outcome.problem.message, call: outcome.call });
    return;
  }
  if (known?.state === 'ok') return;
  // A success clears the failure it disproves; with nothing known yet, only a call that used the key says it works.
  const clears = known ? disproves(outcome.call, known.state as Exclude<KeyState, 'ok'>, known.call) : outcome.call !== 'keyless';
  if (clears) await writeRow(deps, { fingerprint, state: 'ok', since: now, message: null, call: outcome.call });
}

/** Reports outcomes of calls made with `connection` (for code that is given no deps, such as the embedder). */
export type KeyOutcomeReport = (outcome: KeyOutcome) => void;
export const keyOutcomeReport =
  (deps: Deps, connection: Connection): KeyOutcomeReport =>
  (outcome) =>
    void noteKeyOutcome(deps, connection, outcome).catch((err) => deps.log.warn({ err }, 'could not record the key status'));

/** The saved key's status, or null when nothing has been learnt about this key yet (or none is saved). */
export async function keyStatusOf(deps: Deps): Promise<KeyStatus | null> {
  await notesByStore.get(deps.store); // the outcomes of calls this node has already made
  const saved = await deps.savedConnection();
  if (!saved.apiKey && saved.provider === 'openrouter') return null;
  const row = await readRow(deps);
  if (!row || row.fingerprint !== keyFingerprint(deps, saved)) return null;
  return { state: row.state, since: new Date(row.since).toISOString(), message: row.message };
}
