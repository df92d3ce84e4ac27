// UPDATE decoding with RFC 7606 revised error handling. The result points into the message
// buffer (prefix ranges); callers iterate prefixes with forEachV4/forEachV6 instead of arrays.
import { AS_TRANS, ATTR_FLAGS, AttrType, FLAG_EXTENDED_LENGTH, FLAG_OPTIONAL } from './constants';
import { BgpError } from './errors';
import {
  AsPathSegment,
  PathAttributes,
  UnknownAttribute,
  formatExtCommunity,
  formatMpNextHop,
  mergeAs4Path,
  parseAsPath,
} from './attributes';
import { attrKeyAs4, attrKeyHead, attrKeyMpNextHop, attrKeyTlvs } from './attr-key';
import { formatIPv4 } from './ip';
import { countPrefixes } from './nlri';

export interface MpReachView {
  afi: number;
  safi: number;
  /** Next-hop bytes (copied; small). */
  nextHop: Buffer;
  start: number;
  end: number;
}

export interface MpUnreachView {
  afi: number;
  safi: number;
  start: number;
  end: number;
}

export interface DecodedUpdate {
  buf: Buffer;
  /** IPv4 withdrawn routes field. */
  withdrawnStart: number;
  withdrawnEnd: number;
  /** IPv4 NLRI field. */
  nlriStart: number;
  nlriEnd: number;
  mpReach: MpReachView | null;
  mpUnreach: MpUnreachView | null;
  attrs: PathAttributes;
  /** Identity of the attribute set (layout: ./attr-key): identical keys mean identical attributes. */
  attrKey: string;
  /** RFC 7606: every NLRI of this UPDATE (both fields and MP_REACH) is to be withdrawn. */
  treatAsWithdraw: boolean;
  /** What RFC 7606 handling did (discarded attributes, reason for treat-as-withdraw). */
  problems: string[];
  /** End-of-RIB marker (RFC 4724) for this [afi, safi], or null. */
  endOfRib: [number, number] | null;
  /** The families whose prefix ranges above carry path identifiers. */
  addPath: AddPathFamilies;
}

/** Families whose NLRI carry Add-Path path identifiers (RFC 7911) in the direction being decoded. */
export interface AddPathFamilies {
  readonly ipv4: boolean;
  readonly ipv6: boolean;
}

export const NO_ADD_PATH: AddPathFamilies = Object.freeze({ ipv4: false, ipv6: false });

export interface DecodeOptions {
  /** 4-octet AS negotiated: AS_PATH and AGGREGATOR carry 4-byte ASNs. */
  as4: boolean;
  /** Add-Path negotiated for these families (IPv4 covers the withdrawn routes and NLRI fields too). */
  addPath?: AddPathFamilies;
}

/** Whether NLRI of this AFI/SAFI carry path identifiers (unicast only: the families bgp-core decodes). */
export function hasPathIds(ap: AddPathFamilies, afi: number, safi: number): boolean {
  return safi === 1 && (afi === 1 ? ap.ipv4 : afi === 2 ? ap.ipv6 : false);
}

const enum Action {
  WITHDRAW,
  DISCARD,
  RESET,
}

/** RFC 7606 §7 action for a malformed instance of each known attribute. */
const MALFORMED_ACTION: Readonly<Record<number, Action>> = {
  1: Action.WITHDRAW,
  2: Action.WITHDRAW,
  3: Action.WITHDRAW,
  4: Action.WITHDRAW,
  5: Action.WITHDRAW,
  6: Action.DISCARD,
  7: Action.DISCARD,
  8: Action.WITHDRAW,
  9: Action.WITHDRAW,
  10: Action.WITHDRAW,
  14: Action.RESET,
  15: Action.RESET,
  16: Action.WITHDRAW,
  17: Action.DISCARD,
  18: Action.DISCARD,
  32: Action.WITHDRAW,
};

