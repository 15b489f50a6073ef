// The daily or weekly digest: what the widget did over the last UTC day or week, from the numbers Docent
// already keeps (usage_days for traffic and cost, stored answers for the answered share and thumbs, open
// alerts, and the Dashboard insights' question lists). buildDigest is the one place that gathers it, and both the
// e-mail and the webhook carry whatever it returns.
//
// Times are UTC, like the usage days and the spend cap's midnight: the admin picks an hour in UTC, and the
// screen shows it in their own time too.
import type { Stores } from '../stores/stores.js';
import { questionInsights } from '../dashboard/insights.js';
import type { MessageContent, MessageTable } from './message.js';

export const DAY_MS = 86_400_000;
export { DIGEST_FREQUENCIES, type DigestFrequency } from './schemas.js';
import type { DigestFrequency } from './schemas.js';

export interface DigestSchedule {
  frequency: DigestFrequency;
  /** Hour of the day, UTC (0–23). */
  hour: number;
  /** Weekly: day of the week, 0 = Sunday … 6 = Saturday (UTC). */
  weekday: number;
}

export interface DigestDay {
  day: string;
  conversations: number;
  messages: number;
  cost: number;
}

export interface Digest {
  frequency: 'daily' | 'weekly';
  /** First and last UTC day covered (YYYY-MM-DD), both included. */
  from: string;
  to: string;
  days: DigestDay[];
  totals: { conversations: number; messages: number; cost: number };
  /**
   * Widget answers in the period from stored conversations: answered = a complete answer (not "I don't know",
   * not failed or links only); stopped ones are left out. Null when none are stored (storing may be off).
   */
  answers: { total: number; answered: number; share: number; thumbsUp: number; thumbsDown: number } | null;
  /**
   * The Dashboard's insights for the period (server/dashboard/insights.ts): the most asked questions, near-duplicates
   * counted together, and the most often unanswered, DIGEST_QUESTIONS each; empty when no questions are stored.
   */
  topQuestions: Array<{ question: string; asked: number; answeredWell: number }>;
  unansweredQuestions: Array<{ question: string; unanswered: number; conversationId: string | null }>;
  /** Problems still open on the dashboard when the digest was made. */
  openAlerts: Array<{ kind: string; message: string; since: string }>;
}

const DIGEST_QUESTIONS = 5;

/** The latest scheduled time at or before `now` (unix ms), or null when the digest is off. */
export function digestSlot(schedule: DigestSchedule, now: number): number | null {
  if (schedule.frequency === 'off') return null;
  const d = new Date(now);
  let slot = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), schedule.hour);
  if (schedule.frequency === 'daily') return slot > now ? slot - DAY_MS : slot;
  slot -= ((new Date(slot).getUTCDay() - schedule.weekday + 7) % 7) * DAY_MS;
  return slot > now ? slot - 7 * DAY_MS : slot;
}

