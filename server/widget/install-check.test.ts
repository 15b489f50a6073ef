// Check installation: Docent reads a page of the admin's site (web-source fetch rules) and says whether the
// snippet is there, at which address, and whether the site may use the widget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, PUBLIC_URL, setupAdmin } from '../../e2e/support/harness.js';
import { startStaticSite, type StaticSite } from '../../e2e/fakes/static-site.js';
import { scriptTags, snippetFindings } from './install-check.js';

const SNIPPET = `<script src="${PUBLIC_URL}/widget.js" async></script>`;
const page = (body: string) => `<!DOCTYPE html><html lang="en"><head><title>Acme</title></head><body><h1>Acme Widgets</h1>${body}</body></html>`;

async function setup(t: { after(fn: () => unknown): void }, env: Record<string, string> = {}) {
  const site = await startStaticSite();
  t.after(site.close);
  const testApp = await createTestApp({ env });
  t.after(testApp.close);
  const admin = await setupAdmin(testApp.app);
  const check = (url: string) => admin.request('POST', '/api/admin/widget/install-check', { url });
  const setAllowedDomains = async (allowedDomains: string[]) => {
    const { widget } = (await admin.request('GET', '/api/admin/widget/settings')).json();
    assert.equal((await admin.request('PUT', '/api/admin/widget/settings', { ...widget, allowedDomains })).statusCode, 200);
  };
  return { ...testApp, site, admin, check, setAllowedDomains };
}

const anySite = (site: StaticSite) => ({
  status: 'any-site',
  entry: '127.0.0.1',
  message:
    'Allowed domains is empty, so any website may use the widget, this one included. Add 127.0.0.1 there to keep other sites from using the widget and your API credit.',
});

test('found: the snippet is on the page, at the address the Widget screen gives', async (t) => {
  const { site, check } = await setup(t);
  site.setPage('/installed.html', page(`<p>Welcome.</p>\n${SNIPPET}`));
  const res = await check(`${site.url}/installed.html`);
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), {
    page: `${site.url}/installed.html`,
    expected: `${PUBLIC_URL}/widget.js`,
    snippet: {
      status: 'found',
      found: [`${PUBLIC_URL}/widget.js`],
      blocked: false,
      message: `The snippet is on this page: it loads the widget from ${PUBLIC_URL}/widget.js.`,
    },
    domains: anySite(site),
  });
});

test('found without async, with a cache-busting query, in single quotes, after a same-site redirect', async (t) => {
  const { site, check } = await setup(t);
  site.setPage('/shipping.html', page(`<SCRIPT type='text/javascript' src='${PUBLIC_URL}/widget.js?v=2'></SCRIPT>`));
  const res = await check(`${site.url}/old-shipping`);
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().page, `${site.url}/shipping.html`);
  assert.equal(res.json().snippet.status, 'found');
  assert.deepEqual(res.json().snippet.found, [`${PUBLIC_URL}/widget.js?v=2`]);
});

test('not found: a page without the snippet, or with it only inside a comment, says what to do', async (t) => {
  const { site, check } = await setup(t);
  const missing = {
    status: 'missing',
    found: [],
    blocked: false,
    message:
      "The snippet is not on this page. Paste the snippet above just before </body> on every page where the chat should appear, then check again. If you just added it, clear your site's cache (caching plugins serve older copies).",
  };
  const plain = await check(`${site.url}/`);
  assert.equal(plain.statusCode, 200, plain.body);
  assert.deepEqual(plain.json().snippet, missing);
  site.setPage('/commented.html', page(`<!-- chat, off for now: ${SNIPPET} -->`));
  assert.deepEqual((await check(`${site.url}/commented.html`)).json().snippet, {
    ...missing,
    message: `The page mentions ${PUBLIC_URL}/widget.js, but not in a <script src> tag. If a tag manager or another script adds it, open the page in a browser to see that the chat button appears; otherwise paste the snippet above just before </body>.`,
  });
});

test('another address: an older Docent address is named, with the fix', async (t) => {
  const { site, check } = await setup(t);
  site.setPage('/old.html', page('<script src="http://localhost:3000/widget.js" async></script>'));
  const res = await check(`${site.url}/old.html`);
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json().snippet, {
    status: 'other-address',
    found: ['http://localhost:3000/widget.js'],
    blocked: false,
    message: `This page loads a widget from http://localhost:3000/widget.js, but Docent's widget is at ${PUBLIC_URL}/widget.js. If that is an older Docent address, replace that line with the snippet above, then check again.`,
  });
  // Both: the right one counts, and the old one is pointed out.
  site.setPage('/both.html', page(`<script src="http://localhost:3000/widget.js"></script>${SNIPPET}`));
  assert.deepEqual((await check(`${site.url}/both.html`)).json().snippet, {
    status: 'found',
    found: ['http://localhost:3000/widget.js', `${PUBLIC_URL}/widget.js`],
    blocked: false,
    message: `The snippet is on this page: it loads the widget from ${PUBLIC_URL}/widget.js. The page also loads http://localhost:3000/widget.js: if that is an older Docent address, remove that line, or the chat may appear twice.`,
  });
});