/** Decodes an UPDATE body at buf[start, end). Throws BgpError only where a session reset is required. */
export function decodeUpdate(buf: Buffer, start: number, end: number, opts: DecodeOptions): DecodedUpdate {
  if (end - start < 4) throw new BgpError(3, 1, Buffer.alloc(0), 'UPDATE body shorter than 4 bytes');
  const wl = buf.readUInt16BE(start);
  const withdrawnStart = start + 2;
  const withdrawnEnd = withdrawnStart + wl;
  if (withdrawnEnd + 2 > end) throw new BgpError(3, 1, Buffer.alloc(0), 'withdrawn routes length overruns message');
  const al = buf.readUInt16BE(withdrawnEnd);
  const attrStart = withdrawnEnd + 2;
  const attrEnd = attrStart + al;
  if (attrEnd > end) throw new BgpError(3, 1, Buffer.alloc(0), 'total path attribute length overruns message');
  const addPath = opts.addPath ?? NO_ADD_PATH;
  if (countPrefixes(buf, withdrawnStart, withdrawnEnd, 32, addPath.ipv4) < 0) {
    throw new BgpError(3, 10, Buffer.alloc(0), 'malformed withdrawn routes field');
  }
  if (countPrefixes(buf, attrEnd, end, 32, addPath.ipv4) < 0) throw new BgpError(3, 10, Buffer.alloc(0), 'malformed NLRI field');

  const res: DecodedUpdate = {
    buf,
    withdrawnStart,
    withdrawnEnd,
    nlriStart: attrEnd,
    nlriEnd: end,
    mpReach: null,
    mpUnreach: null,
    attrs: {},
    attrKey: '',
    treatAsWithdraw: false,
    problems: [],
    endOfRib: null,
    addPath,
  };
  if (wl === 0 && al === 0 && attrEnd === end) {
    res.endOfRib = [1, 1];
    res.attrKey = attrKeyHead(opts.as4, null);
    return res;
  }
  const kept = new KeptTlvs(buf);
  walkAttributes(buf, attrStart, attrEnd, opts, res, kept);

  const a = res.attrs;
  const hasV4Nlri = end > attrEnd;
  const hasMpNlri = res.mpReach !== null && res.mpReach.end > res.mpReach.start;
  if (hasV4Nlri || hasMpNlri) {
    // RFC 7606 §3.d: a missing well-known mandatory attribute means treat-as-withdraw.
    if (a.origin === undefined) withdraw(res, 'missing ORIGIN');
    if (a.asPath === undefined) withdraw(res, 'missing AS_PATH');
    if (hasV4Nlri && a.nextHop === undefined) withdraw(res, 'missing NEXT_HOP');
  }
  res.attrKey = kept.key(attrKeyHead(opts.as4, res.mpReach ? res.mpReach.nextHop : null));
  if (
    res.mpUnreach &&
    res.mpUnreach.start === res.mpUnreach.end &&
    !res.mpReach &&
    wl === 0 &&
    !hasV4Nlri &&
    kept.count === 0
  ) {
    res.endOfRib = [res.mpUnreach.afi, res.mpUnreach.safi];
  }
  return res;
}

/**
 * The attribute TLVs kept for the attribute key, as runs of the message: kept TLVs are usually
 * contiguous (the MP attribute, which is left out, comes first), so the key is one slice, not a
 * string per attribute joined.
 */
class KeptTlvs {
  count = 0;
  private start = 0;
  private end = 0;
  private parts: string[] | null = null;

  constructor(private readonly buf: Buffer) {}

  add(start: number, end: number): void {
    if (this.count++ > 0 && start === this.end) {
      this.end = end;
      return;
    }
    if (this.end > this.start) (this.parts ??= []).push(this.buf.toString('latin1', this.start, this.end));
    this.start = start;
    this.end = end;
  }

  key(prefix: string): string {
    const last = this.buf.toString('latin1', this.start, this.end);
    return this.parts ? prefix + this.parts.join('') + last : prefix + last;
  }
}

// Read once: in the per-attribute loop these would otherwise be property reads through module objects.
const MP_REACH = AttrType.MP_REACH_NLRI;
const MP_UNREACH = AttrType.MP_UNREACH_NLRI;
const EXTENDED_LENGTH = FLAG_EXTENDED_LENGTH;
const OPTIONAL = FLAG_OPTIONAL;
const KNOWN_FLAGS = ATTR_FLAGS;

function withdraw(res: DecodedUpdate, why: string): void {
  res.treatAsWithdraw = true;
  res.problems.push(`treat-as-withdraw: ${why}`);
}

function hasAsZero(path: AsPathSegment[]): boolean {
  for (const seg of path) if (seg.asns.includes(0)) return true;
  return false;
}

function maxBits(afi: number): number {
  return afi === 1 ? 32 : afi === 2 ? 128 : -1;
}

