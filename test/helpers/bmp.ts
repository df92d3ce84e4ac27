// Hand-built BMP messages (RFC 7854) for codec and station tests. The BGP PDUs inside come
// from bgp-core's encoders; the BMP framing around them is written out field by field here.
import {
  emptyCapabilities,
  encodeAttributes,
  encodeNotification,
  encodeOpen,
  parseIPv4,
  parseIPv6,
  parsePrefix,
  type Capabilities,
  type PathAttributes,
} from '../../bgp-core';

export function common(type: number, body: Buffer, version = 3): Buffer {
  const h = Buffer.alloc(6);
  h[0] = version;
  h.writeUInt32BE(6 + body.length, 1);
  h[5] = type;
  return Buffer.concat([h, body]);
}

function address16(a: string): Buffer {
  if (a.includes(':')) return parseIPv6(a);
  const b = Buffer.alloc(16);
  b.writeUInt32BE(parseIPv4(a), 12);
  return b;
}

export interface PeerSpec {
  address?: string;
  asn?: number;
  bgpId?: string;
  peerType?: number;
  postPolicy?: boolean;
  legacyAsPath?: boolean;
  /** O flag: Adj-RIB-Out (RFC 8671). */
  adjRibOut?: boolean;
  timestamp?: number;
}

export function perPeer(p: PeerSpec = {}): Buffer {
  const address = p.address ?? '192.0.2.2';
  const b = Buffer.alloc(42);
  b[0] = p.peerType ?? 0;
  b[1] = (address.includes(':') ? 0x80 : 0) | (p.postPolicy ? 0x40 : 0) | (p.legacyAsPath ? 0x20 : 0) | (p.adjRibOut ? 0x10 : 0);
  address16(address).copy(b, 10);
  b.writeUInt32BE(p.asn ?? 65002, 26);
  b.writeUInt32BE(parseIPv4(p.bgpId ?? '192.0.2.2'), 30);
  b.writeUInt32BE(p.timestamp ?? 1_700_000_000, 34);
  return b;
}

function tlv(type: number, value: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16BE(type, 0);
  h.writeUInt16BE(value.length, 2);
  return Buffer.concat([h, value]);
}

export function initiation(sysName: string, sysDescr: string): Buffer {
  return common(4, Buffer.concat([tlv(2, Buffer.from(sysName)), tlv(1, Buffer.from(sysDescr)), tlv(0, Buffer.from('hello'))]));
}

export function termination(reason: number): Buffer {
  const r = Buffer.alloc(2);
  r.writeUInt16BE(reason, 0);
  return common(5, Buffer.concat([tlv(0, Buffer.from('bye')), tlv(1, r)]));
}

export function caps(o: Partial<Capabilities> = {}): Capabilities {
  return { ...emptyCapabilities(), multiprotocol: [[1, 1], [2, 1]], routeRefresh: true, fourOctetAs: 65001, ...o };
}

export function open(asn: number, bgpId: string, c: Capabilities, holdTime = 90): Buffer {
  return encodeOpen({ asn, holdTime, bgpId, capabilities: c });
}

export function peerUp(p: PeerSpec, sent: Buffer, received: Buffer, localAddress = '192.0.2.1'): Buffer {
  const ports = Buffer.alloc(4);
  ports.writeUInt16BE(179, 0);
  ports.writeUInt16BE(40000, 2);
  return common(3, Buffer.concat([perPeer(p), address16(localAddress), ports, sent, received]));
}

export function peerDown(p: PeerSpec, reason: number, data: Buffer = Buffer.alloc(0)): Buffer {
  return common(2, Buffer.concat([perPeer(p), Buffer.from([reason]), data]));
}

export function peerDownNotification(p: PeerSpec, reason: 1 | 3, code: number, subcode: number, data?: Buffer): Buffer {
  return peerDown(p, reason, encodeNotification(code, subcode, data));
}

