// Bounds on what one file or page may cost to read. A file past any of them gets its own clear error
// naming the limit and the variable that raises it; the server and the other files go on.

import { IngestError } from './types.js';

export interface IngestLimits {
  /** Largest uploaded file (MAX_UPLOAD_MB). */
  maxFileBytes: number;
  /** Files in one upload request (MAX_FILES_PER_UPLOAD); more are reported, not read. */
  maxFilesPerUpload: number;
  /** Pages of one PDF (MAX_PDF_PAGES). */
  maxPdfPages: number;
  /** Bytes one file may unpack to: a PDF's content streams and fonts, a Word file's parts (MAX_UNPACKED_MB). */
  maxUnpackedBytes: number;
  /** Characters of text one file or page may hold after extraction (MAX_TEXT_CHARS). */
  maxTextChars: number;
  /** Memory of one extraction process, heap and buffers together (INGEST_MEMORY_MB). */
  memoryMb: number;
  /** Wall time to read one file or page (INGEST_TIMEOUT_MS). */
  timeoutMs: number;
  /** Extraction processes running at once (INGEST_WORKERS). */
  workers: number;
}

export const DEFAULT_INGEST_LIMITS: IngestLimits = {
  maxFileBytes: 50 * 1024 * 1024,
  maxFilesPerUpload: 20,
  maxPdfPages: 2000,
  maxUnpackedBytes: 200 * 1024 * 1024,
  maxTextChars: 5_000_000,
  memoryMb: 512,
  timeoutMs: 120_000,
  workers: 1,
};

export const formatMb = (bytes: number): string => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
export const formatCount = (n: number): string => n.toLocaleString('en-US');

/** The error for a file or page whose text is over MAX_TEXT_CHARS. */
export function tooMuchText(name: string, maxTextChars: number, what: 'file' | 'page' = 'file'): IngestError {
  const fix = what === 'file' ? 'Split it into smaller files, or raise MAX_TEXT_CHARS.' : 'It was skipped; raise MAX_TEXT_CHARS to read it.';
  return new IngestError(
    `${name}: this ${what} holds more than ${formatCount(maxTextChars)} characters of text, the limit for one ${what} (MAX_TEXT_CHARS). ${fix}`,
  );
}
