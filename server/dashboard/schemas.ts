// The Dashboard's API (setup checklist and insights), shared by the routes (validation and serialization), the tests
// and (as types only) the admin UI. Zod only: no database or Fastify import.
import { z } from 'zod';

/** One step of "Finish setting up" (`GET /api/admin/dashboard`). */
export const ChecklistStep = z.object({
  id: z.enum(['api-key', 'model', 'training', 'widget']),
  label: z.string(),
  done: z.boolean(),
  detail: z.string(),
  href: z.string(),
});
export const DashboardBody = z.object({ checklist: z.array(ChecklistStep) });
export type DashboardBody = z.output<typeof DashboardBody>;

/** Widget traffic from the usage totals (`GET /api/admin/dashboard/stats`). */
export const UsageTotals = z.object({ conversations: z.number(), messages: z.number(), tokens: z.number(), cost: z.number() });
export type UsageTotals = z.output<typeof UsageTotals>;
/** A problem only the admin can fix (a rejected key, no credits…), open until resolved or dismissed. */
export const OpenAlert = z.object({ id: z.number(), kind: z.string(), message: z.string(), count: z.number(), firstAt: z.string(), lastAt: z.string() });
export type OpenAlert = z.output<typeof OpenAlert>;
export const DashboardStats = z.object({ today: UsageTotals, month: UsageTotals, alerts: z.array(OpenAlert) });
export type DashboardStats = z.output<typeof DashboardStats>;

/** `POST /api/admin/alerts/:id/dismiss`. */
export const AlertId = z.object({ id: z.coerce.number().int().positive() });
export const AlertDismissed = z.object({ dismissed: z.literal(true) });

export const INSIGHT_RANGES = [7, 30, 90] as const;
export type InsightRange = (typeof INSIGHT_RANGES)[number];
export const INSIGHT_LISTS = ['top-questions', 'unanswered-questions', 'sources', 'unused-documents'] as const;
export type InsightList = (typeof INSIGHT_LISTS)[number];

const Days = z.enum(['7', '30', '90'], { message: 'Use 7, 30 or 90 (days).' }).default('30').transform(Number);
export const InsightsQuery = z.object({ days: Days });
export const InsightsExportQuery = z.object({ days: Days, list: z.enum(INSIGHT_LISTS, { message: `Use one of: ${INSIGHT_LISTS.join(', ')}.` }) });
/** `GET /api/admin/dashboard/insights/export.csv`: a CSV document (sent as text, so this schema documents rather than encodes). */
export const InsightsCsv = z.string();

export const InsightDay = z.object({
  day: z.string(),
  conversations: z.number(),
  messages: z.number(),
  cost: z.number(),
  /** Stored widget answers (stopped ones left out) and how many of them answered. */
  answers: z.number(),
  answered: z.number(),
  thumbsUp: z.number(),
  thumbsDown: z.number(),
});
export type InsightDay = z.output<typeof InsightDay>;

const QuestionGroup = z.object({
  /** The most asked wording of the group. */
  question: z.string(),
  /** Up to 3 other wordings counted with it (near-duplicates). */
  variants: z.array(z.string()),
  asked: z.number(),
  answered: z.number(),
  /** Complete answers the visitor did not mark down. */
  answeredWell: z.number(),
  unanswered: z.number(),
  /** A conversation to open: for unanswered questions, one where it went unanswered. Null when deleted since. */
  conversationId: z.string().nullable(),
});
export type QuestionGroup = z.infer<typeof QuestionGroup>;

const DocumentRef = z.object({ documentId: z.number(), title: z.string(), url: z.string().nullable(), source: z.string() });

export const InsightsBody = z.object({
  range: z.object({ days: z.number(), from: z.string(), to: z.string() }),
  daily: z.array(InsightDay),
  totals: z.object({
    conversations: z.number(),
    messages: z.number(),
    cost: z.number(),
    answers: z.number(),
    answered: z.number(),
    /** answered / answers, null when no answer is stored in the range. */
    answeredShare: z.number().nullable(),
    thumbsUp: z.number(),
    thumbsDown: z.number(),
  }),
  /** Whether near-duplicates were grouped by their question vectors (false before any training). */
  groupedBySimilarity: z.boolean(),
  topQuestions: z.array(QuestionGroup),
  unansweredQuestions: z.array(QuestionGroup),
  sources: z.array(DocumentRef.extend({ answers: z.number() })),
  unusedDocuments: z.object({ total: z.number(), documents: z.array(DocumentRef) }),
});
export type InsightsBody = z.infer<typeof InsightsBody>;
