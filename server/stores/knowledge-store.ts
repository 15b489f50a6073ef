// Knowledge: the content sources, their documents and the documents' chunks (with the keyword search over
// the chunks). A chunk's vectors live in the vector store, but a chunk and its vectors are written and removed
// together, in the same transaction, by this store's methods.
import type { VectorIndex } from './vector-store.js';

export type SourceKind = 'text' | 'files' | 'web' | 'wordpress';
export type SourceSchedule = 'off' | 'daily' | 'weekly';

export interface Source {
  id: number;
  kind: SourceKind;
  name: string;
  enabled: boolean;
  config: Record<string, unknown>;
  schedule: SourceSchedule;
  lastSyncedAt: string | null;
  lastError: string | null;
}

export interface SourcePatch {
  name?: string;
  enabled?: boolean;
  schedule?: SourceSchedule;
  config?: unknown;
}

export type DocumentKind = 'page' | 'file' | 'text' | 'qa' | 'post';

/** What decides whether a document changed: its content, and the hash of title, address and text. */
export interface StoredDocument {
  id: number;
  title: string;
  url: string | null;
  kind: DocumentKind;
  content: string;
  contentHash: string;
}

/** A document's fields as written (its source and key are fixed when it is added). */
export interface DocumentFields {
  title: string;
  url: string | null;
  kind: DocumentKind;
  content: string;
  contentHash: string;
  tokenCount: number;
  modifiedAt: string | null;
}

/** One document in full (Data Training → the document's view). */
export interface DocumentDetail {
  id: number;
  sourceId: number;
  sourceKey: string;
  title: string;
  url: string | null;
  kind: DocumentKind;
  content: string;
  updatedAt: string;
}

/** A row of the documents list, with its chunks counted like every other screen (ChunkTotals). */
export interface DocumentListItem extends ChunkTotals {
  id: number;
  sourceId: number;
  title: string;
  url: string | null;
  kind: DocumentKind;
  updatedAt: string;
  /** An uploaded file's name (the name the admin knows it by); null for other documents. */
  fileName: string | null;
}

export interface DocumentQuery {
  sourceId?: number;
  /** Part of the title, address or file name (matched literally, any case). */
  contains?: string;
  offset: number;
  limit: number;
}

/** A chunk to write: `index` is its place in the document (stored at a position counted from the write's first). */
export interface ChunkWrite {
  index: number;
  text: string;
  content: string;
  headingPath: string[];
  tokenCount: number;
  /** The hash of `text`: a cached vector for the same text is given to the chunk as it is written. */
  hash: string;
}

/** Positions of a document's chunks: (after, upTo]; a bound left out is open. */
export interface ChunkPositions {
  after?: number;
  upTo?: number;
}

/**
 * A document write spanning several transactions, recorded so that a crash can be finished or undone: new chunks
 * are being added after `lastOldPosition` (-1 for a new document), the old ones up to it removed, or the
 * document deleted.
 */
export type DocumentWritePhase = 'inserting' | 'removing' | 'deleting';
export interface PendingDocumentWrite {
  documentId: number;
  lastOldPosition: number;
  phase: DocumentWritePhase;
}

/**
 * Content is measured one way on every screen (Sources, Training, Database Management, the job counters): its
 * chunks, and their tokens as they are embedded (heading path included), counted by Docent's tokenizer when the
 * chunk is made. An embedding provider's own count of a call differs a little (another tokenizer); it is only
 * used for the cost.
 */
export interface ChunkTotals {
  chunks: number;
  tokens: number;
}

export interface SourceStats extends ChunkTotals {
  documents: number;
  /** Chunks with a vector in the index asked about. */
  trainedChunks: number;
}

/** A chunk found by a search, with its document, from an enabled source. */
export interface FoundChunk {
  chunkId: number;
  documentId: number;
  title: string;
  url: string | null;
  headingPath: string;
  content: string;
  tokens: number;
}

export interface KnowledgeStore {
  listSources(): Promise<Source[]>;
  getSource(sourceId: number): Promise<Source | null>;
  /** The built-in Text & Q&A or Files source. */
  sourceOfKind(kind: 'text' | 'files'): Promise<Source>;
  createSource(kind: 'web' | 'wordpress', name: string, config: unknown, schedule: SourceSchedule): Promise<Source>;
  /** Changes the fields given, in one transaction; null when there is no such source. */
  updateSource(sourceId: number, patch: SourcePatch): Promise<Source | null>;
  /** Records a finished read of the source: now, and its error (null when it succeeded). */
  recordSync(sourceId: number, error: string | null): Promise<void>;
  /** Deletes a source row (its documents are deleted first, by deleteDocument). */
  deleteSource(sourceId: number): Promise<void>;
  /** Deletes every web and WordPress source (the built-in ones stay). */
  deleteWebSources(): Promise<void>;

