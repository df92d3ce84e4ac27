// The speaker API over this process's bgp-core worker and BMP station (either may be absent).
// The only module that touches their objects; everything it returns is plain data.
import {
  EncodeError, MAX_EXTENDED_MESSAGE_LEN, MAX_MESSAGE_LEN, PeerStateError, SpeakerThreadError, UnknownPeerError, attrsToJson, canonicalAddress,
  checkHeader, decodeUpdate, isIPv4, isIPv6, jsonToAttrs, parseCommunity, parsePrefix, refusal,
  type LastError, type PeerInfo, type Refusal, type RouteEntry, type RouteQuery as RibQuery, type StartResult,
} from '../../../bgp-core';
import type { BgpSessionEvent } from '../../events/bus';
import type { BgpWorker, RunningPeer } from '../worker';
import type { BmpPeerEntry, BmpService } from '../bmp';
import { downReasonOf } from '../down-reason';
import { parsePeerKey } from '../desired';
import {
  SpeakerError, type BmpFilter, type BmpPeerView, type LastErrorView, type PeerFilter, type RouteLookup, type RouteQuery,
  type RouteRow, type SessionRef, type SpeakerApi, type SpeakerPeer, type UpdateRequest,
} from './types';

const lastErrorView = (e: LastError | null): LastErrorView | null => (e ? { ...e, time: e.time.toISOString() } : null);

export function speakerPeerOf(routerId: number, info: PeerInfo): SpeakerPeer | null {
  const key = parsePeerKey(info.id);
  if (!key) return null;
  return {
    sessionType: key.type, sessionId: key.id, routerId, state: info.state,
    localAddress: info.localAddress, localAs: info.localAs, remoteAddress: info.remoteAddress, remotePort: info.remotePort,
    remoteAs: info.remoteAs, remoteRouterId: info.remoteRouterId, uptime: info.uptime,
    lastError: lastErrorView(info.lastError), downReason: downReasonOf(info.downReason),
    received: { ...info.received }, advertised: { ...info.advertised },
    versions: { received: { ...info.versions.received }, send: { ...info.versions.send } },
    statistics: { send: { ...info.stats.send }, receive: { ...info.stats.receive } },
    capabilities: { local: info.capability.local, remote: info.capability.remote },
    negotiated: info.negotiated ? { ...info.negotiated } : null,
    staleFamilies: [...info.staleFamilies],
  };
}

export function bmpPeerView(e: BmpPeerEntry): BmpPeerView {
  const { router, peer } = e;
  const down = peer.lastDown;
  return {
    bmpRouter: router.id, sysName: router.sysName, routerId: e.routerId,
    sessionType: e.session?.type ?? null, sessionId: e.session?.id ?? null,
    peerType: peer.header.peerType, distinguisher: peer.header.distinguisher, remoteAddress: peer.address, remoteAs: peer.asn, remoteRouterId: peer.bgpId,
    status: peer.status, uptime: peer.upSince ? Math.max(0, (Date.now() - peer.upSince.getTime()) / 1000) : 0,
    prefixes: { ...peer.counts }, negotiated: peer.negotiated,
    statistics: Object.fromEntries([...peer.stats].map(([k, v]) => [k, v.value])),
    lastDown: down ? { reason: down.reason, text: down.text, code: down.notification?.code ?? null, subcode: down.notification?.subcode ?? null, fsmEvent: down.fsmEvent, time: down.time.toISOString() } : null,
  };
}

const routeRow = (e: RouteEntry): RouteRow => ({ prefix: e.prefix, attributes: attrsToJson(e.set.attrs), pathId: e.pathId ?? null });

const notRunning = (ref: SessionRef): SpeakerError =>
  new SpeakerError('not-found', `Session ${ref.type} ${ref.id} is not running in bgp-core (is its router a BGP speaker and the session enabled?).`);

const refused = (r: Refusal): SpeakerError => new SpeakerError('refused', r.message, undefined, { kind: r.kind, afi: r.afi, safi: r.safi });

