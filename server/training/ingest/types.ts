// Shared shapes of the ingestion step: sources become ExtractedDocuments, documents become Chunks.

export interface ExtractedDocument {
  title: string;
  url: string | null;
  fileName?: string;
  /** Normalised text: Markdown-style '#' headings, a blank line between paragraphs, '- ' list items. */
  text: string;
  modifiedAt?: string | null;
  /** Stable identity within its source: the URL, the file name, or e.g. 'wp:post:42' for WordPress. */
  sourceKey: string;
}

export interface Chunk {
  index: number;
  /** What gets embedded: a context line "<title> › <heading path>", a blank line, then the passage. */
  text: string;
  /** The passage alone (including the overlap carried over from the previous chunk of the same section). */
  content: string;
  headingPath: string[];
  /** Tokens of `text`, counted with the embedding model's tokenizer (cl100k_base). */
  tokenCount: number;
  /** sha256 hex of `text`: unchanged chunks keep their hash, so re-training them costs nothing. */
  hash: string;
}

/** A failure whose message is written for the site admin and shown in the job log as is. */
export class IngestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IngestError';
  }
}

/** Called for each URL (or item) that failed, while the rest of the source goes on. */
export type OnIngestError = (url: string, message: string) => void;
