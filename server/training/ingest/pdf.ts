// PDF → normalised text with unpdf (PDF.js). PDF has no paragraphs or headings, only positioned
// text, so they are rebuilt from layout: lines larger than the body font become '#' headings,
// vertical gaps start new paragraphs, and page numbers and running headers/footers are dropped
// (they would otherwise land in the middle of passages).
import { extractTextItems, getDocumentProxy, getMeta } from 'unpdf';
import { IngestError } from './types.js';
import { cleanChars, collapseSpaces, normalizeDocumentText } from './normalize.js';

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
  const headingSizes = [...new Set(all.filter((l) => looksLikeHeading(l, body)).map((l) => Math.round(l.fontSize)))]
    .sort((a, b) => b - a)
    .slice(0, 6);

  const blocks: string[] = [];
  let para: string[] = [];
  let prev: Line | null = null;
  const flush = () => {
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
        const last = blocks[blocks.length - 1];
        const marker = '#'.repeat(level + 1) + ' ';
        if (!para.length && prev && prev.page === l.page && last?.startsWith(marker) && Math.round(prev.fontSize) === Math.round(l.fontSize)) {
          blocks[blocks.length - 1] = `${last} ${l.text}`;
        } else {
          flush();
          blocks.push(marker + l.text);
        }
        prev = l;
        continue;
      }
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

/** Joins the lines of one paragraph, undoing end-of-line hyphenation ("configu-\nration"). */
function joinLines(lines: string[]): string {
  let out = '';
  for (const l of lines) {
    if (!out) out = l;
    else if (l.startsWith('- ')) out += '\n' + l;
    else if (/\p{Ll}-$/u.test(out) && /^\p{Ll}/u.test(l)) out = out.slice(0, -1) + l;
    else out += ' ' + l;
  }
  return out;
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

export async function readPdf(data: Buffer, fileName: string): Promise<PdfText> {
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
    let info: Record<string, unknown> = {};
    try {
      info = (await getMeta(pdf)).info ?? {};
    } catch {
      info = {}; // broken metadata shouldn't stop the text
    }
    let pageItems: Item[][];
    try {
      pageItems = (await extractTextItems(pdf)).items as Item[][];
    } catch {
      throw new IngestError(`${fileName}: this PDF is damaged and its text can't be read. Try exporting it again from the program that made it.`);
    }
    const pages = pageItems.map((items, i) => toLines(items, i));
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
