import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dns from 'node:dns';
import { startStaticSite, type StaticSite } from '../../../e2e/fakes/static-site.js';
import { createFetchPolicy, crawlSite, fetchPages, fetchUrl, FetchError, isPublicAddress, pageKey, readSitemap, type FetchPolicy } from './fetch-web.js';
import { IngestError, type ExtractedDocument } from './types.js';
import { createInProcessReader } from './reader.js';

// The crawling logic is tested here; extraction processes have their own tests (pool.test.ts).
const inProcess = createInProcessReader();

let site: StaticSite;
before(async () => {
  site = await startStaticSite();
});
after(async () => {
  await site.close();
});

const PAGES = ['/', '/about.html', '/contact.html', '/password-reset.html', '/pricing.html', '/returns.html', '/shipping.html'];

function collector() {
  const errors: { url: string; message: string }[] = [];
  return { errors, onError: (url: string, message: string) => errors.push({ url, message }) };
}

async function all(gen: AsyncGenerator<ExtractedDocument>): Promise<ExtractedDocument[]> {
  const out: ExtractedDocument[] = [];
  for await (const d of gen) out.push(d);
  return out;
}

const open = (): FetchPolicy => createFetchPolicy({ allowPrivate: true, reader: inProcess });
const pathOf = (url: string) => new URL(url).pathname;

describe('sitemaps', () => {
  test('reads a sitemap index with nested indexes, deduplicated, own site only', async () => {
    const urls = await readSitemap(`${site.url}/sitemap.xml`, open());
    assert.deepEqual(urls.map(pathOf).sort(), [...PAGES].sort());
    assert.equal(new Set(urls).size, urls.length);
    assert.ok(!urls.some((u) => u.includes('other-site.example')));
    for (const p of ['/sitemap.xml', '/sitemaps/pages.xml', '/sitemaps/help-index.xml', '/sitemaps/help.xml']) {
      assert.ok(site.hits.includes(p), `fetched ${p}`);
    }
  });

  test('given the home page, finds the sitemap through robots.txt', async () => {
    const urls = await readSitemap(`${site.url}/`, open());
    assert.equal(urls.length, PAGES.length);
  });

  test('a sitemap address that returns a web page is reported as not XML', async () => {
    await assert.rejects(readSitemap(`${site.url}/not-a-sitemap.xml`, open()), (e: unknown) => {
      assert.ok(e instanceof IngestError);
      assert.match(e.message, /not-a-sitemap\.xml is not XML \(the address returns a web page\)/);
      return true;
    });
    await assert.rejects(readSitemap(`${site.url}/robots.txt`, open()), /is not XML/);
    await assert.rejects(readSitemap(`${site.url}/missing-sitemap.xml`, open()), /answered 404/);
  });
});

