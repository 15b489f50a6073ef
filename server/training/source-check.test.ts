// No false success on Sources: a WordPress site, sitemap or crawl start page is checked before its source is
// created (a 422 naming the problem on the field, nothing created), and a later read failure shows on the
// source as 'failed' with its reason until a sync succeeds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, setupAdmin, type AdminClient, type TestApp } from '../../e2e/support/harness.js';
import { startStaticSite, type StaticSite } from '../../e2e/fakes/static-site.js';
import { startFakeWordPress } from '../../e2e/fakes/wordpress.js';
import { FAKE_KEY } from '../../e2e/fakes/openrouter.js';
import { checkSource } from './source-check.js';
import { createInProcessReader } from './ingest/reader.js';

const DEAD = 'http://127.0.0.1:9'; // nothing listens on port 9
const REFUSED = 'could not connect to 127.0.0.1:9 (connection refused).';

async function setup(t: { after(fn: () => unknown): void }): Promise<TestApp & { admin: AdminClient; site: StaticSite }> {
  const site = await startStaticSite();
  t.after(site.close);
  const testApp = await createTestApp();
  t.after(testApp.close);
  const admin = await setupAdmin(testApp.app);
  // A key, so a re-sync's training step succeeds and the job's outcome is the read's.
  await admin.request('PUT', '/api/admin/settings/api', {
    provider: 'openrouter',
    apiKey: FAKE_KEY,
    model: 'openai/gpt-5.4-mini',
    fallbackModels: [],
    reasoningEnabled: false,
  });
  return { ...testApp, site, admin };
}

const refusal = (field: string, message: string) => ({ statusCode: 422, error: 'Unprocessable Entity', message, fields: { [field]: message } });

async function assertNothingCreated(admin: AdminClient) {
  assert.deepEqual(
    (await admin.request('GET', '/api/admin/training/sources')).json().sources.map((s: { kind: string }) => s.kind),
    ['text', 'files'],
    'no source was created',
  );
  assert.equal((await admin.request('GET', '/api/admin/training/jobs')).json().jobs.length, 0, 'no job was queued');
}

test('WordPress: a site without the REST API, or one that cannot be reached, is refused with the reason', async (t) => {
  const { admin, site } = await setup(t);
  const notWp = await admin.request('POST', '/api/admin/training/sources', { kind: 'wordpress', config: { siteUrl: site.url } });
  assert.deepEqual(
    notWp.json(),
    refusal(
      'config.siteUrl',
      `No WordPress REST API found at ${site.url}/. Check the address is the WordPress site's home page, and that no security plugin blocks the REST API (/wp-json/).`,
    ),
  );
  const dead = await admin.request('POST', '/api/admin/training/sources', { kind: 'wordpress', config: { siteUrl: DEAD } });
  assert.deepEqual(dead.json(), refusal('config.siteUrl', `Could not reach the WordPress site at ${DEAD}/: ${REFUSED}`));
  await assertNothingCreated(admin);

  const wp = await startFakeWordPress({ posts: 3 });
  t.after(wp.close);
  const created = await admin.request('POST', '/api/admin/training/sources', { kind: 'wordpress', config: { siteUrl: wp.url } });
  assert.equal(created.statusCode, 201, created.body);
});

test('sitemap: it must be a sitemap with at least one page on the site', async (t) => {
  const { admin, site } = await setup(t);
  site.setPage(
    '/offsite-sitemap.xml',
    `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://elsewhere.example/page</loc></url></urlset>`,
  );
  site.setPage(
    '/broken-index.xml',
    `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>{{BASE}}/missing.xml</loc></sitemap></sitemapindex>`,
  );
  const host = new URL(site.url).host;
  const cases: Array<[string, string]> = [
    [
      `${site.url}/not-a-sitemap.xml`,
      `Sitemap ${site.url}/not-a-sitemap.xml is not XML (the address returns a web page), so it can't be read as a sitemap. Check the sitemap address.`,
    ],
    [`${site.url}/no-such-sitemap.xml`, `Sitemap ${site.url}/no-such-sitemap.xml: the server answered 404 (page not found).`],
    [
      `${site.url}/offsite-sitemap.xml`,
      `The sitemap ${site.url}/offsite-sitemap.xml lists no pages on ${host}, so there is nothing to read. Check that it is this site's sitemap (pages on other sites are skipped).`,
    ],
    [
      `${site.url}/broken-index.xml`,
      `The sitemap ${site.url}/broken-index.xml lists no page Docent could read. Sitemap ${site.url}/missing.xml: the server answered 404 (page not found).`,
    ],
    [`${DEAD}/sitemap.xml`, `Sitemap ${DEAD}/sitemap.xml: ${REFUSED}`],
  ];
  for (const [sitemapUrl, message] of cases) {
    const res = await admin.request('POST', '/api/admin/training/sources', { kind: 'web', config: { mode: 'sitemap', sitemapUrl } });
    assert.deepEqual(res.json(), refusal('config.sitemapUrl', message), sitemapUrl);
  }
  await assertNothingCreated(admin);
  // A sitemap index is checked only as far as its first page: not every nested sitemap is read twice.
  const before = site.hits.length;
  const created = await admin.request('POST', '/api/admin/training/sources', {
    kind: 'web',
    config: { mode: 'sitemap', sitemapUrl: `${site.url}/sitemap.xml` },
  });
  assert.equal(created.statusCode, 201, created.body);
  assert.deepEqual(site.hits.slice(before, before + 2), ['/sitemap.xml', '/sitemaps/pages.xml']);
});

