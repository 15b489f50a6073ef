// Vector storage: per embedding model, a vec0 table holding binary-quantized vectors (bit[D]) and a table of
// compact codes (compact-index.ts: 4-bit codes, from which the sign bits are derived), rescored exactly with the
// float vectors kept in embedding_cache. The approximate passes run over the codes in memory (compact-index.ts),
// read from the codes table at start and kept in step with every write below: sqlite-vec 0.1.x only does brute
// force. The functions taking `db` are synchronous so that the other SQLite stores can write vectors inside
// their own transactions (chunks inserted or deleted with their vectors).
import { clearCodes, createCodesTable, deleteCodes, dropCodesTable, readCodes, writeCodes } from './code-blocks.js';
import { CompactIndex, codeLength, encodeVector } from '../vector-index/compact-index.js';
import { fromBlob, toBlob } from '../vector-index/floats.js';
import { searchPlan } from '../vector-index/search-plan.js';

export { fromBlob, toBlob };
import {
  indexKeySecret,
  type EmbeddingSpace,
  type Endpoint,
  type MissingChunk,
  type MissingCounts,
  type QaDocument,
  type VectorHit,
  type VectorIndex,
  type VectorStore,
} from '../vector-store.js';
import { perDatabase, stmt, type Db } from './database.js';
import { exactSample, indexRecall, saveIndexRecall } from './vector-recall.js';

const INDEX_COLUMNS = 'id, endpoint, model, dimensions, status';
const tableOf = (index: Pick<VectorIndex, 'id'>) => `vec_index_${Number(index.id)}`;
/** bit[] needs a multiple of 8; other sizes fall back to an exact float scan. */
const quantizable = (dimensions: number) => dimensions % 8 === 0;

/**
 * Exact cosine similarity of the given chunks to `query`, computed by sqlite-vec inside SQLite (no
 * vector is copied into JS). CROSS JOIN fixes the join order (ids → chunks → cache): left to itself
 * the planner starts from the cache's primary key and reads every vector of the model.
 */
function exactSimilarities(db: Db, space: EmbeddingSpace, query: Float32Array, chunkIds: number[]): Array<{ chunkId: number; similarity: number }> {
  return stmt(
    db,
    `SELECT c.id AS chunkId, 1 - vec_distance_cosine(e.vector, ?) AS similarity FROM json_each(?) j
    CROSS JOIN chunks c INDEXED BY chunks_id_text_hash ON c.id = j.value
    CROSS JOIN embedding_cache e ON e.endpoint = ? AND e.model = ? AND e.text_hash = c.text_hash`,
  ).all(toBlob(query), JSON.stringify(chunkIds), space.endpoint, space.model) as Array<{ chunkId: number; similarity: number }>;
}

/**
 * The in-memory copies, per database and index id. Writes update them at once; a write inside a
 * transaction that is then rolled back is caught by comparing counts before the next search.
 */
const copiesOf = perDatabase(() => new Map<number, { codes: CompactIndex; unverified: boolean }>());

/** The index's compact codes in memory, read from its codes table on first use (~0.2 s per 100k vectors). */
export function compactCopy(db: Db, index: VectorIndex): CompactIndex {
  const copies = copiesOf(db);
  let copy = copies.get(index.id);
  // vec0 keeps one row per vector in its <table>_rowids shadow table: counting it is cheap, counting
  // through the virtual table reads every vector.
  const stored = () =>
    Number(
      stmt(db, `SELECT count(*) FROM ${tableOf(index)}_rowids`)
        .pluck()
        .get(),
    );
  if (copy?.unverified && !db.inTransaction) {
    copy.unverified = false;
    if (copy.codes.size !== stored()) copy = undefined;
  }
  if (!copy) {
    const count = stored();
    let codes = loadCodes(db, index, count);
    if (codes.size < count) {
      addMissingCodes(db, index, codes);
      codes = loadCodes(db, index, count);
    }
    copies.set(index.id, (copy = { codes, unverified: false }));
  }
  return copy.codes;
}

