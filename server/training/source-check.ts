// The check a WordPress site, sitemap or crawl start page passes before its source is created, so the form
// says what is wrong at once instead of a green "Added" followed by a failed job and an empty card.
// It reads as little as proves the point (the REST API's index, the first page of a sitemap, the start page),
// with the same fetch rules as the sync that follows, and within a deadline.
import { closeFetchPolicy, createFetchPolicy, fetchUrl, httpStatusMessage, readSitemap } from './ingest/fetch-web.js';
import { discoverWordPressApi } from './ingest/wordpress.js';
import { IngestError } from './ingest/types.js';
import type { ContentReader } from './ingest/reader.js';
import { asSentence } from '../http/errors.js';

/** The whole check, all requests together; one request has the policy's own shorter limit. */
export const SOURCE_CHECK_DEADLINE_MS = 30_000;
const REQUEST_TIMEOUT_MS = 15_000;
const HTML_TYPES = /^(text\/html|application\/xhtml\+xml)\b/;

export type CheckedSource =
  | { kind: 'wordpress'; config: { siteUrl: string } }
  | { kind: 'web'; config: { mode: 'urls'; urls: string[] } | { mode: 'sitemap'; sitemapUrl: string } | { mode: 'crawl'; startUrl: string } };

/** What is wrong, on the form field that holds the address ("config.siteUrl"). */
export interface SourceProblem {
  field: 'config.siteUrl' | 'config.sitemapUrl' | 'config.startUrl';
  message: string;
}

export interface SourceCheckOptions {
  allowPrivate: boolean;
  reader: ContentReader;
  deadlineMs?: number;
}

const isIngestError = (e: unknown): e is Error => e instanceof IngestError || (e instanceof Error && e.name === 'IngestError');

/** Null when the source can be read; otherwise the problem. A list of URLs is not checked (each page reports its own). */
export async function checkSource(source: CheckedSource, options: SourceCheckOptions): Promise<SourceProblem | null> {
  const target =
    source.kind === 'wordpress'
      ? { field: 'config.siteUrl' as const, url: source.config.siteUrl }
      : source.config.mode === 'sitemap'
        ? { field: 'config.sitemapUrl' as const, url: source.config.sitemapUrl }
        : source.config.mode === 'crawl'
          ? { field: 'config.startUrl' as const, url: source.config.startUrl }
          : null;
  if (!target) return null;
  const deadlineMs = options.deadlineMs ?? SOURCE_CHECK_DEADLINE_MS;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), deadlineMs);
  const policy = createFetchPolicy({ allowPrivate: options.allowPrivate, reader: options.reader, timeoutMs: REQUEST_TIMEOUT_MS, signal: deadline.signal });
  const seconds = Math.max(1, Math.round(deadlineMs / 1000));
  const tooSlow = () => ({
    field: target.field,
    message: `${target.url} did not answer within ${seconds} second${seconds === 1 ? '' : 's'}. Check the address, or try again later.`,
  });
  try {
    const message =
      source.kind === 'wordpress'
        ? await checkWordPress(target.url, policy)
        : source.config.mode === 'sitemap'
          ? await checkSitemap(target.url, policy)
          : await checkStartPage(target.url, policy);
    // A request cut by the deadline may surface as a "stopped" page error rather than a throw.
    if (deadline.signal.aborted) return tooSlow();
    return message ? { field: target.field, message } : null;
  } catch (err) {
    if (deadline.signal.aborted) return tooSlow();
    if (isIngestError(err)) return { field: target.field, message: asSentence(err.message) };
    throw err;
  } finally {
    clearTimeout(timer);
    closeFetchPolicy(policy);
  }
}

type Policy = ReturnType<typeof createFetchPolicy>;

async function checkWordPress(siteUrl: string, policy: Policy): Promise<string | null> {
  await discoverWordPressApi(siteUrl, policy); // throws "No WordPress REST API found at …" or "Could not reach …"
  return null;
}

async function checkSitemap(sitemapUrl: string, policy: Policy): Promise<string | null> {
  let nestedProblem: string | null = null;
  const pages = await readSitemap(
    sitemapUrl,
    policy,
    (_url, message) => {
      nestedProblem ??= message;
    },
    { maxPages: 1 },
  );
  if (pages.length) return null;
  const site = new URL(sitemapUrl).host;
  return nestedProblem
    ? `The sitemap ${sitemapUrl} lists no page Docent could read. ${asSentence(nestedProblem)}`
    : `The sitemap ${sitemapUrl} lists no pages on ${site}, so there is nothing to read. Check that it is this site's sitemap (pages on other sites are skipped).`;
}

async function checkStartPage(startUrl: string, policy: Policy): Promise<string | null> {
  const prefix = `The start page ${startUrl} could not be read`;
  try {
    // robots.txt is honoured, as the crawl will honour it.
    const page = await fetchUrl(startUrl, policy, { accept: (type) => type === '' || HTML_TYPES.test(type) });
    if (page.status < 200 || page.status >= 300) return `${prefix}: ${httpStatusMessage(page.status)} Check the address.`;
    return null;
  } catch (err) {
    if (err instanceof Error && err.name === 'FetchError' && (err as { kind?: string }).kind === 'skip') {
      const type = /\(([^)]*)\)/.exec(err.message)?.[1] ?? 'not HTML';
      return `${startUrl} is not a web page (${type}). A crawl starts from an HTML page, such as the site's home page.`;
    }
    if (isIngestError(err)) return `${prefix}: ${asSentence(err.message)}`;
    throw err;
  }
}
