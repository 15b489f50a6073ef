// What a file really is, from its first bytes, so a renamed file gets a clear message instead of
// a parser's stack trace. Also: decoding text files whose encoding nobody told us.

export type Sniffed =
  | 'pdf'
  | 'docx'
  | 'xlsx'
  | 'pptx'
  | 'odf'
  | 'zip'
  | 'ole'
  | 'png'
  | 'jpeg'
  | 'gif'
  | 'webp'
  | 'gzip'
  | 'archive'
  | 'executable'
  | 'media'
  | 'binary'
  | 'html'
  | 'text';

function startsWith(buf: Buffer, bytes: number[] | string, at = 0): boolean {
  const b = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
  return buf.length >= at + b.length && buf.subarray(at, at + b.length).equals(b);
}

export function sniff(buf: Buffer): Sniffed {
  // PDF readers accept the header anywhere in the first kilobyte.
  if (buf.subarray(0, 1024).includes('%PDF-')) return 'pdf';
  if (startsWith(buf, [0x50, 0x4b, 0x03, 0x04]) || startsWith(buf, [0x50, 0x4b, 0x05, 0x06])) {
    // ZIP stores member names uncompressed, so a plain byte search tells the Office formats apart.
    if (buf.includes('word/document') || buf.includes('word/_rels')) return 'docx';
    if (buf.includes('xl/workbook')) return 'xlsx';
    if (buf.includes('ppt/presentation')) return 'pptx';
    if (buf.includes('application/vnd.oasis.opendocument')) return 'odf';
    return 'zip';
  }
  if (startsWith(buf, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'ole';
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47])) return 'png';
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(buf, 'GIF8')) return 'gif';
  if (startsWith(buf, 'RIFF') && startsWith(buf, 'WEBP', 8)) return 'webp';
  if (startsWith(buf, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(buf, 'Rar!') || startsWith(buf, [0x37, 0x7a, 0xbc, 0xaf]) || startsWith(buf, 'ustar', 257)) return 'archive';
  if (startsWith(buf, [0x7f, 0x45, 0x4c, 0x46]) || startsWith(buf, 'MZ')) return 'executable';
  if (startsWith(buf, 'ID3') || startsWith(buf, 'ftyp', 4) || startsWith(buf, 'OggS') || startsWith(buf, [0x1a, 0x45, 0xdf, 0xa3])) return 'media';
  const head = buf.subarray(0, 8192);
  const utf16 = startsWith(buf, [0xff, 0xfe]) || startsWith(buf, [0xfe, 0xff]);
  if (!utf16 && head.includes(0)) return 'binary';
  const start = decodeText(head).slice(0, 2048).trimStart().toLowerCase();
  if (/^(<!doctype html|<html[\s>])/.test(start) || (/^<!--/.test(start) && /<html[\s>]/.test(start))) return 'html';
  return 'text';
}

/** "it looks like …" for error messages. */
export function describe(kind: Sniffed): string {
  switch (kind) {
    case 'pdf':
      return 'a PDF';
    case 'docx':
      return 'a Word document (.docx)';
    case 'xlsx':
      return 'an Excel spreadsheet';
    case 'pptx':
      return 'a PowerPoint presentation';
    case 'odf':
      return 'an OpenDocument (LibreOffice) file';
    case 'zip':
      return 'a ZIP archive';
    case 'ole':
      return 'an old-format Office file (.doc, .xls) or a password-protected Office file';
    case 'png':
      return 'a PNG image';
    case 'jpeg':
      return 'a JPEG image';
    case 'gif':
      return 'a GIF image';
    case 'webp':
      return 'a WebP image';
    case 'gzip':
      return 'a compressed .gz file';
    case 'archive':
      return 'a compressed archive';
    case 'executable':
      return 'a program';
    case 'media':
      return 'an audio or video file';
    case 'binary':
      return 'a binary (non-text) file';
    case 'html':
      return 'a web page (HTML)';
    case 'text':
      return 'a plain text file';
  }
}

/**
 * Decodes a text file: BOMs decide when present, then strict UTF-8, and Windows-1252 as the
 * fallback (what old exports from Excel and Notepad usually are).
 */
export function decodeText(buf: Buffer): string {
  if (startsWith(buf, [0xef, 0xbb, 0xbf])) return new TextDecoder('utf-8').decode(buf.subarray(3));
  if (startsWith(buf, [0xff, 0xfe])) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (startsWith(buf, [0xfe, 0xff])) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return new TextDecoder('windows-1252').decode(buf);
  }
}
