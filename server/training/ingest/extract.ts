// Uploaded files → ExtractedDocument. The type is decided by the extension and confirmed by the
// file's first bytes; every failure is an IngestError whose message the admin can act on.
import mammoth from 'mammoth';
import { IngestError, type ExtractedDocument } from './types.js';
import { extractHtml } from './html-page.js';
import { htmlToText } from './html-text.js';
import { countLetters, hasReadableText } from './normalize.js';
import { readPdf } from './pdf.js';
import { decodeText, describe, sniff, type Sniffed } from './sniff.js';
import { csvToText, markdownToText, plainTextToText, xmlToText } from './text-formats.js';
import { DEFAULT_INGEST_LIMITS, formatCount, formatMb, tooMuchText, type IngestLimits } from './limits.js';
import { readZipMember, unpackedSize, zipEntries, ZipLayoutError } from './zip.js';

export { extractHtml } from './html-page.js';

/** The limits that apply while one file is read (the process-level ones are the pool's). */
export type ExtractLimits = Pick<IngestLimits, 'maxFileBytes' | 'maxPdfPages' | 'maxUnpackedBytes' | 'maxTextChars'>;

// A real .docx has a few dozen parts; thousands are only there to slow a reader down.
const MAX_DOCX_PARTS = 10_000;

type Kind = 'pdf' | 'docx' | 'markdown' | 'text' | 'html' | 'csv' | 'xml';

const KIND_BY_EXTENSION: Record<string, Kind> = {
  pdf: 'pdf',
  docx: 'docx',
  md: 'markdown',
  markdown: 'markdown',
  mdown: 'markdown',
  mkd: 'markdown',
  txt: 'text',
  text: 'text',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  csv: 'csv',
  tsv: 'csv',
  xml: 'xml',
};

export const SUPPORTED_TYPES_TEXT = 'PDF (.pdf), Word (.docx), Markdown (.md), plain text (.txt), web pages (.html, .htm), CSV (.csv) and XML (.xml)';

// Which sniffed contents each kind accepts (text formats are not picky about each other).
const ACCEPTS: Record<Kind, Sniffed[]> = {
  pdf: ['pdf'],
  docx: ['docx'],
  markdown: ['text', 'html'],
  text: ['text', 'html'],
  html: ['html', 'text'],
  csv: ['text'],
  xml: ['text', 'html'],
};

const KIND_NAME: Record<Kind, string> = {
  pdf: 'a PDF',
  docx: 'a Word document',
  markdown: 'a Markdown file',
  text: 'a text file',
  html: 'a web page',
  csv: 'a CSV file',
  xml: 'an XML file',
};

function extensionOf(fileName: string): string {
  const m = /\.([^./\\]+)$/.exec(fileName);
  return m ? m[1].toLowerCase() : '';
}

function baseName(fileName: string): string {
  return fileName.replace(/^.*[/\\]/, '').replace(/\.[^.]+$/, '') || fileName;
}

/** The error for a file over MAX_UPLOAD_MB (also used while the upload streams in). */
export function fileTooLarge(fileName: string, maxFileBytes: number, size?: number): IngestError {
  const is = size === undefined ? 'is larger than' : `is ${(size / (1024 * 1024)).toFixed(1)} MB, more than`;
  return new IngestError(
    `${fileName}: the file ${is} ${formatMb(maxFileBytes)}, the limit for one file (MAX_UPLOAD_MB). Split it into smaller files, or raise MAX_UPLOAD_MB.`,
  );
}

function checkType(data: Buffer, fileName: string, limits: ExtractLimits): Kind {
  const ext = extensionOf(fileName);
  if (data.length > limits.maxFileBytes) throw fileTooLarge(fileName, limits.maxFileBytes, data.length);
  const kind = KIND_BY_EXTENSION[ext];
  if (!kind) {
    if (ext === 'doc') {
      throw new IngestError(`${fileName}: old Word .doc files can't be read. Open it in Word or LibreOffice, save it as .docx or PDF, and upload that.`);
    }
    const what = ext ? `files of type .${ext} can't be used for training` : 'the file has no extension, so its type is unknown';
    throw new IngestError(`${fileName}: ${what}. Supported types: ${SUPPORTED_TYPES_TEXT}.`);
  }
  if (data.length === 0) throw new IngestError(`${fileName}: the file is empty.`);
  const actual = sniff(data);
  if (!ACCEPTS[kind].includes(actual)) {
    if (kind === 'docx' && actual === 'ole') {
      throw new IngestError(
        `${fileName}: this Word file is password-protected or in the old .doc format, so it can't be read. Remove the password or save it as a normal .docx, then upload it again.`,
      );
    }
    throw new IngestError(
      `${fileName}: the name says ${KIND_NAME[kind]} (.${extensionOf(fileName)}), but the contents look like ${describe(actual)}. Upload the original file, or rename it to its real type.`,
    );
  }
  return kind;
}

function noText(fileName: string): IngestError {
  return new IngestError(`${fileName}: no readable text was found in this file.`);
}

function firstHeading(text: string): string | null {
  // Only a heading the document starts with names the whole document.
  const m = /^#{1,3} (.+)$/.exec(text.split('\n', 1)[0] ?? '');
  return m ? m[1] : null;
}

