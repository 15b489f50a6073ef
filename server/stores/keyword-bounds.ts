// Keyword search is bounded per query, on both backends (KnowledgeStore.keywordSearch): ranking costs time per
// matching chunk, so only words found in at most KEYWORD_WORD_CHUNKS chunks are ranked, the rarest first, up to
// KEYWORD_RANKED_CHUNKS matches in all. Both are absolute numbers, not shares of the chunk count, because the cost
// is per matching chunk: a knowledge base of up to KEYWORD_WORD_CHUNKS chunks is searched exactly, and at 1M chunks
// a word is left out when it is in more than 1% of the chunks (a low-weight word, which mostly adds matches that
// rank last). Rare words, what keyword search is for, are always ranked. When every word is over the cap
// (stopword-like at that size), the search returns nothing: ranking any of them is unbounded, and they single out
// no chunk; the vector search answers. Each backend counts a word's chunks through its own index, stopping at the
// cap (sqlite/knowledge-store.ts has the measurements that chose these numbers); what to keep is decided here.

export const KEYWORD_WORD_CHUNKS = 10_000;
export const KEYWORD_RANKED_CHUNKS = 20_000;
/**
 * With more than KEYWORD_FULL_COUNTS words, each is counted up to KEYWORD_PROBE_CHUNKS first, and at most
 * KEYWORD_FULL_COUNTS of those past it up to the cap (in the question's order; the others are left out): 24
 * common words would otherwise each be counted to the cap. Fewer words are counted to the cap at once.
 */
export const KEYWORD_PROBE_CHUNKS = 1_000;
export const KEYWORD_FULL_COUNTS = 6;

/** A word of the question and the number of chunks it is in (counted up to a limit: more means "past it"). */
export interface CountedWord {
  word: string;
  chunks: number;
}

/** How far each word is counted first. */
export const firstCountLimit = (words: number): number => (words > KEYWORD_FULL_COUNTS ? KEYWORD_PROBE_CHUNKS : KEYWORD_WORD_CHUNKS);

/** The words to count again up to the cap: the first KEYWORD_FULL_COUNTS found past the first limit. */
export function wordsToCountFully(first: CountedWord[], firstLimit: number): string[] {
  if (firstLimit >= KEYWORD_WORD_CHUNKS) return [];
  return [...new Set(first.filter((w) => w.chunks > firstLimit).map((w) => w.word))].slice(0, KEYWORD_FULL_COUNTS);
}

/**
 * The words to rank, rarest first, each with its chunks: `first` as counted up to `firstLimit`, with the full
 * counts of wordsToCountFully; a word past the first limit and not counted fully is left out, as is a word in no
 * chunk or past the cap, and any word past the total.
 */
export function boundedWords(first: CountedWord[], firstLimit: number, fullCounts: Map<string, number>): CountedWord[] {
  const counted = first
    .map(({ word, chunks }) => ({ word, chunks: chunks <= firstLimit ? chunks : (fullCounts.get(word) ?? Number.POSITIVE_INFINITY) }))
    .filter((w) => w.chunks > 0 && w.chunks <= KEYWORD_WORD_CHUNKS)
    .sort((a, b) => a.chunks - b.chunks);
  const ranked: CountedWord[] = [];
  let matches = 0;
  for (const w of counted) {
    if (matches + w.chunks > KEYWORD_RANKED_CHUNKS) break;
    ranked.push(w);
    matches += w.chunks;
  }
  return ranked;
}
