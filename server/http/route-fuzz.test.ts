// Every route of the real app, fuzzed with malformed requests (issue 9): no input may produce a 5xx,
// every 4xx has the documented shape {statusCode, error, message} with a sentence in it, and the
// server keeps answering. Routes are enumerated from the app itself, so routes added later are fuzzed too.
// Replay a failure with FUZZ_SEED=<seed printed in the failure>; FUZZ_RUNS raises the random runs per route.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { RouteOptions } from 'fastify';
import { z } from 'zod';
import { createTestApp, setupAdmin, type TestApp } from '../../e2e/support/harness.js';
import { testDb } from '../../e2e/support/test-db.js';
import { FAKE_KEY } from '../../e2e/fakes/openrouter.js';
import { createSession, SESSION_COOKIE } from '../auth/sessions.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_250_609);
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 25);
const ALLOWED_ORIGIN = 'https://shop.example.com';
const BODY_LIMIT = 1024 * 1024;
const BOUNDARY = 'DocentFuzzBoundary';

// ---------------------------------------------------------------------------------------------
// The app under test, with every route it registers recorded

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  format?: string;
}
interface FuzzRoute {
  method: string;
  url: string;
  body?: JsonSchema;
  query?: JsonSchema;
}

/** A zod route schema as JSON Schema (what the generators read); anything else is left alone. */
function jsonSchemaOf(schema: unknown): JsonSchema | undefined {
  if (!(schema instanceof z.ZodType)) return undefined;
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

interface FuzzApp extends TestApp {
  routes: FuzzRoute[];
  webhookToken: string;
}

/**
 * Ids and names of what the seeded install holds (documents, a conversation, its visitor and answer),
 * mixed into generated strings and path parameters so handlers get past "not found" to their real work.
 */
const SEEDED: string[] = [];
const VISITOR = 'fuzz-visitor-0001';

async function createFuzzApp(t: TestContext): Promise<FuzzApp> {
  const registered: RouteOptions[] = [];
  // Built assets are stand-ins, so the static routes exist as in production (unbuilt, /admin/* answers 503 by design).
  const adminUiDir = mkdtempSync(path.join(tmpdir(), 'docent-fuzz-ui-'));
  writeFileSync(path.join(adminUiDir, 'index.html'), '<!doctype html><title>Docent</title>');
  const widgetDir = mkdtempSync(path.join(tmpdir(), 'docent-fuzz-widget-'));
  writeFileSync(path.join(widgetDir, 'widget.js'), 'console.log("widget")');
  const testApp = await createTestApp({ buildOptions: { adminUiDir, widgetDir, onRoute: (route) => void registered.push(route) } });
  t.after(async () => {
    await testApp.close();
    for (const dir of [adminUiDir, widgetDir]) rmSync(dir, { recursive: true, force: true });
  });
  await testApp.app.ready();

  const { app } = testApp;
  SEEDED.length = 0;
  const admin = await setupAdmin(app);
  // A working install: key, trained text and Q&A, an uploaded file, a web source, a visitor's conversation.
  const ok = async (res: Promise<{ statusCode: number; body: string }>) => {
    const r = await res;
    assert.ok(r.statusCode < 300, r.body);
    return JSON.parse(r.body || 'null');
  };
  await ok(
    admin.request('PUT', '/api/admin/settings/api', {
      provider: 'openrouter',
      apiKey: FAKE_KEY,
      model: 'openai/gpt-5.4-mini',
      fallbackModels: [],
      reasoningEnabled: false,
    }),
  );
  await ok(admin.request('POST', '/api/admin/training/text', { title: 'Returns', text: 'Returns are accepted within 30 days of delivery.' }));
  await ok(admin.request('POST', '/api/admin/training/text', { question: 'How long does shipping take?', answer: 'Three to five business days.' }));
  await ok(
    app.inject({
      method: 'POST',
      url: '/api/admin/training/files',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'content-type': multipartType },
      payload: file() + end,
    }),
  );
  await ok(admin.request('POST', '/api/admin/training/sources', { kind: 'web', config: { mode: 'urls', urls: ['http://127.0.0.1:1/page'] } }));
  await app.training.runner.idle();
  await ok(admin.request('POST', '/api/admin/training/start'));
  await app.training.runner.idle();
  // The widget API only answers pages of allowed sites: the fuzz comes from one of them.
  const widget = (await admin.request('GET', '/api/admin/widget/settings')).json().widget;
  await ok(admin.request('PUT', '/api/admin/widget/settings', { ...widget, allowedDomains: [new URL(ALLOWED_ORIGIN).host] }));
  const chat = await app.inject({
    method: 'POST',
    url: '/api/widget/chat',
    headers: { origin: ALLOWED_ORIGIN },
    payload: { visitorId: VISITOR, message: 'How long does shipping take?' },
  });
  assert.equal(chat.statusCode, 200, chat.body);
  const db = testDb(app);
  const conversation = (await db.get(
    'SELECT c.id AS "conversationId", m.id AS "messageId" FROM conversations c JOIN messages m ON m.conversation_id = c.id WHERE m.role = \'assistant\'',
  )) as { conversationId: string; messageId: string };
  const ids = async (table: string) => (await db.all<{ id: number | string }>(`SELECT id FROM ${table} ORDER BY id`)).map((row) => String(row.id));
  SEEDED.push(
    ...new Set([...(await ids('documents')), ...(await ids('sources')), ...(await ids('jobs'))]),
    VISITOR,
    conversation.conversationId,
    conversation.messageId,
  );
  const webhookToken = (await ok(admin.request('GET', '/api/admin/training/webhook'))).token as string;

  const routes = registered.flatMap((route) =>
    [route.method].flat().map((method) => ({
      method,
      url: route.url,
      body: jsonSchemaOf(route.schema?.body),
      query: jsonSchemaOf(route.schema?.querystring),
    })),
  );
  return { ...testApp, routes, webhookToken };
}

