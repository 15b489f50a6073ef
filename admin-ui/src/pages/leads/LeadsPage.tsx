// Leads: visitors who asked to talk to a person (or filled in the pre-chat form), newest first, by status, with
// CSV export. GET /api/admin/leads?status&offset&limit.
import { type Column, DataTable } from '../../components/DataTable.js';
import { ListScreen, PAGE_SIZE, dateColumn, useListQuery } from '../../components/ListScreen.js';
import { plural } from '../../format.js';
import { LeadStatusPill } from './LeadStatusPill.js';
import type { LeadList, LeadSummary, StatusFilter } from '../../../../server/leads/schemas.js';
import { kindLabel, STATUSES } from './labels.js';
import '../../components/chat-admin.css';
import './leads.css';

const FILTERS: { id: StatusFilter; label: string }[] = [{ id: 'all', label: 'All' }, ...STATUSES];

const COLUMNS: Column<LeadSummary>[] = [
  dateColumn,
  {
    label: 'Name',
    cell: (l) => (
      <a class="row-title" href={`/admin/leads/${l.id}`}>
        {l.name}
      </a>
    ),
  },
  { label: 'E-mail', cell: (l) => l.email },
  {
    label: 'Message',
    class: 'col-message',
    cell: (l) => (l.message ? <span class="lead-message">{l.message}</span> : <span class="muted">{kindLabel(l.kind)}</span>),
  },
  { label: 'Status', cell: (l) => <LeadStatusPill status={l.status} /> },
];

export default function LeadsPage() {
  const list = useListQuery<StatusFilter, LeadList>('/admin/leads', 'status', FILTERS, '/api/admin/leads');
  const { filter: status, page, data } = list;
  const counts = list.resource.data?.counts;
  const total = data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const label = FILTERS.find((f) => f.id === status)!.label;

  return (
    <ListScreen
      title="Leads"
      what="leads"
      intro={
        <>
          Visitors who asked to talk to a person, or gave their name and e-mail before chatting. Turn this on under{' '}
          <a href="/admin/chatbot">Chatbot → When the bot can't help</a>.
        </>
      }
      tabsLabel="Lead status"
      tabs={FILTERS.map((f) => ({ ...f, count: counts && (f.id === 'all' ? counts.new + counts.contacted + counts.closed : counts[f.id]) }))}
      list={list}
      count={plural(total, 'lead')}
      pages={pages}
      hasNext={page < pages}
      empty={
        data?.leads.length === 0 && (
          <p>
            {status === 'all'
              ? 'No leads yet. They appear here when a visitor uses "Talk to a person" or the pre-chat form in the widget.'
              : `No ${label.toLowerCase()} leads.`}
          </p>
        )
      }
    >
      <DataTable
        class="leads-table card-table"
        caption={`${label} leads, newest first. Select one to read it.`}
        columns={COLUMNS}
        rows={data?.leads ?? []}
        rowKey={(l) => l.id}
        rowHref={(l) => `/admin/leads/${l.id}`}
      />
    </ListScreen>
  );
}
