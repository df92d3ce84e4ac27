// Address and prefix text <-> binary helpers. IPv4 addresses are unsigned 32-bit numbers.
import { EncodeError } from './errors';

const V4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIPv4(text: string): number {
  const m = V4_RE.exec(text);
  if (!m) throw new EncodeError(`invalid IPv4 address "${text}"`);
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) throw new EncodeError(`invalid IPv4 address "${text}"`);
    v = v * 256 + o;
  }
  return v;
}

export function isIPv4(text: string): boolean {
  const m = V4_RE.exec(text);
  return !!m && Number(m[1]) < 256 && Number(m[2]) < 256 && Number(m[3]) < 256 && Number(m[4]) < 256;
}

export function formatIPv4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** Parses IPv6 text (with '::' and an optional dotted IPv4 tail) into 16 bytes. */
export function parseIPv6(text: string): Buffer {
  const fail = (): never => {
    throw new EncodeError(`invalid IPv6 address "${text}"`);
  };
  let s = text;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const words: number[] = [];
  const tailV4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  let tail: number[] = [];
  if (tailV4) {
    const v = parseIPv4(tailV4[1]);
    tail = [v >>> 16, v & 0xffff];
    s = s.slice(0, s.length - tailV4[1].length);
    if (s.endsWith(':') && !s.endsWith('::')) s = s.slice(0, -1);
  }
  const dbl = s.indexOf('::');
  if (dbl !== s.lastIndexOf('::')) fail();
  const parseGroups = (part: string): number[] => {
    if (part === '') return [];
    return part.split(':').map((g) => {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) fail();
      return parseInt(g, 16);
    });
  };
  if (dbl >= 0) {
    const head = parseGroups(s.slice(0, dbl));
    const rest = parseGroups(s.slice(dbl + 2));
    const fill = 8 - head.length - rest.length - tail.length;
    if (fill < 1) fail();
    words.push(...head, ...new Array<number>(fill).fill(0), ...rest, ...tail);
  } else {
    words.push(...parseGroups(s), ...tail);
  }
  if (words.length !== 8) fail();
  const out = Buffer.alloc(16);
  for (let i = 0; i < 8; i++) out.writeUInt16BE(words[i], i * 2);
  return out;
}

export function isIPv6(text: string): boolean {
  if (text.indexOf(':') < 0) return false;
  try {
    parseIPv6(text);
    return true;
  } catch {
    return false;
  }
}

/** RFC 5952 text form: lower case, longest run (>= 2) of zero groups compressed. */
export function formatIPv6(buf: Buffer, off = 0, n = 16): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) {
    const hi = i < n ? buf[off + i] : 0;
    const lo = i + 1 < n ? buf[off + i + 1] : 0;
    words.push((hi << 8) | lo);
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]): string => ws.map((w) => w.toString(16)).join(':');
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLen))}`;
}

export interface ParsedPrefix {
  afi: 1 | 2;
  /** IPv4: the address as an unsigned number (host bits zero). */
  v4: number;
  /** IPv6: 16 address bytes (host bits zero); empty for IPv4. */
  v6: Buffer;
  len: number;
}

const EMPTY = Buffer.alloc(0);

export function maskV4(addr: number, len: number): number {
  if (len === 0) return 0;
  return (addr & (0xffffffff << (32 - len))) >>> 0;
}

/**
 * Parses "a.b.c.d/len", "x::/len", or a bare address (full length).
 * Host bits must be zero unless `allowHostBits` (then they are masked off).
 */
export function parsePrefix(text: string, allowHostBits = false): ParsedPrefix {
  if (typeof text !== 'string') throw new EncodeError(`invalid prefix ${JSON.stringify(text)}`);
  const slash = text.indexOf('/');
  const addrText = slash >= 0 ? text.slice(0, slash) : text;
  const v6 = addrText.indexOf(':') >= 0;
  const max = v6 ? 128 : 32;
  let len = max;
  if (slash >= 0) {
    const lt = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(lt) || Number(lt) > max) throw new EncodeError(`invalid prefix length in "${text}"`);
    len = Number(lt);
  }
  if (!v6) {
    const a = parseIPv4(addrText);
    const m = maskV4(a, len);
    if (m !== a && !allowHostBits) throw new EncodeError(`prefix "${text}" has host bits set`);
    return { afi: 1, v4: m, v6: EMPTY, len };
  }
  const b = parseIPv6(addrText);
  let changed = false;
  for (let bit = len; bit < 128; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if (b[byte] & mask) {
      changed = true;
      b[byte] &= ~mask;
    }
  }
  if (changed && !allowHostBits) throw new EncodeError(`prefix "${text}" has host bits set`);
  return { afi: 2, v4: 0, v6: b, len };
}

export function formatPrefix(p: ParsedPrefix): string {
  return p.afi === 1 ? `${formatIPv4(p.v4)}/${p.len}` : `${formatIPv6(p.v6)}/${p.len}`;
}
