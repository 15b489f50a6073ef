// Batch uploads: every file gets its own outcome, nothing is saved that is not reported, and a
// malformed request saves nothing and says what is wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestApp, setupAdmin, type AdminClient, type TestApp } from '../../e2e/support/harness.js';
import { testDb } from '../../e2e/support/test-db.js';
import { multipart, type Multipart } from '../../e2e/support/multipart.js';

async function uploadApp(t: { after(fn: () => unknown): void }, env: Record<string, string> = {}, dataDir?: string): Promise<TestApp & { admin: AdminClient }> {
  const testApp = await createTestApp({ env, ...(dataDir ? { dataDir } : {}) });
  t.after(testApp.close);
  return { ...testApp, admin: await setupAdmin(testApp.app) };
}

function post(testApp: TestApp & { admin: AdminClient }, body: Pick<Multipart, 'payload' | 'contentType'>) {
  const { admin } = testApp;
  return testApp.app.inject({
    method: 'POST',
    url: '/api/admin/training/files',
    payload: body.payload,
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'content-type': body.contentType },
  });
}

const note = (i: number) => ({
  name: `note-${String(i).padStart(2, '0')}.txt`,
  data: Buffer.from(`Store note ${i}: the shop in district ${i} opens at ${(i % 12) + 1} o'clock.`),
});
/** The uploaded files' names, in byte order (as SQLite sorts; PostgreSQL's collation may not). */
const documentNames = async (testApp: TestApp) =>
  (await testDb(testApp.app).all<{ source_key: string }>("SELECT source_key FROM documents WHERE kind = 'file'")).map((r) => r.source_key.slice(5)).sort();
const tmpFiles = (testApp: TestApp) => (existsSync(path.join(testApp.dataDir, 'tmp')) ? readdirSync(path.join(testApp.dataDir, 'tmp')) : []);

test('the upload limits are published for the Data Training screen', async (t) => {
  const testApp = await uploadApp(t, { MAX_UPLOAD_MB: '8', MAX_FILES_PER_UPLOAD: '5', MAX_PDF_PAGES: '300' });
  const res = await testApp.admin.request('GET', '/api/admin/training/files/limits');
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { maxFileBytes: 8 * 1024 * 1024, maxFilesPerUpload: 5, maxPdfPages: 300, maxTextChars: 5_000_000 });
});

test('25 files in one upload: the first 20 are read, the other 5 are each named as not read, and nothing else is saved', async (t) => {
  const testApp = await uploadApp(t);
  const files = Array.from({ length: 25 }, (_, i) => note(i + 1));
  const res = await post(testApp, multipart(files));
  assert.equal(res.statusCode, 200, res.body);
  const results = res.json().results as Array<{ fileName: string; ok: boolean; error?: string; status?: string }>;
  assert.deepEqual(
    results.map((r) => r.fileName),
    files.map((f) => f.name),
  );
  assert.deepEqual(
    results.slice(0, 20).map((r) => r.status),
    Array(20).fill('added'),
  );
  for (const r of results.slice(20)) {
    assert.equal(r.ok, false);
    assert.equal(r.error, `${r.fileName}: not read, because one upload takes at most 20 files (MAX_FILES_PER_UPLOAD). Upload it again in another batch.`);
  }
  assert.deepEqual(
    await documentNames(testApp),
    files.slice(0, 20).map((f) => f.name),
  );
  assert.deepEqual(tmpFiles(testApp), [], 'temporary files are deleted');
});

test('a file over MAX_UPLOAD_MB next to a small one: the big one gets its own error, the small one is saved', async (t) => {
  const testApp = await uploadApp(t, { MAX_UPLOAD_MB: '1' });
  const big = { name: 'catalogue.txt', data: Buffer.from('Every product we sell, described at length. '.repeat(40_000)) };
  const res = await post(testApp, multipart([big, note(1)]));
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json().results, [
    {
      fileName: 'catalogue.txt',
      ok: false,
      error: 'catalogue.txt: the file is larger than 1 MB, the limit for one file (MAX_UPLOAD_MB). Split it into smaller files, or raise MAX_UPLOAD_MB.',
    },
    { fileName: 'note-01.txt', ok: true, documentId: res.json().results[1].documentId, status: 'added', chunks: 1, tokens: res.json().results[1].tokens },
  ]);
  assert.deepEqual(await documentNames(testApp), ['note-01.txt']);
  assert.deepEqual(tmpFiles(testApp), []);
});

test('form fields beside the files are ignored; a flood of them is refused with 413 and nothing is saved', async (t) => {
  const testApp = await uploadApp(t);
  const fields = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `field${i}`, value: 'x' }));
  const some = await post(testApp, multipart([note(1)], fields(12)));
  assert.equal(some.statusCode, 200, some.body);
  assert.equal(some.json().results[0].ok, true);

  const flood = await post(testApp, multipart([note(2), note(3)], fields(150)));
  assert.equal(flood.statusCode, 413);
  assert.deepEqual(flood.json(), {
    statusCode: 413,
    error: 'Payload Too Large',
    message: 'The upload has more than 100 form fields, so nothing was saved. Send only the files.',
  });
  assert.deepEqual(await documentNames(testApp), ['note-01.txt']);
  assert.deepEqual(tmpFiles(testApp), []);
});

test('malformed multipart is a 400 naming the problem, and saves nothing', async (t) => {
  const testApp = await uploadApp(t);
  const good = multipart([note(1), note(2)]);
  // The second file is cut off mid-way: the request ends without its closing boundary.
  const truncated = { ...good, payload: good.payload.subarray(0, good.payload.length - 40) };
  const res = await post(testApp, truncated);
  assert.equal(res.statusCode, 400, res.body);
  assert.equal(
    res.json().message,
    'The upload is not valid multipart/form-data: it ends before its closing boundary. The upload was cut off, or the body uses a different boundary from the Content-Type header.',
  );

  const noBoundary = await post(testApp, { payload: good.payload, contentType: 'multipart/form-data' });
  assert.equal(noBoundary.statusCode, 400, noBoundary.body);
  assert.equal(noBoundary.json().message, 'The upload is not valid multipart/form-data: the boundary is missing from the Content-Type header.');

  const notMultipart = await post(testApp, { payload: Buffer.from('{}'), contentType: 'application/json' });
  assert.equal(notMultipart.statusCode, 415);
  assert.equal(notMultipart.json().message, 'Upload files as multipart/form-data.');

  assert.deepEqual(await documentNames(testApp), []);
  assert.deepEqual(tmpFiles(testApp), []);
});

test('uploads left behind by a crash are deleted when Docent starts', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'docent-upload-'));
  mkdirSync(path.join(dataDir, 'tmp'));
  writeFileSync(path.join(dataDir, 'tmp', 'interrupted.upload'), 'half a file');
  const testApp = await uploadApp(t, {}, dataDir);
  await testApp.app.ready();
  assert.deepEqual(tmpFiles(testApp), []);
});