/** bgp-core's refusals as the API's: peer state -> refused, bad input -> invalid. */
function fromCore(e: unknown, field: string): unknown {
  if (e instanceof SpeakerError) return e;
  // The speaker thread died or did not answer: it is restarting, not the caller's fault.
  if (e instanceof SpeakerThreadError) return new SpeakerError('unavailable', e.message);
  if (e instanceof PeerStateError) return refused(e.refusal);
  if (e instanceof UnknownPeerError) return new SpeakerError('not-found', e.message);
  if (e instanceof EncodeError) return new SpeakerError('invalid', e.message, field);
  if (e instanceof Error) return new SpeakerError('invalid', e.message, field);
  return e;
}

/** Complete UPDATE messages from hex, every one framed and decoded before any is sent. */
function rawUpdates(hex: string, neg: { as4: boolean; extendedMessage: boolean } | null): Buffer[] {
  const clean = hex.replace(/^0x/i, '');
  if (!clean || !/^([0-9a-fA-F]{2})+$/.test(clean)) throw new SpeakerError('invalid', 'must be hexadecimal', 'hex');
  const buf = Buffer.from(clean, 'hex');
  const max = neg?.extendedMessage ? MAX_EXTENDED_MESSAGE_LEN : MAX_MESSAGE_LEN;
  const out: Buffer[] = [];
  for (let off = 0; off < buf.length;) {
    try {
      if (buf.length - off < 19) throw new EncodeError('truncated message header');
      const len = checkHeader(buf, off, max);
      if (off + len > buf.length) throw new EncodeError(`header length ${len} but ${buf.length - off} bytes given`);
      if (buf[off + 18] !== 2) throw new EncodeError('not an UPDATE message');
      const d = decodeUpdate(buf, off + 19, off + len, { as4: neg?.as4 ?? true });
      if (d.treatAsWithdraw || d.problems.length) throw new EncodeError(d.problems.join('; ') || 'malformed attributes');
      out.push(buf.subarray(off, off + len));
      off += len;
    } catch (e) {
      throw new SpeakerError('invalid', `invalid UPDATE: ${e instanceof Error ? e.message : String(e)}`, 'hex');
    }
  }
  return out;
}

export class LocalSpeaker implements SpeakerApi {
  worker: BgpWorker | null = null;
  bmp: BmpService | null = null;

  /** Whether this process runs the session (its speaker, or a BMP router reporting it). */
  has(ref: SessionRef): boolean {
    return !!this.worker?.find(ref.type, ref.id) || !!this.bmp?.findSession(ref.type, ref.id);
  }

  /** Whether this process's speaker runs the router. */
  runsRouter(routerId: number): boolean {
    return !!this.worker?.runsRouter(routerId);
  }

  private running(ref: SessionRef): RunningPeer {
    const found = this.worker?.find(ref.type, ref.id);
    if (!found) throw notRunning(ref);
    return found;
  }

  async peers(filter: PeerFilter = {}): Promise<SpeakerPeer[]> {
    const w = this.worker;
    if (!w) return [];
    let found: { routerId: number; info: PeerInfo }[];
    if (filter.remoteAddress !== undefined) {
      if (!isIPv4(filter.remoteAddress) && !isIPv6(filter.remoteAddress)) return [];
      const running = w.findByAddress(canonicalAddress(filter.remoteAddress));
      found = await Promise.all(running.map(async (f) => ({ routerId: f.routerId, info: await f.speaker.info(f.peerId).catch(() => f.info) })));
    } else {
      found = await w.currentPeers();
    }
    return found.filter((p) => filter.routerId === undefined || p.routerId === filter.routerId)
      .map((p) => speakerPeerOf(p.routerId, p.info)).filter((p): p is SpeakerPeer => p !== null);
  }

  async peer(ref: SessionRef): Promise<SpeakerPeer | null> {
    const f = this.worker?.find(ref.type, ref.id);
    if (!f) return null;
    // Fresh from the speaker thread; the last known state if the peer went away meanwhile.
    return speakerPeerOf(f.routerId, await f.speaker.info(f.peerId).catch(() => f.info));
  }

  async routerPeers(routerId: number): Promise<SpeakerPeer[] | null> {
    return this.runsRouter(routerId) ? this.peers({ routerId }) : null;
  }

  /** The BMP router's RIB that reports the session (routes received only), when the speaker does not run it. */
  private bmpRib(ref: SessionRef, rib: 'in' | 'out', policy: 'pre' | 'post' | undefined) {
    const reported = rib === 'in' ? this.bmp?.findSession(ref.type, ref.id) : null;
    if (reported) return policy === 'post' ? reported.postPolicy : reported.prePolicy;
    throw notRunning(ref);
  }

