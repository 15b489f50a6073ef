// The last notifications sent, with their errors and a Retry for the failed ones.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../../api.js';
import { Notice } from '../../../components/Notice.js';
import { Postbox } from '../../../components/Postbox.js';
import { formatDateTime } from '../../../format.js';
import type { Resource } from '../../../hooks.js';
import type { Channel, Delivery, DeliveryList } from '../../../../../server/notifications/schemas.js';

const CHANNEL_NAMES: Record<Channel, string> = { email: 'E-mail', webhook: 'Webhook' };

function statusText(d: Delivery): string {
  switch (d.status) {
    case 'delivered':
      return 'Delivered';
    case 'sending':
      return 'Sending…';
    case 'pending':
      return d.attempts === 0 ? 'Waiting to be sent' : `Retrying: attempt ${d.attempts} of ${d.maxAttempts} failed, next ${formatDateTime(d.nextAttemptAt)}`;
    default:
      return d.attempts <= 1 ? 'Failed' : `Failed after ${d.attempts} attempts`;
  }
}

export function Deliveries({ resource }: { resource: Resource<DeliveryList> }) {
  const [retrying, setRetrying] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const rows = resource.data?.deliveries ?? [];

  // While something is on its way, the list follows it.
  useEffect(() => {
    if (!rows.some((d) => d.status === 'pending' || d.status === 'sending')) return;
    const timer = setTimeout(resource.reload, 15_000);
    return () => clearTimeout(timer);
  }, [resource.data]);

  async function retry(d: Delivery) {
    setRetrying(d.id);
    setError(null);
    try {
      const next = await api.post<Delivery>(`/api/admin/notifications/deliveries/${d.id}/retry`);
      resource.setData({ deliveries: rows.map((r) => (r.id === d.id ? next : r)) });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      setError(`Could not retry: ${errorMessage(e)}`);
      resource.reload();
    } finally {
      setRetrying(null);
    }
  }

  return (
    <Postbox
      id="ntf-deliveries-title"
      title="Last deliveries"
      class="ntf-deliveries slim-header"
      actions={
        <button type="button" class="button button-small" onClick={resource.reload} disabled={resource.loading}>
          Refresh
        </button>
      }
    >
      {error && (
        <Notice type="error" inline>
          <p>{error}</p>
        </Notice>
      )}
      {resource.error && !resource.data && (
        <Notice type="error" inline>
          <p>Could not load the deliveries: {resource.error}</p>
        </Notice>
      )}
      {resource.data && !rows.length && <p class="ntf-empty">Nothing sent yet. Events appear here as they are sent, with any error.</p>}
      {rows.length > 0 && (
        <table class="ntf-table ntf-history stack-on-phone">
          <caption class="screen-reader-text">The last notifications sent, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Event</th>
              <th scope="col">Channel</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id} class={`is-${d.status}`}>
                <td class="ntf-when">
                  <time dateTime={d.createdAt}>{formatDateTime(d.createdAt)}</time>
                </td>
                <td>
                  <span class="ntf-event-label">{d.eventLabel}</span>
                  {d.summary !== d.eventLabel && <span class="ntf-event-description">{d.summary}</span>}
                </td>
                <td class="ntf-channel" data-label="Channel">
                  {CHANNEL_NAMES[d.channel]}
                </td>
                <td class="ntf-status">
                  <span class={`ntf-status-text is-${d.status}`}>{statusText(d)}</span>
                  {d.lastError && <span class="ntf-error">{d.lastError}</span>}
                  {d.status === 'failed' && (
                    <button
                      type="button"
                      class="button button-small"
                      onClick={() => retry(d)}
                      disabled={retrying !== null}
                      aria-label={`Retry: ${d.eventLabel} by ${CHANNEL_NAMES[d.channel].toLowerCase()}`}
                    >
                      {retrying === d.id ? 'Retrying…' : 'Retry'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Postbox>
  );
}
