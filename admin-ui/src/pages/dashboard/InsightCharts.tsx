import { formatNumber } from '../../format.js';
import type { ChartProps, ChartSeries } from './charts.js';
import type { InsightsBody } from '../../../../server/dashboard/schemas.js';
import { dayLabel, money, percent, type ChartModule } from './insights-data.js';

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

export function ChartBox({ id, title, summary, chart, charts }: { id: string; title: string; summary: string; chart: ChartProps; charts: ChartModule | null }) {
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

export function DailyTable({ data }: { data: InsightsBody }) {
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
