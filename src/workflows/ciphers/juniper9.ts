/** Juniper `$9$` obfuscation (spec pm-workflows §5). */
import { createHash, randomInt } from 'node:crypto';

const FAMILIES = ['QzF3n6/9CAtpu0O', 'B1IREhcSyrleKvMW8LXx', '7N-dVbwsY2g4oaJZGUDj', 'iHkq.mPf5T'];
const ALPHABET = FAMILIES.join('');
const WEIGHTS = [[1, 4, 32], [1, 16, 32], [1, 8, 32], [1, 64], [1, 32], [1, 4, 16, 128], [1, 32, 64]];
const PREFIX = '$9$';

const position = new Map<string, number>([...ALPHABET].map((c, i) => [c, i]));
/** How many filler characters follow the salt: 3 for the first family down to 0 for the last. */
const extra = new Map<string, number>(FAMILIES.flatMap((family, f) => [...family].map((c) => [c, 3 - f] as [string, number])));

function pos(c: string): number {
  const p = position.get(c);
  if (p === undefined) throw new Error('Invalid Encrypted String');
  return p;
}

/** Salt and filler come from SHA-256(key) when a key is given (PM passes the session IP), so output is stable. */
function saltAndFiller(key?: string): string {
  const digest = key === undefined ? undefined : createHash('sha256').update(key).digest();
  const pick = (i: number): number => (digest ? digest[i] : randomInt(0, 256)) % ALPHABET.length;
  const salt = ALPHABET[pick(0)];
  let filler = '';
  for (let i = 0; i < (extra.get(salt) ?? 0); i++) filler += ALPHABET[pick(1 + i)];
  return salt + filler;
}

export function encryptJuniper9(plaintext: string, key?: string): string {
  if (plaintext === '' || plaintext.startsWith(PREFIX)) return plaintext;
  const head = saltAndFiller(key);
  let prev = head[0];
  let out = PREFIX + head;
  const bytes = Buffer.from(plaintext, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const weights = WEIGHTS[i % WEIGHTS.length];
    const gaps = new Array<number>(weights.length);
    let v = bytes[i];
    for (let j = weights.length - 1; j >= 0; j--) {
      gaps[j] = Math.floor(v / weights[j]);
      v %= weights[j];
    }
    for (const g of gaps) {
      prev = ALPHABET[(pos(prev) + g + 1) % ALPHABET.length];
      out += prev;
    }
  }
  return out;
}

export function decryptJuniper9(ciphertext: string): string {
  if (!ciphertext.startsWith(PREFIX)) return ciphertext;
  const body = ciphertext.slice(PREFIX.length);
  if (body.length === 0) throw new Error('Invalid Encrypted String');
  let prev = body[0];
  let rest = body.slice(1 + (extra.get(prev) ?? 0));
  const out: number[] = [];
  while (rest.length > 0) {
    const weights = WEIGHTS[out.length % WEIGHTS.length];
    if (rest.length < weights.length) throw new Error('Invalid Encrypted String');
    let value = 0;
    for (let j = 0; j < weights.length; j++) {
      const gap = (((pos(rest[j]) - pos(prev)) % ALPHABET.length) + ALPHABET.length) % ALPHABET.length - 1;
      value += gap * weights[j];
      prev = rest[j];
    }
    out.push(value % 256);
    rest = rest.slice(weights.length);
  }
  return Buffer.from(out).toString('utf8');
}
