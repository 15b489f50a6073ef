// Main content of a web page: site chrome (nav, header, footer, sidebars, scripts, cookie banners)
// is removed, then Readability picks the article. When the page marks its own main content
// (<main>, role="main", a single <article>) and Readability kept clearly less of it, the marked
// content wins: Readability sometimes drops short lists and tables, which are often the answers.
import { Readability } from '@mozilla/readability';
import { IngestError, type ExtractedDocument } from './types.js';
import { elementToText, htmlToText, parseDocument, type DomDocument, type DomElement } from './html-text.js';
import { collapseSpaces, hasReadableText, withoutTrailingPilcrows } from './normalize.js';
import { tooMuchText } from './limits.js';

// Site chrome, never the content a visitor asks about.
// (Not <form>: ASP.NET sites wrap the whole page in one.)
const CHROME_SELECTORS = [
  'script',
  'style',
  'noscript',
  'template',
  'iframe',
  'svg',
  'nav',
  'dialog',
  'form[role="search"]',
  'form.search-form',
  '#searchform',
  '[role="navigation"]',
  '[role="banner"]',
  '[role="contentinfo"]',
  '[role="search"]',
  '[aria-hidden="true"]',
  '[hidden]',
  '.skip-link',
  '.screen-reader-text',
  '.sr-only',
  '.visually-hidden',
  '.breadcrumb',
  '.breadcrumbs',
  '#breadcrumbs',
  '#comments',
  '.comments-area',
  '.comment-respond',
  '.sharedaddy',
  '.share-buttons',
  '.social-share',
  '#cookie-notice',
  '.cookie-notice',
  '.cookie-banner',
  '#cookie-banner',
  '.cookie-consent',
];

function removeChrome(doc: DomDocument): void {
  for (const sel of CHROME_SELECTORS) {
    for (const el of Array.from(doc.querySelectorAll(sel))) el.remove();
  }
  // A page's own header, footer and sidebars are site chrome; inside an <article> or <main> they
  // belong to the content (an article's byline, a "Note" box).
  for (const el of Array.from(doc.querySelectorAll('header, footer, aside, [role="complementary"]'))) {
    if (!el.parentNode) continue;
    const scope = el.parentNode as DomElement;
    if (typeof scope.closest === 'function' && scope.closest('article, main, [role="main"]')) continue;
    el.remove();
  }
}

function markedMain(doc: DomDocument): DomElement | null {
  const main = doc.querySelector('main') ?? doc.querySelector('[role="main"]');
  if (main) return main;
  const articles = doc.querySelectorAll('article');
  return articles.length === 1 ? articles[0] : null;
}

function wordCount(s: string): number {
  return s.match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
}

function metaContent(doc: DomDocument, selector: string): string {
  return collapseSpaces(doc.querySelector(selector)?.getAttribute('content') ?? '');
}

/**
 * The page's own name for itself: the <h1> when the <title> or og:title confirms it (that drops the
 * " — Site name" suffix), else og:title, <title>, <h1>.
 */
function pageTitle(rawTitle: string, ogTitle: string, h1: string): string {
  const lower = (s: string) => s.toLowerCase();
  if (h1 && (lower(rawTitle).includes(lower(h1)) || lower(ogTitle).includes(lower(h1)))) return h1;
  return ogTitle || rawTitle || h1;
}

function fallbackTitle(url: string | null): string {
  if (!url) return 'Untitled page';
  try {
    const u = new URL(url);
    const last = u.pathname.split('/').filter(Boolean).pop();
    return last
      ? decodeURIComponent(last)
          .replace(/\.[a-z0-9]+$/i, '')
          .replace(/[-_]+/g, ' ')
      : u.hostname;
  } catch {
    return url;
  }
}

/**
 * Extracts the readable main content of a web page as normalised text.
 * `url` is the page address (null for an uploaded .html file); it becomes the document's identity.
 */
