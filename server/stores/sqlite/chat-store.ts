import { randomUUID } from 'node:crypto';
import type {
  AssistantRecord,
  ChatStore,
  ConversationDetail,
  ConversationFilter,
  ConversationSummary,
  ExportedMessage,
  SourceLink,
  TurnRecord,
} from '../chat-store.js';
import { stmt, type Db } from './database.js';

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";
const UNANSWERED = "('no_answer', 'error', 'links_only')";

const havingFor = (filter: ConversationFilter) =>
  filter === 'unanswered' ? `HAVING sum(m.status IN ${UNANSWERED}) > 0` : filter === 'thumbs-down' ? "HAVING sum(m.feedback = 'down') > 0" : '';

export function sqliteChatStore(db: Db): ChatStore {
  const countConversations = (filter: ConversationFilter) =>
    stmt(
      db,
      `SELECT count(*) FROM (SELECT c.id FROM conversations c
    JOIN messages m ON m.conversation_id = c.id GROUP BY c.id ${havingFor(filter)})`,
    )
      .pluck()
      .get() as number;
  const conversationRows = (filter: ConversationFilter, limit: number, offset: number) =>
    stmt(
      db,
      `SELECT c.id, c.created_at AS createdAt, c.updated_at AS updatedAt, c.origin, c.channel,
        (SELECT text FROM messages WHERE conversation_id = c.id AND role = 'user' ORDER BY created_at, rowid LIMIT 1) AS firstQuestion,
        count(m.id) AS messages, coalesce(sum(m.cost), 0) AS cost, coalesce(sum(m.prompt_tokens + m.completion_tokens), 0) AS tokens,
        sum(m.feedback = 'up') AS thumbsUp, sum(m.feedback = 'down') AS thumbsDown,
        sum(m.status IN ${UNANSWERED}) AS unanswered,
        sum(m.qa_document_id IS NOT NULL) AS qaAnswers, max(m.improved_at) AS improvedAt,
        ${
          filter === 'all'
            ? 'NULL'
            : `(SELECT id FROM messages WHERE conversation_id = c.id AND role = 'assistant' AND ${filter === 'unanswered' ? `status IN ${UNANSWERED}` : "feedback = 'down'"}
          ORDER BY created_at, rowid LIMIT 1)`
        } AS flaggedMessageId
      FROM conversations c JOIN messages m ON m.conversation_id = c.id GROUP BY c.id ${havingFor(filter)} ORDER BY c.updated_at DESC LIMIT ? OFFSET ?`,
    ).all(limit, offset) as ConversationSummary[];

  const addQuestion = db.transaction((conversationId: string | null, text: string, start: Parameters<ChatStore['addQuestion']>[2]) => {
    const id = conversationId ?? randomUUID();
    if (conversationId === null) {
      stmt(db, 'INSERT INTO conversations (id, visitor_hash, origin, channel) VALUES (?, ?, ?, ?)').run(id, start.visitorHash, start.origin, start.channel);
    } else {
      stmt(db, `UPDATE conversations SET updated_at = ${NOW} WHERE id = ?`).run(id);
    }
    stmt(db, "INSERT INTO messages (id, conversation_id, role, text) VALUES (?, ?, 'user', ?)").run(randomUUID(), id, text);
    return id;
  });
  const listConversations = db.transaction((filter: ConversationFilter, limit: number, offset: number) => ({
    conversations: conversationRows(filter, limit, offset),
    total: countConversations(filter),
  }));
  const exportMessages = db.transaction((filter: ConversationFilter) => {
    const ids = conversationRows(filter, 100_000, 0).map((c) => c.id);
    return (
      stmt(
        db,
        `SELECT c.id AS conversation, m.created_at, m.role, m.text, m.sources, m.status, m.model, m.prompt_tokens, m.completion_tokens, m.cost, m.latency_ms, m.feedback
      FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.id IN (SELECT value FROM json_each(?)) ORDER BY c.created_at, m.created_at, m.rowid`,
      ).all(JSON.stringify(ids)) as Array<Omit<ExportedMessage, 'sources'> & { sources: string }>
    ).map((r) => ({ ...r, sources: JSON.parse(r.sources) as SourceLink[] }));
  });
  const conversationDetail = db.transaction((id: string): ConversationDetail | null => {
    const conversation = stmt(db, 'SELECT id, created_at AS createdAt, origin, channel FROM conversations WHERE id = ?').get(id) as
      | ConversationDetail['conversation']
      | undefined;
    if (!conversation) return null;
    const messages = (
      stmt(
        db,
        `SELECT id, role, text, sources, retrieved, status, error, model, prompt_tokens AS promptTokens, completion_tokens AS completionTokens,
      reasoning_tokens AS reasoningTokens, cost, latency_ms AS latencyMs, first_token_ms AS firstTokenMs, feedback, created_at AS createdAt,
      qa_document_id IS NOT NULL AS qaAnswer, improved_at AS improvedAt, improved_qa_id AS improvedQaId
      FROM messages WHERE conversation_id = ? ORDER BY created_at, rowid`,
      ).all(id) as Array<Record<string, any>>
    ).map((m) => ({ ...m, qaAnswer: m.qaAnswer === 1, sources: JSON.parse(m.sources), retrieved: JSON.parse(m.retrieved) })) as ConversationDetail['messages'];
    return { conversation, messages };
  });
  const messageRole = db.transaction((conversationId: string, messageId: string) => {
    const role = stmt(db, 'SELECT role FROM messages WHERE id = ? AND conversation_id = ?').pluck().get(messageId, conversationId) as
      | 'user'
      | 'assistant'
      | undefined;
    if (role) return role;
    return stmt(db, 'SELECT 1 FROM conversations WHERE id = ?').get(conversationId) ? ('no_message' as const) : ('no_conversation' as const);
  });

  return {
    async latestWidgetVisit(ownOrigin) {
      const row = stmt(
        db,
        "SELECT origin, created_at AS at FROM conversations WHERE channel = 'widget' AND origin IS NOT NULL AND origin != ? ORDER BY created_at DESC LIMIT 1",
      ).get(ownOrigin) as { origin: string; at: string } | undefined;
      return row ?? null;
    },

    async visitorHasConversation(conversationId, visitorHash) {
      return stmt(db, 'SELECT 1 FROM conversations WHERE id = ? AND visitor_hash = ?').get(conversationId, visitorHash) !== undefined;
    },
    async countQuestions(conversationId) {
      return stmt(db, "SELECT count(*) FROM messages WHERE conversation_id = ? AND role = 'user'").pluck().get(conversationId) as number;
    },
    async turns(conversationId) {
      return (
        stmt(
          db,
          'SELECT id, role, text, sources, feedback, status, created_at AS createdAt FROM messages WHERE conversation_id = ? ORDER BY created_at, rowid',
        ).all(conversationId) as Array<Omit<TurnRecord, 'sources'> & { sources: string }>
      ).map((m) => ({ ...m, sources: JSON.parse(m.sources) as SourceLink[] }));
    },
    async addQuestion(conversationId, text, start) {
      return addQuestion(conversationId, text, start);
    },
    async addAnswer(r: AssistantRecord) {
      try {
        stmt(
          db,
          `INSERT INTO messages (id, conversation_id, role, text, sources, retrieved, status, error, model, prompt_tokens, completion_tokens,
        reasoning_tokens, cost, latency_ms, first_token_ms, qa_document_id) VALUES (?, ?, 'assistant', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
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
        );
        return true;
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return false;
        throw err;
      }
    },
    async unansweredConversations(fromIso, toIso, limit) {
      return stmt(
        db,
        `SELECT m.conversation_id FROM messages m WHERE m.role = 'user' AND m.created_at >= ? AND m.created_at < ?
          AND NOT EXISTS (SELECT 1 FROM messages a WHERE a.conversation_id = m.conversation_id AND a.rowid > m.rowid)
        ORDER BY m.created_at LIMIT ?`,
      )
        .pluck()
        .all(fromIso, toIso, limit) as string[];
    },
    async setFeedback(messageId, visitorHash, value) {
      return (
        stmt(
          db,
          `UPDATE messages SET feedback = ? WHERE id = ? AND role = 'assistant'
    AND conversation_id IN (SELECT id FROM conversations WHERE visitor_hash = ?)`,
        ).run(value, messageId, visitorHash).changes === 1
      );
    },
    async deleteInactiveSince(beforeIso) {
      return stmt(db, 'DELETE FROM conversations WHERE updated_at < ?').run(beforeIso).changes;
    },

    async listConversations(filter, limit, offset) {
      return listConversations(filter, limit, offset);
    },
    async exportMessages(filter) {
      return exportMessages(filter);
    },
    async conversationDetail(conversationId) {
      return conversationDetail(conversationId);
    },
    async isPlaygroundConversation(conversationId) {
      return stmt(db, "SELECT 1 FROM conversations WHERE id = ? AND channel = 'playground'").get(conversationId) !== undefined;
    },
    async messageRole(conversationId, messageId) {
      return messageRole(conversationId, messageId);
    },
    async markImproved(messageId, improvedAt, qaDocumentId) {
      stmt(db, 'UPDATE messages SET improved_at = ?, improved_qa_id = ? WHERE id = ?').run(improvedAt, qaDocumentId, messageId);
    },
    async deleteConversation(conversationId) {
      return stmt(db, 'DELETE FROM conversations WHERE id = ?').run(conversationId).changes > 0;
    },
    async firstWidgetConversationSince(visitorHash, sinceIso) {
      return (
        (stmt(
          db,
          `SELECT id FROM conversations WHERE visitor_hash = ? AND channel = 'widget' AND created_at >= ?
    ORDER BY created_at LIMIT 1`,
        )
          .pluck()
          .get(visitorHash, sinceIso) as string | undefined) ?? null
      );
    },
    async transcript(conversationId) {
      return stmt(db, 'SELECT role, text, status, created_at AS createdAt FROM messages WHERE conversation_id = ? ORDER BY created_at, rowid').all(
        conversationId,
      ) as Awaited<ReturnType<ChatStore['transcript']>>;
    },
    async widgetAnswerCounts(fromIso, toIso) {
      return stmt(
        db,
        `SELECT count(*) AS total, coalesce(sum(m.status = 'complete'), 0) AS answered,
      coalesce(sum(m.feedback = 'up'), 0) AS thumbsUp, coalesce(sum(m.feedback = 'down'), 0) AS thumbsDown
    FROM messages m JOIN conversations c ON c.id = m.conversation_id
    WHERE m.role = 'assistant' AND m.status <> 'stopped' AND c.channel = 'widget' AND m.created_at >= ? AND m.created_at < ?`,
      ).get(fromIso, toIso) as { total: number; answered: number; thumbsUp: number; thumbsDown: number };
    },

    async raiseAlert(kind, message) {
      return stmt(
        db,
        `INSERT INTO alerts (kind, message) VALUES (?, ?)
    ON CONFLICT (kind) WHERE resolved_at IS NULL DO UPDATE SET count = count + 1, message = excluded.message, last_at = ${NOW}
    RETURNING id, count`,
      ).get(kind, message) as { id: number; count: number };
    },
    async resolveAlert(kind) {
      stmt(db, `UPDATE alerts SET resolved_at = ${NOW} WHERE resolved_at IS NULL AND kind = ?`).run(kind);
    },
    async resolveProviderAlerts() {
      stmt(
        db,
        `UPDATE alerts SET resolved_at = ${NOW} WHERE resolved_at IS NULL AND kind <> 'low_balance' AND kind NOT LIKE 'notification\\_%' ESCAPE '\\'`,
      ).run();
    },
    async openAlerts() {
      return stmt(
        db,
        'SELECT id, kind, message, count, first_at AS firstAt, last_at AS lastAt FROM alerts WHERE resolved_at IS NULL ORDER BY last_at DESC',
      ).all() as Awaited<ReturnType<ChatStore['openAlerts']>>;
    },
    async dismissAlert(id) {
      return stmt(db, `UPDATE alerts SET resolved_at = ${NOW} WHERE id = ? AND resolved_at IS NULL`).run(id).changes === 1;
    },
  };
}
