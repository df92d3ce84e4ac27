/** Cisco type 7 as Peering Manager writes it (spec pm-workflows §5): XOR with a fixed 53-char key. */
import { randomInt } from 'node:crypto';

const KEY = 'dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87';
/** PM wraps the key index after 50 (Cisco after 52); we follow PM so stored values round-trip with it. */
const WRAP = 51;
const PREFIX = '7 ';

function keyByte(index: number): number {
  return KEY.charCodeAt(index % WRAP);
}

/** Salt 0–9 only, so the hex salt PM writes reads the same as Cisco's decimal one. */
export function encryptCisco7(plaintext: string, salt: number = randomInt(0, 10)): string {
  if (plaintext === '' || plaintext.startsWith(PREFIX)) return plaintext;
  const bytes = Buffer.from(plaintext, 'utf8');
  let out = salt.toString(16).padStart(2, '0');
  for (let i = 0; i < bytes.length; i++) out += (bytes[i] ^ keyByte(salt + i)).toString(16).padStart(2, '0');
  return PREFIX + out.toUpperCase();
}

export function decryptCisco7(ciphertext: string): string {
  if (!ciphertext.startsWith(PREFIX)) return ciphertext;
  const body = ciphertext.slice(PREFIX.length);
  if (body.length < 2 || body.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(body)) throw new Error('Invalid Encrypted String');
  const saltText = body.slice(0, 2);
  // Cisco writes the salt in decimal, PM in hex: read decimal when both digits are decimal.
  const salt = /^\d\d$/.test(saltText) ? Number.parseInt(saltText, 10) : Number.parseInt(saltText, 16);
  const out: number[] = [];
  for (let i = 2; i < body.length; i += 2) out.push(Number.parseInt(body.slice(i, i + 2), 16) ^ keyByte(salt + (i - 2) / 2));
  return Buffer.from(out).toString('utf8');
}
