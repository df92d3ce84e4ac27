// UPDATE builders: validate, then pack prefixes into as few UPDATEs as fit the message size.
import { AttrType, HEADER_LEN, MAX_MESSAGE_LEN, MsgType } from './constants';
import { EncodeError } from './errors';
import { writeHeader } from './header';
import { PathAttributes, encodeAttributes, ipv6NextHopBytes, mpReachPrefix, mpUnreachPrefix } from './attributes';
import { parsePrefix } from './ip';
import { packV4, prefixWireLen, unpackV4Addr, unpackV4Len, v6Key, v6KeyLen, writeV4Prefix, writeV6Key } from './nlri';

/** Builds IPv4 UPDATEs: withdrawals first, then announcements sharing one attribute block. */
export function buildV4Updates(attrBytes: Buffer | null, announce: readonly number[], withdraw: readonly number[], maxLen: number): Buffer[] {
  const out: Buffer[] = [];
  const emit = (wKeys: readonly number[], attrs: Buffer | null, nKeys: readonly number[], wBytes: number, nBytes: number): void => {
    const aLen = attrs ? attrs.length : 0;
    const len = HEADER_LEN + 2 + wBytes + 2 + aLen + nBytes;
    const b = Buffer.allocUnsafe(len);
    writeHeader(b, MsgType.UPDATE, len);
    let o = HEADER_LEN;
    b.writeUInt16BE(wBytes, o);
    o += 2;
    for (const k of wKeys) o = writeV4Prefix(b, o, unpackV4Addr(k), unpackV4Len(k));
    b.writeUInt16BE(aLen, o);
    o += 2;
    if (attrs) o += attrs.copy(b, o);
    for (const k of nKeys) o = writeV4Prefix(b, o, unpackV4Addr(k), unpackV4Len(k));
    out.push(b);
  };
  const room = maxLen - HEADER_LEN - 4;
  packChunks(withdraw, (k) => prefixWireLen(unpackV4Len(k)), room, (chunk, bytes) => emit(chunk, null, [], bytes, 0));
  if (announce.length > 0) {
    if (!attrBytes) throw new EncodeError('announcement without path attributes');
    const r = room - attrBytes.length;
    if (r < 5) throw new EncodeError(`path attributes (${attrBytes.length} bytes) leave no room for NLRI in ${maxLen}-byte messages`);
    packChunks(announce, (k) => prefixWireLen(unpackV4Len(k)), r, (chunk, bytes) => emit([], attrBytes, chunk, 0, bytes));
  }
  return out;
}

/** Builds MP_REACH / MP_UNREACH UPDATEs for IPv6 unicast (keys from v6Key). */
export function buildV6Updates(
  attrBytes: Buffer | null,
  nextHop: Buffer | null,
  announce: readonly string[],
  withdraw: readonly string[],
  maxLen: number,
): Buffer[] {
  const out: Buffer[] = [];
  const one = (attrs: Buffer | null, mpHead: Buffer, keys: readonly string[], bytes: number): void => {
    const aLen = (attrs ? attrs.length : 0) + mpHead.length + bytes;
    const len = HEADER_LEN + 4 + aLen;
    const b = Buffer.allocUnsafe(len);
    writeHeader(b, MsgType.UPDATE, len);
    let o = HEADER_LEN;
    b.writeUInt16BE(0, o);
    b.writeUInt16BE(aLen, o + 2);
    o += 4;
    o += mpHead.copy(b, o); // MP attribute first, as most implementations do
    for (const k of keys) o = writeV6Key(b, o, k);
    if (attrs) attrs.copy(b, o);
    out.push(b);
  };
  // 4 bytes of attribute header (extended length) + 3 AFI/SAFI.
  const wroom = maxLen - HEADER_LEN - 4 - 7;
  packChunks(withdraw, (k) => prefixWireLen(v6KeyLen(k)), wroom, (chunk, bytes) => one(null, mpUnreachPrefix(2, 1, bytes), chunk, bytes));
  if (announce.length > 0) {
    if (!attrBytes || !nextHop) throw new EncodeError('IPv6 announcement needs attributes and a next hop');
    const r = maxLen - HEADER_LEN - 4 - attrBytes.length - (4 + 5 + nextHop.length);
    if (r < 17) throw new EncodeError(`path attributes leave no room for NLRI in ${maxLen}-byte messages`);
    packChunks(announce, (k) => prefixWireLen(v6KeyLen(k)), r, (chunk, bytes) =>
      one(attrBytes, mpReachPrefix(2, 1, nextHop, bytes), chunk, bytes),
    );
  }
  return out;
}

function packChunks<K>(keys: readonly K[], size: (k: K) => number, room: number, emit: (chunk: K[], bytes: number) => void): void {
  let chunk: K[] = [];
  let bytes = 0;
  for (const k of keys) {
    const s = size(k);
    if (bytes + s > room && chunk.length > 0) {
      emit(chunk, bytes);
      chunk = [];
      bytes = 0;
    }
    chunk.push(k);
    bytes += s;
  }
  if (chunk.length > 0) emit(chunk, bytes);
}

export interface UpdateSpec {
  /** Attributes; mpReach (IPv6 announce) and mpUnreach (IPv6 withdraw) carry their prefixes. */
  attrs?: PathAttributes;
  /** IPv4 unicast prefixes to announce. */
  nlri?: string[];
  /** IPv4 unicast prefixes to withdraw. */
  withdraw?: string[];
}

