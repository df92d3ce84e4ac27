// The bgp-core worker: runs one BGP speaker per router marked `bgpSpeaker`, keeps
// its peers in step with the data, writes live state back to the sessions and
// publishes it on the event bus. It talks to the rest of PeerGate only through the
// database and the bus, so it runs inside `peergate serve` or as its own process.
import type { MikroORM } from '@mikro-orm/core';
import { BgpSpeaker, canonicalAddress, type StateEvent, type CountersEvent, type PeerInfo, type BgpState, type Peer, type LastError, type SpeakerEvents } from '../../bgp-core';
import type { BgpSessionEvent, EventBus, BusTopics } from '../events/bus';
import { loadDesired, parsePeerKey, peerKey, RELEVANT_TYPES, SESSION_CONTENT_TYPE, type DesiredRouter, type MaxPrefixSettings, type SessionType } from './desired';
import { logger } from '../log';
import { SessionStateWriter } from './write-back';
import { deconfiguredReason, downReasonOf, type DownReasonView } from './down-reason';

const WRITE_BACK_MS = 2000;
const RECONCILE_DEBOUNCE_MS = 250;

interface RunningRouter { routerId: number; speaker: BgpSpeaker; listenKey: string }

type MaxPrefixWarningEvent = SpeakerEvents['maxPrefixWarning'][0];

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

export interface WorkerOptions {
  /** Only these routers (a worker's lease); all when absent. */
  routers?: () => number[] | undefined;
  /** Warning threshold and restart delay of the peer ASes' prefix limits (bgp-core defaults when absent). */
  maxPrefix?: MaxPrefixSettings;
}