// ---------------------------------------------------------------------------------------------
// What a malformed request is

type Identity = 'admin' | 'anonymous';
interface FuzzRequest {
  method: string;
  url: string;
  identity: Identity;
  origin?: string;
  contentType?: string;
  payload?: string | Buffer;
  /** What kind of malformation this is, for the failure message. */
  kind: string;
}

const fuzzRequest = (request: FuzzRequest): FuzzRequest => Object.assign(request, { [fc.toStringMethod]: () => describe(request) });

function describe(request: FuzzRequest): string {
  const payload =
    request.payload === undefined ? '(no body)' : `${Buffer.byteLength(request.payload)} bytes: ${JSON.stringify(request.payload.toString().slice(0, 160))}`;
  const origin = request.origin === undefined ? '' : ` Origin: ${request.origin}`;
  return `[${request.kind}] ${request.identity} ${request.method} ${request.url.slice(0, 300)} Content-Type: ${request.contentType ?? '(none)'}${origin} body ${payload}`;
}

interface Body {
  kind: string;
  contentType?: string;
  payload?: string | Buffer;
}

const json = (kind: string, value: unknown): Body => ({ kind, contentType: 'application/json', payload: JSON.stringify(value) });

/** Any value of a wrong type: the fields' types are what is fuzzed. */
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom([], {}, [[[]]], { a: { b: {} } }, '', ' ', '0', 'true', 'null', -1, 0, 2 ** 53 + 2, 1e308, -0),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
);

const STRING_SAMPLES = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  'a\u0000b',
  '<script>alert(1)</script>',
  "'; DROP TABLE documents; --",
  '../../etc/passwd',
  'file:///etc/passwd',
  'javascript:alert(1)',
  'http://127.0.0.1:1/',
  'http://user:pass@127.0.0.1:1/',
  '%00',
  '😀'.repeat(50),
  '\u202e\u200b',
];

/** A value of the type the schema asks for (not necessarily valid), so validation gets past the type check. */
function plausible(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 3) return wrongType;
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches?.length) return fc.oneof(...branches.map((branch) => plausible(branch, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 20 }),
        fc.constantFrom(...STRING_SAMPLES),
        fc.constantFrom(...SEEDED),
      );
    case 'integer':
      return fc.oneof(fc.integer(), fc.constantFrom(0, -1, 2 ** 31, 2 ** 53 + 2, 1e21));
    case 'number':
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1e308, -1e308, 5e-324));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(plausible(schema.items, depth + 1), { maxLength: 4 });
    case 'object':
      return schemaShaped(schema, depth + 1);
    default:
      return wrongType;
  }
}

/** An object with the schema's fields, each either of its own type or of a wrong one, some left out. */
function schemaShaped(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const branches = schema?.anyOf ?? schema?.oneOf;
  if (branches?.length) return fc.oneof(...branches.map((branch) => schemaShaped(branch, depth)));
  const properties = schema?.properties ?? {};
  const shape = Object.fromEntries(
    Object.entries(properties).map(([name, field]) => [name, fc.oneof({ weight: 3, arbitrary: plausible(field, depth) }, { weight: 2, arbitrary: wrongType })]),
  );
  return fc.record(shape, { requiredKeys: [] });
}

/** Top-level field names of a body schema (all branches of a union). */
function fieldNames(schema: JsonSchema | undefined): string[] {
  if (!schema) return ['message', 'name', 'id'];
  const branches = schema.anyOf ?? schema.oneOf ?? [schema];
  const names = [...new Set(branches.flatMap((branch) => Object.keys(branch.properties ?? {})))];
  return names.length ? names : ['message'];
}

const MALFORMED_JSON = [
  '{',
  '}',
  '{"a":',
  '{"a":1,}',
  '[1,]',
  "{'a':1}",
  '{a:1}',
  'NaN',
  'undefined',
  '{"a":1}garbage',
  '{"a":1}{"a":2}',
  '\uFEFF{}',
  '"\\ud800"',
  '{"a":"\\u00"}',
  '{"a":01}',
  '{"a":.5}',
  '{"a":1e999}',
  '{"a":-}',
  '{"a" 1}',
  '[',
  'null',
  'true',
  '0',
  '""',
  '{"__proto__":',
  '\t\r\n ',
  '{"a":"\u0000"}',
  '/*c*/{}',
  '{"a":1}\u0000',
];

