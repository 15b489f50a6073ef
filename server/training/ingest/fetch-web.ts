// Safe fetching of web sources: sitemaps, crawls and page lists.
//
// Safety: the server runs next to private services, so by default an address that resolves to a
// private, loopback, link-local or otherwise non-public IP is refused. The check happens in the
// socket's own DNS lookup, so the address checked is the address connected to (no DNS rebinding
// between check and use), and it is repeated on every redirect hop. Bodies are capped while they
// stream (after decompression), and robots.txt is respected for pages.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import zlib from 'node:zlib';
import type { Readable } from 'node:stream';
import ipaddr from 'ipaddr.js';
import robotsParserModule from 'robots-parser';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { IngestError, type ExtractedDocument, type OnIngestError } from './types.js';
import type { ContentReader } from './reader.js';

export const ROBOTS_USER_AGENT = 'DocentBot';
const DEFAULT_USER_AGENT = 'DocentBot/1.0 (self-hosted website assistant)';
const MAX_REDIRECTS = 5;
const SITEMAP_MAX_BYTES = 50 * 1024 * 1024; // the sitemap protocol's own limit
const ROBOTS_MAX_BYTES = 512 * 1024;

interface Robots {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getSitemaps(): string[];
}
// robots-parser is CommonJS with a mistyped default export: take the function whichever way it arrives.
const robotsParser = ((robotsParserModule as unknown as { default?: unknown }).default ?? robotsParserModule) as (url: string, contents: string) => Robots;

export interface FetchPolicyOptions {
  /** Allow private/loopback/link-local addresses (intranet sites, tests). */
  allowPrivate: boolean;
  /** Parses what is fetched: the server's extraction processes (see pool.ts), or in-process in unit tests. */
  reader: ContentReader;
  /** Largest page body accepted, after decompression. Default 5 MB. */
  maxBytes?: number;
  /** Time limit for one request, body included. Default 15 s. */
  timeoutMs?: number;
  userAgent?: string;
  /** Aborts every request made under this policy (a deadline for a whole check of several requests). */
  signal?: AbortSignal;
}

export interface FetchPolicy {
  readonly allowPrivate: boolean;
  readonly reader: ContentReader;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly userAgent: string;
  readonly signal?: AbortSignal;
  /** robots.txt rules per origin, fetched once. */
  readonly robots: Map<string, Promise<Robots>>;
  // Own connection pools: a kept-alive socket opened under allowPrivate must never serve another policy.
  readonly agents: { http: http.Agent; https: https.Agent };
}

export function createFetchPolicy(opts: FetchPolicyOptions): FetchPolicy {
  const agentOptions = { keepAlive: true, maxSockets: 4 };
  return {
    allowPrivate: opts.allowPrivate,
    reader: opts.reader,
    maxBytes: opts.maxBytes ?? 5 * 1024 * 1024,
    timeoutMs: opts.timeoutMs ?? 15_000,
    userAgent: opts.userAgent ?? DEFAULT_USER_AGENT,
    signal: opts.signal,
    robots: new Map(),
    agents: { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) },
  };
}

/** Closes the policy's kept-alive connections (optional: idle ones never keep the process alive). */
export function closeFetchPolicy(policy: FetchPolicy): void {
  policy.agents.http.destroy();
  policy.agents.https.destroy();
}

/** A fetch failure, worded for the admin. `skip` marks pages that are simply not web pages. */
export class FetchError extends IngestError {
  constructor(
    message: string,
    readonly kind: 'error' | 'skip' = 'error',
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

class PrivateAddressError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`${host} resolves to a private address`);
  }
}

/**
 * Only ordinary public unicast addresses may be fetched unless private ones are allowed. IPv6 forms
 * that carry an IPv4 address inside them are judged by that address or refused: IPv4-mapped
 * (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d, what DNS64 answers on IPv6-only networks) are the IPv4
 * address itself; IPv4-compatible (::a.b.c.d, deprecated), SIIT-translated (::ffff:0:a.b.c.d), 6to4,
 * Teredo and local-use NAT64 (64:ff9b:1::/48) are refused, as no public site is reached through them
 * and each can lead to a private IPv4 address.
 */