/** When the next digest goes out (unix ms), or null when it is off. */
export function nextDigestAt(schedule: DigestSchedule, now: number): number | null {
  const last = digestSlot(schedule, now);
  return last === null ? null : last + (schedule.frequency === 'weekly' ? 7 : 1) * DAY_MS;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The UTC days a digest sent at `slot` covers: the day before it, or the seven days before it. */
export function digestPeriod(frequency: 'daily' | 'weekly', slot: number): { from: string; to: string } {
  const startOfSlotDay = Date.parse(`${isoDay(slot)}T00:00:00Z`);
  return { from: isoDay(startOfSlotDay - (frequency === 'weekly' ? 7 : 1) * DAY_MS), to: isoDay(startOfSlotDay - DAY_MS) };
}

export async function buildDigest(
  stores: Pick<Stores, 'usage' | 'chat' | 'insights'>,
  frequency: 'daily' | 'weekly',
  period: { from: string; to: string },
): Promise<Digest> {
  const rows = await stores.usage.widgetDays(period);
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const days: DigestDay[] = [];
  for (let t = Date.parse(`${period.from}T00:00:00Z`); isoDay(t) <= period.to; t += DAY_MS) {
    const day = isoDay(t);
    days.push(byDay.get(day) ?? { day, conversations: 0, messages: 0, cost: 0 });
  }
  const totals = days.reduce(
    (sum, d) => ({ conversations: sum.conversations + d.conversations, messages: sum.messages + d.messages, cost: sum.cost + d.cost }),
    { conversations: 0, messages: 0, cost: 0 },
  );

  const stored = await stores.chat.widgetAnswerCounts(`${period.from}T00:00:00.000Z`, `${isoDay(Date.parse(`${period.to}T00:00:00Z`) + DAY_MS)}T00:00:00.000Z`);
  const answers = stored.total ? { ...stored, share: stored.answered / stored.total } : null;

  const questions = await questionInsights(stores, period, DIGEST_QUESTIONS);
  return {
    frequency,
    from: period.from,
    to: period.to,
    days,
    totals,
    answers,
    topQuestions: questions.topQuestions.map((q) => ({ question: q.question, asked: q.asked, answeredWell: q.answeredWell })),
    unansweredQuestions: questions.unansweredQuestions.map((q) => ({ question: q.question, unanswered: q.unanswered, conversationId: q.conversationId })),
    openAlerts: (await stores.chat.openAlerts()).map((a) => ({ kind: a.kind, message: a.message, since: a.firstAt })),
  };
}

const dayLabel = (day: string, year = true) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(year ? { year: 'numeric' } : {}),
    timeZone: 'UTC',
  });
const usd = (n: number) => `$${n.toFixed(n > 0 && n < 0.01 ? 4 : 2)}`;
const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function digestEmail(digest: Digest): MessageContent {
  const { totals, answers } = digest;
  const when = digest.frequency === 'daily' ? dayLabel(digest.from) : `${dayLabel(digest.from, false)} – ${dayLabel(digest.to)}`;
  const paragraphs = [
    `${digest.frequency === 'daily' ? 'Yesterday' : 'Last week'} (UTC) on your site: ${count(totals.conversations, 'conversation')}, ` +
      `${count(totals.messages, 'message')}, ${usd(totals.cost)} spent on answers.`,
  ];
  if (answers) {
    paragraphs.push(
      `${Math.round(answers.share * 100)}% of ${count(answers.total, 'answer')} answered the question ` +
        `(the rest said "I don't know", failed or offered links only). Visitors gave ${count(answers.thumbsUp, 'thumb')} up and ${answers.thumbsDown} down.`,
    );
  } else if (totals.messages > 0) {
    paragraphs.push(
      'How many questions were answered is not shown: no conversations of this period are stored (see "Store conversations" on the Chatbot screen).',
    );
  }
  paragraphs.push(
    digest.openAlerts.length
      ? `Open problems on the dashboard:\n${digest.openAlerts.map((a) => `• ${a.message}`).join('\n')}`
      : 'No open problems on the dashboard.',
  );
  const tables: MessageTable[] =
    digest.frequency === 'weekly'
      ? [
          {
            caption: 'Per day',
            head: ['Day', 'Conversations', 'Messages', 'Cost'],
            numeric: [1, 2, 3],
            rows: digest.days.map((d) => [dayLabel(d.day, false), String(d.conversations), String(d.messages), usd(d.cost)]),
          },
        ]
      : [];
  // Older digests (queued before these lists existed) have none.
  if (digest.topQuestions?.length) {
    tables.push({
      caption: 'Top questions',
      head: ['Question', 'Asked', 'Answered well'],
      numeric: [1, 2],
      rows: digest.topQuestions.map((q) => [q.question, String(q.asked), String(q.answeredWell)]),
    });
  }
  if (digest.unansweredQuestions?.length) {
    tables.push({
      caption: 'Unanswered questions (improve them from Dashboard → Insights)',
      head: ['Question', 'Unanswered'],
      numeric: [1],
      rows: digest.unansweredQuestions.map((q) => [q.question, String(q.unanswered)]),
    });
  }
  return {
    subject: `${digest.frequency === 'daily' ? 'Daily' : 'Weekly'} digest for ${when}: ${count(totals.conversations, 'conversation')}`,
    paragraphs,
    tables,
    action: { label: 'Open the Dashboard', href: '/admin/' },
  };
}