export class BgpWorker {
  private routers = new Map<number, RunningRouter>();
  private readonly states: SessionStateWriter;
  private writeTimer: NodeJS.Timeout | null = null;
  private reconcileTimer: NodeJS.Timeout | null = null;
  private reconciling: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void)[] = [];
  private closed = false;
  /** Address and AS of every peer added, so its deletion event can still name it. */
  private known = new Map<string, { remoteAddress: string; remoteAs: number }>();

  constructor(private orm: MikroORM, private bus: EventBus, private opts: WorkerOptions = {}) {
    this.states = new SessionStateWriter(orm, 'bgp worker');
  }

  async start(): Promise<void> {
    await this.reconcile();
    this.unsubscribe.push(this.listen('objectChanged', (e) => { if (RELEVANT_TYPES.has(e.objectType)) this.scheduleReconcile(); }));
    this.writeTimer = setInterval(() => { void this.writeBack(); }, WRITE_BACK_MS);
    this.writeTimer.unref();
  }

  private listen<K extends keyof BusTopics>(topic: K, fn: (...args: BusTopics[K]) => void): () => void {
    const it = this.bus.pubSub.subscribe(topic as any)[Symbol.asyncIterator]();
    let stopped = false;
    void (async () => {
      while (!stopped) {
        const r = await it.next();
        if (r.done) break;
        try { (fn as any)(r.value); } catch (e) { logger.error({ err: e }, 'bgp worker: event handler failed'); }
      }
    })();
    return () => { stopped = true; void it.return?.(); };
  }

  scheduleReconcile(): void {
    if (this.closed) return;
    if (this.reconcileTimer) clearTimeout(this.reconcileTimer);
    this.reconcileTimer = setTimeout(() => { this.reconcileTimer = null; void this.reconcile(); }, RECONCILE_DEBOUNCE_MS);
  }

  /** Brings the running speakers and peers in line with the data; untouched peers keep their sessions. */
  reconcile(): Promise<void> {
    this.reconciling = this.reconciling.then(() => this.doReconcile()).catch((e) => logger.error({ err: e }, 'bgp worker: reconcile failed'));
    return this.reconciling;
  }

  private async doReconcile(): Promise<void> {
    if (this.closed) return;
    const desired = await loadDesired(this.orm.em.fork(), this.opts.routers?.(), this.opts.maxPrefix);
    const wanted = new Set(desired.map((d) => d.routerId));
    for (const [id, r] of this.routers) {
      if (!wanted.has(id)) { await this.stopRouter(r); this.routers.delete(id); }
    }
    for (const d of desired) await this.applyRouter(d);
  }

  private async applyRouter(d: DesiredRouter): Promise<void> {
    const listenKey = d.listen ? `${d.listen.address}:${d.listen.port}` : '';
    let r = this.routers.get(d.routerId);
    if (r && r.listenKey !== listenKey) { await this.stopRouter(r); r = undefined; }
    if (!r) {
      const speaker = new BgpSpeaker(d.listen ? { listen: d.listen } : {});
      speaker.on('state', (e) => this.onState(d.routerId, e));
      speaker.on('counters', (e) => this.onCounters(d.routerId, e));
      speaker.on('maxPrefixWarning', (e) => this.onMaxPrefixWarning(d.routerId, e));
      speaker.on('peerAdded', (e) => this.known.set(e.peerId, { remoteAddress: e.config.remoteAddress, remoteAs: e.config.remoteAs }));
      speaker.on('peerRemoved', (e) => this.onRemoved(d.routerId, e.peerId, e.reason));
      try {
        await speaker.start();
      } catch (e) {
        logger.error({ err: e, router: d.name }, 'bgp worker: cannot listen');
      }
      r = { routerId: d.routerId, speaker, listenKey };
      this.routers.set(d.routerId, r);
    }
    const result = r.speaker.reconcile(d.peers);
    if (result.added.length || result.removed.length || result.changed.length) {
      logger.info({ router: d.name, ...result, unchanged: result.unchanged.length }, 'bgp worker: peers reconciled');
    }
  }

  private async stopRouter(r: RunningRouter): Promise<void> {
    await r.speaker.stop();
  }

  private event(routerId: number, peerId: string, info: Pick<PeerInfo, 'remoteAddress' | 'remoteAs' | 'uptime' | 'received' | 'advertised' | 'stats' | 'lastError' | 'downReason' | 'staleFamilies'>, state: BgpState | 'DELETED', previous: BgpState | null, reason: string | null = null, downReason: DownReasonView | null = downReasonOf(info.downReason)): BgpSessionEvent | null {
    const key = parsePeerKey(peerId);
    if (!key) return null;
    const count = (s: Record<string, number>) => sum(s);
    return {
      sessionType: SESSION_CONTENT_TYPE[key.type], sessionId: key.id, routerId,
      remoteAddress: info.remoteAddress, remoteAs: info.remoteAs,
      state: state.toLowerCase(), previousState: previous ? previous.toLowerCase() : null,
      uptime: info.uptime, receivedPrefixCount: sum(info.received), advertisedPrefixCount: sum(info.advertised),
      messagesIn: count(info.stats.receive), messagesOut: count(info.stats.send),
      lastError: info.lastError ? describeError(info.lastError) : null,
      lastErrorCode: info.lastError?.code ?? null, lastErrorSubcode: info.lastError?.subcode ?? null,
      reason,
      downReason,
      staleFamilies: info.staleFamilies,
      source: 'speaker',
      time: new Date().toISOString(),
    };
  }

  private onState(routerId: number, e: StateEvent): void {
    const r = this.routers.get(routerId);
    const peer = r?.speaker.getPeer(e.peerId);
    const info = peer ? peer.info() : { remoteAddress: e.remoteAddress, remoteAs: e.remoteAs, uptime: e.uptime, received: {}, advertised: {}, stats: { send: {}, receive: {} }, lastError: e.lastError, downReason: e.downReason, staleFamilies: [] } as any;
    const ev = this.event(routerId, e.peerId, info, e.to, e.from, e.reason);
    if (ev) this.bus.publishBgpSession(ev);
    const p = this.states.for(e.peerId);
    p.bgpState = e.to.toLowerCase();
    if (e.to === 'ESTABLISHED') p.lastEstablishedState = e.time;
    if (e.from === 'ESTABLISHED' || e.to === 'ESTABLISHED') void this.writeBack();
  }

  /** A peer nears its AS's prefix limit: an event with the reason, and a log line. */
  private onMaxPrefixWarning(routerId: number, w: MaxPrefixWarningEvent): void {
    const reason = `max-prefix warning: ${w.count} ${w.family} prefixes received, ${w.percent}% threshold of the limit ${w.limit} reached`;
    logger.warn({ peer: w.peerId, remoteAddress: w.remoteAddress, remoteAs: w.remoteAs, family: w.family, count: w.count, limit: w.limit }, `bgp worker: ${reason}`);
    const peer = this.routers.get(routerId)?.speaker.getPeer(w.peerId);
    if (!peer) return;
    const info = peer.info();
    const ev = this.event(routerId, w.peerId, info, info.state, null, reason);
    if (ev) this.bus.publishBgpSession(ev);
  }

  /** A peer left the configuration: subscribers drop its row (GoBGP's PEER_DELETED). */
  private onRemoved(routerId: number, peerId: string, reason: string): void {
    // A changed peer is replaced under the same id at once: not a deletion.
    if (reason === 'configuration changed') return;
    const who = this.known.get(peerId) ?? { remoteAddress: '', remoteAs: 0 };
    this.known.delete(peerId);
    const zero = { Opens: 0, Updates: 0, Keepalives: 0, Notifications: 0, 'Route Refresh': 0 };
    const info = { ...who, uptime: 0, received: { ipv4: 0, ipv6: 0 }, advertised: { ipv4: 0, ipv6: 0 }, stats: { send: zero, receive: zero }, lastError: null, downReason: null, staleFamilies: [] };
    const ev = this.event(routerId, peerId, info, 'DELETED', null, reason, deconfiguredReason(reason));
    if (ev) this.bus.publishBgpSession(ev);
  }

  /** Every running peer as an event (previousState null, reason 'snapshot'): what a new subscriber sees first. */
  snapshotEvents(): BgpSessionEvent[] {
    const out: BgpSessionEvent[] = [];
    for (const r of this.routers.values()) {
      for (const peer of r.speaker.listPeers()) {
        const info = peer.info();
        const ev = this.event(r.routerId, info.id, info, info.state, null, 'snapshot');
        if (ev) out.push(ev);
      }
    }
    return out;
  }

  private onCounters(routerId: number, e: CountersEvent): void {
    const r = this.routers.get(routerId);
    const peer = r?.speaker.getPeer(e.peerId);
    if (!peer) return;
    const ev = this.event(routerId, e.peerId, peer.info(), e.state, null);
    if (ev) this.bus.publishBgpSession(ev);
    const p = this.states.for(e.peerId);
    p.receivedPrefixCount = sum(e.received);
    p.advertisedPrefixCount = sum(e.advertised);
  }

  /** Live state goes to the session rows (./write-back). */
  writeBack(): Promise<void> {
    return this.states.flush();
  }

  /** The running peer of a session, if this worker runs it. */
  find(type: SessionType, id: number): { routerId: number; speaker: BgpSpeaker; peer: Peer } | null {
    const key = peerKey(type, id);
    for (const r of this.routers.values()) {
      const peer = r.speaker.getPeer(key);
      if (peer) return { routerId: r.routerId, speaker: r.speaker, peer };
    }
    return null;
  }

  /** Whether this worker runs a speaker for the router now. */
  runsRouter(routerId: number): boolean {
    return this.routers.has(routerId);
  }

  /** Running peers whose remote address is this one (yabgp addresses peers by IP). */
  findByAddress(address: string): { routerId: number; speaker: BgpSpeaker; peer: Peer }[] {
    // Compared in canonical form so any IPv6 spelling finds the peer.
    const want = canonicalAddress(address);
    const out: { routerId: number; speaker: BgpSpeaker; peer: Peer }[] = [];
    for (const r of this.routers.values()) for (const peer of r.speaker.listPeers()) if (canonicalAddress(peer.config.remoteAddress) === want) out.push({ routerId: r.routerId, speaker: r.speaker, peer });
    return out;
  }

  allPeers(): { routerId: number; info: PeerInfo }[] {
    return [...this.routers.values()].flatMap((r) => r.speaker.snapshot().map((info) => ({ routerId: r.routerId, info })));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconcileTimer) clearTimeout(this.reconcileTimer);
    if (this.writeTimer) clearInterval(this.writeTimer);
    for (const u of this.unsubscribe) u();
    await this.reconciling;
    for (const r of this.routers.values()) await this.stopRouter(r);
    this.routers.clear();
    await this.writeBack();
  }
}

/** "sent Hold Timer Expired: ..." or, for a local error without a code, "local: connection closed by peer". */
function describeError(e: LastError): string {
  const head = [e.direction, [e.codeName, e.subcodeName].filter(Boolean).join('/')].filter(Boolean).join(' ');
  return e.text ? `${head}: ${e.text}` : head;
}
