// Keyword search on PostgreSQL: chunks.search is a generated tsvector ('english': the Snowball stemmer, so
// "runs" finds "running") with a GIN index. Each word of a question becomes its own phrase query
// (phraseto_tsquery: a word is only ever text, never tsquery syntax), and any of them may match.
//
// Bounded as on SQLite (keyword-bounds.ts, with the numbers below): each word's chunks are counted through the
// GIN index, LIMIT-ed to one more than the cap, and a word the planner's statistics put far over the cap is not
// counted at all (rankedKeywords); words over the cap are left out and the rarest are ranked up to the total.
// ts_rank has no notion of a word's rarity (bm25 has), so the score weighs each word by its inverse document
// frequency from those counts: Σ idf(word) × ts_rank(chunk, word). A rare word (a product name, an error code)
// then outweighs any number of frequent ones, as the interface promises.
import { boundedWords, type CountedWord, firstCountLimit, type KeywordBounds, wordsToCountFully } from '../keyword-bounds.js';
import { type Queryable, row, rows } from './database.js';

/**
 * Half SQLite's numbers: a match costs more here. FTS5 ranks from its index; PostgreSQL reads each matching row
 * and runs ts_rank on its tsvector once per ranked word (~1.5 µs per match and word on this machine's 2 shared
 * cores, where FTS5 takes ~0.4 µs per match). Measured at 50k chunks of the benchmark's corpus (Zipf text; 6-word
 * questions of a chunk; questions of 6 of the 50 most frequent words, with and without 2 rare words added), p95:
 * 10,000 / 20,000 took 30 / 103 / 104 ms, 5,000 / 10,000 20 / 26 / 39 ms, 2,500 / 5,000 26 / 5 / 12 ms, all under
 * a load of 5 on 2 cores (about 2.5 times the idle times).
 */
export const POSTGRES_KEYWORD_BOUNDS: KeywordBounds = {
  wordChunks: 5_000,
  rankedChunks: 10_000,
  probeChunks: 1_000,
  fullCounts: 6,
};

/** A word as a tsquery: its tokens stemmed as the index was, in order (a phrase), stopwords dropped. */
const wordQuery = (word: string) => `phraseto_tsquery('english', ${word})`;

/**
 * Counts each word's chunks, up to `upTo` (one more means "past it"). The words come as one array, so the planner
 * does not see them and takes each for a rare one: every count reads the word's list in the GIN index, then only
 * up to `upTo` rows (a word seen as common would be counted by reading the table until the limit, ~1.4 µs a row
 * where the index takes ~0.07 µs per listed chunk: 6 ms rather than 1 for a word in a fifth of 50k chunks). The
 * list is read whole before LIMIT applies, so a word in most chunks of a large base is not counted at all: see
 * rankedKeywords.
 */
async function countChunks(db: Queryable, words: string[], upTo: number): Promise<CountedWord[]> {
  if (words.length === 0) return [];
  return rows<CountedWord>(
    db,
    `SELECT w.word, (SELECT count(*) FROM (SELECT FROM chunks c WHERE c.search @@ q LIMIT $2) s) AS chunks
    FROM unnest($1::text[]) WITH ORDINALITY AS w(word, n) CROSS JOIN LATERAL ${wordQuery('w.word')} AS q ORDER BY w.n`,
    [words, upTo + 1],
  );
}

/** How long the planner's lexeme statistics are reused before they are read again (they change with ANALYZE). */
const STATISTICS_MS = 60_000;
const statistics = new WeakMap<Queryable, { readAt: number; shares: Promise<Map<string, number>> }>();

/**
 * The share of chunks holding each of the most common lexemes (about 1,000), as ANALYZE last sampled them
 * (pg_stats.most_common_elems of chunks.search); empty before the first ANALYZE.
 */
function commonLexemes(db: Queryable): Promise<Map<string, number>> {
  const cached = statistics.get(db);
  if (cached && Date.now() - cached.readAt < STATISTICS_MS) return cached.shares;
  const shares = rows<{ lexemes: string[] | null; shares: number[] | null }>(
    db,
    `SELECT s.most_common_elems::text::text[] AS lexemes, s.most_common_elem_freqs AS shares FROM pg_stats s
    WHERE s.schemaname = current_schema() AND s.tablename = 'chunks' AND s.attname = 'search'`,
  ).then(([r]) => new Map((r?.lexemes ?? []).map((lexeme, i) => [lexeme, r!.shares![i]])));
  shares.catch(() => statistics.delete(db));
  statistics.set(db, { readAt: Date.now(), shares });
  return shares;
}

/** The words to rank with the number of chunks each is in, and how many chunks there are (at most). */
export interface RankedKeywords {
  words: CountedWord[];
  totalChunks: number;
}

/**
 * The words a keyword search ranks, rarest first: counted up to the cap as SQLite's are, but a word the planner's
 * statistics put in more than twice the cap's chunks is left out without counting (certainly over the cap: the
 * statistics sample 30,000 chunks, ±4% for a word at the cap's share; and its list in the GIN index is long).
 */
export async function rankedKeywords(db: Queryable, words: string[]): Promise<RankedKeywords> {
  const bounds = POSTGRES_KEYWORD_BOUNDS;
  const [shares, found] = await Promise.all([
    commonLexemes(db),
    // Chunk ids are distinct and positive: the largest bounds the count (an index lookup, not a count).
    rows<{ word: string; lexemes: string[]; last: number }>(
      db,
      `SELECT w.word, tsvector_to_array(to_tsvector('english', w.word)) AS lexemes, (SELECT coalesce(max(id), 0) FROM chunks) AS last
      FROM unnest($1::text[]) WITH ORDINALITY AS w(word, n) ORDER BY w.n`,
      [words],
    ),
  ]);
  const totalChunks = found[0]?.last ?? 0;
  // A word of stopwords only is in no chunk; a phrase ("e-mail") is in at most as many as its rarest lexeme.
  const estimate = (lexemes: string[]) => (lexemes.length ? Math.min(...lexemes.map((l) => shares.get(l) ?? 0)) * totalChunks : 0);
  const indexed = found.filter((w) => w.lexemes.length > 0);
  if (totalChunks <= bounds.wordChunks) {
    // No word can be too common, nor the matches too many: every word found is ranked (counted for its weight).
    const counted = await countChunks(
      db,
      indexed.map((w) => w.word),
      bounds.wordChunks,
    );
    return { words: counted.filter((w) => w.chunks > 0).sort((a, b) => a.chunks - b.chunks), totalChunks };
  }
  const toCount = indexed.filter((w) => estimate(w.lexemes) <= 2 * bounds.wordChunks).map((w) => w.word);
  const firstLimit = firstCountLimit(bounds, toCount.length);
  const first = await countChunks(db, toCount, firstLimit);
  const full = new Map((await countChunks(db, wordsToCountFully(bounds, first, firstLimit), bounds.wordChunks)).map((w) => [w.word, w.chunks]));
  return { words: boundedWords(bounds, first, firstLimit, full), totalChunks };
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
    const query = wordQuery(`$${firstParam + params.length - 1}`);
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
