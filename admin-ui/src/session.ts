// Session state shared by the whole app (a signal), plus the actions that change it.
import { signal } from '@preact/signals';
import { ApiError, api, errorMessage, onUnauthorized, setCsrfToken } from './api.js';
import type { SessionState as AuthResponse, SessionInfo } from '../../server/auth/schemas.js';

export type SessionState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; setupRequired: boolean; authenticated: boolean; loggedOut?: boolean };

export const session = signal<SessionState>({ status: 'loading' });

/** A one-off message for the login screen ("Your session has expired…", "You have logged out."). */
export const loginNotice = signal<{ type: 'info' | 'warning' | 'success'; message: string } | null>(null);

export async function loadSession(): Promise<void> {
  session.value = { status: 'loading' };
  try {
    const info = await api.get<SessionInfo>('/api/admin/session', { redirectOn401: false });
    setCsrfToken(info.csrfToken);
    session.value = { status: 'ready', setupRequired: info.setupRequired, authenticated: info.authenticated };
  } catch (err) {
    session.value = { status: 'error', message: errorMessage(err) };
  }
}

export function signedIn(res: AuthResponse): void {
  setCsrfToken(res.csrfToken);
  loginNotice.value = null;
  session.value = { status: 'ready', setupRequired: false, authenticated: true };
}

/** Ends the session. Throws (ApiError) when the server could not do it, so the screen can say so. */
export async function logOut(): Promise<void> {
  try {
    await api.post<void>('/api/admin/logout', undefined, { redirectOn401: false });
  } catch (err) {
    // 401: the session was already gone, which is what we want.
    if (!(err instanceof ApiError && err.status === 401)) throw err;
  }
  setCsrfToken(null);
  loginNotice.value = { type: 'success', message: 'You have logged out.' };
  session.value = { status: 'ready', setupRequired: false, authenticated: false, loggedOut: true };
}

onUnauthorized(() => {
  const s = session.value;
  if (s.status === 'ready' && s.authenticated) {
    setCsrfToken(null);
    loginNotice.value = { type: 'warning', message: 'Your session has expired. Please log in again.' };
    session.value = { status: 'ready', setupRequired: false, authenticated: false };
  }
});
