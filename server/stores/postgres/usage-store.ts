import type { UsageDay, UsageTotals, UsageStore } from '../usage-store.js';
import { type Pool, row, rows } from './database.js';

export function postgresUsageStore(pool: Pool): UsageStore {
  return {
    // Each write below is one statement (atomic by itself, one round trip): the ledger row and the day's totals
    // change together. The upserts add up questions counted on several nodes at once.
    async recordQuestion(question, atIso) {
      const entry = await row<{ id: number }>(
        pool,
        `WITH entry AS (INSERT INTO usage_ledger (created_at, visitor_hash, channel) VALUES ($1, $2, $3) RETURNING id),
          day AS (
            INSERT INTO usage_days (day, channel, conversations, messages) VALUES ($4, $3, $5, 1)
            ON CONFLICT (day, channel) DO UPDATE SET conversations = usage_days.conversations + excluded.conversations, messages = usage_days.messages + 1
          )
        SELECT id FROM entry`,
        [atIso, question.visitorHash, question.channel, atIso.slice(0, 10), question.newConversation ? 1 : 0],
      );
      return entry!.id;
    },
    async recordAnswer(usageId, answer) {
      // A question older than the ledger keeps (an answer cannot take two days) still counts today.
      await pool.query(
        `WITH entry AS (UPDATE usage_ledger SET cost = cost + $1::float8 WHERE id = $2 RETURNING created_at, channel)
        INSERT INTO usage_days (day, channel, messages, tokens, cost)
        SELECT coalesce(left(entry.created_at, 10), $4::text), coalesce(entry.channel, 'widget'), 1, $3::bigint, $1::float8 FROM (SELECT) one LEFT JOIN entry ON true
        ON CONFLICT (day, channel) DO UPDATE SET messages = usage_days.messages + 1, tokens = usage_days.tokens + excluded.tokens,
          cost = usage_days.cost + excluded.cost`,
        [answer.cost, usageId, answer.tokens, new Date().toISOString().slice(0, 10)],
      );
    },
    async visitorQuestionCounts(visitorHash, minuteIso, dayIso) {
      const counts = await row<{ lastMinute: number; today: number }>(
        pool,
        `SELECT count(*) FILTER (WHERE created_at >= $2) AS "lastMinute", count(*) FILTER (WHERE created_at >= $3) AS today
        FROM usage_ledger WHERE visitor_hash = $1 AND created_at >= least($2, $3)`,
        [visitorHash, minuteIso, dayIso],
      );
      return counts!;
    },
    async spentOn(day) {
      return (await row<{ cost: number }>(pool, 'SELECT coalesce(sum(cost), 0) AS cost FROM usage_days WHERE day = $1', [day]))!.cost;
    },
    async usageSince(channel, fromDay) {
      const totals = await row<UsageTotals>(
        pool,
        `SELECT coalesce(sum(conversations), 0) AS conversations, coalesce(sum(messages), 0) AS messages,
          coalesce(sum(tokens), 0) AS tokens, coalesce(sum(cost), 0) AS cost FROM usage_days WHERE channel = $1 AND day >= $2`,
        [channel, fromDay],
      );
      return totals!;
    },
    async widgetDays(range) {
      return rows<UsageDay>(pool, `SELECT day, conversations, messages, cost FROM usage_days WHERE channel = 'widget' AND day BETWEEN $1 AND $2 ORDER BY day`, [
        range.from,
        range.to,
      ]);
    },
    async pruneLedger(beforeIso) {
      return (await pool.query('DELETE FROM usage_ledger WHERE created_at < $1', [beforeIso])).rowCount ?? 0;
    },
  };
}
