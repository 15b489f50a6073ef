// "Improve answer" (Conversations): a Q&A entry saved and trained at once, without a training job. Its chunks
// and its question (what visitors' questions are compared with for word-for-word answers) are embedded in ONE
// call into the active index; whatever was embedded before comes from the cache, free.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createClient } from '../openrouter/client.js';
import { readApiSettings } from '../settings/api-settings.js';
import { savedEndpoint } from '../settings/connection.js';
import { queryHash } from '../retrieval/retrieve.js';
import { qaQuestionText } from '../retrieval/qa-match.js';
import { chunkOptions } from '../retrieval/settings.js';
import { embedBatch, EmbeddingStopError } from '../vectors/embedder.js';
import { qaDocument, upsertDocument, type UpsertResult } from './documents.js';
import { indexConnection } from '../vectors/index-connection.js';
import { sourceOfKind } from './sources.js';

const TRAIN_TIMEOUT_MS = 30_000;

export interface TrainedEntry extends UpsertResult {
  /** Whether the entry is searchable now; when not, `problem` says why (Start Training on Data Training retries). */
  trained: boolean;
  problem: string | null;
}

/**
 * Saves a Q&A entry (updating the Text & Q&A entry that has the very same question, rather than adding a second)
 * and trains it at once.
 */
export async function saveAndTrainQa(app: FastifyInstance, question: string, answer: string): Promise<TrainedEntry> {
  const { db, stores } = app;
  const source = sourceOfKind(db, 'text');
  const existing = db
    .prepare("SELECT source_key FROM documents WHERE source_id = ? AND kind = 'qa' AND title = ? ORDER BY id LIMIT 1")
    .pluck()
    .get(source.id, question) as string | undefined;
  const doc = qaDocument(question, answer);
  const saved = await upsertDocument(
    db,
    app.ingest,
    source.id,
    { title: doc.title, url: null, text: doc.text, sourceKey: existing ?? `qa:${randomUUID()}` },
    'qa',
    await chunkOptions(stores.config),
  );
  try {
    await trainDocument(app, saved.documentId, [qaQuestionText(question)]);
    return { ...saved, trained: true, problem: null };
  } catch (err) {
    const problem = err instanceof EmbeddingStopError ? err.problem.message : err instanceof Error && err.name === 'NoKey' ? err.message : null;
    if (problem === null) throw err;
    app.log.warn({ problem }, 'a Q&A entry from Improve answer was saved but not trained');
    return { ...saved, trained: false, problem };
  }
}

/** Embeds the document's chunks that have no vector yet, and `extraTexts` into the cache, in one call. */
async function trainDocument(app: FastifyInstance, documentId: number, extraTexts: string[]): Promise<void> {
  const { db, stores } = app;
  let index = await stores.vectors.ensureActiveIndex({
    endpoint: await savedEndpoint(stores.config),
    model: (await readApiSettings(stores.config)).embeddingModel,
  });
  const chunks = db.prepare('SELECT id, text, text_hash AS hash FROM chunks WHERE document_id = ?').all(documentId) as Array<{
    id: number;
    text: string;
    hash: string;
  }>;
  const texts = new Map<string, string>();
  for (const c of chunks) texts.set(c.hash, c.text);
  for (const text of extraTexts) texts.set(queryHash(text), text);
  const cached = await stores.vectors.cachedVectors(index, [...texts.keys()]);
  const needed = [...texts].filter(([hash]) => !cached.has(hash));
  if (needed.length) {
    const connection = await indexConnection(app, index);
    if (!connection.apiKey && connection.provider === 'openrouter') {
      throw Object.assign(
        new Error(
          'No API key is saved, so the entry could not be trained. Add your key in Settings → API Configuration, then Start Training on Data Training.',
        ),
        { name: 'NoKey' },
      );
    }
    const client = createClient(connection, app.config, { timeoutMs: TRAIN_TIMEOUT_MS, maxRetries: 0 });
    const result = await embedBatch(
      client,
      needed.map(([, text]) => text),
      { provider: connection.provider, model: index.model, expectedDimensions: index.dimensions },
    );
    if (!index.dimensions) index = await stores.vectors.setDimensions(index, result.dimensions);
    needed.forEach(([hash], i) => cached.set(hash, result.vectors[i]));
    await stores.vectors.cacheVectors(
      index,
      needed.map(([textHash], i) => ({ textHash, vector: result.vectors[i] })),
    );
  }
  // Replacing a vector a chunk got on insert (same text, from the cache) changes nothing: a Q&A entry has a chunk or two.
  await stores.vectors.writeVectors(
    index,
    chunks.map((c) => ({ chunkId: c.id, vector: cached.get(c.hash)! })),
  );
}
