// What the Insights area says about its numbers: dates, shares and money as shown, the charts' sentences and series.
import { formatNumber, formatUsd, plural } from '../../format.js';
import type { ChartProps } from './charts.js';
import type { InsightDay, InsightList, InsightRange, InsightsBody } from '../../../../server/dashboard/schemas.js';

/** The ranges offered (the server's InsightRange: a value it does not accept fails typecheck). */
export const RANGES: readonly InsightRange[] = [7, 30, 90];

export type ChartModule = typeof import('./charts.js');

/** Colour tokens (styles.css) of the chart series. */
const COLORS = {
  conversations: '--wp-blue',
  messages: '--wp-yellow-50',
  answered: '--wp-green-dark',
  up: '--wp-green-dark',
  down: '--wp-red-dark',
  cost: '--wp-blue',
};

export const dayLabel = (day: string, weekday = false) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString('en', { day: 'numeric', month: 'short', timeZone: 'UTC', ...(weekday ? { weekday: 'short' } : {}) });
export const percent = (share: number) => `${Math.round(share * 100)}%`;
export const money = (usd: number) => (usd === 0 ? '$0.00' : usd < 0.0001 ? '< $0.0001' : formatUsd(usd < 0.01 ? usd : Math.round(usd * 100) / 100));
export const shareOf = (d: InsightDay) => (d.answers ? d.answered / d.answers : null);

/** The day with the largest value (the latest on a tie), or null when every value is 0. */
export function peak(days: InsightDay[], value: (d: InsightDay) => number): InsightDay | null {
  let best: InsightDay | null = null;
  for (const d of days) if (value(d) > 0 && (!best || value(d) >= value(best))) best = d;
  return best;
}

export function exportUrl(days: number, list: InsightList) {
  return `/api/admin/dashboard/insights/export.csv?days=${days}&list=${list}`;
}

/** The per-chart sentences: what a sighted admin reads off the chart, in words. */
export function summaries(data: InsightsBody, period: string) {
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

/** The four charts' titles and series, made once per response (a chart is redrawn only when its data changes). */
export function chartSpecs(data: InsightsBody): Array<{ id: string; title: string; summary: keyof ReturnType<typeof summaries>; chart: ChartProps }> {
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
