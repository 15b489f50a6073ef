// Hostile files and pages against the real server over HTTP: each gets a clear per-file error (or a
// bounded, successful extraction), the process stays alive, and /healthz and a visitor's chat keep
// answering while they are read. Before extraction moved to child processes, one of these files
// stalled every request for minutes or ran the server out of memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setupAdmin, startDocent } from '../../e2e/support/harness.js';
import { testDb } from '../../e2e/support/test-db.js';
import { FAKE_KEY } from '../../e2e/fakes/openrouter.js';
import { startStaticSite } from '../../e2e/fakes/static-site.js';
import { multipart } from '../../e2e/support/multipart.js';
import { docxZipBomb, manyPagesPdf, mislabelled, oneParagraphOfShortLines, pdfStreamBomb } from '../../e2e/support/hostile-files.js';
import { PROJECT_ROOT } from '../paths.js';

const ORIGIN = 'https://shop.example.com';

/** Polls /healthz every 100 ms and keeps the slowest answer. */
function watchHealth(url: string) {
  let slowest = 0;
  let failures = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const res = await fetch(`${url}/healthz`);
        if (res.status !== 200) failures++;
        await res.arrayBuffer();
      } catch {
        failures++;
      }
      slowest = Math.max(slowest, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { slowest, failures };
    },
  };
}