/** The index's codes read from its table (vec0 cannot hold them, and reading its bits back is slow: 7 s at 1M). */
export function loadCodes(db: Db, index: VectorIndex, expected: number, cascadeFrom?: number): CompactIndex {
  createCodesTable(db, index);
  const codes = new CompactIndex(index.dimensions!, expected, cascadeFrom);
  readCodes(db, index, codeLength(index.dimensions!), (id, code) => codes.upsert(id, code));
  return codes;
}

/**
 * Codes for the vectors that have none (`have`: the codes read): an index made before the codes table existed.
 * Encoded from the floats in the embedding cache, once (~10 s per 100k vectors), 1,000 per transaction.
 */
function addMissingCodes(db: Db, index: VectorIndex, have: CompactIndex): void {
  const missing = (
    stmt(db, `SELECT rowid FROM ${tableOf(index)}`)
      .pluck()
      .all() as Array<number | bigint>
  )
    .map(Number)
    .filter((id) => !have.has(id));
  const floats = stmt(
    db,
    `SELECT c.id, e.vector FROM json_each(?) j CROSS JOIN chunks c ON c.id = j.value
    CROSS JOIN embedding_cache e ON e.endpoint = ? AND e.model = ? AND e.text_hash = c.text_hash`,
  ).raw();
  // A vector whose float is gone (its chunk deleted, its cache forgotten) could not be rescored either: it leaves
  // the index, and the next training run embeds its chunk again if the chunk is still there.
  const drop = stmt(db, `DELETE FROM ${tableOf(index)} WHERE rowid = ?`);
  for (let i = 0; i < missing.length; i += 1000) {
    const batch = missing.slice(i, i + 1000);
    const rows = floats.all(JSON.stringify(batch), index.endpoint, index.model) as Array<[number, Buffer]>;
    const found = new Set(rows.map(([id]) => id));
    db.transaction(() => {
      writeCodes(
        db,
        index,
        codeLength(index.dimensions!),
        rows.map(([chunkId, vector]) => ({ chunkId, code: encodeVector(fromBlob(vector)) })),
      );
      for (const id of batch) if (!found.has(id)) drop.run(BigInt(id));
    })();
  }
}

/** Applies a write to the index's in-memory copy, if there is one (else it is read in full when needed). */
function updateCopy(db: Db, index: Pick<VectorIndex, 'id'>, change: (codes: CompactIndex) => void): void {
  const copy = copiesOf(db).get(index.id);
  if (!copy) return;
  change(copy.codes);
  if (db.inTransaction) copy.unverified = true;
}

/** Reads the active index into memory, so the first visitor after a start does not wait for it. */
export function warmVectorSearch(db: Db): void {
  const index = activeIndex(db);
  if (index && hasTable(db, index) && quantizable(index.dimensions!)) compactCopy(db, index);
}

export function activeIndex(db: Db): VectorIndex | null {
  return (stmt(db, `SELECT ${INDEX_COLUMNS} FROM vector_indexes WHERE status = 'active'`).get() as VectorIndex | undefined) ?? null;
}

export function buildingIndex(db: Db): VectorIndex | null {
  return (stmt(db, `SELECT ${INDEX_COLUMNS} FROM vector_indexes WHERE status = 'building'`).get() as VectorIndex | undefined) ?? null;
}

export function indexById(db: Db, id: number): VectorIndex | null {
  return (stmt(db, `SELECT ${INDEX_COLUMNS} FROM vector_indexes WHERE id = ?`).get(id) as VectorIndex | undefined) ?? null;
}

function liveIndexes(db: Db): VectorIndex[] {
  return stmt(db, `SELECT ${INDEX_COLUMNS} FROM vector_indexes WHERE status != 'retired'`).all() as VectorIndex[];
}

/**
 * The active index, created for `space` on first use. One that never received a vector (say the first
 * training failed on the key) simply follows the saved settings: it has nothing to keep answering with.
 */
export function ensureActiveIndex(db: Db, space: EmbeddingSpace): VectorIndex {
  const existing = activeIndex(db);
  if (existing?.dimensions === null && (existing.endpoint !== space.endpoint || existing.model !== space.model)) {
    stmt(db, 'UPDATE vector_indexes SET endpoint = ?, model = ? WHERE id = ?').run(space.endpoint, space.model, existing.id);
    return indexById(db, existing.id)!;
  }
  if (existing) return existing;
  const id = Number(
    db
      .prepare("INSERT INTO vector_indexes (endpoint, model, status, activated_at) VALUES (?, ?, 'active', strftime('%Y-%m-%dT%H:%M:%fZ','now'))")
      .run(space.endpoint, space.model).lastInsertRowid,
  );
  return indexById(db, id)!;
}

