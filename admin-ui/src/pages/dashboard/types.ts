// GET /api/admin/dashboard/insights (server/dashboard/insights-schemas.ts).

export const RANGES = [7, 30, 90] as const;
export type Range = (typeof RANGES)[number];

export interface InsightDay {
  day: string;
  conversations: number;
  messages: number;
  cost: number;
  answers: number;
  answered: number;
  thumbsUp: number;
  thumbsDown: number;
}

export interface QuestionGroup {
  question: string;
  variants: string[];
  asked: number;
  answered: number;
  answeredWell: number;
  unanswered: number;
  conversationId: string | null;
}

export interface DocumentRef {
  documentId: number;
  title: string;
  url: string | null;
  source: string;
}

export interface Insights {
  range: { days: number; from: string; to: string };
  daily: InsightDay[];
  totals: {
    conversations: number;
    messages: number;
    cost: number;
    answers: number;
    answered: number;
    answeredShare: number | null;
    thumbsUp: number;
    thumbsDown: number;
  };
  groupedBySimilarity: boolean;
  topQuestions: QuestionGroup[];
  unansweredQuestions: QuestionGroup[];
  sources: Array<DocumentRef & { answers: number }>;
  unusedDocuments: { total: number; documents: DocumentRef[] };
}

export type InsightList = 'top-questions' | 'unanswered-questions' | 'sources' | 'unused-documents';
