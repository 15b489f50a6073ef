// Vectors: the search indexes (one per embedding model and endpoint, each holding a vector per chunk), the
// embedding cache (every vector paid for, by endpoint, model and text hash) and the nearest-neighbour search
// over an index. Chunk ids are the knowledge store's; vectors travel as Float32Array.

/** Where vectors come from: a provider and base URL as one string (openrouter/client.ts endpointOf). */
export type Endpoint = string;

/** An index holds the vectors of one model from one endpoint; questions are embedded the same way. */
export interface VectorIndex {
  id: number;
  endpoint: Endpoint;
  model: string;
  /** Fixed by the model's first response; null until then. */
  dimensions: number | null;
  status: 'building' | 'active' | 'retired';
}
export type EmbeddingSpace = Pick<VectorIndex, 'endpoint' | 'model'>;

export interface VectorHit {
  chunkId: number;
  /** Cosine similarity to the query, -1–1. */
  similarity: number;
}

export interface SearchOptions {
  /** Candidates rescored exactly per wanted hit (speed against recall); by default chosen by the index's size. */
  oversample?: number;
}

/** A chunk of an enabled source that has no vector in an index yet. */
export interface MissingChunk {
  chunkId: number;
  documentId: number;
  text: string;
  textHash: string;
  tokenCount: number;
}

/** What an embedding job still has to do for an index. */
export interface MissingCounts {
  chunks: number;
  tokens: number;
  /** Distinct texts with no cached vector in the index's space, and their tokens: what the API will bill. */
  uncachedChunks: number;
  uncachedTokens: number;
}

/** A Q&A entry (a document of kind 'qa' of an enabled source). */
export interface QaDocument {
  documentId: number;
  title: string;
  content: string;
}

export interface VectorStore {
  /** Loads what searching the active index needs into memory, so the first visitor after a start does not wait. */
  warmUp(): Promise<void>;
  /**
   * Stops what the store runs in the background (PostgreSQL: the listener that keeps this node's index in step with
   * the others, and its timers); the stores' close() calls it before the connections close.
   */
  close?(): Promise<void>;

  activeIndex(): Promise<VectorIndex | null>;
  buildingIndex(): Promise<VectorIndex | null>;
  indexById(indexId: number): Promise<VectorIndex | null>;
  /**
   * The active index, created for `space` on first use. One that never received a vector follows `space`: it
   * has nothing to keep answering with.
   */
  ensureActiveIndex(space: EmbeddingSpace): Promise<VectorIndex>;
  /** Starts a new index for another model or endpoint; replaces an unfinished one. */
  createBuildingIndex(space: EmbeddingSpace): Promise<VectorIndex>;
  /** Swaps the building index in and drops the previous one: searches see the old index or the new, never neither. */
  activateIndex(index: VectorIndex): Promise<void>;
  /** Deletes an index with its vectors and the key saved for it (config secret `indexKeySecret(index)`), together. */
  dropIndex(index: VectorIndex): Promise<void>;
  /** Live (not retired) indexes that embed through `endpoint`. */
  indexesOn(endpoint: Endpoint): Promise<VectorIndex[]>;
  /** Fixes the index's dimension from the model's first response; throws if it already holds another. */
  setDimensions(index: VectorIndex, dimensions: number): Promise<VectorIndex>;
  countVectors(index: VectorIndex): Promise<number>;

  /** The `k` chunks nearest to `query` by cosine similarity, nearest first. */
  search(index: VectorIndex, query: Float32Array, k: number, options?: SearchOptions): Promise<VectorHit[]>;
  /** Exact similarity of the given chunks to `query`; chunks without a vector in the index are left out. */
  similarities(index: VectorIndex, query: Float32Array, chunkIds: number[]): Promise<Map<number, number>>;

