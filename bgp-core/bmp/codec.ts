// BMP (BGP Monitoring Protocol, RFC 7854) decoding. The BGP PDUs that BMP carries (OPEN, UPDATE,
// NOTIFICATION) go through the wire/ decoders; this file only frames BMP and reads its own fields.
import {
  AddPathFamilies,
  BgpError,
  DecodedUpdate,
  HEADER_LEN,
  MAX_EXTENDED_MESSAGE_LEN,
  MsgType,
  NotificationMessage,
  OpenMessage,
  checkHeader,
  decodeNotification,
  decodeOpen,
  decodeUpdate,
  formatIPv4,
  formatIPv6,
} from '../wire';

export const BMP_VERSION = 3;
export const BMP_COMMON_HEADER_LEN = 6;
export const BMP_PER_PEER_HEADER_LEN = 42;
/**
 * Largest BMP message accepted. The biggest legal content is a Route Monitoring or Route Mirroring
 * message around one extended (65,535-byte) BGP message, or a Peer Up with two OPENs and its TLVs;
 * a length above this is a broken or hostile stream, never a reason to allocate.
 */
export const BMP_MAX_MESSAGE_LEN = 256 * 1024;

export const enum BmpType {
  ROUTE_MONITORING = 0,
  STATISTICS_REPORT = 1,
  PEER_DOWN = 2,
  PEER_UP = 3,
  INITIATION = 4,
  TERMINATION = 5,
  ROUTE_MIRRORING = 6,
}

export const BMP_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'Route Monitoring',
  1: 'Statistics Report',
  2: 'Peer Down Notification',
  3: 'Peer Up Notification',
  4: 'Initiation',
  5: 'Termination',
  6: 'Route Mirroring',
};

/** What went wrong, so a station can log and count failures by cause. */
export type BmpErrorKind = 'version' | 'length' | 'type' | 'truncated' | 'value' | 'bgp';

/** Malformed BMP input. A station closes the router's connection on it (RFC 7854 has no error reply). */
export class BmpError extends Error {
  constructor(readonly kind: BmpErrorKind, message: string) {
    super(message);
    this.name = 'BmpError';
  }
}

/** Peer flags of the per-peer header (RFC 7854 §4.2, RFC 8671 for O). */
export interface PeerFlags {
  /** V: the peer address is IPv6. */
  ipv6: boolean;
  /** L: post-policy Adj-RIB-In (else pre-policy). */
  postPolicy: boolean;
  /** A: the UPDATEs use 2-byte AS_PATHs (legacy); clear means 4-byte AS. */
  legacyAsPath: boolean;
  /** O: Adj-RIB-Out (RFC 8671). */
  adjRibOut: boolean;
}

export interface PerPeerHeader {
  /** 0 global, 1 RD instance, 2 local instance, 3 Loc-RIB (RFC 9069). */
  peerType: number;
  flags: PeerFlags;
  /** The 8-byte peer distinguisher in hex ('0000000000000000' for a global instance peer). */
  distinguisher: string;
  address: string;
  asn: number;
  bgpId: string;
  /** Seconds since the epoch (with microseconds as a fraction); 0 when the router did not set it. */
  timestamp: number;
}

export interface InformationTlv {
  type: number;
  value: Buffer;
}

export interface InitiationMessage {
  type: BmpType.INITIATION;
  sysName: string | null;
  sysDescr: string | null;
  /** Free-form strings (TLV type 0). */
  strings: string[];
}

/** Termination reasons (RFC 7854 §4.5). */
export const TERMINATION_REASONS: Readonly<Record<number, string>> = {
  0: 'session administratively closed',
  1: 'unspecified reason',
  2: 'out of resources',
  3: 'redundant connection',
  4: 'session permanently administratively closed',
};

export interface TerminationMessage {
  type: BmpType.TERMINATION;
  reason: number | null;
  strings: string[];
}

