// Usage: what questions cost and who asked how many, counted apart from conversations (so limits, the spend cap
// and the dashboard hold whether transcripts are kept, deleted or never stored). No text here.

export type Channel = 'widget' | 'playground';

export interface UsageTotals {
  conversations: number;
  messages: number;
  tokens: number;
  cost: number;
}

/** One UTC day of a channel's traffic and cost. */
export interface UsageDay {
  day: string;
  conversations: number;
  messages: number;
  cost: number;
}

export interface UsageStore {
  /** Counts a question asked at `atIso` that is about to be answered; returns its ledger entry, for recordAnswer. */
  recordQuestion(question: { visitorHash: string; channel: Channel; newConversation: boolean }, atIso: string): Promise<number>;
  /** Adds a finished answer's cost and tokens to its question's entry and to the day it was asked on (today when the entry is gone). */
  recordAnswer(usageId: number, answer: { cost: number; tokens: number }): Promise<void>;
  /** The visitor's questions over all their conversations since `minuteIso` and since `dayIso`. */
  visitorQuestionCounts(visitorHash: string, minuteIso: string, dayIso: string): Promise<{ lastMinute: number; today: number }>;
  /** What the answers to one UTC day's (YYYY-MM-DD) questions cost, all channels together. */
  spentOn(day: string): Promise<number>;
  /** Totals for one channel from the UTC day `fromDay` (YYYY-MM-DD) on. */
  usageSince(channel: Channel, fromDay: string): Promise<UsageTotals>;
  /** The widget's days from `from` to `to` (YYYY-MM-DD, both included) that saw any traffic, oldest first. */
  widgetDays(range: { from: string; to: string }): Promise<UsageDay[]>;
  /** Drops ledger entries older than `beforeIso`; returns how many. */
  pruneLedger(beforeIso: string): Promise<number>;
}
