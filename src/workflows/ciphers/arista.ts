/** Arista type 7 (spec pm-workflows §5): DES-CBC keyed by the neighbour IP, base64 with a "7 " prefix. */
import { createCipheriv, createDecipheriv } from 'node:crypto';

const BASE_KEY = [0xd5, 0xa8, 0xc9, 0x1e, 0xf5, 0xd5, 0x8a, 0x23];
const SIGNATURE = [0x4c, 0x88, 0xbb];
const PREFIX = '7 ';

function oddParity(b: number): number {
  const kept = b & 0x7e; // bit 7 cleared as PM does (it indexes its parity table with b & 0x7F)
  let ones = 0;
  for (let v = kept; v; v >>= 1) ones += v & 1;
  return ones % 2 === 0 ? kept | 1 : kept;
}

/** 3DES with K1=K2=K3 is single DES; OpenSSL 3 keeps 3DES in its default provider, plain DES is legacy. */
function desKey(neighbour: string): Buffer {
  const key = [...BASE_KEY];
  Buffer.from(`${neighbour}_passwd`, 'utf8').forEach((b, i) => {
    key[i % 8] ^= b;
  });
  const k = Buffer.from(key.map(oddParity));
  return Buffer.concat([k, k, k]);
}

export function encryptArista(plaintext: string, neighbour: string): string {
  if (plaintext === '' || plaintext.startsWith(PREFIX)) return plaintext;
  const data = Buffer.from(plaintext, 'utf8');
  const pad = (8 - ((data.length + 4) % 8)) % 8;
  const block = Buffer.concat([Buffer.from([...SIGNATURE, pad * 16 + 0x0e]), data, Buffer.alloc(pad)]);
  const cipher = createCipheriv('des-ede3-cbc', desKey(neighbour), Buffer.alloc(8)).setAutoPadding(false);
  return PREFIX + Buffer.concat([cipher.update(block), cipher.final()]).toString('base64');
}

export function decryptArista(ciphertext: string, neighbour: string): string {
  if (!ciphertext.startsWith(PREFIX)) return ciphertext;
  const raw = Buffer.from(ciphertext.slice(PREFIX.length), 'base64');
  if (raw.length < 8 || raw.length % 8 !== 0) throw new Error('Invalid Encrypted String');
  const decipher = createDecipheriv('des-ede3-cbc', desKey(neighbour), Buffer.alloc(8)).setAutoPadding(false);
  const block = Buffer.concat([decipher.update(raw), decipher.final()]);
  const pad = block[3] >> 4;
  if (block[0] !== SIGNATURE[0] || block[1] !== SIGNATURE[1] || block[2] !== SIGNATURE[2] || pad >= 8) throw new Error('Invalid Encrypted String');
  return block.subarray(4, block.length - pad).toString('utf8');
}