export function isPublicAddress(address: string): boolean {
  switch (net.isIP(address)) {
    case 4:
      return ipaddr.IPv4.parse(address).range() === 'unicast';
    case 6: {
      const ip = parseIPv6(address);
      if (!ip) return false;
      if (ip.isIPv4MappedAddress()) return ip.toIPv4Address().range() === 'unicast';
      const [a, b, c, d, e, f, g, h] = ip.parts;
      if (a === 0x64 && b === 0xff9b && !c && !d && !e && !f) return ipv4FromParts(g, h).range() === 'unicast';
      if (!a && !b && !c && !d && !e && !f) return false; // ::/96: IPv4-compatible, and :: and ::1
      return ip.range() === 'unicast';
    }
    default:
      return false;
  }
}

/**
 * ipaddr.js reads "::a.b.c.d" as IPv4-mapped, while the network stack connects to the IPv4-compatible
 * address ::a.b:c.d. The URL parser's canonical form (hex groups only) leaves no such doubt. Zone ids
 * (fe80::1%eth0) do not parse: they are link-local anyway.
 */
function parseIPv6(address: string): ipaddr.IPv6 | null {
  try {
    return ipaddr.IPv6.parse(new URL(`http://[${address}]/`).hostname.slice(1, -1));
  } catch {
    return null;
  }
}

const ipv4FromParts = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);

function privateRefusal(host: string, address: string): FetchError {
  return new FetchError(
    `${host} points to a private or local network address (${address}). Docent only reads public websites unless private addresses are allowed in its settings.`,
  );
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

function guardedLookup(policy: FetchPolicy) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { all: true, verbatim: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const list = addresses.filter((a) => !options.family || a.family === options.family);
      if (!list.length) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
      // Every address must pass: otherwise a host with one public and one private record could be used to reach inside.
      const bad = policy.allowPrivate ? undefined : addresses.find((a) => !isPublicAddress(a.address));
      if (bad) return callback(new PrivateAddressError(hostname, bad.address) as NodeJS.ErrnoException, '');
      if (options.all) callback(null, list);
      else callback(null, list[0].address, list[0].family);
    });
  };
}

/** Same site: same host (ignoring "www."), same port, http and https alike. */
export function siteKey(url: string | URL): string {
  const u = typeof url === 'string' ? new URL(url) : url;
  const port = u.port && !((u.protocol === 'http:' && u.port === '80') || (u.protocol === 'https:' && u.port === '443')) ? `:${u.port}` : '';
  return u.hostname.toLowerCase().replace(/^www\./, '') + port;
}

/**
 * Why `url` cannot be read as a web source, as a sentence for the admin; null when it can. The one rule
 * for every web address Docent accepts: the source forms and the webhook check it, and fetching does again.
 */
export function webAddressRule(url: URL): string | null {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `Only http:// and https:// addresses can be read (this one starts with ${url.protocol}).`;
  }
  if (url.username || url.password) {
    return 'Addresses with a user name or password in them are not supported: remove the "name:password@" part.';
  }
  return null;
}

export function parseWebUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new FetchError(`"${raw}" is not a valid web address. It should look like https://example.com/page.`);
  }
  const rule = webAddressRule(u);
  if (rule) throw new FetchError(`${raw}: ${rule}`);
  return u;
}

function describeNetworkError(e: unknown, url: URL): FetchError {
  if (e instanceof FetchError) return e;
  if (e instanceof PrivateAddressError) return privateRefusal(e.host, e.address);
  const code = (e as NodeJS.ErrnoException)?.code ?? '';
  const host = url.host;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new FetchError(`the address ${url.hostname} could not be found (DNS lookup failed). Check the spelling.`);
    case 'ECONNREFUSED':
      return new FetchError(`could not connect to ${host} (connection refused).`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new FetchError(`${host} closed the connection unexpectedly.`);
    case 'ETIMEDOUT':
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return new FetchError(`could not reach ${host} (${code}).`);
  }
  if (/CERT|SSL|TLS/i.test(code)) return new FetchError(`the secure connection to ${host} failed (${code}). The site's certificate may be invalid.`);
  if ((e as Error)?.name === 'AbortError') return new FetchError('stopped.');
  return new FetchError(`could not fetch ${url.href} (${(e as Error)?.message ?? String(e)}).`);
}

