import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { extractFile, extractHtml } from './extract.js';
import { IngestError } from './types.js';
import { PROJECT_ROOT } from '../../paths.js';

const DOCS = path.join(PROJECT_ROOT, 'e2e/fixtures/docs');
const SITE = path.join(PROJECT_ROOT, 'e2e/fixtures/site');

async function extractFixture(name: string) {
  return extractFile(await readFile(path.join(DOCS, name)), name);
}

async function rejectsWith(name: string, data: Buffer | Promise<Buffer>, pattern: RegExp) {
  await assert.rejects(extractFile(await data, name), (e: unknown) => {
    assert.ok(e instanceof IngestError, `expected IngestError, got ${String(e)}`);
    assert.ok(e.message.startsWith(`${name}: `), `message names the file: ${e.message}`);
    assert.match(e.message, pattern);
    return true;
  });
}

const headings = (text: string) => text.split('\n').filter((l) => /^#{1,6} /.test(l));

test('PDF manual: title from metadata, headings from font sizes, paragraphs joined, page numbers gone', async () => {
  const doc = await extractFixture('amoebax-manual.pdf');
  assert.equal(doc.title, "Amoebax User's Manual");
  assert.equal(doc.sourceKey, 'amoebax-manual.pdf');
  assert.equal(doc.fileName, 'amoebax-manual.pdf');
  assert.equal(doc.url, null);
  assert.equal(doc.modifiedAt, '2007-08-07T19:03:38.000Z');
  // A sentence that wraps over two lines in the PDF comes out whole.
  assert.match(doc.text, /The installer will create an Amoebax entry in the start menu and place an icon on the desktop\./);
  assert.match(doc.text, /To move the falling pair use the left and right arrow keys \(right player\) or the A and D keys \(left player\)\./);
  assert.match(doc.text, /^- 128 MiB of RAM$/m);
  const hs = headings(doc.text);
  for (const h of ['Installing Amoebax', 'Minimum Configuration', 'Game Basics']) {
    assert.ok(
      hs.some((l) => l.endsWith(` ${h}`)),
      `heading "${h}" in ${hs.join(' | ')}`,
    );
  }
  assert.doesNotMatch(doc.text, /^\d+$/m, 'no page-number lines');
  assert.doesNotMatch(doc.text, /\n{3,}/);
});

test('PDF whose metadata title is a file name takes its first heading instead', async () => {
  const doc = await extractFixture('transfig-manual.pdf');
  assert.match(doc.title, /^TransFig: Portable Figures for LATEX/);
  assert.match(doc.text, /TransFig is a mechanism for integrating figures into LATEX documents\./);
  assert.match(doc.text, /^#+ 1\.1 File Name Conventions$/m);
});

test('scanned, encrypted, damaged and mislabelled PDFs get clear messages', async () => {
  await rejectsWith('scanned-manual.pdf', readFile(path.join(DOCS, 'scanned-manual.pdf')), /no text layer \(it looks scanned\)/);
  await rejectsWith('encrypted-manual.pdf', readFile(path.join(DOCS, 'encrypted-manual.pdf')), /password-protected/);
  await rejectsWith('broken-manual.pdf', readFile(path.join(DOCS, 'broken-manual.pdf')), /damaged or incomplete/);
  await rejectsWith('not-a-pdf.pdf', readFile(path.join(DOCS, 'not-a-pdf.pdf')), /name says a PDF \(\.pdf\), but the contents look like a web page \(HTML\)/);
  // Random bytes with a PDF header are damaged, not a crash.
  await rejectsWith('garbage.pdf', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 7)]), /damaged/);
});

