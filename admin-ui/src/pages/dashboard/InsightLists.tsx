// The Insights lists: top and unanswered questions, documents used and unused, each with its CSV download.
import type { ComponentChildren } from 'preact';
import { type Column, DataTable } from '../../components/DataTable.js';
import { Postbox } from '../../components/Postbox.js';
import { formatNumber, plural } from '../../format.js';
import type { InsightList, InsightsBody, QuestionGroup } from '../../../../server/dashboard/schemas.js';
import { exportUrl } from './insights-data.js';

type Source = InsightsBody['sources'][number];

const improveHref = (conversationId: string) => `/admin/conversations/${conversationId}?improve=unanswered`;

/** A question group's most asked wording (opening a conversation it was asked in, when `link`), and its other wordings. */
function Question({ q, link }: { q: QuestionGroup; link?: boolean }) {
  return (
    <>
      {link && q.conversationId ? <a href={improveHref(q.conversationId)}>{q.question}</a> : q.question}
      {q.variants.length > 0 && <p class="insight-variants">Also asked as: {q.variants.map((v) => `“${v}”`).join(', ')}</p>}
    </>
  );
}

/** A trained document in the lists: its title, a link when it has a public address, and its source. */
function DocumentName({ doc }: { doc: { title: string; url: string | null; source: string } }) {
  return (
    <>
      {doc.url ? (
        <a href={doc.url} target="_blank" rel="noopener noreferrer">
          {doc.title}
        </a>
      ) : (
        doc.title
      )}
      <span class="insight-source">{doc.source}</span>
    </>
  );
}

const TOP: Column<QuestionGroup>[] = [
  { label: 'Question', class: 'col-question', cell: (q) => <Question q={q} link /> },
  { label: 'Asked', class: 'col-num', cell: (q) => formatNumber(q.asked) },
  { label: 'Answered well', class: 'col-num', cell: (q) => `${formatNumber(q.answeredWell)} of ${formatNumber(q.asked)}` },
];

const UNANSWERED: Column<QuestionGroup>[] = [
  { label: 'Question', class: 'col-question', cell: (q) => <Question q={q} /> },
  { label: 'Unanswered', class: 'col-num', cell: (q) => `${formatNumber(q.unanswered)} of ${formatNumber(q.asked)}` },
  {
    label: <span class="screen-reader-text">Action</span>,
    class: 'col-action',
    cell: (q) =>
      q.conversationId && (
        <a href={improveHref(q.conversationId)}>
          Improve answer<span class="screen-reader-text">: {q.question}</span>
        </a>
      ),
  },
];

const SOURCES: Column<Source>[] = [
  { label: 'Document', class: 'col-question', cell: (s) => <DocumentName doc={s} /> },
  { label: 'Answers', class: 'col-num', cell: (s) => formatNumber(s.answers) },
];

interface ListBoxProps {
  id: string;
  title: string;
  list: InsightList;
  description: string;
  /** What to say instead of the list when it has nothing. */
  empty: string | false;
  body: ComponentChildren;
}

export function Lists({ data, period }: { data: InsightsBody; period: string }) {
  const unused = data.unusedDocuments;
  const boxes: ListBoxProps[] = [
    {
      id: 'top-questions',
      title: 'Top questions',
      list: 'top-questions',
      description: data.groupedBySimilarity ? 'Questions with the same meaning are counted together.' : 'Questions with the same words are counted together.',
      empty: !data.topQuestions.length && `No questions in ${period}.`,
      body: <DataTable columns={TOP} rows={data.topQuestions} rowKey={(q) => q.question} />,
    },
    {
      id: 'unanswered-questions',
      title: 'Unanswered questions',
      list: 'unanswered-questions',
      description: 'Questions answered with "I don\'t know", a failure or links only. Open one to improve its answer.',
      empty: !data.unansweredQuestions.length && `No unanswered questions in ${period}.`,
      body: <DataTable columns={UNANSWERED} rows={data.unansweredQuestions} rowKey={(q) => q.question} />,
    },
    {
      id: 'sources-used',
      title: 'Sources used most',
      list: 'sources',
      description: 'The documents answers drew on, and by how many answers.',
      empty: !data.sources.length && `No answer used your content in ${period}.`,
      body: <DataTable columns={SOURCES} rows={data.sources} rowKey={(s) => s.documentId} />,
    },
    {
      id: 'unused-documents',
      title: 'Documents no answer used',
      list: 'unused-documents',
      description: 'Trained content no answer drew on: out of date, or about something visitors do not ask.',
      empty: !unused.total && `Every trained document helped an answer in ${period}.`,
      body: (
        <>
          <ul class="insight-unused">
            {unused.documents.map((d) => (
              <li key={d.documentId}>
                <DocumentName doc={d} />
              </li>
            ))}
          </ul>
          {unused.total > unused.documents.length && (
            <p class="description">And {plural(unused.total - unused.documents.length, 'more document')}: download the CSV for all of them.</p>
          )}
        </>
      ),
    },
  ];
  return (
    <div class="insight-lists">
      {boxes.map((b) => (
        <Postbox
          key={b.id}
          id={`${b.id}-title`}
          title={b.title}
          level={3}
          class="insight-list"
          actions={
            <a class="button button-small" href={exportUrl(data.range.days, b.list)} download>
              Download CSV<span class="screen-reader-text"> of {b.title.toLowerCase()}</span>
            </a>
          }
        >
          <p class="description">{b.description}</p>
          {b.empty ? <p class="insight-empty">{b.empty}</p> : b.body}
        </Postbox>
      ))}
    </div>
  );
}
