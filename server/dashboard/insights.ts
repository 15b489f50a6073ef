// The Dashboard's insights for the last 7, 30 or 90 UTC days: traffic, answered share, thumbs and cost per day;
// the questions visitors ask most and those that go unanswered, with near-duplicates counted together; the
// documents answers use most and the trained ones none used. The counts come from the insight and usage stores.
import { createHash } from 'node:crypto';
import type { DayRange, QuestionRow } from '../stores/insight-store.js';
import type { Stores } from '../stores/stores.js';
import { csvDocument } from '../http/csv.js';
import type { InsightList, InsightsBody, QuestionGroup } from './schemas.js';

/** What the insights read. */
export type InsightStores = Pick<Stores, 'insights' | 'usage'>;

const DAY_MS = 86_400_000;
/**
 * Grouping compares each question's vector with the groups found so far, over at most CANDIDATES distinct questions
 * per list (the most asked, the most often unanswered), so the work is bounded (at most (2·CANDIDATES)²/2 dot
 * products, a few tens of ms at 1536 dimensions) whatever the number of questions stored.
 */
export const CANDIDATES = 200;
/**
 * Cosine similarity at or above which two questions count as one: a judgement for OpenAI's text-embedding-3 models,
 * where rewordings of one short question tend to score near 0.9 and related but different questions ("price of Pro"
 * vs "price of Team") lower. Not yet checked against real visitors' questions; tune here.
 */
export const SAME_QUESTION = 0.86;
/** Rows shown on the Dashboard per list; the CSV has every group found among the candidates. */
export const SHOWN = 10;
const DOCUMENTS_SHOWN = 10;
const DOCUMENTS_EXPORTED = 10_000;

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The last `days` UTC days, today included. */
export function dayRange(days: number, now = Date.now()): DayRange & { days: string[] } {
  const today = Date.parse(`${isoDay(now)}T00:00:00Z`);
  const list = Array.from({ length: days }, (_, i) => isoDay(today - (days - 1 - i) * DAY_MS));
  return { from: list[0], to: list[list.length - 1], days: list };
}

/** Lower case, punctuation and extra spaces dropped: "Pricing?" and "pricing" are one question without vectors. */
const normalised = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

function unit(vector: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += vector[i] * vector[i];
  norm = Math.sqrt(norm) || 1;
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = vector[i] / norm;
  return out;
}

function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

interface Group {
  leader: QuestionRow;
  vector: Float32Array | null;
  key: string;
  members: QuestionRow[];
}

/**
 * Greedy clustering, most asked first: a question joins the first group whose leading question has the same
 * normalised text or a vector at least SAME_QUESTION similar; otherwise it leads a new group. Leaders are the
 * most asked wording, so a group is named by what visitors type most.
 */
