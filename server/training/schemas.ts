// Data Training: the shapes of its admin API, shared by the routes, the tests and (as types only) the admin UI.
// Zod only: no database or Fastify import.
import { z } from 'zod';
import type { SearchIndex } from '../settings/schemas.js';

export type { RetrievalSettings } from '../retrieval/settings.js';
export type { EmbeddingModelCatalog as EmbeddingCatalog, EmbeddingModelInfo as EmbeddingModel } from '../settings/schemas.js';

export const SOURCE_KINDS = ['text', 'files', 'web', 'wordpress'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];
export const SCHEDULES = ['off', 'daily', 'weekly'] as const;
export type Schedule = (typeof SCHEDULES)[number];
/** 'failed': the last full read could not read anything (lastError says why). */
export const SOURCE_STATUSES = ['empty', 'needs-training', 'trained', 'syncing', 'failed'] as const;
export type SourceStatus = (typeof SOURCE_STATUSES)[number];
export const JOB_KINDS = ['train', 'sync', 'reindex'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATUSES = ['queued', 'running', 'done', 'failed', 'stopped'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const DOCUMENT_KINDS = ['page', 'file', 'text', 'qa', 'post'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** A web source's pages: listed, from a sitemap, or crawled from a start page. */
export type WebConfig = { mode: 'urls'; urls: string[] } | { mode: 'sitemap'; sitemapUrl: string } | { mode: 'crawl'; startUrl: string; maxPages: number };
export interface WordPressConfig {
  siteUrl: string;
  postTypes?: string[];
}

export const JobView = z.object({
  id: z.number(),
  kind: z.enum(JOB_KINDS),
  status: z.enum(JOB_STATUSES),
  params: z.record(z.string(), z.unknown()),
  error: z.string().nullable(),
  progress: z.object({
    phase: z.string(),
    itemsDone: z.number(),
    itemsTotal: z.number().nullable(),
    chunksDone: z.number(),
    chunksTotal: z.number().nullable(),
    documentsDone: z.number(),
    documentsTotal: z.number().nullable(),
    tokens: z.number(),
    cost: z.number(),
    errors: z.number(),
  }),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type Job = z.output<typeof JobView>;
export type JobProgress = Job['progress'];

/** A job was queued (202). */
export const Accepted = z.object({ job: JobView });

export const LogLine = z.object({ id: z.number(), at: z.string(), level: z.string(), message: z.string() });
export type LogLine = z.output<typeof LogLine>;

export const SourceView = z.object({
  id: z.number(),
  kind: z.enum(SOURCE_KINDS),
  name: z.string(),
  enabled: z.boolean(),
  config: z.record(z.string(), z.unknown()),
  schedule: z.enum(SCHEDULES),
  status: z.enum(SOURCE_STATUSES),
  documents: z.number(),
  chunks: z.number(),
  tokens: z.number(),
  trainedChunks: z.number(),
  lastSyncedAt: z.string().nullable(),
  lastError: z.string().nullable(),
  /** The latest finished sync (web and WordPress sources): pages it could not read, and the first reason. */
  lastSync: z.object({ jobId: z.number(), status: z.enum(JOB_STATUSES), failures: z.number(), firstProblem: z.string().nullable() }).nullable(),
});
export type Source = z.output<typeof SourceView>;

export const UpsertResultView = z.object({ documentId: z.number(), status: z.enum(['added', 'updated', 'unchanged']), chunks: z.number(), tokens: z.number() });
export type UpsertResult = z.output<typeof UpsertResultView>;

export interface DocumentSummary {
  id: number;
  sourceId: number;
  title: string;
  url: string | null;
  kind: DocumentKind;
  /** For uploaded files: the name it was uploaded as. */
  fileName: string | null;
  tokens: number;
  chunks: number;
  updatedAt: string;
}

export interface DocumentDetail {
  id: number;
  sourceId: number;
  sourceKey: string;
  title: string;
  url: string | null;
  kind: DocumentKind;
  content: string;
  tokens: number;
  updatedAt: string;
}

/** GET /api/admin/training/files/limits */
export interface UploadLimits {
  maxFileBytes: number;
  maxFilesPerUpload: number;
  maxPdfPages: number;
  maxTextChars: number;
}

export interface FileResult {
  fileName: string;
  ok: boolean;
  documentId?: number;
  status?: UpsertResult['status'];
  chunks?: number;
  tokens?: number;
  error?: string;
}

export interface Estimate {
  model: string;
  /** Chunks without a vector in the index (all of them need one). */
  chunks: number;
  tokens: number;
  /** Of those, the ones not in the embedding cache: these are paid for. */
  newChunks: number;
  newTokens: number;
  pricePerM: number | null;
  costUsd: number | null;
}

export const SearchView = z.object({
  chunks: z.array(
    z.object({
      chunkId: z.number(),
      documentId: z.number(),
      title: z.string(),
      url: z.string().nullable(),
      headingPath: z.string(),
      content: z.string(),
      matchPercent: z.number(),
      vectorRank: z.number().nullable(),
      keywordRank: z.number().nullable(),
      score: z.number(),
    }),
  ),
  model: z.string().nullable(),
  queryTokens: z.number(),
  queryCost: z.number().nullable(),
  embedMs: z.number(),
  searchMs: z.number(),
  empty: z.boolean(),
});
export type SearchResult = z.output<typeof SearchView>;
export type SearchHit = SearchResult['chunks'][number];

export interface IndexInfo extends Omit<SearchIndex, 'model'> {
  model: string;
  dimensions: number | null;
  vectors: number;
}

/** GET /api/admin/training/index-recall (and `recall` in the stats): the active index's measured recall. */
export const IndexRecallStatus = z.object({
  /** The last measurement of the active index; null when never measured. */
  measured: z
    .object({
      /** Share of the exact top k the index's search returned, 0–1, averaged over the sample. */
      recall: z.number(),
      k: z.number(),
      sampleSize: z.number(),
      /** Vectors in the index when measured. */
      indexSize: z.number(),
      measuredAt: z.string(),
    })
    .nullable(),
  measuring: z.boolean(),
  /** Why the last measurement did not finish (time limit, index replaced), until the next one starts. */
  lastError: z.string().nullable(),
});
export type IndexRecallStatus = z.output<typeof IndexRecallStatus>;

export interface KnowledgeBaseStats {
  documents: number;
  chunks: number;
  tokens: number;
  trainedChunks: number;
  databaseBytes: number;
  sources: Array<{ id: number; name: string; kind: SourceKind; documents: number; chunks: number; tokens: number; trainedChunks: number }>;
  lastTraining: { status: JobStatus; finishedAt: string } | null;
  index: IndexInfo | null;
  building: IndexInfo | null;
  recall: IndexRecallStatus;
}

/** GET /api/admin/training/webhook: where a CMS sends its changes, and the token it signs them with. */
export interface Webhook {
  url: string;
  token: string;
}

/** A catalog id, or one typed for an OpenAI-compatible server (bge-m3, nomic-embed-text:latest). */
export const EmbeddingModelChoice = z.object({
  model: z
    .string()
    .trim()
    .min(1, 'Choose an embedding model.')
    .max(200, 'Model id is too long.')
    .regex(/^[\w.\-:/~@]+$/, 'Model ids have no spaces, like openai/text-embedding-3-small or bge-m3.'),
});
