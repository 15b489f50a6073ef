// The one retrieval function, used by chat and by "Test retrieval": hybrid search (vectors + FTS5
// keywords) fused by reciprocal rank, filtered by the admin's minimum match. A follow-up question also searches
// with the previous user turn (same embedding call), fused so that it adds to the question's own results.
import { createHash } from 'node:crypto';
import type { KnowledgeStore } from '../stores/knowledge-store.js';
import type { VectorIndex, VectorStore } from '../stores/vector-store.js';
import { embedBatch, type EmbedderFor } from '../vectors/embedder.js';

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
  /** Which search found it: the question's own, or the one with the previous turn (its ranks and match are that search's). */
  foundBy: SearchedQuery['kind'];
}

export interface RetrievalDeps {
  knowledge: KnowledgeStore;
  vectors: VectorStore;
  embedderFor: EmbedderFor;
  signal?: AbortSignal;
}
export interface RetrievalResult {
  chunks: RetrievedChunk[];
  model: string | null;
  /** The searches that ran, the question's own first. */
  queries: SearchedQuery[];
  /** The question's own vector (null before the first training), and the chunks its search considered. */
  questionVector: Float32Array | null;
  candidateIds: number[];
  queryTokens: number;
  queryCost: number | null;
  embedMs: number;
  searchMs: number;
}

const RRF_K = 60;
const STOPWORDS = new Set(
  'a an and are as at be by can do does for from how i in is it me my of on or our the this to we what when where which who why will with you your'.split(' '),
);

/** The words of a question a keyword search looks for (any may match): lowercased, no stopwords, at most 24. */
export function keywordsOf(question: string): string[] {
  const words = (question.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? []).filter((w) => !STOPWORDS.has(w));
  return [...new Set(words)].slice(0, 24);
}

