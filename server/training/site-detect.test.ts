// "Add your website" in one field: POST /api/admin/training/sources/detect works out from one address whether the
// site is WordPress, has a sitemap, or must be crawled, says so in plain words, and answers the source config that
// POST /training/sources then accepts. A site that cannot be read is a 422 with the reason on the field; nothing is
// created either way; the whole detection has a deadline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, setupAdmin, type AdminClient, type TestApp } from '../../e2e/support/harness.js';
import { startStaticSite, type StaticSite } from '../../e2e/fakes/static-site.js';
import { startFakeWordPress } from '../../e2e/fakes/wordpress.js';
import { SITEMAP_COUNT_LIMIT, detectSite, siteAddress } from './site-detect.js';
import { createInProcessReader } from './ingest/reader.js';
import { HttpError } from '../http/errors.js';

const DEAD = 'http://127.0.0.1:9'; // nothing listens on port 9
const ROBOTS_WITHOUT_SITEMAP = 'User-agent: *\nDisallow: /internal/\n';

async function setup(t: { after(fn: () => unknown): void }): Promise<TestApp & { admin: AdminClient; site: StaticSite }> {
  const site = await startStaticSite();
  t.after(site.close);
  const testApp = await createTestApp();
  t.after(testApp.close);
  return { ...testApp, site, admin: await setupAdmin(testApp.app) };
}

const detect = (admin: AdminClient, url: string) => admin.request('POST', '/api/admin/training/sources/detect', { url });
const refusal = (status: number, message: string) => ({
  statusCode: status,
  error: status === 400 ? 'Bad Request' : 'Unprocessable Entity',
  message,
  fields: { url: message },
});

async function assertNothingCreated(admin: AdminClient) {
  assert.deepEqual(
    (await admin.request('GET', '/api/admin/training/sources')).json().sources.map((s: { kind: string }) => s.kind),
    ['text', 'files'],
    'no source was created',
  );
  assert.equal((await admin.request('GET', '/api/admin/training/jobs')).json().jobs.length, 0, 'no job was queued');
}

/** The detected config is one POST /training/sources accepts as it is. */
async function assertCreates(admin: AdminClient, found: { kind: string; config: unknown }) {
  const created = await admin.request('POST', '/api/admin/training/sources', { kind: found.kind, config: found.config });
  assert.equal(created.statusCode, 201, created.body);
}

test('a site with a sitemap: the sitemap, with the number of pages it lists on the site', async (t) => {
  const { admin, site } = await setup(t);
  // robots.txt → /sitemap.xml, an index of pages.xml (4 pages here, 1 elsewhere) and help-index.xml → help.xml (4, one repeated).
  const res = await detect(admin, `${site.url}/`);
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), {
    kind: 'web',
    config: { mode: 'sitemap', sitemapUrl: `${site.url}/` },
    method: 'sitemap',
    pages: 7,
    summary: 'A sitemap listing 7 pages.',
  });
  await assertNothingCreated(admin);
  await assertCreates(admin, res.json());

  // The sitemap's own address, pasted: that sitemap.
  const one = await detect(admin, `${site.url}/sitemaps/pages.xml`);
  assert.deepEqual(one.json(), {
    kind: 'web',
    config: { mode: 'sitemap', sitemapUrl: `${site.url}/sitemaps/pages.xml` },
    method: 'sitemap',
    pages: 4,
    summary: 'A sitemap listing 4 pages.',
  });

  // A very large one is counted only so far (the sync reads all of it).
  const locs = Array.from({ length: SITEMAP_COUNT_LIMIT + 1 }, (_, i) => `<url><loc>{{BASE}}/p/${i}</loc></url>`).join('');
  site.setPage('/big-sitemap.xml', `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs}</urlset>`);
  const big = await detect(admin, `${site.url}/big-sitemap.xml`);
  assert.deepEqual([big.json().pages, big.json().summary], [5000, 'A sitemap listing at least 5,000 pages.']);
});

test('a WordPress site: read through its REST API (pretty permalinks or plain)', async (t) => {
  const { admin } = await setup(t);
  const wp = await startFakeWordPress({ posts: 3 });
  t.after(wp.close);
  const res = await detect(admin, wp.url);
  assert.deepEqual(res.json(), {
    kind: 'wordpress',
    config: { siteUrl: `${wp.url}/` },
    method: 'wordpress',
    pages: null,
    summary: 'A WordPress site: posts and pages will be read through its REST API.',
  });
  await assertNothingCreated(admin);
  await assertCreates(admin, res.json());

  const plain = await startFakeWordPress({ posts: 1, permalinks: 'plain' });
  t.after(plain.close);
  assert.equal((await detect(admin, plain.url)).json().method, 'wordpress', 'found through ?rest_route= too');
});

