import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { adminExists, checkAdminPassword, createAdmin, passwordChangedAt, replaceAdminPassword } from './admin-account.js';
import { AccountInfo, ChangePasswordBody, PasswordBody, PasswordChanged, SessionInfo, SessionState, SetupBody } from './schemas.js';
import { countOtherSessions, createSession, csrfTokenMatches, deleteSession, findSession, SESSION_COOKIE } from './sessions.js';
import {
  describeWait,
  isKnownBrowser,
  KNOWN_BROWSER_COOKIE,
  KNOWN_BROWSER_MAX_AGE_S,
  knownBrowserToken,
  loginBlockedFor,
  recordFailedLogin,
  recordSuccessfulLogin,
} from './login-backoff.js';
import { PasswordCheckBusyError } from './passwords.js';
import { badRequest, conflict, forbidden, HttpError, unauthorized } from '../http/errors.js';
import { ErrorBody } from '../http/schemas.js';
import { sessionCookieSecure } from '../http/public-address.js';

const PUBLIC_ROUTES = new Set(['/api/admin/session', '/api/admin/setup', '/api/admin/login']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const WRONG_CURRENT_PASSWORD = 'That is not your current password.';

/**
 * Guards every /api/admin route: a session is required, and state changes need the CSRF token.
 * Not encapsulated (fastify-plugin), so the hook covers the sibling route plugins of the admin scope.
 */
export const adminAuth = fp(
  async (app) => {
    app.decorateRequest('adminSession', null);
    app.addHook('onRequest', async (request) => {
      request.adminSession = await findSession(app.stores.auth, request.cookies[SESSION_COOKIE]);
      const path = request.routeOptions.url ?? request.url;
      if (PUBLIC_ROUTES.has(path)) return;
      if (!request.adminSession) throw unauthorized();
      if (!SAFE_METHODS.has(request.method) && !csrfTokenMatches(request.adminSession, request.headers['x-csrf-token'])) {
        throw forbidden('Missing or invalid CSRF token. Reload the page and try again.');
      }
    });
  },
  { name: 'admin-auth' },
);

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  // Set and cleared with the same attributes: a browser only replaces a cookie whose attributes match.
  // Secure follows PUBLIC_URL and the request's own scheme (server/http/public-address.ts).
  const sessionCookie = (request: FastifyRequest) =>
    ({ httpOnly: true, sameSite: 'strict', secure: sessionCookieSecure(app.config, request), path: '/' }) as const;
  // Only the login route needs to see it (it exempts this browser from the account-wide backoff).
  const knownBrowserCookie = (request: FastifyRequest) => ({ ...sessionCookie(request), path: '/api/admin/login', maxAge: KNOWN_BROWSER_MAX_AGE_S }) as const;
  const startSession = async (reply: FastifyReply) => {
    const { token, csrfToken } = await createSession(app.stores.auth);
    reply.setCookie(SESSION_COOKIE, token, sessionCookie(reply.request));
    reply.setCookie(KNOWN_BROWSER_COOKIE, knownBrowserToken(app.secretBox), knownBrowserCookie(reply.request));
    return { authenticated: true as const, csrfToken };
  };
  /** Password work waits for a free hashing slot; when none is near, the client is told to come back. */
  const hashing = async <T>(reply: FastifyReply, work: Promise<T>): Promise<T> => {
    try {
      return await work;
    } catch (err) {
      if (err instanceof PasswordCheckBusyError) reply.header('Retry-After', '5');
      throw err;
    }
  };

  app.get(
    '/session',
    {
      schema: { response: { 200: SessionInfo } },
    },
    async (request) => ({
      setupRequired: !(await adminExists(app.stores.auth)),
      authenticated: request.adminSession !== null,
      csrfToken: request.adminSession?.csrfToken ?? null,
    }),
  );

  app.post(
    '/setup',
    {
      config: {
        rateLimit: {
          max: 10,
          timeWindow: '1 minute',
          errorResponseBuilder: () => new HttpError(429, 'Too many attempts. Try again in a minute.'),
        },
      },
      schema: {
        body: SetupBody,
        response: { 201: SessionState, 400: ErrorBody, 409: ErrorBody, 429: ErrorBody, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      // createAdmin answers "exists" before any hashing: repeated calls cost nothing.
      if (!(await hashing(reply, createAdmin(app.stores.auth, request.body.password)))) throw conflict('The admin account already exists. Log in instead.');
      request.log.info('admin account created');
      return reply.code(201).send(await startSession(reply));
    },
  );

  app.post(
    '/login',
    {
      config: {
        rateLimit: {
          max: 5,
          timeWindow: '1 minute',
          errorResponseBuilder: () => new HttpError(429, 'Too many login attempts. Try again in a minute.'),
        },
      },
      schema: { body: PasswordBody, response: { 200: SessionState, 401: ErrorBody, 409: ErrorBody, 429: ErrorBody, 503: ErrorBody } },
    },
    async (request, reply) => {
      if (!(await adminExists(app.stores.auth))) throw conflict('No admin account exists yet. Create one first.');
      const knownBrowser = isKnownBrowser(app.secretBox, request.cookies[KNOWN_BROWSER_COOKIE]);
      const blocked = knownBrowser ? 0 : await loginBlockedFor(app.stores.auth);
      // Checked before the password: a blocked attempt costs no hashing, and even the right password waits.
      if (blocked) throw tooManyFailures(reply, blocked);
      if (!(await hashing(reply, checkAdminPassword(app.stores.auth, request.body.password)))) {
        const delay = await recordFailedLogin(app.stores.auth);
        request.log.warn({ ip: request.ip, knownBrowser }, 'failed admin login');
        if (!delay || knownBrowser) throw unauthorized('Wrong password.');
        reply.header('Retry-After', String(Math.ceil(delay / 1000)));
        throw unauthorized(`Wrong password. ${tooManyFailuresMessage(delay)}`);
      }
      await recordSuccessfulLogin(app.stores.auth);
      return startSession(reply);
    },
  );

  app.get(
    '/account',
    {
      schema: { response: { 200: AccountInfo } },
    },
    async (request) => ({
      passwordChangedAt: await passwordChangedAt(app.stores.auth),
      otherSessions: await countOtherSessions(app.stores.auth, request.adminSession!),
    }),
  );

  app.post(
    '/account/password',
    {
      config: {
        rateLimit: {
          max: 5,
          timeWindow: '1 minute',
          errorResponseBuilder: () => new HttpError(429, 'Too many attempts. Try again in a minute.'),
        },
      },
      schema: {
        body: ChangePasswordBody,
        response: { 200: PasswordChanged, 400: ErrorBody, 429: ErrorBody, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      const { currentPassword, newPassword } = request.body;
      // Guarded like a login: while logins are blocked nothing is checked, and a wrong current password counts
      // as a failed login. No known-browser exemption: whoever holds this session is in the admin's browser.
      const blocked = await loginBlockedFor(app.stores.auth);
      if (blocked) {
        const error = tooManyFailures(reply, blocked);
        throw new HttpError(429, error.message, { currentPassword: error.message });
      }
      if (!(await hashing(reply, checkAdminPassword(app.stores.auth, currentPassword)))) {
        const delay = await recordFailedLogin(app.stores.auth);
        request.log.warn({ ip: request.ip }, 'wrong current password in a password change');
        if (delay) reply.header('Retry-After', String(Math.ceil(delay / 1000)));
        throw badRequest('Please correct the highlighted fields.', {
          currentPassword: delay ? `${WRONG_CURRENT_PASSWORD} ${tooManyFailuresMessage(delay)}` : WRONG_CURRENT_PASSWORD,
        });
      }
      if (newPassword === currentPassword) {
        throw badRequest('Please correct the highlighted fields.', { newPassword: 'Choose a password different from your current one.' });
      }
      const otherSessionsEnded = await countOtherSessions(app.stores.auth, request.adminSession!);
      await hashing(reply, replaceAdminPassword(app.stores.auth, newPassword));
      // Every session ended, this browser's too: it carries on with a new one (new cookie, new CSRF token),
      // so a copy of the old session cookie is worth nothing either.
      const { csrfToken } = await startSession(reply);
      request.log.info({ otherSessionsEnded }, 'admin password changed');
      return { csrfToken, otherSessionsEnded };
    },
  );

  app.post('/logout', { schema: { response: { 204: z.null() } } }, async (request, reply) => {
    await deleteSession(app.stores.auth, request.adminSession!);
    reply.clearCookie(SESSION_COOKIE, sessionCookie(request));
    return reply.code(204).send(null);
  });
};

const tooManyFailuresMessage = (waitMs: number) => `Too many failed logins for the admin account. Try again in ${describeWait(waitMs)}.`;

function tooManyFailures(reply: FastifyReply, waitMs: number): HttpError {
  reply.header('Retry-After', String(Math.ceil(waitMs / 1000)));
  return new HttpError(429, tooManyFailuresMessage(waitMs));
}
