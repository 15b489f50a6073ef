// The Insights lists: top and unanswered questions, documents used and unused, each with its CSV download.
import { Postbox } from '../../components/Postbox.js';
import { formatNumber, plural } from '../../format.js';
import type { InsightList, InsightsBody } from '../../../../server/dashboard/schemas.js';
import { exportUrl } from './insights-data.js';

function ListBox({
  id,
  title,
  list,
  days,
  description,
  empty,
  children,
}: {
  id: string;
  title: string;
  list: InsightList;
  days: number;
  description?: string;
  /** What to say instead of the list when it has nothing. */
  empty: preact.ComponentChildren | null;
  children: preact.ComponentChildren;
}) {
  return (
    <Postbox
      id={`${id}-title`}
      title={title}
      level={3}
      class="insight-list"
      actions={
        <a class="button button-small" href={exportUrl(days, list)} download>
          Download CSV<span class="screen-reader-text"> of {title.toLowerCase()}</span>
        </a>
      }
    >
      {description && <p class="description">{description}</p>}
      {empty ? <p class="insight-empty">{empty}</p> : children}
    </Postbox>
  );
}

/** A list's table: its column headings and its rows. */
function ListTable({ class: extra, columns, children }: { class?: string; columns: preact.ComponentChildren; children: preact.ComponentChildren }) {
  return (
    <table class={extra ? `ca-table ${extra}` : 'ca-table'}>
      <thead>
        <tr>{columns}</tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

function Variants({ variants }: { variants: string[] }) {
  if (!variants.length) return null;
  return <p class="insight-variants">Also asked as: {variants.map((v) => `“${v}”`).join(', ')}</p>;
}

export function Lists({ data, period }: { data: InsightsBody; period: string }) {
  const days = data.range.days;
  return (
    <div class="insight-lists">
      <ListBox
        id="top-questions"
        title="Top questions"
        list="top-questions"
        days={days}
        description={data.groupedBySimilarity ? 'Questions with the same meaning are counted together.' : 'Questions with the same words are counted together.'}
        empty={data.topQuestions.length ? null : <>No questions in {period}.</>}
      >
        <ListTable
          class="insight-questions"
          columns={
            <>
              <th scope="col">Question</th>
              <th scope="col" class="col-num">
                Asked
              </th>
              <th scope="col" class="col-num">
                Answered well
              </th>
            </>
          }
        >
          {data.topQuestions.map((q) => (
            <tr key={q.question}>
              <td class="col-question">
                {q.conversationId ? <a href={`/admin/conversations/${q.conversationId}?improve=unanswered`}>{q.question}</a> : q.question}
                <Variants variants={q.variants} />
              </td>
              <td class="col-num">{formatNumber(q.asked)}</td>
              <td class="col-num">
                {formatNumber(q.answeredWell)} of {formatNumber(q.asked)}
              </td>
            </tr>
          ))}
        </ListTable>
      </ListBox>

      <ListBox
        id="unanswered-questions"
        title="Unanswered questions"
        list="unanswered-questions"
        days={days}
        description={'Questions answered with "I don\'t know", a failure or links only. Open one to improve its answer.'}
        empty={data.unansweredQuestions.length ? null : <>No unanswered questions in {period}.</>}
      >
        <ListTable
          class="insight-questions"
          columns={
            <>
              <th scope="col">Question</th>
              <th scope="col" class="col-num">
                Unanswered
              </th>
              <th scope="col">
                <span class="screen-reader-text">Action</span>
              </th>
            </>
          }
        >
          {data.unansweredQuestions.map((q) => (
            <tr key={q.question}>
              <td class="col-question">
                {q.question}
                <Variants variants={q.variants} />
              </td>
              <td class="col-num">
                {formatNumber(q.unanswered)} of {formatNumber(q.asked)}
              </td>
              <td class="col-action">
                {q.conversationId && (
                  <a href={`/admin/conversations/${q.conversationId}?improve=unanswered`}>
                    Improve answer<span class="screen-reader-text">: {q.question}</span>
                  </a>
                )}
              </td>
            </tr>
          ))}
        </ListTable>
      </ListBox>

      <ListBox
        id="sources-used"
        title="Sources used most"
        list="sources"
        days={days}
        description="The documents answers drew on, and by how many answers."
        empty={data.sources.length ? null : <>No answer used your content in {period}.</>}
      >
        <ListTable
          columns={
            <>
              <th scope="col">Document</th>
              <th scope="col" class="col-num">
                Answers
              </th>
            </>
          }
        >
          {data.sources.map((s) => (
            <tr key={s.documentId}>
              <td class="col-question">
                <DocumentName doc={s} />
              </td>
              <td class="col-num">{formatNumber(s.answers)}</td>
            </tr>
          ))}
        </ListTable>
      </ListBox>

      <ListBox
        id="unused-documents"
        title="Documents no answer used"
        list="unused-documents"
        days={days}
        description="Trained content no answer drew on: out of date, or about something visitors do not ask."
        empty={data.unusedDocuments.total ? null : <>Every trained document helped an answer in {period}.</>}
      >
        <ul class="insight-unused">
          {data.unusedDocuments.documents.map((d) => (
            <li key={d.documentId}>
              <DocumentName doc={d} />
            </li>
          ))}
        </ul>
        {data.unusedDocuments.total > data.unusedDocuments.documents.length && (
          <p class="description">
            And {plural(data.unusedDocuments.total - data.unusedDocuments.documents.length, 'more document')}: download the CSV for all of them.
          </p>
        )}
      </ListBox>
    </div>
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