/** Statistics: [type, value] pairs as 32-bit counters, [type, value, 8] as 64-bit gauges, [type, value, afi, safi] per family. */
export function statistics(p: PeerSpec, stats: number[][]): Buffer {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(stats.length, 0);
  const tlvs = stats.map(([type, value, a, b]) => {
    if (a === undefined) {
      const v = Buffer.alloc(4);
      v.writeUInt32BE(value, 0);
      return tlv(type, v);
    }
    if (b === undefined) {
      const v = Buffer.alloc(8);
      v.writeBigUInt64BE(BigInt(value), 0);
      return tlv(type, v);
    }
    const v = Buffer.alloc(11);
    v.writeUInt16BE(a, 0);
    v[2] = b;
    v.writeBigUInt64BE(BigInt(value), 3);
    return tlv(type, v);
  });
  return common(1, Buffer.concat([perPeer(p), count, ...tlvs]));
}

export function routeMonitoring(p: PeerSpec, update: Buffer): Buffer {
  return common(0, Buffer.concat([perPeer(p), update]));
}

export function routeMirroring(p: PeerSpec): Buffer {
  return common(6, Buffer.concat([perPeer(p), tlv(1, Buffer.from([0, 0]))]));
}

/** One prefix in Add-Path NLRI encoding (RFC 7911 §3): 4-byte path identifier, length, prefix bytes. */
export function pathNlri(pathId: number, prefix: string): Buffer {
  const p = parsePrefix(prefix);
  const nb = (p.len + 7) >> 3;
  const b = Buffer.alloc(5 + nb);
  b.writeUInt32BE(pathId, 0);
  b[4] = p.len;
  if (p.afi === 1) {
    const a = Buffer.alloc(4);
    a.writeUInt32BE(p.v4, 0);
    a.copy(b, 5, 0, nb);
  } else p.v6.copy(b, 5, 0, nb);
  return b;
}

export interface AddPathUpdateSpec {
  /** Attributes without MP_REACH / MP_UNREACH (4-byte AS encoding). */
  attrs?: PathAttributes;
  /** IPv4 NLRI and withdrawn routes as [path identifier, prefix]. */
  nlri?: [number, string][];
  withdraw?: [number, string][];
  /** IPv6 unicast in MP_REACH_NLRI / MP_UNREACH_NLRI, with path identifiers. */
  mpReach?: { nextHop: string; nlri: [number, string][] };
  mpUnreach?: [number, string][];
}

/** An UPDATE whose NLRI carry Add-Path path identifiers, written out field by field. */
export function addPathUpdate(s: AddPathUpdateSpec): Buffer {
  const list = (xs: [number, string][] = []): Buffer => Buffer.concat(xs.map(([id, p]) => pathNlri(id, p)));
  const mpAttr = (code: number, value: Buffer): Buffer => {
    const h = Buffer.from([0x90, code, 0, 0]); // optional, extended length
    h.writeUInt16BE(value.length, 2);
    return Buffer.concat([h, value]);
  };
  const parts: Buffer[] = [];
  if (s.mpReach) {
    const nh = parseIPv6(s.mpReach.nextHop);
    parts.push(mpAttr(14, Buffer.concat([Buffer.from([0, 2, 1, nh.length]), nh, Buffer.from([0]), list(s.mpReach.nlri)])));
  }
  if (s.mpUnreach) parts.push(mpAttr(15, Buffer.concat([Buffer.from([0, 2, 1]), list(s.mpUnreach)])));
  if (s.attrs) parts.push(encodeAttributes(s.attrs, { as4: true }));
  const attrs = Buffer.concat(parts);
  const withdrawn = list(s.withdraw);
  const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 255]);
  const body = Buffer.concat([u16(withdrawn.length), withdrawn, u16(attrs.length), attrs, list(s.nlri)]);
  return Buffer.concat([Buffer.alloc(16, 0xff), u16(19 + body.length), Buffer.from([2]), body]);
}