export interface PeerUpMessage {
  type: BmpType.PEER_UP;
  peer: PerPeerHeader;
  localAddress: string;
  localPort: number;
  remotePort: number;
  sentOpen: OpenMessage;
  receivedOpen: OpenMessage;
  info: InformationTlv[];
}

/** Peer Down reasons (RFC 7854 §4.9). */
export const PEER_DOWN_REASONS: Readonly<Record<number, string>> = {
  1: 'local system closed the session with a NOTIFICATION',
  2: 'local system closed the session without a NOTIFICATION',
  3: 'remote system closed the session with a NOTIFICATION',
  4: 'remote system closed the session without a NOTIFICATION',
  5: 'peer de-configured',
};

export interface PeerDownMessage {
  type: BmpType.PEER_DOWN;
  peer: PerPeerHeader;
  reason: number;
  /** The NOTIFICATION sent (reason 1) or received (reason 3). */
  notification: NotificationMessage | null;
  /** The FSM event that closed the session (reason 2); 0 when none applies. */
  fsmEvent: number | null;
  /** Data of a reason this decoder does not know (kept, not interpreted). */
  data: Buffer | null;
}

export interface StatCounter {
  type: number;
  /** A 32-bit counter or 64-bit gauge (gauges above 2^53 lose precision; no real table is that big). */
  value: number;
  /** For per-AFI/SAFI gauges (types 9, 10 and the like). */
  afi?: number;
  safi?: number;
}

export interface StatisticsMessage {
  type: BmpType.STATISTICS_REPORT;
  peer: PerPeerHeader;
  stats: StatCounter[];
}

export interface RouteMonitoringMessage {
  type: BmpType.ROUTE_MONITORING;
  peer: PerPeerHeader;
  update: DecodedUpdate;
  /**
   * The Peer Up negotiated Add-Path for this RIB but the NLRI only parse without path identifiers
   * (as some routers send them): decoded that way instead, and flagged so it can be counted.
   */
  addPathMismatch: boolean;
}

export interface DecodeBmpOptions {
  maxLength?: number;
  /**
   * Families whose NLRI carry Add-Path path identifiers (RFC 7911) in this peer's Route Monitoring,
   * known only from its Peer Up (null or absent: none).
   */
  addPath?: (peer: PerPeerHeader) => AddPathFamilies | null;
}

export interface RouteMirroringMessage {
  type: BmpType.ROUTE_MIRRORING;
  peer: PerPeerHeader;
}

export type BmpMessage =
  | InitiationMessage
  | TerminationMessage
  | PeerUpMessage
  | PeerDownMessage
  | StatisticsMessage
  | RouteMonitoringMessage
  | RouteMirroringMessage;

/**
 * Checks the common header at buf[off..off+6) and returns the message length.
 * Only the first 6 bytes are read, so it works on a partial message.
 */
export function checkBmpHeader(buf: Buffer, off: number, maxLen = BMP_MAX_MESSAGE_LEN): number {
  const version = buf[off];
  if (version !== BMP_VERSION) throw new BmpError('version', `BMP version ${version}, expected ${BMP_VERSION}`);
  const len = buf.readUInt32BE(off + 1);
  if (len < BMP_COMMON_HEADER_LEN) throw new BmpError('length', `message length ${len} is shorter than the common header`);
  if (len > maxLen) throw new BmpError('length', `message length ${len} is over the limit of ${maxLen}`);
  const type = buf[off + 5];
  if (type > BmpType.ROUTE_MIRRORING) throw new BmpError('type', `unknown BMP message type ${type}`);
  return len;
}

function need(end: number, off: number, n: number, what: string): void {
  if (off + n > end) throw new BmpError('truncated', `${what}: needs ${n} bytes, ${Math.max(0, end - off)} left`);
}

/** Reads a 16-byte address field: IPv6 when v6, else IPv4 in its last 4 bytes. */
function readAddress(buf: Buffer, off: number, v6: boolean): string {
  return v6 ? formatIPv6(buf, off) : formatIPv4(buf.readUInt32BE(off + 12));
}

