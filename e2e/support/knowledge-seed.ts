// Documents, chunks and trained vectors for store tests on either backend. SQLite's go through its knowledge and
// vector stores; PostgreSQL's are written directly until its knowledge and vector stores exist (issue 14), into the
// same tables those stores will write.
import { createHash } from 'node:crypto';
import type { OpenBackend } from './store-backends.js';

export interface SeedDocument {
  title: string;
  url?: string | null;
  kind?: 'page' | 'qa';
  content: string;
  /** The chunks' texts (the text keyword search reads); one chunk of `content` when left out. */
  chunks?: string[];
  /** 1 is the built-in "Text & Q&A" source, 2 "Files". */
  sourceId?: number;
}

export interface KnowledgeSeed {
  document(doc: SeedDocument): Promise<{ id: number; chunkIds: number[] }>;
  disableSource(sourceId: number): Promise<void>;
  /** Puts these chunks in the active index (model 'test/embed', 8 dimensions), creating it on first use. */
  train(chunkIds: number[]): Promise<void>;
  /** Caches a vector under a text hash in the active index's space. */
  cacheVector(textHash: string, vector: Float32Array): Promise<void>;
}

const SPACE = { endpoint: 'openrouter', model: 'test/embed' } as const;
const DIMENSIONS = 8;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const unitVector = (seed: number) => Float32Array.from({ length: DIMENSIONS }, (_, i) => (i === seed % DIMENSIONS ? 1 : 0));

export function knowledgeSeed(backend: OpenBackend): KnowledgeSeed {
  let keys = 0;
  if (backend.sqlite) {
    const stores = backend.sqlite;
    const { db } = stores;
    return {
      async document(doc) {
        const chunks = (doc.chunks ?? [doc.content]).map((text, index) => ({
          index,
          text,
          content: text,
          headingPath: [],
          tokenCount: text.split(' ').length,
          hash: sha(text),
        }));
        const id = await stores.knowledge.insertDocument(
          doc.sourceId ?? 1,
          `seed-${++keys}`,
          {
            title: doc.title,
            url: doc.url ?? null,
            kind: doc.kind ?? 'page',
            content: doc.content,
            contentHash: sha(doc.content),
            tokenCount: 1,
            modifiedAt: null,
          },
          chunks,
        );
        const chunkIds = db.prepare('SELECT id FROM chunks WHERE document_id = ? ORDER BY position').pluck().all(id) as number[];
        return { id, chunkIds };
      },
      async disableSource(sourceId) {
        await stores.knowledge.updateSource(sourceId, { enabled: false });
      },
      async train(chunkIds) {
        const index = await stores.vectors.setDimensions(await stores.vectors.ensureActiveIndex(SPACE), DIMENSIONS);
        const texts = db.prepare('SELECT text_hash FROM chunks WHERE id = ?').pluck();
        await stores.vectors.cacheVectors(
          SPACE,
          chunkIds.map((chunkId) => ({ textHash: texts.get(chunkId) as string, vector: unitVector(chunkId) })),
        );
        await stores.vectors.writeVectors(
          index,
          chunkIds.map((chunkId) => ({ chunkId, vector: unitVector(chunkId) })),
        );
      },
      async cacheVector(textHash, vector) {
        await stores.vectors.setDimensions(await stores.vectors.ensureActiveIndex(SPACE), DIMENSIONS);
        await stores.vectors.cacheVectors(SPACE, [{ textHash, vector }]);
      },
    };
  }
  const pool = backend.postgres!.pool;
  const activeIndex = async (): Promise<number> => {
    const found = await pool.query("SELECT id FROM vector_indexes WHERE status = 'active'");
    if (found.rows.length) return found.rows[0].id;
    const made = await pool.query(
      "INSERT INTO vector_indexes (endpoint, model, dimensions, status, activated_at) VALUES ($1, $2, $3, 'active', docent_now()) RETURNING id",
      [SPACE.endpoint, SPACE.model, DIMENSIONS],
    );
    return made.rows[0].id;
  };
  const blob = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return {
    async document(doc) {
      const id = (
        await pool.query(
          `INSERT INTO documents (source_id, source_key, title, url, kind, content, content_hash, token_count)
          VALUES ($1, $2, $3, $4, $5, $6, $7, 1) RETURNING id`,
          [doc.sourceId ?? 1, `seed-${++keys}`, doc.title, doc.url ?? null, doc.kind ?? 'page', doc.content, sha(doc.content)],
        )
      ).rows[0].id as number;
      const texts = doc.chunks ?? [doc.content];
      // One statement for all the chunks: a test may seed thousands.
      await pool.query(
        `INSERT INTO chunks (document_id, position, text, content, token_count, text_hash)
        SELECT $1, t.position - 1, t.text, t.text, array_length(string_to_array(t.text, ' '), 1), t.hash
        FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t (text, hash, position)`,
        [id, texts, texts.map(sha)],
      );
      const chunkIds = (await pool.query('SELECT id FROM chunks WHERE document_id = $1 ORDER BY position', [id])).rows.map((r) => r.id as number);
      return { id, chunkIds };
    },
    async disableSource(sourceId) {
      await pool.query('UPDATE sources SET enabled = 0 WHERE id = $1', [sourceId]);
    },
    async train(chunkIds) {
      const index = await activeIndex();
      for (const chunkId of chunkIds) {
        await pool.query('INSERT INTO index_vectors (index_id, chunk_id, code) VALUES ($1, $2, $3)', [index, chunkId, Buffer.alloc(1)]);
      }
    },
    async cacheVector(textHash, vector) {
      await activeIndex();
      await pool.query('INSERT INTO embedding_cache (endpoint, model, text_hash, dimensions, vector) VALUES ($1, $2, $3, $4, $5)', [
        SPACE.endpoint,
        SPACE.model,
        textHash,
        vector.length,
        blob(vector),
      ]);
    },
  };
}
