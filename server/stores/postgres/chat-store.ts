// Conversations, their messages and the dashboard's alerts on PostgreSQL. Same results as the SQLite store:
// messages.seq stands in for SQLite's rowid (the order of messages written in the same millisecond), and sums of
// conditions are written `sum((cond)::int)` so a condition on a NULL column still sums to NULL as SQLite's does.
import { randomUUID } from 'node:crypto';
import type {
  Alert,
  AssistantRecord,
  ChatStore,
  ConversationDetail,
  ConversationFilter,
  ConversationSummary,
  ExportedMessage,
  SourceLink,
  TranscriptLine,
  TurnRecord,
} from '../chat-store.js';
import { type Client, type Pool, type Queryable, row, rows, transaction, snapshot } from './database.js';

const UNANSWERED = "('no_answer', 'error', 'links_only')";
/** PostgreSQL's foreign_key_violation: the answer's conversation was deleted meanwhile. */
const FOREIGN_KEY_VIOLATION = '23503';

const havingFor = (filter: ConversationFilter) =>
  filter === 'unanswered' ? `HAVING sum((m.status IN ${UNANSWERED})::int) > 0` : filter === 'thumbs-down' ? "HAVING sum((m.feedback = 'down')::int) > 0" : '';

async function countConversations(db: Queryable, filter: ConversationFilter): Promise<number> {
  const r = await row<{ n: number }>(
    db,
    `SELECT count(*) AS n FROM (SELECT c.id FROM conversations c JOIN messages m ON m.conversation_id = c.id GROUP BY c.id ${havingFor(filter)}) x`,
  );
  return r?.n ?? 0;
}

async function conversationRows(db: Queryable, filter: ConversationFilter, limit: number, offset: number): Promise<ConversationSummary[]> {
  const flagged =
    filter === 'all'
      ? 'NULL::text'
      : `(SELECT id FROM messages WHERE conversation_id = c.id AND role = 'assistant' AND ${filter === 'unanswered' ? `status IN ${UNANSWERED}` : "feedback = 'down'"}
          ORDER BY created_at, seq LIMIT 1)`;
  return rows<ConversationSummary>(
    db,
    `SELECT c.id, c.created_at AS "createdAt", c.updated_at AS "updatedAt", c.origin, c.channel,
      (SELECT text FROM messages WHERE conversation_id = c.id AND role = 'user' ORDER BY created_at, seq LIMIT 1) AS "firstQuestion",
      count(m.id) AS messages, coalesce(sum(m.cost), 0) AS cost, coalesce(sum(m.prompt_tokens + m.completion_tokens), 0) AS tokens,
      sum((m.feedback = 'up')::int) AS "thumbsUp", sum((m.feedback = 'down')::int) AS "thumbsDown",
      sum((m.status IN ${UNANSWERED})::int) AS unanswered,
      sum((m.qa_document_id IS NOT NULL)::int) AS "qaAnswers", max(m.improved_at) AS "improvedAt",
      ${flagged} AS "flaggedMessageId"
    FROM conversations c JOIN messages m ON m.conversation_id = c.id GROUP BY c.id ${havingFor(filter)}
    ORDER BY c.updated_at DESC, c.id LIMIT $1 OFFSET $2`,
    [limit, offset],
  );
}

/**
 * Deletes conversations already locked (FOR UPDATE, in id order). Each deleted question updates its row in
 * `questions` (migration 014's trigger); a cascade would lock those rows in the order the messages lie on disk, so
 * two deletes sharing two questions could each hold one and wait for the other (a deadlock, one delete refused).
 * They are locked here first, in id order, as every other writer locks at most one of them after its conversation.
 */
async function deleteLocked(client: Client, ids: string[]): Promise<number> {
  if (!ids.length) return 0;
  await client.query(
    `SELECT 1 FROM questions WHERE md5(text) IN (
      SELECT md5(text) FROM messages WHERE conversation_id = ANY($1::text[]) AND role = 'user') ORDER BY id FOR UPDATE`,
    [ids],
  );
  return (await client.query('DELETE FROM conversations WHERE id = ANY($1::text[])', [ids])).rowCount ?? 0;
}

