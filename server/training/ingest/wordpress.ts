// WordPress through its public REST API: exact post content without theme chrome, stable ids
// (sourceKey 'wp:<type>:<id>') and modification dates, so re-training can skip unchanged posts.
// Robots.txt is not consulted here: this is the site's own API, used at its admin's request.
import { IngestError, type ExtractedDocument, type OnIngestError } from './types.js';
import { FetchError, fetchUrl, httpStatusMessage, parseWebUrl, type FetchPolicy } from './fetch-web.js';
import { htmlInlineText, htmlToText } from './html-text.js';
import { hasReadableText } from './normalize.js';

const PER_PAGE = 100; // the REST API's maximum
const MAX_PAGES_PER_TYPE = 1000; // 100 000 items: a runaway X-WP-TotalPages must not loop forever

// Built-in types that are not content a visitor reads (media, menus, block-editor internals).
const NOT_CONTENT = new Set([
  'attachment',
  'nav_menu_item',
  'wp_block',
  'wp_template',
  'wp_template_part',
  'wp_navigation',
  'wp_global_styles',
  'wp_font_family',
  'wp_font_face',
]);

export interface WordPressOptions {
  /** Type slugs to read, e.g. ['post', 'page', 'faq']. Default: every public content type. */
  postTypes?: string[];
}

interface WpType {
  slug?: string;
  name?: string;
  rest_base?: string;
  rest_namespace?: string;
  viewable?: boolean;
}

interface WpItem {
  id?: number;
  link?: string;
  modified_gmt?: string;
  title?: { rendered?: string };
  content?: { rendered?: string; protected?: boolean };
}

/** Builds REST URLs for either pretty permalinks (/wp-json/…) or the ?rest_route= fallback. */
export interface WordPressApi {
  url(route: string, query?: Record<string, string | number>): string;
}

function prettyApi(root: string): WordPressApi {
  return {
    url(route, query = {}) {
      const u = new URL(root.replace(/\/$/, '') + route);
      for (const [k, v] of Object.entries(query)) u.searchParams.set(k, String(v));
      return u.href;
    },
  };
}

function plainApi(site: URL): WordPressApi {
  return {
    url(route, query = {}) {
      const u = new URL(site.href);
      u.search = '';
      u.searchParams.set('rest_route', route);
      for (const [k, v] of Object.entries(query)) u.searchParams.set(k, String(v));
      return u.href;
    },
  };
}

// 100 long posts in one answer can pass the per-page cap meant for web pages.
const API_MAX_BYTES = 32 * 1024 * 1024;

/** What the server needs from one REST response, worked out by the reader (JSON of up to 32 MB is parsed there). */
export type WordPressParsed =
  | { what: 'index'; isApi: boolean }
  | { what: 'types'; types: ContentType[] | null }
  | { what: 'items'; items: WordPressItem[] | null; message: string | null }
  | { what: 'announced'; href: string | null };

export interface WordPressItem {
  id: number;
  link: string | null;
  modifiedAt: string | null;
  title: string;
  text: string;
  protected: boolean;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
}

