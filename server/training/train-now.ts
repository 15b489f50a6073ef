// "Improve answer" (Conversations): a Q&A entry saved and trained at once, without a training job. Its chunks
// and its question (what visitors' questions are compared with for word-for-word answers) are embedded in ONE
// call into the active index; whatever was embedded before comes from the cache, free.
import { randomUUID } from 'node:crypto';
import { createClient } from '../openrouter/client.js';
import { readApiSettings } from '../settings/api-settings.js';
import { savedEndpoint } from '../settings/connection.js';
import { queryHash } from '../retrieval/retrieve.js';
import { qaQuestionText } from '../retrieval/qa-match.js';
import { chunkOptions } from '../retrieval/settings.js';
import { embedBatch, EmbeddingStopError } from '../vectors/embedder.js';
import { qaDocument, upsertDocument, type UpsertResult } from './documents.js';
import { indexConnection } from '../vectors/index-connection.js';
import type { TrainingDeps } from './service.js';

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
export async function saveAndTrainQa(deps: TrainingDeps, question: string, answer: string): Promise<TrainedEntry> {
  const { knowledge, config } = deps.stores;
  const source = await knowledge.sourceOfKind('text');
  const existing = await knowledge.qaEntryKey(source.id, question);
  const doc = qaDocument(question, answer);
  const saved = await upsertDocument(
    knowledge,
    deps.ingest,
    source.id,
    { title: doc.title, url: null, text: doc.text, sourceKey: existing ?? `qa:${randomUUID()}` },
    'qa',
    await chunkOptions(config),
  );
  try {
    await trainDocument(deps, saved.documentId, [qaQuestionText(question)]);
    return { ...saved, trained: true, problem: null };
  } catch (err) {
    const problem = err instanceof EmbeddingStopError ? err.problem.message : err instanceof Error && err.name === 'NoKey' ? err.message : null;
    if (problem === null) throw err;
    deps.log.warn({ problem }, 'a Q&A entry from Improve answer was saved but not trained');
    return { ...saved, trained: false, problem };
  }
}

/** Embeds the document's chunks that have no vector yet, and `extraTexts` into the cache, in one call. */
async function trainDocument(deps: TrainingDeps, documentId: number, extraTexts: string[]): Promise<void> {
  const { vectors, knowledge, config } = deps.stores;
  let index = await vectors.ensureActiveIndex({ endpoint: await savedEndpoint(config), model: (await readApiSettings(config)).embeddingModel });
  const chunks = await knowledge.documentChunks(documentId);
  const texts = new Map<string, string>();
  for (const c of chunks) texts.set(c.textHash, c.text);
  for (const text of extraTexts) texts.set(queryHash(text), text);
  const cached = await vectors.cachedVectors(index, [...texts.keys()]);
  const needed = [...texts].filter(([hash]) => !cached.has(hash));
  if (needed.length) {
    const connection = await indexConnection(deps, index);
    if (!connection.apiKey && connection.provider === 'openrouter') {
      throw Object.assign(
        new Error(
          'No API key is saved, so the entry could not be trained. Add your key in Settings → API Configuration, then Start Training on Data Training.',
        ),
        { name: 'NoKey' },
      );
    }
    const client = createClient(connection, deps.config, { timeoutMs: TRAIN_TIMEOUT_MS, maxRetries: 0 });
    const result = await embedBatch(
      client,
      needed.map(([, text]) => text),
      { provider: connection.provider, model: index.model, expectedDimensions: index.dimensions },
    );
    if (!index.dimensions) index = await vectors.setDimensions(index, result.dimensions);
    needed.forEach(([hash], i) => cached.set(hash, result.vectors[i]));
    await vectors.cacheVectors(
      index,
      needed.map(([textHash], i) => ({ textHash, vector: result.vectors[i] })),
    );
  }
  // Replacing a vector a chunk got on insert (same text, from the cache) changes nothing: a Q&A entry has a chunk or two.
  await vectors.writeVectors(
    index,
    chunks.map((c) => ({ chunkId: c.chunkId, vector: cached.get(c.textHash)! })),
  );
}