function mb(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Readable;
  discard(): void;
}

interface Deadline {
  timer?: NodeJS.Timeout;
  expired?: FetchError;
}

function requestOnce(url: URL, policy: FetchPolicy, signal: AbortSignal | undefined, deadline: Deadline, send?: FetchOptions['send']): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    // IP literals never go through DNS, so they are checked here.
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(literal) && !policy.allowPrivate && !isPublicAddress(literal)) {
      reject(privateRefusal(url.hostname, literal));
      return;
    }
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(url, {
      method: send?.method ?? 'GET',
      agent: url.protocol === 'https:' ? policy.agents.https : policy.agents.http,
      lookup: guardedLookup(policy) as unknown as typeof dns.lookup,
      headers: send
        ? { 'user-agent': policy.userAgent, ...send.headers, 'content-length': String(send.body.length) }
        : {
            'user-agent': policy.userAgent,
            accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
            'accept-encoding': 'gzip, deflate, br',
          },
      signal,
    });
    deadline.timer = setTimeout(() => {
      deadline.expired = new FetchError(`no complete answer within ${Math.round(policy.timeoutMs / 100) / 10} s (timed out).`);
      req.destroy(deadline.expired);
    }, policy.timeoutMs);
    req.on('error', (e) => {
      clearTimeout(deadline.timer);
      reject(describeNetworkError(e, url));
    });
    req.on('response', (res) => {
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: res,
        discard: () => {
          clearTimeout(deadline.timer);
          res.resume();
          req.destroy();
        },
      });
    });
    req.end(send?.body);
  });
}

/** Reads a body, decompressing it, and stops as soon as it passes `maxBytes`. */
function readBody(res: RawResponse, maxBytes: number, timeout: Deadline): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
  const tooBig = () => new FetchError(`the page is larger than the ${mb(maxBytes)} limit, so it was skipped.`);
  if (!encoding && Number.isFinite(declared) && declared > maxBytes) {
    res.discard();
    return Promise.reject(tooBig());
  }
  let stream: Readable = res.body;
  if (encoding === 'gzip' || encoding === 'x-gzip') stream = res.body.pipe(zlib.createGunzip());
  else if (encoding === 'deflate') stream = res.body.pipe(zlib.createInflate());
  else if (encoding === 'br') stream = res.body.pipe(zlib.createBrotliDecompress());
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    let done = false;
    const fail = (e: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timeout.timer);
      res.discard();
      if (timeout.expired) reject(timeout.expired);
      else reject(e instanceof FetchError ? e : new FetchError(`the download broke off (${e.message}).`));
    };
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stream.removeAllListeners('data');
        fail(tooBig());
        return;
      }
      parts.push(chunk);
    });
    stream.on('end', () => {
      if (done) return;
      done = true;
      clearTimeout(timeout.timer);
      resolve(Buffer.concat(parts));
    });
    stream.on('error', fail);
    res.body.on('error', fail);
    // A destroyed connection may close without an error: never wait forever.
    res.body.on('close', () => {
      if (!(res.body as http.IncomingMessage).complete) fail(new Error('connection closed'));
    });
  });
}

