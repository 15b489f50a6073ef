// Visitor limits, in one place for every route that takes a question (the widget and the Playground): which
// questions are admitted and how each one is counted. Limits read the usage ledger, not stored messages, so they
// hold with storing off and after deletions.
import type { Db } from '../stores/sqlite/database.js';
import { HttpError } from '../http/errors.js';
import type { ChatbotSettings } from './settings.js';
import { type Channel, recordQuestion, visitorQuestionCounts } from './usage.js';

export interface VisitorLimitsDeps {
  db: Db;
  /** The admin's current chatbot settings (the limits are edited there). */
  readSettings: () => Promise<Pick<ChatbotSettings, 'messagesPerMinutePerVisitor' | 'dailyMessagesPerVisitor'>>;
}

/** Throws a 429 the visitor can read when they asked too many questions in the last minute or this UTC day. */
export async function admitQuestion(deps: VisitorLimitsDeps, visitorHash: string, at = Date.now()): Promise<void> {
  const settings = await deps.readSettings();
  const today = new Date(at);
  today.setUTCHours(0, 0, 0, 0);
  const asked = visitorQuestionCounts(deps.db, visitorHash, new Date(at - 60_000).toISOString(), today.toISOString());
  if (asked.lastMinute >= settings.messagesPerMinutePerVisitor) {
    throw new HttpError(429, 'You are sending messages quickly. Please wait a minute and try again.');
  }
  if (asked.today >= settings.dailyMessagesPerVisitor) {
    throw new HttpError(429, "You've reached today's message limit. Please come back tomorrow.");
  }
}

/** Counts a question about to be answered (limits, spend, dashboard); returns the ledger row for recordAnswer. */
export function countQuestion(deps: Pick<VisitorLimitsDeps, 'db'>, question: { visitorHash: string; channel: Channel; newConversation: boolean }): number {
  return recordQuestion(deps.db, question);
}
