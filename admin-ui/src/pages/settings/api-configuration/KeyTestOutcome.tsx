import { Notice } from '../../../components/Notice.js';
import { formatUsd } from '../../../format.js';
import type { TestState } from './form.js';

/** What "Test API Key" found: the key's facts, or why it did not work. */
export function KeyTestOutcome({ state }: { state: TestState }) {
  if (state.status === 'failed') {
    return (
      <Notice type="error" inline>
        <p>{state.message}</p>
      </Notice>
    );
  }
  if (state.status !== 'done') return null;
  const r = state.result;
  if (!r.ok) {
    return (
      <Notice type="error" inline>
        <p>
          <strong>The key did not work.</strong> {r.message}
        </p>
      </Notice>
    );
  }
  const who = state.provider === 'openrouter' ? 'OpenRouter' : 'The endpoint';
  return (
    <Notice type="success" inline>
      <p>
        <strong>{state.noKey ? `${who} answered without an API key.` : `${who} accepted ${state.stored ? 'the saved key' : 'this key'}.`}</strong>
        {!state.stored && ' Save Changes to keep it.'}
      </p>
      {r.key && (
        <dl class="key-facts">
          <dt>Label</dt>
          <dd>
            <code>{r.key.label}</code>
          </dd>
          <dt>Per-key limit remaining</dt>
          <dd>{r.key.limit == null ? 'No per-key limit' : `${formatUsd(r.key.limitRemaining ?? 0)} of ${formatUsd(r.key.limit)}`}</dd>
          <dt>Usage</dt>
          <dd>{formatUsd(r.key.usage)}</dd>
          <dt>Account</dt>
          <dd>{r.key.isFreeTier ? 'Free tier' : 'Paid'}</dd>
          {r.balance && (
            <>
              <dt>Balance</dt>
              <dd>{r.balance.available ? formatUsd(r.balance.amount) : r.balance.message || 'Balance not available for this key.'}</dd>
            </>
          )}
        </dl>
      )}
    </Notice>
  );
}
