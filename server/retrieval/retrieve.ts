// The one retrieval function, used by chat and by "Test retrieval": hybrid search (vectors + FTS5
// keywords) fused by reciprocal rank, filtered by the admin's minimum match.
import { createHash } from 'node:crypto';
import type OpenAI from 'openai';
import { stmt, type Db } from '../db/database.js';
import type { Provider } from '../settings/api-settings.js';
import { embedBatch } from '../training/embedder.js';
import type { KeyOutcomeReport } from '../openrouter/key-status.js';
import { activeIndex, cachedVector, cacheVector, searchVectors, similarities, type VectorIndex } from '../training/vector-index.js';

export interface RetrievedChunk {
  chunkId: number;
  documentId: number;
  title: string;
  url: string | null;
  headingPath: string;
  content: string;
  /** The chunk's size in tokens, as counted when it was stored. */
  tokens: number;
  /** Cosine similarity to the question, 0–100. */
  matchPercent: number;
  vectorRank: number | null;
  keywordRank: number | null;
  /** Reciprocal-rank-fusion score: the order of the results. */
  score: number;
}

export interface RetrieveOptions { topK: number; minMatch: number }
/** How to reach the service that embeds questions for an index: the one that embedded its chunks. */
export type EmbedderFor = (index: VectorIndex) => { client: OpenAI; provider: Provider; onOutcome?: KeyOutcomeReport };
export interface RetrievalDeps { db: Db; embedderFor: EmbedderFor; signal?: AbortSignal }
export interface RetrievalResult { chunks: RetrievedChunk[]; model: string | null; queryTokens: number; queryCost: number | null; embedMs: number; searchMs: number }

const RRF_K = 60;
const STOPWORDS = new Set('a an and are as at be by can do does for from how i in is it me my of on or our the this to we what when where which who why will with you your'.split(' '));

/** Keywords as an FTS5 query: each word quoted (no FTS syntax from visitors), any may match. */
export function keywordQuery(question: string): string | null {
  const words = (question.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? []).filter((w) => !STOPWORDS.has(w));
  const unique = [...new Set(words)].slice(0, 24);
  return unique.length ? unique.map((w) => `"${w}"`).join(' OR ') : null;
}

/** The question's vector: from the cache when asked before, else one embedding call. */
async function embedQuery(deps: RetrievalDeps, index: VectorIndex, question: string): Promise<{ vector: Float32Array; tokens: number; cost: number | null }> {
  const hash = createHash('sha256').update(question).digest('hex');
  const cached = cachedVector(deps.db, index, hash);
  if (cached) return { vector: cached, tokens: 0, cost: 0 };
  const { client, provider, onOutcome } = deps.embedderFor(index);
  const result = await embedBatch(client, [question], {
    provider, onOutcome, model: index.model, expectedDimensions: index.dimensions, signal: deps.signal,
  });
  cacheVector(deps.db, index, hash, result.vectors[0]);
  return { vector: result.vectors[0], tokens: result.tokens, cost: result.cost };
}

export async function retrieve(deps: RetrievalDeps, question: string, options: RetrieveOptions): Promise<RetrievalResult> {
  const { db } = deps;
  const index = activeIndex(db);
  if (!index?.dimensions) return { chunks: [], model: index?.model ?? null, queryTokens: 0, queryCost: null, embedMs: 0, searchMs: 0 };
  const t0 = performance.now();
  const query = await embedQuery(deps, index, question);
  const t1 = performance.now();
  // Fusion needs the head of each ranking: a few vector hits (each costs oversampled rescoring), more
  // keyword hits (cheap).
  const vectorPool = Math.max(options.topK * 2, 12);
  const pool = Math.max(options.topK * 4, 24);

  const vectorHits = searchVectors(db, index, query.vector, vectorPool);
  const fts = keywordQuery(question);
  const keywordIds = fts
    ? stmt(db, 'SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY bm25(chunks_fts) LIMIT ?').pluck().all(fts, pool) as number[]
    : [];

  const similarity = new Map(vectorHits.map((h) => [h.chunkId, h.similarity]));
  // Keyword-only hits get their exact similarity too; chunks without a vector in this index (not yet
  // trained, or a disabled source) get none and drop out.
  for (const [id, sim] of similarities(db, index, query.vector, keywordIds.filter((id) => !similarity.has(id)))) similarity.set(id, sim);

  const fused = new Map<number, { vectorRank: number | null; keywordRank: number | null; score: number }>();
  const add = (id: number, rank: number, kind: 'vectorRank' | 'keywordRank') => {
    const entry = fused.get(id) ?? { vectorRank: null, keywordRank: null, score: 0 };
    entry[kind] = rank;
    entry.score += 1 / (RRF_K + rank);
    fused.set(id, entry);
  };
  vectorHits.forEach((h, i) => add(h.chunkId, i + 1, 'vectorRank'));
  keywordIds.forEach((id, i) => add(id, i + 1, 'keywordRank'));

  const passing = [...fused.entries()]
    .filter(([id]) => similarity.has(id) && similarity.get(id)! * 100 >= options.minMatch)
    .sort((a, b) => b[1].score - a[1].score)
    .slice(0, options.topK);
  const ids = passing.map(([id]) => id);
  const rows = new Map((stmt(db, `SELECT c.id, c.document_id, c.content, c.heading_path, c.token_count, d.title, d.url FROM chunks c
    JOIN documents d ON d.id = c.document_id JOIN sources s ON s.id = d.source_id
    WHERE s.enabled = 1 AND c.id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as Array<Record<string, any>>).map((r) => [r.id as number, r]));
  const chunks = passing.filter(([id]) => rows.has(id)).map(([id, f]) => {
    const r = rows.get(id)!;
    return {
      chunkId: id, documentId: r.document_id, title: r.title, url: r.url, headingPath: r.heading_path, content: r.content, tokens: r.token_count,
      matchPercent: Math.round(similarity.get(id)! * 1000) / 10, vectorRank: f.vectorRank, keywordRank: f.keywordRank, score: f.score,
    };
  });
  return { chunks, model: index.model, queryTokens: query.tokens, queryCost: query.cost, embedMs: t1 - t0, searchMs: performance.now() - t1 };
}
