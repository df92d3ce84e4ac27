// OPEN message and capabilities (RFC 4271 §4.2, RFC 5492, RFC 9072 extended optional parameters).
import { AS_TRANS, Cap, HEADER_LEN, MsgType } from './constants';
import { BgpError, u16 } from './errors';
import { writeHeader } from './header';
import { formatIPv4, parseIPv4 } from './ip';

export type AfiSafi = readonly [number, number];

export interface GracefulRestartCap {
  restartTime: number;
  restarting: boolean;
  families: { afi: number; safi: number; forwarding: boolean }[];
}

export interface Capabilities {
  multiprotocol: AfiSafi[];
  routeRefresh: boolean;
  /** Pre-standard route refresh (code 128); counts as route refresh when received. */
  ciscoRouteRefresh: boolean;
  enhancedRouteRefresh: boolean;
  /** The 4-octet AS number when capability 65 is present. */
  fourOctetAs: number | null;
  extendedMessage: boolean;
  gracefulRestart: GracefulRestartCap | null;
  addPath: { afi: number; safi: number; mode: number }[];
  fqdn: { hostname: string; domain: string } | null;
  unknown: { code: number; value: Buffer }[];
}

export function emptyCapabilities(): Capabilities {
  return {
    multiprotocol: [],
    routeRefresh: false,
    ciscoRouteRefresh: false,
    enhancedRouteRefresh: false,
    fourOctetAs: null,
    extendedMessage: false,
    gracefulRestart: null,
    addPath: [],
    fqdn: null,
    unknown: [],
  };
}

export interface OpenMessage {
  version: number;
  /** The 2-byte "My Autonomous System" field (AS_TRANS when the real AS needs 4 bytes). */
  myAs: number;
  holdTime: number;
  bgpId: number;
  capabilities: Capabilities;
}

/** The speaker's real AS: the 4-octet capability wins over the 2-byte field. */
export function openAsn(open: OpenMessage): number {
  return open.capabilities.fourOctetAs ?? open.myAs;
}

export function openBgpIdText(open: OpenMessage): string {
  return formatIPv4(open.bgpId);
}

function capTlv(code: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([code, value.length]), value]);
}

export function encodeCapabilities(c: Capabilities): Buffer[] {
  const out: Buffer[] = [];
  for (const [afi, safi] of c.multiprotocol) {
    const v = Buffer.alloc(4);
    v.writeUInt16BE(afi, 0);
    v[3] = safi;
    out.push(capTlv(Cap.MULTIPROTOCOL, v));
  }
  if (c.routeRefresh) out.push(capTlv(Cap.ROUTE_REFRESH, Buffer.alloc(0)));
  if (c.ciscoRouteRefresh) out.push(capTlv(Cap.CISCO_ROUTE_REFRESH, Buffer.alloc(0)));
  if (c.enhancedRouteRefresh) out.push(capTlv(Cap.ENHANCED_ROUTE_REFRESH, Buffer.alloc(0)));
  if (c.extendedMessage) out.push(capTlv(Cap.EXTENDED_MESSAGE, Buffer.alloc(0)));
  if (c.gracefulRestart) {
    const g = c.gracefulRestart;
    const v = Buffer.alloc(2 + 4 * g.families.length);
    v.writeUInt16BE(((g.restarting ? 0x8 : 0) << 12) | (g.restartTime & 0xfff), 0);
    g.families.forEach((f, i) => {
      v.writeUInt16BE(f.afi, 2 + 4 * i);
      v[4 + 4 * i] = f.safi;
      v[5 + 4 * i] = f.forwarding ? 0x80 : 0;
    });
    out.push(capTlv(Cap.GRACEFUL_RESTART, v));
  }
  if (c.fourOctetAs !== null) {
    const v = Buffer.alloc(4);
    v.writeUInt32BE(c.fourOctetAs >>> 0, 0);
    out.push(capTlv(Cap.FOUR_OCTET_AS, v));
  }
  for (const a of c.addPath) {
    const v = Buffer.alloc(4);
    v.writeUInt16BE(a.afi, 0);
    v[2] = a.safi;
    v[3] = a.mode;
    out.push(capTlv(Cap.ADD_PATH, v));
  }
  if (c.fqdn) {
    const h = Buffer.from(c.fqdn.hostname, 'utf8');
    const d = Buffer.from(c.fqdn.domain, 'utf8');
    out.push(capTlv(Cap.FQDN, Buffer.concat([Buffer.from([h.length]), h, Buffer.from([d.length]), d])));
  }
  for (const u of c.unknown) out.push(capTlv(u.code, u.value));
  return out;
}

export interface OpenParams {
  asn: number;
  holdTime: number;
  bgpId: string;
  capabilities: Capabilities;
}

/** Encodes an OPEN; ASNs above 65535 go out as AS_TRANS with the real one in capability 65. */
export function encodeOpen(p: OpenParams): Buffer {
  const caps = Buffer.concat(encodeCapabilities(p.capabilities));
  const extended = caps.length + 2 > 255;
  // RFC 9072: non-extended length 255 + type 255 + 2-byte length, params then use 2-byte lengths.
  const param = extended
    ? Buffer.concat([Buffer.from([2]), u16(caps.length), caps])
    : Buffer.concat([Buffer.from([2, caps.length]), caps]);
  const optHead = extended ? Buffer.concat([Buffer.from([255, 255]), u16(param.length)]) : Buffer.from([param.length]);
  const len = HEADER_LEN + 9 + optHead.length + param.length;
  const out = Buffer.alloc(len);
  writeHeader(out, MsgType.OPEN, len);
  let o = HEADER_LEN;
  out[o++] = 4;
  out.writeUInt16BE(p.asn > 0xffff ? AS_TRANS : p.asn, o);
  o += 2;
  out.writeUInt16BE(p.holdTime, o);
  o += 2;
  out.writeUInt32BE(parseIPv4(p.bgpId) >>> 0, o);
  o += 4;
  optHead.copy(out, o);
  o += optHead.length;
  param.copy(out, o);
  return out;
}

