import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { externalPlugins } from '../plugins/external.js';
import { errorHandler } from './error-handler.js';

const B = 'UploadBoundary';
const part = (name: string, body: string, filename?: string, headers = '') =>
  `--${B}\r\nContent-Disposition: form-data; name="${name}"${filename === undefined ? '' : `; filename="${filename}"`}\r\n${headers}\r\n${body}\r\n`;
const file = (body = 'Returns are accepted within 30 days.', name = 'policy.txt') => part('files', body, name, 'Content-Type: text/plain\r\n');
const end = `--${B}--\r\n`;
const multipart = `multipart/form-data; boundary=${B}`;
const NOT_MULTIPART = 'The upload is not valid multipart/form-data';
const CUT_OFF = `${NOT_MULTIPART}: it ends before its closing boundary. The upload was cut off, or the body uses a different boundary from the Content-Type header.`;

/**
 * A route that reads uploads the usual ways, with limits of its own and the app's one error handler,
 * and lets every error escape: the mapping must not depend on how a route handles its parts.
 */
async function uploadApp(t: TestContext) {
  const app = Fastify();
  await app.register(externalPlugins);
  app.setErrorHandler(errorHandler);
  app.post('/parts', async (request) => {
    const names: string[] = [];
    for await (const part of request.parts({ limits: { fields: 10, files: 20 } })) {
      if (part.type === 'file') await part.toBuffer();
      names.push(part.fieldname);
    }
    return { names };
  });
  app.post('/small-files', async (request) => {
    for await (const file of request.files({ limits: { fileSize: 10 }, throwFileSizeLimit: true })) await file.toBuffer();
    return { ok: true };
  });
  // Busboy's texts only count on multipart requests: the same text from anywhere else is still a 500.
  app.post('/not-an-upload', async () => {
    throw new Error('Unexpected end of multipart data');
  });
  t.after(() => app.close());
  return app;
}

test('malformed multipart is a 400 naming the problem, whatever route reads it (finding 7)', async (t) => {
  const app = await uploadApp(t);
  const cases: Array<[string, string | undefined, string, number, string]> = [
    ['no boundary', 'multipart/form-data', file() + end, 400, `${NOT_MULTIPART}: the boundary is missing from the Content-Type header.`],
    ['wrong boundary', 'multipart/form-data; boundary=Other', file() + end, 400, CUT_OFF],
    ['cut off in a part header', multipart, file().slice(0, 40), 400, CUT_OFF],
    ['cut off in a file', multipart, file('x'.repeat(5000)).slice(0, 3000), 400, CUT_OFF],
    ['no closing boundary', multipart, file(), 400, CUT_OFF],
    ['not multipart at all', multipart, 'just some text', 400, CUT_OFF],
    [
      '300-character boundary',
      `multipart/form-data; boundary=${'b'.repeat(300)}`,
      file() + end,
      400,
      `${NOT_MULTIPART}: the boundary is too long (70 characters at most).`,
    ],
    [
      '__proto__ field',
      multipart,
      part('__proto__', '{"polluted":true}') + file() + end,
      400,
      `${NOT_MULTIPART}: a field has a reserved name (such as __proto__ or constructor).`,
    ],
    [
      'constructor file',
      multipart,
      part('constructor', 'x', 'a.txt') + end,
      400,
      `${NOT_MULTIPART}: a field has a reserved name (such as __proto__ or constructor).`,
    ],
    [
      'bad JSON field',
      multipart,
      part('meta', '{bad', undefined, 'Content-Type: application/json\r\n') + end,
      400,
      `${NOT_MULTIPART}: a field declared as application/json is not valid JSON.`,
    ],
    ['11 fields', multipart, Array.from({ length: 11 }, (_, i) => part(`f${i}`, 'v')).join('') + end, 413, 'The upload has too many form fields.'],
    [
      '21 files',
      multipart,
      Array.from({ length: 21 }, (_, i) => file('x', `f${i}.txt`)).join('') + end,
      413,
      'The upload has too many files for one request. Send fewer files at a time.',
    ],
    ['JSON instead of files', 'application/json', '{"files":[]}', 415, 'Upload files as multipart/form-data.'],
  ];
  for (const [name, contentType, payload, status, message] of cases) {
    const res = await app.inject({ method: 'POST', url: '/parts', headers: contentType ? { 'content-type': contentType } : {}, payload });
    assert.equal(res.statusCode, status, `${name}: ${res.body}`);
    assert.deepEqual(res.json(), { statusCode: status, error: res.statusMessage, message }, name);
  }

  const tooBig = await app.inject({ method: 'POST', url: '/small-files', headers: { 'content-type': multipart }, payload: file('more than ten bytes') + end });
  assert.deepEqual(tooBig.json(), { statusCode: 413, error: 'Payload Too Large', message: 'A file in the upload is larger than the size limit.' });

  const wellFormed = await app.inject({ method: 'POST', url: '/parts', headers: { 'content-type': multipart }, payload: part('note', 'hi') + file() + end });
  assert.deepEqual(wellFormed.json(), { names: ['note', 'files'] }, 'a well-formed upload still goes through');

  const notUpload = await app.inject({ method: 'POST', url: '/not-an-upload', payload: { a: 1 } });
  assert.equal(notUpload.statusCode, 500);
  assert.equal(notUpload.json().message, 'Something went wrong on the server.');
});

test('a body over the limit says what the limit is', async (t) => {
  const app = Fastify({ bodyLimit: 1024 * 1024 });
  app.setErrorHandler(errorHandler);
  app.post('/json', async () => ({ ok: true }));
  app.post('/small', { bodyLimit: 64 * 1024 }, async () => ({ ok: true }));
  t.after(() => app.close());
  const big = await app.inject({ method: 'POST', url: '/json', payload: { text: 'a'.repeat(1024 * 1024) } });
  assert.deepEqual(big.json(), { statusCode: 413, error: 'Payload Too Large', message: 'The request body is too large (1 MB at most).' });
  const small = await app.inject({ method: 'POST', url: '/small', payload: { text: 'a'.repeat(70 * 1024) } });
  assert.deepEqual(small.json(), { statusCode: 413, error: 'Payload Too Large', message: 'The request body is too large (64 KB at most).' });
});