test('Word file: title from document properties, headings kept, table of contents dropped', async () => {
  const doc = await extractFixture('coco-user-manual.docx');
  assert.equal(doc.title, 'The Compiler Generator Coco/R');
  assert.equal(doc.modifiedAt, '2006-11-10T15:33:55.000Z');
  assert.match(doc.text, /which takes an attributed grammar of a source language and generates a scanner and a parser for this language\./);
  assert.match(doc.text, /^# Overview$/m);
  assert.match(doc.text, /^## Sample Production$/m);
  assert.match(doc.text, /^### Character sets$/m);
  assert.doesNotMatch(doc.text, /Taste\.cs \(main program\)\s+57/, 'TOC entries with page numbers are gone');
  assert.doesNotMatch(doc.text, /<\/?[a-z]+>/, 'no HTML left over');
});

test('Word file errors: damaged, old format, really a PDF', async () => {
  const docx = await readFile(path.join(DOCS, 'coco-user-manual.docx'));
  await rejectsWith('cut.docx', docx.subarray(0, 5000), /damaged or not a real \.docx/);
  await rejectsWith(
    'old.docx',
    Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600)]),
    /password-protected or in the old \.doc format/,
  );
  await rejectsWith('manual.docx', readFile(path.join(DOCS, 'amoebax-manual.pdf')), /contents look like a PDF/);
  await rejectsWith('report.doc', Buffer.from('whatever'), /old Word \.doc files can't be read.*save it as \.docx or PDF/);
});

test('HTML documentation page: main content only, headings kept, sidebar/footer/scripts gone', async () => {
  const doc = await extractFixture('requests-faq.html');
  assert.equal(doc.title, 'Frequently Asked Questions');
  assert.equal(doc.url, null);
  assert.equal(doc.sourceKey, 'requests-faq.html');
  assert.match(doc.text, /Requests automatically decompresses gzip-encoded responses, and does its best to decode response content to unicode when possible\./);
  assert.match(doc.text, /^## Custom User-Agents\?$/m);
  assert.match(doc.text, /^## What are “hostname doesn’t match” errors\?$/m);
  for (const junk of ['Quick search', 'Related Topics', 'Table of Contents', 'Kenneth Reitz Project', "$('#searchbox')", 'Rezzy requires', '¶', 'Permalink']) {
    assert.ok(!doc.text.includes(junk), `"${junk}" should be stripped`);
  }
});

test('Markdown: headings kept, links reduced to their text, reference definitions dropped', async () => {
  const doc = await extractFixture('pip-authentication.md');
  assert.equal(doc.title, 'Authentication');
  assert.match(doc.text, /^## netrc support$/m);
  assert.match(doc.text, /^### Percent-encoding special characters$/m);
  // Soft line breaks of the source are joined into whole sentences.
  assert.match(doc.text, /pip supports loading credentials from a user's \.netrc file\. If no credentials are part of the URL,/);
  assert.match(doc.text, /If the user or password part of your login credentials contain any of these special characters, then they must be percent-encoded\./);
  assert.doesNotMatch(doc.text, /\]\(|\]\[|^\[[^\]]+\]:/m);
});

test('plain text: underlined titles become headings, wrapped lines are joined', async () => {
  const doc = await extractFixture('dpkg-triggers.txt');
  assert.equal(doc.title, 'TRIGGERS');
  assert.match(doc.text, /^# TRIGGERS$/m);
  assert.match(doc.text, /^## Concepts$/m);
  assert.match(
    doc.text,
    /A dpkg trigger is a facility that allows events caused by one package but of interest to another package to be recorded and aggregated, and processed later by the interested package\./,
  );
  assert.match(doc.text, /^- Explicit triggers\. These can be activated by any program/m);
});

test('CSV: each row reads as "header: value" lines', async () => {
  const doc = await extractFixture('debian-releases.csv');
  assert.equal(doc.title, 'debian-releases');
  const blocks = doc.text.split('\n\n');
  const bookworm = blocks.find((b) => b.includes('codename: Bookworm'));
  assert.ok(bookworm, 'a block for Bookworm');
  assert.match(bookworm, /^version: 12$/m);
  assert.match(bookworm, /^release: 2023-06-10$/m);
  assert.equal(blocks.length, doc.text.split('\n\n').length);
  assert.ok(!blocks.some((b) => b.includes('codename: Bookworm') && b.includes('codename: Bullseye')), 'one row per block');
});

test('CSV parsing handles quotes, embedded commas, semicolon delimiters and Windows-1252', async () => {
  const csv = Buffer.from('Name;Answer\r\n"Smith; John";"He said ""hi"", then left"\r\nCaf\xe9;ok\r\n', 'latin1');
  const doc = await extractFile(csv, 'people.csv');
  assert.match(doc.text, /^Name: Smith; John\nAnswer: He said "hi", then left$/m);
  assert.match(doc.text, /^Name: Café$/m);
});

test('XML: text content without markup or comments', async () => {
  const doc = await extractFixture('urw-core-fonts.metainfo.xml');
  assert.equal(doc.title, '(URW)++ Core Font Set [Level 2]');
  assert.match(doc.text, /The Level 2 Core Font Set is a PostScript specification of 35 base fonts/);
  assert.match(doc.text, /^Nimbus Sans Narrow Bold Oblique$/m);
  assert.doesNotMatch(doc.text, /<|NOTE: This is a meta-package/);
  await rejectsWith('broken.xml', Buffer.from('<a><b>unclosed</a>'), /malformed/);
});

test('unsupported, empty, oversized and mislabelled files', async () => {
  await rejectsWith(
    'slides.pptx',
    Buffer.from('PK\u0003\u0004ppt/presentation.xml'),
    /files of type \.pptx can't be used for training\. Supported types: PDF \(\.pdf\), Word \(\.docx\)/,
  );
  await rejectsWith('README', Buffer.from('hello'), /no extension.*Supported types/);
  await rejectsWith('empty.txt', Buffer.alloc(0), /the file is empty/);
  await rejectsWith('huge.pdf', Buffer.alloc(50 * 1024 * 1024 + 1), /the file is 50\.0 MB, more than 50 MB, the limit for one file \(MAX_UPLOAD_MB\)/);
  await rejectsWith(
    'photo.txt',
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
    /name says a text file \(\.txt\), but the contents look like a PNG image/,
  );
  await rejectsWith('data.csv', Buffer.from([1, 2, 0, 0, 5, 6, 0, 9]), /contents look like a binary/);
  await rejectsWith('blank.md', Buffer.from('\n\n   \n'), /no readable text/);
});

test('extractHtml on a website page strips header, nav, cookie banner, aside, footer and scripts', async () => {
  const html = (await readFile(path.join(SITE, 'shipping.html'), 'utf8')).replaceAll('{{BASE}}', 'https://acme.example');
  const doc = extractHtml(html, 'https://acme.example/shipping.html');
  assert.equal(doc.title, 'Shipping & Delivery');
  assert.equal(doc.url, 'https://acme.example/shipping.html');
  assert.equal(doc.sourceKey, 'https://acme.example/shipping.html');
  assert.match(doc.text, /^# Shipping & Delivery$/m);
  assert.match(doc.text, /^## International shipping$/m);
  assert.match(doc.text, /Standard shipping takes 3 to 5 business days and costs \$4\.95\./);
  assert.match(doc.text, /You can also find it under Your orders when you are signed in\./, 'link text kept');
  for (const junk of [
    'Password help',
    'header tagline',
    'We use cookies',
    'Spring sale',
    'All rights reserved',
    'Widgetgram',
    'TRACKING-ACME',
    'analytics',
    'footer-script-ran',
    'font-family',
  ]) {
    assert.ok(!doc.text.includes(junk), `"${junk}" should be stripped`);
  }
});

test('extractHtml renders lists as "- " lines and tables as "header: value" rows', async () => {
  const home = extractHtml(await readFile(path.join(SITE, 'index.html'), 'utf8'), 'https://acme.example/');
  assert.match(home.text, /^- How long shipping takes and what it costs$/m);
  const pricing = extractHtml(await readFile(path.join(SITE, 'pricing.html'), 'utf8'), 'https://acme.example/pricing.html');
  assert.match(pricing.text, /^Plan: Pro; Price: \$29 per month; Widgets: up to 25 widgets; Support: priority email support and API access$/m);
  const fragment = extractHtml('<h2>Steps</h2><ol><li>Open <b>Settings</b></li><li>Click Save<ul><li>nested</li></ul></li></ol>', null);
  assert.match(fragment.text, /^## Steps\n\n1\. Open Settings\n2\. Click Save\n {2}- nested$/m);
  assert.equal(fragment.title, 'Steps');
});

test('every text format reads hostile shapes in time proportional to their size', async () => {
  const MB = 1024 * 1024;
  const shapes: Array<[string, string]> = [
    // Short lines and no blank line: unwrapping re-scanned the growing paragraph per line (69 s at 2 MB).
    ['wrapped.txt', 'short line of text\n'.repeat((2 * MB) / 19)],
    ['wrapped.md', 'short line of text\n'.repeat((2 * MB) / 19)],
    // Constructs left open: each opening made the old patterns rescan to the end of the line or file.
    ['links.md', '[a](b '.repeat(MB / 6)],
    ['comments.md', '<!-- open '.repeat(MB / 10)],
    ['bold.md', `**${'a'.repeat(MB)}`],
    ['fence.md', `\`\`\`\n${'x'.padEnd(MB, ' ')}y\n\`\`\`\n`],
    ['pilcrows.html', `<html><body><h2>Title ${'¶'.repeat(MB / 2)} x</h2><p>Body text here.</p></body></html>`],
    ['one-row.csv', `name,value\n${'a'.repeat(MB)},1\n`],
  ];
  for (const [name, text] of shapes) {
    const started = performance.now();
    await extractFile(Buffer.from(text), name).catch((e: unknown) => assert.ok(e instanceof IngestError, String(e)));
    const ms = performance.now() - started;
    // A gross bound: linear code reads these in well under a second; the old code took minutes.
    assert.ok(ms < 5000, `${name} took ${Math.round(ms)} ms`);
  }
});
