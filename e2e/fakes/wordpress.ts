// A real HTTP server on 127.0.0.1 that speaks the parts of the WordPress REST API Docent uses:
// discovery (/wp-json/, ?rest_route=, the home page's Link header), /wp/v2/types, and paged
// collections with X-WP-Total / X-WP-TotalPages (per_page at most 100, like WordPress).
//
// Seed content (about the fictional Acme Widgets): 230 posts (3 pages of 100), 4 pages,
// 12 items of the custom post type "faq" (rest_base "faqs"), one password-protected post, and
// non-content types (attachment, nav_menu_item, wp_block, wp_template) listed in /types as WordPress does.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeWpType = 'post' | 'page' | 'faq';

export interface FakeWpPostInput {
  id?: number;
  title: string;
  /** HTML, served as content.rendered */
  content: string;
  /** modified_gmt, e.g. '2024-06-01T12:00:00' (UTC, no zone, as WordPress sends it) */
  modified?: string;
  slug?: string;
  protected?: boolean;
}

interface StoredPost {
  id: number;
  type: FakeWpType;
  slug: string;
  title: string;
  content: string;
  modified: string;
  protected: boolean;
}

export interface FakeWordPress {
  /** Site URL without trailing slash. */
  url: string;
  close(): Promise<void>;
  /** Adds or replaces (same id) an item; returns its id. */
  setPost(type: FakeWpType, post: FakeWpPostInput): number;
  deletePost(type: FakeWpType, id: number): void;
  /** Every request's path and query, in arrival order. */
  requests: string[];
}

export interface FakeWordPressOptions {
  /** Number of seeded blog posts. Default 230. */
  posts?: number;
  /** 'plain' serves the API only through ?rest_route= (sites without pretty permalinks). Default 'pretty'. */
  permalinks?: 'pretty' | 'plain';
}

const REST_BASE: Record<string, { type: FakeWpType | null; name: string }> = {
  posts: { type: 'post', name: 'Posts' },
  pages: { type: 'page', name: 'Pages' },
  faqs: { type: 'faq', name: 'FAQs' },
  media: { type: null, name: 'Media' },
  'menu-items': { type: null, name: 'Navigation Menu Items' },
  blocks: { type: null, name: 'Patterns' },
  templates: { type: null, name: 'Templates' },
};

function typesBody() {
  const t = (slug: string, name: string, restBase: string, hierarchical = false) => ({
    description: '',
    hierarchical,
    has_archive: false,
    name,
    slug,
    icon: null,
    taxonomies: [],
    rest_base: restBase,
    rest_namespace: 'wp/v2',
    _links: {},
  });
  return {
    post: t('post', 'Posts', 'posts'),
    page: t('page', 'Pages', 'pages', true),
    attachment: t('attachment', 'Media', 'media'),
    nav_menu_item: t('nav_menu_item', 'Navigation Menu Items', 'menu-items'),
    wp_block: t('wp_block', 'Patterns', 'blocks'),
    wp_template: t('wp_template', 'Templates', 'templates'),
    faq: t('faq', 'FAQs', 'faqs'),
  };
}