describe('crawling', () => {
  test('stays on the site, respects robots.txt, skips non-pages, strips chrome', async () => {
    const { errors, onError } = collector();
    const hitsBefore = site.hits.length;
    const docs = await all(crawlSite(`${site.url}/`, { maxPages: 50 }, open(), onError));
    const hits = site.hits.slice(hitsBefore);

    assert.deepEqual(docs.map((d) => pathOf(d.url!)).sort(), [...PAGES].sort());
    assert.ok(docs.every((d) => d.url!.startsWith(site.url) && d.sourceKey === d.url));
    // robots.txt: the staff page is linked from every footer but never requested.
    assert.ok(!hits.includes('/internal/staff-notes.html'));
    assert.ok(errors.some((e) => e.url.endsWith('/internal/staff-notes.html') && /robots\.txt/.test(e.message)));
    // Broken links are reported and the crawl goes on.
    assert.ok(errors.some((e) => e.url.endsWith('/account/orders') && /404/.test(e.message)));
    // Files, fragments and tracking parameters don't cause extra requests.
    assert.ok(!hits.some((h) => h.includes('.csv') || h.includes('.css') || h.includes('.js')));
    assert.equal(hits.filter((h) => h.startsWith('/pricing.html')).length, 1);
    assert.equal(hits.filter((h) => h.startsWith('/returns.html')).length, 1);

    const shipping = docs.find((d) => d.url!.endsWith('/shipping.html'))!;
    assert.equal(shipping.title, 'Shipping & Delivery');
    assert.match(shipping.text, /International delivery takes 7 to 14 business days and costs a flat \$19\.95 per order\./);
    for (const d of docs) {
      for (const junk of ['Password help', 'All rights reserved', 'We use cookies', 'Spring sale', 'TRACKING-ACME']) {
        assert.ok(!d.text.includes(junk), `${d.url}: "${junk}" stripped`);
      }
    }
  });

  test('stops at maxPages, and the caller can stop midway', async () => {
    const hitsBefore = site.hits.length;
    const docs = await all(crawlSite(`${site.url}/`, { maxPages: 3 }, open(), () => undefined));
    assert.equal(docs.length, 3);
    const pageHits = site.hits.slice(hitsBefore).filter((h) => h !== '/robots.txt');
    assert.ok(pageHits.length <= 3, `fetched ${pageHits.join(', ')}`);

    let seen = 0;
    for await (const d of crawlSite(`${site.url}/`, { maxPages: 50, concurrency: 1 }, open(), () => undefined)) {
      assert.ok(d.text);
      if (++seen === 2) break;
    }
    assert.equal(seen, 2);
  });

  test('sees pages that changed or disappeared', async () => {
    site.setPage(
      '/about.html',
      '<!DOCTYPE html><html><head><title>About</title></head><body><main><h1>About</h1><p>Acme Widgets now has 120 employees.</p></main></body></html>',
    );
    site.removePage('/contact.html');
    try {
      const { errors, onError } = collector();
      const docs = await all(crawlSite(`${site.url}/`, { maxPages: 50 }, open(), onError));
      assert.match(docs.find((d) => d.url!.endsWith('/about.html'))!.text, /now has 120 employees/);
      assert.ok(!docs.some((d) => d.url!.endsWith('/contact.html')));
      assert.ok(errors.some((e) => e.url.endsWith('/contact.html') && /404/.test(e.message)));
    } finally {
      site.reset();
    }
  });
});