function malformedJson(fields: string[]): fc.Arbitrary<Body> {
  return fc.oneof(
    fc.constantFrom(...MALFORMED_JSON).map((payload) => ({ kind: 'malformed JSON', contentType: 'application/json', payload })),
    // Numbers JSON.stringify cannot write: Infinity, and integers past 2^53.
    fc
      .tuple(fc.constantFrom(...fields), fc.constantFrom('1e999', '-1e999', '123456789012345678901234567890', '-0', '1E400'))
      .map(([field, number]) => ({ kind: 'unrepresentable number', contentType: 'application/json', payload: `{"${field}":${number}}` })),
    fc.tuple(fc.jsonValue({ maxDepth: 3 }), fc.nat()).map(([value, cut]) => {
      const text = JSON.stringify({ [fields[0]]: value, other: value });
      return { kind: 'truncated JSON', contentType: 'application/json', payload: text.slice(0, cut % text.length) };
    }),
  );
}

/** Strings up to about 1 MB, within the 1 MB body limit and beyond it, in one field or the whole body. */
function hugeStrings(fields: string[]): fc.Arbitrary<Body> {
  return fc
    .tuple(
      fc.constantFrom(...fields),
      fc.constantFrom(64 * 1024, BODY_LIMIT - 100, BODY_LIMIT + 1, 3 * BODY_LIMIT),
      fc.constantFrom('a', '€', '\u0000', '😀'),
      fc.boolean(),
    )
    .map(([field, bytes, unit, whole]) => {
      const text = unit.repeat(Math.max(1, Math.floor(bytes / Buffer.byteLength(unit))));
      return whole
        ? { kind: `whole body ${bytes} bytes`, contentType: 'application/json', payload: JSON.stringify(text) }
        : json(`${bytes}-byte ${field}`, { [field]: text });
    });
}

/** 10,000 levels of nesting, as the whole body or in a field; plus very wide objects and arrays. */
function deepNesting(fields: string[]): fc.Arbitrary<Body> {
  const LEVELS = 10_000;
  return fc.tuple(fc.constantFrom(...fields), fc.constantFrom('array', 'object', 'field', 'wide object', 'long array')).map(([field, shape]) => {
    const body = (payload: string): Body => ({ kind: `deep/wide ${shape}`, contentType: 'application/json', payload });
    switch (shape) {
      case 'array':
        return body(`${'['.repeat(LEVELS)}${']'.repeat(LEVELS)}`);
      case 'object':
        return body(`${'{"a":'.repeat(LEVELS)}1${'}'.repeat(LEVELS)}`);
      case 'field':
        return body(`{"${field}":${'{"a":['.repeat(LEVELS / 2)}1${']}'.repeat(LEVELS / 2)}}`);
      case 'wide object':
        return body(JSON.stringify(Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]))));
      default:
        return body(JSON.stringify({ [field]: Array.from({ length: 100_000 }, (_, i) => String(i)) }));
    }
  });
}

/** __proto__, constructor and prototype keys, at the top and inside fields. */
function prototypeKeys(fields: string[]): fc.Arbitrary<Body> {
  const poison = [
    '{"__proto__":{"polluted":"yes"}}',
    '{"constructor":{"prototype":{"polluted":"yes"}}}',
    '{"prototype":{"polluted":"yes"}}',
    '{"__proto__":null}',
    '{"constructor":null}',
    '{"hasOwnProperty":1,"toString":"x","valueOf":{}}',
  ];
  return fc.tuple(fc.constantFrom(...fields), fc.constantFrom(...poison), fc.boolean()).map(([field, object, nested]) => ({
    kind: 'prototype keys',
    contentType: 'application/json',
    payload: nested ? `{"${field}":${object},"${fields.at(-1)}":${object}}` : object.replace(/^\{/, `{"${field}":"x",`),
  }));
}

/** NUL bytes and invalid UTF-8 inside JSON strings, as raw bytes (no JSON escaping on the way). */
function rawBytes(fields: string[]): fc.Arbitrary<Body> {
  const sequences = [
    [0x00],
    [0xff],
    [0xfe, 0xff],
    [0xc0, 0x80],
    [0xed, 0xa0, 0x80],
    [0xe2, 0x82],
    [0xf4, 0x90, 0x80, 0x80],
    [0x80],
    [0xf8, 0x88, 0x80, 0x80, 0x80],
  ];
  return fc.oneof(
    fc.tuple(fc.constantFrom(...fields), fc.constantFrom(...sequences), fc.boolean()).map(([field, bytes, inKey]) => ({
      kind: 'invalid UTF-8',
      contentType: 'application/json',
      payload: inKey
        ? Buffer.concat([Buffer.from('{"'), Buffer.from(bytes), Buffer.from(`":1,"${field}":"x"}`)])
        : Buffer.concat([Buffer.from(`{"${field}":"a`), Buffer.from(bytes), Buffer.from('b"}')]),
    })),
    fc.constantFrom(...sequences).map((bytes) => ({ kind: 'binary body', contentType: 'application/json', payload: Buffer.from(bytes) })),
    fc
      .constantFrom(...fields)
      .map((field) => ({ kind: 'UTF-16 body', contentType: 'application/json; charset=utf-16', payload: Buffer.from(`{"${field}":"x"}`, 'utf16le') })),
  );
}

const CONTENT_TYPES = [
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'application/xml',
  'application/json; charset=utf-16',
  'application/json; charset=iso-8859-1',
  'application/jsonx',
  'application/vnd.api+json',
  'APPLICATION/JSON',
  'application/json, text/plain',
  '',
  ';',
  '*/*',
  'application/',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'text/event-stream',
  'application/octet-stream',
  'application/json; boundary=x; charset=utf-8; charset=latin1',
  'a'.repeat(2000),
  'application/json\u0000',
];

function wrongContentType(fields: string[]): fc.Arbitrary<Body> {
  return fc
    .tuple(fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }), fc.constantFrom(...fields), fc.string({ maxLength: 20 }), fc.boolean())
    .map(([contentType, field, text, asJson]) => ({
      kind: 'wrong Content-Type',
      contentType,
      payload: asJson ? JSON.stringify({ [field]: text }) : `${field}=${encodeURIComponent(text)}`,
    }));
}

