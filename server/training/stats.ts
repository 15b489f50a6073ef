import { statSync } from 'node:fs';
import type { Db } from '../stores/sqlite/database.js';
import { endpointTarget, type Endpoint } from '../openrouter/client.js';
import { activeIndex, buildingIndex, countVectors, type VectorIndex } from '../vectors/vector-index.js';
import { listSources } from './sources.js';

export interface SourceStats {
  documents: number;
  chunks: number;
  tokens: number;
  trainedChunks: number;
}

/**
 * Content is measured one way on every screen (Sources, Training, Database Management, the job counters): its
 * chunks, and their tokens as they are embedded (heading path included), counted by Docent's tokenizer when the
 * chunk is made (`chunks.token_count`). An embedding provider's own count of a call differs a little (another
 * tokenizer); it is only used for the cost. Select it over `chunks c`.
 */
export const CHUNK_TOTALS = 'count(c.id) AS chunks, coalesce(sum(c.token_count), 0) AS tokens';

export interface ChunkTotals {
  chunks: number;
  tokens: number;
}

/** Chunks and tokens of one document, or of some chunks (those a job just indexed). */
export function chunkTotals(db: Db, of: { documentId: number } | { chunkIds: number[] }): ChunkTotals {
  return 'documentId' in of
    ? (db.prepare(`SELECT ${CHUNK_TOTALS} FROM chunks c WHERE c.document_id = ?`).get(of.documentId) as ChunkTotals)
    : (db.prepare(`SELECT ${CHUNK_TOTALS} FROM chunks c WHERE c.id IN (SELECT value FROM json_each(?))`).get(JSON.stringify(of.chunkIds)) as ChunkTotals);
}

export function sourceStats(db: Db): Map<number, SourceStats> {
  const index = activeIndex(db);
  const rows = db
    .prepare(`SELECT d.source_id AS sourceId, count(DISTINCT d.id) AS documents, ${CHUNK_TOTALS}
    FROM documents d LEFT JOIN chunks c ON c.document_id = d.id GROUP BY d.source_id`)
    .all() as Array<{ sourceId: number } & Omit<SourceStats, 'trainedChunks'>>;
  const trained = index?.dimensions
    ? new Map(
        (
          db
            .prepare(`SELECT d.source_id AS sourceId, count(*) AS n FROM chunks c JOIN documents d ON d.id = c.document_id
        WHERE c.id IN (SELECT rowid FROM vec_index_${index.id}) GROUP BY d.source_id`)
            .all() as Array<{ sourceId: number; n: number }>
        ).map((r) => [r.sourceId, r.n]),
      )
    : new Map<number, number>();
  return new Map(rows.map((r) => [r.sourceId, { documents: r.documents, chunks: r.chunks, tokens: r.tokens, trainedChunks: trained.get(r.sourceId) ?? 0 }]));
}

/** `savedEndpoint`: the saved provider's, to tell whether an index was built with another one. */
export function knowledgeBaseStats(db: Db, databasePath: string, savedEndpoint: Endpoint) {
  const perSource = sourceStats(db);
  const totals = [...perSource.values()].reduce(
    (t, s) => ({
      documents: t.documents + s.documents,
      chunks: t.chunks + s.chunks,
      tokens: t.tokens + s.tokens,
      trainedChunks: t.trainedChunks + s.trainedChunks,
    }),
    { documents: 0, chunks: 0, tokens: 0, trainedChunks: 0 },
  );
  const size = (file: string) => {
    try {
      return statSync(file).size;
    } catch {
      return 0;
    }
  };
  const active = activeIndex(db);
  const building = buildingIndex(db);
  const lastJob = db
    .prepare("SELECT status, finished_at FROM jobs WHERE kind IN ('train', 'sync', 'reindex') AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1")
    .get() as { status: string; finished_at: string } | undefined;
  return {
    ...totals,
    databaseBytes: size(databasePath) + size(`${databasePath}-wal`),
    sources: listSources(db).map((s) => ({
      id: s.id,
      name: s.name,
      kind: s.kind,
      ...(perSource.get(s.id) ?? { documents: 0, chunks: 0, tokens: 0, trainedChunks: 0 }),
    })),
    lastTraining: lastJob ? { status: lastJob.status, finishedAt: lastJob.finished_at } : null,
    index: active ? indexStats(db, active, savedEndpoint) : null,
    building: building ? indexStats(db, building, savedEndpoint) : null,
  };
}

function indexStats(db: Db, index: VectorIndex, savedEndpoint: Endpoint) {
  return {
    model: index.model,
    dimensions: index.dimensions,
    vectors: countVectors(db, index),
    ...endpointTarget(index.endpoint),
    matchesSettings: index.endpoint === savedEndpoint,
  };
}