async function extractPdf(data: Buffer, fileName: string, limits: ExtractLimits): Promise<ExtractedDocument> {
  const pdf = await readPdf(data, fileName, limits);
  // Scanned pages are images: at most a page number or two of real text per page.
  const needed = Math.max(20, pdf.pages * 10);
  if (countLetters(pdf.text, needed) < needed) {
    throw new IngestError(
      `${fileName}: this PDF has no text layer (it looks scanned), so there is nothing to read. Upload a PDF with selectable text (run it through OCR first) or paste the text instead.`,
    );
  }
  return {
    title: pdf.title ?? firstHeading(pdf.text) ?? baseName(fileName),
    url: null,
    fileName,
    text: pdf.text,
    modifiedAt: pdf.modifiedAt,
    sourceKey: fileName,
  };
}

// Word styles that mammoth doesn't map by default but that carry structure.
const DOCX_STYLE_MAP = ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => p:fresh"];

function docxCoreProperties(data: Buffer): { title: string | null; modifiedAt: string | null } {
  const core = readZipMember(data, 'docProps/core.xml')?.toString('utf8') ?? '';
  const title = /<dc:title>([^<]*)<\/dc:title>/.exec(core)?.[1]?.trim() || null;
  const modified = /<dcterms:modified[^>]*>([^<]*)</.exec(core)?.[1]?.trim();
  return {
    title: title ? htmlToText(title) : null,
    modifiedAt: modified && !Number.isNaN(Date.parse(modified)) ? new Date(modified).toISOString() : null,
  };
}

/**
 * Checks what a Word file unpacks to before mammoth unpacks it in memory. Images and embedded files
 * are never unpacked (they carry no text and are skipped), so only the document's own parts count.
 */
async function checkDocxUnpackedSize(data: Buffer, fileName: string, maxUnpackedBytes: number): Promise<void> {
  let entries: ReturnType<typeof zipEntries>;
  try {
    entries = zipEntries(data, MAX_DOCX_PARTS);
  } catch (e) {
    if (!(e instanceof ZipLayoutError)) throw e;
    const why =
      e.message === `more than ${MAX_DOCX_PARTS} members`
        ? `it has more than ${formatCount(MAX_DOCX_PARTS)} parts, far more than any real document`
        : e.message === 'ZIP64 layout'
          ? 'it uses a ZIP64 layout, which Word files never need'
          : 'it is damaged or not a real .docx';
    throw new IngestError(`${fileName}: this Word file can't be read: ${why}. Open it in Word or LibreOffice and save it again.`);
  }
  let total = 0;
  for (const entry of entries) {
    if (/^word\/(media|embeddings)\//.test(entry.name)) continue;
    total += await unpackedSize(data, entry, maxUnpackedBytes - total);
    if (total > maxUnpackedBytes) {
      throw new IngestError(
        `${fileName}: this Word file unpacks to more than ${formatMb(maxUnpackedBytes)} of document content, the limit (MAX_UNPACKED_MB), so it was not read. A normal document unpacks to far less; if this one is genuine, split it or raise MAX_UNPACKED_MB.`,
      );
    }
  }
}

async function extractDocx(data: Buffer, fileName: string, limits: ExtractLimits): Promise<ExtractedDocument> {
  await checkDocxUnpackedSize(data, fileName, limits.maxUnpackedBytes);
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: data },
      {
        styleMap: DOCX_STYLE_MAP,
        // Images carry no text; skipping them keeps a 50 MB file from turning into 70 MB of base64.
        convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
      },
    );
    html = result.value;
  } catch {
    throw new IngestError(`${fileName}: this Word file is damaged or not a real .docx, so it can't be read. Open it in Word or LibreOffice and save it again.`);
  }
  // Tables of contents repeat every heading with a page number ("2.1 Vocabulary\t8"): noise for answers.
  html = html.replace(/<p>(?:<a href="#[^"]*">)?[^<]{1,150}\t\s*\d{1,4}(?:<\/a>)?<\/p>/g, '');
  const text = htmlToText(html);
  const core = docxCoreProperties(data);
  return {
    title: core.title ?? firstHeading(text) ?? baseName(fileName),
    url: null,
    fileName,
    text,
    modifiedAt: core.modifiedAt,
    sourceKey: fileName,
  };
}

function textDocument(fileName: string, title: string | null, text: string): ExtractedDocument {
  return { title: title ?? baseName(fileName), url: null, fileName, text, modifiedAt: null, sourceKey: fileName };
}

/**
 * Extracts the text of an uploaded file. Throws IngestError with an admin-readable message. Runs in an
 * extraction process (see pool.ts), never on the server's event loop.
 */
export async function extractFile(data: Buffer, fileName: string, limits: ExtractLimits = DEFAULT_INGEST_LIMITS): Promise<ExtractedDocument> {
  const kind = checkType(data, fileName, limits);
  let doc: ExtractedDocument;
  switch (kind) {
    case 'pdf':
      doc = await extractPdf(data, fileName, limits);
      break;
    case 'docx':
      doc = await extractDocx(data, fileName, limits);
      break;
    case 'html': {
      const page = extractHtml(decodeText(data), null, fileName);
      doc = { ...page, sourceKey: fileName };
      break;
    }
    case 'markdown': {
      const md = markdownToText(decodeText(data));
      doc = textDocument(fileName, md.title, md.text);
      break;
    }
    case 'text': {
      const t = plainTextToText(decodeText(data));
      doc = textDocument(fileName, t.title, t.text);
      break;
    }
    case 'csv':
      doc = textDocument(fileName, null, csvToText(decodeText(data)));
      break;
    case 'xml': {
      const x = xmlToText(decodeText(data), fileName);
      doc = textDocument(fileName, x.title, x.text);
      break;
    }
  }
  if (doc.text.length > limits.maxTextChars) throw tooMuchText(fileName, limits.maxTextChars);
  if (!hasReadableText(doc.text)) throw noText(fileName);
  return doc;
}
