// The one error handler: expected errors keep their status and message; anything else becomes a
// 500 whose details go to the log only, never to the client.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { STATUS_CODES } from 'node:http';
import { asSentence, HttpError } from './errors.js';

const FRIENDLY_CLIENT_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported Content-Type: send JSON with Content-Type: application/json.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty: send a JSON object.',
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is too large.',
};

function send(reply: FastifyReply, statusCode: number, message: string, fields?: Record<string, string>) {
  return reply.code(statusCode).send({ statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, ...(fields ? { fields } : {}) });
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields: Record<string, string> = {};
    for (const issue of error.validation) {
      // Nested fields keep their path ("chatbot.temperature"); list items report their list ("allowedDomains").
      const field = issue.instancePath.split('/').filter((part) => part && !/^\d+$/.test(part)).join('.');
      if (field && !fields[field]) fields[field] = issue.message ?? 'Invalid value.';
    }
    const where = error.validationContext === 'body' ? '' : ` in the ${error.validationContext}`;
    const names = Object.keys(fields);
    const message = names.length === 0
      ? `The request${where} is not valid: ${asSentence(error.validation[0]?.message ?? 'unexpected shape')}`
      : names.length === 1 && error.validationContext !== 'body'
        ? `${names[0]}${where}: ${fields[names[0]]}`
        : 'Please correct the highlighted fields.';
    return send(reply, 400, message, names.length ? fields : undefined);
  }
  if (error instanceof HttpError) return send(reply, error.statusCode, error.message, error.fields);
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return send(reply, status, (error.code && FRIENDLY_CLIENT_ERRORS[error.code]) || error.message);
  }
  request.log.error({ err: error }, 'request failed');
  return send(reply, 500, 'Something went wrong on the server.');
}
