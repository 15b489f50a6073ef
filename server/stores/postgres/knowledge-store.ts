// Knowledge on PostgreSQL: sources, documents and chunks, as the SQLite store keeps them. A chunk is written with
// the vectors already paid for (vector-store.ts restoreCachedVectors) and its vectors go with it (a trigger, migration
// 002), in the same transaction, logged for every node; each write that removes chunks takes the vector writers'
// lock before any row lock, the order every vector writer takes them in. The keyword index is the generated
// chunks.search column, searched as keywords.ts bounds and ranks it.
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
import { type Client, type Pool, type Queryable, row, rows, transaction, snapshot } from './database.js';
import { keywordRanking, weightedWords } from './keywords.js';
import { lockVectorWriters, restoreCachedVectors } from './vector-store.js';

/** Select over `chunks c`: counted one way on every screen (ChunkTotals). */
const CHUNK_TOTALS = 'count(c.id) AS chunks, coalesce(sum(c.token_count), 0) AS tokens';

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

/** A document's fields as $1…$7. */
const fieldValues = (f: DocumentFields) => [f.title, f.url, f.kind, f.content, f.contentHash, f.tokenCount, f.modifiedAt];

/** Inserts chunks with positions from `firstPosition`, restoring cached vectors for them (inside a transaction). */
async function insertChunkRows(client: Client, documentId: number, chunks: ChunkWrite[], firstPosition: number): Promise<void> {
  if (chunks.length === 0) return;
  const inserted = await rows<{ id: number }>(
    client,
    `INSERT INTO chunks (document_id, position, text, content, heading_path, token_count, text_hash)
    SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[]) RETURNING id`,
    [
      documentId,
      chunks.map((c) => firstPosition + c.index),
      chunks.map((c) => c.text),
      chunks.map((c) => c.content),
      chunks.map((c) => c.headingPath.join(' › ')),
      chunks.map((c) => c.tokenCount),
      chunks.map((c) => c.hash),
    ],
  );
  await restoreCachedVectors(
    client,
    inserted.map((r) => r.id),
  );
}

/** Removes chunks in `range` (their vectors go by trigger), lowest positions first, at most `limit` (null: all); returns how many. */
async function removeChunkRows(client: Client, documentId: number, range: ChunkPositions, limit: number | null = null): Promise<number> {
  await lockVectorWriters(client);
  const ids = (
    await rows<{ id: number }>(
      client,
      'SELECT id FROM chunks WHERE document_id = $1 AND position > $2 AND position <= $3 ORDER BY position LIMIT $4 FOR UPDATE',
      [documentId, range.after ?? -1, range.upTo ?? 2_147_483_647, limit],
    )
  ).map((r) => r.id);
  if (ids.length === 0) return 0;
  await client.query('DELETE FROM chunks WHERE id = ANY($1::bigint[])', [ids]);
  return ids.length;
}

const updateDocument = (client: Client, documentId: number, fields: DocumentFields) =>
  client.query(
    `UPDATE documents SET title = $1, url = $2, kind = $3, content = $4, content_hash = $5, token_count = $6, modified_at = $7,
    updated_at = docent_now() WHERE id = $8`,
    [...fieldValues(fields), documentId],
  );

const beginWrite = (db: Queryable, documentId: number, lastOldPosition: number, phase: string) =>
  db.query(
    `INSERT INTO document_writes (document_id, last_old_position, phase) VALUES ($1, $2, $3)
    ON CONFLICT (document_id) DO UPDATE SET last_old_position = EXCLUDED.last_old_position, phase = EXCLUDED.phase`,
    [documentId, lastOldPosition, phase],
  );

/** WHERE over `documents d` for a documents query, with its parameters from $1. */
function documentFilter(query: { sourceId?: number; contains?: string }): { where: string; params: unknown[] } {
  const where = ['true'];
  const params: unknown[] = [];
  if (query.sourceId) {
    params.push(query.sourceId);
    where.push(`d.source_id = $${params.length}`);
  }
  if (query.contains) {
    // Matched literally (% and _ escaped), in any case.
    params.push(`%${query.contains.replace(/[%_\\]/g, '\\$&')}%`);
    const like = `$${params.length}`;
    where.push(`(d.title ILIKE ${like} OR d.url ILIKE ${like} OR (d.kind = 'file' AND d.source_key ILIKE ${like}))`);
  }
  return { where: where.join(' AND '), params };
}

