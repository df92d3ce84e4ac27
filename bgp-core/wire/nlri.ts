// NLRI (prefix list) iteration and encoding without an object per prefix.
//
// IPv4 prefixes travel as (addr: uint32, len) number pairs, or packed into one safe integer
// `len * 2^32 + addr`. IPv6 prefixes become a short latin1 string key: one char for the length,
// then ceil(len/8) masked address bytes.
import { formatIPv4, formatIPv6 } from './ip';

const TWO32 = 4294967296;

export function packV4(addr: number, len: number): number {
  return len * TWO32 + addr;
}
export function unpackV4Len(key: number): number {
  return Math.floor(key / TWO32);
}
export function unpackV4Addr(key: number): number {
  return key % TWO32;
}
export function v4KeyToString(key: number): string {
  return `${formatIPv4(key % TWO32)}/${Math.floor(key / TWO32)}`;
}

/**
 * Counts the prefixes in [start, end), or returns -1 when a length byte exceeds maxBits
 * or a prefix overruns the field (RFC 7606 §5.3: the caller resets the session).
 * With addPath each prefix is preceded by its 4-byte path identifier (RFC 7911 §3).
 */
export function countPrefixes(buf: Buffer, start: number, end: number, maxBits: number, addPath = false): number {
  const skip = addPath ? 4 : 0;
  let off = start;
  let n = 0;
  while (off < end) {
    off += skip;
    if (off >= end) return -1;
    const len = buf[off];
    if (len > maxBits) return -1;
    off += 1 + ((len + 7) >> 3);
    n++;
  }
  return off === end ? n : -1;
}

/**
 * The IPv4 prefix whose length byte is buf[off], as its masked address (trailing bits past the
 * length are ignored on receipt, RFC 4271 §4.3). The next prefix starts at off + prefixWireLen(buf[off]).
 */
export function v4PrefixAt(buf: Buffer, off: number): number {
  const len = buf[off];
  const nb = (len + 7) >> 3;
  let a = 0;
  for (let i = 0; i < 4; i++) a = a * 256 + (i < nb ? buf[off + 1 + i] : 0);
  if (len < 32) a = len === 0 ? 0 : (a & (0xffffffff << (32 - len))) >>> 0;
  return a;
}

export type V4PrefixCallback = (addr: number, len: number) => void;

/** Calls cb(addr, len) for each IPv4 prefix; the range must have passed countPrefixes. */
export function forEachV4(buf: Buffer, start: number, end: number, cb: V4PrefixCallback): void {
  for (let off = start; off < end; off += 1 + ((buf[off] + 7) >> 3)) cb(v4PrefixAt(buf, off), buf[off]);
}

export type V4PathCallback = (addr: number, len: number, pathId: number) => void;

/** forEachV4 for Add-Path NLRI (RFC 7911): each prefix comes after its 4-byte path identifier. */
export function forEachV4Path(buf: Buffer, start: number, end: number, cb: V4PathCallback): void {
  for (let off = start; off < end; off += 5 + ((buf[off + 4] + 7) >> 3)) cb(v4PrefixAt(buf, off + 4), buf[off + 4], buf.readUInt32BE(off));
}

/** The compact key (see v6Key) of the IPv6 prefix whose length byte is buf[off], masked to its length. */
export function v6KeyAt(buf: Buffer, off: number): string {
  const len = buf[off];
  const nb = (len + 7) >> 3;
  const rem = len & 7;
  let key = String.fromCharCode(len);
  if (nb > 0) {
    if (rem === 0) key += buf.toString('latin1', off + 1, off + 1 + nb);
    else {
      if (nb > 1) key += buf.toString('latin1', off + 1, off + nb);
      key += String.fromCharCode(buf[off + nb] & (0xff << (8 - rem)) & 0xff);
    }
  }
  return key;
}

export type V6PrefixCallback = (key: string, len: number) => void;

/** Calls cb(key, len) for each IPv6 prefix; key is the compact string form (see v6Key). */
export function forEachV6(buf: Buffer, start: number, end: number, cb: V6PrefixCallback): void {
  for (let off = start; off < end; off += 1 + ((buf[off] + 7) >> 3)) cb(v6KeyAt(buf, off), buf[off]);
}

export type V6PathCallback = (key: string, len: number, pathId: number) => void;

/** forEachV6 for Add-Path NLRI (RFC 7911). */
export function forEachV6Path(buf: Buffer, start: number, end: number, cb: V6PathCallback): void {
  for (let off = start; off < end; off += 5 + ((buf[off + 4] + 7) >> 3)) cb(v6KeyAt(buf, off + 4), buf[off + 4], buf.readUInt32BE(off));
}

export function v6Key(bytes: Buffer, len: number): string {
  const nb = (len + 7) >> 3;
  let key = String.fromCharCode(len);
  for (let i = 0; i < nb; i++) {
    let b = bytes[i];
    if (i === nb - 1 && (len & 7) !== 0) b &= (0xff << (8 - (len & 7))) & 0xff;
    key += String.fromCharCode(b);
  }
  return key;
}

export function v6KeyBytes(key: string): Buffer {
  const out = Buffer.alloc(16);
  for (let i = 1; i < key.length; i++) out[i - 1] = key.charCodeAt(i);
  return out;
}

export function v6KeyLen(key: string): number {
  return key.charCodeAt(0);
}

export function v6KeyToString(key: string): string {
  return `${formatIPv6(v6KeyBytes(key))}/${key.charCodeAt(0)}`;
}

/** Wire size of one prefix. */
export function prefixWireLen(len: number): number {
  return 1 + ((len + 7) >> 3);
}

export function writeV4Prefix(out: Buffer, off: number, addr: number, len: number): number {
  out[off++] = len;
  const nb = (len + 7) >> 3;
  for (let i = 0; i < nb; i++) out[off++] = (addr >>> (24 - 8 * i)) & 255;
  return off;
}

export function writeV6Key(out: Buffer, off: number, key: string): number {
  out[off++] = key.charCodeAt(0);
  for (let i = 1; i < key.length; i++) out[off++] = key.charCodeAt(i);
  return off;
}
