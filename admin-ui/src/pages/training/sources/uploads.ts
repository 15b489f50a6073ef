// Uploading files: the limits, the batches a selection is sent in, and what is said about the outcome.
import { plural } from '../../../format.js';
import type { FileResult, UploadLimits } from '../types.js';

/** Until GET /files/limits answers: the server's defaults. */
export const DEFAULT_LIMITS: UploadLimits = { maxFileBytes: 50 * 1024 * 1024, maxFilesPerUpload: 20, maxPdfPages: 2000, maxTextChars: 5_000_000 };
// What one request may carry (the README's proxy setting allows 110 MB): larger selections go in several.
const MAX_REQUEST_BYTES = 100 * 1024 * 1024;
export const ACCEPT = '.pdf,.docx,.md,.markdown,.txt,.text,.html,.htm,.xhtml,.csv,.tsv,.xml';

/** The server starts each error with the file name, already shown in bold beside it. */
export function withoutName(error: string, fileName: string): string {
  const rest = error.startsWith(`${fileName}: `) ? error.slice(fileName.length + 2) : error;
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

/** Splits a selection into requests of at most `maxFiles` files and MAX_REQUEST_BYTES (a bigger file goes alone). */
export function uploadBatches(files: File[], maxFiles: number): File[][] {
  const batches: File[][] = [];
  let current: File[] = [];
  let bytes = 0;
  for (const f of files) {
    if (current.length && (current.length >= maxFiles || bytes + f.size > MAX_REQUEST_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(f);
    bytes += f.size;
  }
  if (current.length) batches.push(current);
  return batches;
}

/** "2 of 4 files added." (read out when an upload ends; each file's result is listed under it). */
export function uploadSummary(results: FileResult[]): string {
  const ok = results.filter((r) => r.ok).length;
  return ok === results.length
    ? `${plural(ok, 'file')} added. Start training to make ${ok === 1 ? 'it' : 'them'} searchable.`
    : `${ok} of ${plural(results.length, 'file')} added.`;
}