export function extractHtml(html: string, url: string | null, fileName?: string): ExtractedDocument {
  const doc = parseDocument(html);
  const modified = metaContent(doc, 'meta[property="article:modified_time"]') || metaContent(doc, 'meta[name="last-modified"]') || null;
  // Titles are read before clean-up: the <h1> may sit in a header that gets removed.
  const rawTitle = collapseSpaces(doc.querySelector('title')?.textContent ?? '');
  const rawH1 = withoutTrailingPilcrows(collapseSpaces(doc.querySelector('h1')?.textContent ?? ''));
  const ogTitle = metaContent(doc, 'meta[property="og:title"]');
  removeChrome(doc);

  const main = markedMain(doc);
  const mainText = main ? elementToText(main) : '';
  const bodyText = elementToText(doc.body ?? doc.documentElement);

  // Readability rewrites every <h1> as <h2>: remember the real levels so the structure survives.
  for (const el of Array.from(doc.querySelectorAll('h1, h2, h3, h4, h5, h6'))) {
    el.setAttribute('data-docent-level', el.tagName.slice(1));
  }
  // Readability mutates the DOM, so it gets its own copy of the cleaned page.
  const forReadability = parseDocument(doc.toString());
  let article: ReturnType<Readability['parse']> = null;
  try {
    article = new Readability(forReadability as never, { charThreshold: 200 }).parse();
  } catch {
    article = null; // a page Readability can't handle still has its cleaned body text
  }
  const articleText = article?.content ? htmlToText(article.content) : '';

  let text: string;
  if (main && wordCount(mainText) > 0) {
    text = wordCount(articleText) >= 0.7 * wordCount(mainText) ? articleText : mainText;
  } else {
    text = wordCount(articleText) >= 0.25 * wordCount(bodyText) ? articleText : bodyText;
  }
  if (!text) text = bodyText;

  const ownTitle = pageTitle(rawTitle, ogTitle, rawH1);
  const firstHeading = /^#{1,6} (.+)$/m.exec(text)?.[1] ?? '';
  const title = ownTitle || firstHeading || (fileName ? fileName.replace(/\.[^.]+$/, '') : '') || fallbackTitle(url);
  // Readability drops a heading that repeats the title: put the title back on top.
  if (ownTitle && text === articleText && !/^# /m.test(text) && firstHeading !== ownTitle) text = `# ${ownTitle}\n\n${text}`;
  return {
    title,
    url,
    ...(fileName ? { fileName } : {}),
    text,
    modifiedAt: modified && !Number.isNaN(Date.parse(modified)) ? new Date(modified).toISOString() : null,
    sourceKey: url ?? fileName ?? title,
  };
}

/** Robots directives a page gives about itself (<meta name="robots">). */
export function pageRobots(doc: DomDocument): { noindex: boolean; nofollow: boolean } {
  const content = ['robots', 'docentbot']
    .map((n) => doc.querySelector(`meta[name="${n}"]`)?.getAttribute('content') ?? '')
    .join(',')
    .toLowerCase();
  return { noindex: /\b(noindex|none)\b/.test(content), nofollow: /\b(nofollow|none)\b/.test(content) };
}

/** Decodes a fetched page: the Content-Type charset, else a <meta charset>, else UTF-8. */
export function decodeHtml(body: Buffer, contentType: string): string {
  const fromHeader = /charset=["']?([\w.:-]+)/i.exec(contentType)?.[1];
  const head = body.subarray(0, 4096).toString('latin1');
  const fromMeta = /<meta[^>]{0,500}charset=["']?([\w.:-]+)/i.exec(head)?.[1];
  for (const label of [fromHeader, fromMeta, 'utf-8']) {
    if (!label) continue;
    try {
      return new TextDecoder(label).decode(body);
    } catch {
      // unknown charset label: try the next one
    }
  }
  return body.toString('utf8');
}

export interface PageContent {
  /** Absolute addresses of the page's links (none when it says nofollow). */
  links: string[];
  /** The page asks not to be indexed. */
  noindex: boolean;
  /** Its text, or null when noindex or when it has no readable text. */
  doc: ExtractedDocument | null;
}

/** A fetched web page: its links for the crawler and its main content as a document. */
export function readHtmlPage(body: Buffer, contentType: string, url: string, maxTextChars: number): PageContent {
  try {
    return readPage(body, contentType, url, maxTextChars);
  } catch (e) {
    // The DOM and Readability walk the tree recursively: tens of thousands of nested elements exhaust the stack.
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new IngestError(`${url}: this page nests its elements far more deeply than real pages do, so it was skipped.`);
    }
    throw e;
  }
}

function readPage(body: Buffer, contentType: string, url: string, maxTextChars: number): PageContent {
  const html = decodeHtml(body, contentType);
  const dom = parseDocument(html);
  const robots = pageRobots(dom);
  const links: string[] = [];
  if (!robots.nofollow) {
    const baseHref = dom.querySelector('base[href]')?.getAttribute('href');
    let base = url;
    try {
      if (baseHref) base = new URL(baseHref, url).href;
    } catch {
      // invalid <base>: resolve against the page itself
    }
    for (const a of Array.from(dom.querySelectorAll('a[href], area[href]'))) {
      const href = (a.getAttribute('href') ?? '').trim();
      if (!href || /^(mailto|tel|javascript|data|ftp):/i.test(href)) continue;
      try {
        links.push(new URL(href, base).href);
      } catch {
        // malformed href: ignore
      }
    }
  }
  if (robots.noindex) return { links, noindex: true, doc: null };
  const doc = extractHtml(html, url);
  if (doc.text.length > maxTextChars) throw tooMuchText(url, maxTextChars, 'page');
  return { links, noindex: false, doc: hasReadableText(doc.text, 3) ? doc : null };
}