test('crawl: the start URL must answer with an HTML page', async (t) => {
  const { admin, site } = await setup(t);
  const cases: Array<[string, string]> = [
    [
      `${site.url}/no-such-page.html`,
      `The start page ${site.url}/no-such-page.html could not be read: the server answered 404 (page not found). Check the address.`,
    ],
    [`${site.url}/price-list.csv`, `${site.url}/price-list.csv is not a web page (text/csv). A crawl starts from an HTML page, such as the site's home page.`],
    [`${site.url}/internal/`, `The start page ${site.url}/internal/ could not be read: blocked by the site's robots.txt, so it was not read.`],
    [`${DEAD}/`, `The start page ${DEAD}/ could not be read: ${REFUSED}`],
  ];
  for (const [startUrl, message] of cases) {
    const res = await admin.request('POST', '/api/admin/training/sources', { kind: 'web', config: { mode: 'crawl', startUrl, maxPages: 5 } });
    assert.deepEqual(res.json(), refusal('config.startUrl', message), startUrl);
  }
  await assertNothingCreated(admin);
  const created = await admin.request('POST', '/api/admin/training/sources', { kind: 'web', config: { mode: 'crawl', startUrl: `${site.url}/`, maxPages: 5 } });
  assert.equal(created.statusCode, 201, created.body);
});

test('the check has a deadline: a site that never finishes answering is refused within it', async (t) => {
  const site = await startStaticSite();
  t.after(site.close);
  const started = Date.now();
  const problem = await checkSource(
    { kind: 'web', config: { mode: 'crawl', startUrl: `${site.url}/slow.html` } },
    { allowPrivate: true, reader: createInProcessReader(), deadlineMs: 1000 },
  );
  assert.deepEqual(problem, {
    field: 'config.startUrl',
    message: `${site.url}/slow.html did not answer within 1 second. Check the address, or try again later.`,
  });
  assert.ok(Date.now() - started < 8000, `took ${Date.now() - started} ms`);
});

test('a source whose read later fails is "failed" with the reason, keeps its pages, and Retry brings it back', async (t) => {
  const { app, admin, site } = await setup(t);
  const created = await admin.request('POST', '/api/admin/training/sources', {
    kind: 'web',
    config: { mode: 'crawl', startUrl: `${site.url}/about.html`, maxPages: 1 },
  });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().source.id as number;
  await app.training.runner.idle();
  const source = async () => (await admin.request('GET', '/api/admin/training/sources')).json().sources.find((s: { id: number }) => s.id === id);
  assert.equal((await source()).status, 'needs-training');

  // The site drops the page: the sync reads nothing, fails with the reason, and removes nothing.
  site.removePage('/about.html');
  const retry = await admin.request('POST', `/api/admin/training/sources/${id}/sync`);
  assert.equal(retry.statusCode, 202);
  await app.training.runner.idle();
  const reason = `The only page found could not be read. ${site.url}/about.html: the server answered 404 (page not found). The page read before is kept.`;
  const job = (await admin.request('GET', `/api/admin/training/jobs/${retry.json().job.id}`)).json().job;
  assert.deepEqual([job.status, job.error], ['failed', reason]);
  const failed = await source();
  assert.deepEqual([failed.status, failed.lastError, failed.documents], ['failed', reason, 1]);
  assert.deepEqual(failed.lastSync, {
    jobId: job.id,
    status: 'failed',
    failures: 1,
    firstProblem: `${site.url}/about.html: the server answered 404 (page not found).`,
  });

  // Back online: Retry (a sync) clears the failure.
  site.reset();
  const again = await admin.request('POST', `/api/admin/training/sources/${id}/sync`);
  await app.training.runner.idle();
  const healed = await source();
  assert.deepEqual(
    [healed.status, healed.lastError, healed.lastSync],
    ['trained', null, { jobId: again.json().job.id, status: 'done', failures: 0, firstProblem: null }],
  );
});

test('a list of pages where some fail is not failed, but its card can say how many and why', async (t) => {
  const { app, admin, site } = await setup(t);
  const created = await admin.request('POST', '/api/admin/training/sources', {
    kind: 'web',
    config: { mode: 'urls', urls: [`${site.url}/shipping.html`, `${site.url}/gone.html`] },
  });
  await app.training.runner.idle();
  const source = (await admin.request('GET', '/api/admin/training/sources')).json().sources.find((s: { id: number }) => s.id === created.json().source.id);
  assert.deepEqual([source.status, source.lastError, source.documents], ['needs-training', null, 1]);
  assert.deepEqual(source.lastSync, {
    jobId: created.json().jobId,
    status: 'done',
    failures: 1,
    firstProblem: `${site.url}/gone.html: the server answered 404 (page not found).`,
  });

  // Every listed page failing is a failed source, not an empty success.
  const dead = await admin.request('POST', '/api/admin/training/sources', { kind: 'web', config: { mode: 'urls', urls: [`${DEAD}/a`, `${DEAD}/b`] } });
  await app.training.runner.idle();
  const deadSource = (await admin.request('GET', '/api/admin/training/sources')).json().sources.find((s: { id: number }) => s.id === dead.json().source.id);
  assert.deepEqual([deadSource.status, deadSource.lastError], ['failed', `None of the 2 pages found could be read. ${DEAD}/a: ${REFUSED}`]);
});