test('no sitemap (or one without pages on the site): a crawl from the home page, or from the page given', async (t) => {
  const { admin, site } = await setup(t);
  site.setPage('/robots.txt', ROBOTS_WITHOUT_SITEMAP);
  site.removePage('/sitemap.xml');
  const res = await detect(admin, site.url); // no trailing slash: still the home page
  assert.deepEqual(res.json(), {
    kind: 'web',
    config: { mode: 'crawl', startUrl: `${site.url}/`, maxPages: 100 },
    method: 'crawl',
    pages: null,
    summary: 'No sitemap: Docent will follow links from the home page, up to 100 pages.',
  });
  await assertCreates(admin, res.json());

  site.setPage(
    '/sitemap.xml',
    `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://elsewhere.example/page</loc></url></urlset>`,
  );
  assert.equal(
    (await detect(admin, `${site.url}/`)).json().summary,
    'The sitemap lists no pages on this site: Docent will follow links from the home page, up to 100 pages.',
  );

  // A page deeper in: the crawl starts there (the site's sitemap would read more than was asked for).
  site.reset();
  const deeper = await detect(admin, `${site.url}/about.html`);
  assert.deepEqual(deeper.json(), {
    kind: 'web',
    config: { mode: 'crawl', startUrl: `${site.url}/about.html`, maxPages: 100 },
    method: 'crawl',
    pages: null,
    summary: 'Docent will follow links from this page, up to 100 pages.',
  });
});

test('a site that cannot be read: a 422 with the reason on the field, and nothing created', async (t) => {
  const { admin, site } = await setup(t);
  const dead = await detect(admin, `${DEAD}/`);
  assert.deepEqual(dead.json(), refusal(422, `The start page ${DEAD}/ could not be read: could not connect to 127.0.0.1:9 (connection refused).`));
  const csv = await detect(admin, `${site.url}/price-list.csv`);
  assert.deepEqual(
    csv.json(),
    refusal(422, `${site.url}/price-list.csv is not a web page (text/csv). A crawl starts from an HTML page, such as the site's home page.`),
  );
  site.setPage(
    '/offsite-sitemap.xml',
    `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://elsewhere.example/page</loc></url></urlset>`,
  );
  const offsite = await detect(admin, `${site.url}/offsite-sitemap.xml`);
  assert.deepEqual(
    offsite.json(),
    refusal(
      422,
      `The sitemap ${site.url}/offsite-sitemap.xml lists no pages on ${new URL(site.url).host}, so there is nothing to read. Check that it is this site's sitemap (pages on other sites are skipped).`,
    ),
  );
  const missingSitemap = await detect(admin, `${site.url}/no-such-sitemap.xml`);
  assert.deepEqual(missingSitemap.json(), refusal(422, `Sitemap ${site.url}/no-such-sitemap.xml: the server answered 404 (page not found).`));

  site.setPage('/robots.txt', ROBOTS_WITHOUT_SITEMAP);
  site.removePage('/sitemap.xml');
  site.removePage('/');
  const gone = await detect(admin, `${site.url}/`);
  assert.deepEqual(gone.json(), refusal(422, `The start page ${site.url}/ could not be read: the server answered 404 (page not found). Check the address.`));
  await assertNothingCreated(admin);
});

test('the address: "example.com" means https://example.com/; anything that is not a site address is a 400 on the field', async (t) => {
  assert.equal(siteAddress('  example.com ').href, 'https://example.com/');
  assert.equal(siteAddress('http://Example.com/shop#top').href, 'http://example.com/shop');
  const problem = (typed: string) => {
    try {
      siteAddress(typed);
      return null;
    } catch (err) {
      assert.ok(err instanceof HttpError);
      return [err.statusCode, err.fields?.url];
    }
  };
  assert.deepEqual(problem(''), [400, 'Enter your website’s address, e.g. https://example.com.']);
  assert.deepEqual(problem('my site'), [400, 'That is not a web address. Enter your website’s address, e.g. https://example.com.']);
  assert.deepEqual(problem('intranet'), [
    400,
    'That is not a full web address: it needs a domain such as example.com. Enter your website’s address, e.g. https://example.com.',
  ]);
  assert.deepEqual(problem('ftp://example.com/'), [400, 'Only http:// and https:// addresses can be read (this one starts with ftp:).']);
  assert.deepEqual(problem('https://me:secret@example.com/'), [
    400,
    'Addresses with a user name or password in them are not supported: remove the "name:password@" part.',
  ]);

  const { app, admin } = await setup(t);
  assert.deepEqual((await detect(admin, 'my site')).json(), refusal(400, 'That is not a web address. Enter your website’s address, e.g. https://example.com.'));
  const anonymous = await app.inject({ method: 'POST', url: '/api/admin/training/sources/detect', payload: { url: 'example.com' } });
  assert.equal(anonymous.statusCode, 401, 'admins only: it makes the server fetch addresses');
});

test('the detection has one deadline: a site that never finishes answering is refused within it', async (t) => {
  const site = await startStaticSite();
  t.after(site.close);
  const started = Date.now();
  const found = await detectSite(new URL(`${site.url}/slow.html`), { allowPrivate: true, reader: createInProcessReader(), deadlineMs: 1500 });
  assert.deepEqual(found, { problem: `${site.url}/slow.html did not answer within 2 seconds. Check the address, or try again later.` });
  assert.ok(Date.now() - started < 8000, `took ${Date.now() - started} ms`);
});
