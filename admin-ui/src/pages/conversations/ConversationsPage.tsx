// Conversations: every chat with the widget (and Playground tests), newest first, with filters and CSV export.
// GET /api/admin/conversations?filter&offset&limit.
import { LoadError } from '../../components/PageLoadState.js';
import { useEffect } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { useTitle } from '../../components/AdminLayout.js';
import { Badge } from '../../components/Badge.js';
import { Notice } from '../../components/Notice.js';
import { LoadingBox } from '../../components/Spinner.js';
import { formatDateTime, plural, relativeTime } from '../../format.js';
import { useResource } from '../../hooks.js';
import { FILTERS, Feedback, ImprovedBadge, OriginLabel, formatCount, formatMoney, listFlash } from './shared.js';
import type { ConversationList, Filter } from './types.js';
import '../../components/chat-admin.css';
import './conversations.css';
import './improve.css';

const PAGE_SIZE = 20;

export function listHref(filter: Filter, page = 1): string {
  const q = new URLSearchParams();
  if (filter !== 'all') q.set('filter', filter);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return `/admin/conversations${s ? `?${s}` : ''}`;
}

export default function ConversationsPage() {
  const { query, route } = useLocation();
  const filter: Filter = FILTERS.some((f) => f.id === query.filter) ? (query.filter as Filter) : 'all';
  const page = Math.max(1, Number.parseInt(query.page ?? '1', 10) || 1);
  const filterLabel = FILTERS.find((f) => f.id === filter)!.label;
  useTitle(filter === 'all' ? 'Conversations' : `${filterLabel} ‹ Conversations`);

  const offset = (page - 1) * PAGE_SIZE;
  const { data, error, loading, reload } = useResource<ConversationList>(`/api/admin/conversations?filter=${filter}&offset=${offset}&limit=${PAGE_SIZE}`);
  const flash = listFlash.value;
  useEffect(() => () => void (listFlash.value = null), []);

  const rows = data?.conversations ?? [];
  // The server's total counts every conversation, whatever the filter: use it for "All" only.
  const total = filter === 'all' ? (data?.total ?? null) : null;
  const hasNext = total != null ? offset + rows.length < total : rows.length === PAGE_SIZE;
  const pages = total != null ? Math.max(1, Math.ceil(total / PAGE_SIZE)) : null;
  const exportHref = `/api/admin/conversations/export.csv?filter=${filter}`;

  const open = (id: string) => route(`/admin/conversations/${id}`);

  return (
    <div class="wrap chat-admin">
      <div class="page-title-row">
        <h1>Conversations</h1>
        <a class="button" href={exportHref} download>
          Export CSV
        </a>
      </div>
      <p class="page-intro">
        What visitors asked and what the bot answered. Look at <strong>Unanswered</strong> and <strong>Thumbs down</strong>: <strong>Improve answer</strong>{' '}
        turns a bad answer into a Q&amp;A entry, trained at once.
      </p>
      {flash && (
        <Notice type="success" onDismiss={() => (listFlash.value = null)} live={false}>
          <p>{flash}</p>
        </Notice>
      )}

      <nav class="nav-tab-wrapper" aria-label="Conversation filters">
        {FILTERS.map((f) => (
          <a key={f.id} href={listHref(f.id)} class={`nav-tab${f.id === filter ? ' nav-tab-active' : ''}`} aria-current={f.id === filter ? 'page' : undefined}>
            {f.label}
          </a>
        ))}
      </nav>

      {error && <LoadError text="Could not load the conversations" error={error} onRetry={reload} />}
      {loading && !data && <LoadingBox label="Loading conversations…" minHeight={240} />}
      {data && (
        <>
          <div class="tablenav">
            <span class="displaying-num">
              {total != null ? plural(total, 'conversation') : plural(rows.length + offset, 'conversation') + (hasNext ? ' or more' : '')}
            </span>
            <Pagination filter={filter} page={page} pages={pages} hasNext={hasNext} />
          </div>
          {rows.length === 0 ? (
            <div class="postbox empty-state">
              <p>
                {filter === 'all'
                  ? 'No conversations yet. They appear here when visitors use the widget, or when you try the Playground.'
                  : filter === 'unanswered'
                    ? 'No unanswered questions. Every question found something in your content.'
                    : 'No thumbs down. Nobody marked an answer as unhelpful.'}
              </p>
              {filter === 'all' && (
                <p>
                  <a href="/admin/playground">Try the Playground</a>
                </p>
              )}
            </div>
          ) : (
            <table class="ca-table conversations-table">
              <caption class="screen-reader-text">{filterLabel} conversations, newest first. Select one to read it.</caption>
              <thead>
                <tr>
                  <th scope="col" class="col-date">
                    Date
                  </th>
                  <th scope="col" class="col-question">
                    First question
                  </th>
                  <th scope="col" class="col-num">
                    Messages
                  </th>
                  <th scope="col" class="col-num">
                    Cost
                  </th>
                  <th scope="col" class="col-num">
                    Tokens
                  </th>
                  <th scope="col" class="col-feedback">
                    Feedback
                  </th>
                  <th scope="col" class="col-origin">
                    Origin
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <tr
                    key={c.id}
                    class="is-clickable"
                    onClick={(e) => {
                      if ((e.target as Element).closest('a, button')) return;
                      open(c.id);
                    }}
                  >
                    <td class="col-date" data-label="Date">
                      <time dateTime={c.createdAt} title={relativeTime(c.createdAt)}>
                        {formatDateTime(c.createdAt)}
                      </time>
                    </td>
                    <td class="col-question" data-label="First question">
                      <a class="row-title" href={`/admin/conversations/${c.id}`}>
                        {c.firstQuestion || '(no question)'}
                      </a>
                      {(c.unanswered ?? 0) > 0 && (
                        <Badge tone="warning" title="At least one question got no real answer">
                          {c.unanswered === 1 ? 'Unanswered' : `${c.unanswered} unanswered`}
                        </Badge>
                      )}
                      {(c.qaAnswers ?? 0) > 0 && (
                        <Badge tone="info" title="Answered from your Q&A entries word for word">
                          {c.qaAnswers === 1 ? 'Q&A answer' : `${c.qaAnswers} Q&A answers`}
                        </Badge>
                      )}
                      {c.improvedAt && <ImprovedBadge at={c.improvedAt} />}
                      {c.flaggedMessageId && (
                        <a
                          class="button button-small row-improve"
                          href={`/admin/conversations/${c.id}?improve=${c.flaggedMessageId}#message-${c.flaggedMessageId}`}
                          aria-label={`Improve answer to “${c.firstQuestion ?? 'this conversation'}”`}
                        >
                          Improve answer
                        </a>
                      )}
                    </td>
                    <td class="col-num" data-label="Messages">
                      {formatCount(c.messages)}
                    </td>
                    <td class="col-num" data-label="Cost">
                      {formatMoney(c.cost)}
                    </td>
                    <td class="col-num" data-label="Tokens">
                      {formatCount(c.tokens)}
                    </td>
                    <td class="col-feedback" data-label="Feedback">
                      <Feedback up={c.thumbsUp ?? 0} down={c.thumbsDown ?? 0} />
                    </td>
                    <td class="col-origin" data-label="Origin">
                      <OriginLabel origin={c.origin} channel={c.channel} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {(page > 1 || hasNext) && (
            <div class="tablenav tablenav-bottom">
              <Pagination filter={filter} page={page} pages={pages} hasNext={hasNext} />
            </div>
          )}
        </>
      )}
    </div>
  );
}

function Pagination({ filter, page, pages, hasNext }: { filter: Filter; page: number; pages: number | null; hasNext: boolean }) {
  if (page === 1 && !hasNext) return null;
  return (
    <nav class="pagination" aria-label="Pages">
      {page > 1 ? (
        <a class="button" href={listHref(filter, page - 1)}>
          <span aria-hidden="true">‹</span> Previous
        </a>
      ) : (
        <span class="button" aria-disabled="true">
          <span aria-hidden="true">‹</span> Previous
        </span>
      )}
      <span class="paging-text">
        Page {page}
        {pages != null ? ` of ${pages}` : ''}
      </span>
      {hasNext ? (
        <a class="button" href={listHref(filter, page + 1)}>
          Next <span aria-hidden="true">›</span>
        </a>
      ) : (
        <span class="button" aria-disabled="true">
          Next <span aria-hidden="true">›</span>
        </span>
      )}
    </nav>
  );
}
