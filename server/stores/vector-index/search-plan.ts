// How many candidates the passes of a vector search keep (compact-index.ts), the same on every backend.

/**
 * How many candidates each pass keeps for `k` hits in an index of `size` vectors (npm run bench -- retrieval,
 * clustered 1536-d data, recall@8 against exact search):
 * - `rescored`: read back as floats and rescored exactly, `oversample` per hit (each costs ~8 µs in SQLite).
 *   The 4-bit pass orders candidates so well that 4 per hit keep recall@8 ≥ 0.99 up to 1M.
 * - `coarse`: kept by Hamming distance for the 4-bit pass (each ~0.2 µs). Sign bits get noisier as more vectors
 *   crowd the query's neighbourhood: at 1M, 1,024 give recall 0.96 and 2,000 give 0.99, so the number grows with
 *   the index (a fixed number is what let recall fall to 0.59 at 1M unnoticed). At least 64 per hit whatever the
 *   size: a small index can be crowded too (20 dense clusters of 1,000 at 768 d: 16 per hit give 0.69).
 */
export function searchPlan(size: number, k: number, oversample = RESCORED_PER_HIT): { coarse: number; rescored: number } {
  const rescored = Math.max(k * oversample, MIN_RESCORED);
  return { rescored, coarse: Math.min(MAX_COARSE, Math.max(rescored, k * 64, Math.ceil(size / 500))) };
}
const RESCORED_PER_HIT = 4;
const MIN_RESCORED = 24;
const MAX_COARSE = 4096;