function decodeCapability(code: number, v: Buffer, c: Capabilities): void {
  const bad = (): never => {
    throw new BgpError(2, 0, Buffer.alloc(0), `malformed capability ${code}`);
  };
  switch (code) {
    case Cap.MULTIPROTOCOL:
      if (v.length !== 4) bad();
      c.multiprotocol.push([v.readUInt16BE(0), v[3]]);
      return;
    case Cap.ROUTE_REFRESH:
      c.routeRefresh = true;
      return;
    case Cap.CISCO_ROUTE_REFRESH:
      c.ciscoRouteRefresh = true;
      return;
    case Cap.ENHANCED_ROUTE_REFRESH:
      c.enhancedRouteRefresh = true;
      return;
    case Cap.EXTENDED_MESSAGE:
      c.extendedMessage = true;
      return;
    case Cap.FOUR_OCTET_AS:
      if (v.length !== 4) bad();
      c.fourOctetAs = v.readUInt32BE(0);
      return;
    case Cap.GRACEFUL_RESTART: {
      if (v.length < 2 || (v.length - 2) % 4 !== 0) bad();
      const w = v.readUInt16BE(0);
      const families: GracefulRestartCap['families'] = [];
      for (let i = 2; i < v.length; i += 4) {
        families.push({ afi: v.readUInt16BE(i), safi: v[i + 2], forwarding: (v[i + 3] & 0x80) !== 0 });
      }
      c.gracefulRestart = { restartTime: w & 0xfff, restarting: (w & 0x8000) !== 0, families };
      return;
    }
    case Cap.ADD_PATH:
      if (v.length % 4 !== 0) bad();
      for (let i = 0; i < v.length; i += 4) c.addPath.push({ afi: v.readUInt16BE(i), safi: v[i + 2], mode: v[i + 3] });
      return;
    case Cap.FQDN: {
      if (v.length < 1 || v.length < 2 + v[0]) bad();
      const hl = v[0];
      const dl = v[1 + hl];
      if (v.length < 2 + hl + dl) bad();
      c.fqdn = { hostname: v.toString('utf8', 1, 1 + hl), domain: v.toString('utf8', 2 + hl, 2 + hl + dl) };
      return;
    }
    default:
      c.unknown.push({ code, value: Buffer.from(v) });
  }
}

/** Decodes the OPEN body at buf[start, end). Throws BgpError with the OPEN-error subcode. */
export function decodeOpen(buf: Buffer, start: number, end: number): OpenMessage {
  if (end - start < 10) throw new BgpError(1, 2, u16(end - start + HEADER_LEN));
  const version = buf[start];
  if (version !== 4) throw new BgpError(2, 1, u16(4), `version ${version}`);
  const myAs = buf.readUInt16BE(start + 1);
  const holdTime = buf.readUInt16BE(start + 3);
  if (holdTime === 1 || holdTime === 2) throw new BgpError(2, 6, Buffer.alloc(0), `hold time ${holdTime}`);
  const bgpId = buf.readUInt32BE(start + 5);
  if (bgpId === 0) throw new BgpError(2, 3, Buffer.alloc(0), 'BGP identifier 0');
  let optLen = buf[start + 9];
  let off = start + 10;
  let extended = false;
  if (optLen === 255 && off < end && buf[off] === 255) {
    if (off + 3 > end) throw new BgpError(2, 0, Buffer.alloc(0), 'truncated extended optional parameters');
    extended = true;
    optLen = buf.readUInt16BE(off + 1);
    off += 3;
  }
  if (off + optLen !== end) throw new BgpError(2, 0, Buffer.alloc(0), 'optional parameter length mismatch');
  const caps = emptyCapabilities();
  const hl = extended ? 3 : 2;
  while (off < end) {
    if (off + hl > end) throw new BgpError(2, 0, Buffer.alloc(0), 'truncated optional parameter');
    const type = buf[off];
    const plen = extended ? buf.readUInt16BE(off + 1) : buf[off + 1];
    off += hl;
    if (off + plen > end) throw new BgpError(2, 0, Buffer.alloc(0), 'optional parameter overruns message');
    if (type !== 2) throw new BgpError(2, 4, Buffer.alloc(0), `optional parameter ${type}`);
    let c = off;
    const pend = off + plen;
    while (c < pend) {
      if (c + 2 > pend) throw new BgpError(2, 0, Buffer.alloc(0), 'truncated capability');
      const code = buf[c];
      const clen = buf[c + 1];
      if (c + 2 + clen > pend) throw new BgpError(2, 0, Buffer.alloc(0), 'capability overruns parameter');
      decodeCapability(code, buf.subarray(c + 2, c + 2 + clen), caps);
      c += 2 + clen;
    }
    off = pend;
  }
  return { version, myAs, holdTime, bgpId, capabilities: caps };
}
