import type { Channel, UsageDay, UsageStore, UsageTotals } from '../usage-store.js';
import { stmt, type Db } from './database.js';

export function sqliteUsageStore(db: Db): UsageStore {
  const recordQuestion = db.transaction((question: Parameters<UsageStore['recordQuestion']>[0], at: string) => {
    const id = Number(
      stmt(db, 'INSERT INTO usage_ledger (created_at, visitor_hash, channel) VALUES (?, ?, ?)').run(at, question.visitorHash, question.channel).lastInsertRowid,
    );
    stmt(
      db,
      `INSERT INTO usage_days (day, channel, conversations, messages) VALUES (?, ?, ?, 1)
      ON CONFLICT (day, channel) DO UPDATE SET conversations = conversations + excluded.conversations, messages = messages + 1`,
    ).run(at.slice(0, 10), question.channel, question.newConversation ? 1 : 0);
    return id;
  });
  const recordAnswer = db.transaction((usageId: number, answer: { cost: number; tokens: number }) => {
    const row = stmt(db, 'UPDATE usage_ledger SET cost = cost + ? WHERE id = ? RETURNING created_at, channel').get(answer.cost, usageId) as
      | { created_at: string; channel: Channel }
      | undefined;
    // A question older than the ledger keeps (an answer cannot take two days) still counts today.
    const day = (row?.created_at ?? new Date().toISOString()).slice(0, 10);
    stmt(
      db,
      `INSERT INTO usage_days (day, channel, messages, tokens, cost) VALUES (?, ?, 1, ?, ?)
    ON CONFLICT (day, channel) DO UPDATE SET messages = messages + 1, tokens = tokens + excluded.tokens, cost = cost + excluded.cost`,
    ).run(day, row?.channel ?? 'widget', answer.tokens, answer.cost);
  });

  return {
    async recordQuestion(question, atIso) {
      return recordQuestion(question, atIso);
    },
    async recordAnswer(usageId, answer) {
      recordAnswer(usageId, answer);
    },
    async visitorQuestionCounts(visitorHash, minuteIso, dayIso) {
      return stmt(
        db,
        `SELECT coalesce(sum(created_at >= :minute), 0) AS lastMinute, coalesce(sum(created_at >= :day), 0) AS today
    FROM usage_ledger WHERE visitor_hash = :visitor AND created_at >= min(:minute, :day)`,
      ).get({ minute: minuteIso, day: dayIso, visitor: visitorHash }) as { lastMinute: number; today: number };
    },
    async spentOn(day) {
      return stmt(db, 'SELECT coalesce(sum(cost), 0) FROM usage_days WHERE day = ?').pluck().get(day) as number;
    },
    async usageSince(channel, fromDay) {
      return stmt(
        db,
        `SELECT coalesce(sum(conversations), 0) AS conversations, coalesce(sum(messages), 0) AS messages,
    coalesce(sum(tokens), 0) AS tokens, coalesce(sum(cost), 0) AS cost FROM usage_days WHERE channel = ? AND day >= ?`,
      ).get(channel, fromDay) as UsageTotals;
    },
    async widgetDays(range) {
      return stmt(db, `SELECT day, conversations, messages, cost FROM usage_days WHERE channel = 'widget' AND day BETWEEN ? AND ? ORDER BY day`).all(
        range.from,
        range.to,
      ) as UsageDay[];
    },
    async pruneLedger(beforeIso) {
      return stmt(db, 'DELETE FROM usage_ledger WHERE created_at < ?').run(beforeIso).changes;
    },
  };
}