  findDocument(sourceId: number, sourceKey: string): Promise<StoredDocument | null>;
  getDocument(documentId: number): Promise<DocumentDetail | null>;
  listDocuments(query: DocumentQuery): Promise<{ documents: DocumentListItem[]; total: number }>;
  /** The key of a document of the Text & Q&A source; null when the document is not one. */
  textEntryKey(documentId: number): Promise<string | null>;
  /** The key of the oldest Q&A entry of a source asking exactly `question`. */
  qaEntryKey(sourceId: number, question: string): Promise<string | null>;
  /** A source's documents at an address (their public URL or their key). */
  documentsAt(sourceId: number, url: string): Promise<number[]>;
  documentKeys(sourceId: number): Promise<Array<{ documentId: number; sourceKey: string }>>;
  countDocuments(sourceId: number): Promise<number>;
  /** A document's chunks (what Improve answer embeds). */
  documentChunks(documentId: number): Promise<Array<{ chunkId: number; text: string; textHash: string }>>;

  chunkTotals(of: { documentId: number } | { chunkIds: number[] }): Promise<ChunkTotals>;
  /** Per source id; `trainedChunks` counts the vectors in `index` (0 without one). */
  sourceStats(index: VectorIndex | null): Promise<Map<number, SourceStats>>;

  /**
   * Chunk ids whose text has any of `words` (plain lowercase words, matched as the keyword index stems them:
   * "runs" finds "running"), best match first. Bounded per query, whatever the size of the knowledge: a word
   * found in very many chunks (a fixed number, not a share) is left out, as is any word past a fixed total of
   * matching chunks, the rarest words ranked first; so a rare word (a product name, an error code) is always
   * ranked, and its chunk comes first, however many common words the question holds. When every word is that
   * common, no chunks: such words single out nothing, and the vector search answers. (SQLite: FTS5, bm25.)
   */
  keywordSearch(words: string[], limit: number): Promise<number[]>;
  /** The chunks among `chunkIds` whose source is enabled, with their documents (in no particular order). */
  enabledChunks(chunkIds: number[]): Promise<FoundChunk[]>;

  // Document writes. Each method is one transaction; chunks are written with their vectors (a cached vector for
  // the same text is restored into the active and the building index) and removed with them.
  /** Sets a document's address and the hash it changes (`hash` of its title and content); false when it is gone. */
  setDocumentUrl(documentId: number, url: string | null, hash: (doc: { title: string; content: string }) => string): Promise<boolean>;
  /**
   * Adds a document with its chunks; `chunks: null` adds it without chunks and records a write in progress
   * (a large document, whose chunks are added by insertChunks, is removed whole if a crash interrupts it).
   */
  insertDocument(sourceId: number, sourceKey: string, fields: DocumentFields, chunks: ChunkWrite[] | null): Promise<number>;
  /** Replaces a document's fields and all its chunks at once. */
  replaceDocument(documentId: number, fields: DocumentFields, chunks: ChunkWrite[]): Promise<void>;
  countChunks(documentId: number): Promise<number>;
  /** The position of the document's last chunk; -1 when it has none. */
  lastChunkPosition(documentId: number): Promise<number>;
  beginDocumentWrite(documentId: number, lastOldPosition: number, phase: DocumentWritePhase): Promise<void>;
  /** Adds chunks at positions counted from `firstPosition`. */
  insertChunks(documentId: number, chunks: ChunkWrite[], firstPosition: number): Promise<void>;
  /** Switches the document to its new fields and marks its write as removing the old chunks. */
  switchDocument(documentId: number, fields: DocumentFields): Promise<void>;
  /** Removes at most `limit` chunks in `range` (lowest positions first); returns how many. */
  removeChunks(documentId: number, range: ChunkPositions, limit: number): Promise<number>;
  /** Removes the document with whatever chunks it has left, and its write record; false when it was gone. */
  deleteDocument(documentId: number): Promise<boolean>;
  endDocumentWrite(documentId: number): Promise<void>;
  pendingDocumentWrites(): Promise<PendingDocumentWrite[]>;
}
