// Conversations and messages as stored for the admin (and for the visitor's own history).
import { randomUUID } from 'node:crypto';
import { stmt, type Db } from '../stores/sqlite/database.js';
import type { Turn } from './prompt.js';

export interface SourceLink {
  title: string;
  url: string | null;
}
export type MessageStatus = 'complete' | 'stopped' | 'error' | 'no_answer' | 'links_only';

export function findConversation(db: Db, id: string, visitorHash: string): { id: string } | null {
  return (stmt(db, 'SELECT id FROM conversations WHERE id = ? AND visitor_hash = ?').get(id, visitorHash) as { id: string } | undefined) ?? null;
}

export function countMessages(db: Db, conversationId: string): number {
  return stmt(db, "SELECT count(*) FROM messages WHERE conversation_id = ? AND role = 'user'").pluck().get(conversationId) as number;
}

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

/** The turns a prompt repeats: answered ones (a stopped answer keeps what was said). */
export function promptTurns(rows: TurnRecord[]): Turn[] {
  return rows.filter((m) => m.text !== '' && (m.status === 'complete' || m.status === 'stopped')).map((m) => ({ role: m.role, text: m.text }));
}

/**
 * What the visitor sees after a reload. A turn that failed (error, links only, or stopped before any
 * text) is left out with its question: the visitor saw the failure live and may have asked again.
 */
export function visibleTurns(rows: TurnRecord[]) {
  const failed = (m: TurnRecord) => m.role === 'assistant' && (m.status === 'error' || m.status === 'links_only' || m.text === '');
  return (
    rows
      .filter((m, i) => !failed(m) && !(m.role === 'user' && rows[i + 1] && failed(rows[i + 1])))
      // answered: false marks an "I don't know", so a restored one offers the contact and Talk to a person again.
      .map((m) => ({
        id: m.id,
        role: m.role,
        text: m.text,
        sources: m.sources,
        feedback: m.feedback,
        answered: m.status !== 'no_answer',
        createdAt: m.createdAt,
      }))
  );
}

function storedTurns(db: Db, conversationId: string): TurnRecord[] {
  return (
    stmt(
      db,
      `SELECT id, role, text, sources, feedback, status, created_at AS createdAt FROM messages WHERE conversation_id = ? ORDER BY created_at, rowid`,
    ).all(conversationId) as Array<Omit<TurnRecord, 'sources'> & { sources: string }>
  ).map((m) => ({ ...m, sources: JSON.parse(m.sources) as SourceLink[] }));
}

/** The stored conversation's earlier turns, for the prompt. */
export function history(db: Db, conversationId: string): Turn[] {
  return promptTurns(storedTurns(db, conversationId));
}

export function visitorHistory(db: Db, conversationId: string) {
  return visibleTurns(storedTurns(db, conversationId));
}

export interface NewConversation {
  visitorHash: string;
  origin: string | null;
  channel: 'widget' | 'playground';
}

/** Stores a question, in a new conversation when `conversationId` is null; returns the conversation's id. */
export function addQuestion(db: Db, conversationId: string | null, text: string, start: NewConversation): string {
  return db.transaction(() => {
    const id = conversationId ?? randomUUID();
    if (conversationId === null) {
      stmt(db, 'INSERT INTO conversations (id, visitor_hash, origin, channel) VALUES (?, ?, ?, ?)').run(id, start.visitorHash, start.origin, start.channel);
    } else {
      stmt(db, "UPDATE conversations SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?").run(id);
    }
    stmt(db, "INSERT INTO messages (id, conversation_id, role, text) VALUES (?, ?, 'user', ?)").run(randomUUID(), id, text);
    return id;
  })();
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

export function addAssistantMessage(db: Db, r: AssistantRecord): void {
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
}

export function setFeedback(db: Db, messageId: string, visitorHash: string, value: 'up' | 'down' | null): boolean {
  return (
    stmt(
      db,
      `UPDATE messages SET feedback = ? WHERE id = ? AND role = 'assistant'
    AND conversation_id IN (SELECT id FROM conversations WHERE visitor_hash = ?)`,
    ).run(value, messageId, visitorHash).changes === 1
  );
}

/** Deletes conversations older than `days` (retention); returns how many. */
export function deleteOlderThan(db: Db, days: number, now = Date.now()): number {
  if (days <= 0) return 0;
  return stmt(db, 'DELETE FROM conversations WHERE updated_at < ?').run(new Date(now - days * 86_400_000).toISOString()).changes;
}