/** A visitor's question over real HTTP: the time until the answer is complete. */
async function visitorChat(url: string): Promise<{ ms: number; done: boolean }> {
  const started = performance.now();
  const res = await fetch(`${url}/api/widget/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN },
    body: JSON.stringify({ visitorId: 'visitor-hostile-1', message: 'How long is the warranty?' }),
  });
  const body = await res.text();
  return { ms: performance.now() - started, done: res.status === 200 && body.includes('event: done') };
}

test('hostile uploads: each file gets its own outcome while the server keeps answering visitors', async (t) => {
  // Built before the server starts: the bombs are compressed here, in this process.
  const files = [
    { name: 'stream-bomb.pdf', data: await pdfStreamBomb(300 * 1024 * 1024) },
    { name: 'twenty-thousand-pages.pdf', data: manyPagesPdf(20_000) },
    { name: 'zip-bomb.docx', data: await docxZipBomb(1024 * 1024 * 1024) },
    { name: 'one-paragraph.txt', data: oneParagraphOfShortLines(1024 * 1024) },
    ...Object.entries(mislabelled).map(([name, data]) => ({ name, data })),
    { name: 'transfig-manual.pdf', data: readFileSync(path.join(PROJECT_ROOT, 'e2e/fixtures/docs/transfig-manual.pdf')) },
  ];
  const docent = await startDocent();
  t.after(docent.close);
  const admin = await setupAdmin(docent.app);
  await admin.request('PUT', '/api/admin/settings/api', {
    provider: 'openrouter',
    apiKey: FAKE_KEY,
    model: 'openai/gpt-5.4-mini',
    fallbackModels: [],
    reasoningEnabled: false,
  });
  await admin.request('POST', '/api/admin/training/text', {
    title: 'Warranty',
    text: 'Every Acme widget has a two-year warranty covering manufacturing faults.',
  });
  await admin.request('POST', '/api/admin/training/start');
  await docent.app.training.runner.idle();
  docent.fake.setChatReply('The warranty lasts two years.');

  const health = watchHealth(docent.url);
  const { payload, contentType } = multipart(files);
  const upload = fetch(`${docent.url}/api/admin/training/files`, {
    method: 'POST',
    body: new Uint8Array(payload),
    headers: { 'content-type': contentType, cookie: admin.cookie, 'x-csrf-token': admin.csrfToken },
  });
  // A visitor asks while the hostile files are being read.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const chat = await visitorChat(docent.url);
  const res = await upload;
  const { slowest, failures } = await health.stop();

  assert.equal(res.status, 200);
  const results = (await res.json()).results as Array<{ fileName: string; ok: boolean; error?: string; chunks?: number }>;
  const outcome: Record<string, string> = Object.fromEntries(results.map((r) => [r.fileName, r.ok ? `ok: ${r.chunks} chunks` : (r.error ?? '')]));
  assert.match(
    outcome['stream-bomb.pdf'],
    /^stream-bomb\.pdf: this PDF unpacks to more than 200 MB of page content, the limit \(MAX_UNPACKED_MB\), so it was not read\./,
  );
  assert.equal(
    outcome['twenty-thousand-pages.pdf'],
    'twenty-thousand-pages.pdf: this PDF has 20,000 pages; the limit is 2,000. Split it into smaller PDFs, or raise MAX_PDF_PAGES.',
  );
  assert.match(
    outcome['zip-bomb.docx'],
    /^zip-bomb\.docx: this Word file unpacks to more than 200 MB of document content, the limit \(MAX_UNPACKED_MB\), so it was not read\./,
  );
  assert.match(outcome['one-paragraph.txt'], /^ok: \d+ chunks$/);
  assert.equal(
    outcome['photo.pdf'],
    'photo.pdf: the name says a PDF (.pdf), but the contents look like a PNG image. Upload the original file, or rename it to its real type.',
  );
  assert.equal(
    outcome['archive.docx'],
    'archive.docx: the name says a Word document (.docx), but the contents look like a ZIP archive. Upload the original file, or rename it to its real type.',
  );
  assert.equal(
    outcome['program.txt'],
    'program.txt: the name says a text file (.txt), but the contents look like a program. Upload the original file, or rename it to its real type.',
  );
  assert.match(outcome['transfig-manual.pdf'], /^ok: \d+ chunks$/, 'a good file after the bad ones is read');

  // Gross bounds for a shared 2-core machine; before, these were stalls of 13 s to many minutes.
  assert.equal(failures, 0, '/healthz always answered');
  assert.ok(slowest < 2000, `/healthz took up to ${Math.round(slowest)} ms`);
  assert.ok(chat.done, 'the visitor got a complete answer');
  assert.ok(chat.ms < 10_000, `the visitor waited ${Math.round(chat.ms)} ms`);
  // The one-paragraph file is searchable like any other.
  const text = await testDb(docent.app).value<string>("SELECT content FROM documents WHERE source_key = 'file:one-paragraph.txt'");
  assert.ok(text.length > 1_000_000 && !text.includes('\n\n'), 'one paragraph, joined whole');
});

test('hostile web pages are read in extraction processes too: a page that breaks the parser fails alone', async (t) => {
  const site = await startStaticSite();
  t.after(site.close);
  // 20,000 nested elements: recursive tree walkers run out of stack on it.
  site.setPage('/nested.html', `<html><head><title>Nested</title></head><body>${'<div>'.repeat(20_000)}deep${'</div>'.repeat(20_000)}</body></html>`);
  site.setPage('/long.html', `<html><head><title>Long</title></head><body><p>${'A sentence about shipping. '.repeat(150_000)}</p></body></html>`);
  const docent = await startDocent();
  t.after(docent.close);
  const admin = await setupAdmin(docent.app);
  const health = watchHealth(docent.url);
  const created = await admin.request('POST', '/api/admin/training/sources', {
    kind: 'web',
    config: { mode: 'urls', urls: [`${site.url}/nested.html`, `${site.url}/long.html`, `${site.url}/shipping.html`] },
  });
  assert.equal(created.statusCode, 201, created.body);
  await docent.app.training.runner.idle();
  const { slowest, failures } = await health.stop();
  const { job, log } = (await admin.request('GET', `/api/admin/training/jobs/${created.json().jobId}`)).json();
  assert.equal(job.status, 'done', job.error);
  const titles = (await testDb(docent.app).all<{ title: string }>('SELECT title FROM documents')).map((r) => r.title);
  assert.ok(titles.includes('Long') && titles.some((t) => /shipping/i.test(t)), `read: ${titles.join(', ')}`);
  const messages = log.map((l: { message: string }) => l.message);
  assert.ok(
    messages.includes(`${site.url}/nested.html: this page nests its elements far more deeply than real pages do, so it was skipped.`),
    messages.join('\n'),
  );
  assert.equal(failures, 0);
  assert.ok(slowest < 2000, `/healthz took up to ${Math.round(slowest)} ms`);
});
