// Conversations: every chat with the widget (and Playground tests), newest first, with filters and CSV export.
// GET /api/admin/conversations?filter&offset&limit.
import { Badge } from '../../components/Badge.js';
import { type Column, DataTable } from '../../components/DataTable.js';
import { ListScreen, PAGE_SIZE, dateColumn, useListQuery } from '../../components/ListScreen.js';
import { formatNumber, plural } from '../../format.js';
import { FILTERS, Feedback, ImprovedBadge, OriginLabel, formatMoney } from './shared.js';
import type { ConversationList, ConversationRow, Filter } from './types.js';
import '../../components/chat-admin.css';
import './conversations.css';
import './improve.css';

const EMPTY: Record<Filter, string> = {
  all: 'No conversations yet. They appear here when visitors use the widget, or when you try the Playground.',
  unanswered: 'No unanswered questions. Every question found something in your content.',
  'thumbs-down': 'No thumbs down. Nobody marked an answer as unhelpful.',
};

const COLUMNS: Column<ConversationRow>[] = [
  dateColumn,
  {
    label: 'First question',
    class: 'col-question',
    cell: (c) => (
      <>
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
      </>
    ),
  },
  { label: 'Messages', class: 'col-num', cell: (c) => formatNumber(c.messages) },
  { label: 'Cost', class: 'col-num', cell: (c) => formatMoney(c.cost) },
  { label: 'Tokens', class: 'col-num', cell: (c) => formatNumber(c.tokens) },
  { label: 'Feedback', class: 'col-feedback', cell: (c) => <Feedback up={c.thumbsUp ?? 0} down={c.thumbsDown ?? 0} /> },
  { label: 'Origin', class: 'col-origin', cell: (c) => <OriginLabel origin={c.origin} channel={c.channel} /> },
];

export default function ConversationsPage() {
  const list = useListQuery<Filter, ConversationList>('/admin/conversations', 'filter', FILTERS, '/api/admin/conversations');
  const { filter, offset, data } = list;
  const rows = data?.conversations ?? [];
  // The server's total counts every conversation, whatever the filter: use it for "All" only.
  const total = filter === 'all' ? (data?.total ?? null) : null;
  const hasNext = total != null ? offset + rows.length < total : rows.length === PAGE_SIZE;

  return (
    <ListScreen
      title="Conversations"
      what="conversations"
      intro={
        <>
          What visitors asked and what the bot answered. Look at <strong>Unanswered</strong> and <strong>Thumbs down</strong>: <strong>Improve answer</strong>{' '}
          turns a bad answer into a Q&amp;A entry, trained at once.
        </>
      }
      tabsLabel="Conversation filters"
      tabs={FILTERS}
      list={list}
      count={total != null ? plural(total, 'conversation') : plural(rows.length + offset, 'conversation') + (hasNext ? ' or more' : '')}
      pages={total != null ? Math.max(1, Math.ceil(total / PAGE_SIZE)) : null}
      hasNext={hasNext}
      bottomPager
      empty={
        rows.length === 0 && (
          <>
            <p>{EMPTY[filter]}</p>
            {filter === 'all' && (
              <p>
                <a href="/admin/playground">Try the Playground</a>
              </p>
            )}
          </>
        )
      }
    >
      <DataTable
        class="conversations-table card-table"
        caption={`${FILTERS.find((f) => f.id === filter)!.label} conversations, newest first. Select one to read it.`}
        columns={COLUMNS}
        rows={rows}
        rowKey={(c) => c.id}
        rowHref={(c) => `/admin/conversations/${c.id}`}
      />
    </ListScreen>
  );
}
