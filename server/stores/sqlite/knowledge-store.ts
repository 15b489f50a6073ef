import type {
  ChunkPositions,
  ChunkTotals,
  ChunkWrite,
  DocumentDetail,
  DocumentFields,
  DocumentListItem,
  FoundChunk,
  KnowledgeStore,
  PendingDocumentWrite,
  Source,
  SourceStats,
  StoredDocument,
} from '../knowledge-store.js';
import type { VectorIndex } from '../vector-store.js';
import { boundedWords, type CountedWord, firstCountLimit, type KeywordBounds, wordsToCountFully } from '../keyword-bounds.js';
import { stmt, type Db } from './database.js';
// Chunks are written and removed with their vectors, in the same transaction.
import { activeIndex, buildingIndex, deleteVectors, insertVectors } from './vector-store.js';

/** Select over `chunks c`: counted one way on every screen (ChunkTotals). */
const CHUNK_TOTALS = 'count(c.id) AS chunks, coalesce(sum(c.token_count), 0) AS tokens';

/** Plain words as an FTS5 query: each quoted (no FTS syntax from visitors), any may match. */
export const ftsQuery = (words: string[]): string | null => (words.length ? words.map((w) => `"${w.replaceAll('"', '""')}"`).join(' OR ') : null);

/*
 * Keyword search is bounded per query (keyword-bounds.ts). FTS5 scores every chunk an OR query matches (bm25 also
 * counts each word's chunks for its weight), about 0.4 µs per matching chunk at 1M chunks: a 6-word question
 * matching 55,000 chunks took 24 / 48 ms p50 / p95, a question of very common words 470 ms. A knowledge base of up
 * to KEYWORD_WORD_CHUNKS chunks is searched exactly as before, without counting (wordsToRank).
 * Measured on the benchmark's corpus (Zipf text, questions of 6 words of a chunk) at 1M chunks, cap / total:
 * 10,000 / 20,000 takes 7 / 11 ms p50 / p95 and keeps the question's own chunk in the keyword top 6 for 94% of
 * questions (unbounded: 100%; 20,000 / 30,000: 97% but twice the time, and 15 / 27 ms for very common words at
 * 100k chunks instead of 4; 5,000 / 15,000: 89%).
 * A word's chunks are counted by FTS5 itself (`MATCH` the quoted word, LIMIT-ed to one more than the cap): the word
 * is tokenized and stemmed exactly as the index was (running, runs → run), and counting stops at the cap (~0.5 ms
 * for a common word; every word is counted to 1,000 first, and at most 6 further: 24 common words take 6 ms, not 15).
 * Worst case, 6 words counted to the cap, 18 more to 1,000, and 20,000 matches ranked: 15 ms p50 at 1M chunks.
 * (An fts5vocab table finds a term through its term index, a missing term in 0.04 ms, but walks the term's whole
 * list of chunks to count them: 13 ms for a word in all of 1M chunks, unbounded; and it holds stemmed terms, which
 * the question's words are not.)
 */
export const KEYWORD_WORD_CHUNKS = 10_000;
export const KEYWORD_RANKED_CHUNKS = 20_000;
export const SQLITE_KEYWORD_BOUNDS: KeywordBounds = {
  wordChunks: KEYWORD_WORD_CHUNKS,
  rankedChunks: KEYWORD_RANKED_CHUNKS,
  probeChunks: 1_000,
  fullCounts: 6,
};

/** The words a keyword search ranks (see above). */
export function wordsToRank(db: Db, words: string[]): string[] {
  // With no more chunks than the per-word cap, no word is too common and all of them match fewer chunks than the
  // total: ranked as they are, without counting (chunk ids are distinct and positive: the largest bounds the count).
  if ((stmt(db, 'SELECT coalesce(max(id), 0) FROM chunks').pluck().get() as number) <= KEYWORD_WORD_CHUNKS) return words;
  return rankedKeywords(db, words).map((w) => w.word);
}