  /**
   * Adds (or replaces) the vectors of chunks that still exist, in one transaction; returns the chunks written
   * and their tokens (a chunk deleted meanwhile is skipped). Searches rescore with the vector cached for the
   * chunk's text in the index's space (cacheVectors), so that is written first.
   */
  writeVectors(index: VectorIndex, rows: Array<{ chunkId: number; vector: Float32Array }>): Promise<{ chunkIds: number[]; tokens: number }>;
  /** Removes the vectors of every index, and forgets the vectors cached in `forgetCacheOf` with them (re-embedding on purpose). */
  clearVectors(forgetCacheOf?: EmbeddingSpace): Promise<void>;

  /** The chunks of enabled sources that have no vector in `index`, by id, at most `limit`. */
  chunksMissingVectors(index: VectorIndex, limit: number): Promise<MissingChunk[]>;
  countMissing(index: VectorIndex): Promise<MissingCounts>;
  /** How many chunks each document still lacks a vector for in `index`, by document id. */
  missingByDocument(index: VectorIndex): Promise<Map<number, number>>;

  /** A cached vector, or null when this text was never embedded in this space. */
  cachedVector(space: EmbeddingSpace, textHash: string): Promise<Float32Array | null>;
  /** The cached vectors among `textHashes`, by hash. */
  cachedVectors(space: EmbeddingSpace, textHashes: string[]): Promise<Map<string, Float32Array>>;
  /** Which of `textHashes` have a cached vector in this space (no vector is read). */
  cachedHashes(space: EmbeddingSpace, textHashes: string[]): Promise<Set<string>>;
  /** Keeps paid-for vectors under their endpoint, model and text hash, in one transaction. */
  cacheVectors(space: EmbeddingSpace, entries: Array<{ textHash: string; vector: Float32Array }>): Promise<void>;
  /** Forgets every vector paid for in this space (re-embedding on purpose). */
  forgetCachedVectors(space: EmbeddingSpace): Promise<void>;

  /** The Q&A entries owning any of the chunks (what a visitor's question may be answered with word for word). */
  qaEntriesAmong(chunkIds: number[]): Promise<QaDocument[]>;
  /** Every Q&A entry whose question (title) is at most `maxTitleLength` characters long. */
  qaEntries(maxTitleLength: number): Promise<QaDocument[]>;
  /** Every Q&A entry's question (title). */
  qaQuestions(): Promise<string[]>;

  /**
   * Queries near randomly chosen vectors of the index and their exact `k` nearest chunks by brute-force cosine
   * over all its vectors, computed off the event loop (the reference an index's recall is measured against).
   * Throws when it runs out of `timeLimitMs`.
   */
  exactSample(index: VectorIndex, options: ExactSampleOptions): Promise<ExactSample>;
  /** The index's last measured recall, or null when never measured. */
  indexRecall(index: VectorIndex): Promise<IndexRecall | null>;
  /** Keeps a measurement with its index (replacing the last); false when the index is gone meanwhile. */
  saveIndexRecall(index: VectorIndex, recall: Omit<IndexRecall, 'measuredAt'>): Promise<boolean>;
}

export interface ExactSampleOptions {
  /** Queries, at most (fewer when the index holds fewer vectors). */
  sampleSize: number;
  k: number;
  /** Norm of the gaussian noise added to each chosen vector, relative to the vector's. */
  noise: number;
  timeLimitMs: number;
  /** Stops the search (Docent is closing): it then fails with ExactSampleFailed, its worker ended cleanly. */
  signal?: AbortSignal;
}

export interface ExactSample {
  queries: Float32Array[];
  /** Per query, its exact top k, nearest first. */
  exact: VectorHit[][];
  /** Vectors compared (the index's size as the reference saw it). */
  vectors: number;
}

/** How many of the exact nearest chunks the index's search finds, measured on a sample of queries. */
export interface IndexRecall {
  /** Share of the exact top k found, 0–1, averaged over the sample. */
  recall: number;
  k: number;
  sampleSize: number;
  /** Vectors in the index when measured. */
  indexSize: number;
  measuredAt: string;
}

/** The config secret holding the key an index embeds with after the saved provider moved elsewhere. */
export const indexKeySecret = (index: Pick<VectorIndex, 'id'>) => `vector_index_key_${Number(index.id)}`;
