// Widget screen: Docent's public address (for the snippet and its notices) and "Check installation", which
// reads a page of the admin's site the way a web source is read (same SSRF rules, redirects checked on every
// hop) and says whether the snippet is on it and whether that site may use the widget.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError } from '../http/errors.js';
import { ErrorBody } from '../http/schemas.js';
import { addressStatus, publicAddress } from '../http/public-address.js';
import { closeFetchPolicy, createFetchPolicy, fetchUrl, httpStatusMessage } from '../training/ingest/fetch-web.js';
import { webAddress } from '../training/sources.js';
import { originAllowed, readWidgetSettings } from './settings.js';

const CHECK_DEADLINE_MS = 30_000;
const PAGE_TIMEOUT_MS = 15_000;
const PAGE_MAX_BYTES = 5 * 1024 * 1024;
/** Longest <script …> start tag read; longer ones are not real embed tags. */
const MAX_TAG_LENGTH = 4000;
/** Script tags and comments looked at per page: real pages have a few dozen, and the event loop stays free. */
const MAX_STEPS = 5000;
const HTML_TYPES = /^(text\/html|application\/xhtml\+xml)\b/;

export interface ScriptTag {
  src: string;
  async: boolean;
  defer: boolean;
}

/** Decodes the entities that turn up in URLs inside attributes (&amp;, &#47;, &#x2F;, &quot;). */
function decodeAttribute(value: string): string {
  return value.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|amp|quot|apos|lt|gt);/gi, (entity, code: string) => {
    const lower = code.toLowerCase();
    if (lower === 'amp') return '&';
    if (lower === 'quot') return '"';
    if (lower === 'apos') return "'";
    if (lower === 'lt') return '<';
    if (lower === 'gt') return '>';
    const n = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
    return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : entity;
  });
}

/**
 * The external scripts of an HTML page, in order: each <script src> start tag outside comments. One pass of
 * indexOf over the text, so a 5 MB page costs milliseconds on the event loop and no parser is involved; each
 * position is looked at a bounded number of times whatever the page holds (unclosed tags and comments
 * included), and a page with thousands of script tags is read up to the first MAX_STEPS of them.
 */
