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

/** Chunks each word is in, counted up to `upTo` + 1, in one statement. */
async function chunksWith(db: Queryable, words: string[], upTo: number): Promise<number[]> {
  const counted = await rows<{ n: number }>(
    db,
    `SELECT (SELECT count(*) FROM (SELECT 1 FROM chunks WHERE search @@ plainto_tsquery('english', w) LIMIT $2) x) AS n
    FROM unnest($1::text[]) WITH ORDINALITY AS u (w, i) ORDER BY i`,
    [words, upTo + 1],
  );
  return counted.map((r) => r.n);
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

/** The words a keyword search ranks (see above). */
export async function wordsToRank(db: Queryable, words: string[]): Promise<string[]> {
  if (!words.length) return [];
  // No more chunks than the per-word cap: no word is too common, ranked as they are without counting.
  const largest = await row<{ id: number }>(db, 'SELECT coalesce(max(id), 0) AS id FROM chunks');
  if ((largest?.id ?? 0) <= KEYWORD_WORD_CHUNKS) return words;
  return (await rankedKeywords(db, words)).map((w) => w.word);
}

/**
 * A tsquery matching any of the words, as SQL over parameters `$first`…: each word through plainto_tsquery (a
 * stopword gives an empty query, which || leaves out), never spliced into the text. `$first` is the first
 * parameter number it takes; pass the words as those parameters.
 */
export function anyWordQuery(wordCount: number, first: number): string {
  return Array.from({ length: wordCount }, (_, i) => `plainto_tsquery('english', $${first + i})`).join(' || ');
}