const part = (name: string, body: string, filename?: string, headers = '') =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${filename === undefined ? '' : `; filename="${filename}"`}\r\n${headers}\r\n${body}\r\n`;
const file = (body = 'Our returns policy: 30 days.') => part('files', body, 'policy.txt', 'Content-Type: text/plain\r\n');
const end = `--${BOUNDARY}--\r\n`;
const multipartType = `multipart/form-data; boundary=${BOUNDARY}`;

/** Broken multipart/form-data: each case names what is wrong with it. */
const BAD_MULTIPART: Array<Body & { problem?: string }> = [
  { kind: 'multipart without boundary', contentType: 'multipart/form-data', payload: file() + end },
  { kind: 'multipart with empty boundary', contentType: 'multipart/form-data; boundary=', payload: file() + end },
  { kind: 'multipart with wrong boundary', contentType: 'multipart/form-data; boundary=SomethingElse', payload: file() + end },
  { kind: 'multipart truncated in a part header', contentType: multipartType, payload: file().slice(0, 40) },
  { kind: 'multipart truncated in a file', contentType: multipartType, payload: file('x'.repeat(5000)).slice(0, 3000) },
  { kind: 'multipart without closing boundary', contentType: multipartType, payload: file() },
  { kind: 'multipart that is only a preamble', contentType: multipartType, payload: 'this is not multipart at all' },
  { kind: 'multipart with 300-character boundary', contentType: `multipart/form-data; boundary=${'b'.repeat(300)}`, payload: file() + end },
  { kind: 'multipart with 200 KB part header', contentType: multipartType, payload: part('files', 'x', 'a.txt', `X-Huge: ${'h'.repeat(200_000)}\r\n`) + end },
  { kind: 'multipart with 5,000 part headers', contentType: multipartType, payload: part('files', 'x', 'a.txt', 'X-A: b\r\n'.repeat(5000)) + end },
  { kind: 'multipart with __proto__ field', contentType: multipartType, payload: part('__proto__', '{"polluted":"yes"}') + file() + end },
  { kind: 'multipart with constructor file', contentType: multipartType, payload: part('constructor', 'x', 'a.txt') + end },
  { kind: 'multipart with 50 fields', contentType: multipartType, payload: Array.from({ length: 50 }, (_, i) => part(`f${i}`, 'v')).join('') + end },
  {
    kind: 'multipart with a bad JSON field',
    contentType: multipartType,
    payload: part('meta', '{bad', undefined, 'Content-Type: application/json\r\n') + file() + end,
  },
  {
    kind: 'multipart part without Content-Disposition',
    contentType: multipartType,
    payload: `--${BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nhello\r\n${end}`,
  },
  { kind: 'multipart with bare LF line ends', contentType: multipartType, payload: (file() + end).replace(/\r\n/g, '\n') },
  { kind: 'multipart with NUL and traversal in file name', contentType: multipartType, payload: part('files', 'hello', '..\u0000/../../etc/passwd') + end },
  { kind: 'multipart/mixed', contentType: `multipart/mixed; boundary=${BOUNDARY}`, payload: file() + end },
  { kind: 'multipart with empty body', contentType: multipartType, payload: '' },
  {
    kind: 'multipart with invalid UTF-8 names',
    contentType: multipartType,
    payload: Buffer.concat([
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="`),
      Buffer.from([0xff, 0xc0, 0x80]),
      Buffer.from(`"\r\n\r\nhi\r\n${end}`),
    ]),
  },
];

const PATH_PARAMS = [
  'abc',
  '-1',
  '0',
  '1',
  '2',
  '1.5',
  '1e3',
  '0x10',
  '99999999999999999999',
  '9007199254740993',
  '1e400',
  '%00',
  '1%00',
  '%ZZ',
  '%',
  '%2F',
  '..',
  '%2e%2e',
  'a'.repeat(150),
  '00000000-0000-0000-0000-000000000000',
  '%3Cscript%3E',
  '1%27%20OR%20%271%27%3D%271',
  '%20',
  '%E2%82%AC',
  '%C0%80',
  '%FF',
];
const WILDCARDS = [
  '',
  'x',
  'x/'.repeat(4000),
  '..%2F..%2Fpackage.json',
  '%2e%2e/%2e%2e/package.json',
  '../../../etc/passwd',
  '%00',
  'index.html%00.js',
  'a/'.repeat(200),
  '%FF%FE',
  'assets/x.js',
];

function pathFor(url: string): fc.Arbitrary<string> {
  const params = url.match(/:\w+/g) ?? [];
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...PATH_PARAMS) },
    { weight: 2, arbitrary: fc.constantFrom(...SEEDED) },
    fc.uuid(),
    fc.nat().map(String),
    fc.string({ maxLength: 12 }).map(encodeURIComponent),
  );
  return fc.tuple(fc.array(value, { minLength: params.length, maxLength: params.length }), fc.constantFrom(...WILDCARDS)).map(([values, wildcard]) => {
    let i = 0;
    return url.replace(/:\w+/g, () => values[i++]).replace('*', wildcard);
  });
}

