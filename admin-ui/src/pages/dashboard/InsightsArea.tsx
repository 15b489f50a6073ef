// Dashboard → Insights: what visitors asked and how it went, over the last 7, 30 or 90 UTC days.
// GET /api/admin/dashboard/insights?days=…; each list downloads as CSV from …/insights/export.csv.
// The numbers and lists come first; the chart code (uPlot) is loaded on demand and draws when it arrives.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { formatNumber, formatUsd, plural } from '../../format.js';
import { useResource } from '../../hooks.js';
import { Notice } from '../../components/Notice.js';
import { Spinner } from '../../components/Spinner.js';
import { Postbox } from '../../components/Postbox.js';
import type { ChartProps, ChartSeries } from './charts.js';
import type { InsightDay, InsightList, InsightRange, InsightsBody } from '../../../../server/dashboard/schemas.js';
import './insights.css';

/** The ranges offered (the server's InsightRange: a value it does not accept fails typecheck). */
const RANGES: readonly InsightRange[] = [7, 30, 90];

type ChartModule = typeof import('./charts.js');

/** Colour tokens (styles.css) of the chart series. */
const COLORS = {
  conversations: '--wp-blue',
  messages: '--wp-yellow-50',
  answered: '--wp-green-dark',
  up: '--wp-green-dark',
  down: '--wp-red-dark',
  cost: '--wp-blue',
};

const dayLabel = (day: string, weekday = false) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString('en', { day: 'numeric', month: 'short', timeZone: 'UTC', ...(weekday ? { weekday: 'short' } : {}) });
const percent = (share: number) => `${Math.round(share * 100)}%`;
const money = (usd: number) => (usd === 0 ? '$0.00' : usd < 0.0001 ? '< $0.0001' : formatUsd(usd < 0.01 ? usd : Math.round(usd * 100) / 100));
const shareOf = (d: InsightDay) => (d.answers ? d.answered / d.answers : null);

/** The day with the largest value (the latest on a tie), or null when every value is 0. */
function peak(days: InsightDay[], value: (d: InsightDay) => number): InsightDay | null {
  let best: InsightDay | null = null;
  for (const d of days) if (value(d) > 0 && (!best || value(d) >= value(best))) best = d;
  return best;
}

function exportUrl(days: number, list: InsightList) {
  return `/api/admin/dashboard/insights/export.csv?days=${days}&list=${list}`;
}

/** The per-chart sentences: what a sighted admin reads off the chart, in words. */
function summaries(data: InsightsBody, period: string) {
  const { daily, totals } = data;
  const busiest = peak(daily, (d) => d.conversations);
  const lowest = daily.filter((d) => d.answers > 0).reduce<InsightDay | null>((low, d) => (!low || shareOf(d)! <= shareOf(low)! ? d : low), null);
  const dearest = peak(daily, (d) => d.cost);
  return {
    traffic:
      totals.conversations || totals.messages
        ? `${plural(totals.conversations, 'conversation')} and ${plural(totals.messages, 'message')} in ${period}${busiest ? `; the busiest day was ${dayLabel(busiest.day, true)} with ${plural(busiest.conversations, 'conversation')}` : ''}.`
        : `No conversations in ${period}.`,
    answered:
      totals.answeredShare === null
        ? `No stored answers in ${period}. Answers are counted from stored conversations (Chatbot → Store conversations).`
        : `${percent(totals.answeredShare)} of ${plural(totals.answers, 'answer')} answered the question (not "I don't know", not failed)${lowest && daily.filter((d) => d.answers).length > 1 ? `; the lowest day was ${dayLabel(lowest.day, true)} at ${percent(shareOf(lowest)!)}` : ''}.`,
    thumbs:
      totals.thumbsUp || totals.thumbsDown
        ? `Visitors gave ${plural(totals.thumbsUp, 'thumb')} up and ${formatNumber(totals.thumbsDown)} down in ${period}.`
        : `No thumbs up or down in ${period}.`,
    cost: totals.cost
      ? `${money(totals.cost)} spent on answers in ${period}, ${money(totals.cost / daily.length)} a day on average${dearest ? `; the most on ${dayLabel(dearest.day, true)} (${money(dearest.cost)})` : ''}.`
      : `Nothing spent on answers in ${period}.`,
  };
}

function Legend({ series }: { series: ChartSeries[] }) {
  if (series.length < 2) return null;
  return (
    <ul class="insight-legend" aria-hidden="true">
      {series.map((s) => (
        <li key={s.label}>
          <span class={`insight-swatch is-${s.kind}`} style={{ background: `var(${s.color})` }} />
          {s.label}
        </li>
      ))}
    </ul>
  );
}

