// HTML → normalised Markdown-style text. Used for web pages (after Readability), Word files
// (mammoth gives HTML) and WordPress content. Headings become '#' lines so the chunker can follow
// them; lists become '- ' lines; table rows become "header: value" lines so each row reads as a fact.
import { parseHTML } from 'linkedom';
import { collapseSpaces, normalizeDocumentText, withoutTrailingPilcrows } from './normalize.js';

// The server build has no DOM type library, so the few DOM members used here are declared locally.
export interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
  parentNode: DomNode | null;
}
export interface DomElement extends DomNode {
  tagName: string;
  children: ArrayLike<DomElement>;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  hasAttribute(name: string): boolean;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  closest(selector: string): DomElement | null;
  remove(): void;
  toString(): string;
}
export interface DomDocument extends DomElement {
  documentElement: DomElement;
  body: DomElement | null;
  head: DomElement | null;
  title: string;
}

const ELEMENT = 1;
const TEXT = 3;

/** Parses HTML into a linkedom document; fragments are wrapped so body/head always exist. */
export function parseDocument(html: string): DomDocument {
  const full = /<html[\s>]/i.test(html) ? html : `<!DOCTYPE html><html><head></head><body>${html}</body></html>`;
  return parseHTML(full).document as unknown as DomDocument;
}

// Never content: code, styling, embedded media and form controls.
const SKIP = new Set([
  'SCRIPT',
  'STYLE',
  'NOSCRIPT',
  'TEMPLATE',
  'SVG',
  'CANVAS',
  'IFRAME',
  'OBJECT',
  'EMBED',
  'HEAD',
  'TITLE',
  'META',
  'LINK',
  'BUTTON',
  'SELECT',
  'INPUT',
  'TEXTAREA',
  'OPTION',
  'MAP',
  'AUDIO',
  'VIDEO',
  'SOURCE',
  'TRACK',
]);
const BLOCK = new Set([
  'ADDRESS',
  'ARTICLE',
  'ASIDE',
  'BLOCKQUOTE',
  'BODY',
  'CAPTION',
  'CENTER',
  'DD',
  'DETAILS',
  'DIALOG',
  'DIV',
  'DL',
  'DT',
  'FIELDSET',
  'FIGCAPTION',
  'FIGURE',
  'FOOTER',
  'FORM',
  'HEADER',
  'HGROUP',
  'HTML',
  'LEGEND',
  'MAIN',
  'NAV',
  'P',
  'SECTION',
  'SUMMARY',
]);

function isHidden(el: DomElement): boolean {
  if (el.hasAttribute('hidden') || el.getAttribute('aria-hidden') === 'true') return true;
  const style = el.getAttribute('style');
  if (style && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style)) return true;
  const cls = el.getAttribute('class') ?? '';
  // Sphinx/GitHub style "¶" permalinks next to headings.
  return el.tagName === 'A' && /\b(headerlink|anchor|permalink)\b/.test(cls);
}

/** Text of an element as one line (for headings, table cells, list items). */
function inlineText(el: DomNode): string {
  return collapseSpaces(inlineRaw(el));
}

/** Like inlineText, but keeps the spaces at its edges so it can be joined with neighbouring text. */
function inlineRaw(el: DomNode): string {
  const parts: string[] = [];
  const walk = (n: DomNode): void => {
    if (n.nodeType === TEXT) parts.push(n.textContent ?? '');
    else if (n.nodeType === ELEMENT) {
      const e = n as DomElement;
      if (SKIP.has(e.tagName) || isHidden(e)) return;
      if (e.tagName === 'BR') parts.push(' ');
      else if (e.tagName === 'IMG') return;
      else for (const c of Array.from(e.childNodes)) walk(c);
      if (BLOCK.has(e.tagName) || e.tagName === 'LI' || e.tagName === 'TD' || e.tagName === 'TH') parts.push(' ');
    }
  };
  walk(el);
  return parts.join('').replace(/\s+/g, ' ');
}

class Builder {
  blocks: string[] = [];
  private inline = '';

  text(s: string): void {
    this.inline += s;
  }
  lineBreak(): void {
    this.inline += '\n';
  }
  flush(): void {
    const lines = this.inline
      .split('\n')
      .map((l) => collapseSpaces(l))
      .filter((l) => l !== '');
    if (lines.length) this.blocks.push(lines.join('\n'));
    this.inline = '';
  }
  block(s: string): void {
    this.flush();
    if (s.trim()) this.blocks.push(s);
  }
}

