// Keyword search on PostgreSQL: chunks.search is a generated tsvector ('english': stemmed, stopwords dropped) with a
// GIN index. Bounded as SQLite's search is (keyword-bounds.ts), with numbers of its own: only words found in at most
// `wordChunks` chunks are ranked, the rarest first, up to `rankedChunks` matches in all, so one very common word
// cannot make a search slow. A common word's chunks come from the planner's statistics; any other word's are
// counted through the GIN index with the query the search itself uses (plainto_tsquery: stemmed as the column is),
// stopping at the cap (chunksWith). Used by the knowledge store's search and the help store's keyword matches alike.
import { boundedWords, firstCountLimit, type KeywordBounds, wordsToCountFully } from '../keyword-bounds.js';
import { type Queryable, row, rows } from './database.js';

/**
 * A quarter of SQLite's numbers: a match costs more here. FTS5 ranks from its index; PostgreSQL reads each matching
 * row and runs ts_rank on its tsvector once per ranked word. Measured on the benchmark's corpus (Zipf text), for
 * 6-word questions of a chunk / 6 of the 50 most frequent words / those plus 2 rarer words (npm run bench --
 * keywords, p95 at 50k chunks; vectors-postgres: retrieve() p50 at 100k):
 * - 10,000 / 20,000: 18 / 67 / 84 ms;
 * - 5,000 / 10,000: 20 / 3 / 10 ms; retrieve() 35 ms (its keyword half ~30 ms at 100k);
 * - 2,500 / 5,000 (these): 17 / 1.6 / 9 ms; retrieve() 24 ms, the issue's ≤ 25.
 * Either way the question's own chunk is in the keyword top 6 for all 200 questions at 50k, as with FTS5.
 */
export const POSTGRES_KEYWORD_BOUNDS: KeywordBounds = {
  wordChunks: 2_500,
  rankedChunks: 5_000,
  probeChunks: 1_000,
  fullCounts: 6,
};
const KEYWORD_WORD_CHUNKS = POSTGRES_KEYWORD_BOUNDS.wordChunks;

/**
 * Chunks each word is in, in one statement: from the planner's statistics when it has them, else counted up to
 * `upTo` + 1; Infinity for a word the statistics put in over twice the cap. Counting visits each matching row (a
 * GIN index has no index-only count, and reads a word's whole list before LIMIT applies): 6 words of a fifth of
 * 50k chunks each counted to 1,001 cost ~15 ms. ANALYZE (autovacuum) keeps the lexemes found in the most chunks
 * (about 1,000) with their share (pg_stats.most_common_elems of chunks.search, from a sample of 30,000 chunks: ±4%
 * for a word in 1% of them), so such a word's chunks are its share of the largest chunk id, not counted: plenty
 * for its weight and the bounds, and it tracks a base grown since. A word missing there (rare, a phrase of a rare
 * lexeme, or any word before the first ANALYZE) is counted, which is cheap for a rare word.
 */
async function chunksWith(db: Queryable, words: string[], upTo: number): Promise<number[]> {
  if (words.length === 0) return [];
  const counted = await rows<{ n: number | null }>(
    db,
    `WITH stats AS MATERIALIZED (
      SELECT s.most_common_elems::text::text[] AS elems, s.most_common_elem_freqs AS freqs, (SELECT coalesce(max(id), 0) FROM chunks) AS total
      FROM pg_stats s WHERE s.schemaname = current_schema() AND s.tablename = 'chunks' AND s.attname = 'search'),
    estimated AS (
      -- A word of several lexemes (plainto_tsquery ANDs them) is in at most as many chunks as its rarest.
      SELECT u.w, u.i, (SELECT min(coalesce(st.freqs[array_position(st.elems, l)], 0) * st.total)
        FROM stats st, unnest(tsvector_to_array(to_tsvector('english', u.w))) l) AS estimate
      FROM unnest($1::text[]) WITH ORDINALITY AS u (w, i))
    SELECT CASE WHEN estimate > $3 THEN NULL WHEN estimate > 0 THEN round(estimate)
      ELSE (SELECT count(*) FROM (SELECT 1 FROM chunks WHERE search @@ plainto_tsquery('english', w) LIMIT $2) x) END AS n
    FROM estimated ORDER BY i`,
    [words, upTo + 1, 2 * KEYWORD_WORD_CHUNKS],
  );
  return counted.map((r) => r.n ?? Number.POSITIVE_INFINITY);
}

