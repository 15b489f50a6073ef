// Keyword search on PostgreSQL: chunks.search is a generated tsvector ('english': stemmed, stopwords dropped) with a
// GIN index. The same bound as SQLite's (server/stores/sqlite/knowledge-store.ts, where the numbers are measured):
// only words found in at most KEYWORD_WORD_CHUNKS chunks are ranked, the rarest first, up to KEYWORD_RANKED_CHUNKS
// matches in all, so one very common word cannot make a search slow. A word's chunks are counted through the GIN
// index with the query the search itself uses (plainto_tsquery: stemmed as the column is), stopping at the cap.
import { type Queryable, row, rows } from './database.js';

export const KEYWORD_WORD_CHUNKS = 10_000;
export const KEYWORD_RANKED_CHUNKS = 20_000;
const KEYWORD_PROBE_CHUNKS = 1_000;
const KEYWORD_FULL_COUNTS = 6;

/**
 * Chunks each word is in, counted up to `upTo` + 1, in one statement; Infinity for a word the planner's statistics
 * put in over twice the cap. Counting visits each matching row (a GIN index has no index-only count): ~0.7 µs a row,
 * so 6 common words counted to the cap cost ~40 ms. ANALYZE (autovacuum) keeps the lexemes found in the most chunks
 * with their share (pg_stats.most_common_elems of chunks.search): such a word is left out without counting. A word
 * missing there (rare, or common only since the last ANALYZE) is counted; so is every word without statistics.
 */
async function chunksWith(db: Queryable, words: string[], upTo: number): Promise<number[]> {
  const counted = await rows<{ n: number | null }>(
    db,
    `WITH stats AS (
      SELECT s.most_common_elems::text::text[] AS elems, s.most_common_elem_freqs AS freqs, greatest(t.reltuples, 0) AS total
      FROM pg_stats s JOIN pg_class t ON t.oid = 'chunks'::regclass
      WHERE s.schemaname = current_schema() AND s.tablename = 'chunks' AND s.attname = 'search')
    SELECT CASE
      WHEN (SELECT max(st.freqs[array_position(st.elems, l)] * st.total) FROM stats st, unnest(tsvector_to_array(to_tsvector('english', w))) l) > $3
        THEN NULL
      ELSE (SELECT count(*) FROM (SELECT 1 FROM chunks WHERE search @@ plainto_tsquery('english', w) LIMIT $2) x) END AS n
    FROM unnest($1::text[]) WITH ORDINALITY AS u (w, i) ORDER BY i`,
    [words, upTo + 1, 2 * KEYWORD_WORD_CHUNKS],
  );
  return counted.map((r) => r.n ?? Number.POSITIVE_INFINITY);
}

/** The rarest words, bounded (see above); each with the number of chunks it is in. */
export async function rankedKeywords(db: Queryable, words: string[]): Promise<Array<{ word: string; chunks: number }>> {
  // With more than KEYWORD_FULL_COUNTS words each is counted up to KEYWORD_PROBE_CHUNKS first, and at most
  // KEYWORD_FULL_COUNTS of those past it up to the cap (in the question's order; the others are left out).
  const firstCount = words.length > KEYWORD_FULL_COUNTS ? KEYWORD_PROBE_CHUNKS : KEYWORD_WORD_CHUNKS;
  const first = await chunksWith(db, words, firstCount);
  const counted = words.map((word, i) => ({ word, chunks: first[i] }));
  if (firstCount !== KEYWORD_WORD_CHUNKS) {
    const recount = counted.filter((w) => w.chunks > firstCount);
    const full = await chunksWith(
      db,
      recount.slice(0, KEYWORD_FULL_COUNTS).map((w) => w.word),
      KEYWORD_WORD_CHUNKS,
    );
    recount.forEach((w, i) => {
      w.chunks = i < KEYWORD_FULL_COUNTS ? full[i] : Number.POSITIVE_INFINITY;
    });
  }
  const candidates = counted.filter((w) => w.chunks > 0 && w.chunks <= KEYWORD_WORD_CHUNKS).sort((a, b) => a.chunks - b.chunks);
  const ranked: typeof candidates = [];
  let matches = 0;
  for (const w of candidates) {
    if (matches + w.chunks > KEYWORD_RANKED_CHUNKS) break;
    ranked.push(w);
    matches += w.chunks;
  }
  return ranked;
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
