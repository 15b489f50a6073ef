// Reading content — uploaded files, fetched pages, sitemaps, WordPress responses — and splitting it
// into chunks: the CPU- and memory-heavy part of training. One interface, two transports: the server
// runs every call in an extraction process (pool.ts), so a hostile file can never stall or crash the
// event loop that serves visitors; unit tests of the crawling logic call the same functions in-process.
import { readFile } from 'node:fs/promises';
import type { ChunkOptions } from './chunk.js';
import type { ExtractLimits } from './extract.js';
import type { SitemapContent } from './fetch-web.js';
import type { PageContent } from './html-page.js';
import { DEFAULT_INGEST_LIMITS, type IngestLimits } from './limits.js';
import { IngestError, type Chunk, type ExtractedDocument } from './types.js';
import type { WordPressParsed } from './wordpress.js';

export interface ContentReader {
  /** An uploaded file, read from `path`: its document, or an IngestError naming the file. */
  file(path: string, fileName: string): Promise<ExtractedDocument>;
  /** A fetched HTML page (`url` after redirects): its links and main content. */
  page(body: Buffer, contentType: string, url: string): Promise<PageContent>;
  /** A fetched sitemap: its page or sitemap locations. */
  sitemap(body: Buffer, url: string): Promise<SitemapContent>;
  /** A WordPress REST response (or its home page, for 'announced'). */
  wordpress(what: WordPressParsed['what'], body: Buffer, url: string): Promise<WordPressParsed>;
  /** A document's chunks (tokenizing is the slow part of adding text). */
  chunk(doc: { title: string; text: string }, options?: ChunkOptions): Promise<Chunk[]>;
}

/** One call, as sent to an extraction process. Buffers arrive as Uint8Array. */
export type ReadTask =
  | { kind: 'file'; path: string; fileName: string; limits: ExtractLimits }
  | { kind: 'page'; body: Uint8Array; contentType: string; url: string; maxTextChars: number }
  | { kind: 'sitemap'; body: Uint8Array; url: string }
  | { kind: 'wordpress'; what: WordPressParsed['what']; body: Uint8Array }
  | { kind: 'chunk'; title: string; text: string; options: ChunkOptions };

/** An IngestError crosses the process boundary as its message; anything else as a thrown error. */
export type ReadOutcome = { ok: true; value: unknown } | { ok: false; message: string };

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The modules each kind of task needs, imported on first use: a process that only reads pages never loads the PDF and Word readers. */
const modules = {
  file: () => import('./extract.js'),
  page: () => import('./html-page.js'),
  sitemap: () => import('./fetch-web.js'),
  wordpress: () => import('./wordpress.js'),
  chunk: () => import('./chunk.js'),
} satisfies Record<ReadTask['kind'], () => Promise<unknown>>;

/** Loads what `kind` needs (worker.ts does this before its time budget starts). */
export async function loadReader(kind: ReadTask['kind']): Promise<void> {
  await modules[kind]();
}

async function run(task: ReadTask): Promise<unknown> {
  switch (task.kind) {
    case 'file': {
      const { extractFile } = await modules.file();
      return extractFile(await readFile(task.path), task.fileName, task.limits);
    }
    case 'page': {
      const { readHtmlPage } = await modules.page();
      return readHtmlPage(asBuffer(task.body), task.contentType, task.url, task.maxTextChars);
    }
    case 'sitemap': {
      const { parseSitemap } = await modules.sitemap();
      return parseSitemap(asBuffer(task.body), task.url);
    }
    case 'wordpress': {
      const { parseWordPress } = await modules.wordpress();
      return parseWordPress(task.what, asBuffer(task.body));
    }
    case 'chunk': {
      const { chunkDocument } = await modules.chunk();
      return chunkDocument({ title: task.title, text: task.text }, task.options);
    }
  }
}

export async function runReadTask(task: ReadTask): Promise<ReadOutcome> {
  try {
    return { ok: true, value: await run(task) };
  } catch (e) {
    if (e instanceof IngestError || (e instanceof Error && e.name === 'IngestError')) return { ok: false, message: e.message };
    throw e;
  }
}

/** What a failed call was reading, for messages: "manual.pdf: reading this file". */
export function subjectOf(task: ReadTask): string {
  switch (task.kind) {
    case 'file':
      return `${task.fileName}: reading this file`;
    case 'page':
      return 'reading this page';
    case 'sitemap':
      return `Sitemap ${task.url}: reading it`;
    case 'wordpress':
      return 'reading this WordPress response';
    case 'chunk':
      return `${task.title}: splitting it into chunks`;
  }
}

/** Builds the tasks of the ContentReader calls; `execute` runs one (in a process, or here). */
export function readerOver(limits: IngestLimits, execute: (task: ReadTask) => Promise<ReadOutcome>): ContentReader {
  const call = async <T>(task: ReadTask): Promise<T> => {
    const outcome = await execute(task);
    if (!outcome.ok) throw new IngestError(outcome.message);
    return outcome.value as T;
  };
  const extractLimits: ExtractLimits = {
    maxFileBytes: limits.maxFileBytes,
    maxPdfPages: limits.maxPdfPages,
    maxUnpackedBytes: limits.maxUnpackedBytes,
    maxTextChars: limits.maxTextChars,
  };
  return {
    file: (path, fileName) => call({ kind: 'file', path, fileName, limits: extractLimits }),
    page: (body, contentType, url) => call({ kind: 'page', body, contentType, url, maxTextChars: limits.maxTextChars }),
    sitemap: (body, url) => call({ kind: 'sitemap', body, url }),
    wordpress: (what, body) => call({ kind: 'wordpress', what, body }),
    chunk: (doc, options = {}) => call({ kind: 'chunk', title: doc.title, text: doc.text, options }),
  };
}

/** The same reading on the calling thread: for unit tests of crawling and chunking logic only. */
export function createInProcessReader(limits: IngestLimits = DEFAULT_INGEST_LIMITS): ContentReader {
  return readerOver(limits, runReadTask);
}
