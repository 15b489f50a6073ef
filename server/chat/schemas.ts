// Shapes of the Conversations routes that change things, shared by the routes and their tests.
import { z } from 'zod';
import { RetrievalSettings } from '../retrieval/settings.js';
import { ChatbotSettings } from './settings.js';

/** POST /api/admin/conversations/:id/improve: a Q&A entry for one of the bot's answers. Limits as Data Training's Q&A. */
export const ImproveAnswerBody = z.object({
  messageId: z.string().uuid('Not an answer id: send the id of one of the bot’s answers in this conversation.'),
  question: z.string().trim().min(1, 'Enter the question.').max(1000, 'Keep the question to 1,000 characters at most.'),
  answer: z.string().trim().min(1, 'Enter the answer.').max(20_000, 'Keep the answer to 20,000 characters at most.'),
});
export type ImproveAnswerRequest = z.input<typeof ImproveAnswerBody>;

export const ImprovedAnswer = z.object({
  documentId: z.number(),
  /** added: a new Q&A entry; updated: the entry with this very question got the new answer; unchanged: it had it. */
  status: z.enum(['added', 'updated', 'unchanged']),
  chunks: z.number(),
  tokens: z.number(),
  /** Searchable now; when false, `problem` says why and Start Training on Data Training finishes the job. */
  trained: z.boolean(),
  problem: z.string().nullable(),
  messageId: z.string(),
  improvedAt: z.string(),
});
export type ImprovedAnswer = z.output<typeof ImprovedAnswer>;

// --- Conversations (GET /api/admin/conversations, /conversations/:id) ----------------------------------------------

export const SourceLink = z.object({ title: z.string(), url: z.string().nullable() });
export type SourceLink = z.output<typeof SourceLink>;

export const MESSAGE_STATUSES = ['complete', 'stopped', 'error', 'no_answer', 'links_only'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const CONVERSATION_FILTERS = ['all', 'unanswered', 'thumbs-down'] as const;
export type Filter = (typeof CONVERSATION_FILTERS)[number];

export const ConversationRow = z.object({
  id: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  origin: z.string().nullable(),
  channel: z.string(),
  firstQuestion: z.string().nullable(),
  messages: z.number(),
  cost: z.number(),
  tokens: z.number(),
  thumbsUp: z.number().nullable(),
  thumbsDown: z.number().nullable(),
  unanswered: z.number().nullable(),
  /** Answers given from a Q&A entry word for word. */
  qaAnswers: z.number().nullable(),
  /** When an answer of it was last improved (Improve answer), or null. */
  improvedAt: z.string().nullable(),
  /** With the Unanswered or Thumbs-down filter: the first answer the filter is about. */
  flaggedMessageId: z.string().nullable(),
});
export type ConversationRow = z.output<typeof ConversationRow>;

export const ConversationList = z.object({ conversations: z.array(ConversationRow), total: z.number() });
export type ConversationList = z.output<typeof ConversationList>;

export const RetrievedRef = z.object({ chunkId: z.number(), title: z.string(), url: z.string().nullable(), matchPercent: z.number() });
export type RetrievedRef = z.output<typeof RetrievedRef>;

export const StoredMessage = z.object({
  id: z.string(),
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  sources: z.array(SourceLink),
  retrieved: z.array(RetrievedRef),
  status: z.enum(MESSAGE_STATUSES).nullable(),
  error: z.string().nullable(),
  model: z.string().nullable(),
  promptTokens: z.number().nullable(),
  completionTokens: z.number().nullable(),
  reasoningTokens: z.number().nullable(),
  cost: z.number().nullable(),
  latencyMs: z.number().nullable(),
  firstTokenMs: z.number().nullable(),
  feedback: z.enum(['up', 'down']).nullable(),
  createdAt: z.string(),
  /** Given from a Q&A entry word for word, without the model. */
  qaAnswer: z.boolean(),
  improvedAt: z.string().nullable(),
  improvedQaId: z.number().nullable(),
});
export type StoredMessage = z.output<typeof StoredMessage>;

export const ConversationDetail = z.object({
  conversation: z.object({ id: z.string(), createdAt: z.string(), origin: z.string().nullable(), channel: z.string() }),
  messages: z.array(StoredMessage),
});
export type ConversationDetail = z.output<typeof ConversationDetail>;

// --- The Playground's debug event (server-sent, not a JSON response) -------------------------------------------------

export type SearchKind = 'question' | 'with-previous' | 'rewritten';
export interface SearchedQuery {
  text: string;
  kind: SearchKind;
}
/** One retrieved chunk as the debug event reports it. */
export interface DebugChunk {
  chunkId: number;
  title: string;
  url: string | null;
  headingPath: string;
  content: string;
  matchPercent: number;
  vectorRank: number | null;
  keywordRank: number | null;
  score: number;
  /** Which search found it: the question's own, the one with the previous question, or the rewrite. */
  foundBy: SearchKind;
}
export interface PromptMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}
export interface AnswerDebugView {
  chunks: DebugChunk[];
  prompt: PromptMessage[] | null;
  model: string | null;
  reasoning: Record<string, unknown> | null;
  problem: string | null;
  queries: SearchedQuery[];
  /** The Q&A entry most like the question; answered: its answer was given word for word. */
  qaMatch: { question: string; matchPercent: number; answered: boolean; needed: number } | null;
}

// --- Chatbot settings (GET|PUT /api/admin/chatbot/settings) --------------------------------------------------------

/** The Chatbot screen's settings: the bot's behaviour and limits, and the retrieval settings it shows. */
export const ChatbotSettingsView = z.object({ chatbot: ChatbotSettings, retrieval: RetrievalSettings });
export type ChatbotSettingsView = z.output<typeof ChatbotSettingsView>;
export const ChatbotSettingsUpdate = z.object({ chatbot: ChatbotSettings, retrieval: RetrievalSettings.pick({ topK: true, minMatch: true }) });
export type ChatbotSettingsUpdate = z.input<typeof ChatbotSettingsUpdate>;