export interface FetchResult {
  /** Final URL, after redirects. */
  url: string;
  status: number;
  contentType: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface FetchOptions {
  /** Redirects must stay on this site (default: the URL's own site). */
  site?: string;
  /** Check robots.txt before each hop. Default true. */
  robots?: boolean;
  /** Reject (as a 'skip' FetchError) responses whose Content-Type this refuses, before downloading them. */
  accept?: (contentType: string) => boolean;
  maxBytes?: number;
  signal?: AbortSignal;
  /**
   * Sends this request instead of a GET (a webhook Docent delivers), under the same address checks and limits.
   * robots.txt is not asked (nothing is read), and a redirect is returned, not followed: a POST is not repeated
   * to an address the admin did not enter.
   */
  send?: { method: 'POST'; headers: Record<string, string>; body: Buffer };
}

async function robotsFor(origin: string, policy: FetchPolicy): Promise<Robots> {
  let cached = policy.robots.get(origin);
  if (!cached) {
    const robotsUrl = `${origin}/robots.txt`;
    cached = fetchUrl(robotsUrl, policy, { robots: false, maxBytes: ROBOTS_MAX_BYTES })
      // Only a real robots.txt restricts; a missing or failing one means no rules were published.
      .then((r) => robotsParser(robotsUrl, r.status === 200 ? r.body.toString('utf8') : ''))
      .catch(() => robotsParser(robotsUrl, ''));
    policy.robots.set(origin, cached);
  }
  return cached;
}

export async function isAllowedByRobots(url: string, policy: FetchPolicy): Promise<boolean> {
  const robots = await robotsFor(new URL(url).origin, policy);
  return robots.isAllowed(url, ROBOTS_USER_AGENT) !== false;
}

/**
 * GET with the policy's protections. Any HTTP status is returned (callers decide what a 404
 * means); network problems, refusals, off-site redirects and oversized bodies throw FetchError.
 */
export async function fetchUrl(rawUrl: string, policy: FetchPolicy, opts: FetchOptions = {}): Promise<FetchResult> {
  let current = parseWebUrl(rawUrl);
  const site = opts.site ?? siteKey(current);
  const maxBytes = opts.maxBytes ?? policy.maxBytes;
  const signal = opts.signal && policy.signal ? AbortSignal.any([opts.signal, policy.signal]) : (opts.signal ?? policy.signal);
  for (let hop = 0; ; hop++) {
    if (opts.robots !== false && !opts.send && !(await isAllowedByRobots(current.href, policy))) {
      throw new FetchError(`blocked by the site's robots.txt, so it was not read.`);
    }
    const timeout: Deadline = {};
    const res = await requestOnce(current, policy, signal, timeout, opts.send);
    const location = res.headers.location;
    if (!opts.send && [301, 302, 303, 307, 308].includes(res.status) && location) {
      res.discard();
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw new FetchError(`redirected to an invalid address (${location}).`);
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new FetchError(`redirected to a non-web address (${next.href}).`);
      if (siteKey(next) !== site) throw new FetchError(`redirected off-site to ${next.href}, so it was not followed.`);
      if (hop >= MAX_REDIRECTS) throw new FetchError(`too many redirects (more than ${MAX_REDIRECTS}).`);
      current = next;
      continue;
    }
    const contentType = String(res.headers['content-type'] ?? '').toLowerCase();
    if (opts.accept && res.status >= 200 && res.status < 300 && !opts.accept(contentType)) {
      res.discard();
      throw new FetchError(`not a web page (${contentType.split(';')[0] || 'unknown type'}), skipped.`, 'skip');
    }
    const body = await readBody(res, maxBytes, timeout);
    return { url: current.href, status: res.status, contentType, headers: res.headers, body };
  }
}

export function httpStatusMessage(status: number): string {
  const reason: Record<number, string> = {
    400: 'bad request',
    401: 'a login is required',
    403: 'access denied',
    404: 'page not found',
    410: 'page removed',
    429: 'too many requests; the site is rate-limiting, try again later',
    500: 'server error',
    502: 'bad gateway',
    503: 'the site is temporarily unavailable',
    504: 'gateway timeout',
  };
  return `the server answered ${status} (${reason[status] ?? (status >= 500 ? 'server error' : 'not available')}).`;
}

const HTML_TYPES = /^(text\/html|application\/xhtml\+xml)\b/;
// Links to these are never web pages: not even worth a request.
const NON_PAGE_EXTENSIONS =
  /\.(pdf|docx?|xlsx?|pptx?|odt|ods|zip|gz|tgz|rar|7z|tar|exe|dmg|msi|apk|iso|jpe?g|png|gif|webp|svg|ico|bmp|tiff?|mp3|mp4|m4a|wav|ogg|webm|mov|avi|woff2?|ttf|eot|otf|css|js|mjs|json|xml|rss|atom|csv|txt)$/i;

/** Canonical form for "have we seen this page": no fragment, no tracking parameters, no trailing slash. */
export function pageKey(url: string | URL): string {
  const u = new URL(typeof url === 'string' ? url : url.href);
  u.hash = '';
  for (const k of [...u.searchParams.keys()]) if (/^(utm_\w+|fbclid|gclid|mc_cid|mc_eid)$/i.test(k)) u.searchParams.delete(k);
  u.pathname = u.pathname.replace(/\/{2,}/g, '/').replace(/\/index\.(html?|php)$/i, '/');
  if (u.pathname.length > 1) u.pathname = u.pathname.replace(/\/+$/, '');
  return `${siteKey(u)}${u.pathname}${u.search}`;
}

/** The address kept for a page: as fetched, minus fragment and tracking parameters. */
function cleanPageUrl(url: string): string {
  const u = new URL(url);
  u.hash = '';
  for (const k of [...u.searchParams.keys()]) if (/^(utm_\w+|fbclid|gclid|mc_cid|mc_eid)$/i.test(k)) u.searchParams.delete(k);
  return u.href;
}

interface PageResult {
  url: string;
  finalUrl?: string;
  doc?: ExtractedDocument;
  links: string[];
  error?: string;
}

async function fetchHtmlPage(url: string, policy: FetchPolicy, site: string, signal?: AbortSignal): Promise<PageResult> {
  try {
    const r = await fetchUrl(url, policy, { site, accept: (ct) => ct === '' || HTML_TYPES.test(ct), signal });
    if (r.status < 200 || r.status >= 300) return { url, links: [], error: httpStatusMessage(r.status) };
    const finalUrl = cleanPageUrl(r.url);
    // Parsing and extraction run in the reader (an extraction process on the server), never here.
    const page = await policy.reader.page(r.body, r.contentType, finalUrl);
    if (page.noindex) return { url, finalUrl, links: page.links };
    if (!page.doc) return { url, finalUrl, links: page.links, error: 'no readable text on this page.' };
    return { url, finalUrl, doc: page.doc, links: page.links };
  } catch (e) {
    if (e instanceof FetchError && e.kind === 'skip') return { url, links: [] };
    if (e instanceof IngestError) return { url, links: [], error: e.message };
    return { url, links: [], error: `could not read this page (${(e as Error)?.message ?? String(e)}).` };
  }
}

export interface CrawlOptions {
  /** Most pages to read (documents yielded). Default 100. */
  maxPages?: number;
  /** Parallel requests. Default 2: polite to small sites. */
  concurrency?: number;
}

/**
 * Crawls a site from `startUrl`, following links on the same site only, and yields each page's
 * document as soon as it is read. Stop early by breaking out of the for-await loop.
 */
export async function* crawlSite(startUrl: string, opts: CrawlOptions, policy: FetchPolicy, onError: OnIngestError): AsyncGenerator<ExtractedDocument> {
  const start = parseWebUrl(startUrl);
  const maxPages = Math.max(1, opts.maxPages ?? 100);
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? 2, 8));
  const site = siteKey(start);
  // Links to the same site under another scheme or "www." are fetched at the start address's origin.
  let origin = start.origin;
  const onSite = (u: URL): URL | null => {
    if ((u.protocol !== 'http:' && u.protocol !== 'https:') || siteKey(u) !== site) return null;
    const moved = new URL(u.pathname + u.search, origin);
    return moved;
  };

  const seen = new Set<string>([pageKey(start)]);
  const yieldedKeys = new Set<string>(); // two links can redirect to one page: read it once
  const queue: string[] = [cleanPageUrl(start.href)];
  const maxAttempts = maxPages * 3 + 10; // broken links must not make a crawl endless
  let attempts = 0;
  let yielded = 0;
  let first = true;
  const controller = new AbortController();
  const inflight = new Map<number, Promise<{ id: number; r: PageResult }>>();

  try {
    while (yielded < maxPages) {
      while (queue.length && inflight.size < concurrency && yielded + inflight.size < maxPages && attempts < maxAttempts) {
        const url = queue.shift()!;
        const id = ++attempts;
        inflight.set(
          id,
          fetchHtmlPage(url, policy, site, controller.signal).then((r) => ({ id, r })),
        );
        if (first) break; // the start page alone first: its final address sets the origin for the rest
      }
      if (!inflight.size) break;
      const { id, r } = await Promise.race(inflight.values());
      inflight.delete(id);
      if (first && r.finalUrl) origin = new URL(r.finalUrl).origin;
      first = false;
      if (r.finalUrl) seen.add(pageKey(r.finalUrl));
      if (r.error) onError(r.url, r.error);
      for (const link of r.links) {
        let u: URL | null;
        try {
          u = onSite(new URL(link));
        } catch {
          u = null;
        }
        if (!u || NON_PAGE_EXTENSIONS.test(u.pathname)) continue;
        const key = pageKey(u);
        if (seen.has(key)) continue;
        seen.add(key);
        queue.push(cleanPageUrl(u.href));
      }
      if (r.doc && !yieldedKeys.has(pageKey(r.doc.url!))) {
        yieldedKeys.add(pageKey(r.doc.url!));
        yielded++;
        yield r.doc;
      }
    }
  } finally {
    controller.abort(); // the caller stopped (or we're done): drop requests still running
    await Promise.allSettled(inflight.values());
  }
}