export function scriptTags(html: string): ScriptTag[] {
  const lower = html.toLowerCase();
  const scripts: ScriptTag[] = [];
  let pos = 0;
  let nextScript = -1;
  let nextComment = -1;
  for (let step = 0; pos < lower.length && step < MAX_STEPS; step++) {
    if (nextScript < pos) nextScript = lower.indexOf('<script', pos);
    if (nextScript < 0) break;
    if (nextComment !== Infinity && nextComment < pos) {
      const found = lower.indexOf('<!--', pos);
      nextComment = found < 0 ? Infinity : found;
    }
    if (nextComment < nextScript) {
      const end = lower.indexOf('-->', nextComment + 4);
      if (end < 0) break; // the rest of the page is a comment
      pos = end + 3;
      continue;
    }
    const start = nextScript;
    const after = lower.charCodeAt(start + 7);
    // "<scripts>" or "<script-x>" are other elements.
    if (!(after === 0x20 || after === 0x09 || after === 0x0a || after === 0x0c || after === 0x0d || after === 0x3e || after === 0x2f)) {
      pos = start + 7;
      continue;
    }
    const close = lower.indexOf('>', start);
    if (close < 0) break;
    if (close - start <= MAX_TAG_LENGTH) {
      const tag = html.slice(start + 7, close);
      const src = /(?:^|[\s"'/])src\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/i.exec(tag);
      if (src) {
        const attribute = (name: string) => new RegExp(`(?:^|[\\s"'/])${name}(?:[\\s=/]|$)`, 'i').test(tag);
        scripts.push({ src: decodeAttribute((src[1] ?? src[2] ?? src[3]).trim()), async: attribute('async'), defer: attribute('defer') });
      }
    }
    // A script's body is not HTML: skip to its end tag.
    const end = lower.indexOf('</script', close + 1);
    pos = end < 0 ? lower.length : end + 8;
  }
  return scripts;
}

/** The widget script's address for a Docent at `address`, as compared: no query or fragment. */
const widgetScriptOf = (address: string) => `${address}/widget.js`;

function withoutQuery(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

export interface InstallReport {
  /** The page checked, after redirects. */
  page: string;
  /** The address the snippet loads the widget from. */
  expected: string;
  snippet: {
    status: 'found' | 'other-address' | 'missing';
    /** Every widget.js the page loads, as written (resolved against the page). */
    found: string[];
    /** Browsers will refuse it: an https page loading the script over http. */
    blocked: boolean;
    message: string;
  };
  domains: {
    status: 'allowed' | 'any-site' | 'not-allowed';
    /** What to add to Allowed domains for this page's site. */
    entry: string;
    message: string;
  };
}

/** What the page's HTML says about the snippet, in plain words. */
export function snippetFindings(html: string, pageUrl: string, address: string): InstallReport['snippet'] {
  const page = new URL(pageUrl);
  const expected = widgetScriptOf(address);
  const widgets: string[] = [];
  for (const tag of scriptTags(html)) {
    let src: URL;
    try {
      src = new URL(tag.src, page);
    } catch {
      continue;
    }
    if ((src.protocol === 'http:' || src.protocol === 'https:') && /\/widget\.js$/i.test(src.pathname) && !widgets.includes(src.href)) widgets.push(src.href);
  }
  const exact = widgets.find((w) => withoutQuery(new URL(w)) === expected);
  const others = widgets.filter((w) => w !== exact);
  const insecure = (w: string) => page.protocol === 'https:' && w.startsWith('http:');
  if (exact) {
    const blocked = insecure(exact);
    const parts = [`The snippet is on this page: it loads the widget from ${exact}.`];
    if (blocked)
      parts.push(`But this page is https and the script is plain http, so browsers block it. Serve Docent over https and set PUBLIC_URL to its https address.`);
    if (others.length)
      parts.push(`The page also loads ${others.join(' and ')}: if that is an older Docent address, remove that line, or the chat may appear twice.`);
    return { status: 'found', found: widgets, blocked, message: parts.join(' ') };
  }
  if (others.length) {
    const blocked = others.every(insecure);
    const parts = [
      `This page loads a widget from ${others.join(' and ')}, but Docent's widget is at ${expected}. If that is an older Docent address, replace that line with the snippet above, then check again.`,
    ];
    if (blocked) parts.push('That script is plain http on an https page, so browsers block it anyway.');
    return { status: 'other-address', found: widgets, blocked, message: parts.join(' ') };
  }
  const mentioned = html.toLowerCase().includes(expected.replace(/^https?:/, '').toLowerCase());
  const message = mentioned
    ? `The page mentions ${expected}, but not in a <script src> tag. If a tag manager or another script adds it, open the page in a browser to see that the chat button appears; otherwise paste the snippet above just before </body>.`
    : `The snippet is not on this page. Paste the snippet above just before </body> on every page where the chat should appear, then check again. If you just added it, clear your site's cache (caching plugins serve older copies).`;
  return { status: 'missing', found: [], blocked: false, message };
}

/** Whether the page's site may use the widget, and what to add when it may not. */
export function domainFindings(pageUrl: string, allowedDomains: string[]): InstallReport['domains'] {
  const page = new URL(pageUrl);
  const entry = page.hostname.replace(/^www\./, '');
  if (allowedDomains.length === 0) {
    return {
      status: 'any-site',
      entry,
      message: `Allowed domains is empty, so any website may use the widget, this one included. Add ${entry} there to keep other sites from using the widget and your API credit.`,
    };
  }
  if (originAllowed(page.origin, allowedDomains)) return { status: 'allowed', entry, message: `${page.host} is on the allowed domains.` };
  return {
    status: 'not-allowed',
    entry,
    message: `${page.host} is not on the allowed domains, so the widget there would refuse to answer. Add ${entry} under Where it may be used → Allowed domains, and save.`,
  };
}

const AddressView = z.object({
  address: z.string(),
  publicUrl: z.string().nullable(),
  browsingOrigin: z.string().nullable(),
  reach: z.enum(['local', 'private', 'public']),
  mismatch: z.object({ kind: z.enum(['stale', 'tunnel']), suggestedPublicUrl: z.string() }).nullable(),
});
const ReportView = z.object({
  page: z.string(),
  expected: z.string(),
  snippet: z.object({ status: z.enum(['found', 'other-address', 'missing']), found: z.array(z.string()), blocked: z.boolean(), message: z.string() }),
  domains: z.object({ status: z.enum(['allowed', 'any-site', 'not-allowed']), entry: z.string(), message: z.string() }),
});

export const installCheckRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/widget/address', { schema: { response: { 200: AddressView } } }, async (request) => addressStatus(app.config, request));

  app.post(
    '/widget/install-check',
    {
      schema: {
        body: z.object({ url: webAddress('Enter the full address of a page of your site, e.g. https://example.com/.') }),
        response: { 200: ReportView, 400: ErrorBody, 422: ErrorBody },
      },
    },
    async (request) => {
      const { url } = request.body;
      const address = publicAddress(app.config, request);
      const failed = (reason: string) => {
        const message = `Could not check ${url}: ${reason}`;
        return new HttpError(422, message, { url: message });
      };
      const deadline = AbortSignal.timeout(CHECK_DEADLINE_MS);
      const policy = createFetchPolicy({
        allowPrivate: app.config.allowPrivateUrls,
        reader: app.ingest,
        timeoutMs: PAGE_TIMEOUT_MS,
        maxBytes: PAGE_MAX_BYTES,
        signal: deadline,
      });
      let page: Awaited<ReturnType<typeof fetchUrl>>;
      try {
        // robots.txt is for crawlers; this is one page the admin asked for, read once.
        page = await fetchUrl(url, policy, { robots: false, accept: (type) => type === '' || HTML_TYPES.test(type) });
      } catch (err) {
        if (deadline.aborted) throw failed(`the site did not answer within ${CHECK_DEADLINE_MS / 1000} seconds.`);
        if (err instanceof Error && err.name === 'FetchError') {
          if ((err as { kind?: string }).kind === 'skip') {
            throw failed(`${err.message.replace(/, skipped\.$/, '.')} Enter the address of a page of your site, such as its home page.`);
          }
          throw failed(err.message);
        }
        throw err;
      } finally {
        closeFetchPolicy(policy);
      }
      if (page.status < 200 || page.status >= 300) throw failed(`${httpStatusMessage(page.status)} Check the address.`);
      const html = page.body.toString('utf8');
      const report: InstallReport = {
        page: page.url,
        expected: widgetScriptOf(address),
        snippet: snippetFindings(html, page.url, address),
        domains: domainFindings(page.url, (await readWidgetSettings(app.stores.config)).allowedDomains),
      };
      request.log.info({ page: page.url, snippet: report.snippet.status, domains: report.domains.status }, 'installation checked');
      return report;
    },
  );
};
