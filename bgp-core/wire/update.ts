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
  // keyParts[0] is the key's head, set once the MP next hop is known; the kept TLVs follow.
  const keyParts: string[] = [''];
  walkAttributes(buf, attrStart, attrEnd, opts, res, keyParts);

  const a = res.attrs;
  const hasV4Nlri = end > attrEnd;
  const hasMpNlri = res.mpReach !== null && res.mpReach.end > res.mpReach.start;
  if (hasV4Nlri || hasMpNlri) {
    // RFC 7606 §3.d: a missing well-known mandatory attribute means treat-as-withdraw.
    if (a.origin === undefined) withdraw(res, 'missing ORIGIN');
    if (a.asPath === undefined) withdraw(res, 'missing AS_PATH');
    if (hasV4Nlri && a.nextHop === undefined) withdraw(res, 'missing NEXT_HOP');
  }
  keyParts[0] = attrKeyHead(opts.as4, res.mpReach ? res.mpReach.nextHop : null);
  res.attrKey = keyParts.join('');
  if (
    res.mpUnreach &&
    res.mpUnreach.start === res.mpUnreach.end &&
    !res.mpReach &&
    wl === 0 &&
    !hasV4Nlri &&
    keyParts.length === 1
  ) {
    res.endOfRib = [res.mpUnreach.afi, res.mpUnreach.safi];
  }
  return res;
}

function withdraw(res: DecodedUpdate, why: string): void {
  res.treatAsWithdraw = true;
  res.problems.push(`treat-as-withdraw: ${why}`);
}

const hasAsZero = (path: AsPathSegment[]): boolean => path.some((seg) => seg.asns.includes(0));

function maxBits(afi: number): number {
  return afi === 1 ? 32 : afi === 2 ? 128 : -1;
}