/**
 * Reads a list of pages (for example from a sitemap) in order, two at a time. Failures go to
 * `onError` and the rest continue. Stop early by breaking out of the for-await loop.
 */
export async function* fetchPages(
  urls: Iterable<string>,
  policy: FetchPolicy,
  onError: OnIngestError,
  opts: { concurrency?: number } = {},
): AsyncGenerator<ExtractedDocument> {
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? 2, 8));
  const controller = new AbortController();
  const iterator = urls[Symbol.iterator]();
  const pending: Promise<PageResult>[] = [];
  const startNext = (): boolean => {
    const n = iterator.next();
    if (n.done) return false;
    const url = n.value;
    let site: string;
    try {
      site = siteKey(parseWebUrl(url));
    } catch (e) {
      pending.push(Promise.resolve({ url, links: [], error: (e as Error).message }));
      return true;
    }
    pending.push(
      fetchHtmlPage(url, policy, site, controller.signal).then((r) =>
        // For a listed page, a non-page answer is worth telling (a crawl just skips those).
        !r.doc && !r.error && !r.finalUrl ? { ...r, error: 'not a web page (HTML), skipped.' } : r,
      ),
    );
    return true;
  };
  const yieldedKeys = new Set<string>(); // two listed addresses can redirect to one page
  try {
    while (pending.length < concurrency && startNext());
    while (pending.length) {
      const r = await pending.shift()!;
      startNext();
      if (r.error) onError(r.url, r.error);
      else if (r.doc) {
        if (yieldedKeys.has(pageKey(r.doc.url!))) continue;
        yieldedKeys.add(pageKey(r.doc.url!));
        yield r.doc;
      } else onError(r.url, 'the page asks not to be indexed (noindex), skipped.');
    }
  } finally {
    controller.abort();
    await Promise.allSettled(pending);
  }
}

