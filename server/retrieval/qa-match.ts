// Q&A entries answered word for word: a visitor's question is compared with each candidate entry's question
// (embedded on its own when the entry is trained, cached under the same key a visitor's question is), not with
// the entry's chunk, which holds the answer too and would never reach a high match.
import type { VectorIndex, VectorStore } from '../stores/vector-store.js';
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
export async function bestQaMatch(
  vectors: VectorStore,
  index: VectorIndex,
  questionVector: Float32Array,
  candidateChunkIds: number[],
): Promise<QaMatch | null> {
  if (candidateChunkIds.length === 0) return null;
  const entries = await vectors.qaEntriesAmong(candidateChunkIds);
  if (entries.length === 0) return null;
  const hashOf = new Map(entries.map((e) => [e.documentId, queryHash(qaQuestionText(e.title))]));
  const cached = await vectors.cachedVectors(index, [...new Set(hashOf.values())]);
  let best: QaMatch | null = null;
  for (const entry of entries) {
    const vector = cached.get(hashOf.get(entry.documentId)!);
    if (!vector || vector.length !== questionVector.length) continue;
    const matchPercent = Math.round(cosine(vector, questionVector) * 1000) / 10;
    if (!best || matchPercent > best.matchPercent) best = { documentId: entry.documentId, ...qaAnswer(entry), matchPercent };
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
export async function exactQaMatch(vectors: VectorStore, question: string): Promise<QaMatch | null> {
  const wanted = normalised(question);
  if (!wanted) return null;
  const entries = await vectors.qaEntries(question.length + 20);
  const entry = entries.find((e) => normalised(e.title) === wanted);
  return entry ? { documentId: entry.documentId, ...qaAnswer(entry), matchPercent: 100 } : null;
}

/** Q&A entries of enabled sources whose question has no vector in `index` yet (training embeds them). */
export async function qaQuestionsMissingVectors(vectors: VectorStore, index: VectorIndex): Promise<Array<{ hash: string; text: string }>> {
  const questions = new Map<string, string>();
  for (const title of await vectors.qaQuestions()) {
    const text = qaQuestionText(title);
    questions.set(queryHash(text), text);
  }
  if (questions.size === 0) return [];
  const cached = await vectors.cachedHashes(index, [...questions.keys()]);
  return [...questions].filter(([hash]) => !cached.has(hash)).map(([hash, text]) => ({ hash, text }));
}
