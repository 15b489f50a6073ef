// The saved key's status on API Configuration: the latest real outcome of calls with it (chat, training,
// tests) rather than the last test alone, and what it can still spend. Times are the admin's local time.
import type { ComponentChildren } from 'preact';
import { Icon } from '../../components/Icon.js';
import { TimeAgo } from '../../components/TimeAgo.js';
import { formatDateTime, formatUsd } from '../../format.js';
import type { ApiSettings, KeyState } from '../../types.js';
import './settings.css';

export const CREDITS_URL = 'https://openrouter.ai/settings/credits';
export const KEYS_URL = 'https://openrouter.ai/settings/keys';

/** "10:02" today, "Nov 21, 10:02" before: when something began, in the admin's local time. */
export function localTime(iso: string, now = new Date()): string {
  const t = new Date(iso);
  const time = t.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
  if (t.toDateString() === now.toDateString()) return time;
  return `${t.toLocaleDateString(undefined, { month: 'short', day: 'numeric', ...(t.getFullYear() !== now.getFullYear() ? { year: 'numeric' } : {}) })}, ${time}`;
}

export function ExternalLink({ href, children }: { href: string; children: ComponentChildren }) {
  return (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
      <Icon name="external" size={12} class="icon-external" />
      <span class="screen-reader-text"> (opens in a new tab)</span>
    </a>
  );
}

/** When something began, in local time ("10:02"); the full date on hover. */
function Since({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {localTime(iso)}
    </time>
  );
}

/** What each failure means and what to do, as one line. */
function failureLine(state: Exclude<KeyState, 'ok'>, since: string, openRouter: boolean): ComponentChildren {
  const who = openRouter ? 'OpenRouter' : 'the endpoint';
  switch (state) {
    case 'payment_required':
      return (
        <>
          Out of credits since <Since iso={since} /> —{' '}
          {openRouter ? <ExternalLink href={CREDITS_URL}>add credits at OpenRouter</ExternalLink> : 'add credits with your provider'}
        </>
      );
    case 'invalid_key':
      return (
        <>
          Rejected by {who} since <Since iso={since} /> —{' '}
          {openRouter ? <ExternalLink href={KEYS_URL}>check the key at OpenRouter</ExternalLink> : 'check the key'} or change it here
        </>
      );
    case 'rate_limited':
      return (
        <>
          Rate limited since <Since iso={since} /> — answers resume when the limit resets; a paid or fallback model avoids this
        </>
      );
    case 'unreachable':
      return (
        <>
          Could not reach {who} since <Since iso={since} /> — check the server’s internet connection
        </>
      );
  }
}

/** The status under the saved key: real outcomes first; the last test when nothing else is known yet. */
export function KeyStatusLine({ settings }: { settings: ApiSettings }) {
  const { keyStatus, keyCheck } = settings;
  const openRouter = settings.provider === 'openrouter';
  if (keyStatus && keyStatus.state !== 'ok') {
    return (
      <div class="key-status key-status-problem" id="api-key-status">
        <p class="status-error">
          <Icon name="error" size={16} class="status-icon" /> Saved. {failureLine(keyStatus.state, keyStatus.since, openRouter)}.
        </p>
        {keyStatus.message && (
          <details class="key-status-details">
            <summary>What {openRouter ? 'OpenRouter' : 'the endpoint'} said</summary>
            <p>{keyStatus.message}</p>
          </details>
        )}
      </div>
    );
  }
  let line: ComponentChildren;
  if (keyStatus) {
    line = (
      <span class="status-ok">
        <Icon name="check-circle" size={16} class="status-icon" /> Saved. Working: no failed requests since <Since iso={keyStatus.since} />.
      </span>
    );
  } else if (keyCheck?.ok) {
    line = (
      <span class="status-ok">
        <Icon name="check-circle" size={16} class="status-icon" /> Saved. Worked when last tested <TimeAgo at={keyCheck.checkedAt} />.
      </span>
    );
  } else if (keyCheck) {
    line = (
      <span class="status-error">
        Saved, but the last test failed (<TimeAgo at={keyCheck.checkedAt} />
        ).
      </span>
    );
  } else {
    line = 'Saved. Not tested yet.';
  }
  return (
    <p class="key-status" id="api-key-status">
      {line}
    </p>
  );
}

/** What the key can still spend, when OpenRouter lets it be read; a warning below the admin's level. */
export function BalanceLine({ settings }: { settings: ApiSettings }) {
  const { balance, lowBalanceUsd } = settings;
  if (!balance || settings.provider !== 'openrouter') return null;
  const what = balance.source === 'credits' ? 'Balance' : 'This key can spend';
  return (
    <p class={`key-balance${balance.low ? ' is-low' : ''}`} id="api-key-balance">
      {balance.low && <Icon name="warning" size={16} class="status-icon" />}
      {what}: <strong>{formatUsd(balance.amount)}</strong>
      {balance.source === 'key_limit' && ' before its credit limit'} (checked <Since iso={balance.checkedAt} />)
      {balance.low ? (
        <>
          {' '}
          — below your {formatUsd(lowBalanceUsd)} warning level.{' '}
          {balance.source === 'credits' ? (
            <ExternalLink href={CREDITS_URL}>Add credits at OpenRouter</ExternalLink>
          ) : (
            <ExternalLink href={KEYS_URL}>Raise the key’s limit at OpenRouter</ExternalLink>
          )}
        </>
      ) : (
        '.'
      )}
    </p>
  );
}