const QUERY_VALUES = () => [
  ...SEEDED,
  '',
  '-1',
  '0',
  '1',
  '201',
  '1e999',
  '99999999999999999999',
  'NaN',
  'Infinity',
  '0x1f',
  '1.5',
  '%00',
  '%ZZ',
  '%',
  'true',
  '[]',
  '{}',
  'a'.repeat(5000),
  '__proto__',
  'all',
  'unanswered',
  '1&x',
  '%E2%82%AC',
];

function queryFor(schema: JsonSchema | undefined): fc.Arbitrary<string> {
  const names = [...Object.keys(schema?.properties ?? {}), '__proto__', 'constructor', 'a[]', 'a[b]', '', 'limit', 'refresh'];
  const pair = fc.tuple(
    fc.constantFrom(...names),
    fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...QUERY_VALUES()) }, fc.string({ maxLength: 20 }).map(encodeURIComponent)),
  );
  // Repeated names are duplicated keys (arrays, for the parser).
  return fc.array(pair, { maxLength: 6 }).map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));
}

const ODD_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'SEARCH', 'LOCK', 'MKCOL'];

function bodyFor(route: FuzzRoute): fc.Arbitrary<Body> {
  const fields = fieldNames(route.body);
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant<Body>({ kind: 'no body' }) },
    { weight: 4, arbitrary: schemaShaped(route.body).map((value) => json('wrong types', value)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => json('any JSON', value)) },
    { weight: 3, arbitrary: malformedJson(fields) },
    { weight: 1, arbitrary: hugeStrings(fields) },
    { weight: 1, arbitrary: deepNesting(fields) },
    { weight: 2, arbitrary: prototypeKeys(fields) },
    { weight: 2, arbitrary: rawBytes(fields) },
    { weight: 2, arbitrary: wrongContentType(fields) },
    { weight: 2, arbitrary: fc.constantFrom(...BAD_MULTIPART) },
  );
}

const isWidgetRoute = (route: FuzzRoute) => route.url.startsWith('/api/widget');

function requestFor(route: FuzzRoute): fc.Arbitrary<FuzzRequest> {
  const origins = isWidgetRoute(route)
    ? fc.oneof(
        { weight: 8, arbitrary: fc.constant(ALLOWED_ORIGIN) },
        fc.constantFrom(undefined, 'null', 'https://evil.example', 'not a url', `${ALLOWED_ORIGIN}.evil.example`),
      )
    : fc.constant(undefined);
  return fc
    .record({
      method: fc.oneof({ weight: 6, arbitrary: fc.constant(route.method) }, fc.constantFrom(...ODD_METHODS)),
      path: pathFor(route.url),
      query: queryFor(route.query),
      identity: fc.oneof({ weight: 3, arbitrary: fc.constant<Identity>('admin') }, fc.constant<Identity>('anonymous')),
      origin: origins,
      body: bodyFor(route),
    })
    .map(({ method, path: url, query, identity, origin, body }) =>
      fuzzRequest({ method, url: url + query, identity, origin, contentType: body.contentType, payload: body.payload, kind: body.kind }),
    );
}

/** The fixed part of each route's run: every kind of malformation at least once, as the admin. */
function corpusFor(route: FuzzRoute): FuzzRequest[] {
  const fields = fieldNames(route.body);
  const url = route.url.replace(/:\w+/g, 'abc').replace('*', '..%2F..%2Fpackage.json');
  const origin = isWidgetRoute(route) ? ALLOWED_ORIGIN : undefined;
  const bodies: Body[] = [
    ...MALFORMED_JSON.slice(0, 6).map((payload) => ({ kind: 'malformed JSON', contentType: 'application/json', payload })),
    json('wrong types', Object.fromEntries(fields.map((f) => [f, { not: ['the', 'right', 'type'] }]))),
    json('wrong types', Object.fromEntries(fields.map((f) => [f, 12345]))),
    json('1 MB string', { [fields[0]]: 'a'.repeat(BODY_LIMIT - 100) }),
    json('over 1 MB string', { [fields[0]]: 'a'.repeat(BODY_LIMIT + 1) }),
    { kind: '10,000 levels', contentType: 'application/json', payload: `${'['.repeat(10_000)}${']'.repeat(10_000)}` },
    { kind: '10,000 levels in a field', contentType: 'application/json', payload: `{"${fields[0]}":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}` },
    { kind: '__proto__ key', contentType: 'application/json', payload: `{"${fields[0]}":"x","__proto__":{"polluted":"yes"}}` },
    {
      kind: 'constructor.prototype key',
      contentType: 'application/json',
      payload: `{"constructor":{"prototype":{"polluted":"yes"}},"${fields[0]}":{"prototype":1}}`,
    },
    { kind: 'NUL byte', contentType: 'application/json', payload: Buffer.from(`{"${fields[0]}":"a\u0000b"}`) },
    {
      kind: 'invalid UTF-8',
      contentType: 'application/json',
      payload: Buffer.concat([Buffer.from(`{"${fields[0]}":"`), Buffer.from([0xff, 0xc0, 0x80, 0xed, 0xa0, 0x80]), Buffer.from('"}')]),
    },
    { kind: 'no Content-Type', payload: JSON.stringify({ [fields[0]]: 'x' }) },
    { kind: 'text/plain', contentType: 'text/plain', payload: 'hello' },
    { kind: 'form-urlencoded', contentType: 'application/x-www-form-urlencoded', payload: `${fields[0]}=x&${fields[0]}=y` },
    ...BAD_MULTIPART,
  ];
  const requests = bodies.map((body) => fuzzRequest({ method: route.method, url, identity: 'admin', origin, ...body }));
  for (const query of [
    '?limit=1e999&limit=2&offset=-1',
    '?__proto__=1&constructor=x&a[]=1&a[]=2',
    `?q=${'%00'.repeat(300)}`,
    '?visitorId=%ZZ&conversationId=99999999999999999999',
  ]) {
    requests.push(fuzzRequest({ method: route.method, url: url + query, identity: 'admin', origin, kind: 'bad query string' }));
  }
  for (const value of ['-1', '99999999999999999999', '%00', '1.5']) {
    if (route.url.includes(':'))
      requests.push(fuzzRequest({ method: route.method, url: route.url.replace(/:\w+/g, value), identity: 'admin', origin, kind: 'bad path parameter' }));
  }
  for (const method of ['PROPFIND', 'TRACE', 'OPTIONS']) requests.push(fuzzRequest({ method, url, identity: 'anonymous', origin, kind: 'odd method' }));
  requests.push(fuzzRequest({ method: route.method, url: `${url}/${'x/'.repeat(3000)}`, identity: 'admin', origin, kind: 'long unknown path' }));
  return requests;
}

