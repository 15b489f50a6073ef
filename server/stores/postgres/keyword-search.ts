// Keyword search on PostgreSQL: chunks.search is a generated tsvector ('english': the Snowball stemmer, so
// "runs" finds "running") with a GIN index. Each word of a question becomes its own phrase query
// (phraseto_tsquery: a word is only ever text, never tsquery syntax), and any of them may match.
//
// Bounded as on SQLite (keyword-bounds.ts): each word's chunks are counted through the GIN index, LIMIT-ed to one
// more than the cap, so a word found in every chunk costs a capped count, not a scan; words over the cap are left
// out and the rarest are ranked up to the total. ts_rank has no notion of a word's rarity (bm25 has), so the
// score weighs each word by its inverse document frequency from those counts: Σ idf(word) × ts_rank(chunk, word).
// A rare word (a product name, an error code) then outweighs any number of frequent ones, as the interface
// promises.
import { boundedWords, type CountedWord, firstCountLimit, KEYWORD_RANKED_CHUNKS, KEYWORD_WORD_CHUNKS, wordsToCountFully } from '../keyword-bounds.js';
import { type Queryable, row, rows } from './database.js';

export { KEYWORD_RANKED_CHUNKS, KEYWORD_WORD_CHUNKS };

/** A word as a tsquery: its tokens stemmed as the index was, in order (a phrase), stopwords dropped. */
const wordQuery = (param: number) => `phraseto_tsquery('english', $${param})`;

/** Counts each word's chunks, up to `upTo` (one more means "past it"); a word of stopwords only is in none. */
async function countChunks(db: Queryable, words: string[], upTo: number): Promise<CountedWord[]> {
  if (words.length === 0) return [];
  return rows<CountedWord>(
    db,
    `SELECT w.word, CASE WHEN numnode(q) = 0 THEN 0 ELSE (SELECT count(*) FROM (SELECT 1 FROM chunks c WHERE c.search @@ q LIMIT $2) s) END AS chunks
    FROM unnest($1::text[]) WITH ORDINALITY AS w(word, n) CROSS JOIN LATERAL phraseto_tsquery('english', w.word) AS q ORDER BY w.n`,
    [words, upTo + 1],
  );
}

/** The words to rank with the number of chunks each is in, and how many chunks there are (at most). */
export interface RankedKeywords {
  words: CountedWord[];
  totalChunks: number;
}

/** The words a keyword search ranks (see above), rarest first. */
export async function rankedKeywords(db: Queryable, words: string[]): Promise<RankedKeywords> {
  // Chunk ids are distinct and positive: the largest bounds the count (an index-only lookup, not a count).
  const totalChunks = (await row<{ last: number }>(db, 'SELECT coalesce(max(id), 0) AS last FROM chunks'))!.last;
  if (totalChunks <= KEYWORD_WORD_CHUNKS) {
    // No word can be too common, nor the matches too many: every word found is ranked (counted for its weight).
    const counted = await countChunks(db, words, KEYWORD_WORD_CHUNKS);
    return { words: counted.filter((w) => w.chunks > 0).sort((a, b) => a.chunks - b.chunks), totalChunks };
  }
  const firstLimit = firstCountLimit(words.length);
  const first = await countChunks(db, words, firstLimit);
  const full = new Map((await countChunks(db, wordsToCountFully(first, firstLimit), KEYWORD_WORD_CHUNKS)).map((w) => [w.word, w.chunks]));
  return { words: boundedWords(first, firstLimit, full), totalChunks };
}

/** bm25's inverse document frequency (as SQLite's FTS5 computes it): rarer words weigh more. */
const idf = (chunks: number, total: number) => Math.log(1 + (Math.max(total, chunks) - chunks + 0.5) / (chunks + 0.5));

/**
 * SQL for chunks `c` matching any of the ranked words (`match`, a WHERE condition served by the GIN index) and
 * their score (`score`, higher is better), with their parameters numbered from `firstParam`. Null with no word to
 * rank. For retrieval's search and the help store's keyword matches alike.
 */
export function keywordMatch(ranked: RankedKeywords, firstParam: number): { match: string; score: string; params: unknown[] } | null {
  if (ranked.words.length === 0) return null;
  const params: unknown[] = [];
  const queries: string[] = [];
  const terms: string[] = [];
  for (const w of ranked.words) {
    params.push(w.word);
    const query = wordQuery(firstParam + params.length - 1);
    params.push(idf(w.chunks, ranked.totalChunks));
    queries.push(query);
    terms.push(`ts_rank(c.search, ${query}) * $${firstParam + params.length - 1}::float8`);
  }
  return { match: `c.search @@ (${queries.join(' || ')})`, score: `(${terms.join(' + ')})`, params };
}

/** Chunk ids having any of `words`, best first (KnowledgeStore.keywordSearch). */
export async function keywordSearch(db: Queryable, words: string[], limit: number): Promise<number[]> {
  const keywords = keywordMatch(await rankedKeywords(db, words), 2);
  if (!keywords) return [];
  const found = await rows<{ id: number }>(db, `SELECT c.id FROM chunks c WHERE ${keywords.match} ORDER BY ${keywords.score} DESC, c.id LIMIT $1`, [
    limit,
    ...keywords.params,
  ]);
  return found.map((r) => r.id);
}