function renderTable(table: DomElement): string | null {
  const rows = Array.from(table.querySelectorAll('tr')).filter((r) => r.closest('table') === table);
  if (!rows.length) return null;
  // Layout tables (nested tables or long prose in cells) are rendered as ordinary blocks instead.
  if (table.querySelector('table')) return null;
  const cellsOf = (r: DomElement) => Array.from(r.children).filter((c) => c.tagName === 'TD' || c.tagName === 'TH');
  if (rows.some((r) => cellsOf(r).some((c) => inlineText(c).length > 400))) return null;

  let headers: string[] | null = null;
  let body = rows;
  const first = cellsOf(rows[0]);
  if (first.length > 1 && first.every((c) => c.tagName === 'TH')) {
    headers = first.map(inlineText);
    body = rows.slice(1);
  }
  const lines: string[] = [];
  for (const r of body) {
    const cells = cellsOf(r).map(inlineText);
    if (!cells.some((c) => c)) continue;
    if (headers) {
      lines.push(
        cells
          .map((c, i) => (c && headers![i] ? `${headers![i]}: ${c}` : c))
          .filter((c) => c)
          .join('; '),
      );
    } else {
      lines.push(cells.filter((c) => c).join(' | '));
    }
  }
  const caption = table.querySelector('caption');
  const captionText = caption ? inlineText(caption) : '';
  return [captionText, ...lines].filter((l) => l).join('\n');
}

function renderList(list: DomElement, depth: number, out: string[]): void {
  const ordered = list.tagName === 'OL';
  let n = Number(list.getAttribute('start') ?? '1') || 1;
  for (const li of Array.from(list.children)) {
    if (li.tagName !== 'LI') continue;
    const marker = ordered ? `${n++}. ` : '- ';
    const indent = '  '.repeat(depth);
    // The item's own text first, then its nested lists one level deeper.
    const own: string[] = [];
    const nested: DomElement[] = [];
    for (const c of Array.from(li.childNodes)) {
      if (c.nodeType === ELEMENT && ((c as DomElement).tagName === 'UL' || (c as DomElement).tagName === 'OL')) {
        nested.push(c as DomElement);
      } else if (c.nodeType === TEXT) own.push(c.textContent ?? '');
      else if (c.nodeType === ELEMENT) {
        const e = c as DomElement;
        // Block children (<p> inside <li>) are separated by a space; inline ones (<b>) flow with the text.
        const pad = BLOCK.has(e.tagName) || e.tagName === 'BR' ? ' ' : '';
        own.push(pad + inlineRaw(c) + pad);
      }
    }
    const text = collapseSpaces(own.join(''));
    if (text) out.push(indent + marker + text);
    for (const l of nested) renderList(l, depth + 1, out);
  }
}

function walk(node: DomNode, b: Builder): void {
  if (node.nodeType === TEXT) {
    // Source line breaks in HTML are just spaces; only <br> and blocks break lines.
    b.text((node.textContent ?? '').replace(/\s+/g, ' '));
    return;
  }
  if (node.nodeType !== ELEMENT) return;
  const el = node as DomElement;
  const tag = el.tagName;
  if (SKIP.has(tag) || isHidden(el)) return;

  const h = /^H([1-6])$/.exec(tag);
  if (h) {
    const text = withoutTrailingPilcrows(inlineText(el));
    // data-docent-level: the level a heading had before Readability demoted <h1> to <h2>.
    const level = Number(el.getAttribute('data-docent-level')) || Number(h[1]);
    if (text) b.block(`${'#'.repeat(level)} ${text}`);
    return;
  }
  switch (tag) {
    case 'BR':
      b.lineBreak();
      return;
    case 'HR':
      b.flush();
      return;
    case 'IMG':
      return;
    case 'PRE': {
      const code = (el.textContent ?? '').replace(/^\n+|\s+$/g, '');
      if (code.trim()) b.block(`\`\`\`\n${code}\n\`\`\``);
      return;
    }
    case 'UL':
    case 'OL': {
      const lines: string[] = [];
      renderList(el, 0, lines);
      b.block(lines.join('\n'));
      return;
    }
    case 'TABLE': {
      const t = renderTable(el);
      if (t !== null) {
        b.block(t);
        return;
      }
      break; // layout table: fall through to generic block handling
    }
    case 'TR':
    case 'TD':
    case 'TH':
    case 'LI':
      b.flush();
      for (const c of Array.from(el.childNodes)) walk(c, b);
      b.flush();
      return;
  }
  const isBlock = BLOCK.has(tag) || tag === 'TABLE' || tag === 'TBODY' || tag === 'THEAD' || tag === 'TFOOT';
  if (isBlock) b.flush();
  for (const c of Array.from(el.childNodes)) walk(c, b);
  if (isBlock) b.flush();
}

/** Converts an element (or a whole document) to normalised Markdown-style text. */
export function elementToText(el: DomNode): string {
  const b = new Builder();
  walk(el, b);
  b.flush();
  return normalizeDocumentText(b.blocks.join('\n\n'));
}

/** Converts an HTML string (a fragment or a full page, no main-content detection) to text. */
export function htmlToText(html: string): string {
  const doc = parseDocument(html);
  return elementToText(doc.body ?? doc.documentElement);
}

/** Decodes entities and drops tags from a short HTML string such as a WordPress title. */
export function htmlInlineText(html: string): string {
  const doc = parseDocument(`<p>${html}</p>`);
  return inlineText(doc.body ?? doc.documentElement);
}