function walkAttributes(
  buf: Buffer,
  start: number,
  end: number,
  opts: DecodeOptions,
  res: DecodedUpdate,
  kept: KeptTlvs,
): void {
  const a = res.attrs;
  const seen = nextSeenMark();
  let off = start;
  while (off < end) {
    if (off + 3 > end) {
      withdraw(res, 'truncated attribute header');
      return;
    }
    const flags = buf[off];
    const code = buf[off + 1];
    const ext = (flags & EXTENDED_LENGTH) !== 0;
    if (ext && off + 4 > end) {
      withdraw(res, 'truncated attribute header');
      return;
    }
    const len = ext ? buf.readUInt16BE(off + 2) : buf[off + 2];
    const vs = off + (ext ? 4 : 3);
    const ve = vs + len;
    if (ve > end) {
      // RFC 7606 §4: the attribute overruns the attribute field.
      withdraw(res, `attribute ${code} overruns the path attribute field`);
      return;
    }
    const tlvStart = off;
    off = ve;

    if (seenMarks[code] === seen) {
      if (code === MP_REACH || code === MP_UNREACH) {
        throw new BgpError(3, 1, Buffer.alloc(0), `attribute ${code} appears twice`);
      }
      res.problems.push(`discarded duplicate attribute ${code}`);
      continue;
    }
    seenMarks[code] = seen;

    const known = KNOWN_FLAGS[code];
    if (known === undefined) {
      if (!(flags & OPTIONAL)) {
        throw new BgpError(3, 2, buf.subarray(tlvStart, ve), `unrecognized well-known attribute ${code}`);
      }
      // Unknown optional: transitive ones are kept as-is; non-transitive ones are dropped quietly.
      if (flags & 0x40) {
        const u: UnknownAttribute = { flags, code, value: Buffer.from(buf.subarray(vs, ve)) };
        (a.unknown ??= []).push(u);
        kept.add(tlvStart, ve);
      }
      continue;
    }
    if ((flags & 0xc0) !== known) {
      // RFC 7606 §3.c: a flags conflict is treat-as-withdraw even for attributes whose malformed
      // value would only be discarded; only the session-reset attributes keep their stronger rule.
      if (MALFORMED_ACTION[code] === Action.DISCARD) withdraw(res, `attribute ${code}: flags conflict with the type code`);
      else malformed(res, buf, code, tlvStart, ve, 'attribute flags conflict with the type code');
      continue;
    }
    if (!decodeOne(buf, code, tlvStart, vs, ve, opts, res)) continue;
    if (code !== MP_REACH && code !== MP_UNREACH) kept.add(tlvStart, ve);
  }
  if (!opts.as4) finishAs4(a, a.as4Path, res);
}

/**
 * Attribute codes seen in the UPDATE being walked: seenMarks[code] === the walk's mark. One array for
 * every walk (decoding is never re-entered midway), so no set is allocated per UPDATE.
 */
const seenMarks = new Uint32Array(256);
let seenMark = 0;

function nextSeenMark(): number {
  if (++seenMark > 0xfffffff0) {
    seenMarks.fill(0);
    seenMark = 1;
  }
  return seenMark;
}

/** RFC 7606 §7: the action for a malformed attribute (its TLV is buf[tlvStart, ve)). Returns false: not kept. */
function malformed(res: DecodedUpdate, buf: Buffer, code: number, tlvStart: number, ve: number, why: string): false {
  const act = MALFORMED_ACTION[code];
  if (act === Action.RESET) throw new BgpError(3, 9, buf.subarray(tlvStart, ve), why);
  if (act === Action.DISCARD) res.problems.push(`discarded attribute ${code}: ${why}`);
  else withdraw(res, `attribute ${code}: ${why}`);
  return false;
}

/** No confederation segments (types 3 and 4), which AS4_PATH must not carry. */
function confedFree(path: AsPathSegment[]): boolean {
  for (const seg of path) if (seg.type > 2) return false;
  return true;
}

/** RFC 6793 §4.2.3: combine AS4_PATH/AS4_AGGREGATOR into the 2-byte attributes. */
function finishAs4(a: PathAttributes, as4Path: AsPathSegment[] | undefined, res: DecodedUpdate): void {
  let useAs4Path = as4Path !== undefined;
  if (a.aggregator && a.aggregator.asn !== AS_TRANS) {
    // The aggregating speaker was 2-byte only: AS4 attributes are stale and ignored.
    if (a.as4Aggregator || as4Path) res.problems.push('AS4_PATH/AS4_AGGREGATOR ignored: AGGREGATOR is not AS_TRANS');
    useAs4Path = false;
  } else if (a.aggregator && a.as4Aggregator) {
    a.aggregator = { asn: a.as4Aggregator.asn, address: a.as4Aggregator.address };
  }
  if (useAs4Path && a.asPath && as4Path) a.asPath = mergeAs4Path(a.asPath, as4Path);
}