export function postgresChatStore(pool: Pool): ChatStore {
  return {
    async latestWidgetVisit(ownOrigin) {
      return (
        (await row<{ origin: string; at: string }>(
          pool,
          `SELECT origin, created_at AS at FROM conversations WHERE channel = 'widget' AND origin IS NOT NULL AND origin <> $1
          ORDER BY created_at DESC LIMIT 1`,
          [ownOrigin],
        )) ?? null
      );
    },

    async visitorHasConversation(conversationId, visitorHash) {
      return (await row(pool, 'SELECT 1 FROM conversations WHERE id = $1 AND visitor_hash = $2', [conversationId, visitorHash])) !== undefined;
    },
    async unansweredConversations(fromIso, toIso, limit) {
      return (
        await rows<{ conversation_id: string }>(
          pool,
          `SELECT m.conversation_id FROM messages m WHERE m.role = 'user' AND m.created_at >= $1 AND m.created_at < $2
            AND NOT EXISTS (SELECT 1 FROM messages a WHERE a.conversation_id = m.conversation_id AND a.seq > m.seq)
          ORDER BY m.created_at LIMIT $3`,
          [fromIso, toIso, limit],
        )
      ).map((r) => r.conversation_id);
    },
    async countQuestions(conversationId) {
      const r = await row<{ n: number }>(pool, "SELECT count(*) AS n FROM messages WHERE conversation_id = $1 AND role = 'user'", [conversationId]);
      return r?.n ?? 0;
    },
    async turns(conversationId) {
      return (
        await rows<Omit<TurnRecord, 'sources'> & { sources: string }>(
          pool,
          `SELECT id, role, text, sources, feedback, status, created_at AS "createdAt" FROM messages WHERE conversation_id = $1
          ORDER BY created_at, seq`,
          [conversationId],
        )
      ).map((m) => ({ ...m, sources: JSON.parse(m.sources) as SourceLink[] }));
    },
    async addQuestion(conversationId, text, start) {
      // One statement (atomic by itself): a visitor's question waits for one round trip here, not four.
      const message = "INSERT INTO messages (id, conversation_id, role, text) VALUES ($1, $2, 'user', $3)";
      if (conversationId === null) {
        const id = randomUUID();
        await pool.query(`WITH conversation AS (INSERT INTO conversations (id, visitor_hash, origin, channel) VALUES ($2, $4, $5, $6)) ${message}`, [
          randomUUID(),
          id,
          text,
          start.visitorHash,
          start.origin,
          start.channel,
        ]);
        return id;
      }
      await pool.query(`WITH touched AS (UPDATE conversations SET updated_at = docent_now() WHERE id = $2) ${message}`, [randomUUID(), conversationId, text]);
      return conversationId;
    },
    async addAnswer(r: AssistantRecord) {
      try {
        await pool.query(
          `INSERT INTO messages (id, conversation_id, role, text, sources, retrieved, status, error, model, prompt_tokens, completion_tokens,
          reasoning_tokens, cost, latency_ms, first_token_ms, qa_document_id) VALUES ($1, $2, 'assistant', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
          [
            r.id,
            r.conversationId,
            r.text,
            JSON.stringify(r.sources),
            JSON.stringify(r.retrieved),
            r.status,
            r.error,
            r.model,
            r.promptTokens,
            r.completionTokens,
            r.reasoningTokens,
            r.cost,
            r.latencyMs,
            r.firstTokenMs,
            r.qaDocumentId ?? null,
          ],
        );
        return true;
      } catch (err) {
        if ((err as { code?: string }).code === FOREIGN_KEY_VIOLATION) return false;
        throw err;
      }
    },
    async setFeedback(messageId, visitorHash, value) {
      const result = await pool.query(
        `UPDATE messages SET feedback = $1 WHERE id = $2 AND role = 'assistant'
        AND conversation_id IN (SELECT id FROM conversations WHERE visitor_hash = $3)`,
        [value, messageId, visitorHash],
      );
      return result.rowCount === 1;
    },
    async deleteInactiveSince(beforeIso) {
      return transaction(pool, async (client) => {
        const ids = (await rows<{ id: string }>(client, 'SELECT id FROM conversations WHERE updated_at < $1 ORDER BY id FOR UPDATE', [beforeIso])).map(
          (r) => r.id,
        );
        return deleteLocked(client, ids);
      });
    },

    async listConversations(filter, limit, offset) {
      // One snapshot for the page and the total, as SQLite's read transaction gives.
      return snapshot(pool, async (client) => {
        return { conversations: await conversationRows(client, filter, limit, offset), total: await countConversations(client, filter) };
      });
    },
    async exportMessages(filter) {
      return snapshot(pool, async (client) => {
        const ids = (await conversationRows(client, filter, 100_000, 0)).map((c) => c.id);
        return (
          await rows<Omit<ExportedMessage, 'sources'> & { sources: string }>(
            client,
            `SELECT c.id AS conversation, m.created_at, m.role, m.text, m.sources, m.status, m.model, m.prompt_tokens, m.completion_tokens, m.cost,
            m.latency_ms, m.feedback
          FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.id = ANY($1::text[]) ORDER BY c.created_at, m.created_at, m.seq`,
            [ids],
          )
        ).map((r) => ({ ...r, sources: JSON.parse(r.sources) as SourceLink[] }));
      });
    },
    async conversationDetail(conversationId) {
      return snapshot(pool, async (client) => {
        const conversation = await row<ConversationDetail['conversation']>(
          client,
          'SELECT id, created_at AS "createdAt", origin, channel FROM conversations WHERE id = $1',
          [conversationId],
        );
        if (!conversation) return null;
        const messages = (
          await rows<Record<string, any>>(
            client,
            `SELECT id, role, text, sources, retrieved, status, error, model, prompt_tokens AS "promptTokens", completion_tokens AS "completionTokens",
            reasoning_tokens AS "reasoningTokens", cost, latency_ms AS "latencyMs", first_token_ms AS "firstTokenMs", feedback, created_at AS "createdAt",
            qa_document_id IS NOT NULL AS "qaAnswer", improved_at AS "improvedAt", improved_qa_id AS "improvedQaId"
          FROM messages WHERE conversation_id = $1 ORDER BY created_at, seq`,
            [conversationId],
          )
        ).map((m) => ({ ...m, sources: JSON.parse(m.sources), retrieved: JSON.parse(m.retrieved) })) as ConversationDetail['messages'];
        return { conversation, messages };
      });
    },
    async isPlaygroundConversation(conversationId) {
      return (await row(pool, "SELECT 1 FROM conversations WHERE id = $1 AND channel = 'playground'", [conversationId])) !== undefined;
    },
    async messageRole(conversationId, messageId) {
      // One statement: the message's role, else whether the conversation exists.
      const r = await row<{ role: 'user' | 'assistant' | null; conversation: boolean }>(
        pool,
        `SELECT (SELECT role FROM messages WHERE id = $1 AND conversation_id = $2) AS role,
          EXISTS (SELECT 1 FROM conversations WHERE id = $2) AS conversation`,
        [messageId, conversationId],
      );
      if (r?.role) return r.role;
      return r?.conversation ? 'no_message' : 'no_conversation';
    },
    async markImproved(messageId, improvedAt, qaDocumentId) {
      await pool.query('UPDATE messages SET improved_at = $1, improved_qa_id = $2 WHERE id = $3', [improvedAt, qaDocumentId, messageId]);
    },
    async deleteConversation(conversationId) {
      return transaction(pool, async (client) => {
        const found = await rows<{ id: string }>(client, 'SELECT id FROM conversations WHERE id = $1 FOR UPDATE', [conversationId]);
        return (
          (await deleteLocked(
            client,
            found.map((r) => r.id),
          )) > 0
        );
      });
    },
    async firstWidgetConversationSince(visitorHash, sinceIso) {
      const r = await row<{ id: string }>(
        pool,
        "SELECT id FROM conversations WHERE visitor_hash = $1 AND channel = 'widget' AND created_at >= $2 ORDER BY created_at LIMIT 1",
        [visitorHash, sinceIso],
      );
      return r?.id ?? null;
    },
    async transcript(conversationId) {
      return rows<TranscriptLine>(
        pool,
        'SELECT role, text, status, created_at AS "createdAt" FROM messages WHERE conversation_id = $1 ORDER BY created_at, seq',
        [conversationId],
      );
    },
    async widgetAnswerCounts(fromIso, toIso) {
      return (await row<{ total: number; answered: number; thumbsUp: number; thumbsDown: number }>(
        pool,
        `SELECT count(*) AS total, coalesce(sum((m.status = 'complete')::int), 0) AS answered,
          coalesce(sum((m.feedback = 'up')::int), 0) AS "thumbsUp", coalesce(sum((m.feedback = 'down')::int), 0) AS "thumbsDown"
        FROM messages m JOIN conversations c ON c.id = m.conversation_id
        WHERE m.role = 'assistant' AND m.status <> 'stopped' AND c.channel = 'widget' AND m.created_at >= $1 AND m.created_at < $2`,
        [fromIso, toIso],
      ))!;
    },

    async raiseAlert(kind, message) {
      // One statement: two nodes raising the same alert at once count it twice on one open alert.
      return (await row<{ id: number; count: number }>(
        pool,
        `INSERT INTO alerts (kind, message) VALUES ($1, $2)
        ON CONFLICT (kind) WHERE resolved_at IS NULL DO UPDATE SET count = alerts.count + 1, message = excluded.message, last_at = docent_now()
        RETURNING id, count`,
        [kind, message],
      ))!;
    },
    async resolveAlert(kind) {
      await pool.query('UPDATE alerts SET resolved_at = docent_now() WHERE resolved_at IS NULL AND kind = $1', [kind]);
    },
    async resolveProviderAlerts() {
      await pool.query(
        `UPDATE alerts SET resolved_at = docent_now() WHERE resolved_at IS NULL AND kind <> 'low_balance' AND kind NOT LIKE 'notification\\_%' ESCAPE '\\'`,
      );
    },
    async openAlerts() {
      return rows<Alert>(
        pool,
        'SELECT id, kind, message, count, first_at AS "firstAt", last_at AS "lastAt" FROM alerts WHERE resolved_at IS NULL ORDER BY last_at DESC, id DESC',
      );
    },
    async dismissAlert(id) {
      return (await pool.query('UPDATE alerts SET resolved_at = docent_now() WHERE id = $1 AND resolved_at IS NULL', [id])).rowCount === 1;
    },
  };
}
