// "Add your website" in one field: from the address an admin types, work out how Docent should read the site
// (the guided start's second step). In order: a WordPress REST API → a WordPress source; else a sitemap with pages
// on the site → a sitemap source; else an HTML home page → a crawl. The checks are the ones a source passes before
// it is created (source-check.ts), so what is detected here is what POST /training/sources then accepts; only the
// sitemap is read further, to say how many pages it lists. The whole detection has one deadline.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError, asSentence, badRequest } from '../http/errors.js';
import { ErrorBody } from '../http/schemas.js';
import { closeFetchPolicy, createFetchPolicy, readSitemap, webAddressRule } from './ingest/fetch-web.js';
import type { ContentReader } from './ingest/reader.js';
import { checkSource } from './source-check.js';

/** The whole detection: the WordPress check, the sitemap and the home page together. */
export const DETECT_DEADLINE_MS = 30_000;
const REQUEST_TIMEOUT_MS = 15_000;
/** A crawl's page limit when there is no sitemap (the Sources form's default too). */
export const CRAWL_MAX_PAGES = 100;
/** Counting stops here: the sync reads the whole sitemap, the count only tells the admin roughly how big it is. */
export const SITEMAP_COUNT_LIMIT = 5000;

export type DetectedConfig =
  | { kind: 'wordpress'; config: { siteUrl: string } }
  | { kind: 'web'; config: { mode: 'sitemap'; sitemapUrl: string } }
  | { kind: 'web'; config: { mode: 'crawl'; startUrl: string; maxPages: number } };

export type Detection = DetectedConfig & {
  /** What was found, in plain words, for the admin. */
  summary: string;
  /** How: 'wordpress', 'sitemap' or 'crawl'. */
  method: 'wordpress' | 'sitemap' | 'crawl';
  /** Pages the sitemap lists (up to SITEMAP_COUNT_LIMIT); null for WordPress and crawls. */
  pages: number | null;
};

export interface DetectOptions {
  allowPrivate: boolean;
  reader: ContentReader;
  deadlineMs?: number;
}

const ADDRESS_EXAMPLE = 'Enter your website’s address, e.g. https://example.com.';

/**
 * The address as typed, made a full URL: "example.com" means https://example.com/. Throws a 400 on the field
 * `url` when it cannot be a web address Docent reads.
 */
export function siteAddress(typed: string): URL {
  const text = typed.trim();
  if (!text) throw badRequest(ADDRESS_EXAMPLE, { url: ADDRESS_EXAMPLE });
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    const message = `That is not a web address. ${ADDRESS_EXAMPLE}`;
    throw badRequest(message, { url: message });
  }
  const rule = webAddressRule(url);
  if (rule) throw badRequest(rule, { url: rule });
  if (!url.hostname.includes('.') && url.hostname !== 'localhost' && !url.hostname.startsWith('[')) {
    const message = `That is not a full web address: it needs a domain such as example.com. ${ADDRESS_EXAMPLE}`;
    throw badRequest(message, { url: message });
  }
  url.hash = '';
  return url;
}