/** The rarest words, bounded (see above); each with the number of chunks it is in. */
export async function rankedKeywords(db: Queryable, words: string[]): Promise<Array<{ word: string; chunks: number }>> {
  const bounds = POSTGRES_KEYWORD_BOUNDS;
  const firstLimit = firstCountLimit(bounds, words.length);
  const first = (await chunksWith(db, words, firstLimit)).map((chunks, i) => ({ word: words[i], chunks }));
  // A word the statistics put over the cap (Infinity) is not counted again.
  const again = wordsToCountFully(
    bounds,
    first.filter((w) => Number.isFinite(w.chunks)),
    firstLimit,
  );
  const full = await chunksWith(db, again, bounds.wordChunks);
  return boundedWords(bounds, first, firstLimit, new Map(again.map((word, i) => [word, full[i]])));
}

/** A word to rank and its weight: FTS5's bm25 idf, from the chunks it is in. */
export interface WeightedWord {
  word: string;
  weight: number;
}

/**
 * The words a keyword search ranks (see above), each weighted as SQLite's bm25 weighs it: ln((N - n + 0.5) / (n + 0.5)),
 * at least 1e-6, for a word in n of N chunks. N is the largest chunk id (one index probe; counting a million rows is
 * not), a little more than the count once chunks were deleted. ts_rank alone has no such weight: a common word
 * would rank as high as a rare one (measured on 50k Zipf chunks against SQLite's top 12: 64% the same chunks,
 * the same first in 36 of 70 questions; weighted: 89%, 54 of 70).
 */
export async function weightedWords(db: Queryable, words: string[]): Promise<WeightedWord[]> {
  if (!words.length) return [];
  const largest = (await row<{ id: number }>(db, 'SELECT coalesce(max(id), 0) AS id FROM chunks'))?.id ?? 0;
  // No more chunks than the per-word cap: no word is too common and every word is ranked, as in SQLite; counting
  // them (for their weight) stays cheap at this size.
  const counted =
    largest <= KEYWORD_WORD_CHUNKS
      ? (await chunksWith(db, words, KEYWORD_WORD_CHUNKS)).map((chunks, i) => ({ word: words[i], chunks })).filter((w) => w.chunks > 0)
      : await rankedKeywords(db, words);
  return counted.map((w) => ({ word: w.word, weight: Math.max(Math.log((largest - w.chunks + 0.5) / (w.chunks + 0.5)), 1e-6) }));
}

/**
 * SQL ranking chunks `c` by the weighted words, over parameters from `$first` on (pass `params` there): `matches`
 * finds the chunks holding any word (through the GIN index), `score` orders them, highest first — the sum of each
 * word's weight times its ts_rank (term frequency, divided by 1 + the log of the chunk's length, as bm25 also
 * weighs long chunks down).
 */
export function keywordRanking(words: WeightedWord[], first: number): { matches: string; score: string; params: unknown[] } {
  const query = (i: number) => `plainto_tsquery('english', $${first + i})`;
  const weight = (i: number) => `$${first + words.length + i}::float8`;
  return {
    matches: `c.search @@ (${words.map((_, i) => query(i)).join(' || ')})`,
    score: words.map((_, i) => `${weight(i)} * ts_rank(c.search, ${query(i)}, 1)`).join(' + '),
    params: [...words.map((w) => w.word), ...words.map((w) => w.weight)],
  };
}