describe('safety limits', () => {
  test('private addresses are refused unless allowed', async () => {
    const strict = createFetchPolicy({ allowPrivate: false, reader: inProcess });
    const hitsBefore = site.hits.length;
    await assert.rejects(fetchUrl(`${site.url}/`, strict), (e: unknown) => {
      assert.ok(e instanceof FetchError);
      assert.match(e.message, /127\.0\.0\.1 points to a private or local network address \(127\.0\.0\.1\)/);
      return true;
    });
    // A name that resolves to loopback is refused as well (the check is on resolved addresses).
    await assert.rejects(fetchUrl(`${site.url.replace('127.0.0.1', 'localhost')}/`, strict), /localhost points to a private or local network address/);

    const { errors, onError } = collector();
    assert.deepEqual(await all(crawlSite(`${site.url}/`, { maxPages: 5 }, strict, onError)), []);
    assert.match(errors[0].message, /private or local network address/);
    assert.equal(site.hits.length, hitsBefore, 'no request reached the server');

    const allowed = await fetchUrl(`${site.url}/`, open());
    assert.equal(allowed.status, 200);
  });

  test('address ranges', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '100.64.0.1',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
    ]) {
      assert.equal(isPublicAddress(a), false, a);
    }
    for (const a of ['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111']) assert.equal(isPublicAddress(a), true, a);
  });

  test('IPv6 addresses with an IPv4 address inside are judged by it, or refused', () => {
    const refused = [
      '::127.0.0.1',
      '::7f00:1',
      '::10.0.0.1',
      '::8.8.8.8',
      '::', // IPv4-compatible (deprecated), unspecified
      '::ffff:7f00:1',
      '::ffff:169.254.169.254', // IPv4-mapped, in either spelling
      '64:ff9b::127.0.0.1',
      '64:ff9b::a9fe:a9fe',
      '64:ff9b:1::808:808', // NAT64 to private addresses; local-use NAT64
      '::ffff:0:7f00:1',
      '::ffff:0:8.8.8.8', // SIIT-translated
      '2002:7f00:1::1',
      '2002:808:808::1', // 6to4
      '2001:0:4136:e378:8000:63bf:3fff:fdd2', // Teredo
      'fe80::1%eth0',
      'not an address',
      '0x7f.1',
    ];
    for (const a of refused) assert.equal(isPublicAddress(a), false, a);
    for (const a of ['::ffff:8.8.8.8', '64:ff9b::808:808', '64:ff9b::8.8.8.8']) assert.equal(isPublicAddress(a), true, a);
  });

  test('embedded-IPv4 literals in URLs and in DNS answers are refused before any connection', async (t) => {
    const strict = createFetchPolicy({ allowPrivate: false, reader: inProcess });
    const port = new URL(site.url).port;
    for (const host of ['[::127.0.0.1]', '[::ffff:127.0.0.1]', '[64:ff9b::7f00:1]', '[2002:7f00:1::1]']) {
      await assert.rejects(fetchUrl(`http://${host}:${port}/`, strict), /points to a private or local network address/, host);
    }
    // A name whose DNS answer is an IPv4-compatible address (the check runs inside the socket's lookup).
    const realLookup = dns.lookup;
    t.mock.method(dns, 'lookup', ((hostname: string, options: object, callback: (...args: unknown[]) => void) => {
      if (hostname !== 'sneaky.example') return (realLookup as (...args: unknown[]) => unknown)(hostname, options, callback);
      callback(null, [{ address: '::7f00:1', family: 6 }]);
    }) as typeof dns.lookup);
    await assert.rejects(fetchUrl(`http://sneaky.example:${port}/`, strict), (e: unknown) => {
      assert.ok(e instanceof FetchError);
      assert.equal(
        e.message,
        'sneaky.example points to a private or local network address (::7f00:1). Docent only reads public websites unless private addresses are allowed in its settings.',
      );
      return true;
    });
  });

  test('redirects: followed on the site, reported when they leave it or loop', async () => {
    const { errors, onError } = collector();
    const docs = await all(fetchPages([`${site.url}/old-shipping`, `${site.url}/redirect-offsite`, `${site.url}/redirect-loop`], open(), onError));
    assert.deepEqual(
      docs.map((d) => pathOf(d.url!)),
      ['/shipping.html'],
    );
    assert.deepEqual(
      errors.map((e) => pathOf(e.url)),
      ['/redirect-offsite', '/redirect-loop'],
    );
    assert.match(errors[0].message, /^redirected off-site to https:\/\/offsite\.example\/landing/);
    assert.match(errors[1].message, /too many redirects/);

    // Two listed addresses that end on the same page give one document.
    const same = await all(fetchPages([`${site.url}/old-shipping`, `${site.url}/shipping.html#express`], open(), () => undefined));
    assert.equal(same.length, 1);
  });

  test('oversized pages are stopped while streaming', async () => {
    const { errors, onError } = collector();
    const docs = await all(fetchPages([`${site.url}/huge.html`, `${site.url}/returns.html`], open(), onError));
    assert.deepEqual(
      docs.map((d) => pathOf(d.url!)),
      ['/returns.html'],
      'the rest continue',
    );
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /larger than the 5 MB limit/);

    const tiny = createFetchPolicy({ allowPrivate: true, reader: inProcess, maxBytes: 1000 });
    await assert.rejects(fetchUrl(`${site.url}/shipping.html`, tiny), /larger than the 1 KB limit/);
  });

  test('timeouts, bad schemes, invalid addresses, non-pages', async () => {
    const impatient = createFetchPolicy({ allowPrivate: true, reader: inProcess, timeoutMs: 300 });
    await assert.rejects(fetchUrl(`${site.url}/slow.html`, impatient), /timed out/);
    await assert.rejects(
      fetchUrl('ftp://example.com/file', open()),
      /^FetchError: ftp:\/\/example\.com\/file: Only http:\/\/ and https:\/\/ addresses can be read \(this one starts with ftp:\)\.$/,
    );
    await assert.rejects(fetchUrl('file:///etc/passwd', open()), /Only http:\/\/ and https:\/\//);
    await assert.rejects(
      fetchUrl(`${site.url.replace('http://', 'http://user:secret@')}/`, open()),
      /Addresses with a user name or password in them are not supported/,
    );
    await assert.rejects(fetchUrl('not a url', open()), /is not a valid web address/);

    const { errors, onError } = collector();
    await all(fetchPages([`${site.url}/price-list.csv`, 'javascript:alert(1)'], open(), onError));
    assert.match(errors[0].message, /not a web page/);
    assert.match(errors[1].message, /Only http:\/\/ and https:\/\//);
  });

  test('page identity ignores fragments, tracking parameters and trailing slashes', () => {
    assert.equal(pageKey('https://www.acme.example/a/#x'), pageKey('http://acme.example/a?utm_source=mail'));
    assert.equal(pageKey('https://acme.example/docs/index.html'), pageKey('https://acme.example/docs/'));
    assert.notEqual(pageKey('https://acme.example/a?id=1'), pageKey('https://acme.example/a?id=2'));
  });
});
