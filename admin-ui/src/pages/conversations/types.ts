// Shapes of the chat admin API (server/chat/admin-routes.ts), shared by Conversations and Playground.

export interface SourceLink {
  title: string;
  url: string | null;
}

export type MessageStatus = 'complete' | 'stopped' | 'error' | 'no_answer' | 'links_only';

export interface ConversationRow {
  id: string;
  createdAt: string;
  updatedAt: string;
  origin: string | null;
  channel: 'widget' | 'playground' | string;
  firstQuestion: string | null;
  messages: number;
  cost: number;
  tokens: number;
  thumbsUp: number | null;
  thumbsDown: number | null;
  unanswered: number | null;
  /** Answers given from a Q&A entry word for word. */
  qaAnswers: number | null;
  /** When an answer of it was last improved (Improve answer), or null. */
  improvedAt: string | null;
  /** With the Unanswered or Thumbs-down filter: the first answer the filter is about. */
  flaggedMessageId: string | null;
}

export interface ConversationList {
  conversations: ConversationRow[];
  total: number;
}

export interface RetrievedRef {
  chunkId: number;
  title: string;
  url: string | null;
  matchPercent: number;
}

export interface StoredMessage {
  id: string;
  role: 'user' | 'assistant';
  text: string;
  sources: SourceLink[];
  retrieved: RetrievedRef[];
  status: MessageStatus | null;
  error: string | null;
  model: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  reasoningTokens: number | null;
  cost: number | null;
  latencyMs: number | null;
  firstTokenMs: number | null;
  feedback: 'up' | 'down' | null;
  createdAt: string;
  /** Given from a Q&A entry word for word, without the model. */
  qaAnswer?: boolean;
  improvedAt?: string | null;
  improvedQaId?: number | null;
}

export interface ConversationDetail {
  conversation: { id: string; createdAt: string; origin: string | null; channel: string };
  messages: StoredMessage[];
}

/** One retrieved chunk as the Playground's debug event reports it. */
export interface DebugChunk {
  chunkId?: number;
  title: string;
  url: string | null;
  headingPath: string;
  content: string;
  matchPercent: number;
  vectorRank: number | null;
  keywordRank: number | null;
  score: number;
  /** Which search found it: the question's own, or the one with the previous question. */
  foundBy?: 'question' | 'with-previous' | 'rewritten';
}

export interface SearchedQuery {
  text: string;
  kind: 'question' | 'with-previous' | 'rewritten';
}

export interface PromptMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface AnswerDebug {
  chunks: DebugChunk[];
  prompt: PromptMessage[] | null;
  model: string | null;
  reasoning: Record<string, unknown> | null;
  problem: string | null;
  queries?: SearchedQuery[];
  /** The Q&A entry most like the question; answered: its answer was given word for word. */
  qaMatch?: { question: string; matchPercent: number; answered: boolean; needed: number } | null;
}

export type Filter = 'all' | 'unanswered' | 'thumbs-down';
