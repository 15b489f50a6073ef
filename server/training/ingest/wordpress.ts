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
const NOT_CONTENT = new Set(['attachment', 'nav_menu_item', 'wp_block', 'wp_template', 'wp_template_part', 'wp_navigation', 'wp_global_styles', 'wp_font_family', 'wp_font_face']);

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
interface Api {
  url(route: string, query?: Record<string, string | number>): string;
}

function prettyApi(root: string): Api {
  return {
    url(route, query = {}) {
      const u = new URL(root.replace(/\/$/, '') + route);
      for (const [k, v] of Object.entries(query)) u.searchParams.set(k, String(v));
      return u.href;
    },
  };
}

function plainApi(site: URL): Api {
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

async function getJson(url: string, policy: FetchPolicy): Promise<{ status: number; json: unknown; headers: Record<string, unknown> }> {
  const r = await fetchUrl(url, policy, { robots: false, maxBytes: Math.max(policy.maxBytes, API_MAX_BYTES) });
  let json: unknown = undefined;
  try {
    json = JSON.parse(r.body.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    json = undefined;
  }
  return { status: r.status, json, headers: r.headers };
}

function isApiIndex(json: unknown): boolean {
  const namespaces = (json as { namespaces?: unknown })?.namespaces;
  return Array.isArray(namespaces) && namespaces.includes('wp/v2');
}

/** Finds the REST API: /wp-json/, the <link rel="https://api.w.org/"> the home page announces, then ?rest_route=/. */
async function discoverApi(site: URL, policy: FetchPolicy): Promise<Api> {
  const base = site.href.endsWith('/') ? site.href : `${site.href}/`;
  let answered = false; // did the site answer at all (any HTTP status)?
  let networkError: FetchError | null = null;
  const tryRoot = async (root: string): Promise<boolean> => {
    try {
      const r = await getJson(root, policy);
      answered = true;
      return isApiIndex(r.json);
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
    const fromHtml = /<link[^>]+rel=["']https:\/\/api\.w\.org\/["'][^>]*href=["']([^"']+)["']/i.exec(home.body.toString('utf8'))?.[1];
    const announced = fromHeader ?? fromHtml;
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

interface ContentType {
  slug: string;
  name: string;
  route: string;
}

async function contentTypes(api: Api, policy: FetchPolicy, wanted: string[] | undefined, onError: OnIngestError): Promise<ContentType[]> {
  let types: ContentType[] = [];
  try {
    const { status, json } = await getJson(api.url('/wp/v2/types'), policy);
    if (status !== 200 || !json || typeof json !== 'object') throw new Error(String(status));
    for (const [key, t] of Object.entries(json as Record<string, WpType>)) {
      const slug = t.slug ?? key;
      if (!t.rest_base || NOT_CONTENT.has(slug) || t.viewable === false) continue;
      types.push({ slug, name: t.name ?? slug, route: `/${t.rest_namespace ?? 'wp/v2'}/${t.rest_base}` });
    }
  } catch {
    // Some sites hide /types: posts and pages are always there.
    types = [
      { slug: 'post', name: 'Posts', route: '/wp/v2/posts' },
      { slug: 'page', name: 'Pages', route: '/wp/v2/pages' },
    ];
  }
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
export async function* readWordPress(
  siteUrl: string,
  policy: FetchPolicy,
  opts: WordPressOptions,
  onError: OnIngestError,
): AsyncGenerator<ExtractedDocument> {
  const site = parseWebUrl(siteUrl);
  const api = await discoverApi(site, policy);
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
      let res: Awaited<ReturnType<typeof getJson>>;
      try {
        res = await getJson(url, policy);
      } catch (e) {
        onError(url, e instanceof FetchError ? e.message : String(e));
        continue;
      }
      if (res.status !== 200 || !Array.isArray(res.json)) {
        const detail = (res.json as { message?: string } | undefined)?.message;
        onError(url, `${type.name}: ${httpStatusMessage(res.status)}${detail ? ` ${htmlInlineText(detail)}` : ''}`);
        if (page === 1) break; // the whole type is unavailable (e.g. needs a login)
        continue;
      }
      if (page === 1) totalPages = Math.max(1, Number(res.headers['x-wp-totalpages']) || 1);
      for (const item of res.json as WpItem[]) {
        if (typeof item?.id !== 'number') continue;
        const link = item.link ?? api.url(`${type.route}/${item.id}`);
        if (item.content?.protected) {
          onError(link, 'password-protected, skipped.');
          continue;
        }
        const text = htmlToText(item.content?.rendered ?? '');
        if (!hasReadableText(text, 3)) continue; // empty drafts-turned-pages, redirects, gallery-only pages
        yield {
          title: htmlInlineText(item.title?.rendered ?? '') || `${type.name} ${item.id}`,
          url: link,
          text,
          modifiedAt: toIso(item.modified_gmt),
          sourceKey: `wp:${type.slug}:${item.id}`,
        };
      }
    }
  }
}