function ChartBox({ id, title, summary, chart, charts }: { id: string; title: string; summary: string; chart: ChartProps; charts: ChartModule | null }) {
  return (
    <figure class="postbox insight-chart" aria-labelledby={`${id}-title`}>
      <h3 class="postbox-title" id={`${id}-title`}>
        {title}
      </h3>
      <div class="inside">
        <figcaption class="insight-summary">{summary}</figcaption>
        <Legend series={chart.series} />
        {charts ? <charts.Chart spec={chart} /> : <div class="insight-chart-canvas is-loading" aria-hidden="true" />}
      </div>
    </figure>
  );
}

function DailyTable({ data }: { data: InsightsBody }) {
  return (
    <details class="insight-table">
      <summary>Numbers per day (table)</summary>
      {/* Scrolls on its own when long: focusable, so the keyboard can scroll it too. */}
      <div class="table-scroll" tabIndex={0} role="region" aria-label="Numbers per day">
        <table class="ca-table">
          <caption class="screen-reader-text">
            Numbers per day, {data.range.from} to {data.range.to} (UTC)
          </caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col" class="col-num">
                Conversations
              </th>
              <th scope="col" class="col-num">
                Messages
              </th>
              <th scope="col" class="col-num">
                Answered
              </th>
              <th scope="col" class="col-num">
                Thumbs up
              </th>
              <th scope="col" class="col-num">
                Thumbs down
              </th>
              <th scope="col" class="col-num">
                Cost
              </th>
            </tr>
          </thead>
          <tbody>
            {[...data.daily].reverse().map((d) => (
              <tr key={d.day}>
                <th scope="row">{dayLabel(d.day, true)}</th>
                <td class="col-num">{formatNumber(d.conversations)}</td>
                <td class="col-num">{formatNumber(d.messages)}</td>
                <td class="col-num">{d.answers ? `${percent(d.answered / d.answers)} (${d.answered} of ${d.answers})` : '–'}</td>
                <td class="col-num">{formatNumber(d.thumbsUp)}</td>
                <td class="col-num">{formatNumber(d.thumbsDown)}</td>
                <td class="col-num">{money(d.cost)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function ListBox({
  id,
  title,
  list,
  days,
  description,
  children,
}: {
  id: string;
  title: string;
  list: InsightList;
  days: number;
  description?: string;
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
      {children}
    </Postbox>
  );
}

const Empty = ({ children }: { children: preact.ComponentChildren }) => <p class="insight-empty">{children}</p>;

function Variants({ variants }: { variants: string[] }) {
  if (!variants.length) return null;
  return <p class="insight-variants">Also asked as: {variants.map((v) => `“${v}”`).join(', ')}</p>;
}

function Lists({ data, period }: { data: InsightsBody; period: string }) {
  const days = data.range.days;
  return (
    <div class="insight-lists">
      <ListBox
        id="top-questions"
        title="Top questions"
        list="top-questions"
        days={days}
        description={data.groupedBySimilarity ? 'Questions with the same meaning are counted together.' : 'Questions with the same words are counted together.'}
      >
        {data.topQuestions.length ? (
          <table class="ca-table insight-questions">
            <thead>
              <tr>
                <th scope="col">Question</th>
                <th scope="col" class="col-num">
                  Asked
                </th>
                <th scope="col" class="col-num">
                  Answered well
                </th>
              </tr>
            </thead>
            <tbody>
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
            </tbody>
          </table>
        ) : (
          <Empty>No questions in {period}.</Empty>
        )}
      </ListBox>

      <ListBox
        id="unanswered-questions"
        title="Unanswered questions"
        list="unanswered-questions"
        days={days}
        description={'Questions answered with "I don\'t know", a failure or links only. Open one to improve its answer.'}
      >
        {data.unansweredQuestions.length ? (
          <table class="ca-table insight-questions">
            <thead>
              <tr>
                <th scope="col">Question</th>
                <th scope="col" class="col-num">
                  Unanswered
                </th>
                <th scope="col">
                  <span class="screen-reader-text">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
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
            </tbody>
          </table>
        ) : (
          <Empty>No unanswered questions in {period}.</Empty>
        )}
      </ListBox>

      <ListBox id="sources-used" title="Sources used most" list="sources" days={days} description="The documents answers drew on, and by how many answers.">
        {data.sources.length ? (
          <table class="ca-table">
            <thead>
              <tr>
                <th scope="col">Document</th>
                <th scope="col" class="col-num">
                  Answers
                </th>
              </tr>
            </thead>
            <tbody>
              {data.sources.map((s) => (
                <tr key={s.documentId}>
                  <td class="col-question">
                    <DocumentName doc={s} />
                  </td>
                  <td class="col-num">{formatNumber(s.answers)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <Empty>No answer used your content in {period}.</Empty>
        )}
      </ListBox>

      <ListBox
        id="unused-documents"
        title="Documents no answer used"
        list="unused-documents"
        days={days}
        description="Trained content no answer drew on: out of date, or about something visitors do not ask."
      >
        {data.unusedDocuments.total ? (
          <>
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
          </>
        ) : (
          <Empty>Every trained document helped an answer in {period}.</Empty>
        )}
      </ListBox>
    </div>
  );
}

/** The four charts' titles and series, made once per response (a chart is redrawn only when its data changes). */
function chartSpecs(data: InsightsBody): Array<{ id: string; title: string; summary: keyof ReturnType<typeof summaries>; chart: ChartProps }> {
  const days = data.daily.map((d) => d.day);
  const of = (value: (d: InsightDay) => number | null) => data.daily.map(value);
  return [
    {
      id: 'chart-traffic',
      title: 'Conversations and messages per day',
      summary: 'traffic',
      chart: {
        days,
        whole: true,
        yFormat: (v) => formatNumber(v),
        series: [
          { label: 'Conversations', values: of((d) => d.conversations), color: COLORS.conversations, kind: 'line' },
          { label: 'Messages', values: of((d) => d.messages), color: COLORS.messages, kind: 'line' },
        ],
      },
    },
    {
      id: 'chart-answered',
      title: 'Share answered',
      summary: 'answered',
      chart: {
        days,
        yFormat: (v) => `${Math.round(v)}%`,
        yRange: [0, 100],
        series: [{ label: 'Answered', values: of((d) => (d.answers ? (100 * d.answered) / d.answers : null)), color: COLORS.answered, kind: 'line' }],
      },
    },
    {
      id: 'chart-thumbs',
      title: 'Thumbs up and down',
      summary: 'thumbs',
      chart: {
        days,
        whole: true,
        yFormat: (v) => formatNumber(Math.abs(v)),
        series: [
          // Thumbs down are drawn below the line, so a day with both shows both.
          { label: 'Thumbs up', values: of((d) => d.thumbsUp), color: COLORS.up, kind: 'bars' },
          { label: 'Thumbs down', values: of((d) => -d.thumbsDown), color: COLORS.down, kind: 'bars' },
        ],
      },
    },
    {
      id: 'chart-cost',
      title: 'Cost per day',
      summary: 'cost',
      chart: {
        days,
        yFormat: (v) => (v === 0 ? '$0' : `$${v < 0.1 ? v.toFixed(3) : v.toFixed(2)}`),
        series: [{ label: 'Cost', values: of((d) => d.cost), color: COLORS.cost, kind: 'bars' }],
      },
    },
  ];
}

export function InsightsArea() {
  const [days, setDays] = useState<InsightRange>(30);
  const insights = useResource<InsightsBody>(`/api/admin/dashboard/insights?days=${days}`);
  const [charts, setCharts] = useState<ChartModule | null>(null);
  useEffect(() => {
    // A chart module that fails to load leaves the captions and the table, which say the same.
    import('./charts.js').then(setCharts, () => undefined);
  }, []);

  const { data, error, loading, reload } = insights;
  // While another range loads, the numbers shown are still the previous range's: so are the words.
  const period = `the last ${data?.range.days ?? days} days`;
  const text = data && summaries(data, period);
  const specs = useMemo(() => (data ? chartSpecs(data) : null), [data]);

  return (
    <section class="insights" aria-labelledby="insights-title" aria-busy={loading}>
      <div class="insights-head">
        <h2 id="insights-title">Insights</h2>
        <fieldset class="segmented">
          <legend class="screen-reader-text">Period</legend>
          {RANGES.map((r) => (
            <label key={r}>
              <input type="radio" name="insights-days" value={r} checked={days === r} onChange={() => setDays(r)} />
              <span>{r} days</span>
            </label>
          ))}
        </fieldset>
        <p class="insights-status" role="status">
          {loading ? <Spinner label={`Loading the last ${days} days…`} /> : data ? `${dayLabel(data.range.from)} – ${dayLabel(data.range.to)}, UTC days` : ''}
        </p>
      </div>
      {error && (
        <Notice type="error" inline>
          <p>
            Could not load the insights: {error}{' '}
            <button type="button" class="button-link" onClick={reload}>
              Try again
            </button>
          </p>
        </Notice>
      )}
      {data && text && (
        <>
          <div class="insight-charts">
            {specs!.map((spec) => (
              <ChartBox key={spec.id} {...spec} summary={text[spec.summary]} charts={charts} />
            ))}
          </div>
          <DailyTable data={data} />
          <Lists data={data} period={period} />
        </>
      )}
    </section>
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