export interface BuildOptions {
  as4: boolean;
  maxLength?: number;
  /** Forwarding unknown transitive attributes: set their Partial bit. */
  forwarding?: boolean;
}

export interface PreparedUpdate {
  v4Announce: number[];
  v4Withdraw: number[];
  v6Announce: string[];
  v6Withdraw: string[];
  /** Attributes without MP fields. */
  attrs: PathAttributes;
  v6NextHop: Buffer | null;
}

/** Validates an UpdateSpec and turns its prefixes into compact keys. Throws EncodeError. */
export function prepareUpdate(spec: UpdateSpec): PreparedUpdate {
  const attrs: PathAttributes = { ...(spec.attrs ?? {}) };
  const mpReach = attrs.mpReach;
  const mpUnreach = attrs.mpUnreach;
  delete attrs.mpReach;
  delete attrs.mpUnreach;
  const res: PreparedUpdate = { v4Announce: [], v4Withdraw: [], v6Announce: [], v6Withdraw: [], attrs, v6NextHop: null };
  const v4 = (list: string[] | undefined, into: number[], what: string): void => {
    for (const t of list ?? []) {
      const p = wrap(what, () => parsePrefix(t));
      if (p.afi !== 1) throw new EncodeError(`${what}: "${t}" is not an IPv4 prefix (use attribute 14/15)`);
      into.push(packV4(p.v4, p.len));
    }
  };
  v4(spec.nlri, res.v4Announce, 'nlri');
  v4(spec.withdraw, res.v4Withdraw, 'withdraw');
  if (mpReach) {
    if (mpReach.afi !== 2 || mpReach.safi !== 1) {
      throw new EncodeError(`attribute 14 (MP_REACH_NLRI): address family unsupported, afi=${mpReach.afi},safi=${mpReach.safi}`);
    }
    res.v6NextHop = wrap('attribute 14 (MP_REACH_NLRI)', () => ipv6NextHopBytes(mpReach.nextHop, mpReach.linkLocalNextHop));
    for (const t of mpReach.nlri) {
      const p = wrap('attribute 14 (MP_REACH_NLRI)', () => parsePrefix(t));
      if (p.afi !== 2) throw new EncodeError(`attribute 14 (MP_REACH_NLRI): "${t}" is not an IPv6 prefix`);
      res.v6Announce.push(v6Key(p.v6, p.len));
    }
  }
  if (mpUnreach) {
    if (mpUnreach.afi !== 2 || mpUnreach.safi !== 1) {
      throw new EncodeError(`attribute 15 (MP_UNREACH_NLRI): address family unsupported, afi=${mpUnreach.afi},safi=${mpUnreach.safi}`);
    }
    for (const t of mpUnreach.withdraw) {
      const p = wrap('attribute 15 (MP_UNREACH_NLRI)', () => parsePrefix(t));
      if (p.afi !== 2) throw new EncodeError(`attribute 15 (MP_UNREACH_NLRI): "${t}" is not an IPv6 prefix`);
      res.v6Withdraw.push(v6Key(p.v6, p.len));
    }
  }
  if (res.v4Announce.length > 0 || res.v6Announce.length > 0) {
    if (attrs.origin === undefined) throw new EncodeError('attribute 1 (ORIGIN) is mandatory when announcing');
    if (attrs.asPath === undefined) attrs.asPath = [];
  }
  if (res.v4Announce.length > 0 && attrs.nextHop === undefined) {
    throw new EncodeError('attribute 3 (NEXT_HOP) is mandatory when announcing IPv4 prefixes');
  }
  return res;
}

function wrap<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new EncodeError(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Validates and encodes an UpdateSpec into one or more UPDATE messages. */
export function buildUpdates(spec: UpdateSpec, opts: BuildOptions): Buffer[] {
  const p = prepareUpdate(spec);
  const maxLen = opts.maxLength ?? MAX_MESSAGE_LEN;
  const needAttrs = p.v4Announce.length > 0 || p.v6Announce.length > 0;
  const attrBytes = needAttrs ? encodeAttributes(p.attrs, { as4: opts.as4, forwarding: opts.forwarding }) : null;
  return [
    ...buildV4Updates(attrBytes, p.v4Announce, p.v4Withdraw, maxLen),
    ...buildV6Updates(attrBytes, p.v6NextHop, p.v6Announce, p.v6Withdraw, maxLen),
  ];
}

/** End-of-RIB marker (RFC 4724). */
export function encodeEndOfRib(afi: number, safi: number): Buffer {
  if (afi === 1 && safi === 1) {
    const b = Buffer.alloc(HEADER_LEN + 4);
    writeHeader(b, MsgType.UPDATE, b.length);
    return b;
  }
  const b = Buffer.alloc(HEADER_LEN + 4 + 6);
  writeHeader(b, MsgType.UPDATE, b.length);
  b.writeUInt16BE(6, HEADER_LEN + 2);
  b[HEADER_LEN + 4] = 0x80;
  b[HEADER_LEN + 5] = AttrType.MP_UNREACH_NLRI;
  b[HEADER_LEN + 6] = 3;
  b.writeUInt16BE(afi, HEADER_LEN + 7);
  b[HEADER_LEN + 9] = safi;
  return b;
}