export function postgresKnowledgeStore(pool: Pool): KnowledgeStore {
  const getSource = async (id: number): Promise<Source | null> => {
    const r = await row<Record<string, any>>(pool, 'SELECT * FROM sources WHERE id = $1', [id]);
    return r ? toSource(r) : null;
  };

  /** Deletes sources; their documents, chunks and the chunks' vectors go by cascade and trigger. */
  const deleteSources = (where: string, params: unknown[]) =>
    transaction(pool, async (client) => {
      await lockVectorWriters(client);
      await client.query(`DELETE FROM sources s WHERE ${where}`, params);
    });

  return {
    async listSources() {
      return (await rows<Record<string, any>>(pool, 'SELECT * FROM sources ORDER BY id')).map(toSource);
    },
    getSource,
    async sourceOfKind(kind) {
      return toSource((await row<Record<string, any>>(pool, 'SELECT * FROM sources WHERE kind = $1 ORDER BY id LIMIT 1', [kind]))!);
    },
    async createSource(kind, name, config, schedule) {
      return toSource(
        (await row<Record<string, any>>(pool, 'INSERT INTO sources (kind, name, config, schedule) VALUES ($1, $2, $3, $4) RETURNING *', [
          kind,
          name,
          JSON.stringify(config),
          schedule,
        ]))!,
      );
    },
    async updateSource(sourceId, patch) {
      // One statement: the fields not given keep what is there when it runs.
      const r = await row<Record<string, any>>(
        pool,
        `UPDATE sources SET name = coalesce($2, name), enabled = coalesce($3, enabled), schedule = coalesce($4, schedule),
        config = coalesce($5, config) WHERE id = $1 RETURNING *`,
        [
          sourceId,
          patch.name ?? null,
          patch.enabled === undefined ? null : patch.enabled ? 1 : 0,
          patch.schedule ?? null,
          patch.config === undefined || patch.config === null ? null : JSON.stringify(patch.config),
        ],
      );
      return r ? toSource(r) : null;
    },
    async recordSync(sourceId, error) {
      await pool.query('UPDATE sources SET last_synced_at = docent_now(), last_error = $2 WHERE id = $1', [sourceId, error]);
    },
    async deleteSource(sourceId) {
      await deleteSources('s.id = $1', [sourceId]);
    },
    async deleteWebSources() {
      await deleteSources("s.kind IN ('web', 'wordpress')", []);
    },

    async findDocument(sourceId, sourceKey) {
      const r = await row<StoredDocument>(
        pool,
        'SELECT id, content_hash AS "contentHash", title, url, kind, content FROM documents WHERE source_id = $1 AND source_key = $2',
        [sourceId, sourceKey],
      );
      return r ?? null;
    },
    async getDocument(documentId) {
      const r = await row<DocumentDetail>(
        pool,
        `SELECT id, source_id AS "sourceId", source_key AS "sourceKey", title, url, kind, content, updated_at AS "updatedAt"
        FROM documents WHERE id = $1`,
        [documentId],
      );
      return r ?? null;
    },
    async listDocuments(query) {
      const { where, params } = documentFilter(query);
      // The count and the page from one snapshot.
      return snapshot(pool, async (client) => {
        const total = (await row<{ n: number }>(client, `SELECT count(*) AS n FROM documents d WHERE ${where}`, params))!.n;
        // Uploaded files are keyed 'file:<name>' (see the upload route): the name the admin knows them by.
        // The page of documents first, then their chunks.
        const documents = await rows<DocumentListItem>(
          client,
          `WITH page AS (SELECT d.id, d.source_id AS "sourceId", d.title, d.url, d.kind, d.updated_at AS "updatedAt",
            CASE WHEN d.kind = 'file' THEN substr(d.source_key, 6) END AS "fileName" FROM documents d WHERE ${where}
            ORDER BY d.updated_at DESC, d.id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2})
          SELECT page.*, totals.chunks, totals.tokens FROM page
          CROSS JOIN LATERAL (SELECT ${CHUNK_TOTALS} FROM chunks c WHERE c.document_id = page.id) totals
          ORDER BY page."updatedAt" DESC, page.id DESC`,
          [...params, query.limit, query.offset],
        );
        return { documents, total };
      });
    },
    async textEntryKey(documentId) {
      const r = await row<{ key: string }>(
        pool,
        "SELECT d.source_key AS key FROM documents d JOIN sources s ON s.id = d.source_id WHERE d.id = $1 AND s.kind = 'text'",
        [documentId],
      );
      return r?.key ?? null;
    },
    async qaEntryKey(sourceId, question) {
      const r = await row<{ key: string }>(
        pool,
        "SELECT source_key AS key FROM documents WHERE source_id = $1 AND kind = 'qa' AND title = $2 ORDER BY id LIMIT 1",
        [sourceId, question],
      );
      return r?.key ?? null;
    },
    async documentsAt(sourceId, url) {
      return (
        await rows<{ id: number }>(pool, 'SELECT id FROM documents WHERE source_id = $1 AND (url = $2 OR source_key = $2) ORDER BY id', [sourceId, url])
      ).map((r) => r.id);
    },
    async documentKeys(sourceId) {
      return rows<{ documentId: number; sourceKey: string }>(
        pool,
        'SELECT id AS "documentId", source_key AS "sourceKey" FROM documents WHERE source_id = $1 ORDER BY id',
        [sourceId],
      );
    },
    async countDocuments(sourceId) {
      return (await row<{ n: number }>(pool, 'SELECT count(*) AS n FROM documents WHERE source_id = $1', [sourceId]))!.n;
    },
    async documentChunks(documentId) {
      return rows<{ chunkId: number; text: string; textHash: string }>(
        pool,
        'SELECT id AS "chunkId", text, text_hash AS "textHash" FROM chunks WHERE document_id = $1 ORDER BY position',
        [documentId],
      );
    },

    async chunkTotals(of) {
      return 'documentId' in of
        ? (await row<ChunkTotals>(pool, `SELECT ${CHUNK_TOTALS} FROM chunks c WHERE c.document_id = $1`, [of.documentId]))!
        : (await row<ChunkTotals>(pool, `SELECT ${CHUNK_TOTALS} FROM chunks c WHERE c.id = ANY($1::bigint[])`, [of.chunkIds]))!;
    },
    async sourceStats(index) {
      // One statement: the counts and the trained chunks from one snapshot. The index's vectors are its rows of
      // index_vectors, found by their key (index, chunk).
      const found = await rows<{ sourceId: number } & SourceStats>(
        pool,
        `SELECT d.source_id AS "sourceId", count(DISTINCT d.id) AS documents, ${CHUNK_TOTALS}, count(v.chunk_id) AS "trainedChunks"
        FROM documents d LEFT JOIN chunks c ON c.document_id = d.id LEFT JOIN index_vectors v ON v.index_id = $1 AND v.chunk_id = c.id
        GROUP BY d.source_id`,
        [index?.dimensions ? index.id : null],
      );
      return new Map(found.map((r) => [r.sourceId, { documents: r.documents, chunks: r.chunks, tokens: r.tokens, trainedChunks: r.trainedChunks }]));
    },

    async keywordSearch(words, limit) {
      // Counting the words and ranking them see one snapshot (keywords.ts: bounded, weighted as bm25 weighs words).
      return snapshot(pool, async (client) => {
        const weighted = await weightedWords(client, words);
        if (!weighted.length) return [];
        const ranking = keywordRanking(weighted, 2);
        const found = await rows<{ id: number }>(client, `SELECT c.id FROM chunks c WHERE ${ranking.matches} ORDER BY ${ranking.score} DESC, c.id LIMIT $1`, [
          limit,
          ...ranking.params,
        ]);
        return found.map((r) => r.id);
      });
    },
    async enabledChunks(chunkIds) {
      if (chunkIds.length === 0) return [];
      return rows<FoundChunk>(
        pool,
        `SELECT c.id AS "chunkId", c.document_id AS "documentId", c.content, c.heading_path AS "headingPath", c.token_count AS tokens, d.title, d.url
        FROM chunks c JOIN documents d ON d.id = c.document_id JOIN sources s ON s.id = d.source_id
        WHERE s.enabled = 1 AND c.id = ANY($1::bigint[])`,
        [chunkIds],
      );
    },

    async setDocumentUrl(documentId, url, hash) {
      // Read then write: the row is locked first, as another node may write it meanwhile.
      return transaction(pool, async (client) => {
        const doc = await row<{ title: string; content: string }>(client, 'SELECT title, content FROM documents WHERE id = $1 FOR UPDATE', [documentId]);
        if (!doc) return false;
        await client.query('UPDATE documents SET url = $2, content_hash = $3, updated_at = docent_now() WHERE id = $1', [documentId, url, hash(doc)]);
        return true;
      });
    },
    async insertDocument(sourceId, sourceKey, fields, chunks) {
      return transaction(pool, async (client) => {
        const { id } = (await row<{ id: number }>(
          client,
          `INSERT INTO documents (title, url, kind, content, content_hash, token_count, modified_at, source_id, source_key)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
          [...fieldValues(fields), sourceId, sourceKey],
        ))!;
        if (chunks) await insertChunkRows(client, id, chunks, 0);
        // A large new document is undone whole if its write does not finish.
        else await beginWrite(client, id, -1, 'inserting');
        return id;
      });
    },
    async replaceDocument(documentId, fields, chunks) {
      await transaction(pool, async (client) => {
        await removeChunkRows(client, documentId, {});
        await updateDocument(client, documentId, fields);
        await insertChunkRows(client, documentId, chunks, 0);
      });
    },
    async countChunks(documentId) {
      return (await row<{ n: number }>(pool, 'SELECT count(*) AS n FROM chunks WHERE document_id = $1', [documentId]))!.n;
    },
    async lastChunkPosition(documentId) {
      return (await row<{ last: number }>(pool, 'SELECT coalesce(max(position), -1) AS last FROM chunks WHERE document_id = $1', [documentId]))!.last;
    },
    async beginDocumentWrite(documentId, lastOldPosition, phase) {
      await beginWrite(pool, documentId, lastOldPosition, phase);
    },
    async insertChunks(documentId, chunks, firstPosition) {
      await transaction(pool, (client) => insertChunkRows(client, documentId, chunks, firstPosition));
    },
    async switchDocument(documentId, fields) {
      await transaction(pool, async (client) => {
        await updateDocument(client, documentId, fields);
        await client.query("UPDATE document_writes SET phase = 'removing' WHERE document_id = $1", [documentId]);
      });
    },
    async removeChunks(documentId, range, limit) {
      return transaction(pool, (client) => removeChunkRows(client, documentId, range, limit));
    },
    async deleteDocument(documentId) {
      return transaction(pool, async (client) => {
        await lockVectorWriters(client);
        if (!(await row(client, 'SELECT 1 FROM documents WHERE id = $1 FOR UPDATE', [documentId]))) return false;
        await removeChunkRows(client, documentId, {});
        // Its write record goes with it (ON DELETE CASCADE).
        await client.query('DELETE FROM documents WHERE id = $1', [documentId]);
        return true;
      });
    },
    async endDocumentWrite(documentId) {
      await pool.query('DELETE FROM document_writes WHERE document_id = $1', [documentId]);
    },
    async pendingDocumentWrites() {
      return rows<PendingDocumentWrite>(
        pool,
        'SELECT document_id AS "documentId", last_old_position AS "lastOldPosition", phase FROM document_writes ORDER BY document_id',
      );
    },
  };
}