  async routes(ref: SessionRef, q: RouteQuery): Promise<RouteRow[]> {
    let query: RibQuery;
    try {
      // Every path of the prefix (Add-Path routes learned over BMP have one each).
      if (q.prefix) query = { exact: q.prefix, limit: q.limit };
      else if (q.address) query = { longestMatch: q.address };
      else query = { filter: { family: q.family, within: q.within, asPathContains: q.asPathContains, community: q.community ? parseCommunity(q.community) : undefined, limit: q.limit } };
    } catch (e) {
      throw new SpeakerError('invalid', (e as Error).message, 'filter');
    }
    const f = this.worker?.find(ref.type, ref.id);
    try {
      if (f) return await f.speaker.routes(f.peerId, q.rib ?? 'in', query);
      return this.bmpRib(ref, q.rib ?? 'in', q.policy).query(query).map(routeRow);
    } catch (e) {
      throw fromCore(e, 'filter');
    }
  }

  async lookupRoutes(ref: SessionRef, l: RouteLookup): Promise<(RouteRow | null)[]> {
    for (const q of l.queries) {
      try { parsePrefix(q, true); } catch { throw new SpeakerError('invalid', `"${q}" is not an address or prefix`, 'queries'); }
    }
    const f = this.worker?.find(ref.type, ref.id);
    if (f) {
      try { return await f.speaker.lookupRoutes(f.peerId, l.rib, l.queries); } catch (e) { throw fromCore(e, 'queries'); }
    }
    const rib = this.bmpRib(ref, l.rib, undefined);
    return l.queries.map((q) => {
      const e = rib.lookup(q);
      return e ? routeRow(e) : null;
    });
  }

  async bmpPeers(filter: BmpFilter = {}): Promise<BmpPeerView[]> {
    return (this.bmp?.listPeers() ?? [])
      .filter((e) => (filter.routerId === undefined || e.routerId === filter.routerId) && (filter.unmatched == null || filter.unmatched === !e.session))
      .map(bmpPeerView);
  }

  async snapshot(): Promise<BgpSessionEvent[]> {
    return [...(this.worker?.snapshotEvents() ?? []), ...(this.bmp?.snapshotEvents() ?? [])];
  }

  async start(ref: SessionRef): Promise<void> {
    const f = this.running(ref);
    let r: StartResult;
    try { r = await f.speaker.manualStart(f.peerId); } catch (e) { throw fromCore(e, 'sessionId'); }
    if (!r.ok) throw refused(r.refusal);
  }

  async stop(ref: SessionRef, communication?: string): Promise<void> {
    const f = this.running(ref);
    try { await f.speaker.manualStop(f.peerId, communication || undefined); } catch (e) { throw fromCore(e, 'communication'); }
  }

  async routeRefresh(ref: SessionRef, afi: number, safi: number, subtype = 0): Promise<void> {
    const f = this.running(ref);
    try { await f.speaker.routeRefresh(f.peerId, afi, safi, subtype); } catch (e) { throw fromCore(e, 'afi'); }
  }

  async sendUpdate(ref: SessionRef, u: UpdateRequest): Promise<number> {
    const f = this.running(ref);
    try {
      const attrs = u.attributes === undefined || u.attributes === null ? undefined : jsonToAttrs(u.attributes);
      return (await f.speaker.announce(f.peerId, { attrs, nlri: u.nlri ?? [], withdraw: u.withdraw ?? [] })).messages;
    } catch (e) {
      throw fromCore(e, 'attributes');
    }
  }

  async sendRawUpdate(ref: SessionRef, hex: string): Promise<number> {
    const f = this.running(ref);
    let info: PeerInfo;
    try { info = await f.speaker.info(f.peerId); } catch (e) { throw fromCore(e, 'hex'); }
    if (info.state !== 'ESTABLISHED' || !info.negotiated) throw refused(refusal('not-established'));
    const msgs = rawUpdates(hex, info.negotiated);
    try {
      for (const m of msgs) await f.speaker.sendRawUpdate(f.peerId, m);
    } catch (e) {
      throw fromCore(e, 'hex');
    }
    return msgs.length;
  }
}
