// scrypt from node:crypto: memory-hard, no native dependency. Stored as scrypt$N$r$p$salt$hash.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { HttpError } from '../http/errors.js';

const PARAMS = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

/**
 * scrypt runs on libuv's thread pool (4 threads), which also reads static files, resolves DNS and
 * inflates gzip for every visitor. Unbounded, 40 unauthenticated password checks filled it and a static
 * page took 4.3 s. So at most MAX_RUNNING hashes run at once and MAX_WAITING wait their turn; beyond
 * that a request is turned away at once (503) instead of queueing without limit.
 */
export const HASHING_LIMITS = { running: 2, waiting: 8 } as const;

let running = 0;
const waiting: Array<() => void> = [];

export class PasswordCheckBusyError extends HttpError {
  constructor() {
    super(503, 'The server is busy checking other passwords. Try again in a few seconds.');
    this.name = 'PasswordCheckBusyError';
  }
}

async function inHashingSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running < HASHING_LIMITS.running) running++;
  else if (waiting.length < HASHING_LIMITS.waiting) await new Promise<void>((resolve) => waiting.push(resolve));
  else throw new PasswordCheckBusyError();
  try {
    return await work();
  } finally {
    // The slot passes straight to the next waiter, so `running` never exceeds the limit.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  inHashingSlot(() => new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)))));

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, KEY_LENGTH, { ...PARAMS, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return timingSafeEqual(actual, expected);
}
