// PeerGate's side of the BMP station: matches each BMP router to a router in the data and each
// of its peers to an IX or direct session of that router, writes the peers' live state back to
// those sessions and publishes the same bgpSessionChanged events as the speaker (source "bmp").
//
// Matching (README "BMP station"): a BMP router is the Router whose `routerId` equals the BGP
// identifier of the router's own (sent) OPEN in its Peer Ups; failing that, the Router whose
// `hostname` is the IP address the BMP connection comes from. A peer is the session on that
// router whose IP address is the peer address.
import type { MikroORM } from '@mikro-orm/core';
import { BmpStation, canonicalAddress, formatIPv4, type BmpPeer, type BmpRouter } from '../../bgp-core';
import type { BgpSessionEvent, EventBus, BusTopics } from '../events/bus';
import { Router } from '../domain/devices/router';
import { DirectPeeringSession } from '../domain/peering/direct-peering-session';
import { InternetExchangePeeringSession } from '../domain/peering/internet-exchange-peering-session';
import { parseIp } from '../domain/ip';
import { RELEVANT_TYPES, SESSION_CONTENT_TYPE, peerKey, type SessionType } from './desired';
import { logger } from '../log';
import { SessionStateWriter, type SessionState } from './write-back';
import { bmpDownReason, storedDownReason } from './down-reason';

const WRITE_BACK_MS = 2000;

export interface SessionMatch {
  type: SessionType;
  id: number;
  routerId: number;
}

export interface BmpPeerEntry {
  router: BmpRouter;
  peer: BmpPeer;
  /** The PeerGate router the BMP router was matched to. */
  routerId: number | null;
  session: SessionMatch | null;
}

/** Routers and sessions as matching needs them, loaded once and dropped when the data changes. */
interface Directory {
  byRouterId: Map<string, number>;
  byHostname: Map<string, number>;
  /** Per router: canonical peer address -> session. */
  sessions: Map<number, Map<string, { type: SessionType; id: number }>>;
}

const host = (ip: string | null | undefined): string | null => {
  const p = ip ? parseIp(ip) : null;
  return p ? canonicalAddress(p.address) : null;
};

const STATE_OF = { up: 'established', down: 'idle', unknown: 'idle' } as const;

/**
 * A peer's state when its Peer Up or Down arrived. Handling is queued (matching reads the
 * database), and by then the peer may have moved on: an up and a down in one TCP chunk must
 * still be written and published as two transitions.
 */
interface Seen {
  status: BmpPeer['status'];
  upSince: Date | null;
  lastDown: BmpPeer['lastDown'];
}

const seen = (p: BmpPeer): Seen => ({ status: p.status, upSince: p.upSince, lastDown: p.lastDown });