/** The rarest words, bounded (see above); each with the number of chunks it is in. */
export function rankedKeywords(db: Db, words: string[]): CountedWord[] {
  const count = stmt(db, 'SELECT count(*) FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?)').pluck();
  const chunksWith = (word: string, upTo: number) => count.get(ftsQuery([word]), upTo + 1) as number;
  const bounds = SQLITE_KEYWORD_BOUNDS;
  const firstLimit = firstCountLimit(bounds, words.length);
  const first = words.map((word) => ({ word, chunks: chunksWith(word, firstLimit) }));
  const full = new Map(wordsToCountFully(bounds, first, firstLimit).map((word) => [word, chunksWith(word, bounds.wordChunks)]));
  return boundedWords(bounds, first, firstLimit, full);
}

function toSource(r: Record<string, any>): Source {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    enabled: r.enabled === 1,
    config: JSON.parse(r.config),
    schedule: r.schedule,
    lastSyncedAt: r.last_synced_at,
    lastError: r.last_error,
  };
}

const fieldValues = (f: DocumentFields) => [f.title, f.url, f.kind, f.content, f.contentHash, f.tokenCount, f.modifiedAt] as const;

export function sqliteKnowledgeStore(db: Db): KnowledgeStore {
  const getSource = (id: number): Source | null => {
    const r = stmt(db, 'SELECT * FROM sources WHERE id = ?').get(id) as Record<string, any> | undefined;
    return r ? toSource(r) : null;
  };

  /** Inserts chunks with positions from `firstPosition`, restoring cached vectors for them (inside a transaction). */
  const insertChunkRows = (documentId: number, chunks: ChunkWrite[], firstPosition: number): void => {
    const insert = stmt(db, 'INSERT INTO chunks (document_id, position, text, content, heading_path, token_count, text_hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const ids: number[] = [];
    for (const c of chunks)
      ids.push(Number(insert.run(documentId, firstPosition + c.index, c.text, c.content, c.headingPath.join(' › '), c.tokenCount, c.hash).lastInsertRowid));
    for (const index of [activeIndex(db), buildingIndex(db)]) if (index) restoreCachedVectors(index, ids);
  };

  /** Gives chunks the vectors already paid for (same endpoint and model, same text). */
  const restoreCachedVectors = (index: VectorIndex, chunkIds: number[]): void => {
    if (!index.dimensions || chunkIds.length === 0) return;
    // CROSS JOIN: start from the chunks, not from every cached vector of the model.
    const rows = stmt(
      db,
      `SELECT c.id AS chunkId, e.vector FROM json_each(?) j CROSS JOIN chunks c ON c.id = j.value
    CROSS JOIN embedding_cache e ON e.endpoint = ? AND e.model = ? AND e.text_hash = c.text_hash`,
    ).all(JSON.stringify(chunkIds), index.endpoint, index.model) as Array<{ chunkId: number; vector: Buffer }>;
    insertVectors(db, index, rows);
  };

  /** Removes chunks in `range` with their vectors, at most `limit` (-1: all); returns how many (inside a transaction). */
  const removeChunkRows = (documentId: number, range: ChunkPositions, limit = -1): number => {
    const ids = stmt(db, 'SELECT id FROM chunks WHERE document_id = ? AND position > ? AND position <= ? ORDER BY position LIMIT ?')
      .pluck()
      .all(documentId, range.after ?? -1, range.upTo ?? Number.MAX_SAFE_INTEGER, limit) as number[];
    deleteVectors(db, ids);
    const remove = stmt(db, 'DELETE FROM chunks WHERE id = ?');
    for (const chunkId of ids) remove.run(chunkId);
    return ids.length;
  };

  const updateDocument = (documentId: number, fields: DocumentFields) =>
    stmt(
      db,
      `UPDATE documents SET title = ?, url = ?, kind = ?, content = ?, content_hash = ?, token_count = ?, modified_at = ?,
      updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`,
    ).run(...fieldValues(fields), documentId);
  const beginWrite = (documentId: number, lastOldPosition: number, phase: string) =>
    stmt(db, 'INSERT OR REPLACE INTO document_writes (document_id, last_old_position, phase) VALUES (?, ?, ?)').run(documentId, lastOldPosition, phase);
  const endWrite = (documentId: number) => stmt(db, 'DELETE FROM document_writes WHERE document_id = ?').run(documentId);

  const documentFilter = (query: { sourceId?: number; contains?: string }) => {
    const where = ['1 = 1'];
    const args: unknown[] = [];
    if (query.sourceId) {
      where.push('d.source_id = ?');
      args.push(query.sourceId);
    }
    if (query.contains) {
      where.push("(d.title LIKE ? ESCAPE '\\' OR d.url LIKE ? ESCAPE '\\' OR (d.kind = 'file' AND d.source_key LIKE ? ESCAPE '\\'))");
      const like = `%${query.contains.replace(/[%_\\]/g, '\\$&')}%`;
      args.push(like, like, like);
    }
    return { where: where.join(' AND '), args };
  };

  const updateSource = db.transaction((id: number, patch: Parameters<KnowledgeStore['updateSource']>[1]): Source | null => {
    const current = getSource(id);
    if (!current) return null;
    stmt(db, 'UPDATE sources SET name = ?, enabled = ?, schedule = ?, config = ? WHERE id = ?').run(
      patch.name ?? current.name,
      (patch.enabled ?? current.enabled) ? 1 : 0,
      patch.schedule ?? current.schedule,
      JSON.stringify(patch.config ?? current.config),
      id,
    );
    return getSource(id);
  });

  return {
    async listSources() {
      return (stmt(db, 'SELECT * FROM sources ORDER BY id').all() as Record<string, any>[]).map(toSource);
    },
    async getSource(sourceId) {
      return getSource(sourceId);
    },
    async sourceOfKind(kind) {
      return toSource(stmt(db, 'SELECT * FROM sources WHERE kind = ? ORDER BY id LIMIT 1').get(kind) as Record<string, any>);
    },
    async createSource(kind, name, config, schedule) {
      const id = Number(
        stmt(db, 'INSERT INTO sources (kind, name, config, schedule) VALUES (?, ?, ?, ?)').run(kind, name, JSON.stringify(config), schedule).lastInsertRowid,
      );
      return getSource(id)!;
    },
    async updateSource(sourceId, patch) {
      return updateSource.immediate(sourceId, patch);
    },
    async recordSync(sourceId, error) {
      stmt(db, "UPDATE sources SET last_synced_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), last_error = ? WHERE id = ?").run(error, sourceId);
    },
    async deleteSource(sourceId) {
      stmt(db, 'DELETE FROM sources WHERE id = ?').run(sourceId);
    },
    async deleteWebSources() {
      stmt(db, "DELETE FROM sources WHERE kind IN ('web', 'wordpress')").run();
    },

    async findDocument(sourceId, sourceKey) {
      const row = stmt(db, 'SELECT id, content_hash AS contentHash, title, url, kind, content FROM documents WHERE source_id = ? AND source_key = ?').get(
        sourceId,
        sourceKey,
      ) as StoredDocument | undefined;
      return row ?? null;
    },
    async getDocument(documentId) {
      const row = stmt(
        db,
        'SELECT id, source_id AS sourceId, source_key AS sourceKey, title, url, kind, content, updated_at AS updatedAt FROM documents WHERE id = ?',
      ).get(documentId) as DocumentDetail | undefined;
      return row ?? null;
    },
    async listDocuments(query) {
      const { where, args } = documentFilter(query);
      return db.transaction(() => {
        const total = db
          .prepare(`SELECT count(*) FROM documents d WHERE ${where}`)
          .pluck()
          .get(...args) as number;
        // Uploaded files are keyed 'file:<name>' (see the upload route): the name the admin knows them by.
        // The page of documents first, then their chunks.
        const documents = db
          .prepare(`WITH page AS (SELECT d.id, d.source_id AS sourceId, d.title, d.url, d.kind, d.updated_at AS updatedAt,
        CASE WHEN d.kind = 'file' THEN substr(d.source_key, 6) END AS fileName FROM documents d WHERE ${where}
        ORDER BY d.updated_at DESC, d.id DESC LIMIT ? OFFSET ?)
      SELECT page.*, ${CHUNK_TOTALS} FROM page LEFT JOIN chunks c ON c.document_id = page.id
      GROUP BY page.id ORDER BY page.updatedAt DESC, page.id DESC`)
          .all(...args, query.limit, query.offset) as DocumentListItem[];
        return { documents, total };
      })();
    },
    async textEntryKey(documentId) {
      return (
        (stmt(db, "SELECT d.source_key FROM documents d JOIN sources s ON s.id = d.source_id WHERE d.id = ? AND s.kind = 'text'").pluck().get(documentId) as
          | string
          | undefined) ?? null
      );
    },
    async qaEntryKey(sourceId, question) {
      return (
        (stmt(db, "SELECT source_key FROM documents WHERE source_id = ? AND kind = 'qa' AND title = ? ORDER BY id LIMIT 1").pluck().get(sourceId, question) as
          | string
          | undefined) ?? null
      );
    },
    async documentsAt(sourceId, url) {
      return stmt(db, 'SELECT id FROM documents WHERE source_id = ? AND (url = ? OR source_key = ?)').pluck().all(sourceId, url, url) as number[];
    },
    async documentKeys(sourceId) {
      return stmt(db, 'SELECT id AS documentId, source_key AS sourceKey FROM documents WHERE source_id = ?').all(sourceId) as Array<{
        documentId: number;
        sourceKey: string;
      }>;
    },
    async countDocuments(sourceId) {
      return stmt(db, 'SELECT count(*) FROM documents WHERE source_id = ?').pluck().get(sourceId) as number;
    },
    async documentChunks(documentId) {
      return stmt(db, 'SELECT id AS chunkId, text, text_hash AS textHash FROM chunks WHERE document_id = ?').all(documentId) as Array<{
        chunkId: number;
        text: string;
        textHash: string;
      }>;
    },

    async chunkTotals(of) {
      return 'documentId' in of
        ? (stmt(db, `SELECT ${CHUNK_TOTALS} FROM chunks c WHERE c.document_id = ?`).get(of.documentId) as ChunkTotals)
        : (stmt(db, `SELECT ${CHUNK_TOTALS} FROM chunks c WHERE c.id IN (SELECT value FROM json_each(?))`).get(JSON.stringify(of.chunkIds)) as ChunkTotals);
    },
    async sourceStats(index) {
      return db.transaction(() => {
        const rows = stmt(
          db,
          `SELECT d.source_id AS sourceId, count(DISTINCT d.id) AS documents, ${CHUNK_TOTALS}
        FROM documents d LEFT JOIN chunks c ON c.document_id = d.id GROUP BY d.source_id`,
        ).all() as Array<{ sourceId: number } & Omit<SourceStats, 'trainedChunks'>>;
        const trained = index?.dimensions
          ? new Map(
              (
                db
                  .prepare(`SELECT d.source_id AS sourceId, count(*) AS n FROM chunks c JOIN documents d ON d.id = c.document_id
            WHERE c.id IN (SELECT rowid FROM vec_index_${Number(index.id)}) GROUP BY d.source_id`)
                  .all() as Array<{ sourceId: number; n: number }>
              ).map((r) => [r.sourceId, r.n]),
            )
          : new Map<number, number>();
        return new Map(
          rows.map((r) => [r.sourceId, { documents: r.documents, chunks: r.chunks, tokens: r.tokens, trainedChunks: trained.get(r.sourceId) ?? 0 }]),
        );
      })();
    },

    async keywordSearch(words, limit) {
      const fts = ftsQuery(wordsToRank(db, words));
      return fts
        ? (stmt(db, 'SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY bm25(chunks_fts) LIMIT ?').pluck().all(fts, limit) as number[])
        : [];
    },
    async enabledChunks(chunkIds) {
      if (chunkIds.length === 0) return [];
      return stmt(
        db,
        `SELECT c.id AS chunkId, c.document_id AS documentId, c.content, c.heading_path AS headingPath, c.token_count AS tokens, d.title, d.url FROM chunks c
    JOIN documents d ON d.id = c.document_id JOIN sources s ON s.id = d.source_id
    WHERE s.enabled = 1 AND c.id IN (SELECT value FROM json_each(?))`,
      ).all(JSON.stringify(chunkIds)) as FoundChunk[];
    },

    async setDocumentUrl(documentId, url, hash) {
      // Read then write: the write lock is taken first (BEGIN IMMEDIATE), as another process may write meanwhile.
      return db
        .transaction(() => {
          const doc = stmt(db, 'SELECT title, content FROM documents WHERE id = ?').get(documentId) as { title: string; content: string } | undefined;
          if (!doc) return false;
          stmt(db, `UPDATE documents SET url = ?, content_hash = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`).run(
            url,
            hash(doc),
            documentId,
          );
          return true;
        })
        .immediate();
    },
    async insertDocument(sourceId, sourceKey, fields, chunks) {
      return db.transaction(() => {
        const id = Number(
          stmt(
            db,
            `INSERT INTO documents (title, url, kind, content, content_hash, token_count, modified_at, source_id, source_key)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(...fieldValues(fields), sourceId, sourceKey).lastInsertRowid,
        );
        if (chunks) insertChunkRows(id, chunks, 0);
        // A large new document is undone whole if its write does not finish.
        else beginWrite(id, -1, 'inserting');
        return id;
      })();
    },
    async replaceDocument(documentId, fields, chunks) {
      db.transaction(() => {
        removeChunkRows(documentId, {});
        updateDocument(documentId, fields);
        insertChunkRows(documentId, chunks, 0);
      })();
    },
    async countChunks(documentId) {
      return stmt(db, 'SELECT count(*) FROM chunks WHERE document_id = ?').pluck().get(documentId) as number;
    },
    async lastChunkPosition(documentId) {
      return stmt(db, 'SELECT coalesce(max(position), -1) FROM chunks WHERE document_id = ?').pluck().get(documentId) as number;
    },
    async beginDocumentWrite(documentId, lastOldPosition, phase) {
      beginWrite(documentId, lastOldPosition, phase);
    },
    async insertChunks(documentId, chunks, firstPosition) {
      db.transaction(() => insertChunkRows(documentId, chunks, firstPosition))();
    },
    async switchDocument(documentId, fields) {
      db.transaction(() => {
        updateDocument(documentId, fields);
        stmt(db, "UPDATE document_writes SET phase = 'removing' WHERE document_id = ?").run(documentId);
      })();
    },
    async removeChunks(documentId, range, limit) {
      return db.transaction(() => removeChunkRows(documentId, range, limit))();
    },
    async deleteDocument(documentId) {
      return db
        .transaction(() => {
          if (stmt(db, 'SELECT 1 FROM documents WHERE id = ?').get(documentId) === undefined) return false;
          removeChunkRows(documentId, {});
          stmt(db, 'DELETE FROM documents WHERE id = ?').run(documentId);
          endWrite(documentId);
          return true;
        })
        .immediate();
    },
    async endDocumentWrite(documentId) {
      endWrite(documentId);
    },
    async pendingDocumentWrites() {
      return stmt(db, 'SELECT document_id AS documentId, last_old_position AS lastOldPosition, phase FROM document_writes').all() as PendingDocumentWrite[];
    },
  };
}