test('allowed domains: on the list, or not with what to add', async (t) => {
  const { site, check, setAllowedDomains } = await setup(t);
  site.setPage('/installed.html', page(SNIPPET));
  await setAllowedDomains(['shop.example.com']);
  const refused = await check(`${site.url}/installed.html`);
  assert.deepEqual(refused.json().domains, {
    status: 'not-allowed',
    entry: '127.0.0.1',
    message: `${new URL(site.url).host} is not on the allowed domains, so the widget there would refuse to answer. Add 127.0.0.1 under Where it may be used → Allowed domains, and save.`,
  });
  assert.equal(refused.json().snippet.status, 'found', 'the snippet finding stands on its own');
  await setAllowedDomains(['shop.example.com', '127.0.0.1']);
  assert.deepEqual((await check(`${site.url}/installed.html`)).json().domains, {
    status: 'allowed',
    entry: '127.0.0.1',
    message: `${new URL(site.url).host} is on the allowed domains.`,
  });
});

test('a private address is refused unless ALLOW_PRIVATE_URLS is on, and nothing is fetched', async (t) => {
  const { site, check } = await setup(t, { ALLOW_PRIVATE_URLS: 'false' });
  const res = await check(`${site.url}/`);
  const message = `Could not check ${site.url}/: 127.0.0.1 points to a private or local network address (127.0.0.1). Docent only reads public websites unless private addresses are allowed in its settings.`;
  assert.deepEqual(res.json(), { statusCode: 422, error: 'Unprocessable Entity', message, fields: { url: message } });
  assert.deepEqual(site.hits, []);
});

test('fetch errors show their own reason', async (t) => {
  const { site, check } = await setup(t);
  const cases: Array<[string, string]> = [
    ['http://127.0.0.1:9/', 'Could not check http://127.0.0.1:9/: could not connect to 127.0.0.1:9 (connection refused).'],
    [`${site.url}/gone.html`, `Could not check ${site.url}/gone.html: the server answered 404 (page not found). Check the address.`],
    [
      `${site.url}/price-list.csv`,
      `Could not check ${site.url}/price-list.csv: not a web page (text/csv). Enter the address of a page of your site, such as its home page.`,
    ],
    [
      `${site.url}/redirect-offsite`,
      `Could not check ${site.url}/redirect-offsite: redirected off-site to https://offsite.example/landing, so it was not followed.`,
    ],
  ];
  for (const [url, message] of cases) {
    const res = await check(url);
    assert.deepEqual(res.json(), { statusCode: 422, error: 'Unprocessable Entity', message, fields: { url: message } }, url);
  }
});

test("only http(s) addresses without a user name or password are checked (the web sources' rule)", async (t) => {
  const { check } = await setup(t);
  const refused: Array<[string, string]> = [
    ['ftp://example.com/', 'Only http:// and https:// addresses can be read (this one starts with ftp:).'],
    ['https://user:secret@example.com/', 'Addresses with a user name or password in them are not supported: remove the "name:password@" part.'],
    ['example.com', 'Enter the full address of a page of your site, e.g. https://example.com/.'],
  ];
  for (const [url, field] of refused) {
    const res = await check(url);
    assert.deepEqual(res.json(), { statusCode: 400, error: 'Bad Request', message: 'Please correct the highlighted fields.', fields: { url: field } }, url);
  }
});

test('the script scan: comments, attributes, entities, and other elements', () => {
  const html = `<!-- <script src="/commented/widget.js"></script> --><scripts src="/not-a-script.js">
    <script>var s = '<script src="/inside-a-script/widget.js"><\\/script>';</script>
    <script defer data-x='1' src=/plain/widget.js></script>
    <script async src="https://a.example/widget.js?x=1&amp;y=2"></script>
    <script src="https:&#x2F;&#x2F;b.example&#47;widget.js"></script>`;
  assert.deepEqual(scriptTags(html), [
    { src: '/plain/widget.js', async: false, defer: true },
    { src: 'https://a.example/widget.js?x=1&y=2', async: true, defer: false },
    { src: 'https://b.example/widget.js', async: false, defer: false },
  ]);
  // An https page with the snippet at a plain http address: found, but browsers block it.
  const blocked = snippetFindings(`<script src="http://docent.example/widget.js"></script>`, 'https://shop.example/', 'http://docent.example');
  assert.equal(blocked.status, 'found');
  assert.equal(blocked.blocked, true);
  assert.match(blocked.message, /this page is https and the script is plain http, so browsers block it/);
});

test('the script scan stays linear on hostile pages (5 MB of unclosed tags and comments)', () => {
  const size = 5 * 1024 * 1024;
  for (const unit of ['<script', '<!--<script', '<script src="x">', '<scrip']) {
    const html = unit.repeat(Math.ceil(size / unit.length));
    const started = performance.now();
    scriptTags(html);
    const ms = performance.now() - started;
    // Quadratic scanning would take minutes here; a linear scan takes tens of milliseconds.
    assert.ok(ms < 2000, `${JSON.stringify(unit)} × ${Math.round(size / unit.length)}: ${Math.round(ms)} ms`);
  }
});
