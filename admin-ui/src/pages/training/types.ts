// Shapes of the Data Training API (server/training/routes.ts is the source of truth).
import type { IndexEndpoint } from '../../types.js';
import type { DebugChunk } from '../conversations/types.js';

export type SourceKind = 'text' | 'files' | 'web' | 'wordpress';
export type Schedule = 'off' | 'daily' | 'weekly';
/** 'failed': the last full read could not read anything (lastError says why). */
export type SourceStatus = 'empty' | 'needs-training' | 'trained' | 'syncing' | 'failed';

export type WebConfig = { mode: 'urls'; urls: string[] } | { mode: 'sitemap'; sitemapUrl: string } | { mode: 'crawl'; startUrl: string; maxPages: number };

export interface WordPressConfig {
  siteUrl: string;
  postTypes?: string[];
}

export interface Source {
  id: number;
  kind: SourceKind;
  name: string;
  enabled: boolean;
  config: Record<string, unknown>;
  schedule: Schedule;
  status: SourceStatus;
  documents: number;
  chunks: number;
  tokens: number;
  trainedChunks: number;
  lastSyncedAt: string | null;
  lastError: string | null;
  /** The latest finished sync (web and WordPress sources): pages it could not read, and the first reason. */
  lastSync: { jobId: number; status: JobStatus; failures: number; firstProblem: string | null } | null;
}

export interface DocumentSummary {
  id: number;
  sourceId: number;
  title: string;
  url: string | null;
  kind: 'page' | 'file' | 'text' | 'qa' | 'post';
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
  kind: DocumentSummary['kind'];
  content: string;
  tokens: number;
  updatedAt: string;
}

export interface UpsertResult {
  documentId: number;
  status: 'added' | 'updated' | 'unchanged';
  chunks: number;
  tokens: number;
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

export type JobKind = 'train' | 'sync' | 'reindex';
export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'stopped';

export interface JobProgress {
  phase: string;
  itemsDone: number;
  itemsTotal: number | null;
  chunksDone: number;
  chunksTotal: number | null;
  documentsDone: number;
  documentsTotal: number | null;
  tokens: number;
  cost: number;
  errors: number;
}

export interface Job {
  id: number;
  kind: JobKind;
  status: JobStatus;
  params: Record<string, unknown>;
  error: string | null;
  progress: JobProgress;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface LogLine {
  id: number;
  at: string;
  level: 'info' | 'warn' | 'error' | string;
  message: string;
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

/** A chunk the search found: the same fields as a chunk in the Playground's debug view, always with its ids. */
export interface SearchHit extends Omit<DebugChunk, 'chunkId' | 'foundBy'> {
  chunkId: number;
  documentId: number;
}

export interface SearchResult {
  chunks: SearchHit[];
  model: string | null;
  queryTokens: number;
  queryCost: number | null;
  embedMs: number;
  searchMs: number;
  empty: boolean;
}

export interface RetrievalSettings {
  chunkTokens: number;
  chunkOverlap: number;
  topK: number;
  minMatch: number;
}

export interface IndexInfo extends IndexEndpoint {
  model: string;
  dimensions: number | null;
  vectors: number;
}

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
}

export interface EmbeddingModel {
  id: string;
  name: string;
  dimensions: number | null;
  promptPricePerM: number | null;
  contextLength: number | null;
}

export interface EmbeddingCatalog {
  models: EmbeddingModel[];
  fetchedAt: string | null;
  error: string | null;
}

export interface Webhook {
  url: string;
  token: string;
}
