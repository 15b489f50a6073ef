// PDF → normalised text with unpdf (PDF.js). PDF has no paragraphs or headings, only positioned
// text, so they are rebuilt from layout: lines larger than the body font become '#' headings,
// vertical gaps start new paragraphs, and page numbers and running headers/footers are dropped
// (they would otherwise land in the middle of passages).
import { getDocumentProxy, getMeta } from 'unpdf';
import { IngestError } from './types.js';
import { cleanChars, collapseSpaces, normalizeDocumentText } from './normalize.js';
import { formatCount, formatMb, tooMuchText, type IngestLimits } from './limits.js';
import { inflatedSize } from './unpack.js';

export type PdfLimits = Pick<IngestLimits, 'maxPdfPages' | 'maxUnpackedBytes' | 'maxTextChars'>;

interface Item {
  str: string;
  x: number;
  y: number;
  width: number;
  height: number;
  fontSize: number;
  hasEOL: boolean;
}

interface Line {
  text: string;
  y: number;
  fontSize: number;
  page: number;
}

export interface PdfText {
  title: string | null;
  text: string;
  pages: number;
  modifiedAt: string | null;
}

function errorName(e: unknown): string {
  return e && typeof e === 'object' && 'name' in e ? String((e as { name: unknown }).name) : '';
}

/** Groups PDF.js text items into visual lines. */
function toLines(items: Item[], page: number): Line[] {
  const lines: Line[] = [];
  let cur: { parts: string[]; y: number; fontSize: number; endX: number } | null = null;
  const finish = () => {
    if (cur) {
      const text = collapseSpaces(cleanChars(cur.parts.join('')));
      if (text) lines.push({ text, y: cur.y, fontSize: cur.fontSize, page });
    }
    cur = null;
  };
  for (const it of items) {
    if (it.str) {
      const size = it.fontSize || it.height || 0;
      if (cur && Math.abs(it.y - cur.y) > Math.max(2, size * 0.5)) finish(); // moved to another line
      if (!cur) cur = { parts: [], y: it.y, fontSize: 0, endX: it.x };
      // Items on one line may be separate words without a space item between them.
      const prev = cur.parts[cur.parts.length - 1] ?? '';
      if (prev && !/\s$/.test(prev) && !/^\s/.test(it.str) && it.x - cur.endX > size * 0.15) cur.parts.push(' ');
      cur.parts.push(it.str);
      if (it.str.trim()) cur.fontSize = Math.max(cur.fontSize, size);
      cur.endX = it.x + it.width;
    }
    if (it.hasEOL) finish();
  }
  finish();
  return lines;
}

/** The font size most of the text is set in: anything clearly larger is a heading. */
function bodyFontSize(lines: Line[]): number {
  const weight = new Map<number, number>();
  for (const l of lines) {
    const k = Math.round(l.fontSize * 2) / 2;
    weight.set(k, (weight.get(k) ?? 0) + l.text.length);
  }
  let best = 0;
  let bestW = -1;
  for (const [k, w] of weight) if (w > bestW || (w === bestW && k < best)) [best, bestW] = [k, w];
  return best;
}

/** Normalised key of a line for spotting running headers/footers ("Page 3 of 10" → "page # of #"). */
function repeatKey(text: string): string {
  return text.toLowerCase().replace(/\d+/g, '#');
}