/** The key a question's (or a Q&A entry's question's) vector is cached under: the same text, the same vector. */
export const queryHash = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * What a search ran on: the question alone, the question with the previous user turn (a follow-up such as "And
 * how much is it?" then finds what its subject points at), or the model's standalone rewrite of a follow-up.
 */
export interface SearchedQuery {
  text: string;
  kind: 'question' | 'with-previous' | 'rewritten';
}

/**
 * The queries' vectors: from the cache when asked before, the rest in ONE embedding call (an input array). When
 * that call fails but the question alone was cached, the search goes on with the question alone: a question
 * asked before still finds its answer while the embedding service is down.
 */
async function embedQueries(
  deps: RetrievalDeps,
  index: VectorIndex,
  texts: string[],
): Promise<{ vectors: Array<Float32Array | null>; tokens: number; cost: number | null }> {
  const hashes = texts.map(queryHash);
  const cached = await deps.vectors.cachedVectors(index, hashes);
  const vectors = hashes.map((hash) => cached.get(hash) ?? null);
  const missing = texts.flatMap((text, i) => (vectors[i] ? [] : [i]));
  if (missing.length === 0) return { vectors, tokens: 0, cost: 0 };
  const { client, provider, onOutcome } = await deps.embedderFor(index);
  try {
    const result = await embedBatch(
      client,
      missing.map((i) => texts[i]),
      {
        provider,
        onOutcome,
        model: index.model,
        expectedDimensions: index.dimensions,
        signal: deps.signal,
      },
    );
    missing.forEach((i, n) => {
      vectors[i] = result.vectors[n];
    });
    await deps.vectors.cacheVectors(
      index,
      missing.map((i, n) => ({ textHash: hashes[i], vector: result.vectors[n] })),
    );
    return { vectors, tokens: result.tokens, cost: result.cost };
  } catch (err) {
    if (vectors[0] && !deps.signal?.aborted) return { vectors, tokens: 0, cost: 0 };
    throw err;
  }
}

export interface RetrieveOptions {
  topK: number;
  minMatch: number;
  /** The conversation's previous user turn: a second search runs on it together with the question. */
  previousQuestion?: string | null;
  /** The question is the model's standalone rewrite of a follow-up (shown as such in the Playground). */
  rewritten?: boolean;
}

interface Run {
  query: SearchedQuery;
  vectorRank: Map<number, number>;
  keywordRank: Map<number, number>;
  similarity: Map<number, number>;
}

/**
 * The keyword half of a hybrid search, started before the query is embedded: it needs no vector, so it runs while the
 * embedding is looked up or fetched (a round trip to the database or to the provider) instead of after it.
 */
function keywordHits(deps: RetrievalDeps, query: SearchedQuery, topK: number): Promise<number[]> {
  // Fusion needs the head of each ranking: more keyword hits (cheap) than vector hits (see search).
  const hits = deps.knowledge.keywordSearch(keywordsOf(query.text), Math.max(topK * 4, 24));
  hits.catch(() => {}); // awaited later, or not at all when the embedding fails first
  return hits;
}

/** One hybrid search: vector hits and keyword hits, each with its exact similarity to the query's vector. */
async function search(
  deps: RetrievalDeps,
  index: VectorIndex,
  query: SearchedQuery,
  vector: Float32Array,
  topK: number,
  keywords: Promise<number[]>,
): Promise<Run> {
  const { vectors } = deps;
  // A few vector hits: each costs oversampled rescoring.
  const vectorPool = Math.max(topK * 2, 12);
  const vectorHits = await vectors.search(index, vector, vectorPool);
  const keywordIds = await keywords;
  const similarity = new Map(vectorHits.map((h) => [h.chunkId, h.similarity]));
  // Keyword-only hits get their exact similarity too; chunks without a vector in this index (not yet
  // trained, or a disabled source) get none and drop out.
  for (const [id, sim] of await vectors.similarities(
    index,
    vector,
    keywordIds.filter((id) => !similarity.has(id)),
  ))
    similarity.set(id, sim);
  return {
    query,
    similarity,
    vectorRank: new Map(vectorHits.map((h, i) => [h.chunkId, i + 1])),
    keywordRank: new Map(keywordIds.map((id, i) => [id, i + 1])),
  };
}

const rrf = (run: Run, id: number) =>
  (run.vectorRank.has(id) ? 1 / (RRF_K + run.vectorRank.get(id)!) : 0) + (run.keywordRank.has(id) ? 1 / (RRF_K + run.keywordRank.get(id)!) : 0);

/** Searches that start again after an index swap, at most: a swap takes a whole rebuild, so one is plenty. */
const SWAP_RETRIES = 2;

/**
 * The search on the active index. A rebuild's swap (on any node) may drop the index a search read while it runs:
 * its key and vectors go with it, so the search would fail or come back empty. Such a search runs again on the
 * index swapped in (the old or the new index answers, never neither); its embedding is counted in the cost.
 */
export async function retrieve(deps: RetrievalDeps, question: string, options: RetrieveOptions): Promise<RetrievalResult> {
  let spent = { tokens: 0, cost: 0 as number | null };
  for (let attempt = 0; ; attempt++) {
    const index = await deps.vectors.activeIndex();
    const swapped = async () => attempt < SWAP_RETRIES && index !== null && !deps.signal?.aborted && (await deps.vectors.activeIndex())?.id !== index.id;
    let result: RetrievalResult;
    try {
      result = await retrieveFrom(deps, index, question, options);
    } catch (err) {
      if (await swapped()) continue;
      throw err;
    }
    if (index?.dimensions && (await swapped())) {
      spent = { tokens: spent.tokens + result.queryTokens, cost: spent.cost === null || result.queryCost === null ? null : spent.cost + result.queryCost };
      continue;
    }
    if (spent.tokens === 0) return result;
    return {
      ...result,
      queryTokens: result.queryTokens + spent.tokens,
      queryCost: result.queryCost === null || spent.cost === null ? null : result.queryCost + spent.cost,
    };
  }
}

async function retrieveFrom(deps: RetrievalDeps, index: VectorIndex | null, question: string, options: RetrieveOptions): Promise<RetrievalResult> {
  const queries: SearchedQuery[] = [{ text: question, kind: options.rewritten ? 'rewritten' : 'question' }];
  const previous = options.previousQuestion?.trim();
  if (previous && !options.rewritten) queries.push({ text: `${previous}\n${question}`, kind: 'with-previous' });
  if (!index?.dimensions)
    return {
      chunks: [],
      model: index?.model ?? null,
      queries: queries.slice(0, 1),
      questionVector: null,
      candidateIds: [],
      queryTokens: 0,
      queryCost: null,
      embedMs: 0,
      searchMs: 0,
    };
  const t0 = performance.now();
  const keywords = queries.map((query) => keywordHits(deps, query, options.topK));
  const embedded = await embedQueries(
    deps,
    index,
    queries.map((q) => q.text),
  );
  const t1 = performance.now();
  const runs: Run[] = [];
  for (const [i, query] of queries.entries())
    if (embedded.vectors[i]) runs.push(await search(deps, index, query, embedded.vectors[i]!, options.topK, keywords[i]));
  const [own, contextual] = runs as [Run, Run | undefined];
  const passes = (run: Run, id: number) => run.similarity.has(id) && run.similarity.get(id)! * 100 >= options.minMatch;

  // Fusion. What the question alone finds keeps its reciprocal-rank score, exactly as a first question's. The
  // search with the previous turn only adds chunks the question alone did not find (so a change of subject keeps
  // its own results on top), each weighted by its evidence: its similarity to that search against the best the
  // question alone reached. A follow-up whose own words find nothing takes the contextual results at full weight;
  // a question that stands on its own pushes the old subject's chunks down.
  const fused = new Map<number, { run: Run; score: number }>();
  for (const id of new Set([...own.vectorRank.keys(), ...own.keywordRank.keys()])) if (passes(own, id)) fused.set(id, { run: own, score: rrf(own, id) });
  if (contextual) {
    const best = Math.max(0, ...[...fused.keys()].map((id) => own.similarity.get(id)!));
    for (const id of new Set([...contextual.vectorRank.keys(), ...contextual.keywordRank.keys()])) {
      if (fused.has(id) || !passes(contextual, id)) continue;
      const sim = contextual.similarity.get(id)!;
      fused.set(id, { run: contextual, score: rrf(contextual, id) * (sim / (sim + best)) });
    }
  }

  const passing = [...fused.entries()].sort((a, b) => b[1].score - a[1].score).slice(0, options.topK);
  const ids = passing.map(([id]) => id);
  const rows = new Map((await deps.knowledge.enabledChunks(ids)).map((r) => [r.chunkId, r]));
  const chunks = passing
    .filter(([id]) => rows.has(id))
    .map(([id, f]) => {
      const { chunkId, documentId, title, url, headingPath, content, tokens } = rows.get(id)!;
      return {
        chunkId,
        documentId,
        title,
        url,
        headingPath,
        content,
        tokens,
        matchPercent: Math.round(f.run.similarity.get(id)! * 1000) / 10,
        vectorRank: f.run.vectorRank.get(id) ?? null,
        keywordRank: f.run.keywordRank.get(id) ?? null,
        score: f.score,
        foundBy: f.run.query.kind,
      };
    });
  return {
    chunks,
    model: index.model,
    queries: runs.map((r) => r.query),
    questionVector: embedded.vectors[0],
    candidateIds: [...new Set([...own.vectorRank.keys(), ...own.keywordRank.keys()])],
    queryTokens: embedded.tokens,
    queryCost: embedded.cost,
    embedMs: t1 - t0,
    searchMs: performance.now() - t1,
  };
}