/** Starts a new index for another model or endpoint; replaces an unfinished one. */
export function createBuildingIndex(db: Db, space: EmbeddingSpace): VectorIndex {
  return db.transaction(() => {
    const old = buildingIndex(db);
    if (old) dropIndex(db, old);
    const id = Number(
      db.prepare("INSERT INTO vector_indexes (endpoint, model, status) VALUES (?, ?, 'building')").run(space.endpoint, space.model).lastInsertRowid,
    );
    return indexById(db, id)!;
  })();
}

/** Swaps the building index in, in one transaction: searches see the old index or the new, never neither. */
export function activateIndex(db: Db, index: VectorIndex): void {
  db.transaction(() => {
    const previous = activeIndex(db);
    if (previous) {
      db.prepare("UPDATE vector_indexes SET status = 'retired' WHERE id = ?").run(previous.id);
    }
    db.prepare("UPDATE vector_indexes SET status = 'active', activated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?").run(index.id);
    if (previous) dropIndex(db, previous);
  })();
}

export function dropIndex(db: Db, index: VectorIndex): void {
  copiesOf(db).delete(index.id);
  db.transaction(() => {
    db.exec(`DROP TABLE IF EXISTS ${tableOf(index)}`);
    dropCodesTable(db, index);
    db.prepare('DELETE FROM vector_indexes WHERE id = ?').run(index.id);
    // The index's own key (kept when the admin changed provider) goes with it, in the same transaction.
    stmt(db, 'DELETE FROM secrets WHERE name = ?').run(indexKeySecret(index));
  })();
}

/** Indexes that embed through `endpoint` (what a change of provider leaves behind). */
export function indexesOn(db: Db, endpoint: Endpoint): VectorIndex[] {
  return liveIndexes(db).filter((index) => index.endpoint === endpoint);
}

