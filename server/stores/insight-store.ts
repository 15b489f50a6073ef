// Insights: the Dashboard's counts per day, question and document, kept as rollups while messages are stored (so
// each read touches a few rows per day in the range, whatever the number of stored messages).

/** UTC days, YYYY-MM-DD, both included. */
export interface DayRange {
  from: string;
  to: string;
}

export interface AnswerDay {
  day: string;
  answers: number;
  answered: number;
  thumbsUp: number;
  thumbsDown: number;
}

export interface QuestionRow {
  question: string;
  asked: number;
  answered: number;
  unanswered: number;
  thumbsDown: number;
  conversationId: string | null;
  unansweredConversationId: string | null;
}

export interface DocumentRow {
  documentId: number;
  title: string;
  url: string | null;
  source: string;
}

export interface InsightStore {
  /** Widget answers, answered ones and thumbs per day that had any. */
  answersByDay(range: DayRange): Promise<AnswerDay[]>;
  /**
   * The `limit` most asked distinct questions of the range and the `limit` most often unanswered ones, with the
   * latest conversation that asked each and the latest where it went unanswered.
   */
  questionRows(range: DayRange, limit: number): Promise<{ top: QuestionRow[]; unanswered: QuestionRow[] }>;
  /** Of these conversation ids, the ones still stored (a link to a deleted one would lead nowhere). */
  existingConversations(ids: string[]): Promise<Set<string>>;
  /**
   * The vector each question (by the SHA-256 of its text) was searched with in the active index, null for one never
   * embedded there; null when there is no active index.
   */
  questionVectors(hashes: string[]): Promise<Array<Float32Array | null> | null>;
  /** The documents complete answers drew on most in the range, with how many answers used each. */
  mostUsedDocuments(range: DayRange, limit: number): Promise<Array<DocumentRow & { answers: number }>>;
  /**
   * Trained documents (with at least one chunk in the active index) that no complete answer of the range used,
   * oldest first (the likeliest to be stale), `limit` of them, and how many there are.
   */
  unusedDocuments(range: DayRange, limit: number): Promise<{ total: number; documents: DocumentRow[] }>;
}
