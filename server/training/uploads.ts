// Receiving an upload of training files, before any of them is read. The whole request is received
// first, each file streamed to its own temporary file under DATA_DIR/tmp (never buffered in memory):
// a request that turns out malformed or over a request limit saves nothing, and every file of a
// well-formed one gets its own outcome — too large, one too many, or ready to read.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { HttpError } from '../http/errors.js';
import { fileTooLarge } from './ingest/extract.js';
import { formatCount, type IngestLimits } from './ingest/limits.js';

export interface ReceivedFile {
  fileName: string;
  /** Where the bytes are, when the file was received whole. */
  path: string | null;
  /** Why the file will not be read. */
  error: string | null;
}

// Form fields are not used; a handful of small ones is tolerated, a flood is a malformed request.
const MAX_FIELDS = 100;
const MAX_FIELD_BYTES = 64 * 1024;
// Files past MAX_FILES_PER_UPLOAD are still named in the answer (their bytes are skipped) up to this many.
const MAX_FILES_NAMED = 1000;

export const uploadDir = (dataDir: string) => path.join(dataDir, 'tmp');

/** Leftovers of uploads cut short by a crash or restart: nothing else lives in the folder. */
export async function clearUploadDir(dataDir: string): Promise<void> {
  const dir = uploadDir(dataDir);
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.map((name) => rm(path.join(dir, name), { force: true })));
}

/** The name to show and key the document by: no folders, no control characters, a sane length. */
function cleanFileName(raw: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  const base = (raw ?? '')
    .replace(/^.*[/\\]/, '')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 255);
  return base || 'upload';
}

/** Request limits get a 413 naming them; anything else (malformed multipart) is described by the one error handler. */
function requestError(err: unknown, limits: IngestLimits): unknown {
  const code = (err as { code?: string }).code;
  if (code === 'FST_FILES_LIMIT') {
    return new HttpError(
      413,
      `An upload takes at most ${formatCount(limits.maxFilesPerUpload)} files; this one has more than ${formatCount(MAX_FILES_NAMED)}, so nothing was saved. Upload them in smaller batches.`,
    );
  }
  if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') {
    return new HttpError(413, `The upload has more than ${MAX_FIELDS} form fields, so nothing was saved. Send only the files.`);
  }
  return err;
}

/**
 * Receives every file of a multipart upload into DATA_DIR/tmp. The caller reads the files and must
 * call `discard` afterwards. A malformed or oversized request throws (a 400 or 413 for the error handler)
 * after whatever it had received is deleted.
 */
export async function receiveFiles(
  request: FastifyRequest,
  dataDir: string,
  limits: IngestLimits,
): Promise<{ files: ReceivedFile[]; discard(): Promise<void> }> {
  const dir = uploadDir(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files: ReceivedFile[] = [];
  const written: string[] = [];
  const discard = async () => {
    await Promise.all(written.map((p) => rm(p, { force: true })));
  };
  try {
    const parts = request.parts({
      limits: { fileSize: limits.maxFileBytes, files: MAX_FILES_NAMED, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES },
    });
    for await (const part of parts) {
      if (part.type !== 'file') continue;
      const fileName = cleanFileName(part.filename);
      if (files.length >= limits.maxFilesPerUpload) {
        part.file.resume();
        await new Promise((resolve) => part.file.once('end', resolve).once('close', resolve));
        files.push({
          fileName,
          path: null,
          error: `${fileName}: not read, because one upload takes at most ${formatCount(limits.maxFilesPerUpload)} files (MAX_FILES_PER_UPLOAD). Upload it again in another batch.`,
        });
        continue;
      }
      const target = path.join(dir, `${randomUUID()}.upload`);
      written.push(target);
      await pipeline(part.file, createWriteStream(target, { flags: 'wx', mode: 0o600 }));
      if (part.file.truncated) {
        await rm(target, { force: true });
        files.push({ fileName, path: null, error: fileTooLarge(fileName, limits.maxFileBytes).message });
      } else {
        files.push({ fileName, path: target, error: null });
      }
    }
  } catch (err) {
    await discard();
    throw requestError(err, limits);
  }
  return { files, discard };
}
