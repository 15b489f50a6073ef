import type { Channel, UsageDay, UsageTotals, UsageStore } from '../usage-store.js';
import { type Pool, row, rows, transaction } from './database.js';

export function postgresUsageStore(pool: Pool): UsageStore {
  return {
    async recordQuestion(question, atIso) {
      return transaction(pool, async (client) => {
        const entry = await row<{ id: number }>(client, 'INSERT INTO usage_ledger (created_at, visitor_hash, channel) VALUES ($1, $2, $3) RETURNING id', [
          atIso,
          question.visitorHash,
          question.channel,
        ]);
        // One upsert: questions counted on several nodes at once all add up.
        await client.query(
          `INSERT INTO usage_days (day, channel, conversations, messages) VALUES ($1, $2, $3, 1)
          ON CONFLICT (day, channel) DO UPDATE SET conversations = usage_days.conversations + excluded.conversations, messages = usage_days.messages + 1`,
          [atIso.slice(0, 10), question.channel, question.newConversation ? 1 : 0],
        );
        return entry!.id;
      });
    },
    async recordAnswer(usageId, answer) {
      await transaction(pool, async (client) => {
        const entry = await row<{ created_at: string; channel: Channel }>(
          client,
          'UPDATE usage_ledger SET cost = cost + $1 WHERE id = $2 RETURNING created_at, channel',
          [answer.cost, usageId],
        );
        // A question older than the ledger keeps (an answer cannot take two days) still counts today.
        const day = (entry?.created_at ?? new Date().toISOString()).slice(0, 10);
        await client.query(
          `INSERT INTO usage_days (day, channel, messages, tokens, cost) VALUES ($1, $2, 1, $3, $4)
          ON CONFLICT (day, channel) DO UPDATE SET messages = usage_days.messages + 1, tokens = usage_days.tokens + excluded.tokens,
            cost = usage_days.cost + excluded.cost`,
          [day, entry?.channel ?? 'widget', answer.tokens, answer.cost],
        );
      });
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
