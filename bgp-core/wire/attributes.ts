// Path attributes: typed form, encoding, and value parsers shared by the UPDATE decoder.
import {
  AS_TRANS,
  AttrType,
  FLAG_EXTENDED_LENGTH,
  FLAG_OPTIONAL,
  FLAG_PARTIAL,
  FLAG_TRANSITIVE,
  ATTR_FLAGS,
} from './constants';
import { EncodeError } from './errors';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './ip';

export interface AsPathSegment {
  /** 1 AS_SET, 2 AS_SEQUENCE, 3 CONFED_SEQUENCE, 4 CONFED_SET */
  type: number;
  asns: number[];
}

export interface Aggregator {
  asn: number;
  address: string;
}

export interface UnknownAttribute {
  flags: number;
  code: number;
  value: Buffer;
}

export interface MpReach {
  afi: number;
  safi: number;
  nextHop: string;
  linkLocalNextHop?: string;
  nlri: string[];
}

export interface MpUnreach {
  afi: number;
  safi: number;
  withdraw: string[];
}

/** Path attributes in typed form. Absent fields mean the attribute is absent. */
export interface PathAttributes {
  origin?: number;
  asPath?: AsPathSegment[];
  nextHop?: string;
  med?: number;
  localPref?: number;
  atomicAggregate?: boolean;
  aggregator?: Aggregator;
  /** 32-bit community values. */
  communities?: number[];
  originatorId?: string;
  clusterList?: string[];
  /** Text form, e.g. "route-target:65000:1"; unknown types as "0x" + 16 hex digits. */
  extCommunities?: string[];
  largeCommunities?: [number, number, number][];
  /** As received from a 2-byte-AS peer (the merged path is in asPath). */
  as4Path?: AsPathSegment[];
  as4Aggregator?: Aggregator;
  mpReach?: MpReach;
  mpUnreach?: MpUnreach;
  unknown?: UnknownAttribute[];
}

// ---------- value parsers (return null when malformed) ----------

export function parseAsPath(buf: Buffer, start: number, end: number, asLen: 2 | 4): AsPathSegment[] | null {
  const segs: AsPathSegment[] = [];
  let off = start;
  while (off < end) {
    if (off + 2 > end) return null;
    const type = buf[off];
    const count = buf[off + 1];
    if (type < 1 || type > 4 || count === 0) return null;
    off += 2;
    if (off + count * asLen > end) return null;
    const asns = new Array<number>(count);
    for (let i = 0; i < count; i++, off += asLen) asns[i] = asLen === 4 ? buf.readUInt32BE(off) : buf.readUInt16BE(off);
    segs.push({ type, asns });
  }
  return segs;
}

/** Number of ASes in a path for RFC 6793 merging: a set counts 1, confederation segments 0. */
function pathLength(segs: AsPathSegment[]): number {
  let n = 0;
  for (const s of segs) n += s.type === 2 ? s.asns.length : s.type === 1 ? 1 : 0;
  return n;
}

/** RFC 6793 §4.2.3: rebuild the true path from AS_PATH (2-byte) and AS4_PATH. */
export function mergeAs4Path(asPath: AsPathSegment[], as4Path: AsPathSegment[]): AsPathSegment[] {
  const n2 = pathLength(asPath);
  const n4 = pathLength(as4Path);
  if (n2 < n4) return asPath;
  let keep = n2 - n4;
  const out: AsPathSegment[] = [];
  for (const s of asPath) {
    if (keep <= 0) break;
    if (s.type === 2) {
      const take = Math.min(keep, s.asns.length);
      out.push({ type: 2, asns: s.asns.slice(0, take) });
      keep -= take;
    } else if (s.type === 1) {
      out.push({ type: 1, asns: s.asns.slice() });
      keep -= 1;
    } else {
      out.push({ type: s.type, asns: s.asns.slice() });
    }
  }
  // Join a trailing sequence with AS4_PATH's leading sequence so the path reads as one.
  const first = as4Path[0];
  const last = out[out.length - 1];
  if (last && first && last.type === 2 && first.type === 2 && last.asns.length + first.asns.length <= 255) {
    last.asns.push(...first.asns);
    out.push(...as4Path.slice(1).map((s) => ({ type: s.type, asns: s.asns.slice() })));
  } else {
    out.push(...as4Path.map((s) => ({ type: s.type, asns: s.asns.slice() })));
  }
  return out;
}

