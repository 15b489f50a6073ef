import { endpointTarget, type Endpoint } from '../openrouter/client.js';
import type { SourceStats } from '../stores/knowledge-store.js';
import type { Stores } from '../stores/stores.js';
import type { VectorIndex } from '../stores/vector-store.js';

export type { ChunkTotals, SourceStats } from '../stores/knowledge-store.js';

/** `savedEndpoint`: the saved provider's, to tell whether an index was built with another one. */
export async function knowledgeBaseStats(stores: Pick<Stores, 'knowledge' | 'jobs' | 'vectors' | 'maintenance'>, savedEndpoint: Endpoint) {
  const active = await stores.vectors.activeIndex();
  const building = await stores.vectors.buildingIndex();
  const perSource = await stores.knowledge.sourceStats(active);
  const totals = [...perSource.values()].reduce(
    (t, s) => ({
      documents: t.documents + s.documents,
      chunks: t.chunks + s.chunks,
      tokens: t.tokens + s.tokens,
      trainedChunks: t.trainedChunks + s.trainedChunks,
    }),
    { documents: 0, chunks: 0, tokens: 0, trainedChunks: 0 } satisfies SourceStats,
  );
  const lastJob = await stores.jobs.lastFinished(['train', 'sync', 'reindex']);
  const indexStats = async (index: VectorIndex) => ({
    model: index.model,
    dimensions: index.dimensions,
    vectors: await stores.vectors.countVectors(index),
    ...endpointTarget(index.endpoint),
    matchesSettings: index.endpoint === savedEndpoint,
  });
  return {
    ...totals,
    databaseBytes: await stores.maintenance.sizeBytes(),
    sources: (await stores.knowledge.listSources()).map((s) => ({
      id: s.id,
      name: s.name,
      kind: s.kind,
      ...(perSource.get(s.id) ?? { documents: 0, chunks: 0, tokens: 0, trainedChunks: 0 }),
    })),
    lastTraining: lastJob ? { status: lastJob.status, finishedAt: lastJob.finishedAt } : null,
    index: active ? await indexStats(active) : null,
    building: building ? await indexStats(building) : null,
  };
}
