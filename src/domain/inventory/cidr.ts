// IPv4/IPv6 prefix arithmetic on BigInt: normalising CIDRs, containment and
// walking free subnets (next_network / next_address). PostgreSQL's cidr type
// does the tree queries; this is for what must happen before SQL sees a value.
import { isIP } from 'node:net';

export interface Cidr {
  version: 4 | 6;
  bits: number;          // 32 or 128
  addr: bigint;          // network address as an integer
  len: number;           // prefix length
}

function v4ToBig(a: string): bigint {
  return a.split('.').reduce((n, o) => (n << 8n) | BigInt(Number(o)), 0n);
}

function v6ToBig(a: string): bigint {
  let s = a;
  // An embedded IPv4 tail ("::ffff:192.0.2.1") becomes two hextets.
  const m = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (m) {
    const n = v4ToBig(m[1]);
    s = `${s.slice(0, -m[1].length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].reduce((n, x) => (n << 16n) | BigInt(parseInt(x, 16)), 0n);
}

export function formatAddr(version: 4 | 6, n: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');
  const parts = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: compress the longest run (>= 2) of zero hextets.
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (parts[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && parts[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = parts.map((p) => p.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

const mask = (bits: number, len: number): bigint => (((1n << BigInt(len)) - 1n) << BigInt(bits - len));

/**
 * "10.0.0.0/8", "2001:db8::/32" or a bare address (a host prefix) -> Cidr, or null.
 * Host bits are cleared, as NSoT's netaddr.IPNetwork(...).cidr does.
 */
export function parseCidr(value: string): Cidr | null {
  if (typeof value !== 'string') return null;
  const [address, lenText, extra] = value.trim().split('/');
  if (extra !== undefined) return null;
  const family = isIP(address);
  if (family !== 4 && family !== 6) return null;
  const bits = family === 4 ? 32 : 128;
  if (lenText !== undefined && !/^\d{1,3}$/.test(lenText)) return null;
  const len = lenText === undefined ? bits : Number(lenText);
  if (len > bits) return null;
  const raw = family === 4 ? v4ToBig(address) : v6ToBig(address);
  return { version: family, bits, addr: raw & mask(bits, len), len };
}

export function cidrText(c: Cidr): string {
  return `${formatAddr(c.version, c.addr)}/${c.len}`;
}

export function lastAddr(c: Cidr): bigint {
  return c.addr | ((1n << BigInt(c.bits - c.len)) - 1n);
}

/** a contains b (or equals it). */
export function contains(a: Cidr, b: Cidr): boolean {
  return a.version === b.version && a.len <= b.len && (b.addr & mask(a.bits, a.len)) === a.addr;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return contains(a, b) || contains(b, a);
}

/**
 * The first `num` subnets of length `len` inside `parent` that `isFree` accepts,
 * in address order. Stops after `maxScan` candidates so a huge space cannot hang a request.
 */
export function freeSubnets(parent: Cidr, len: number, num: number, isFree: (c: Cidr) => boolean, maxScan = 1_000_000): Cidr[] {
  const out: Cidr[] = [];
  if (len < parent.len || len > parent.bits) return out;
  const step = 1n << BigInt(parent.bits - len);
  const end = lastAddr(parent);
  let scanned = 0;
  for (let a = parent.addr; a <= end && out.length < num && scanned < maxScan; a += step, scanned++) {
    const c: Cidr = { version: parent.version, bits: parent.bits, addr: a, len };
    if (isFree(c)) out.push(c);
  }
  return out;
}