export function groupQuestions(rows: QuestionRow[], vectorOf: (question: string) => Float32Array | null): Group[] {
  const groups: Group[] = [];
  const byKey = new Map<string, Group>();
  for (const row of rows) {
    const key = normalised(row.question);
    const vector = vectorOf(row.question);
    let group = byKey.get(key);
    if (!group && vector) group = groups.find((g) => g.vector && dot(g.vector, vector) >= SAME_QUESTION);
    if (group) {
      group.members.push(row);
      if (!byKey.has(key)) byKey.set(key, group);
      continue;
    }
    group = { leader: row, vector, key, members: [row] };
    groups.push(group);
    byKey.set(key, group);
  }
  return groups;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function summarise(groups: Group[], link: 'conversationId' | 'unansweredConversationId', live: Set<string>): QuestionGroup[] {
  return groups.map((g) => {
    const sum = (pick: (r: QuestionRow) => number) => g.members.reduce((n, r) => n + pick(r), 0);
    const answered = sum((r) => r.answered);
    // The example comes from the most asked wording that still has a stored conversation.
    const conversationId = g.members.map((r) => r[link]).find((id): id is string => !!id && live.has(id)) ?? null;
    return {
      question: g.leader.question,
      variants: g.members.slice(1, 4).map((r) => r.question),
      asked: sum((r) => r.asked),
      answered,
      answeredWell: Math.max(0, answered - sum((r) => r.thumbsDown)),
      unanswered: sum((r) => r.unanswered),
      conversationId,
    };
  });
}

/**
 * Both question lists, grouped; `limit` groups each. The most asked and the most often unanswered candidates are
 * mostly the same questions: they are grouped once, together, so a group counts every wording found in either.
 */
export async function questionInsights(stores: Pick<Stores, 'insights'>, range: DayRange, limit: number) {
  const rows = await stores.insights.questionRows(range, CANDIDATES);
  const byQuestion = new Map([...rows.top, ...rows.unanswered].map((r) => [r.question, r]));
  const candidates = [...byQuestion.values()].sort((a, b) => b.asked - a.asked || (a.question < b.question ? -1 : 1));
  const found = await stores.insights.questionVectors(candidates.map((r) => sha256(r.question)));
  const vectors = new Map(candidates.map((r, i) => [r.question, found?.[i] ? unit(found[i]!) : null]));
  const groups = groupQuestions(candidates, (question) => vectors.get(question) ?? null);
  const live = await stores.insights.existingConversations(
    candidates.flatMap((r) => [r.conversationId, r.unansweredConversationId]).filter((id): id is string => !!id),
  );
  return {
    groupedBySimilarity: found?.some((v) => v) ?? false,
    topQuestions: summarise(groups, 'conversationId', live)
      .sort((a, b) => b.asked - a.asked)
      .slice(0, limit),
    unansweredQuestions: summarise(groups, 'unansweredConversationId', live)
      .filter((g) => g.unanswered > 0)
      .sort((a, b) => b.unanswered - a.unanswered || b.asked - a.asked)
      .slice(0, limit),
  };
}

export async function insights(stores: InsightStores, days: number, now = Date.now()): Promise<InsightsBody> {
  const range = dayRange(days, now);
  const traffic = new Map((await stores.usage.widgetDays(range)).map((r) => [r.day, r]));
  const answers = new Map((await stores.insights.answersByDay(range)).map((r) => [r.day, r]));
  const daily = range.days.map((day) => {
    const t = traffic.get(day);
    const a = answers.get(day);
    return {
      day,
      conversations: t?.conversations ?? 0,
      messages: t?.messages ?? 0,
      cost: t?.cost ?? 0,
      answers: a?.answers ?? 0,
      answered: a?.answered ?? 0,
      thumbsUp: a?.thumbsUp ?? 0,
      thumbsDown: a?.thumbsDown ?? 0,
    };
  });
  const total = (pick: (d: (typeof daily)[number]) => number) => daily.reduce((n, d) => n + pick(d), 0);
  const totals = {
    conversations: total((d) => d.conversations),
    messages: total((d) => d.messages),
    cost: total((d) => d.cost),
    answers: total((d) => d.answers),
    answered: total((d) => d.answered),
    answeredShare: null as number | null,
    thumbsUp: total((d) => d.thumbsUp),
    thumbsDown: total((d) => d.thumbsDown),
  };
  totals.answeredShare = totals.answers ? totals.answered / totals.answers : null;
  return {
    range: { days, from: range.from, to: range.to },
    daily,
    totals,
    ...(await questionInsights(stores, range, SHOWN)),
    sources: await stores.insights.mostUsedDocuments(range, DOCUMENTS_SHOWN),
    unusedDocuments: await stores.insights.unusedDocuments(range, DOCUMENTS_SHOWN),
  };
}

/** One list as CSV, with every group or document found (not only those shown). */
export async function insightsCsv(
  stores: Pick<Stores, 'insights'>,
  days: number,
  list: InsightList,
  now = Date.now(),
): Promise<{ filename: string; body: string }> {
  const range = dayRange(days, now);
  const filename = `docent-${list}-${range.from}-to-${range.to}.csv`;
  const link = (id: string | null) => (id ? `/admin/conversations/${id}` : '');
  if (list === 'top-questions' || list === 'unanswered-questions') {
    const q = await questionInsights(stores, range, CANDIDATES);
    const rows = list === 'top-questions' ? q.topQuestions : q.unansweredQuestions;
    return {
      filename,
      body: csvDocument(
        ['question', 'also_asked_as', 'asked', 'answered', 'answered_well', 'unanswered', 'conversation'],
        rows.map((r) => [r.question, r.variants.join(' | '), r.asked, r.answered, r.answeredWell, r.unanswered, link(r.conversationId)]),
      ),
    };
  }
  if (list === 'sources') {
    return {
      filename,
      body: csvDocument(
        ['document', 'url', 'source', 'answers'],
        (await stores.insights.mostUsedDocuments(range, DOCUMENTS_EXPORTED)).map((d) => [d.title, d.url, d.source, d.answers]),
      ),
    };
  }
  return {
    filename,
    body: csvDocument(
      ['document', 'url', 'source'],
      (await stores.insights.unusedDocuments(range, DOCUMENTS_EXPORTED)).documents.map((d) => [d.title, d.url, d.source]),
    ),
  };
}
