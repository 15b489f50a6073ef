// Secrets at rest (the provider API key) are sealed with AES-256-GCM under the instance's secret key.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './private-files.js';

const SECRET_FILE = 'secret.key';

/** The 32-byte key: SECRET_KEY from the environment, else one generated once into DATA_DIR (mode 0600). */
export function loadSecretKey(dataDir: string, secretKeyHex?: string): Buffer {
  if (secretKeyHex) return Buffer.from(secretKeyHex, 'hex');
  const file = path.join(dataDir, SECRET_FILE);
  if (existsSync(file)) {
    const hex = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`${file} is damaged: expected 64 hex characters`);
    return Buffer.from(hex, 'hex');
  }
  ensurePrivateDir(dataDir);
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  chmodSync(file, PRIVATE_FILE_MODE);
  return key;
}

export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
  /** A keyed hash: lets us recognise a secret again (e.g. "this key was tested") without storing it. */
  fingerprint(value: string): string;
}

/** Sealed format: base64 of iv(12) | tag(16) | ciphertext. */
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('secret key must be 32 bytes');
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
    },
    open(sealed) {
      const raw = Buffer.from(sealed, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
    fingerprint(value) {
      return createHmac('sha256', key).update('fingerprint:').update(value).digest('base64url');
    },
  };
}
