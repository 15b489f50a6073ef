// Uploaded files → ExtractedDocument. The type is decided by the extension and confirmed by the
// file's first bytes; every failure is an IngestError whose message the admin can act on.
import mammoth from 'mammoth';
import { IngestError, type ExtractedDocument } from './types.js';
import { extractHtml } from './html-page.js';
import { htmlToText } from './html-text.js';
import { hasReadableText } from './normalize.js';
import { readPdf } from './pdf.js';
import { decodeText, describe, readZipMember, sniff, type Sniffed } from './sniff.js';
import { csvToText, markdownToText, plainTextToText, xmlToText } from './text-formats.js';

export { extractHtml } from './html-page.js';

export const MAX_FILE_BYTES = 50 * 1024 * 1024;

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

export const SUPPORTED_TYPES_TEXT =
  'PDF (.pdf), Word (.docx), Markdown (.md), plain text (.txt), web pages (.html, .htm), CSV (.csv) and XML (.xml)';

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

function formatMb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function checkType(data: Buffer, fileName: string): Kind {
  const ext = extensionOf(fileName);
  if (data.length > MAX_FILE_BYTES) {
    throw new IngestError(
      `${fileName}: the file is ${formatMb(data.length)}, more than the 50 MB limit. Split it into smaller files and upload them separately.`,
    );
  }
  const kind = KIND_BY_EXTENSION[ext];
  if (!kind) {
    if (ext === 'doc') {
      throw new IngestError(`${fileName}: old Word .doc files can't be read. Open it in Word or LibreOffice, save it as .docx or PDF, and upload that.`);
    }
    const what = ext ? `files of type .${ext} can't be used for training` : "the file has no extension, so its type is unknown";
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

async function extractPdf(data: Buffer, fileName: string): Promise<ExtractedDocument> {
  const pdf = await readPdf(data, fileName);
  // Scanned pages are images: at most a page number or two of real text per page.
  const letters = pdf.text.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
  if (letters < Math.max(20, pdf.pages * 10)) {
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
const DOCX_STYLE_MAP = [
  "p[style-name='Title'] => h1:fresh",
  "p[style-name='Subtitle'] => p:fresh",
];

function docxCoreProperties(data: Buffer): { title: string | null; modifiedAt: string | null } {
  const core = readZipMember(data, 'docProps/core.xml')?.toString('utf8') ?? '';
  const title = /<dc:title>([^<]*)<\/dc:title>/.exec(core)?.[1]?.trim() || null;
  const modified = /<dcterms:modified[^>]*>([^<]*)</.exec(core)?.[1]?.trim();
  return {
    title: title ? htmlToText(title) : null,
    modifiedAt: modified && !Number.isNaN(Date.parse(modified)) ? new Date(modified).toISOString() : null,
  };
}

async function extractDocx(data: Buffer, fileName: string): Promise<ExtractedDocument> {
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

/** Extracts the text of an uploaded file. Throws IngestError with an admin-readable message. */
export async function extractFile(data: Buffer, fileName: string): Promise<ExtractedDocument> {
  const kind = checkType(data, fileName);
  let doc: ExtractedDocument;
  switch (kind) {
    case 'pdf':
      doc = await extractPdf(data, fileName);
      break;
    case 'docx':
      doc = await extractDocx(data, fileName);
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
  if (!hasReadableText(doc.text)) throw noText(fileName);
  return doc;
}
