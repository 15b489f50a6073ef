import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { adminExists, checkAdminPassword, createAdmin, MIN_PASSWORD_LENGTH } from './admin-account.js';
import { createSession, csrfTokenMatches, deleteSession, findSession, SESSION_COOKIE } from './sessions.js';
import { conflict, forbidden, HttpError, unauthorized } from '../http/errors.js';
import { ErrorBody } from '../http/schemas.js';

const PUBLIC_ROUTES = new Set(['/api/admin/session', '/api/admin/setup', '/api/admin/login']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const PasswordBody = z.object({ password: z.string({ message: 'Enter a password.' }).max(1024, 'Password is too long.') });
const SessionState = z.object({ authenticated: z.literal(true), csrfToken: z.string() });

/**
 * Guards every /api/admin route: a session is required, and state changes need the CSRF token.
 * Not encapsulated (fastify-plugin), so the hook covers the sibling route plugins of the admin scope.
 */
export const adminAuth = fp(async (app) => {
  app.decorateRequest('adminSession', null);
  app.addHook('onRequest', async (request) => {
    request.adminSession = findSession(app.db, request.cookies[SESSION_COOKIE]);
    const path = request.routeOptions.url ?? request.url;
    if (PUBLIC_ROUTES.has(path)) return;
    if (!request.adminSession) throw unauthorized();
    if (!SAFE_METHODS.has(request.method) && !csrfTokenMatches(request.adminSession, request.headers['x-csrf-token'])) {
      throw forbidden('Missing or invalid CSRF token. Reload the page and try again.');
    }
  });
}, { name: 'admin-auth' });

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const secureCookie = app.config.publicUrl.startsWith('https://');
  const startSession = (reply: { setCookie: Function }) => {
    const { token, csrfToken } = createSession(app.db);
    reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: secureCookie, path: '/' });
    return { authenticated: true as const, csrfToken };
  };

  app.get('/session', {
    schema: { response: { 200: z.object({ setupRequired: z.boolean(), authenticated: z.boolean(), csrfToken: z.string().nullable() }) } },
  }, async (request) => ({
    setupRequired: !adminExists(app.db),
    authenticated: request.adminSession !== null,
    csrfToken: request.adminSession?.csrfToken ?? null,
  }));

  app.post('/setup', {
    schema: {
      body: PasswordBody.extend({
        password: PasswordBody.shape.password.min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`),
      }),
      response: { 201: SessionState, 400: ErrorBody, 409: ErrorBody },
    },
  }, async (request, reply) => {
    if (!(await createAdmin(app.db, request.body.password))) throw conflict('The admin account already exists. Log in instead.');
    request.log.info('admin account created');
    return reply.code(201).send(startSession(reply));
  });

  app.post('/login', {
    config: {
      rateLimit: {
        max: 5,
        timeWindow: '1 minute',
        errorResponseBuilder: () => new HttpError(429, 'Too many login attempts. Try again in a minute.'),
      },
    },
    schema: { body: PasswordBody, response: { 200: SessionState, 401: ErrorBody, 409: ErrorBody, 429: ErrorBody } },
  }, async (request, reply) => {
    if (!adminExists(app.db)) throw conflict('No admin account exists yet. Create one first.');
    if (!(await checkAdminPassword(app.db, request.body.password))) {
      request.log.warn({ ip: request.ip }, 'failed admin login');
      throw unauthorized('Wrong password.');
    }
    return startSession(reply);
  });

  app.post('/logout', { schema: { response: { 204: z.null() } } }, async (request, reply) => {
    deleteSession(app.db, request.adminSession!);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send(null);
  });
};
