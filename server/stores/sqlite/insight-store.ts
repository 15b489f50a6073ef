// The SQL behind the Dashboard's insights. Reads the rollups of migration 014 (kept by triggers as messages are
// stored), never the message log itself.
import type { AnswerDay, DayRange, DocumentRow, InsightStore, QuestionRow } from '../insight-store.js';
import { activeIndex, cachedVector } from './vector-store.js';
import { stmt, type Db } from './database.js';

function answersByDay(db: Db, range: DayRange): AnswerDay[] {
  return stmt(
    db,
    `SELECT day, answers, answered, thumbs_up AS thumbsUp, thumbs_down AS thumbsDown FROM insight_days WHERE day BETWEEN ? AND ? ORDER BY day`,
  ).all(range.from, range.to) as AnswerDay[];
}

/**
 * The `limit` most asked distinct questions of the range and the `limit` most often unanswered ones, from one
 * grouping of question_days (a row per question and day, grouped along its primary key), with the latest
 * conversation that asked each and the latest where it went unanswered (both within the range when the question is).
 */
function questionRows(db: Db, range: DayRange, limit: number): { top: QuestionRow[]; unanswered: QuestionRow[] } {
  const rows = stmt(
    db,
    `WITH grouped AS MATERIALIZED (
      SELECT question_id, sum(asked) AS asked, sum(answered) AS answered, sum(unanswered) AS unanswered, sum(thumbs_down) AS thumbsDown
      FROM question_days WHERE day BETWEEN :from AND :to GROUP BY question_id),
    chosen AS (
      SELECT 'top' AS list, * FROM (SELECT * FROM grouped ORDER BY asked DESC, question_id LIMIT :limit)
      UNION ALL
      SELECT 'unanswered' AS list, * FROM (SELECT * FROM grouped WHERE unanswered > 0 ORDER BY unanswered DESC, asked DESC, question_id LIMIT :limit))
    SELECT c.list, q.text AS question, c.asked, c.answered, c.unanswered, c.thumbsDown,
      q.conversation_id AS conversationId, q.unanswered_conversation_id AS unansweredConversationId
    FROM chosen c JOIN questions q ON q.id = c.question_id`,
  ).all({ from: range.from, to: range.to, limit }) as Array<QuestionRow & { list: 'top' | 'unanswered' }>;
  const strip = ({ list: _, ...row }: QuestionRow & { list: string }): QuestionRow => row;
  const byAsked = (a: QuestionRow, b: QuestionRow) => b.asked - a.asked || (a.question < b.question ? -1 : 1);
  return {
    top: rows
      .filter((r) => r.list === 'top')
      .map(strip)
      .sort(byAsked),
    unanswered: rows
      .filter((r) => r.list === 'unanswered')
      .map(strip)
      .sort((a, b) => b.unanswered - a.unanswered || byAsked(a, b)),
  };
}

/** Of these conversation ids, the ones still stored (a link to a deleted one would lead nowhere). */
function existingConversations(db: Db, ids: string[]): Set<string> {
  if (!ids.length) return new Set();
  return new Set(stmt(db, 'SELECT id FROM conversations WHERE id IN (SELECT value FROM json_each(?))').pluck().all(JSON.stringify(ids)) as string[]);
}

/**
 * The vector each question was searched with, from the embedding cache of the active index (the chat caches a
 * question's vector under the SHA-256 of its text). Null for a question never embedded in that space.
 */
function questionVectors(db: Db, hashes: string[]): Array<Float32Array | null> | null {
  const index = activeIndex(db);
  if (!index?.dimensions) return null;
  return hashes.map((hash) => cachedVector(db, index, hash));
}

/** The documents complete answers drew on most in the range, with how many answers used each. */
function mostUsedDocuments(db: Db, range: DayRange, limit: number): Array<DocumentRow & { answers: number }> {
  return stmt(
    db,
    `SELECT u.document_id AS documentId, d.title, d.url, s.name AS source, u.answers
    FROM (SELECT document_id, sum(answers) AS answers FROM document_use_days WHERE day BETWEEN ? AND ? GROUP BY document_id ORDER BY answers DESC, document_id LIMIT ?) u
    JOIN documents d ON d.id = u.document_id JOIN sources s ON s.id = d.source_id ORDER BY u.answers DESC, d.title, d.id`,
  ).all(range.from, range.to, limit) as Array<DocumentRow & { answers: number }>;
}

/**
 * Trained documents (with at least one chunk in the active index) that no complete answer of the range used,
 * oldest first (the likeliest to be stale), `limit` of them, and how many there are.
 */
function unusedDocuments(db: Db, range: DayRange, limit: number): { total: number; documents: DocumentRow[] } {
  const index = activeIndex(db);
  if (!index?.dimensions) return { total: 0, documents: [] };
  const where = `WHERE EXISTS (SELECT 1 FROM chunks c WHERE c.document_id = d.id AND c.id IN (SELECT rowid FROM vec_index_${Number(index.id)}))
    AND NOT EXISTS (SELECT 1 FROM document_use_days u WHERE u.document_id = d.id AND u.day BETWEEN :from AND :to)`;
  const documents = stmt(
    db,
    `SELECT d.id AS documentId, d.title, d.url, s.name AS source FROM documents d JOIN sources s ON s.id = d.source_id
    ${where} ORDER BY d.updated_at, d.id LIMIT :limit`,
  ).all({ ...range, limit }) as DocumentRow[];
  const total = documents.length < limit ? documents.length : (stmt(db, `SELECT count(*) FROM documents d ${where}`).pluck().get(range) as number);
  return { total, documents };
}

export function sqliteInsightStore(db: Db): InsightStore {
  return {
    answersByDay: async (range) => answersByDay(db, range),
    questionRows: async (range, limit) => questionRows(db, range, limit),
    existingConversations: async (ids) => existingConversations(db, ids),
    questionVectors: async (hashes) => questionVectors(db, hashes),
    mostUsedDocuments: async (range, limit) => mostUsedDocuments(db, range, limit),
    unusedDocuments: async (range, limit) => unusedDocuments(db, range, limit),
  };
}