export function decodePerPeerHeader(buf: Buffer, off: number, end: number): PerPeerHeader {
  need(end, off, BMP_PER_PEER_HEADER_LEN, 'per-peer header');
  const peerType = buf[off];
  const f = buf[off + 1];
  // A Loc-RIB peer (RFC 9069) has no peer address, and its 0x80 flag means "filtered", not IPv6.
  const flags: PeerFlags = { ipv6: peerType !== 3 && (f & 0x80) !== 0, postPolicy: (f & 0x40) !== 0, legacyAsPath: (f & 0x20) !== 0, adjRibOut: (f & 0x10) !== 0 };
  return {
    peerType,
    flags,
    distinguisher: buf.toString('hex', off + 2, off + 10),
    address: readAddress(buf, off + 10, flags.ipv6),
    asn: buf.readUInt32BE(off + 26),
    bgpId: formatIPv4(buf.readUInt32BE(off + 30)),
    timestamp: buf.readUInt32BE(off + 34) + buf.readUInt32BE(off + 38) / 1e6,
  };
}

/**
 * Bounds of the BGP message at buf[off..end): checks its header (marker, length, type) and
 * returns where it ends. `expected` is the message type BMP says must be there.
 */
function bgpPdu(buf: Buffer, off: number, end: number, expected: number, what: string): number {
  need(end, off, HEADER_LEN, what);
  let len: number;
  try {
    len = checkHeader(buf, off, MAX_EXTENDED_MESSAGE_LEN);
  } catch (e) {
    throw new BmpError('bgp', `${what}: ${(e as Error).message}`);
  }
  if (buf[off + 18] !== expected) throw new BmpError('bgp', `${what}: BGP message type ${buf[off + 18]}, expected ${expected}`);
  need(end, off, len, what);
  return off + len;
}

/** Runs a wire/ decoder, turning its BgpError into a BmpError naming what was being read. */
function bgp<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof BgpError) throw new BmpError('bgp', `${what}: ${e.message}`);
    throw e;
  }
}

function decodeTlvs(buf: Buffer, off: number, end: number, what: string): InformationTlv[] {
  const out: InformationTlv[] = [];
  while (off < end) {
    need(end, off, 4, `${what} TLV header`);
    const type = buf.readUInt16BE(off);
    const len = buf.readUInt16BE(off + 2);
    need(end, off + 4, len, `${what} TLV ${type}`);
    out.push({ type, value: Buffer.from(buf.subarray(off + 4, off + 4 + len)) });
    off += 4 + len;
  }
  return out;
}

function decodeInitiation(buf: Buffer, off: number, end: number): InitiationMessage {
  const m: InitiationMessage = { type: BmpType.INITIATION, sysName: null, sysDescr: null, strings: [] };
  for (const t of decodeTlvs(buf, off, end, 'Initiation')) {
    const text = t.value.toString('utf8');
    if (t.type === 0) m.strings.push(text);
    else if (t.type === 1) m.sysDescr = text;
    else if (t.type === 2) m.sysName = text;
  }
  return m;
}

function decodeTermination(buf: Buffer, off: number, end: number): TerminationMessage {
  const m: TerminationMessage = { type: BmpType.TERMINATION, reason: null, strings: [] };
  for (const t of decodeTlvs(buf, off, end, 'Termination')) {
    if (t.type === 0) m.strings.push(t.value.toString('utf8'));
    else if (t.type === 1) {
      if (t.value.length !== 2) throw new BmpError('value', `Termination reason TLV of ${t.value.length} bytes, expected 2`);
      m.reason = t.value.readUInt16BE(0);
    }
  }
  return m;
}