export class BmpService {
  readonly station: BmpStation;
  private directory: Promise<Directory> | null = null;
  /** Bumped when routers or sessions change, which makes every cached match stale. */
  private generation = 0;
  private readonly matched = new WeakMap<BmpPeer, { generation: number; bgpId: string | null; match: SessionMatch | null }>();
  /** The PeerGate router each BMP router was last matched to (null: none). */
  private readonly routerOf = new WeakMap<BmpRouter, number | null>();
  /** Last state, session and counts published per peer, so the timer publishes only changes. */
  private readonly published = new WeakMap<BmpPeer, { state: string; session: string; counts: string }>();
  private readonly states: SessionStateWriter;
  /** BMP events are handled one after the other, so a Peer Down never overtakes its Peer Up. */
  private queue: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly orm: MikroORM, private readonly bus: EventBus, listen: { address: string; port: number }) {
    this.states = new SessionStateWriter(orm, 'bmp');
    this.station = new BmpStation({ listen });
  }

  async start(): Promise<void> {
    const s = this.station;
    s.on('routerUp', (r) => logger.info({ router: r.id }, 'bmp: router connected'));
    s.on('initiation', (r) => logger.info({ router: r.id, sysName: r.sysName, sysDescr: r.sysDescr }, 'bmp: initiation'));
    s.on('routerDown', (r, reason) => {
      const log = /^malformed|^internal/.test(reason) ? logger.warn.bind(logger) : logger.info.bind(logger);
      log({ router: r.id, sysName: r.sysName, reason }, 'bmp: router disconnected');
    });
    const onTransition = (r: BmpRouter, p: BmpPeer): void => {
      const now = seen(p);
      this.enqueue(() => this.transition(r, p, now));
    };
    s.on('peerUp', onTransition);
    s.on('peerDown', onTransition);
    await s.start();
    this.unsubscribe = this.listenForChanges();
    this.timer = setInterval(() => this.enqueue(() => this.tick()), WRITE_BACK_MS);
    this.timer.unref();
    const a = s.address();
    logger.info({ address: a?.address, port: a?.port }, 'bmp: station listening');
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await this.station.stop();
    await this.queue;
    await this.writeBack();
  }

  /** Routers and sessions changed: match again from fresh data. */
  private listenForChanges(): () => void {
    const it = this.bus.pubSub.subscribe('objectChanged')[Symbol.asyncIterator]();
    let stopped = false;
    void (async () => {
      while (!stopped) {
        const r: IteratorResult<BusTopics['objectChanged'][0]> = await it.next();
        if (r.done) break;
        if (RELEVANT_TYPES.has(r.value.objectType)) {
          this.directory = null;
          this.generation++;
        }
      }
    })();
    return () => {
      stopped = true;
      void it.return?.();
    };
  }

  private enqueue(fn: () => Promise<void>): void {
    this.queue = this.queue.then(fn).catch((e) => logger.error({ err: e }, 'bmp: handling failed'));
  }

  private loadDirectory(): Promise<Directory> {
    this.directory ??= (async () => {
      const em = this.orm.em.fork();
      const [routers, direct, ixp] = await Promise.all([
        em.find(Router, {}, { orderBy: { id: 'asc' } }),
        em.find(DirectPeeringSession, { router: { $ne: null } }, { orderBy: { id: 'asc' } }),
        em.find(InternetExchangePeeringSession, {}, { populate: ['ixpConnection'], orderBy: { id: 'asc' } }),
      ]);
      const d: Directory = { byRouterId: new Map(), byHostname: new Map(), sessions: new Map() };
      for (const r of routers) {
        const id = host(r.routerId);
        if (id && !d.byRouterId.has(id)) d.byRouterId.set(id, r.id);
        const h = host(r.hostname);
        if (h && !d.byHostname.has(h)) d.byHostname.set(h, r.id);
      }
      const add = (routerId: number | undefined, address: string, type: SessionType, id: number): void => {
        const a = host(address);
        if (routerId === undefined || !a) return;
        let m = d.sessions.get(routerId);
        if (!m) d.sessions.set(routerId, (m = new Map()));
        if (!m.has(a)) m.set(a, { type, id });
      };
      for (const s of direct) add(s.router?.id, s.ipAddress, 'direct', s.id);
      for (const s of ixp) add(s.ixpConnection.router?.id, s.ipAddress, 'ixp', s.id);
      return d;
    })().catch((e) => {
      this.directory = null;
      throw e;
    });
    return this.directory;
  }

  /** The session a BMP peer stands for, or null when the data has none. */
  async match(router: BmpRouter, peer: BmpPeer): Promise<SessionMatch | null> {
    const d = await this.loadDirectory();
    const bgpId = routerBgpId(router, peer);
    const routerId = (bgpId ? d.byRouterId.get(bgpId) : undefined) ?? d.byHostname.get(router.address);
    this.routerOf.set(router, routerId ?? null);
    if (routerId === undefined) return null;
    const s = d.sessions.get(routerId)?.get(canonicalAddress(peer.address));
    return s ? { ...s, routerId } : null;
  }

  /**
   * Cached per peer until the data changes, or until the router's BGP ID becomes known (a Peer
   * Down can come before any Peer Up, and only a Peer Up carries the router's own OPEN).
   */
  private async matchCached(router: BmpRouter, peer: BmpPeer): Promise<SessionMatch | null> {
    const cached = this.matched.get(peer);
    const bgpId = routerBgpId(router, peer);
    if (cached && cached.generation === this.generation && cached.bgpId === bgpId) return cached.match;
    const generation = this.generation;
    const m = await this.match(router, peer);
    this.matched.set(peer, { generation, bgpId, match: m });
    return m;
  }

  private async transition(router: BmpRouter, peer: BmpPeer, at: Seen): Promise<void> {
    const m = await this.matchCached(router, peer);
    if (!m) {
      logger.info({ router: router.id, peer: peer.address, asn: peer.asn, status: at.status }, 'bmp: peer has no session in the data');
      return;
    }
    const state = STATE_OF[at.status];
    const last = this.published.get(peer);
    const previous = last && last.session === sessionKey(m) ? last.state : null;
    const reason = at.status === 'up' ? 'BMP Peer Up' : (at.lastDown?.text ?? null);
    this.publish(peer, m, at, previous, reason);
    const p = this.states.for(sessionKey(m));
    p.bgpState = state;
    if (at.status === 'up') p.lastEstablishedState = at.upSince ?? new Date();
    else {
      const down = bmpDownReason(at.lastDown);
      if (down) p.lastDownReason = storedDownReason(down);
    }
    this.setCounts(peer, p);
    this.flushSoon();
  }

  /**
   * Up and down are written at once, but a router that connects reports all its peers in one
   * burst: one write after the Peer Ups already queued, not one transaction per peer.
   */
  private flushSoon(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    this.enqueue(async () => {
      this.flushQueued = false;
      await this.writeBack();
    });
  }

  /**
   * Counters: published and written when they changed since the last time. A peer matched only
   * now (its session was created while it was up) gets its state written as at a Peer Up.
   */
  private async tick(): Promise<void> {
    for (const router of this.station.routers()) {
      for (const peer of router.peers.values()) {
        if (peer.status !== 'up') continue;
        const m = await this.matchCached(router, peer);
        if (!m) continue;
        const last = this.published.get(peer);
        if (!last || last.session !== sessionKey(m)) {
          await this.transition(router, peer, seen(peer));
          continue;
        }
        if (last.counts === countsKey(peer)) continue;
        this.publish(peer, m, seen(peer), null, null);
        this.setCounts(peer, this.states.for(sessionKey(m)));
      }
    }
    await this.writeBack();
  }

  private setCounts(peer: BmpPeer, p: SessionState): void {
    const c = peer.counts;
    p.receivedPrefixCount = receivedCount(peer);
    // Post-policy routes are the ones the router accepted (Peering Manager's accepted prefix count).
    if (peer.updates.postPolicy > 0 || peer.status !== 'up') p.acceptedPrefixCount = c.postPolicy;
  }


  private publish(peer: BmpPeer, m: SessionMatch, at: Seen, previousState: string | null, reason: string | null): void {
    const e = this.event(peer, m, at, previousState, reason);
    this.published.set(peer, { state: e.state, session: sessionKey(m), counts: countsKey(peer) });
    this.bus.publishBgpSession(e);
  }

  private event(peer: BmpPeer, m: SessionMatch, at: Seen, previousState: string | null, reason: string | null): BgpSessionEvent {
    const up = at.status === 'up';
    const n = at.lastDown?.notification ?? null;
    return {
      sessionType: SESSION_CONTENT_TYPE[m.type],
      sessionId: m.id,
      routerId: m.routerId,
      remoteAddress: peer.address,
      remoteAs: peer.asn,
      state: STATE_OF[at.status],
      previousState,
      uptime: up && at.upSince ? Math.max(0, (Date.now() - at.upSince.getTime()) / 1000) : 0,
      // Routes are dropped at Peer Down: a down transition shows none, whatever came after it.
      receivedPrefixCount: up ? receivedCount(peer) : 0,
      // BMP (RFC 7854) reports what the router received; Adj-RIB-Out is not monitored here.
      advertisedPrefixCount: 0,
      // The UPDATEs the router received from the peer, as mirrored in pre-policy Route Monitoring.
      messagesIn: peer.updates.prePolicy,
      messagesOut: 0,
      lastError: up ? null : (at.lastDown?.text ?? null),
      lastErrorCode: up ? null : (n?.code ?? null),
      lastErrorSubcode: up ? null : (n?.subcode ?? null),
      reason,
      downReason: bmpDownReason(at.lastDown),
      staleFamilies: [],
      source: 'bmp',
      time: new Date().toISOString(),
    };
  }

  /**
   * The peer a connected router reports for this session (its pre- and post-policy routes),
   * preferring one that is up; null when no router reports it.
   */
  findSession(type: SessionType, id: number): BmpPeer | null {
    let found: BmpPeer | null = null;
    for (const router of this.station.routers()) {
      for (const peer of router.peers.values()) {
        const m = this.matched.get(peer)?.match;
        if (m && m.type === type && m.id === id && (!found || peer.status === 'up')) found = peer;
      }
    }
    return found;
  }

  /** Every peer of every connected router with what it was matched to (the gap between the data and the routers). */
  listPeers(): BmpPeerEntry[] {
    const out: BmpPeerEntry[] = [];
    for (const router of this.station.routers()) {
      for (const peer of router.peers.values()) {
        out.push({ router, peer, routerId: this.routerOf.get(router) ?? null, session: this.matched.get(peer)?.match ?? null });
      }
    }
    return out;
  }

  /** Every matched peer as an event (reason 'snapshot'): what a new subscriber sees first. */
  snapshotEvents(): BgpSessionEvent[] {
    const out: BgpSessionEvent[] = [];
    for (const router of this.station.routers()) {
      for (const peer of router.peers.values()) {
        const m = this.matched.get(peer)?.match;
        if (m) out.push(this.event(peer, m, seen(peer), null, 'snapshot'));
      }
    }
    return out;
  }

  /** Live state goes to the session rows (./write-back), as the speaker's worker does it. */
  writeBack(): Promise<void> {
    return this.states.flush();
  }
}

/** The monitored router's own BGP ID: from this peer's Peer Up, else from any other peer's. */
function routerBgpId(router: BmpRouter, peer: BmpPeer): string | null {
  return peer.sentOpen ? formatIPv4(peer.sentOpen.bgpId) : router.bgpId;
}

/** Pre-policy is what the peer sent; a router that streams only post-policy gives that instead. */
function receivedCount(peer: BmpPeer): number {
  const c = peer.counts;
  return peer.updates.prePolicy > 0 || peer.updates.postPolicy === 0 ? c.prePolicy : c.postPolicy;
}

const sessionKey = (m: SessionMatch): string => peerKey(m.type, m.id);

const countsKey = (peer: BmpPeer): string => {
  const c = peer.counts;
  return `${c.prePolicy}/${c.postPolicy}`;
};