/** Parses a REST response (or the home page, for 'announced') into what readWordPress uses. */
export function parseWordPress(what: WordPressParsed['what'], body: Buffer): WordPressParsed {
  if (what === 'announced') {
    const href = /<link[^>]{0,500}rel=["']https:\/\/api\.w\.org\/["'][^>]{0,500}href=["']([^"']{1,2000})["']/i.exec(body.toString('utf8'))?.[1] ?? null;
    return { what, href };
  }
  const json = parseJson(body);
  if (what === 'index') {
    const namespaces = (json as { namespaces?: unknown })?.namespaces;
    return { what, isApi: Array.isArray(namespaces) && namespaces.includes('wp/v2') };
  }
  if (what === 'types') {
    if (!json || typeof json !== 'object') return { what, types: null };
    const types: ContentType[] = [];
    for (const [key, t] of Object.entries(json as Record<string, WpType>)) {
      const slug = typeof t?.slug === 'string' ? t.slug : key;
      if (typeof t?.rest_base !== 'string' || NOT_CONTENT.has(slug) || t.viewable === false) continue;
      types.push({
        slug,
        name: typeof t.name === 'string' ? t.name : slug,
        route: `/${typeof t.rest_namespace === 'string' ? t.rest_namespace : 'wp/v2'}/${t.rest_base}`,
      });
    }
    return { what, types };
  }
  if (!Array.isArray(json)) {
    const message = (json as { message?: unknown } | undefined)?.message;
    return { what, items: null, message: typeof message === 'string' ? htmlInlineText(message) : null };
  }
  const items: WordPressItem[] = [];
  for (const item of json as WpItem[]) {
    if (typeof item?.id !== 'number') continue;
    const text = item.content?.protected ? '' : htmlToText(String(item.content?.rendered ?? ''));
    items.push({
      id: item.id,
      link: typeof item.link === 'string' ? item.link : null,
      modifiedAt: toIso(item.modified_gmt),
      title: htmlInlineText(String(item.title?.rendered ?? '')),
      text,
      protected: item.content?.protected === true,
    });
  }
  return { what, items, message: null };
}

type ParsedAs<W extends WordPressParsed['what']> = Extract<WordPressParsed, { what: W }>;

async function getParsed<W extends WordPressParsed['what']>(
  url: string,
  what: W,
  policy: FetchPolicy,
): Promise<{ status: number; parsed: ParsedAs<W>; headers: Record<string, unknown> }> {
  const r = await fetchUrl(url, policy, { robots: false, maxBytes: Math.max(policy.maxBytes, API_MAX_BYTES) });
  const parsed = (await policy.reader.wordpress(what, r.body, url)) as ParsedAs<W>;
  return { status: r.status, parsed, headers: r.headers };
}

/**
 * Finds the REST API: /wp-json/, the <link rel="https://api.w.org/"> the home page announces, then ?rest_route=/.
 * Throws IngestError saying whether the site could not be reached or has no REST API (the source form's check
 * before a WordPress source is added, and every sync).
 */
export async function discoverWordPressApi(siteUrl: string | URL, policy: FetchPolicy): Promise<WordPressApi> {
  const site = typeof siteUrl === 'string' ? parseWebUrl(siteUrl) : siteUrl;
  const base = site.href.endsWith('/') ? site.href : `${site.href}/`;
  let answered = false; // did the site answer at all (any HTTP status)?
  let networkError: FetchError | null = null;
  const tryRoot = async (root: string): Promise<boolean> => {
    try {
      const r = await getParsed(root, 'index', policy);
      answered = true;
      return r.parsed.isApi;
    } catch (e) {
      if (e instanceof FetchError) networkError ??= e;
      return false;
    }
  };
  const pretty = new URL('wp-json/', base).href;
  if (await tryRoot(pretty)) return prettyApi(pretty);

  try {
    const home = await fetchUrl(base, policy, { robots: false });
    answered = true;
    const header = String(home.headers.link ?? '');
    const fromHeader = /<([^>]+)>;\s*rel="https:\/\/api\.w\.org\/"/.exec(header)?.[1];
    const announced = fromHeader ?? ((await policy.reader.wordpress('announced', home.body, base)) as ParsedAs<'announced'>).href;
    if (announced) {
      const root = new URL(announced.replace(/&amp;/g, '&'), base);
      if (root.searchParams.has('rest_route')) {
        if (await tryRoot(root.href)) return plainApi(site);
      } else if (await tryRoot(root.href)) return prettyApi(root.href);
    }
  } catch {
    // the home page itself failed: the fallback below gives the final answer
  }

  const plain = plainApi(site);
  if (await tryRoot(plain.url('/'))) return plain;
  // Unreachable is a different problem from "not WordPress": say which.
  if (!answered && networkError) throw new IngestError(`Could not reach the WordPress site at ${site.href}: ${(networkError as FetchError).message}`);
  throw new IngestError(
    `No WordPress REST API found at ${site.href}. Check the address is the WordPress site's home page, and that no security plugin blocks the REST API (/wp-json/).`,
  );
}

export interface ContentType {
  slug: string;
  name: string;
  route: string;
}

async function contentTypes(api: WordPressApi, policy: FetchPolicy, wanted: string[] | undefined, onError: OnIngestError): Promise<ContentType[]> {
  let types: ContentType[] | null = null;
  try {
    const { status, parsed } = await getParsed(api.url('/wp/v2/types'), 'types', policy);
    if (status === 200) types = parsed.types;
  } catch {
    types = null;
  }
  // Sites that hide /types still serve posts and pages.
  types ??= [
    { slug: 'post', name: 'Posts', route: '/wp/v2/posts' },
    { slug: 'page', name: 'Pages', route: '/wp/v2/pages' },
  ];
  if (!wanted?.length) return types;
  const bySlug = new Map(types.map((t) => [t.slug, t]));
  const picked: ContentType[] = [];
  for (const w of wanted) {
    const t = bySlug.get(w) ?? types.find((x) => x.route.endsWith(`/${w}`));
    if (t) picked.push(t);
    else onError(api.url('/wp/v2/types'), `the site has no public content type "${w}"; available: ${types.map((x) => x.slug).join(', ')}.`);
  }
  return picked;
}

function toIso(gmt: string | undefined): string | null {
  if (!gmt) return null;
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(gmt) ? gmt : `${gmt}Z`); // modified_gmt carries no zone: it is UTC
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * Reads every published item of the site's content types through the REST API, 100 per request.
 * Throws IngestError when the site has no REST API; per-type and per-item problems go to onError.
 */
export async function* readWordPress(siteUrl: string, policy: FetchPolicy, opts: WordPressOptions, onError: OnIngestError): AsyncGenerator<ExtractedDocument> {
  const site = parseWebUrl(siteUrl);
  const api = await discoverWordPressApi(site, policy);
  const types = await contentTypes(api, policy, opts.postTypes, onError);

  for (const type of types) {
    let totalPages = 1;
    for (let page = 1; page <= totalPages && page <= MAX_PAGES_PER_TYPE; page++) {
      const url = api.url(type.route, {
        per_page: PER_PAGE,
        page,
        orderby: 'id', // stable order while paging, even if posts are edited meanwhile
        order: 'asc',
        _fields: 'id,title,content,link,modified_gmt',
      });
      let res: { status: number; parsed: ParsedAs<'items'>; headers: Record<string, unknown> };
      try {
        res = await getParsed(url, 'items', policy);
      } catch (e) {
        onError(url, e instanceof IngestError ? e.message : String(e));
        continue;
      }
      const items = res.parsed.items;
      if (res.status !== 200 || !items) {
        const detail = res.parsed.message;
        onError(url, `${type.name}: ${httpStatusMessage(res.status)}${detail ? ` ${detail}` : ''}`);
        if (page === 1) break; // the whole type is unavailable (e.g. needs a login)
        continue;
      }
      if (page === 1) totalPages = Math.max(1, Number(res.headers['x-wp-totalpages']) || 1);
      for (const item of items) {
        const link = item.link ?? api.url(`${type.route}/${item.id}`);
        if (item.protected) {
          onError(link, 'password-protected, skipped.');
          continue;
        }
        if (!hasReadableText(item.text, 3)) continue; // empty drafts-turned-pages, redirects, gallery-only pages
        yield {
          title: item.title || `${type.name} ${item.id}`,
          url: link,
          text: item.text,
          modifiedAt: item.modifiedAt,
          sourceKey: `wp:${type.slug}:${item.id}`,
        };
      }
    }
  }
}
