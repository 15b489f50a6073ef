// Markdown, plain text, CSV and XML → normalised text.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { IngestError } from './types.js';
import { collapseSpaces, normalizeDocumentText } from './normalize.js';

const FENCE = /^\s*(```|~~~)/;

/** Applies `fn` to the lines outside fenced code blocks only. */
function mapProse(lines: string[], fn: (line: string, i: number, all: string[]) => string | null): string[] {
  const out: string[] = [];
  let inFence = false;
  lines.forEach((line, i) => {
    if (FENCE.test(line)) {
      inFence = !inFence;
      out.push(line);
      return;
    }
    if (inFence) {
      out.push(line);
      return;
    }
    const r = fn(line, i, lines);
    if (r !== null) out.push(r);
  });
  return out;
}

/** Turns "Title\n=====" and "Title\n-----" into '#'/'##' headings. `strict` (plain text) asks for a matching length. */
function setextToAtx(lines: string[], strict: boolean): string[] {
  const out: string[] = [];
  let inFence = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (FENCE.test(line)) inFence = !inFence;
    const next = lines[i + 1];
    const text = line.trim();
    if (
      !inFence &&
      next !== undefined &&
      text &&
      !/^(#|[-*+] |\d+\. |>|\|)/.test(text) &&
      /^\s{0,3}(=+|-+)\s*$/.test(next) &&
      (!strict || (next.trim().length >= 3 && Math.abs(next.trim().length - text.length) <= 3)) &&
      (i === 0 || !lines[i - 1].trim() || strict === false)
    ) {
      out.push(`${next.trim()[0] === '=' ? '#' : '##'} ${text}`);
      i++;
      continue;
    }
    out.push(line);
  }
  return out;
}

/** GFM tables become "header: value" lines, like HTML tables and CSV rows. */
function markdownTables(lines: string[]): string[] {
  const out: string[] = [];
  const cells = (l: string) =>
    l
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((c) => c.trim());
  for (let i = 0; i < lines.length; i++) {
    const sep = lines[i + 1];
    if (/^\s*\|?.*\|.*$/.test(lines[i]) && sep !== undefined && /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(sep)) {
      const headers = cells(lines[i]);
      i += 2;
      while (i < lines.length && /\|/.test(lines[i]) && lines[i].trim()) {
        const row = cells(lines[i]);
        out.push(
          row
            .map((c, k) => (c && headers[k] ? `${headers[k]}: ${c}` : c))
            .filter((c) => c)
            .join('; '),
        );
        i++;
      }
      i--;
      continue;
    }
    out.push(lines[i]);
  }
  return out;
}

const LIST_OR_BLOCK = /^\s*([-*+•]\s|\d+[.)]\s|#|>|\|)/;

/**
 * Joins hard-wrapped lines of one paragraph ("…by one package\nbut of interest…") so sentences
 * stay whole. Markdown joins every soft break; plain text only lines long enough to be wrapped.
 * The paragraph being joined is kept as parts and judged by its first and last line only, so a file
 * of a million short lines with no blank line is joined in linear time.
 */
function unwrap(lines: string[], plain: boolean): string[] {
  const out: string[] = [];
  let inFence = false;
  let parts: string[] = [];
  let first = '';
  let last = '';
  let length = 0; // of the joined paragraph, trimmed
  const flush = () => {
    if (parts.length) out.push(parts.length === 1 ? parts[0] : parts.join(' '));
  };
  for (const line of lines) {
    if (FENCE.test(line)) inFence = !inFence;
    const trimmed = line.trim();
    const joinable =
      !inFence &&
      !FENCE.test(line) &&
      parts.length > 0 &&
      first.trim() !== '' &&
      trimmed !== '' &&
      !FENCE.test(first) &&
      !/^#/.test(first.trim()) &&
      !LIST_OR_BLOCK.test(line) &&
      !/( {2}|\\)$/.test(last) &&
      (!plain || (length >= 40 && !/:$/.test(last.trim())));
    if (joinable) {
      parts[parts.length - 1] = parts[parts.length - 1].trimEnd();
      parts.push(trimmed);
      last = trimmed;
      length += 1 + trimmed.length;
    } else {
      flush();
      parts = [line];
      first = last = line;
      length = trimmed.length;
    }
  }
  flush();
  return out;
}

/**
 * MyST/Sphinx directives (```{note} … ```) hold prose, not code: their fences are dropped so the
 * text is treated (and cleaned) like any paragraph.
 */
function unfenceDirectives(lines: string[]): string[] {
  const out: string[] = [];
  let fence: 'code' | 'directive' | null = null;
  for (const line of lines) {
    if (FENCE.test(line)) {
      if (fence === null) {
        fence = /^\s*(```|~~~)\s*\{/.test(line) ? 'directive' : 'code';
        if (fence === 'directive') {
          out.push('');
          continue;
        }
      } else if (/^\s*(```|~~~)\s*$/.test(line)) {
        const was = fence;
        fence = null;
        if (was === 'directive') {
          out.push('');
          continue;
        }
      }
    }
    // Directive options (":maxdepth: 2") are configuration, not text.
    if (fence === 'directive' && /^:[\w-]+:/.test(line.trim())) continue;
    out.push(line);
  }
  return out;
}

// Inline patterns have bounded repeats: on a hostile line ("[a](" a million times) each attempt stops
// after a few hundred characters, so a line costs time in proportion to its length, never its square.
function inlineMarkdown(line: string): string {
  return line
    .replace(/\{[\w:-]{1,100}\}`([^`]{1,1000})`/g, '$1') // MyST roles: {pypi}`requests`
    .replace(/!\[[^\]]{0,1000}\]\([^)]{0,2000}\)/g, '') // images carry no answerable text
    .replace(/\[([^\]]{1,1000})\]\((?:[^()]|\([^)]{0,500}\)){0,2000}\)/g, '$1') // [text](url)
    .replace(/\[([^\]]{1,1000})\]\[[^\]]{0,500}\]/g, '$1') // [text][ref]
    .replace(/<(https?:\/\/[^>\s]{1,2000})>/g, '$1') // <https://autolink>
    .replace(/<br\s{0,20}\/?>/gi, ' ')
    .replace(/<\/?[a-zA-Z][a-zA-Z0-9-]{0,100}(\s[^<>]{0,2000})?\/?>/g, '') // inline HTML tags
    .replace(/(\*\*|__)(?=\S)([^*_]{1,2000}?)(?<=\S)\1/g, '$2') // **bold**
    .replace(/`([^`\n]{1,2000})`/g, '$1') // `code`
    .replace(/^(\s*)[*+]\s+/, '$1- ') // "* item" → "- item"
    .replace(/^\s{0,3}>\s?/, '') // blockquotes
    .replace(/^(#{1,6})\s+(.*?)\s*#*\s*$/, '$1 $2'); // "## Title ##"
}

/** Drops <!-- comments --> in one pass (a regex would rescan to the end for every unclosed "<!--"). */
function withoutHtmlComments(src: string): string {
  const kept: string[] = [];
  let pos = 0;
  for (;;) {
    const open = src.indexOf('<!--', pos);
    if (open < 0) break;
    const close = src.indexOf('-->', open + 4);
    kept.push(src.slice(pos, open));
    if (close < 0) return kept.join(''); // unclosed: the rest is comment, as in HTML
    pos = close + 3;
  }
  kept.push(src.slice(pos));
  return kept.join('');
}

export function markdownToText(src: string): { title: string | null; text: string } {
  let body = src.replace(/\r\n?/g, '\n');
  let title: string | null = null;
  // YAML front matter: keep its title, drop the rest.
  const fm = /^---\n([\s\S]*?)\n(---|\.\.\.)\n/.exec(body);
  if (fm) {
    const t = /^title:\s*["']?(.+?)["']?\s*$/m.exec(fm[1]);
    if (t) title = t[1].trim();
    body = body.slice(fm[0].length);
  }
  body = withoutHtmlComments(body);
  let lines = unfenceDirectives(setextToAtx(body.split('\n'), false));
  lines = markdownTables(lines);
  // Link definitions and horizontal rules carry no text.
  lines = mapProse(lines, (l) => (/^\s{0,3}\[[^\]]+\]:\s*\S+/.test(l) || /^\s{0,3}([-*_]\s*){3,}$/.test(l) ? null : l));
  // Joined before inline clean-up: a link's text may wrap onto the next line.
  lines = mapProse(unwrap(lines, false), (l) => inlineMarkdown(l));
  const text = normalizeDocumentText(lines.join('\n'));
  title ??= /^# (.+)$/m.exec(text)?.[1] ?? null;
  return { title, text };
}

export function plainTextToText(src: string): { title: string | null; text: string } {
  const lines = setextToAtx(src.replace(/\r\n?/g, '\n').split('\n'), true).map((l) => l.replace(/^\s*[*•]\s+/, '- ')); // indentation of plain-text bullets says nothing reliable
  const text = normalizeDocumentText(unwrap(lines, true).join('\n'));
  return { title: /^#{1,2} (.+)$/m.exec(text)?.[1] ?? null, text };
}

/** Parses CSV (RFC 4180 quoting); the delimiter is whichever of , ; tab | splits the header best. */
export function parseCsv(src: string): string[][] {
  const firstLine = src.split('\n', 1)[0] ?? '';
  const delims = [',', ';', '\t', '|'];
  const delim = delims.reduce((best, d) => (firstLine.split(d).length > firstLine.split(best).length ? d : best), ',');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delim) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

/** Each row becomes a block of "header: value" lines, so it reads (and embeds) as one fact. */
export function csvToText(src: string): string {
  const rows = parseCsv(src);
  if (!rows.length) return '';
  const headers = rows[0].map((h, i) => collapseSpaces(h) || `Column ${i + 1}`);
  if (rows.length === 1) return normalizeDocumentText(headers.join(', '));
  const blocks = rows.slice(1).map((r) =>
    r
      .map((v, i) => [headers[i] ?? `Column ${i + 1}`, collapseSpaces(v)] as const)
      .filter(([, v]) => v !== '')
      .map(([h, v]) => `${h}: ${v}`)
      .join('\n'),
  );
  return normalizeDocumentText(blocks.filter((b) => b).join('\n\n'));
}

type XmlNode = Record<string, unknown>;

/** Text content of an XML file, one text node a line, markup and comments ignored. */
export function xmlToText(src: string, fileName: string): { title: string | null; text: string } {
  const valid = XMLValidator.validate(src);
  if (valid !== true) {
    const where = valid.err.line ? ` (line ${valid.err.line})` : '';
    throw new IngestError(`${fileName}: this XML file is malformed${where}, so its text can't be read. Check that it was saved completely.`);
  }
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    trimValues: true,
    processEntities: true,
    htmlEntities: true,
  });
  const tree = parser.parse(src) as XmlNode[];
  const lines: string[] = [];
  let title: string | null = null;
  const walk = (nodes: XmlNode[], parent: string) => {
    for (const n of nodes) {
      for (const [key, value] of Object.entries(n)) {
        if (key === ':@') continue;
        if (key === '#text') {
          const t = collapseSpaces(String(value));
          if (t) {
            lines.push(t);
            if (!title && /^(title|name|dc:title)$/i.test(parent)) title = t;
          }
        } else if (Array.isArray(value)) walk(value as XmlNode[], key);
      }
    }
  };
  walk(tree, '');
  return { title, text: normalizeDocumentText(lines.join('\n')) };
}