// ---------------------------------------------------------------------------------------------
// What every answer must be

// Text that is for developers, not for the people reading these messages.
const MACHINE_TEXT = new RegExp(
  [
    /FST_|ERR_|HPE_|\w+Error\b|\n\s+at |node_modules|JSON at position|Unexpected token|\[object |%s/,
    /^(reach \w+ limit|request file too large|prototype property|a request field|the request is not multipart|Client Error)/,
    // zod's texts for schemas without a message of their own
    /Invalid (input|option|string|UUID|URL)\b|Too (big|small): expected|received (undefined|NaN|null|Infinity)|\.\.$/,
  ]
    .map((r) => r.source)
    .join('|'),
);
/** A sentence; it may start with the API name of the field it is about ("visitorId is required."). */
const SENTENCE = /^([A-Z0-9"'(]|[a-z][\w.]*[ :])/;

function assertHumanMessage(message: unknown, where: string) {
  assert.equal(typeof message, 'string', `${where}: message is not a string`);
  const text = message as string;
  assert.ok(text.trim().length >= 8 && text.length <= 500, `${where}: message is empty or ${text.length} characters long: ${text.slice(0, 200)}`);
  assert.doesNotMatch(text, MACHINE_TEXT, `${where}: message is not meant for people: ${text}`);
  assert.match(text, SENTENCE, `${where}: message is not a sentence: ${text}`);
}

/** The documented error shape: {statusCode, error, message}, optionally fields, nothing else. */
function assertErrorBody(status: number, contentType: string | undefined, text: string, where: string) {
  assert.match(contentType ?? '', /^application\/json/, `${where}: ${status} is not JSON (${contentType}): ${text.slice(0, 200)}`);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    assert.fail(`${where}: ${status} body is not JSON: ${text.slice(0, 200)}`);
  }
  const { fields, ...rest } = body;
  assert.deepEqual(Object.keys(rest).sort(), ['error', 'message', 'statusCode'], `${where}: error body has other keys: ${text.slice(0, 300)}`);
  assert.equal(body.statusCode, status, `${where}: statusCode in the body`);
  assert.equal(body.error, STATUS_CODES[status], `${where}: error in the body`);
  assertHumanMessage(body.message, where);
  if (fields !== undefined) {
    assert.equal(typeof fields, 'object', `${where}: fields is not an object`);
    for (const [name, message] of Object.entries(fields as object)) assertHumanMessage(message, `${where} (field ${name})`);
  }
}

function assertAnswer(request: FuzzRequest, res: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  const where = describe(request);
  assert.ok(res.statusCode < 500, `${where}\n  → ${res.statusCode} ${res.body.slice(0, 300)}`);
  if (res.statusCode >= 400 && request.method !== 'HEAD') assertErrorBody(res.statusCode, res.headers['content-type'] as string | undefined, res.body, where);
}

// ---------------------------------------------------------------------------------------------
// Sending

async function headersFor(app: FuzzApp, request: FuzzRequest): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  if (request.identity === 'admin') {
    // A session of its own per request: the fuzz also reaches POST /api/admin/logout.
    const { token, csrfToken } = await createSession(app.app.stores.auth);
    headers.cookie = `${SESSION_COOKIE}=${token}`;
    headers['x-csrf-token'] = csrfToken;
    headers.authorization = `Bearer ${app.webhookToken}`;
  }
  if (request.origin !== undefined) headers.origin = request.origin;
  if (request.contentType !== undefined) headers['content-type'] = request.contentType;
  return headers;
}

let nextAddress = 0;
/** Each request from its own address, so per-IP rate limits do not stop the fuzz at the door. */
const remoteAddress = () => `10.${(nextAddress >> 16) & 255}.${(nextAddress >> 8) & 255}.${nextAddress++ & 255}`;

async function inject(app: FuzzApp, request: FuzzRequest) {
  return app.app.inject({
    method: request.method as 'GET',
    url: request.url,
    headers: await headersFor(app, request),
    remoteAddress: remoteAddress(),
    ...(request.payload === undefined ? {} : { payload: request.payload }),
  });
}

function seedFor(route: FuzzRoute): number {
  let hash = SEED | 0;
  for (const char of `${route.method} ${route.url}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return hash;
}

async function assertStillServing(app: FuzzApp) {
  const health = await app.app.inject('/healthz');
  assert.equal(health.statusCode, 200);
  assert.deepEqual(health.json(), { status: 'ok' });
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
  const lines = app
    .logs()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { level: number; reqId?: string; req?: { method: string; url: string }; msg: string; err?: { message: string } });
  const requestOf = (reqId?: string) => lines.find((line) => line.reqId === reqId && line.req)?.req;
  const failures = lines
    .filter((line) => line.level >= 50)
    .map((line) => {
      const req = requestOf(line.reqId);
      return `${req ? `${req.method} ${req.url.slice(0, 200)}: ` : ''}${line.msg}: ${line.err?.message ?? ''}`;
    });
  assert.deepEqual(failures, [], 'the server logged errors');
}

// ---------------------------------------------------------------------------------------------

test('every route answers malformed requests with a 4xx in the documented shape, never a 5xx', async (t) => {
  const app = await createFuzzApp(t);
  assert.ok(app.routes.length >= 58, `only ${app.routes.length} routes were found`);
  for (const route of app.routes) {
    const seed = seedFor(route);
    await t.test(`${route.method} ${route.url}`, async () => {
      try {
        await fc.assert(
          fc.asyncProperty(requestFor(route), async (request) => assertAnswer(request, await inject(app, request))),
          {
            seed,
            numRuns: RUNS_PER_ROUTE + corpusFor(route).length,
            examples: corpusFor(route).map((request) => [request]),
            endOnFailure: true,
            includeErrorInReport: true,
          },
        );
      } catch (err) {
        throw new Error(`Route fuzz of ${route.method} ${route.url} failed. Replay with FUZZ_SEED=${SEED} (route seed ${seed}).\n${(err as Error).message}`);
      }
    });
  }
  await assertStillServing(app);
});

// ---------------------------------------------------------------------------------------------
// Over real HTTP: bytes inject() would tidy up (invalid UTF-8, cut-off and mis-framed bodies, raw NUL)

interface RawResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** The first response in what the server sent back, or null when it sent nothing. */
function parseResponse(data: Buffer): RawResponse | null {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const [statusLine, ...lines] = data.subarray(0, headEnd).toString('latin1').split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  let rest = data.subarray(headEnd + 4);
  let body: Buffer;
  if (headers['transfer-encoding'] === 'chunked') {
    const chunks: Buffer[] = [];
    for (;;) {
      const lineEnd = rest.indexOf('\r\n');
      const size = parseInt(rest.subarray(0, lineEnd).toString(), 16);
      if (!(size > 0)) break;
      chunks.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 4 + size);
    }
    body = Buffer.concat(chunks);
  } else {
    body = rest.subarray(0, Number(headers['content-length'] ?? rest.length));
  }
  return { statusCode: Number(statusLine.split(' ')[1]), headers, body: body.toString('utf8') };
}

/** Writes raw bytes to the server and reads until it closes the connection. `abort` hangs up right after writing. */
function exchange(port: number, bytes: Buffer, { abort = false } = {}): Promise<RawResponse | null> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 15 s to ${JSON.stringify(bytes.subarray(0, 200).toString('latin1'))}`));
    }, 15_000);
    socket.on('connect', () => {
      socket.write(bytes);
      if (abort) socket.destroy();
    });
    socket.on('data', (data) => received.push(data));
    // The server may reset a connection it has answered and closed.
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseResponse(Buffer.concat(received)));
    });
  });
}

