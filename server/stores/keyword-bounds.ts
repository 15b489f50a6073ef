// Keyword search is bounded per query, on both backends (KnowledgeStore.keywordSearch): ranking costs time per
// matching chunk, so only words found in at most `wordChunks` chunks are ranked, the rarest first, up to
// `rankedChunks` matches in all. Both are absolute numbers, not shares of the chunk count, because the cost is per
// matching chunk: a small knowledge base is searched exactly, and on a large one a word is left out when it is in
// a small share of the chunks (a low-weight word, which mostly adds matches that rank last). Rare words, what
// keyword search is for, are always ranked. When every word is over the cap (stopword-like at that size), the
// search returns nothing: ranking any of them is unbounded, and they single out no chunk; the vector search
// answers. Each backend counts a word's chunks through its own index, stopping at the cap, and has its own
// numbers, measured for its cost per match (sqlite/knowledge-store.ts, postgres/keyword-search.ts); what to keep
// is decided here.

export interface KeywordBounds {
  /** A word in more chunks than this is left out. */
  wordChunks: number;
  /** The ranked words' chunks, in all, at most. */
  rankedChunks: number;
  /**
   * With more than `fullCounts` words, each is counted up to `probeChunks` first, and at most `fullCounts` of those
   * past it up to the cap (in the question's order; the others are left out): 24 common words would otherwise each
   * be counted to the cap. Fewer words are counted to the cap at once.
   */
  probeChunks: number;
  fullCounts: number;
}

/** A word of the question and the number of chunks it is in (counted up to a limit: more means "past it"). */
export interface CountedWord {
  word: string;
  chunks: number;
}

/** How far each word is counted first. */
export const firstCountLimit = (bounds: KeywordBounds, words: number): number => (words > bounds.fullCounts ? bounds.probeChunks : bounds.wordChunks);

/** The words to count again up to the cap: the first `fullCounts` found past the first limit. */
export function wordsToCountFully(bounds: KeywordBounds, first: CountedWord[], firstLimit: number): string[] {
  if (firstLimit >= bounds.wordChunks) return [];
  return [...new Set(first.filter((w) => w.chunks > firstLimit).map((w) => w.word))].slice(0, bounds.fullCounts);
}

/**
 * The words to rank, rarest first, each with its chunks: `first` as counted up to `firstLimit`, with the full
 * counts of wordsToCountFully; a word past the first limit and not counted fully is left out, as is a word in no
 * chunk or past the cap, and any word past the total.
 */
export function boundedWords(bounds: KeywordBounds, first: CountedWord[], firstLimit: number, fullCounts: Map<string, number>): CountedWord[] {
  const counted = first
    .map(({ word, chunks }) => ({ word, chunks: chunks <= firstLimit ? chunks : (fullCounts.get(word) ?? Number.POSITIVE_INFINITY) }))
    .filter((w) => w.chunks > 0 && w.chunks <= bounds.wordChunks)
    .sort((a, b) => a.chunks - b.chunks);
  const ranked: CountedWord[] = [];
  let matches = 0;
  for (const w of counted) {
    if (matches + w.chunks > bounds.rankedChunks) break;
    ranked.push(w);
    matches += w.chunks;
  }
  return ranked;
}
