import type { AuthStore } from '../stores/auth-store.js';
import { hashPassword, verifyPassword } from './passwords.js';

export { MIN_PASSWORD_LENGTH } from './schemas.js';

export const adminExists = (store: AuthStore): Promise<boolean> => store.adminExists();

/**
 * Creates the admin; returns false when one already exists. Checked before hashing, so a setup call
 * after the first costs no scrypt work; two setups racing both hash, and the insert lets the first win.
 */
export async function createAdmin(store: AuthStore, password: string): Promise<boolean> {
  if (await store.adminExists()) return false;
  return store.createAdmin(await hashPassword(password));
}

/**
 * A new password, from Settings → Account or the shell reset: the new hash (bounded hashing, like a login),
 * every session ended, and the failed-login count forgotten, in one transaction. The admin is created
 * when there is none.
 */
export async function replaceAdminPassword(store: AuthStore, password: string): Promise<{ created: boolean; sessionsEnded: number }> {
  return store.replaceAdminPassword(await hashPassword(password));
}

export const passwordChangedAt = (store: AuthStore): Promise<string | null> => store.passwordChangedAt();

export async function checkAdminPassword(store: AuthStore, password: string): Promise<boolean> {
  const hash = await store.adminPasswordHash();
  return hash ? verifyPassword(password, hash) : false;
}