interface RawCase {
  kind: string;
  bytes: Buffer;
  abort?: boolean;
  path?: string;
}

function rawCases(route: FuzzRoute, headerLines: string): RawCase[] {
  const target = route.url.replace(/:\w+/g, '1').replace('*', 'index.html');
  const field = fieldNames(route.body)[0];
  const head = (method: string, path: string, extra: string) =>
    `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${headerLines}${extra}\r\n`;
  const withLength = (body: Buffer, contentType = 'application/json', declared = body.length) =>
    Buffer.concat([Buffer.from(head(route.method, target, `Content-Type: ${contentType}\r\nContent-Length: ${declared}\r\n`)), body]);
  const chunked = (body: string, contentType = 'application/json', ending = '0\r\n\r\n') =>
    Buffer.from(
      `${head(route.method, target, `Content-Type: ${contentType}\r\nTransfer-Encoding: chunked\r\n`)}${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n${ending}`,
    );
  const invalidUtf8 = Buffer.concat([Buffer.from(`{"${field}":"caf`), Buffer.from([0xc3, 0x28, 0xff, 0x00, 0xed, 0xa0, 0x80]), Buffer.from('"}')]);
  const json = JSON.stringify({ [field]: 'a long enough value for the field' });
  return [
    { kind: 'invalid UTF-8 and NUL in the body', bytes: withLength(invalidUtf8) },
    { kind: 'invalid UTF-8 in a field name', bytes: withLength(Buffer.concat([Buffer.from('{"'), Buffer.from([0xff, 0xfe]), Buffer.from('":1}')])) },
    { kind: 'body cut off (chunked, ends early)', bytes: chunked(json.slice(0, json.length / 2)) },
    { kind: 'Content-Length shorter than the body', bytes: withLength(Buffer.from(json), 'application/json', 7) },
    { kind: 'multipart cut off (chunked, ends early)', bytes: chunked(file('x'.repeat(2000)).slice(0, 1000), multipartType) },
    { kind: 'multipart without boundary', bytes: withLength(Buffer.from(file() + end), 'multipart/form-data') },
    { kind: 'bad chunk size', bytes: chunked(json, 'application/json', 'zz\r\nhello\r\n0\r\n\r\n') },
    {
      kind: 'Content-Length and Transfer-Encoding',
      bytes: Buffer.from(`${head(route.method, target, 'Content-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n')}0\r\n\r\n`),
    },
    {
      kind: 'NUL byte in the path',
      bytes: Buffer.concat([Buffer.from(`${route.method} ${target}`), Buffer.from([0x00]), Buffer.from(` HTTP/1.1\r\nHost: x\r\n${headerLines}\r\n`)]),
    },
    {
      kind: 'raw 0xFF bytes in the path',
      bytes: Buffer.concat([
        Buffer.from(`${route.method} ${target}/`),
        Buffer.from([0xff, 0xfe]),
        Buffer.from(` HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${headerLines}\r\n`),
      ]),
    },
    {
      kind: 'NUL byte in a header',
      bytes: Buffer.concat([Buffer.from(head(route.method, target, 'X-Note: a')), Buffer.from([0x00]), Buffer.from('b\r\n\r\n')]),
    },
    { kind: '20 KB of headers', bytes: Buffer.from(head(route.method, target, `X-Padding: ${'p'.repeat(20_000)}\r\n`)) },
    { kind: 'connection dropped mid-body', bytes: withLength(Buffer.from(json.slice(0, 10)), 'application/json', 5000), abort: true },
    { kind: 'upload dropped mid-body', bytes: withLength(Buffer.from(file('x'.repeat(3000)).slice(0, 1500)), multipartType, 10_000), abort: true },
  ];
}

