// Leads: visitors who asked to talk to a person (or filled in the pre-chat form), newest first, by status, with
// CSV export. GET /api/admin/leads?status&offset&limit.
import { LoadError } from '../../components/PageLoadState.js';
import { useEffect } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { useTitle } from '../../components/AdminLayout.js';
import { Notice } from '../../components/Notice.js';
import { LoadingBox } from '../../components/Spinner.js';
import { formatDateTime, plural, relativeTime } from '../../format.js';
import { useResource } from '../../hooks.js';
import { listFlash } from '../conversations/shared.js';
import { LeadStatusPill } from './LeadStatusPill.js';
import type { LeadList, StatusFilter } from '../../../../server/leads/schemas.js';
import { kindLabel, STATUSES } from './labels.js';
import '../../components/chat-admin.css';
import './leads.css';

const PAGE_SIZE = 20;
const FILTERS: { id: StatusFilter; label: string }[] = [{ id: 'all', label: 'All' }, ...STATUSES];

function listHref(status: StatusFilter, page = 1): string {
  const q = new URLSearchParams();
  if (status !== 'all') q.set('status', status);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return `/admin/leads${s ? `?${s}` : ''}`;
}

export default function LeadsPage() {
  const { query, route } = useLocation();
  const status: StatusFilter = FILTERS.some((f) => f.id === query.status) ? (query.status as StatusFilter) : 'all';
  const page = Math.max(1, Number.parseInt(query.page ?? '1', 10) || 1);
  const filterLabel = FILTERS.find((f) => f.id === status)!.label;
  useTitle(status === 'all' ? 'Leads' : `${filterLabel} ‹ Leads`);
  const offset = (page - 1) * PAGE_SIZE;
  const { data, error, loading, reload } = useResource<LeadList>(`/api/admin/leads?status=${status}&offset=${offset}&limit=${PAGE_SIZE}`);
  const flash = listFlash.value;
  useEffect(() => () => void (listFlash.value = null), []);

  const rows = data?.leads ?? [];
  const total = data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const countOf = (id: StatusFilter) => (data ? (id === 'all' ? data.counts.new + data.counts.contacted + data.counts.closed : data.counts[id]) : null);

  return (
    <div class="wrap chat-admin">
      <div class="page-title-row">
        <h1>Leads</h1>
        <a class="button" href={`/api/admin/leads/export.csv?status=${status}`} download>
          Export CSV
        </a>
      </div>
      <p class="page-intro">
        Visitors who asked to talk to a person, or gave their name and e-mail before chatting. Turn this on under{' '}
        <a href="/admin/chatbot">Chatbot → When the bot can't help</a>.
      </p>
      {flash && (
        <Notice type="success" onDismiss={() => (listFlash.value = null)} live={false}>
          <p>{flash}</p>
        </Notice>
      )}

      <nav class="nav-tab-wrapper" aria-label="Lead status">
        {FILTERS.map((f) => (
          <a key={f.id} href={listHref(f.id)} class={`nav-tab${f.id === status ? ' nav-tab-active' : ''}`} aria-current={f.id === status ? 'page' : undefined}>
            {f.label}
            {countOf(f.id) != null && <span class="count"> ({countOf(f.id)})</span>}
          </a>
        ))}
      </nav>

      {error && <LoadError text="Could not load the leads" error={error} onRetry={reload} />}
      {loading && !data && <LoadingBox label="Loading leads…" minHeight={240} />}
      {data && (
        <>
          <div class="tablenav">
            <span class="displaying-num">{plural(total, 'lead')}</span>
            {pages > 1 && (
              <nav class="pagination" aria-label="Pages">
                {page > 1 ? (
                  <a class="button" href={listHref(status, page - 1)}>
                    ‹ Previous
                  </a>
                ) : (
                  <span class="button" aria-disabled="true">
                    ‹ Previous
                  </span>
                )}
                <span class="paging-text">
                  Page {page} of {pages}
                </span>
                {page < pages ? (
                  <a class="button" href={listHref(status, page + 1)}>
                    Next ›
                  </a>
                ) : (
                  <span class="button" aria-disabled="true">
                    Next ›
                  </span>
                )}
              </nav>
            )}
          </div>
          {rows.length === 0 ? (
            <div class="postbox empty-state">
              <p>
                {status === 'all'
                  ? 'No leads yet. They appear here when a visitor uses "Talk to a person" or the pre-chat form in the widget.'
                  : `No ${filterLabel.toLowerCase()} leads.`}
              </p>
            </div>
          ) : (
            <table class="ca-table leads-table">
              <caption class="screen-reader-text">{filterLabel} leads, newest first. Select one to read it.</caption>
              <thead>
                <tr>
                  <th scope="col" class="col-date">
                    Date
                  </th>
                  <th scope="col">Name</th>
                  <th scope="col">E-mail</th>
                  <th scope="col" class="col-message">
                    Message
                  </th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((l) => (
                  <tr
                    key={l.id}
                    class="is-clickable"
                    onClick={(e) => {
                      if ((e.target as Element).closest('a, button')) return;
                      route(`/admin/leads/${l.id}`);
                    }}
                  >
                    <td class="col-date" data-label="Date">
                      <time dateTime={l.createdAt} title={relativeTime(l.createdAt)}>
                        {formatDateTime(l.createdAt)}
                      </time>
                    </td>
                    <td data-label="Name">
                      <a class="row-title" href={`/admin/leads/${l.id}`}>
                        {l.name}
                      </a>
                    </td>
                    <td data-label="E-mail">{l.email}</td>
                    <td class="col-message" data-label="Message">
                      {l.message ? <span class="lead-message">{l.message}</span> : <span class="muted">{kindLabel(l.kind)}</span>}
                    </td>
                    <td data-label="Status">
                      <LeadStatusPill status={l.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}
