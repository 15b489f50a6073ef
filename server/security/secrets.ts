// Secrets are sealed by the secret box before they reach the store and opened after they leave it.
import type { ConfigStore } from '../stores/config-store.js';
import type { SecretBox } from './secret-box.js';

/** `hint`: what a masked display may show, kept in the clear (the last 4 characters unless told; '' for none). */
export async function saveSecret(store: ConfigStore, box: SecretBox, name: string, value: string, hint = value.slice(-4)): Promise<void> {
  await store.saveSecret(name, box.seal(value), hint);
}

/**
 * The secret, or null when none is stored, or when it was sealed under another secret key (a backup restored
 * without its key): then it reads as missing, for the admin to enter again, instead of failing every screen.
 */
export async function readSecret(store: ConfigStore, box: SecretBox, name: string): Promise<string | null> {
  const sealed = await store.readSealedSecret(name);
  if (sealed === null) return null;
  try {
    return box.open(sealed);
  } catch {
    return null;
  }
}

/** The last 4 characters, for a masked display; null when no secret is stored. */
export function secretHint(store: ConfigStore, name: string): Promise<string | null> {
  return store.secretHint(name);
}

export function deleteSecret(store: ConfigStore, name: string): Promise<void> {
  return store.deleteSecret(name);
}
