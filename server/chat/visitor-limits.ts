// Visitor limits, in one place for every route that takes a question (the widget and the Playground): which
// questions are admitted and how each one is counted. Limits read the usage ledger, not stored messages, so they
// hold with storing off and after deletions. Built once in app.ts (app.visitorLimits).
import { HttpError } from '../http/errors.js';
import type { UsageStore } from '../stores/usage-store.js';
import type { ChatbotSettings } from './settings.js';
import { type Channel, recordQuestion } from './usage.js';

export interface VisitorLimitsDeps {
  usage: UsageStore;
  /** The admin's current chatbot settings (the limits are edited there). */
  readSettings: () => Promise<Pick<ChatbotSettings, 'messagesPerMinutePerVisitor' | 'dailyMessagesPerVisitor'>>;
}

export interface VisitorLimits {
  /** Throws a 429 the visitor can read when they asked too many questions in the last minute or this UTC day. */
  admit(visitorHash: string, at?: number): Promise<void>;
  /** Counts a question about to be answered (limits, spend, dashboard); returns the ledger entry for recordAnswer. */
  count(question: { visitorHash: string; channel: Channel; newConversation: boolean }): Promise<number>;
}

export function createVisitorLimits(deps: VisitorLimitsDeps): VisitorLimits {
  return {
    async admit(visitorHash, at = Date.now()) {
      const settings = await deps.readSettings();
      const today = new Date(at);
      today.setUTCHours(0, 0, 0, 0);
      const asked = await deps.usage.visitorQuestionCounts(visitorHash, new Date(at - 60_000).toISOString(), today.toISOString());
      if (asked.lastMinute >= settings.messagesPerMinutePerVisitor) {
        throw new HttpError(429, 'You are sending messages quickly. Please wait a minute and try again.');
      }
      if (asked.today >= settings.dailyMessagesPerVisitor) {
        throw new HttpError(429, "You've reached today's message limit. Please come back tomorrow.");
      }
    },
    count: (question) => recordQuestion(deps.usage, question),
  };
}
