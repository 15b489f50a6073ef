// What questions cost and who asked how many, counted apart from conversations (migration 007): limits,
// the spend cap and the dashboard hold whether transcripts are kept, deleted or never stored. No text here.
// The counts live in the usage store (server/stores/usage-store.ts); this module decides when and how long.
import type { Channel, UsageStore } from '../stores/usage-store.js';

export type { Channel, UsageTotals } from '../stores/usage-store.js';

/** The per-visitor limits look back one UTC day at most; two days covers any clock edge. */
export const LEDGER_KEEP_MS = 2 * 86_400_000;

/** Counts a question that is about to be answered; returns its ledger entry, to be given to recordAnswer. */
export function recordQuestion(
  usage: UsageStore,
  question: { visitorHash: string; channel: Channel; newConversation: boolean },
  at = new Date().toISOString(),
): Promise<number> {
  return usage.recordQuestion(question, at);
}

/**
 * What the answers to the UTC day's questions cost, widget and Playground alike (both are paid for). Read from
 * the day's totals, which recordAnswer keeps with the ledger: summing the ledger cost 1.7 ms per question at
 * 20,000 questions a day, the totals 15 µs at any volume.
 */
export function spentToday(usage: UsageStore): Promise<number> {
  return usage.spentOn(new Date().toISOString().slice(0, 10));
}

/** Drops ledger entries no limit looks at any more; returns how many. */
export function pruneLedger(usage: UsageStore, at = Date.now()): Promise<number> {
  return usage.pruneLedger(new Date(at - LEDGER_KEEP_MS).toISOString());
}
