// Dashboard: open alerts (problems only the admin can fix, e.g. a rejected key or no credits) and usage numbers.
// GET /api/admin/dashboard/stats, POST /api/admin/alerts/:id/dismiss.
import { Fact } from '../../components/Fact.js';
import { LoadError } from '../../components/PageLoadState.js';
import { useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../api.js';
import { formatNumber } from '../../format.js';
import { TimeAgo } from '../../components/TimeAgo.js';
import { formatMoney } from '../conversations/shared.js';
import type { Resource } from '../../hooks.js';
import { Icon } from '../../components/Icon.js';
import { Notice } from '../../components/Notice.js';
import { speak } from '../../components/announce.js';
import { Spinner } from '../../components/Spinner.js';
import { Postbox } from '../../components/Postbox.js';
import type { OpenAlert as Alert, DashboardStats, UsageTotals } from '../../../../server/dashboard/schemas.js';
import '../../components/chat-admin.css';
import './dashboard.css';

/** Errors stop answers altogether; warnings are passing or partial. */
const ERROR_KINDS = new Set(['invalid_key', 'no_key', 'payment_required', 'forbidden', 'not_found', 'bad_request']);

/** What the admin can do about an alert; several kinds share one. */
type Action = { label: string; href: string; external?: boolean };
const CHECK_KEY: Action = { label: 'Check the key in Settings → API Configuration', href: '/admin/settings' };
const ADD_CREDITS: Action = { label: 'Add credits on OpenRouter', href: 'https://openrouter.ai/settings/credits', external: true };
const FALLBACK: Action = { label: 'Consider a fallback model in Settings → API Configuration', href: '/admin/settings' };

const ACTIONS: Record<string, Action> = {
  invalid_key: CHECK_KEY,
  no_key: { label: 'Add the key in Settings → API Configuration', href: '/admin/settings' },
  forbidden: CHECK_KEY,
  not_found: { label: 'Choose another model in Settings → API Configuration', href: '/admin/settings' },
  bad_request: { label: 'Review the settings on the Chatbot screen', href: '/admin/chatbot' },
  payment_required: ADD_CREDITS,
  low_balance: ADD_CREDITS,
  spend_cap: { label: 'Change the daily spend cap on the Chatbot screen', href: '/admin/chatbot' },
  rate_limited: FALLBACK,
  upstream_down: FALLBACK,
  timeout: { label: 'Add a fallback model or choose a faster one in Settings → API Configuration', href: '/admin/settings' },
  unreachable: { label: 'Check the connection with Test API Key in Settings → API Configuration', href: '/admin/settings' },
};

export function AlertsArea({ stats }: { stats: Resource<DashboardStats> }) {
  const [dismissing, setDismissing] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const alerts = stats.data?.alerts ?? [];

  async function dismiss(alert: Alert) {
    setDismissing(alert.id);
    setError(null);
    try {
      await api.post(`/api/admin/alerts/${alert.id}/dismiss`);
      if (stats.data) stats.setData({ ...stats.data, alerts: stats.data.alerts.filter((a) => a.id !== alert.id) });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      if (err instanceof ApiError && err.status === 404) {
        // Already dismissed or resolved (e.g. in another tab): just refresh.
        stats.reload();
      } else {
        setError(`The alert was not dismissed: ${errorMessage(err)}`);
        speak(`The alert was not dismissed: ${errorMessage(err)}`, 'assertive');
      }
    } finally {
      setDismissing(null);
    }
  }

  if (!alerts.length && !error) return null;
  return (
    <div class="dashboard-alerts" role="region" aria-label="Alerts">
      {error && (
        <Notice type="error" onDismiss={() => setError(null)} live={false}>
          <p>{error}</p>
        </Notice>
      )}
      {alerts.map((a) => {
        const action = ACTIONS[a.kind];
        const type = ERROR_KINDS.has(a.kind) ? 'error' : 'warning';
        return (
          <Notice key={a.id} type={type} class="alert-notice" live={false}>
            <div class="alert-row">
              <Icon name={type} size={24} class="alert-icon" />
              <div class="alert-text">
                <p class="alert-message">
                  <strong>{a.message}</strong>
                </p>
                <p class="alert-meta">
                  {a.count === 1 ? 'Happened once' : `Happened ${formatNumber(a.count)} times`}, last <TimeAgo at={a.lastAt} />
                  {a.count > 1 && (
                    <>
                      {' '}
                      (first <TimeAgo at={a.firstAt} />)
                    </>
                  )}
                  .
                  {action && (
                    <>
                      {' '}
                      <a href={action.href} {...(action.external ? { target: '_blank', rel: 'noopener noreferrer' } : {})}>
                        {action.label}
                      </a>
                    </>
                  )}
                </p>
              </div>
              <div class="alert-actions">
                <button type="button" class="button" onClick={() => dismiss(a)} disabled={dismissing === a.id} aria-label={`Dismiss alert: ${a.message}`}>
                  {dismissing === a.id ? 'Dismissing…' : 'Dismiss'}
                </button>
              </div>
            </div>
          </Notice>
        );
      })}
    </div>
  );
}

export function StatsRow({ stats }: { stats: Resource<DashboardStats> }) {
  const { data, error, loading, reload } = stats;
  return (
    <section class="stats-area" aria-labelledby="stats-title">
      <h2 class="screen-reader-text" id="stats-title">
        Usage
      </h2>
      {error && !data && <LoadError text="Could not load the usage numbers" error={error} onRetry={reload} inline />}
      <div class="stats-row">
        <StatsBox title="Today" stats={data?.today} loading={loading && !data} />
        <StatsBox title="This month" stats={data?.month} loading={loading && !data} />
      </div>
      <p class="description stats-note">Chats with the widget on your website (Playground tests are not counted). Days and months are in UTC.</p>
    </section>
  );
}

function StatsBox({ title, stats, loading }: { title: string; stats?: UsageTotals; loading: boolean }) {
  const id = `stats-${title.toLowerCase().replace(/\s+/g, '-')}`;
  return (
    <Postbox id={id} title={title} level={3} class="stats-box">
      {loading || !stats ? (
        <div class="stats-loading">{loading && <Spinner label="Loading…" />}</div>
      ) : (
        <dl class="stats-grid">
          <Fact term="Conversations">{formatNumber(stats.conversations)}</Fact>
          <Fact term="Messages">{formatNumber(stats.messages)}</Fact>
          <Fact term="Tokens">{formatNumber(stats.tokens)}</Fact>
          <Fact term="Cost">{formatMoney(stats.cost)}</Fact>
        </dl>
      )}
    </Postbox>
  );
}
