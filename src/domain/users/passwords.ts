// Password and API key hashing. Passwords use scrypt with a salt; API keys are 160
// random bits, so a plain SHA-256 is enough and lets a key be found by its hash.
// Checking a password runs scrypt on libuv's thread pool (about 50 ms of CPU), never on
// the event loop; hashing one for storage stays synchronous (rare: user creation).
import { createHash, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';

const scryptRaw = promisify(scrypt) as (password: string, salt: string, keylen: number) => Promise<Buffer>;

/**
 * At most this many scrypt runs at once (one core fewer than the machine has, at least
 * one): the others wait their turn, so password guessing never takes every core from the
 * event loop, nor every thread of libuv's pool (4) from file and DNS work.
 */
const MAX_PARALLEL = Math.max(1, Math.min(3, availableParallelism() - 1));
let running = 0;
const waiting: (() => void)[] = [];

async function scryptAsync(password: string, salt: string, keylen: number): Promise<Buffer> {
  if (running >= MAX_PARALLEL) await new Promise<void>((r) => waiting.push(r));
  else running++;
  try {
    return await scryptRaw(password, salt, keylen);
  } finally {
    const next = waiting.shift();
    if (next) next(); // the slot passes on
    else running--;
  }
}
const KEY_LENGTH = 32;

export function hashPassword(password: string): string {
  const salt = randomBytes(16).toString('hex');
  return `scrypt$${salt}$${scryptSync(password, salt, KEY_LENGTH).toString('hex')}`;
}

/** The same as hashPassword, off the event loop. */
export async function hashPasswordAsync(password: string): Promise<string> {
  const salt = randomBytes(16).toString('hex');
  return `scrypt$${salt}$${(await scryptAsync(password, salt, KEY_LENGTH)).toString('hex')}`;
}

/**
 * A stored hash no password matches (its digest is not scrypt's output for any input we
 * can name), with the same parameters as real ones: checking against it costs what a real
 * check costs, so an unknown user answers as slowly as a known one with a wrong password.
 */
export const DUMMY_PASSWORD_HASH = `scrypt$${randomBytes(16).toString('hex')}$${'0'.repeat(KEY_LENGTH * 2)}`;

/** Whether the password matches the stored hash; a malformed stored value still costs one scrypt. */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  let [scheme, salt, hash] = (stored ?? '').split('$');
  const usable = scheme === 'scrypt' && !!salt && !!hash && /^[0-9a-f]+$/i.test(hash);
  if (!usable) [, salt, hash] = DUMMY_PASSWORD_HASH.split('$');
  const got = await scryptAsync(password, salt, KEY_LENGTH);
  const want = Buffer.from(hash, 'hex');
  return usable && want.length === got.length && timingSafeEqual(got, want);
}

export const TOKEN_KEY = /^[0-9a-f]{40}$/;

export function newTokenKey(): string {
  return randomBytes(20).toString('hex');
}

export function hashTokenKey(key: string): string {
  return createHash('sha256').update(key.toLowerCase()).digest('hex');
}
