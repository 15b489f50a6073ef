import { type Column, DataTable } from '../../components/DataTable.js';
import { formatNumber } from '../../format.js';
import type { ChartProps } from './charts.js';
import type { InsightDay, InsightsBody } from '../../../../server/dashboard/schemas.js';
import { dayLabel, money, percent, type ChartModule } from './insights-data.js';

export function ChartBox({ id, title, summary, chart, charts }: { id: string; title: string; summary: string; chart: ChartProps; charts: ChartModule | null }) {
  return (
    <figure class="postbox insight-chart" aria-labelledby={`${id}-title`}>
      <h3 class="postbox-title" id={`${id}-title`}>
        {title}
      </h3>
      <div class="inside">
        <figcaption class="insight-summary">{summary}</figcaption>
        {chart.series.length > 1 && (
          <ul class="insight-legend" aria-hidden="true">
            {chart.series.map((s) => (
              <li key={s.label}>
                <span class={`insight-swatch is-${s.kind}`} style={{ background: `var(${s.color})` }} />
                {s.label}
              </li>
            ))}
          </ul>
        )}
        {charts ? <charts.Chart spec={chart} /> : <div class="insight-chart-canvas is-loading" aria-hidden="true" />}
      </div>
    </figure>
  );
}

const DAILY: Column<InsightDay>[] = [
  { label: 'Day', rowHeader: true, cell: (d) => dayLabel(d.day, true) },
  { label: 'Conversations', class: 'col-num', cell: (d) => formatNumber(d.conversations) },
  { label: 'Messages', class: 'col-num', cell: (d) => formatNumber(d.messages) },
  { label: 'Answered', class: 'col-num', cell: (d) => (d.answers ? `${percent(d.answered / d.answers)} (${d.answered} of ${d.answers})` : '–') },
  { label: 'Thumbs up', class: 'col-num', cell: (d) => formatNumber(d.thumbsUp) },
  { label: 'Thumbs down', class: 'col-num', cell: (d) => formatNumber(d.thumbsDown) },
  { label: 'Cost', class: 'col-num', cell: (d) => money(d.cost) },
];

export function DailyTable({ data }: { data: InsightsBody }) {
  return (
    <details class="insight-table">
      <summary>Numbers per day (table)</summary>
      {/* Scrolls on its own when long: focusable, so the keyboard can scroll it too. */}
      <div class="table-scroll" tabIndex={0} role="region" aria-label="Numbers per day">
        <DataTable
          caption={`Numbers per day, ${data.range.from} to ${data.range.to} (UTC)`}
          columns={DAILY}
          rows={[...data.daily].reverse()}
          rowKey={(d) => d.day}
        />
      </div>
    </details>
  );
}