test('over real HTTP: invalid UTF-8, cut-off, mis-framed and dropped requests get a 4xx in the documented shape on every route', async (t) => {
  const app = await createFuzzApp(t);
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.app.server.address() as net.AddressInfo).port;
  for (const route of app.routes) {
    for (const identity of ['admin', 'anonymous'] as const) {
      const request = fuzzRequest({ method: route.method, url: route.url, identity, origin: isWidgetRoute(route) ? ALLOWED_ORIGIN : undefined, kind: '' });
      const { 'content-type': _, ...headers } = await headersFor(app, request);
      const headerLines = Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      for (const raw of rawCases(route, headerLines)) {
        const where = `[${raw.kind}] ${identity} ${route.method} ${route.url}`;
        const res = await exchange(port, raw.bytes, { abort: raw.abort });
        if (raw.abort) continue;
        assert.ok(res, `${where}: no answer`);
        assert.ok(res.statusCode < 500, `${where}\n  → ${res.statusCode} ${res.body.slice(0, 300)}`);
        if (res.statusCode >= 400 && route.method !== 'HEAD') assertErrorBody(res.statusCode, res.headers['content-type'], res.body, where);
      }
    }
  }
  const health = await exchange(port, Buffer.from('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
  assert.equal(health?.statusCode, 200);
  assert.deepEqual(JSON.parse(health.body), { status: 'ok' });
  await assertStillServing(app);
});

test('over real HTTP: an upload cut off mid-stream is a 400 that says so (finding 7)', async (t) => {
  const app = await createFuzzApp(t);
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.app.server.address() as net.AddressInfo).port;
  const { token, csrfToken } = await createSession(app.app.stores.auth);
  const upload = (contentType: string, body: string) =>
    exchange(
      port,
      Buffer.from(
        `POST /api/admin/training/files HTTP/1.1\r\nHost: x\r\nConnection: close\r\n` +
          `Cookie: ${SESSION_COOKIE}=${token}\r\nX-CSRF-Token: ${csrfToken}\r\nContent-Type: ${contentType}\r\nTransfer-Encoding: chunked\r\n\r\n` +
          `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      ),
    );
  const cutOff = await upload(multipartType, file('x'.repeat(2000)).slice(0, 1000));
  assert.equal(cutOff?.statusCode, 400);
  assert.deepEqual(JSON.parse(cutOff.body), {
    statusCode: 400,
    error: 'Bad Request',
    message:
      'The upload is not valid multipart/form-data: it ends before its closing boundary. The upload was cut off, or the body uses a different boundary from the Content-Type header.',
  });
  const noBoundary = await upload('multipart/form-data', file() + end);
  assert.equal(noBoundary?.statusCode, 400);
  assert.deepEqual(JSON.parse(noBoundary.body), {
    statusCode: 400,
    error: 'Bad Request',
    message: 'The upload is not valid multipart/form-data: the boundary is missing from the Content-Type header.',
  });
  await assertStillServing(app);
});
