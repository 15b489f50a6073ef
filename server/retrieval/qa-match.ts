// Q&A entries answered word for word: a visitor's question is compared with each candidate entry's question
// (embedded on its own when the entry is trained, cached under the same key a visitor's question is), not with
// the entry's chunk, which holds the answer too and would never reach a high match.
import { stmt, type Db } from '../stores/sqlite/database.js';
import { cachedVector, type VectorIndex } from '../vectors/vector-index.js';
import { queryHash } from './retrieve.js';

/** A Q&A entry the admin wrote. */
export interface QaAnswer {
  question: string;
  answer: string;
}
export interface QaMatch extends QaAnswer {
  documentId: number;
  matchPercent: number;
}

/** A Q&A document's answer: its content is "# <question>\n\n<answer>" (see the text route). */
export function qaAnswer(row: { title: string; content: string }): QaAnswer {
  const prefix = `# ${row.title}\n\n`;
  return { question: row.title, answer: row.content.startsWith(prefix) ? row.content.slice(prefix.length) : row.content };
}

/** The text embedded for a Q&A entry's question: its question, as a visitor would type it. */
export const qaQuestionText = (question: string) => question.trim();

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/**
 * The Q&A entry whose question is most like the visitor's, among the entries the search considered (any chunk of
 * theirs in the question's vector or keyword hits): a question close to an entry's always puts that entry's chunk
 * there, and the check stays a handful of cached vectors whatever the size of the knowledge base.
 */
export function bestQaMatch(db: Db, index: VectorIndex, questionVector: Float32Array, candidateChunkIds: number[]): QaMatch | null {
  if (candidateChunkIds.length === 0) return null;
  const rows = stmt(
    db,
    `SELECT DISTINCT d.id, d.title, d.content FROM chunks c JOIN documents d ON d.id = c.document_id JOIN sources s ON s.id = d.source_id
    WHERE s.enabled = 1 AND d.kind = 'qa' AND c.id IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(candidateChunkIds)) as Array<{ id: number; title: string; content: string }>;
  let best: QaMatch | null = null;
  for (const row of rows) {
    const vector = cachedVector(db, index, queryHash(qaQuestionText(row.title)));
    if (!vector || vector.length !== questionVector.length) continue;
    const matchPercent = Math.round(cosine(vector, questionVector) * 1000) / 10;
    if (!best || matchPercent > best.matchPercent) best = { documentId: row.id, ...qaAnswer(row), matchPercent };
  }
  return best;
}

const normalised = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/**
 * A Q&A entry whose question is the visitor's, word for word (case and punctuation aside): what can be matched
 * without any API call, when no key is saved or the question cannot be embedded.
 */
export function exactQaMatch(db: Db, question: string): QaMatch | null {
  const wanted = normalised(question);
  if (!wanted) return null;
  // Q&A entries are few next to pages: the scan reads only their titles.
  const rows = stmt(
    db,
    `SELECT d.id, d.title, d.content FROM documents d JOIN sources s ON s.id = d.source_id
    WHERE s.enabled = 1 AND d.kind = 'qa' AND length(d.title) <= ?`,
  ).all(question.length + 20) as Array<{ id: number; title: string; content: string }>;
  const row = rows.find((r) => normalised(r.title) === wanted);
  return row ? { documentId: row.id, ...qaAnswer(row), matchPercent: 100 } : null;
}

/** Q&A entries of enabled sources whose question has no vector in `index` yet (training embeds them). */
export function qaQuestionsMissingVectors(db: Db, index: VectorIndex): Array<{ hash: string; text: string }> {
  const questions = new Map<string, string>();
  for (const title of stmt(db, `SELECT d.title FROM documents d JOIN sources s ON s.id = d.source_id WHERE s.enabled = 1 AND d.kind = 'qa'`)
    .pluck()
    .all() as string[]) {
    const text = qaQuestionText(title);
    questions.set(queryHash(text), text);
  }
  if (questions.size === 0) return [];
  const cached = new Set(
    stmt(db, 'SELECT text_hash FROM embedding_cache WHERE endpoint = ? AND model = ? AND text_hash IN (SELECT value FROM json_each(?))')
      .pluck()
      .all(index.endpoint, index.model, JSON.stringify([...questions.keys()])) as string[],
  );
  return [...questions].filter(([hash]) => !cached.has(hash)).map(([hash, text]) => ({ hash, text }));
}
