import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chunkDocument, countTokens, DEFAULT_MAX_TOKENS, DEFAULT_OVERLAP_TOKENS } from './chunk.js';
import { extractFile } from './extract.js';
import type { Chunk } from './types.js';

const DOCS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../e2e/fixtures/docs');
const loaded = new Map<string, ReturnType<typeof extractFile>>();
const load = (name: string) => {
  if (!loaded.has(name))
    loaded.set(
      name,
      readFile(path.join(DOCS, name)).then((data) => extractFile(data, name)),
    );
  return loaded.get(name)!;
};

/** Heading lines outside code fences. */
function headingLines(content: string): string[] {
  let fence = false;
  return content.split('\n').filter((l) => {
    if (/^\s*(```|~~~)/.test(l)) fence = !fence;
    return !fence && /^#{1,6} /.test(l);
  });
}

const sections = (title: string) => ({
  title,
  text: [
    '# Guide',
    'Intro to the guide.',
    '## Install',
    'Download the installer. Run it.',
    '### Windows',
    'Double-click setup.exe.',
    '## Use',
    'Open the app.',
    '```',
    '# not a heading, a shell comment',
    'app --start',
    '```',
  ].join('\n\n'),
});

test('countTokens uses the cl100k tokenizer and treats special-token text as text', () => {
  assert.equal(DEFAULT_MAX_TOKENS, 350);
  assert.equal(DEFAULT_OVERLAP_TOKENS, 50);
  assert.equal(countTokens('hello world'), 2);
  assert.equal(countTokens(''), 0);
  assert.ok(countTokens('a <|endoftext|> b') > 3);
  assert.doesNotThrow(() => chunkDocument({ title: 't', text: 'Prompt injection: <|endoftext|> <|im_start|>' }));
});

test('chunks follow headings and carry the heading path in a context line', () => {
  const chunks = chunkDocument(sections('Acme Manual'));
  assert.deepEqual(
    chunks.map((c) => c.headingPath),
    [['Guide'], ['Guide', 'Install'], ['Guide', 'Install', 'Windows'], ['Guide', 'Use']],
  );
  assert.deepEqual(
    chunks.map((c) => c.index),
    [0, 1, 2, 3],
  );
  assert.equal(chunks[1].text, 'Acme Manual › Guide › Install\n\nDownload the installer. Run it.');
  assert.equal(chunks[1].content, 'Download the installer. Run it.');
  assert.ok(chunks[3].content.includes('# not a heading, a shell comment'), 'a # line inside a code block is not a heading');
  // A title that already says the first heading doesn't repeat it.
  assert.equal(chunkDocument(sections('Guide'))[2].text.split('\n')[0], 'Guide › Install › Windows');
});

test('real documents: every chunk fits maxTokens exactly as the tokenizer counts, and never spans two sections', async () => {
  for (const name of [
    'amoebax-manual.pdf',
    'coco-user-manual.docx',
    'dpkg-triggers.txt',
    'pip-authentication.md',
    'requests-faq.html',
    'debian-releases.csv',
  ]) {
    const doc = await load(name);
    for (const maxTokens of [120, 350]) {
      const chunks = chunkDocument(doc, { maxTokens });
      assert.ok(chunks.length > 0, name);
      for (const c of chunks) {
        assert.equal(countTokens(c.text), c.tokenCount, `${name}: tokenCount is the real count`);
        assert.ok(c.tokenCount <= maxTokens, `${name}: ${c.tokenCount} > ${maxTokens}`);
        assert.ok(c.content.trim().length > 0 && /[\p{L}\p{N}]/u.test(c.content), `${name}: empty chunk`);
        assert.deepEqual(headingLines(c.content), [], `${name}: chunk content crosses a heading`);
        assert.ok(c.text.endsWith(c.content));
        assert.equal(c.hash, createHash('sha256').update(c.text).digest('hex'));
      }
    }
  }
});

test('PDF chunks are labelled with their section', async () => {
  const chunks = chunkDocument(await load('amoebax-manual.pdf'));
  const mac = chunks.find((c) => c.content.includes('Download the Mac OS X disk image'));
  assert.ok(mac);
  assert.equal(mac.headingPath.at(-1), 'Apple Mac OS X');
  assert.match(mac.text, /^Amoebax User's Manual › Installing Amoebax › Apple Mac OS X\n\n/);
});

const longSection = {
  title: 'Long',
  text:
    '# Policy\n\n' +
    Array.from({ length: 40 }, (_, i) => `Sentence number ${i + 1} explains one more rule of the widget return policy in plain words.`).join(' '),
};

test('long paragraphs split at sentence ends, with overlap between consecutive chunks', () => {
  const chunks = chunkDocument(longSection, { maxTokens: 120, overlapTokens: 30 });
  assert.ok(chunks.length >= 5);
  for (let i = 1; i < chunks.length; i++) {
    const prev = chunks[i - 1].content;
    const cur = chunks[i].content;
    // The next chunk starts with the previous chunk's last sentence(s).
    const firstSentence = cur.slice(0, cur.indexOf('.') + 1);
    assert.ok(prev.endsWith(firstSentence), `chunk ${i} starts with the end of chunk ${i - 1}`);
    assert.ok(countTokens(firstSentence) <= 30);
  }
  for (const c of chunks) assert.match(c.content, /\.$/, 'ends at a sentence end');
  // Every sentence is somewhere.
  const all = chunks.map((c) => c.content).join(' ');
  for (let n = 1; n <= 40; n++) assert.ok(all.includes(`Sentence number ${n} explains`), `sentence ${n}`);

  const noOverlap = chunkDocument(longSection, { maxTokens: 120, overlapTokens: 0 });
  const total = noOverlap.map((c) => c.content.match(/Sentence number/g)!.length).reduce((a, b) => a + b, 0);
  assert.equal(total, 40, 'without overlap every sentence appears exactly once');
});

test('no overlap across headings', () => {
  const doc = {
    title: 'T',
    text: `# A\n\n${'Alpha sentence here. '.repeat(60)}\n\n# B\n\n${'Beta sentence here. '.repeat(60)}`,
  };
  const chunks = chunkDocument(doc, { maxTokens: 100 });
  for (const c of chunks) {
    if (c.headingPath[0] === 'A') assert.doesNotMatch(c.content, /Beta/);
    else assert.doesNotMatch(c.content, /Alpha/);
  }
});

test('text without sentence breaks is cut by tokens, losing nothing', () => {
  const words = Array.from({ length: 1500 }, (_, i) => `w${i}`);
  const chunks = chunkDocument({ title: 'Blob', text: words.join(' ') }, { maxTokens: 100, overlapTokens: 0 });
  assert.ok(chunks.length > 5);
  for (const c of chunks) assert.ok(c.tokenCount <= 100);
  assert.deepEqual(
    chunks.flatMap((c) => c.content.split(/\s+/)),
    words,
  );
});

test('never emits empty chunks; a document of headings only gives none', () => {
  assert.deepEqual(chunkDocument({ title: 'x', text: '' }), []);
  assert.deepEqual(chunkDocument({ title: 'x', text: '# A\n\n## B\n\n   \n\n### C' }), []);
  const chunks = chunkDocument({ title: 'x', text: '# A\n\n```\n```\n\n---\n\n\n\n## B\n\nReal text.' });
  assert.deepEqual(
    chunks.map((c) => c.content),
    ['Real text.'],
  );
});

test('deterministic: same input, same chunks and hashes', async () => {
  const doc = await load('coco-user-manual.docx');
  const a = chunkDocument(doc);
  const b = chunkDocument({ title: doc.title, text: doc.text });
  assert.deepEqual(a, b);
  assert.equal(new Set(a.map((c) => c.hash)).size, a.length, 'hashes are distinct');
});

test('editing one paragraph changes only the chunks that contain it', async () => {
  const doc = await load('dpkg-triggers.txt');
  const before = chunkDocument(doc);
  const paragraphs = doc.text.split('\n\n');
  const beforeHashes = new Set(before.map((c) => c.hash));
  let checked = 0;
  for (const at of [0.2, 0.45, 0.7]) {
    let i = Math.floor(paragraphs.length * at);
    while (paragraphs[i].startsWith('#')) i++;
    const edited = [...paragraphs];
    edited[i] = `${paragraphs[i]} This sentence was added by the site admin.`;
    const after = chunkDocument({ title: doc.title, text: edited.join('\n\n') });
    const changed = after.filter((c) => !beforeHashes.has(c.hash));
    assert.ok(changed.length >= 1 && changed.length <= 2, `edit at ${at}: ${changed.length} chunks changed`);
    for (const c of changed) {
      assert.ok(c.content.includes('This sentence was added') || c.content.includes(paragraphs[i].slice(-40)), 'a changed chunk touches the edit');
    }
    // Everything else is byte-for-byte the same chunk.
    const afterHashes = new Set(after.map((c: Chunk) => c.hash));
    const lost = before.filter((c) => !afterHashes.has(c.hash));
    assert.ok(lost.length <= 2);
    checked++;
  }
  assert.equal(checked, 3);
});