/** Fixes the index's dimension from the model's first response and creates its vec0 table. */
export function setDimensions(db: Db, index: VectorIndex, dimensions: number): VectorIndex {
  if (index.dimensions === dimensions) return index;
  if (index.dimensions !== null) throw new Error(`The embedding model returned ${dimensions} dimensions, but this index holds ${index.dimensions}.`);
  const column = quantizable(dimensions) ? `bit[${dimensions}]` : `float[${dimensions}]`;
  db.transaction(() => {
    db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS ${tableOf(index)} USING vec0 (embedding ${column})`);
    if (quantizable(dimensions)) createCodesTable(db, index);
    db.prepare('UPDATE vector_indexes SET dimensions = ? WHERE id = ?').run(dimensions, index.id);
  })();
  // A new table starts empty: so does its copy, which inserts then keep current (no read at switch-over).
  if (quantizable(dimensions)) copiesOf(db).set(index.id, { codes: new CompactIndex(dimensions), unverified: db.inTransaction });
  return { ...index, dimensions };
}

function hasTable(db: Db, index: VectorIndex): boolean {
  return index.dimensions !== null && stmt(db, 'SELECT 1 FROM sqlite_master WHERE name = ?').get(tableOf(index)) !== undefined;
}

/** Adds (or replaces) vectors for chunk ids. Call inside a transaction for bulk inserts. */
export function insertVectors(db: Db, index: VectorIndex, rows: Array<{ chunkId: number; vector: Buffer }>): void {
  if (!index.dimensions) throw new Error('index has no dimension yet');
  const value = quantizable(index.dimensions) ? 'vec_quantize_binary(?)' : '?';
  const del = db.prepare(`DELETE FROM ${tableOf(index)} WHERE rowid = ?`);
  const ins = db.prepare(`INSERT INTO ${tableOf(index)} (rowid, embedding) VALUES (?, ${value})`);
  for (const row of rows) {
    del.run(BigInt(row.chunkId));
    ins.run(BigInt(row.chunkId), row.vector);
  }
  if (quantizable(index.dimensions)) {
    const codes = rows.map((row) => ({ chunkId: row.chunkId, code: encodeVector(fromBlob(row.vector)) }));
    writeCodes(db, index, codeLength(index.dimensions), codes);
    updateCopy(db, index, (copy) => {
      for (const { chunkId, code } of codes) copy.upsert(chunkId, code);
    });
  }
}

/** Removes vectors of deleted chunks from every index (vec0 tables cannot cascade). */
export function deleteVectors(db: Db, chunkIds: number[]): void {
  if (chunkIds.length === 0) return;
  for (const index of liveIndexes(db)) {
    if (!hasTable(db, index)) continue;
    const del = db.prepare(`DELETE FROM ${tableOf(index)} WHERE rowid = ?`);
    for (const id of chunkIds) del.run(BigInt(id));
    if (quantizable(index.dimensions!)) deleteCodes(db, index, codeLength(index.dimensions!), chunkIds);
    updateCopy(db, index, (codes) => {
      for (const id of chunkIds) codes.remove(id);
    });
  }
}

export function clearVectors(db: Db): void {
  for (const index of stmt(db, `SELECT ${INDEX_COLUMNS} FROM vector_indexes`).all() as VectorIndex[]) {
    if (!hasTable(db, index)) continue;
    db.exec(`DELETE FROM ${tableOf(index)}`);
    if (quantizable(index.dimensions!)) clearCodes(db, index);
    updateCopy(db, index, (codes) => codes.clear());
  }
}

export function countVectors(db: Db, index: VectorIndex): number {
  return hasTable(db, index)
    ? Number(
        db
          .prepare(`SELECT count(*) FROM ${tableOf(index)}`)
          .pluck()
          .get(),
      )
    : 0;
}

/** FROM/WHERE selecting the chunks (alias c) of enabled sources that have no vector in this index yet. */
function missingChunksClause(db: Db, index: VectorIndex): string {
  const notIndexed = hasTable(db, index) ? `AND c.id NOT IN (SELECT rowid FROM ${tableOf(index)})` : '';
  return `FROM chunks c JOIN documents d ON d.id = c.document_id JOIN sources s ON s.id = d.source_id WHERE s.enabled = 1 ${notIndexed}`;
}

export function chunksMissingVectors(db: Db, index: VectorIndex, limit: number): MissingChunk[] {
  return db
    .prepare(
      `SELECT c.id AS chunkId, c.document_id AS documentId, c.text, c.text_hash AS textHash, c.token_count AS tokenCount
      ${missingChunksClause(db, index)} ORDER BY c.id LIMIT ?`,
    )
    .all(limit) as MissingChunk[];
}

/**
 * Nearest chunks by cosine similarity: the compact codes in memory pick candidates (compact-index.ts), which are
 * rescored exactly with their float vectors. `oversample` trades speed for recall.
 */
export function searchVectors(db: Db, index: VectorIndex, query: Float32Array, k: number, oversample?: number): VectorHit[] {
  if (!hasTable(db, index) || !index.dimensions) return [];
  if (query.length !== index.dimensions) {
    throw new Error(`query has ${query.length} dimensions but the index holds ${index.dimensions}`);
  }
  let candidates: number[];
  if (quantizable(index.dimensions)) {
    const codes = compactCopy(db, index);
    const plan = searchPlan(codes.size, k, oversample);
    candidates = codes.nearest(query, plan.rescored, plan.coarse);
  } else {
    // Float vectors (a dimension that is no multiple of 8): sqlite-vec's exact scan.
    candidates = (
      stmt(db, `SELECT rowid FROM ${tableOf(index)} WHERE embedding MATCH ? AND k = ?`)
        .pluck()
        .all(toBlob(query), searchPlan(Infinity, k, oversample).rescored) as Array<number | bigint>
    ).map(Number);
  }
  if (candidates.length === 0) return [];
  return exactSimilarities(db, index, query, candidates)
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, k);
}

/** Keeps a paid-for vector under its endpoint, model and text hash; returns it as stored. */
export function cacheVector(db: Db, space: EmbeddingSpace, textHash: string, vector: Float32Array): Buffer {
  const blob = toBlob(vector);
  stmt(db, 'INSERT OR REPLACE INTO embedding_cache (endpoint, model, text_hash, dimensions, vector) VALUES (?, ?, ?, ?, ?)').run(
    space.endpoint,
    space.model,
    textHash,
    vector.length,
    blob,
  );
  return blob;
}

/** A cached vector, or null when this text was never embedded in this space. */
export function cachedVector(db: Db, space: EmbeddingSpace, textHash: string): Float32Array | null {
  const blob = stmt(db, 'SELECT vector FROM embedding_cache WHERE endpoint = ? AND model = ? AND text_hash = ?')
    .pluck()
    .get(space.endpoint, space.model, textHash) as Buffer | undefined;
  return blob ? fromBlob(blob) : null;
}

/** Forgets every vector paid for in this space (re-embedding on purpose). */
export function forgetCachedVectors(db: Db, space: EmbeddingSpace): void {
  stmt(db, 'DELETE FROM embedding_cache WHERE endpoint = ? AND model = ?').run(space.endpoint, space.model);
}

/** Exact similarity of given chunks to the query (for keyword-only hits and tests). */
export function similarities(db: Db, index: VectorIndex, query: Float32Array, chunkIds: number[]): Map<number, number> {
  if (chunkIds.length === 0) return new Map();
  return new Map(exactSimilarities(db, index, query, chunkIds).map((r) => [r.chunkId, r.similarity]));
}

/** What a job still has to do for `index`, counted in SQL (no chunk text is loaded). */
function countMissing(db: Db, index: VectorIndex): MissingCounts {
  return db
    .prepare(`WITH missing AS (SELECT c.text_hash, c.token_count ${missingChunksClause(db, index)}),
    uncached AS (
      SELECT text_hash, max(token_count) AS tokens FROM missing m
      WHERE NOT EXISTS (SELECT 1 FROM embedding_cache e WHERE e.endpoint = ? AND e.model = ? AND e.text_hash = m.text_hash) GROUP BY text_hash)
    SELECT (SELECT count(*) FROM missing) AS chunks, (SELECT coalesce(sum(token_count), 0) FROM missing) AS tokens,
      (SELECT count(*) FROM uncached) AS uncachedChunks, (SELECT coalesce(sum(tokens), 0) FROM uncached) AS uncachedTokens`)
    .get(index.endpoint, index.model) as MissingCounts;
}

/** Adds vectors for the chunks that still exist (one may be deleted while its text is being embedded). */
function writeVectors(db: Db, index: VectorIndex, rows: Array<{ chunkId: number; vector: Float32Array }>): { chunkIds: number[]; tokens: number } {
  const ids = JSON.stringify(rows.map((r) => r.chunkId));
  const stillThere = new Set(db.prepare('SELECT id FROM chunks WHERE id IN (SELECT value FROM json_each(?))').pluck().all(ids) as number[]);
  const kept = rows.filter((r) => stillThere.has(r.chunkId));
  insertVectors(
    db,
    index,
    kept.map((r) => ({ chunkId: r.chunkId, vector: toBlob(r.vector) })),
  );
  const chunkIds = kept.map((r) => r.chunkId);
  // Tokens as every screen counts them (training/stats.ts chunkTotals): those of the chunks indexed.
  const tokens = db
    .prepare('SELECT coalesce(sum(c.token_count), 0) FROM chunks c WHERE c.id IN (SELECT value FROM json_each(?))')
    .pluck()
    .get(JSON.stringify(chunkIds)) as number;
  return { chunkIds, tokens };
}

function cachedVectors(db: Db, space: EmbeddingSpace, hashes: string[]): Map<string, Float32Array> {
  if (hashes.length === 0) return new Map();
  const rows = stmt(db, 'SELECT text_hash, vector FROM embedding_cache WHERE endpoint = ? AND model = ? AND text_hash IN (SELECT value FROM json_each(?))')
    .raw()
    .all(space.endpoint, space.model, JSON.stringify(hashes)) as Array<[string, Buffer]>;
  return new Map(rows.map(([hash, vector]) => [hash, fromBlob(vector)]));
}

function cachedHashes(db: Db, space: EmbeddingSpace, hashes: string[]): Set<string> {
  if (hashes.length === 0) return new Set();
  return new Set(
    stmt(db, 'SELECT text_hash FROM embedding_cache WHERE endpoint = ? AND model = ? AND text_hash IN (SELECT value FROM json_each(?))')
      .pluck()
      .all(space.endpoint, space.model, JSON.stringify(hashes)) as string[],
  );
}

export function sqliteVectorStore(db: Db): VectorStore {
  const cacheAll = db.transaction((space: EmbeddingSpace, entries: Array<{ textHash: string; vector: Float32Array }>) => {
    for (const e of entries) cacheVector(db, space, e.textHash, e.vector);
  });
  return {
    async warmUp() {
      warmVectorSearch(db);
    },
    async activeIndex() {
      return activeIndex(db);
    },
    async buildingIndex() {
      return buildingIndex(db);
    },
    async indexById(indexId) {
      return indexById(db, indexId);
    },
    async ensureActiveIndex(space) {
      return db.transaction(() => ensureActiveIndex(db, space))();
    },
    async createBuildingIndex(space) {
      return createBuildingIndex(db, space);
    },
    async activateIndex(index) {
      activateIndex(db, index);
    },
    async dropIndex(index) {
      dropIndex(db, index);
    },
    async indexesOn(endpoint) {
      return indexesOn(db, endpoint);
    },
    async setDimensions(index, dimensions) {
      return setDimensions(db, index, dimensions);
    },
    async countVectors(index) {
      return countVectors(db, index);
    },
    async search(index, query, k, options) {
      return searchVectors(db, index, query, k, options?.oversample);
    },
    async similarities(index, query, chunkIds) {
      return similarities(db, index, query, chunkIds);
    },
    async writeVectors(index, rows) {
      return db.transaction(() => writeVectors(db, index, rows))();
    },
    async clearVectors(forgetCacheOf) {
      db.transaction(() => {
        clearVectors(db);
        if (forgetCacheOf) forgetCachedVectors(db, forgetCacheOf);
      })();
    },
    async chunksMissingVectors(index, limit) {
      return chunksMissingVectors(db, index, limit);
    },
    async countMissing(index) {
      return countMissing(db, index);
    },
    async missingByDocument(index) {
      return new Map(
        db
          .prepare(`SELECT c.document_id, count(*) ${missingChunksClause(db, index)} GROUP BY c.document_id`)
          .raw()
          .all() as Array<[number, number]>,
      );
    },
    async cachedVector(space, textHash) {
      return cachedVector(db, space, textHash);
    },
    async cachedVectors(space, textHashes) {
      return cachedVectors(db, space, textHashes);
    },
    async cachedHashes(space, textHashes) {
      return cachedHashes(db, space, textHashes);
    },
    async cacheVectors(space, entries) {
      cacheAll(space, entries);
    },
    async forgetCachedVectors(space) {
      forgetCachedVectors(db, space);
    },
    async qaEntriesAmong(chunkIds) {
      if (chunkIds.length === 0) return [];
      return stmt(
        db,
        `SELECT DISTINCT d.id AS documentId, d.title, d.content FROM chunks c JOIN documents d ON d.id = c.document_id JOIN sources s ON s.id = d.source_id
        WHERE s.enabled = 1 AND d.kind = 'qa' AND c.id IN (SELECT value FROM json_each(?))`,
      ).all(JSON.stringify(chunkIds)) as QaDocument[];
    },
    async qaEntries(maxTitleLength) {
      // Q&A entries are few next to pages: the scan reads only their titles.
      return stmt(
        db,
        `SELECT d.id AS documentId, d.title, d.content FROM documents d JOIN sources s ON s.id = d.source_id
        WHERE s.enabled = 1 AND d.kind = 'qa' AND length(d.title) <= ?`,
      ).all(maxTitleLength) as QaDocument[];
    },
    async qaQuestions() {
      return stmt(db, `SELECT d.title FROM documents d JOIN sources s ON s.id = d.source_id WHERE s.enabled = 1 AND d.kind = 'qa'`).pluck().all() as string[];
    },
    // The measured recall (vector-recall.ts).
    async exactSample(index, options) {
      return exactSample(db, index, options);
    },
    async indexRecall(index) {
      return indexRecall(db, index);
    },
    async saveIndexRecall(index, recall) {
      return saveIndexRecall(db, index, recall);
    },
  };
}