const sitemapParser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (name) => name === 'url' || name === 'sitemap',
});

interface SitemapXml {
  urlset?: { url?: { loc?: unknown }[] };
  sitemapindex?: { sitemap?: { loc?: unknown }[] };
}

export interface SitemapContent {
  /** A list of pages, or an index of further sitemaps. */
  kind: 'urlset' | 'index';
  locs: string[];
}

/** A fetched sitemap's XML (gzipped or not) → its locations. Throws IngestError when it isn't one. */
export function parseSitemap(raw: Buffer, sitemapUrl: string): SitemapContent {
  let body = raw;
  if (body[0] === 0x1f && body[1] === 0x8b) {
    try {
      body = zlib.gunzipSync(body, { maxOutputLength: SITEMAP_MAX_BYTES });
    } catch {
      throw new IngestError(`Sitemap ${sitemapUrl}: the compressed sitemap could not be unpacked (damaged, or larger than ${mb(SITEMAP_MAX_BYTES)} unpacked).`);
    }
  }
  const text = body.toString('utf8').replace(/^\uFEFF/, '');
  const html = /^\s*(<!--[\s\S]*?-->\s*)*(<!doctype html|<html[\s>])/i.test(text.slice(0, 2000));
  if (html || !text.trimStart().startsWith('<') || XMLValidator.validate(text) !== true) {
    throw new IngestError(
      `Sitemap ${sitemapUrl} is not XML${html ? ' (the address returns a web page)' : ''}, so it can't be read as a sitemap. Check the sitemap address.`,
    );
  }
  const xml = sitemapParser.parse(text) as SitemapXml;
  const locsOf = (entries: { loc?: unknown }[] | undefined) =>
    (entries ?? []).map((e) => (typeof e?.loc === 'string' ? e.loc.trim() : '')).filter((loc) => loc);
  if (xml.urlset) return { kind: 'urlset', locs: locsOf(xml.urlset.url) };
  if (xml.sitemapindex) return { kind: 'index', locs: locsOf(xml.sitemapindex.sitemap) };
  throw new IngestError(`Sitemap ${sitemapUrl} is XML but not a sitemap (it has no <urlset> or <sitemapindex>).`);
}

