// The one error handler: expected errors keep their status and message; client errors raised by
// Fastify, its plugins or zod are answered with a sentence naming the problem; anything else becomes
// a 500 whose details go to the log only, never to the client. The error shape is in server/README.md.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { z } from 'zod';
import { HttpError } from './errors.js';
import { abandon, receiveExtended } from '../security/request-timeouts.js';

const NOT_MULTIPART = 'The upload is not valid multipart/form-data';

/** Client errors raised by Fastify and its plugins, keyed by code: the status to answer and a sentence to show. */
const FRIENDLY_CLIENT_ERRORS: Record<string, { status?: number; message: string | ((request: FastifyRequest) => string) }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { message: 'Unsupported Content-Type: send JSON with Content-Type: application/json.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { message: 'The request body is empty: send a JSON object.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { message: 'The request body is not valid JSON.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { message: (request) => `The request body is too large (${formatBytes(request.routeOptions.bodyLimit)} at most).` },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { message: 'The request body does not match its Content-Length header.' },
  FST_ERR_BAD_URL: { message: 'The URL is not valid: check its %-encoding.' },
  FST_ERR_MAX_PARAM_LENGTH: { message: 'A part of the URL is too long.' },
  // @fastify/multipart: its own texts ("reach files limit") are not sentences, and 406 is not what these mean.
  FST_INVALID_MULTIPART_CONTENT_TYPE: { status: 415, message: 'Upload files as multipart/form-data.' },
  FST_PARTS_LIMIT: { message: 'The upload has too many parts for one request. Send fewer files at a time.' },
  FST_FILES_LIMIT: { message: 'The upload has too many files for one request. Send fewer files at a time.' },
  FST_FIELDS_LIMIT: { message: 'The upload has too many form fields.' },
  FST_REQ_FILE_TOO_LARGE: { message: 'A file in the upload is larger than the size limit.' },
  FST_PROTO_VIOLATION: { message: `${NOT_MULTIPART}: a field has a reserved name (such as __proto__ or constructor).` },
  FST_INVALID_JSON_FIELD_ERROR: { status: 400, message: `${NOT_MULTIPART}: a field declared as application/json is not valid JSON.` },
  FST_MP_PREMATURE_CLOSE: { message: 'The upload was cut off before it finished. Try again.' },
};

/**
 * Busboy (under @fastify/multipart) reports a malformed body as a plain Error with no status or code,
 * so its texts are what identify it. Only trusted on multipart requests.
 */
const MULTIPART_PARSE_ERRORS: Array<[RegExp, string]> = [
  [/^Multipart: Boundary not found$/, 'the boundary is missing from the Content-Type header.'],
  // The whole body or one part ended early: a cut-off upload, or a body written with another boundary.
  [
    /^Unexpected end of multipart data$| terminated early due to unexpected end of multipart data$/,
    'it ends before its closing boundary. The upload was cut off, or the body uses a different boundary from the Content-Type header.',
  ],
  [/^The needle cannot have a length bigger than \d+\.$/, 'the boundary is too long (70 characters at most).'],
  [/^Missing Content-Type-header\.$|^Unsupported Content-Type\.$/, 'the Content-Type header is not multipart/form-data.'],
];

function multipartParseError(error: Error, request: FastifyRequest): string | null {
  if (typeof error.message !== 'string' || !request.isMultipart?.()) return null;
  const match = MULTIPART_PARSE_ERRORS.find(([pattern]) => pattern.test(error.message));
  return match ? `${NOT_MULTIPART}: ${match[1]}` : null;
}

const CONNECTION_LOST = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);

/**
 * The client hung up while its body was being read (Node's "aborted"): not a server failure. The socket
 * check keeps a lost connection to an upstream (same codes) a 500.
 */
function clientHungUp(error: FastifyError, request: FastifyRequest): boolean {
  return CONNECTION_LOST.has(error.code) && (request.raw.destroyed || request.raw.socket?.destroyed === true);
}

function formatBytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 1 ? `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

function send(reply: FastifyReply, statusCode: number, message: string, fields?: Record<string, string>) {
  return reply.code(statusCode).send({ statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, ...(fields ? { fields } : {}) });
}

type ValidationIssue = { keyword: string; instancePath: string; message?: string; params: Record<string, unknown> };

// zod's own English texts ("Too big: expected string to have <=200 characters", "Invalid input: expected
// number, received NaN"), shown where a schema has no message of its own. Rewritten as sentences below.
const ZOD_DEFAULT_MESSAGE = /^(Invalid (input|option|string|UUID|URL|email|key|element|[A-Za-z0-9 ]+$)|Too (big|small): |Unrecognized keys?: )/;
const KINDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  date: 'a date',
};
const UNITS: Record<string, [string, string]> = {
  string: ['character', 'characters'],
  array: ['item', 'items'],
  set: ['item', 'items'],
  file: ['byte', 'bytes'],
};
const FORMATS: Record<string, string> = {
  uuid: 'Use an id in UUID form.',
  url: 'Enter a full URL, like https://example.com/page.',
  email: 'Enter an email address.',
  datetime: 'Use a date and time like 2025-01-31T12:00:00Z.',
};

function friendlyIssueMessage(issue: ValidationIssue): string {
  const message = issue.message ?? '';
  if (!ZOD_DEFAULT_MESSAGE.test(message)) return message || 'This value is not valid.';
  const p = issue.params as Record<string, any>;
  const count = (n: number, unit: [string, string]) => `${n.toLocaleString('en-US')} ${n === 1 ? unit[0] : unit[1]}`;
  switch (issue.keyword) {
    case 'invalid_type':
      return /received undefined$/.test(message) ? 'This field is required.' : `Expected ${KINDS[p.expected] ?? p.expected}.`;
    case 'too_big':
      return UNITS[p.origin]
        ? `Use at most ${count(p.maximum, UNITS[p.origin])}.`
        : `Use a number ${p.inclusive === false ? 'less than' : 'no greater than'} ${Number(p.maximum).toLocaleString('en-US')}.`;
    case 'too_small':
      if (UNITS[p.origin]) return p.minimum === 1 ? 'This field cannot be empty.' : `Use at least ${count(p.minimum, UNITS[p.origin])}.`;
      return `Use a number ${p.inclusive === false ? 'greater than' : 'no less than'} ${Number(p.minimum).toLocaleString('en-US')}.`;
    case 'invalid_format':
      return FORMATS[p.format] ?? 'This value is not in the expected format.';
    case 'invalid_value':
      return Array.isArray(p.values) ? `Use one of: ${p.values.map((v: unknown) => JSON.stringify(v)).join(', ')}.` : 'This value is not one of the choices.';
    case 'unrecognized_keys':
      return `Unknown field${p.keys?.length === 1 ? '' : 's'}: ${(p.keys ?? []).join(', ')}.`;
    case 'not_multiple_of':
      return `Use a multiple of ${p.divisor}.`;
    default:
      return 'This value is not valid.';
  }
}

const PLACES: Record<string, string> = { body: '', querystring: ' in the query string', params: ' in the URL', headers: ' in the headers' };

function fieldsOf(issues: ValidationIssue[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    // Nested fields keep their path ("chatbot.temperature"); list items report their list ("allowedDomains").
    const field = issue.instancePath
      .split('/')
      .filter((part) => part && !/^\d+$/.test(part))
      .join('.');
    if (field && !fields[field]) fields[field] = friendlyIssueMessage(issue);
  }
  return fields;
}

/**
 * Per-field messages for a zod failure outside a route's schema (a section of an imported settings file),
 * worded as request validation words them; `prefix` is where the value sits ("chatbot" → "chatbot.temperature").
 */
export function issueFields(issues: z.ZodError['issues'], prefix: string[] = []): Record<string, string> {
  return fieldsOf(
    issues.map(({ code, path, message, ...params }) => ({
      keyword: code,
      instancePath: `/${[...prefix, ...path.map(String)].join('/')}`,
      message,
      params: params as Record<string, unknown>,
    })),
  );
}

/** A failed schema check as a sentence, and one per field (the admin screens show those next to the fields). */
function validationFailure(issues: ValidationIssue[], context: string): { message: string; fields?: Record<string, string> } {
  const fields = fieldsOf(issues);
  const where = PLACES[context] ?? ` in the ${context}`;
  const names = Object.keys(fields);
  if (names.length === 1 && context !== 'body') return { message: `${names[0]}${where}: ${fields[names[0]]}`, fields };
  if (names.length) return { message: 'Please correct the highlighted fields.', fields };
  // The request as a whole has the wrong shape.
  const first = issues[0];
  if (context === 'body' && first?.keyword === 'invalid_type') {
    // No body, a multipart body or a bare value where the route wants JSON.
    return { message: `The request body must be a JSON ${first.params.expected === 'array' ? 'array' : 'object'}, sent with Content-Type: application/json.` };
  }
  const problem = first ? friendlyIssueMessage(first) : 'This value is not valid.';
  // A schema's own sentence ("Send a title and text, or a question and answer.") stands alone, without a second full stop.
  return {
    message:
      ZOD_DEFAULT_MESSAGE.test(first?.message ?? '') || !/[.!?]$/.test(problem)
        ? `The request${where} is not valid: ${problem.replace(/[.!?]$/, '')}.`
        : problem,
  };
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const { message, fields } = validationFailure(error.validation as unknown as ValidationIssue[], error.validationContext ?? 'body');
    return send(reply, 400, message, fields);
  }
  if (error instanceof HttpError) return send(reply, error.statusCode, error.message, error.fields);
  if (clientHungUp(error, request)) {
    request.log.info({ err: error }, 'client closed the connection mid-request');
    return send(reply, 400, 'The request was cut off before it finished. Try again.');
  }
  const multipartProblem = multipartParseError(error, request);
  if (multipartProblem) return send(reply, 400, multipartProblem);
  const friendly = error.code ? FRIENDLY_CLIENT_ERRORS[error.code] : undefined;
  const status = friendly?.status ?? error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const message = typeof friendly?.message === 'function' ? friendly.message(request) : friendly?.message;
    return send(reply, status, message ?? error.message);
  }
  request.log.error({ err: error }, 'request failed');
  return send(reply, 500, 'Something went wrong on the server.');
}

/** Unknown routes and methods. The path is echoed only so far: a 16 KB URL does not come back as a 16 KB message. */
export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split('?')[0];
  return send(reply, 404, `No such route: ${request.method} ${path.length > 200 ? `${path.slice(0, 200)}…` : path}`);
}

/** What Node's HTTP parser rejects before Fastify sees a request (bad framing, oversized headers, timeouts). */
const CLIENT_ERRORS: Record<string, { status: number; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, message: 'The request took too long to arrive. Check your connection and try again.' },
  HPE_HEADER_OVERFLOW: { status: 431, message: 'The request headers are too large.' },
  HPE_INVALID_CHUNK_SIZE: { status: 400, message: 'The request body is not valid chunked encoding.' },
  HPE_INVALID_CONTENT_LENGTH: { status: 400, message: 'The Content-Length header is not valid.' },
  HPE_UNEXPECTED_CONTENT_LENGTH: { status: 400, message: 'The request has both Content-Length and Transfer-Encoding headers.' },
};

/**
 * Fastify's clientErrorHandler, so requests that never reach a route still get the documented error
 * shape with a sentence ("Client Error" is Fastify's default). The socket is closed afterwards.
 */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket) {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // Node reports a request past requestTimeout on every check; a route that gave itself longer enforces its own limit.
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT' && receiveExtended(socket)) return;
  const { status, message } = (error.code && CLIENT_ERRORS[error.code]) || { status: 400, message: 'The request is not valid HTTP.' };
  this.log.debug({ err: error }, 'malformed or too slow HTTP request: connection closed');
  abandon(socket, status, message);
}