function decodePeerUp(buf: Buffer, off: number, end: number): PeerUpMessage {
  const peer = decodePerPeerHeader(buf, off, end);
  off += BMP_PER_PEER_HEADER_LEN;
  need(end, off, 20, 'Peer Up local address and ports');
  const localAddress = readAddress(buf, off, peer.flags.ipv6);
  const localPort = buf.readUInt16BE(off + 16);
  const remotePort = buf.readUInt16BE(off + 18);
  off += 20;
  const sentEnd = bgpPdu(buf, off, end, MsgType.OPEN, 'Peer Up sent OPEN');
  const sentOpen = bgp('Peer Up sent OPEN', () => decodeOpen(buf, off + HEADER_LEN, sentEnd));
  const recvEnd = bgpPdu(buf, sentEnd, end, MsgType.OPEN, 'Peer Up received OPEN');
  const receivedOpen = bgp('Peer Up received OPEN', () => decodeOpen(buf, sentEnd + HEADER_LEN, recvEnd));
  const info = decodeTlvs(buf, recvEnd, end, 'Peer Up information');
  return { type: BmpType.PEER_UP, peer, localAddress, localPort, remotePort, sentOpen, receivedOpen, info };
}

function decodePeerDown(buf: Buffer, off: number, end: number): PeerDownMessage {
  const peer = decodePerPeerHeader(buf, off, end);
  off += BMP_PER_PEER_HEADER_LEN;
  need(end, off, 1, 'Peer Down reason');
  const reason = buf[off++];
  const m: PeerDownMessage = { type: BmpType.PEER_DOWN, peer, reason, notification: null, fsmEvent: null, data: null };
  switch (reason) {
    case 1:
    case 3: {
      const nEnd = bgpPdu(buf, off, end, MsgType.NOTIFICATION, 'Peer Down NOTIFICATION');
      m.notification = bgp('Peer Down NOTIFICATION', () => decodeNotification(buf, off + HEADER_LEN, nEnd));
      break;
    }
    case 2:
      need(end, off, 2, 'Peer Down FSM event code');
      m.fsmEvent = buf.readUInt16BE(off);
      break;
    case 4:
    case 5:
      break;
    default:
      // A reason from a later RFC (9069's 6, say): the peer is still down; keep the data as it is.
      m.data = Buffer.from(buf.subarray(off, end));
  }
  return m;
}

function decodeStatistics(buf: Buffer, off: number, end: number): StatisticsMessage {
  const peer = decodePerPeerHeader(buf, off, end);
  off += BMP_PER_PEER_HEADER_LEN;
  need(end, off, 4, 'Statistics count');
  const count = buf.readUInt32BE(off);
  off += 4;
  // Each counter takes at least 4 bytes, so the count is checked before any loop or allocation.
  if (count * 4 > end - off) throw new BmpError('truncated', `Statistics count ${count} does not fit in ${end - off} bytes`);
  const stats: StatCounter[] = [];
  for (let i = 0; i < count; i++) {
    need(end, off, 4, 'Statistics TLV header');
    const type = buf.readUInt16BE(off);
    const len = buf.readUInt16BE(off + 2);
    off += 4;
    need(end, off, len, `Statistics TLV ${type}`);
    if (len === 4) stats.push({ type, value: buf.readUInt32BE(off) });
    else if (len === 8) stats.push({ type, value: Number(buf.readBigUInt64BE(off)) });
    else if (len === 11) stats.push({ type, afi: buf.readUInt16BE(off), safi: buf[off + 2], value: Number(buf.readBigUInt64BE(off + 3)) });
    else throw new BmpError('value', `Statistics TLV ${type} of ${len} bytes (expected 4, 8 or 11)`);
    off += len;
  }
  return { type: BmpType.STATISTICS_REPORT, peer, stats };
}