function isPageNumber(text: string): boolean {
  return /^(page\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?(\s*(of|\/)\s*\d{1,4})?$/i.test(text) || /^[ivxlc]{1,6}$/i.test(text);
}

function looksLikeHeading(l: Line, body: number): boolean {
  if (l.fontSize < body * 1.15 || l.fontSize - body < 1) return false;
  if (l.text.length > 120 || !/\p{L}/u.test(l.text)) return false;
  return !/[.,;:]$/.test(l.text) || /^\d+(\.\d+)*\.?\s/.test(l.text);
}

function linesToText(pages: Line[][]): string {
  const all = pages.flat();
  if (!all.length) return '';
  const body = bodyFontSize(all);

  // Running headers/footers: the same short line at the top or bottom of most pages.
  const counts = new Map<string, number>();
  for (const p of pages) {
    const edge = new Set([...p.slice(0, 2), ...p.slice(-2)].map((l) => repeatKey(l.text)));
    for (const k of edge) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const running = new Set([...counts].filter(([, n]) => pages.length >= 4 && n >= pages.length * 0.5).map(([k]) => k));

  // Heading levels: the distinct heading sizes, largest first (at most 6 levels).
  const headingSizes = [...new Set(all.filter((l) => looksLikeHeading(l, body)).map((l) => Math.round(l.fontSize)))].sort((a, b) => b - a).slice(0, 6);

  const blocks: string[] = [];
  let para: string[] = [];
  let prev: Line | null = null;
  // A heading wrapped over several lines is collected here and joined once (linear however long).
  let heading: { marker: string; parts: string[] } | null = null;
  const flush = () => {
    if (heading) blocks.push(heading.marker + heading.parts.join(' '));
    heading = null;
    if (para.length) blocks.push(joinLines(para));
    para = [];
  };
  for (const p of pages) {
    for (let i = 0; i < p.length; i++) {
      const l = p[i];
      const atEdge = i < 2 || i >= p.length - 2;
      if (isPageNumber(l.text) || (atEdge && running.has(repeatKey(l.text)))) continue;
      const level = looksLikeHeading(l, body) ? headingSizes.indexOf(Math.round(l.fontSize)) : -1;
      if (level >= 0) {
        // Consecutive heading lines of the same size are one wrapped heading.
        const marker = `${'#'.repeat(level + 1)} `;
        const h = heading as { marker: string; parts: string[] } | null;
        if (h && !para.length && prev && prev.page === l.page && h.marker === marker && Math.round(prev.fontSize) === Math.round(l.fontSize)) {
          h.parts.push(l.text);
        } else {
          flush();
          heading = { marker, parts: [l.text] };
        }
        prev = l;
        continue;
      }
      if (heading) flush();
      const bullet = /^[•▪●◦■□‣∙·\-–*]\s*/.test(l.text);
      const gap = prev && prev.page === l.page ? prev.y - l.y : 0;
      const lineHeight = Math.max(l.fontSize, 1) * 1.2;
      const newPara =
        !prev ||
        bullet ||
        (prev.page === l.page && (gap > lineHeight * 1.45 || gap < -lineHeight)) ||
        Math.abs(prev.fontSize - l.fontSize) > 1.5 ||
        (prev.page !== l.page && /[.!?:]$/.test(para[para.length - 1] ?? '.'));
      // Bullets of one list stay in one block (one item a line), however they are spaced.
      const continuesList = bullet && /^- /.test(para[0] ?? '');
      if (newPara && !continuesList) flush();
      para.push(bullet ? l.text.replace(/^[•▪●◦■□‣∙·\-–*]\s*/, '- ') : l.text);
      prev = l;
    }
  }
  flush();
  return blocks.join('\n\n');
}

/**
 * Joins the lines of one paragraph, undoing end-of-line hyphenation ("configu-\nration"). Looks only
 * at the previous line, never at the text joined so far: a paragraph of a million lines stays linear.
 */
function joinLines(lines: string[]): string {
  const parts: string[] = [];
  let prev = '';
  for (const l of lines) {
    if (!parts.length) parts.push(l);
    else if (l.startsWith('- ')) parts.push('\n', l);
    else if (/\p{Ll}-$/u.test(prev) && /^\p{Ll}/u.test(l)) {
      parts[parts.length - 1] = parts[parts.length - 1].slice(0, -1);
      parts.push(l);
    } else parts.push(' ', l);
    prev = l;
  }
  return parts.join('');
}

function pdfDate(v: unknown): string | null {
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString();
  if (typeof v !== 'string') return null;
  // PDF dates look like D:20240131120000+01'00'
  const m = /^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?/.exec(v);
  if (!m) return null;
  const d = new Date(Date.UTC(+m[1], +(m[2] ?? 1) - 1, +(m[3] ?? 1), +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Metadata titles that are really file names of the authoring tool ("manual.dvi", "Microsoft Word - x.doc"). */
function usableTitle(t: unknown): string | null {
  if (typeof t !== 'string') return null;
  const s = collapseSpaces(cleanChars(t));
  if (!s || s.length > 200) return null;
  if (/\.(dvi|docx?|odt|tex|rtf|indd|pages|pdf|ps|qxd|txt)$/i.test(s) || /^(untitled|microsoft word - )/i.test(s)) return null;
  return s;
}

/** What text extraction will decode: every Flate stream but images (PDF.js never decodes those for text). */
function decodedForText(dict: string): boolean {
  return /\/(FlateDecode|Fl)\b/.test(dict) && !/\/Subtype\s*\/Image\b/.test(dict);
}

/**
 * Adds up what the PDF's compressed streams unpack to before PDF.js sees them: a stream that inflates
 * to hundreds of megabytes (a "PDF bomb") is refused with a clear message instead of filling memory.
 * The scan is linear: each stream is found once and inflated in pieces that are counted, not kept.
 */
export async function checkPdfUnpackedSize(data: Buffer, fileName: string, maxUnpackedBytes: number): Promise<void> {
  let total = 0;
  let pos = 0;
  while ((pos = data.indexOf('stream', pos, 'latin1')) !== -1) {
    const keywordEnd = pos + 6;
    const isEnd = pos >= 3 && data.toString('latin1', pos - 3, pos) === 'end';
    const start =
      data[keywordEnd] === 0x0d && data[keywordEnd + 1] === 0x0a
        ? keywordEnd + 2
        : data[keywordEnd] === 0x0a || data[keywordEnd] === 0x0d
          ? keywordEnd + 1
          : -1;
    if (isEnd || start < 0) {
      pos = keywordEnd;
      continue;
    }
    // The stream's dictionary: the text since its "obj" keyword (a few hundred bytes in practice).
    const window = data.toString('latin1', Math.max(0, pos - 4096), pos);
    const dict = window.slice(window.lastIndexOf(' obj') + 1);
    const declared = /\/Length\s+(\d+)(?!\s+\d+\s+R)/.exec(dict);
    let end = declared ? start + Number(declared[1]) : -1;
    // Trust /Length only when "endstream" follows it closely; else search (both scans stay linear).
    if (end < start || end > data.length || !data.subarray(end, end + 24).includes('endstream')) end = data.indexOf('endstream', start, 'latin1');
    if (end < 0) break;
    if (decodedForText(dict)) {
      total += await inflatedSize(data.subarray(start, end), maxUnpackedBytes - total, 'zlib');
      if (total > maxUnpackedBytes) {
        throw new IngestError(
          `${fileName}: this PDF unpacks to more than ${formatMb(maxUnpackedBytes)} of page content, the limit (MAX_UNPACKED_MB), so it was not read. A normal document unpacks to far less; if this one is genuine, split it or raise MAX_UNPACKED_MB.`,
        );
      }
    }
    pos = end;
  }
}

/** One page's text items, as unpdf's extractTextItems gives them, read one page at a time. */
async function pageItems(pdf: Awaited<ReturnType<typeof getDocumentProxy>>, pageNumber: number): Promise<Item[]> {
  const page = await pdf.getPage(pageNumber);
  try {
    const content = await page.getTextContent();
    const items: Item[] = [];
    for (const item of content.items) {
      if (!('str' in item) || item.str == null) continue;
      const [, , c, d, e, f] = item.transform as number[];
      items.push({ str: item.str, x: e, y: f, width: item.width, height: item.height, fontSize: Math.hypot(c, d), hasEOL: item.hasEOL });
    }
    return items;
  } finally {
    // Pages are read one by one and let go: memory stays that of one page, not of the whole file.
    page.cleanup();
  }
}

export async function readPdf(data: Buffer, fileName: string, limits: PdfLimits): Promise<PdfText> {
  await checkPdfUnpackedSize(data, fileName, limits.maxUnpackedBytes);
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // A copy: PDF.js takes ownership of (detaches) the buffer it is given.
    pdf = await getDocumentProxy(new Uint8Array(data), { verbosity: 0, isEvalSupported: false });
  } catch (e) {
    const name = errorName(e);
    if (name === 'PasswordException') {
      throw new IngestError(
        `${fileName}: this PDF is password-protected, so its text can't be read. Remove the password (for example by printing it to a new PDF) and upload it again.`,
      );
    }
    throw new IngestError(`${fileName}: this PDF is damaged or incomplete and can't be read. Try exporting it again from the program that made it.`);
  }
  try {
    if (pdf.numPages > limits.maxPdfPages) {
      throw new IngestError(
        `${fileName}: this PDF has ${formatCount(pdf.numPages)} pages; the limit is ${formatCount(limits.maxPdfPages)}. Split it into smaller PDFs, or raise MAX_PDF_PAGES.`,
      );
    }
    let info: Record<string, unknown> = {};
    try {
      info = (await getMeta(pdf)).info ?? {};
    } catch {
      info = {}; // broken metadata shouldn't stop the text
    }
    const pages: Line[][] = [];
    let chars = 0;
    for (let n = 1; n <= pdf.numPages; n++) {
      let items: Item[];
      try {
        items = await pageItems(pdf, n);
      } catch {
        throw new IngestError(`${fileName}: this PDF is damaged and its text can't be read. Try exporting it again from the program that made it.`);
      }
      const lines = toLines(items, n - 1);
      for (const l of lines) chars += l.text.length + 1;
      if (chars > limits.maxTextChars) throw tooMuchText(fileName, limits.maxTextChars);
      pages.push(lines);
    }
    const text = normalizeDocumentText(linesToText(pages));
    return {
      title: usableTitle(info.Title),
      text,
      pages: pdf.numPages,
      modifiedAt: pdfDate(info.ModDate) ?? pdfDate(info.CreationDate),
    };
  } finally {
    await pdf.destroy().catch(() => undefined);
  }
}