const plural = (n: number, noun: string) => `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;
const looksLikeSitemap = (url: URL) => /\.xml(\.gz)?$/i.test(url.pathname);

/**
 * What the site is and the source config that reads it, or the problem (a sentence for the admin) when it cannot
 * be read at all. Never longer than the deadline.
 */
export async function detectSite(url: URL, options: DetectOptions): Promise<Detection | { problem: string }> {
  const deadlineMs = options.deadlineMs ?? DETECT_DEADLINE_MS;
  const started = Date.now();
  const remaining = () => deadlineMs - (Date.now() - started);
  // A check given the time left fails with its own "did not answer" when it runs out; its timer and this clock
  // may disagree by a few milliseconds, hence the margin.
  const outOfTime = () => remaining() < 250;
  const seconds = Math.max(1, Math.round(deadlineMs / 1000));
  const tooSlow = { problem: `${url.href} did not answer within ${seconds} second${seconds === 1 ? '' : 's'}. Check the address, or try again later.` };
  const check = { allowPrivate: options.allowPrivate, reader: options.reader };
  const home = url.pathname === '/' && !url.search;

  // The admin pasted the sitemap itself: that is the answer, or its problem is.
  if (looksLikeSitemap(url)) {
    const counted = await countSitemap(url.href, options, remaining());
    if (counted === 'timeout') return tooSlow;
    if (typeof counted === 'string') return { problem: counted };
    if (counted > 0) return sitemapDetection(url.href, counted);
    // Nothing on this site in it: the creation check says why, in the words the Sources form uses.
    const empty = await checkSource({ kind: 'web', config: { mode: 'sitemap', sitemapUrl: url.href } }, { ...check, deadlineMs: Math.max(1, remaining()) });
    return outOfTime() ? tooSlow : { problem: empty?.message ?? `The sitemap ${url.href} lists no pages on this site.` };
  }

  const wordpress = await checkSource({ kind: 'wordpress', config: { siteUrl: url.href } }, { ...check, deadlineMs: remaining() });
  if (!wordpress) {
    return {
      kind: 'wordpress',
      config: { siteUrl: url.href },
      method: 'wordpress',
      pages: null,
      summary: 'A WordPress site: posts and pages will be read through its REST API.',
    };
  }
  if (outOfTime()) return tooSlow;

  // A sitemap describes the whole site: only looked for when the address is the home page (robots.txt's
  // Sitemap: lines, else /sitemap.xml). From a page deeper in, the crawl starts there.
  let sitemapNote = 'No sitemap';
  if (home) {
    const counted = await countSitemap(url.href, options, remaining());
    if (counted === 'timeout') return tooSlow;
    if (typeof counted === 'number' && counted > 0) return sitemapDetection(url.href, counted);
    if (counted === 0) sitemapNote = 'The sitemap lists no pages on this site';
  }
  if (outOfTime()) return tooSlow;

  const crawl = { mode: 'crawl' as const, startUrl: url.href, maxPages: CRAWL_MAX_PAGES };
  const problem = await checkSource({ kind: 'web', config: crawl }, { ...check, deadlineMs: remaining() });
  if (problem) return outOfTime() ? tooSlow : { problem: problem.message };
  return {
    kind: 'web',
    config: crawl,
    method: 'crawl',
    pages: null,
    summary: `${home ? `${sitemapNote}: Docent` : 'Docent'} will follow links from ${home ? 'the home page' : 'this page'}, up to ${CRAWL_MAX_PAGES} pages.`,
  };
}

function sitemapDetection(sitemapUrl: string, pages: number): Detection {
  const count = pages >= SITEMAP_COUNT_LIMIT ? `at least ${plural(SITEMAP_COUNT_LIMIT, 'page')}` : plural(pages, 'page');
  return { kind: 'web', config: { mode: 'sitemap', sitemapUrl }, method: 'sitemap', pages, summary: `A sitemap listing ${count}.` };
}

/**
 * Pages on the site that the sitemap at `url` (or found from the home page `url`) lists; 0 when it lists none
 * there; the problem as a sentence when there is no readable sitemap; 'timeout' when the time ran out.
 */
async function countSitemap(url: string, options: DetectOptions, timeLeftMs: number): Promise<number | string | 'timeout'> {
  if (timeLeftMs <= 0) return 'timeout';
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeLeftMs);
  const policy = createFetchPolicy({ allowPrivate: options.allowPrivate, reader: options.reader, timeoutMs: REQUEST_TIMEOUT_MS, signal: deadline.signal });
  try {
    const pages = await readSitemap(url, policy, () => undefined, { maxPages: SITEMAP_COUNT_LIMIT });
    return deadline.signal.aborted ? 'timeout' : pages.length;
  } catch (err) {
    if (deadline.signal.aborted) return 'timeout';
    // IngestError and its kind FetchError (by name: one rebuilt from the reader's thread fails instanceof).
    if (err instanceof Error && (err.name === 'IngestError' || err.name === 'FetchError')) return asSentence(err.message);
    throw err;
  } finally {
    clearTimeout(timer);
    closeFetchPolicy(policy);
  }
}

const SourceConfigView = z.union([
  z.object({ siteUrl: z.string() }),
  z.object({ mode: z.literal('sitemap'), sitemapUrl: z.string() }),
  z.object({ mode: z.literal('crawl'), startUrl: z.string(), maxPages: z.number() }),
]);
const DetectionView = z.object({
  kind: z.enum(['wordpress', 'web']),
  config: SourceConfigView,
  method: z.enum(['wordpress', 'sitemap', 'crawl']),
  pages: z.number().nullable(),
  summary: z.string(),
});

/** POST /api/admin/training/sources/detect { url } → what the site is and the source to create (nothing is created). */
export const siteDetectRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/training/sources/detect',
    {
      schema: {
        body: z.object({ url: z.string({ message: ADDRESS_EXAMPLE }).max(2000, 'This address is too long (2,000 characters at most).') }),
        response: { 200: DetectionView, 400: ErrorBody, 422: ErrorBody },
      },
    },
    async (request) => {
      const url = siteAddress(request.body.url);
      const found = await detectSite(url, { allowPrivate: app.config.allowPrivateUrls, reader: app.ingest });
      if ('problem' in found) throw new HttpError(422, found.problem, { url: found.problem });
      request.log.info({ method: found.method, pages: found.pages }, 'site detected');
      return found;
    },
  );
};
