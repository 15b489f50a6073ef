import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeWordPress, type FakeWordPress } from '../../../e2e/fakes/wordpress.js';
import { startStaticSite, type StaticSite } from '../../../e2e/fakes/static-site.js';
import { createFetchPolicy } from './fetch-web.js';
import { readWordPress } from './wordpress.js';
import { IngestError, type ExtractedDocument } from './types.js';
import { createInProcessReader } from './reader.js';

// The crawling logic is tested here; extraction processes have their own tests (pool.test.ts).
const inProcess = createInProcessReader();

let wp: FakeWordPress;
let plainWp: FakeWordPress;
let notWp: StaticSite;
before(async () => {
  [wp, plainWp, notWp] = await Promise.all([startFakeWordPress(), startFakeWordPress({ posts: 5, permalinks: 'plain' }), startStaticSite()]);
});
after(async () => {
  await Promise.all([wp.close(), plainWp.close(), notWp.close()]);
});

const policy = () => createFetchPolicy({ allowPrivate: true, reader: inProcess });

async function read(url: string, opts: { postTypes?: string[] } = {}) {
  const errors: { url: string; message: string }[] = [];
  const docs: ExtractedDocument[] = [];
  for await (const d of readWordPress(url, policy(), opts, (u, m) => errors.push({ url: u, message: m }))) docs.push(d);
  return { docs, errors };
}

test('reads every post, page and custom post type, paging 100 at a time', async () => {
  const before = wp.requests.length;
  const { docs, errors } = await read(wp.url);
  const requests = wp.requests.slice(before);

  const byType = (t: string) => docs.filter((d) => d.sourceKey.startsWith(`wp:${t}:`));
  assert.equal(byType('post').length, 230);
  assert.equal(byType('page').length, 4);
  assert.equal(byType('faq').length, 12);
  assert.equal(docs.length, 246);
  assert.equal(new Set(docs.map((d) => d.sourceKey)).size, docs.length);

  const postPages = requests.filter((r) => r.startsWith('/wp-json/wp/v2/posts?'));
  assert.deepEqual(
    postPages.map((r) => new URLSearchParams(r.split('?')[1]).get('page')),
    ['1', '2', '3'],
    'X-WP-TotalPages drives paging: 3 pages, no 4th request',
  );
  assert.ok(postPages.every((r) => r.includes('per_page=100')));
  assert.ok(!requests.some((r) => /\/(media|menu-items|blocks|templates)\b/.test(r)), 'non-content types are not read');

  const post = docs.find((d) => d.sourceKey === 'wp:post:150')!;
  assert.equal(post.title, 'Acme news #150: widget care');
  assert.equal(post.url, `${wp.url}/news-150/`);
  assert.match(post.text, /^## News item 150$/m);
  assert.match(post.text, /This is blog post number 150 about widget care at Acme Widgets\. Widget serial range 150000–150999/);
  assert.equal(post.modifiedAt, '2024-01-07T06:00:00.000Z');

  const page = docs.find((d) => d.sourceKey === 'wp:page:1001')!;
  assert.equal(page.title, 'Shipping & Delivery', 'HTML entities in titles are decoded');
  assert.match(page.text, /^## Express$/m);

  const faq = docs.find((d) => d.sourceKey === 'wp:faq:2004')!;
  assert.equal(faq.title, 'How much weight can a widget hold?');
  assert.equal(faq.url, `${wp.url}/faq/faq-4/`);

  // The password-protected post is skipped, and said so.
  assert.ok(!docs.some((d) => d.sourceKey === 'wp:post:3001'));
  assert.deepEqual(
    errors.map((e) => e.message),
    ['password-protected, skipped.'],
  );
});

test('postTypes limits reading to the chosen types', async () => {
  const before = wp.requests.length;
  const { docs, errors } = await read(wp.url, { postTypes: ['faq', 'recipe'] });
  assert.equal(docs.length, 12);
  assert.ok(docs.every((d) => d.sourceKey.startsWith('wp:faq:')));
  assert.ok(!wp.requests.slice(before).some((r) => r.includes('/posts')));
  assert.match(errors[0].message, /no public content type "recipe"; available: post, page, faq/);
});

test('changes on the site show up: edited, added and deleted items', async () => {
  wp.setPost('page', { id: 1002, title: 'Returns', content: '<p>Returns are now accepted within 60 days.</p>', modified: '2025-02-01T09:30:00' });
  const newId = wp.setPost('faq', { title: 'Do you ship to Iceland?', content: '<p>Yes, since March.</p>' });
  wp.deletePost('faq', 2001);
  const { docs } = await read(wp.url, { postTypes: ['page', 'faq'] });
  const returns = docs.find((d) => d.sourceKey === 'wp:page:1002')!;
  assert.match(returns.text, /within 60 days/);
  assert.equal(returns.modifiedAt, '2025-02-01T09:30:00.000Z');
  assert.ok(docs.some((d) => d.sourceKey === `wp:faq:${newId}`));
  assert.ok(!docs.some((d) => d.sourceKey === 'wp:faq:2001'));
});

test('sites without pretty permalinks are read through ?rest_route=', async () => {
  const { docs } = await read(plainWp.url);
  assert.equal(docs.filter((d) => d.sourceKey.startsWith('wp:post:')).length, 5);
  assert.ok(plainWp.requests.some((r) => r.startsWith('/?rest_route=%2Fwp%2Fv2%2Fposts')));
});

test('a site without the REST API gets a clear error', async () => {
  await assert.rejects(read(notWp.url), (e: unknown) => {
    assert.ok(e instanceof IngestError);
    assert.match(e.message, new RegExp(`^No WordPress REST API found at ${notWp.url.replace(/[.]/g, '\\.')}/`));
    return true;
  });
  // Unreachable is not the same as "not WordPress": a private address refused says so.
  await assert.rejects(
    (async () => {
      for await (const _ of readWordPress(wp.url, createFetchPolicy({ allowPrivate: false, reader: inProcess }), {}, () => undefined)) void _;
    })(),
    /Could not reach the WordPress site at .*private or local network address/,
  );
});
