// The admin session and account API: request and response shapes, shared by the routes, the tests and (as types
// only) the admin UI. Zod only: no database or Fastify import.
import { z } from 'zod';

/** The shortest admin password (first-run setup, Account, and the reset-password command). */
export const MIN_PASSWORD_LENGTH = 10;

/** `POST /api/admin/setup` and `/login`. */
export const PasswordBody = z.object({ password: z.string({ message: 'Enter a password.' }).max(1024, 'Password is too long.') });
/** `POST /api/admin/setup`: the first password, as long as a new one must be. */
export const SetupBody = PasswordBody.extend({
  password: PasswordBody.shape.password.min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`),
});
/** The answer of a setup or login that opened a session. */
export const SessionState = z.object({ authenticated: z.literal(true), csrfToken: z.string() });
export type SessionState = z.output<typeof SessionState>;

/** `GET /api/admin/session`: public, so the admin knows whether to show Setup, Login or the screens. */
export const SessionInfo = z.object({ setupRequired: z.boolean(), authenticated: z.boolean(), csrfToken: z.string().nullable() });
export type SessionInfo = z.output<typeof SessionInfo>;

/** `GET /api/admin/account`. */
export const AccountInfo = z.object({ passwordChangedAt: z.string().nullable(), otherSessions: z.number() });
export type AccountInfo = z.output<typeof AccountInfo>;

const NEW_PASSWORD_MESSAGE = `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
/** `POST /api/admin/account/password`. */
export const ChangePasswordBody = z.object({
  currentPassword: z.string({ message: 'Enter your current password.' }).min(1, 'Enter your current password.').max(1024, 'Password is too long.'),
  newPassword: z.string({ message: 'Enter a new password.' }).min(MIN_PASSWORD_LENGTH, NEW_PASSWORD_MESSAGE).max(1024, 'Password is too long.'),
});
export type ChangePasswordRequest = z.input<typeof ChangePasswordBody>;
/** The new session's CSRF token (the session was renewed) and how many other sessions were ended. */
export const PasswordChanged = z.object({ csrfToken: z.string(), otherSessionsEnded: z.number() });
export type PasswordChanged = z.output<typeof PasswordChanged>;