function seed(postCount: number): StoredPost[] {
  const items: StoredPost[] = [];
  const day = (n: number) => new Date(Date.UTC(2024, 0, 1) + n * 3_600_000).toISOString().slice(0, 19);
  const topics = ['widget care', 'factory news', 'new colours', 'customer stories', 'firmware updates'];
  for (let i = 1; i <= postCount; i++) {
    const topic = topics[i % topics.length];
    items.push({
      id: i,
      type: 'post',
      slug: `news-${i}`,
      title: `Acme news #${i}: ${topic}`,
      content: `<h2>News item ${i}</h2><p>This is blog post number ${i} about ${topic} at Acme Widgets. Widget serial range ${i * 1000}&ndash;${i * 1000 + 999} is covered by this update.</p>`,
      modified: day(i),
      protected: false,
    });
  }
  const pages: [string, string, string][] = [
    [
      'shipping',
      'Shipping &amp; Delivery',
      '<p>Standard shipping takes 3 to 5 business days and costs $4.95; it is free on orders over $50.</p><h2>Express</h2><p>Express shipping arrives in 1 to 2 business days for $14.95.</p>',
    ],
    ['returns', 'Returns', '<p>You can return a widget within 30 days of delivery. Refunds are issued within 5 business days after we receive it.</p>'],
    ['about', 'About us', '<p>Acme Widgets was founded in 2011 in Springfield, Illinois.</p>'],
    ['contact', 'Contact', '<p>Email support@acmewidgets.example or call +1 (555) 010-4477.</p>'],
  ];
  pages.forEach(([slug, title, content], k) => items.push({ id: 1001 + k, type: 'page', slug, title, content, modified: day(500 + k), protected: false }));
  const faqs: [string, string][] = [
    ['Do widgets come with a warranty?', 'Yes. Every widget has a five-year warranty against rust and breakage.'],
    ['Can I mount a widget outdoors?', 'Yes, all widgets are rated for outdoor use from -30 °C to 50 °C.'],
    ['What colours are available?', 'Widgets come in graphite, sand, forest green and signal red.'],
    ['How much weight can a widget hold?', 'A standard widget holds up to 40 kg; the heavy-duty widget holds 120 kg.'],
    ['Do you offer bulk discounts?', 'Orders of 50 widgets or more get 15% off automatically at checkout.'],
    ['Are spare screws included?', 'Each box contains four spare stainless-steel screws.'],
    ['Can I pay by invoice?', 'Business customers can pay by invoice with 30-day terms.'],
    ['Do you ship to Norway?', 'Not yet; we currently ship to Canada, the UK, the EU and Australia.'],
    ['Is there a mobile app?', 'Yes, the Widget Cloud app is available for iOS and Android.'],
    ['How do I clean a widget?', 'Wipe it with a damp cloth and mild soap; avoid abrasive cleaners.'],
    ['Can I engrave my widget?', 'Yes, engraving costs $12 per widget; engraved widgets cannot be returned.'],
    ['Where are widgets made?', 'In our factory on Sprocket Lane in Springfield, Illinois.'],
  ];
  faqs.forEach(([q, a], k) =>
    items.push({ id: 2001 + k, type: 'faq', slug: `faq-${k + 1}`, title: q, content: `<p>${a}</p>`, modified: day(700 + k), protected: false }),
  );
  items.push({
    id: 3001,
    type: 'post',
    slug: 'members-only',
    title: 'Members only',
    content: '',
    modified: day(900),
    protected: true,
  });
  return items;
}

function pick(obj: Record<string, unknown>, fields: string | null): Record<string, unknown> {
  if (!fields) return obj;
  const out: Record<string, unknown> = {};
  for (const f of fields.split(',').map((s) => s.trim())) if (f in obj) out[f] = obj[f];
  return out;
}