function decodeRouteMonitoring(buf: Buffer, off: number, end: number, opts: DecodeBmpOptions): RouteMonitoringMessage {
  const peer = decodePerPeerHeader(buf, off, end);
  off += BMP_PER_PEER_HEADER_LEN;
  const uEnd = bgpPdu(buf, off, end, MsgType.UPDATE, 'Route Monitoring UPDATE');
  if (uEnd !== end) throw new BmpError('length', `Route Monitoring: ${end - uEnd} bytes after the UPDATE`);
  const as4 = !peer.flags.legacyAsPath;
  const addPath = opts.addPath?.(peer) ?? undefined;
  if (addPath) {
    try {
      return { type: BmpType.ROUTE_MONITORING, peer, update: decodeUpdate(buf, off + HEADER_LEN, uEnd, { as4, addPath }), addPathMismatch: false };
    } catch (e) {
      if (!(e instanceof BgpError)) throw e;
      // Some routers (GoBGP 3.x among them) put no path identifiers into Route Monitoring even where
      // the Peer Up's OPENs negotiated them. If the UPDATE parses without, take it that way, flagged.
      try {
        return { type: BmpType.ROUTE_MONITORING, peer, update: decodeUpdate(buf, off + HEADER_LEN, uEnd, { as4 }), addPathMismatch: true };
      } catch {
        throw new BmpError('bgp', `Route Monitoring UPDATE: ${e.message}`);
      }
    }
  }
  const update = bgp('Route Monitoring UPDATE', () => decodeUpdate(buf, off + HEADER_LEN, uEnd, { as4 }));
  return { type: BmpType.ROUTE_MONITORING, peer, update, addPathMismatch: false };
}

/** Decodes one complete BMP message (common header included). Throws BmpError when malformed. */
export function decodeBmpMessage(buf: Buffer, opts: DecodeBmpOptions = {}): BmpMessage {
  need(buf.length, 0, BMP_COMMON_HEADER_LEN, 'common header');
  const len = checkBmpHeader(buf, 0, opts.maxLength ?? BMP_MAX_MESSAGE_LEN);
  if (len !== buf.length) throw new BmpError('length', `message length ${len} but ${buf.length} bytes given`);
  const off = BMP_COMMON_HEADER_LEN;
  switch (buf[5]) {
    case BmpType.ROUTE_MONITORING:
      return decodeRouteMonitoring(buf, off, len, opts);
    case BmpType.STATISTICS_REPORT:
      return decodeStatistics(buf, off, len);
    case BmpType.PEER_DOWN:
      return decodePeerDown(buf, off, len);
    case BmpType.PEER_UP:
      return decodePeerUp(buf, off, len);
    case BmpType.INITIATION:
      return decodeInitiation(buf, off, len);
    case BmpType.TERMINATION:
      return decodeTermination(buf, off, len);
    default:
      return { type: BmpType.ROUTE_MIRRORING, peer: decodePerPeerHeader(buf, off, len) };
  }
}

/**
 * Cuts a TCP byte stream into BMP messages. Chunks are kept as a list and joined only when a
 * message spans several, and only after its length passed the limit: a huge declared length
 * fails at once instead of growing a buffer.
 */
export class BmpFramer {
  private chunks: Buffer[] = [];
  private size = 0;
  private failed = false;

  constructor(private readonly onMessage: (msg: Buffer) => void, private readonly maxLen = BMP_MAX_MESSAGE_LEN) {}

  /** Bytes held back waiting for the rest of a message. */
  get buffered(): number {
    return this.size;
  }

  /** Feeds one chunk. Throws BmpError on a bad common header; the stream is unusable afterwards. */
  push(chunk: Buffer): void {
    if (this.failed) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    try {
      while (this.size >= BMP_COMMON_HEADER_LEN) {
        const len = checkBmpHeader(this.peek(BMP_COMMON_HEADER_LEN), 0, this.maxLen);
        if (this.size < len) return;
        this.onMessage(this.take(len));
      }
    } catch (e) {
      this.failed = true;
      this.chunks = [];
      this.size = 0;
      throw e;
    }
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0];
    return first.length >= n ? first : Buffer.concat(this.chunks, n);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0];
    if (first.length >= n) {
      const msg = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.size -= n;
      return msg;
    }
    const msg = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      const c = this.chunks[0];
      const k = Math.min(c.length, n - got);
      c.copy(msg, got, 0, k);
      got += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.size -= n;
    return msg;
  }
}
