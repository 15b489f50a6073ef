import { startStaticSite } from './e2e/fakes/static-site.ts';
import { startFakeWordPress } from './e2e/fakes/wordpress.ts';
import { createFetchPolicy, crawlSite, readSitemap, fetchPages, fetchUrl } from './server/training/ingest/fetch-web.ts';
import { readWordPress } from './server/training/ingest/wordpress.ts';
const site = await startStaticSite();
const policy = createFetchPolicy({ allowPrivate: true });
const errs: string[] = [];
const onError = (u: string, m: string) => errs.push(`${u} -> ${m}`);
let t0 = Date.now();
for await (const d of crawlSite(site.url + '/', { maxPages: 20 }, policy, onError)) console.log('doc', d.url, '|', d.title, d.text.length);
console.log(Date.now() - t0, 'ms', errs, site.hits);
const sm = await readSitemap(site.url + '/sitemap.xml', policy);
console.log(sm);
console.log(await readSitemap(site.url + '/', policy));
for await (const d of fetchPages([site.url + '/old-shipping', site.url + '/redirect-offsite', site.url + '/huge.html', site.url + '/nope.html', site.url + '/price-list.csv'], policy, onError)) console.log('page', d.url, d.title);
console.log(errs);
try { await readSitemap(site.url + '/not-a-sitemap.xml', policy); } catch (e: any) { console.log(e.message); }
const strict = createFetchPolicy({ allowPrivate: false });
try { await fetchUrl(site.url + '/', strict); } catch (e: any) { console.log(e.message); }
try { await fetchUrl(site.url.replace('127.0.0.1', 'localhost') + '/', strict); } catch (e: any) { console.log(e.message); }
let d: any; for await (const x of fetchPages([site.url + "/shipping.html", site.url + "/pricing.html"], policy, onError)) { console.log(x.text); d = x; }
console.log(d.text);
const wp = await startFakeWordPress();
t0 = Date.now();
const counts: Record<string, number> = {};
for await (const doc of readWordPress(wp.url, policy, {}, onError)) counts[doc.sourceKey.split(':')[1]] = (counts[doc.sourceKey.split(':')[1]] ?? 0) + 1;
console.log(counts, Date.now() - t0, 'ms', wp.requests, errs.slice(-2));
try { for await (const x of readWordPress(site.url, policy, {}, onError)) {} } catch (e: any) { console.log(e.message); }
await site.close(); await wp.close();
