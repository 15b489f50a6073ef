// Chat: conversations and their messages (and what is counted from them), and the dashboard's alerts.

export interface SourceLink {
  title: string;
  url: string | null;
}
export type MessageStatus = 'complete' | 'stopped' | 'error' | 'no_answer' | 'links_only';

/** A message as the visitor's history and the prompt's history see it, stored or kept in memory. */
export interface TurnRecord {
  id: string;
  role: 'user' | 'assistant';
  text: string;
  sources: SourceLink[];
  feedback: 'up' | 'down' | null;
  status: MessageStatus;
  createdAt: string;
}

export interface NewConversation {
  visitorHash: string;
  origin: string | null;
  channel: 'widget' | 'playground';
}

export interface AssistantRecord {
  id: string;
  conversationId: string;
  text: string;
  sources: SourceLink[];
  retrieved: Array<{ chunkId: number; title: string; url: string | null; matchPercent: number }>;
  status: MessageStatus;
  error: string | null;
  model: string | null;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  cost: number;
  latencyMs: number;
  firstTokenMs: number | null;
  /** The Q&A entry answered with word for word (no model call), or null. */
  qaDocumentId: number | null;
}

/** The Conversations screen's filters: every conversation, those with an unanswered answer, those with a thumbs down. */
export type ConversationFilter = 'all' | 'unanswered' | 'thumbs-down';

export interface ConversationSummary {
  id: string;
  createdAt: string;
  updatedAt: string;
  origin: string | null;
  channel: string;
  firstQuestion: string | null;
  messages: number;
  cost: number;
  tokens: number;
  // Sums over the conversation's messages: null when none of them has the value (SQL's sum of nothing).
  thumbsUp: number | null;
  thumbsDown: number | null;
  unanswered: number | null;
  qaAnswers: number | null;
  improvedAt: string | null;
  /** The answer the filter is about (the first one), so the list can offer Improve answer on it; null for 'all'. */
  flaggedMessageId: string | null;
}

/** One message of the CSV export, oldest first within its conversation. */
export interface ExportedMessage {
  conversation: string;
  created_at: string;
  role: string;
  text: string;
  sources: SourceLink[];
  status: string;
  model: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  cost: number;
  latency_ms: number;
  feedback: string | null;
}

/** A conversation as the admin reads it, every message with what it cost and what it drew on. */
export interface ConversationDetail {
  conversation: { id: string; createdAt: string; origin: string | null; channel: string };
  messages: Array<{
    id: string;
    role: 'user' | 'assistant';
    text: string;
    sources: SourceLink[];
    retrieved: AssistantRecord['retrieved'];
    // A visitor's message has no status, model, tokens, cost or timing: null.
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
    qaAnswer: boolean;
    improvedAt: string | null;
    improvedQaId: number | null;
  }>;
}

export interface TranscriptLine {
  role: 'user' | 'assistant';
  text: string;
  status: string;
  createdAt: string;
}

export interface Alert {
  id: number;
  kind: string;
  message: string;
  count: number;
  firstAt: string;
  lastAt: string;
}

export interface ChatStore {
  /** The newest widget conversation started from a page on another origin than `ownOrigin`. */
  latestWidgetVisit(ownOrigin: string): Promise<{ origin: string; at: string } | null>;

  // The visitor's side.
  /** Whether the conversation exists and was started by this visitor. */
  visitorHasConversation(conversationId: string, visitorHash: string): Promise<boolean>;
  /** How many questions the conversation holds. */
  countQuestions(conversationId: string): Promise<number>;
  /** Every stored message of the conversation, oldest first. */
  turns(conversationId: string): Promise<TurnRecord[]>;
  /** Stores a question, in a new conversation when `conversationId` is null; returns the conversation's id. */
  addQuestion(conversationId: string | null, text: string, start: NewConversation): Promise<string>;
  /** Stores an answer; false when its conversation is gone (deleted while it was being answered). */
  addAnswer(answer: AssistantRecord): Promise<boolean>;
  /**
   * Conversations whose last message is a question asked in [fromIso, toIso): its answer never came (the node
   * answering it stopped mid-answer). At most `limit`, the oldest first.
   */
  unansweredConversations(fromIso: string, toIso: string, limit: number): Promise<string[]>;
  /** Sets the visitor's thumbs on one of the answers in their conversations; false when there is no such answer. */
  setFeedback(messageId: string, visitorHash: string, value: 'up' | 'down' | null): Promise<boolean>;
  /** Deletes conversations last active before `beforeIso` (retention); returns how many. */
  deleteInactiveSince(beforeIso: string): Promise<number>;

  // The admin's side.
  listConversations(filter: ConversationFilter, limit: number, offset: number): Promise<{ conversations: ConversationSummary[]; total: number }>;
  /** The messages of every conversation the filter selects, for the CSV export. */
  exportMessages(filter: ConversationFilter): Promise<ExportedMessage[]>;
  conversationDetail(conversationId: string): Promise<ConversationDetail | null>;
  /** Whether a Playground conversation with this id exists. */
  isPlaygroundConversation(conversationId: string): Promise<boolean>;
  /** A message's role within its conversation; 'no_message' or 'no_conversation' when either is missing. */
  messageRole(conversationId: string, messageId: string): Promise<'user' | 'assistant' | 'no_message' | 'no_conversation'>;
  /** Marks an answer as improved by the admin's Q&A entry. */
  markImproved(messageId: string, improvedAt: string, qaDocumentId: number): Promise<void>;
  /** False when there is no such conversation. */
  deleteConversation(conversationId: string): Promise<boolean>;
  /** The widget conversation a visitor started first at or after `sinceIso` (a pre-chat lead's), or null. */
  firstWidgetConversationSince(visitorHash: string, sinceIso: string): Promise<string | null>;
  transcript(conversationId: string): Promise<TranscriptLine[]>;
  /**
   * Stored widget answers created in [fromIso, toIso), stopped ones left out: how many, how many complete, and
   * their thumbs.
   */
  widgetAnswerCounts(fromIso: string, toIso: string): Promise<{ total: number; answered: number; thumbsUp: number; thumbsDown: number }>;

  // Alerts: problems only the admin can fix.
  /** Opens an alert of this kind, or counts up the open one; returns it with how often it was raised. */
  raiseAlert(kind: string, message: string): Promise<{ id: number; count: number }>;
  /** Resolves every open alert of these kinds. */
  resolveAlert(kind: string): Promise<void>;
  /** Resolves the open alerts a working provider disproves: all but a low balance and notification failures. */
  resolveProviderAlerts(): Promise<void>;
  /** Open alerts, the most recent first. */
  openAlerts(): Promise<Alert[]>;
  /** False when there is no such open alert. */
  dismissAlert(id: number): Promise<boolean>;
}