/**
 * Reads a sitemap (or a sitemap index, nested up to 5 levels) and returns its page URLs on the
 * sitemap's own site, without duplicates. A site's home page URL finds the sitemap through
 * robots.txt, or at /sitemap.xml. Nested sitemaps that fail go to `onError` when given.
 * `maxPages` stops reading once that many pages are found (a quick check that a sitemap has any).
 */
export async function readSitemap(url: string, policy: FetchPolicy, onError?: OnIngestError, opts: { maxPages?: number } = {}): Promise<string[]> {
  const start = parseWebUrl(url);
  const site = siteKey(start);
  let roots = [start.href];
  if (start.pathname === '/' && !start.search) {
    const listed = (await robotsFor(start.origin, policy)).getSitemaps().filter((s) => {
      try {
        return siteKey(new URL(s)) === site;
      } catch {
        return false;
      }
    });
    roots = listed.length ? listed : [new URL('/sitemap.xml', start).href];
  }

  const found = new Map<string, string>();
  const visited = new Set<string>();
  const enough = () => opts.maxPages !== undefined && found.size >= opts.maxPages;
  const read = async (sitemapUrl: string, depth: number): Promise<void> => {
    if (visited.has(sitemapUrl) || visited.size >= 500 || enough()) return;
    visited.add(sitemapUrl);
    const r = await fetchUrl(sitemapUrl, policy, { robots: false, maxBytes: SITEMAP_MAX_BYTES }).catch((e: unknown) => {
      throw new IngestError(`Sitemap ${sitemapUrl}: ${(e as Error).message}`);
    });
    if (r.status !== 200) throw new IngestError(`Sitemap ${sitemapUrl}: ${httpStatusMessage(r.status)}`);
    // Unpacking and parsing (up to 50 MB of XML) run in the reader, not on the server's event loop.
    const sitemap = await policy.reader.sitemap(r.body, sitemapUrl);
    if (sitemap.kind === 'urlset') {
      for (const loc of sitemap.locs) {
        try {
          const u = parseWebUrl(loc);
          if (siteKey(u) === site && !found.has(pageKey(u))) found.set(pageKey(u), u.href);
        } catch {
          // an entry that isn't a web address is ignored
        }
      }
    } else {
      for (const loc of sitemap.locs) {
        if (!loc || depth >= 5) continue;
        try {
          await read(new URL(loc, sitemapUrl).href, depth + 1);
        } catch (e) {
          if (onError && e instanceof IngestError) onError(loc, e.message);
          else throw e;
        }
      }
    }
  };
  for (const root of roots) await read(root, 0);
  return [...found.values()].slice(0, opts.maxPages);
}