function decodeOne(buf: Buffer, code: number, tlvStart: number, vs: number, ve: number, opts: DecodeOptions, res: DecodedUpdate): boolean {
  const a = res.attrs;
  const len = ve - vs;
  switch (code) {
    case AttrType.ORIGIN:
      if (len !== 1 || buf[vs] > 2) return malformed(res, buf, code, tlvStart, ve, 'ORIGIN must be one byte 0..2');
      a.origin = buf[vs];
      return true;
    case AttrType.AS_PATH: {
      const p = parseAsPath(buf, vs, ve, opts.as4 ? 4 : 2);
      if (!p) return malformed(res, buf, code, tlvStart, ve, 'malformed AS_PATH');
      if (hasAsZero(p)) return malformed(res, buf, code, tlvStart, ve, 'AS 0 in AS_PATH (RFC 7607)');
      a.asPath = p;
      return true;
    }
    case AttrType.NEXT_HOP:
      if (len !== 4) return malformed(res, buf, code, tlvStart, ve, 'NEXT_HOP length is not 4');
      a.nextHop = formatIPv4(buf.readUInt32BE(vs));
      return true;
    case AttrType.MED:
      if (len !== 4) return malformed(res, buf, code, tlvStart, ve, 'MED length is not 4');
      a.med = buf.readUInt32BE(vs);
      return true;
    case AttrType.LOCAL_PREF:
      if (len !== 4) return malformed(res, buf, code, tlvStart, ve, 'LOCAL_PREF length is not 4');
      a.localPref = buf.readUInt32BE(vs);
      return true;
    case AttrType.ATOMIC_AGGREGATE:
      if (len !== 0) return malformed(res, buf, code, tlvStart, ve, 'ATOMIC_AGGREGATE length is not 0');
      a.atomicAggregate = true;
      return true;
    case AttrType.AGGREGATOR: {
      const w = opts.as4 ? 4 : 2;
      if (len !== w + 4) return malformed(res, buf, code, tlvStart, ve, `AGGREGATOR length is not ${w + 4}`);
      const asn = w === 4 ? buf.readUInt32BE(vs) : buf.readUInt16BE(vs);
      if (asn === 0) return malformed(res, buf, code, tlvStart, ve, 'AGGREGATOR with AS 0 (RFC 7607)');
      a.aggregator = { asn, address: formatIPv4(buf.readUInt32BE(vs + w)) };
      return true;
    }
    case AttrType.COMMUNITIES: {
      if (len === 0 || len % 4 !== 0) return malformed(res, buf, code, tlvStart, ve, 'COMMUNITIES length is not a positive multiple of 4');
      const cs = new Array<number>(len / 4);
      for (let i = 0; i < cs.length; i++) cs[i] = buf.readUInt32BE(vs + 4 * i);
      a.communities = cs;
      return true;
    }
    case AttrType.ORIGINATOR_ID:
      if (len !== 4) return malformed(res, buf, code, tlvStart, ve, 'ORIGINATOR_ID length is not 4');
      a.originatorId = formatIPv4(buf.readUInt32BE(vs));
      return true;
    case AttrType.CLUSTER_LIST: {
      if (len === 0 || len % 4 !== 0) return malformed(res, buf, code, tlvStart, ve, 'CLUSTER_LIST length is not a positive multiple of 4');
      const ids: string[] = [];
      for (let o = vs; o < ve; o += 4) ids.push(formatIPv4(buf.readUInt32BE(o)));
      a.clusterList = ids;
      return true;
    }
    case AttrType.EXTENDED_COMMUNITIES: {
      if (len === 0 || len % 8 !== 0) return malformed(res, buf, code, tlvStart, ve, 'EXTENDED_COMMUNITIES length is not a positive multiple of 8');
      const out: string[] = [];
      for (let o = vs; o < ve; o += 8) out.push(formatExtCommunity(buf, o));
      a.extCommunities = out;
      return true;
    }
    case AttrType.LARGE_COMMUNITIES: {
      if (len === 0 || len % 12 !== 0) return malformed(res, buf, code, tlvStart, ve, 'LARGE_COMMUNITY length is not a positive multiple of 12');
      const out: [number, number, number][] = [];
      for (let o = vs; o < ve; o += 12) out.push([buf.readUInt32BE(o), buf.readUInt32BE(o + 4), buf.readUInt32BE(o + 8)]);
      a.largeCommunities = out;
      return true;
    }
    case AttrType.AS4_PATH: {
      const p = parseAsPath(buf, vs, ve, 4);
      if (!p || !confedFree(p)) return malformed(res, buf, code, tlvStart, ve, 'malformed AS4_PATH');
      if (hasAsZero(p)) return malformed(res, buf, code, tlvStart, ve, 'AS 0 in AS4_PATH (RFC 7607)');
      a.as4Path = p;
      return true;
    }
    case AttrType.AS4_AGGREGATOR:
      if (len !== 8) return malformed(res, buf, code, tlvStart, ve, 'AS4_AGGREGATOR length is not 8');
      if (buf.readUInt32BE(vs) === 0) return malformed(res, buf, code, tlvStart, ve, 'AS4_AGGREGATOR with AS 0 (RFC 7607)');
      a.as4Aggregator = { asn: buf.readUInt32BE(vs), address: formatIPv4(buf.readUInt32BE(vs + 4)) };
      return true;
    case AttrType.MP_REACH_NLRI: {
      if (len < 5) return malformed(res, buf, code, tlvStart, ve, 'MP_REACH_NLRI shorter than 5 bytes');
      const afi = buf.readUInt16BE(vs);
      const safi = buf[vs + 2];
      const nhl = buf[vs + 3];
      const ns = vs + 5 + nhl;
      if (ns > ve) return malformed(res, buf, code, tlvStart, ve, 'MP_REACH_NLRI next hop overruns the attribute');
      const bits = safi === 1 ? maxBits(afi) : -1;
      if (bits > 0) {
        if (countPrefixes(buf, ns, ve, bits, hasPathIds(res.addPath, afi, safi)) < 0) return malformed(res, buf, code, tlvStart, ve, 'malformed NLRI in MP_REACH_NLRI');
        if (afi === 1 ? nhl !== 4 && nhl !== 16 && nhl !== 32 : nhl !== 16 && nhl !== 32) {
          return malformed(res, buf, code, tlvStart, ve, `next hop length ${nhl} for AFI ${afi}`);
        }
      }
      const nextHop = Buffer.from(buf.subarray(vs + 4, vs + 4 + nhl));
      res.mpReach = { afi, safi, nextHop, start: ns, end: ve };
      a.mpReach = { afi, safi, ...formatMpNextHop(afi, nextHop), nlri: [] };
      return true;
    }
    case AttrType.MP_UNREACH_NLRI: {
      if (len < 3) return malformed(res, buf, code, tlvStart, ve, 'MP_UNREACH_NLRI shorter than 3 bytes');
      const afi = buf.readUInt16BE(vs);
      const safi = buf[vs + 2];
      const bits = safi === 1 ? maxBits(afi) : -1;
      if (bits > 0 && countPrefixes(buf, vs + 3, ve, bits, hasPathIds(res.addPath, afi, safi)) < 0) return malformed(res, buf, code, tlvStart, ve, 'malformed withdrawn routes in MP_UNREACH_NLRI');
      res.mpUnreach = { afi, safi, start: vs + 3, end: ve };
      a.mpUnreach = { afi, safi, withdraw: [] };
      return true;
    }
  }
  return false;
}

/**
 * Decodes a stored attribute key (see DecodedUpdate.attrKey) back into typed attributes.
 * Used lazily when a route's attributes are displayed.
 */
export function decodeAttrKey(key: string): PathAttributes {
  const tlvs = attrKeyTlvs(key);
  const body = Buffer.alloc(4 + tlvs.length);
  body.writeUInt16BE(tlvs.length, 2);
  tlvs.copy(body, 4);
  const d = decodeUpdate(body, 0, body.length, { as4: attrKeyAs4(key) });
  const nh = attrKeyMpNextHop(key);
  // The MP next hop is part of the route's identity; show it as an MP_REACH without prefixes.
  if (nh) d.attrs.mpReach = { afi: nh.length === 4 ? 1 : 2, safi: 1, ...formatMpNextHop(1, nh), nlri: [] };
  return d.attrs;
}