const EXT_NAMES: Readonly<Record<number, string>> = { 2: 'route-target', 3: 'route-origin' };

export function formatExtCommunity(buf: Buffer, off: number): string {
  const type = buf[off];
  const sub = buf[off + 1];
  const name = EXT_NAMES[sub];
  if (name) {
    if (type === 0x00) return `${name}:${buf.readUInt16BE(off + 2)}:${buf.readUInt32BE(off + 4)}`;
    if (type === 0x01) return `${name}:${formatIPv4(buf.readUInt32BE(off + 2))}:${buf.readUInt16BE(off + 6)}`;
    if (type === 0x02) return `${name}:${buf.readUInt32BE(off + 2)}:${buf.readUInt16BE(off + 6)}`;
  }
  return `0x${buf.toString('hex', off, off + 8)}`;
}

export function encodeExtCommunity(text: string, out: Buffer, off: number): void {
  const hex = /^0x([0-9a-fA-F]{16})$/.exec(text);
  if (hex) {
    Buffer.from(hex[1], 'hex').copy(out, off);
    return;
  }
  const m = /^(route-target|route-origin):(.+):(\d+)$/.exec(text);
  if (!m) throw new EncodeError(`invalid extended community "${text}"`);
  const sub = m[1] === 'route-target' ? 2 : 3;
  const local = Number(m[3]);
  if (m[2].indexOf('.') >= 0) {
    if (local > 0xffff) throw new EncodeError(`extended community "${text}": local part exceeds 65535`);
    out[off] = 0x01;
    out[off + 1] = sub;
    out.writeUInt32BE(parseIPv4(m[2]), off + 2);
    out.writeUInt16BE(local, off + 6);
    return;
  }
  if (!/^\d+$/.test(m[2])) throw new EncodeError(`invalid extended community "${text}"`);
  const asn = Number(m[2]);
  if (asn <= 0xffff) {
    // RFC 5668: the 2-octet-AS form whenever the ASN fits.
    if (local > 0xffffffff) throw new EncodeError(`extended community "${text}": local part exceeds 32 bits`);
    out[off] = 0x00;
    out[off + 1] = sub;
    out.writeUInt16BE(asn, off + 2);
    out.writeUInt32BE(local, off + 4);
  } else {
    if (asn > 0xffffffff || local > 0xffff) throw new EncodeError(`extended community "${text}" out of range`);
    out[off] = 0x02;
    out[off + 1] = sub;
    out.writeUInt32BE(asn, off + 2);
    out.writeUInt16BE(local, off + 6);
  }
}

// ---------- encoding ----------

function tlv(code: number, value: Buffer, flagsOverride?: number): Buffer {
  let flags = flagsOverride ?? ATTR_FLAGS[code];
  const ext = value.length > 255;
  flags = ext ? flags | FLAG_EXTENDED_LENGTH : flags & ~FLAG_EXTENDED_LENGTH;
  const head = Buffer.alloc(ext ? 4 : 3);
  head[0] = flags;
  head[1] = code;
  if (ext) head.writeUInt16BE(value.length, 2);
  else head[2] = value.length;
  return Buffer.concat([head, value]);
}

export function encodeAsPathValue(segs: AsPathSegment[], asLen: 2 | 4): Buffer {
  const parts: Buffer[] = [];
  for (const s of segs) {
    if (s.type < 1 || s.type > 4) throw new EncodeError(`AS_PATH segment type ${s.type} is not 1..4`);
    // Long sequences are split into segments of at most 255 ASNs.
    for (let i = 0; i < s.asns.length || (i === 0 && s.asns.length === 0); i += 255) {
      const chunk = s.asns.slice(i, i + 255);
      if (chunk.length === 0) throw new EncodeError('AS_PATH segment with no ASNs');
      const b = Buffer.alloc(2 + chunk.length * asLen);
      b[0] = s.type;
      b[1] = chunk.length;
      chunk.forEach((asn, j) => {
        if (!Number.isInteger(asn) || asn < 0 || asn > 0xffffffff) throw new EncodeError(`invalid ASN ${asn} in AS_PATH`);
        if (asLen === 4) b.writeUInt32BE(asn, 2 + 4 * j);
        else b.writeUInt16BE(asn > 0xffff ? AS_TRANS : asn, 2 + 2 * j);
      });
      parts.push(b);
    }
  }
  return Buffer.concat(parts);
}