function walkAttributes(
  buf: Buffer,
  start: number,
  end: number,
  opts: DecodeOptions,
  res: DecodedUpdate,
  keyParts: string[],
): void {
  const a = res.attrs;
  const seen = new Set<number>();
  let as4Path: AsPathSegment[] | undefined;
  let off = start;
  while (off < end) {
    if (off + 3 > end) {
      withdraw(res, 'truncated attribute header');
      return;
    }
    const flags = buf[off];
    const code = buf[off + 1];
    const ext = (flags & FLAG_EXTENDED_LENGTH) !== 0;
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

    if (seen.has(code)) {
      if (code === AttrType.MP_REACH_NLRI || code === AttrType.MP_UNREACH_NLRI) {
        throw new BgpError(3, 1, Buffer.alloc(0), `attribute ${code} appears twice`);
      }
      res.problems.push(`discarded duplicate attribute ${code}`);
      continue;
    }
    seen.add(code);

    const known = ATTR_FLAGS[code];
    if (known === undefined) {
      if (!(flags & FLAG_OPTIONAL)) {
        throw new BgpError(3, 2, buf.subarray(tlvStart, ve), `unrecognized well-known attribute ${code}`);
      }
      // Unknown optional: transitive ones are kept as-is; non-transitive ones are dropped quietly.
      if (flags & 0x40) {
        const u: UnknownAttribute = { flags, code, value: Buffer.from(buf.subarray(vs, ve)) };
        (a.unknown ??= []).push(u);
        keyParts.push(buf.toString('latin1', tlvStart, ve));
      }
      continue;
    }
    const malformed = (why: string): void => {
      const act = MALFORMED_ACTION[code];
      if (act === Action.RESET) throw new BgpError(3, 9, buf.subarray(tlvStart, ve), why);
      if (act === Action.DISCARD) res.problems.push(`discarded attribute ${code}: ${why}`);
      else withdraw(res, `attribute ${code}: ${why}`);
    };
    if ((flags & 0xc0) !== known) {
      // RFC 7606 §3.c: a flags conflict is treat-as-withdraw even for attributes whose malformed
      // value would only be discarded; only the session-reset attributes keep their stronger rule.
      if (MALFORMED_ACTION[code] === Action.DISCARD) withdraw(res, `attribute ${code}: flags conflict with the type code`);
      else malformed('attribute flags conflict with the type code');
      continue;
    }
    if (!decodeOne(buf, code, vs, ve, opts, res, malformed, (p) => (as4Path = p))) continue;
    if (code !== AttrType.MP_REACH_NLRI && code !== AttrType.MP_UNREACH_NLRI) keyParts.push(buf.toString('latin1', tlvStart, ve));
  }
  if (!opts.as4) finishAs4(a, as4Path, res);
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

function decodeOne(
  buf: Buffer,
  code: number,
  vs: number,
  ve: number,
  opts: DecodeOptions,
  res: DecodedUpdate,
  malformed: (why: string) => void,
  setAs4Path: (p: AsPathSegment[]) => void,
): boolean {
  const a = res.attrs;
  const len = ve - vs;
  switch (code) {
    case AttrType.ORIGIN:
      if (len !== 1 || buf[vs] > 2) return malformed('ORIGIN must be one byte 0..2'), false;
      a.origin = buf[vs];
      return true;
    case AttrType.AS_PATH: {
      const p = parseAsPath(buf, vs, ve, opts.as4 ? 4 : 2);
      if (!p) return malformed('malformed AS_PATH'), false;
      if (hasAsZero(p)) return malformed('AS 0 in AS_PATH (RFC 7607)'), false;
      a.asPath = p;
      return true;
    }
    case AttrType.NEXT_HOP:
      if (len !== 4) return malformed('NEXT_HOP length is not 4'), false;
      a.nextHop = formatIPv4(buf.readUInt32BE(vs));
      return true;
    case AttrType.MED:
      if (len !== 4) return malformed('MED length is not 4'), false;
      a.med = buf.readUInt32BE(vs);
      return true;
    case AttrType.LOCAL_PREF:
      if (len !== 4) return malformed('LOCAL_PREF length is not 4'), false;
      a.localPref = buf.readUInt32BE(vs);
      return true;
    case AttrType.ATOMIC_AGGREGATE:
      if (len !== 0) return malformed('ATOMIC_AGGREGATE length is not 0'), false;
      a.atomicAggregate = true;
      return true;
    case AttrType.AGGREGATOR: {
      const w = opts.as4 ? 4 : 2;
      if (len !== w + 4) return malformed(`AGGREGATOR length is not ${w + 4}`), false;
      const asn = w === 4 ? buf.readUInt32BE(vs) : buf.readUInt16BE(vs);
      if (asn === 0) return malformed('AGGREGATOR with AS 0 (RFC 7607)'), false;
      a.aggregator = { asn, address: formatIPv4(buf.readUInt32BE(vs + w)) };
      return true;
    }
    case AttrType.COMMUNITIES: {
      if (len === 0 || len % 4 !== 0) return malformed('COMMUNITIES length is not a positive multiple of 4'), false;
      const cs = new Array<number>(len / 4);
      for (let i = 0; i < cs.length; i++) cs[i] = buf.readUInt32BE(vs + 4 * i);
      a.communities = cs;
      return true;
    }
    case AttrType.ORIGINATOR_ID:
      if (len !== 4) return malformed('ORIGINATOR_ID length is not 4'), false;
      a.originatorId = formatIPv4(buf.readUInt32BE(vs));
      return true;
    case AttrType.CLUSTER_LIST: {
      if (len === 0 || len % 4 !== 0) return malformed('CLUSTER_LIST length is not a positive multiple of 4'), false;
      const ids: string[] = [];
      for (let o = vs; o < ve; o += 4) ids.push(formatIPv4(buf.readUInt32BE(o)));
      a.clusterList = ids;
      return true;
    }
    case AttrType.EXTENDED_COMMUNITIES: {
      if (len === 0 || len % 8 !== 0) return malformed('EXTENDED_COMMUNITIES length is not a positive multiple of 8'), false;
      const out: string[] = [];
      for (let o = vs; o < ve; o += 8) out.push(formatExtCommunity(buf, o));
      a.extCommunities = out;
      return true;
    }
    case AttrType.LARGE_COMMUNITIES: {
      if (len === 0 || len % 12 !== 0) return malformed('LARGE_COMMUNITY length is not a positive multiple of 12'), false;
      const out: [number, number, number][] = [];
      for (let o = vs; o < ve; o += 12) out.push([buf.readUInt32BE(o), buf.readUInt32BE(o + 4), buf.readUInt32BE(o + 8)]);
      a.largeCommunities = out;
      return true;
    }
    case AttrType.AS4_PATH: {
      const p = parseAsPath(buf, vs, ve, 4);
      if (!p || p.some((s) => s.type > 2)) return malformed('malformed AS4_PATH'), false;
      if (hasAsZero(p)) return malformed('AS 0 in AS4_PATH (RFC 7607)'), false;
      a.as4Path = p;
      setAs4Path(p);
      return true;
    }
    case AttrType.AS4_AGGREGATOR:
      if (len !== 8) return malformed('AS4_AGGREGATOR length is not 8'), false;
      if (buf.readUInt32BE(vs) === 0) return malformed('AS4_AGGREGATOR with AS 0 (RFC 7607)'), false;
      a.as4Aggregator = { asn: buf.readUInt32BE(vs), address: formatIPv4(buf.readUInt32BE(vs + 4)) };
      return true;
    case AttrType.MP_REACH_NLRI: {
      if (len < 5) return malformed('MP_REACH_NLRI shorter than 5 bytes'), false;
      const afi = buf.readUInt16BE(vs);
      const safi = buf[vs + 2];
      const nhl = buf[vs + 3];
      const ns = vs + 5 + nhl;
      if (ns > ve) return malformed('MP_REACH_NLRI next hop overruns the attribute'), false;
      const bits = safi === 1 ? maxBits(afi) : -1;
      if (bits > 0) {
        if (countPrefixes(buf, ns, ve, bits, hasPathIds(res.addPath, afi, safi)) < 0) return malformed('malformed NLRI in MP_REACH_NLRI'), false;
        if (afi === 1 ? nhl !== 4 && nhl !== 16 && nhl !== 32 : nhl !== 16 && nhl !== 32) {
          return malformed(`next hop length ${nhl} for AFI ${afi}`), false;
        }
      }
      const nextHop = Buffer.from(buf.subarray(vs + 4, vs + 4 + nhl));
      res.mpReach = { afi, safi, nextHop, start: ns, end: ve };
      a.mpReach = { afi, safi, ...formatMpNextHop(afi, nextHop), nlri: [] };
      return true;
    }
    case AttrType.MP_UNREACH_NLRI: {
      if (len < 3) return malformed('MP_UNREACH_NLRI shorter than 3 bytes'), false;
      const afi = buf.readUInt16BE(vs);
      const safi = buf[vs + 2];
      const bits = safi === 1 ? maxBits(afi) : -1;
      if (bits > 0 && countPrefixes(buf, vs + 3, ve, bits, hasPathIds(res.addPath, afi, safi)) < 0) return malformed('malformed withdrawn routes in MP_UNREACH_NLRI'), false;
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