export async function startFakeWordPress(opts: FakeWordPressOptions = {}): Promise<FakeWordPress> {
  const store = new Map<number, StoredPost>();
  for (const p of seed(opts.posts ?? 230)) store.set(p.id, p);
  const permalinks = opts.permalinks ?? 'pretty';
  const requests: string[] = [];
  let base = '';

  const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };
  const html = (res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=UTF-8', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  };
  const apiRoot = () => (permalinks === 'pretty' ? `${base}/wp-json/` : `${base}/?rest_route=/`);

  const render = (p: StoredPost) => ({
    id: p.id,
    date_gmt: p.modified,
    modified_gmt: p.modified,
    slug: p.slug,
    status: 'publish',
    type: p.type,
    link: `${base}/${p.type === 'post' ? '' : `${p.type}/`}${p.slug}/`,
    title: { rendered: p.title },
    content: { rendered: p.protected ? '' : p.content, protected: p.protected },
    excerpt: { rendered: '', protected: p.protected },
  });

  const route = (res: http.ServerResponse, restRoute: string, q: URLSearchParams) => {
    if (restRoute === '/' || restRoute === '') {
      return json(res, 200, {
        name: 'Acme Widgets',
        description: 'Sturdy widgets since 2011',
        url: base,
        home: base,
        namespaces: ['oembed/1.0', 'wp/v2', 'wp-site-health/v1'],
        routes: { '/wp/v2/posts': {}, '/wp/v2/pages': {}, '/wp/v2/faqs': {}, '/wp/v2/types': {} },
      });
    }
    if (restRoute === '/wp/v2/types') return json(res, 200, typesBody());
    const m = /^\/wp\/v2\/([a-z-]+)(?:\/(\d+))?\/?$/.exec(restRoute);
    const kind = m ? REST_BASE[m[1]] : undefined;
    if (!m || !kind)
      return json(res, 404, { code: 'rest_no_route', message: 'No route was found matching the URL and request method.', data: { status: 404 } });
    const all = [...store.values()].filter((p) => kind.type && p.type === kind.type);
    if (m[2]) {
      const one = all.find((p) => p.id === Number(m[2]));
      return one
        ? json(res, 200, pick(render(one), q.get('_fields')))
        : json(res, 404, { code: 'rest_post_invalid_id', message: 'Invalid post ID.', data: { status: 404 } });
    }
    const perPage = Number(q.get('per_page') ?? 10);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
      return json(res, 400, {
        code: 'rest_invalid_param',
        message: 'Invalid parameter(s): per_page',
        data: { status: 400, params: { per_page: 'per_page must be between 1 (inclusive) and 100 (inclusive)' } },
      });
    }
    const page = Number(q.get('page') ?? 1);
    const orderby = q.get('orderby') ?? 'date';
    const asc = (q.get('order') ?? 'desc') === 'asc';
    const sorted = all.sort((a, b) => {
      const d = orderby === 'id' ? a.id - b.id : a.modified.localeCompare(b.modified) || a.id - b.id;
      return asc ? d : -d;
    });
    const total = sorted.length;
    const totalPages = Math.ceil(total / perPage);
    if (!Number.isInteger(page) || page < 1 || (page > totalPages && total > 0)) {
      return json(res, 400, {
        code: 'rest_post_invalid_page_number',
        message: 'The page number requested is larger than the number of pages available.',
        data: { status: 400 },
      });
    }
    const slice = sorted.slice((page - 1) * perPage, page * perPage).map((p) => pick(render(p), q.get('_fields')));
    return json(res, 200, slice, { 'x-wp-total': String(total), 'x-wp-totalpages': String(totalPages) });
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    requests.push(url.pathname + url.search);
    const restRoute = url.searchParams.get('rest_route');
    if (url.pathname === '/' && restRoute !== null) return route(res, restRoute, url.searchParams);
    if (url.pathname.startsWith('/wp-json')) {
      if (permalinks === 'plain') return html(res, 404, '<!DOCTYPE html><html><body><h1>Not Found</h1></body></html>');
      return route(res, url.pathname.slice('/wp-json'.length) || '/', url.searchParams);
    }
    if (url.pathname === '/') {
      return html(
        res,
        200,
        `<!DOCTYPE html><html><head><title>Acme Widgets</title><link rel="https://api.w.org/" href="${apiRoot()}"></head><body><h1>Acme Widgets</h1></body></html>`,
        { link: `<${apiRoot()}>; rel="https://api.w.org/"` },
      );
    }
    return html(res, 404, '<!DOCTYPE html><html><body><h1>Not Found</h1></body></html>');
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    requests,
    setPost(type, post) {
      const id = post.id ?? Math.max(0, ...store.keys()) + 1;
      const prev = store.get(id);
      store.set(id, {
        id,
        type,
        slug: post.slug ?? prev?.slug ?? `${type}-${id}`,
        title: post.title,
        content: post.content,
        modified: post.modified ?? new Date().toISOString().slice(0, 19),
        protected: post.protected ?? false,
      });
      return id;
    },
    deletePost(type, id) {
      if (store.get(id)?.type === type) store.delete(id);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