function u32(v: number, what: string): Buffer {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new EncodeError(`${what}: ${v} is not an unsigned 32-bit integer`);
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v, 0);
  return b;
}

function ipv4Bytes(text: string): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(parseIPv4(text), 0);
  return b;
}

function aggregatorValue(a: Aggregator, asLen: 2 | 4): Buffer {
  const b = Buffer.alloc(asLen + 4);
  if (asLen === 4) b.writeUInt32BE(a.asn, 0);
  else b.writeUInt16BE(a.asn > 0xffff ? AS_TRANS : a.asn, 0);
  b.writeUInt32BE(parseIPv4(a.address), asLen);
  return b;
}

function needsAs4(segs: AsPathSegment[]): boolean {
  return segs.some((s) => s.asns.some((a) => a > 0xffff));
}

export interface EncodeAttrOptions {
  /** 4-octet AS negotiated with the receiver. */
  as4: boolean;
  /** Set the Partial bit on unknown optional transitive attributes (we are forwarding them). */
  forwarding?: boolean;
}

/**
 * Encodes every attribute except MP_REACH/MP_UNREACH, in type-code order.
 * Towards a 2-byte-AS peer, AS_TRANS stands in for large ASNs and AS4_PATH/AS4_AGGREGATOR carry them.
 */
export function encodeAttributes(a: PathAttributes, opts: EncodeAttrOptions): Buffer {
  const asLen: 2 | 4 = opts.as4 ? 4 : 2;
  const parts: { code: number; buf: Buffer }[] = [];
  const add = (code: number, value: Buffer, flags?: number): void => {
    parts.push({ code, buf: tlv(code, value, flags) });
  };
  const at = (code: number, name: string, fn: () => void): void => {
    try {
      fn();
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new EncodeError(`attribute ${code} (${name}): ${msg}`);
    }
  };
  if (a.origin !== undefined)
    at(1, 'ORIGIN', () => {
      if (a.origin !== 0 && a.origin !== 1 && a.origin !== 2) throw new EncodeError(`origin ${a.origin} is not 0, 1 or 2`);
      add(AttrType.ORIGIN, Buffer.from([a.origin]));
    });
  if (a.asPath !== undefined)
    at(2, 'AS_PATH', () => {
      add(AttrType.AS_PATH, encodeAsPathValue(a.asPath as AsPathSegment[], asLen));
      if (!opts.as4 && needsAs4(a.asPath as AsPathSegment[])) {
        // Confederation segments never go into AS4_PATH (RFC 6793 §3).
        const segs = (a.asPath as AsPathSegment[]).filter((s) => s.type === 1 || s.type === 2);
        add(AttrType.AS4_PATH, encodeAsPathValue(segs, 4));
      }
    });
  if (a.nextHop !== undefined) at(3, 'NEXT_HOP', () => add(AttrType.NEXT_HOP, ipv4Bytes(a.nextHop as string)));
  if (a.med !== undefined) at(4, 'MED', () => add(AttrType.MED, u32(a.med as number, 'MED')));
  if (a.localPref !== undefined) at(5, 'LOCAL_PREF', () => add(AttrType.LOCAL_PREF, u32(a.localPref as number, 'LOCAL_PREF')));
  if (a.atomicAggregate) add(AttrType.ATOMIC_AGGREGATE, Buffer.alloc(0));
  if (a.aggregator !== undefined)
    at(7, 'AGGREGATOR', () => {
      const ag = a.aggregator as Aggregator;
      u32(ag.asn, 'AGGREGATOR AS');
      add(AttrType.AGGREGATOR, aggregatorValue(ag, asLen));
      if (!opts.as4 && ag.asn > 0xffff) add(AttrType.AS4_AGGREGATOR, aggregatorValue(ag, 4));
    });
  if (a.communities !== undefined)
    at(8, 'COMMUNITY', () => {
      const cs = a.communities as number[];
      if (cs.length === 0) throw new EncodeError('empty community list');
      add(AttrType.COMMUNITIES, Buffer.concat(cs.map((c) => u32(c, 'community'))));
    });
  if (a.originatorId !== undefined) at(9, 'ORIGINATOR_ID', () => add(AttrType.ORIGINATOR_ID, ipv4Bytes(a.originatorId as string)));
  if (a.clusterList !== undefined)
    at(10, 'CLUSTER_LIST', () => add(AttrType.CLUSTER_LIST, Buffer.concat((a.clusterList as string[]).map(ipv4Bytes))));
  if (a.extCommunities !== undefined)
    at(16, 'EXTENDED_COMMUNITY', () => {
      const list = a.extCommunities as string[];
      if (list.length === 0) throw new EncodeError('empty extended community list');
      const b = Buffer.alloc(8 * list.length);
      list.forEach((t, i) => encodeExtCommunity(t, b, 8 * i));
      add(AttrType.EXTENDED_COMMUNITIES, b);
    });
  if (a.largeCommunities !== undefined)
    at(32, 'LARGE_COMMUNITY', () => {
      const list = a.largeCommunities as [number, number, number][];
      if (list.length === 0) throw new EncodeError('empty large community list');
      add(
        AttrType.LARGE_COMMUNITIES,
        Buffer.concat(list.map(([x, y, z]) => Buffer.concat([u32(x, 'global admin'), u32(y, 'local 1'), u32(z, 'local 2')]))),
      );
    });
  for (const u of a.unknown ?? []) {
    if (u.code in ATTR_FLAGS) continue;
    let flags = u.flags & ~FLAG_EXTENDED_LENGTH;
    if (!(flags & FLAG_OPTIONAL)) throw new EncodeError(`attribute ${u.code}: unknown well-known attribute cannot be sent`);
    if (opts.forwarding && flags & FLAG_TRANSITIVE) flags |= FLAG_PARTIAL;
    add(u.code, u.value, flags);
  }
  parts.sort((x, y) => x.code - y.code);
  return Buffer.concat(parts.map((p) => p.buf));
}

