// The Dashboard's insights on PostgreSQL: reads the rollups of migrations/postgres/014 (kept by PL/pgSQL triggers as
// messages are stored), never the message log itself. "Trained" means a row in index_vectors for the active index.
import type { AnswerDay, DayRange, DocumentRow, InsightStore, QuestionRow } from '../insight-store.js';
import { type Pool, type Queryable, row, rows, snapshot } from './database.js';

interface ActiveIndex {
  id: number;
  endpoint: string;
  model: string;
  dimensions: number | null;
}

const activeIndex = (db: Queryable) => row<ActiveIndex>(db, "SELECT id, endpoint, model, dimensions FROM vector_indexes WHERE status = 'active'");

/** A cached float vector (little-endian float32s, as both backends store them), copied into its own memory. */
function toVector(bytes: Buffer): Float32Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

export function postgresInsightStore(pool: Pool): InsightStore {
  return {
    async answersByDay(range: DayRange) {
      return rows<AnswerDay>(
        pool,
        `SELECT day, answers, answered, thumbs_up AS "thumbsUp", thumbs_down AS "thumbsDown" FROM insight_days
        WHERE day BETWEEN $1 AND $2 ORDER BY day`,
        [range.from, range.to],
      );
    },

    async questionRows(range, limit) {
      // One grouping of question_days for both lists, as in SQLite's store.
      const found = await rows<QuestionRow & { list: 'top' | 'unanswered' }>(
        pool,
        `WITH grouped AS MATERIALIZED (
          SELECT question_id, sum(asked) AS asked, sum(answered) AS answered, sum(unanswered) AS unanswered, sum(thumbs_down) AS "thumbsDown"
          FROM question_days WHERE day BETWEEN $1 AND $2 GROUP BY question_id),
        chosen AS (
          (SELECT 'top' AS list, * FROM grouped ORDER BY asked DESC, question_id LIMIT $3)
          UNION ALL
          (SELECT 'unanswered' AS list, * FROM grouped WHERE unanswered > 0 ORDER BY unanswered DESC, asked DESC, question_id LIMIT $3))
        SELECT c.list, q.text AS question, c.asked, c.answered, c.unanswered, c."thumbsDown",
          q.conversation_id AS "conversationId", q.unanswered_conversation_id AS "unansweredConversationId"
        FROM chosen c JOIN questions q ON q.id = c.question_id`,
        [range.from, range.to, limit],
      );
      const strip = ({ list: _, ...r }: QuestionRow & { list: string }): QuestionRow => r;
      // Ordered in JS, as SQLite's store does: the text's order is code-point order whatever the database's collation.
      const byAsked = (a: QuestionRow, b: QuestionRow) => b.asked - a.asked || (a.question < b.question ? -1 : 1);
      return {
        top: found
          .filter((r) => r.list === 'top')
          .map(strip)
          .sort(byAsked),
        unanswered: found
          .filter((r) => r.list === 'unanswered')
          .map(strip)
          .sort((a, b) => b.unanswered - a.unanswered || byAsked(a, b)),
      };
    },

    async existingConversations(ids) {
      if (!ids.length) return new Set();
      return new Set((await rows<{ id: string }>(pool, 'SELECT id FROM conversations WHERE id = ANY($1::text[])', [ids])).map((r) => r.id));
    },

    async questionVectors(hashes) {
      return snapshot(pool, async (db) => {
        const index = await activeIndex(db);
        if (!index?.dimensions) return null;
        if (!hashes.length) return [];
        const cached = await rows<{ textHash: string; vector: Buffer }>(
          db,
          `SELECT text_hash AS "textHash", vector FROM embedding_cache WHERE endpoint = $1 AND model = $2 AND text_hash = ANY($3::text[])`,
          [index.endpoint, index.model, hashes],
        );
        const byHash = new Map(cached.map((c) => [c.textHash, c.vector]));
        return hashes.map((hash) => {
          const bytes = byHash.get(hash);
          return bytes ? toVector(bytes) : null;
        });
      });
    },

    async mostUsedDocuments(range, limit) {
      // Titles in code-point order (COLLATE "C"), as SQLite's binary collation orders them.
      return rows<DocumentRow & { answers: number }>(
        pool,
        `SELECT u.document_id AS "documentId", d.title, d.url, s.name AS source, u.answers
        FROM (SELECT document_id, sum(answers) AS answers FROM document_use_days WHERE day BETWEEN $1 AND $2
          GROUP BY document_id ORDER BY answers DESC, document_id LIMIT $3) u
        JOIN documents d ON d.id = u.document_id JOIN sources s ON s.id = d.source_id
        ORDER BY u.answers DESC, d.title COLLATE "C", d.id`,
        [range.from, range.to, limit],
      );
    },

    async unusedDocuments(range, limit) {
      return snapshot(pool, async (db) => {
        const index = await activeIndex(db);
        if (!index?.dimensions) return { total: 0, documents: [] };
        const where = `WHERE EXISTS (SELECT 1 FROM chunks c JOIN index_vectors v ON v.index_id = $1 AND v.chunk_id = c.id WHERE c.document_id = d.id)
          AND NOT EXISTS (SELECT 1 FROM document_use_days u WHERE u.document_id = d.id AND u.day BETWEEN $2 AND $3)`;
        const documents = await rows<DocumentRow>(
          db,
          `SELECT d.id AS "documentId", d.title, d.url, s.name AS source FROM documents d JOIN sources s ON s.id = d.source_id
          ${where} ORDER BY d.updated_at, d.id LIMIT $4`,
          [index.id, range.from, range.to, limit],
        );
        const total =
          documents.length < limit
            ? documents.length
            : ((await row<{ n: number }>(db, `SELECT count(*) AS n FROM documents d ${where}`, [index.id, range.from, range.to]))?.n ?? 0);
        return { total, documents };
      });
    },
  };
}