/**
 * An optional attribute's header (flags, type, length; extended past 255) with room for the first
 * `fixed` bytes of its value, which start at `at`; the other `restLen` bytes (NLRI) follow on the wire.
 */
function optionalAttrHead(type: number, fixed: number, restLen: number): { head: Buffer; at: number } {
  const valueLen = fixed + restLen;
  const ext = valueLen > 255;
  const at = ext ? 4 : 3;
  const head = Buffer.alloc(at + fixed);
  head[0] = FLAG_OPTIONAL | (ext ? FLAG_EXTENDED_LENGTH : 0);
  head[1] = type;
  if (ext) head.writeUInt16BE(valueLen, 2);
  else head[2] = valueLen;
  return { head, at };
}

/** MP_REACH_NLRI attribute header + next hop + reserved byte, ready for NLRI bytes to follow. */
export function mpReachPrefix(afi: number, safi: number, nextHop: Buffer, nlriLen: number): Buffer {
  const { head, at } = optionalAttrHead(AttrType.MP_REACH_NLRI, 5 + nextHop.length, nlriLen);
  head.writeUInt16BE(afi, at);
  head[at + 2] = safi;
  head[at + 3] = nextHop.length;
  nextHop.copy(head, at + 4);
  head[at + 4 + nextHop.length] = 0;
  return head;
}

/** MP_UNREACH_NLRI attribute header + AFI/SAFI, ready for withdrawn NLRI bytes to follow. */
export function mpUnreachPrefix(afi: number, safi: number, withdrawnLen: number): Buffer {
  const { head, at } = optionalAttrHead(AttrType.MP_UNREACH_NLRI, 3, withdrawnLen);
  head.writeUInt16BE(afi, at);
  head[at + 2] = safi;
  return head;
}

export function ipv6NextHopBytes(global: string, linkLocal?: string): Buffer {
  const g = parseIPv6(global);
  return linkLocal ? Buffer.concat([g, parseIPv6(linkLocal)]) : g;
}

export function formatMpNextHop(afi: number, nh: Buffer): { nextHop: string; linkLocalNextHop?: string } {
  if (nh.length === 4) return { nextHop: formatIPv4(nh.readUInt32BE(0)) };
  if (nh.length === 16) return { nextHop: formatIPv6(nh, 0) };
  if (nh.length === 32) return { nextHop: formatIPv6(nh, 0), linkLocalNextHop: formatIPv6(nh, 16) };
  return { nextHop: `0x${nh.toString('hex')}` };
}
