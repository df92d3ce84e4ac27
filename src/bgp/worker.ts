// The bgp-core worker: runs one BGP speaker per router marked `bgpSpeaker`, keeps
// its peers in step with the data, writes live state back to the sessions and
// publishes it on the event bus. It talks to the rest of PeerGate only through the
// database and the bus, so it runs inside `peergate serve` or as its own process.
// The speakers themselves (sockets, FSMs, timers, RIBs) run in a worker thread
// (bgp-core/thread), so request work on this thread never delays a KEEPALIVE; the
// database and the bus stay here. What it knows of each peer is the PeerInfo the
// thread sent last (with every state change and counter update).
import type { MikroORM } from '@mikro-orm/core';
import { SpeakerThread, canonicalAddress, emptyStats, type RemoteSpeaker, type StateEvent, type CountersEvent, type PeerInfo, type BgpState, type LastError, type SpeakerEvents, type SpeakerThreadOptions } from '../../bgp-core';
import type { BgpSessionEvent, EventBus, BusTopics } from '../events/bus';
import { loadDesired, parsePeerKey, peerKey, RELEVANT_TYPES, SESSION_CONTENT_TYPE, type DesiredRouter, type MaxPrefixSettings, type SessionType } from './desired';
import { logger } from '../log';
import { SessionStateWriter } from './write-back';
import { deconfiguredReason, downReasonOf, storedDownReason, type DownReasonView } from './down-reason';

const WRITE_BACK_MS = 2000;
const RECONCILE_DEBOUNCE_MS = 250;

interface RunningRouter {
  routerId: number;
  speaker: RemoteSpeaker;
  listenKey: string;
  /** The last PeerInfo of each peer, and when it was taken (uptime moves on from there). */
  peers: Map<string, { info: PeerInfo; at: number }>;
}

/** A peer running in one of the worker's speakers: its last known info; commands and fresh reads go through `speaker`. */
export interface RunningPeer { routerId: number; speaker: RemoteSpeaker; peerId: string; info: PeerInfo }

type MaxPrefixWarningEvent = SpeakerEvents['maxPrefixWarning'][0];

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

export interface WorkerOptions {
  /** Only these routers (a worker's lease); all when absent. */
  routers?: () => number[] | undefined;
  /** Warning threshold and restart delay of the peer ASes' prefix limits (bgp-core defaults when absent). */
  maxPrefix?: MaxPrefixSettings;
  /** Bounds of the speaker thread (requests in flight, timeouts, restart back-off). */
  thread?: SpeakerThreadOptions;
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

  /** Where the speakers run. */
  readonly thread: SpeakerThread;

  constructor(private orm: MikroORM, private bus: EventBus, private opts: WorkerOptions = {}) {
    this.states = new SessionStateWriter(orm, 'bgp worker');
    this.thread = new SpeakerThread(opts.thread);
    this.thread.on('crashed', (err) => logger.error({ err }, 'bgp worker: the speaker thread stopped; its sessions are down, a new thread starts'));
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
      const speaker = await this.thread.createSpeaker(d.listen ? { listen: [d.listen] } : {});
      const running: RunningRouter = { routerId: d.routerId, speaker, listenKey, peers: new Map() };
      speaker.on('state', (e, info) => this.onState(running, e, info));
      speaker.on('counters', (e, info) => this.onCounters(running, e, info));
      speaker.on('maxPrefixWarning', (e, info) => this.onMaxPrefixWarning(running, e, info));
      speaker.on('peerAdded', (e) => this.known.set(e.peerId, { remoteAddress: e.config.remoteAddress, remoteAs: e.config.remoteAs }));
      speaker.on('peerRemoved', (e) => { running.peers.delete(e.peerId); this.onRemoved(d.routerId, e.peerId, e.reason); });
      speaker.on('lost', (err) => this.onLost(running, err));
      try {
        await speaker.start();
      } catch (e) {
        logger.error({ err: e, router: d.name }, 'bgp worker: cannot listen');
      }
      r = running;
      this.routers.set(d.routerId, r);
    }
    const result = await r.speaker.reconcile(d.peers);
    if (result.added.length || result.removed.length || result.changed.length) {
      logger.info({ router: d.name, ...result, unchanged: result.unchanged.length }, 'bgp worker: peers reconciled');
    }
    this.remember(r, await r.speaker.snapshot());
  }

  private remember(r: RunningRouter, infos: PeerInfo[]): void {
    const at = Date.now();
    for (const info of infos) r.peers.set(info.id, { info, at });
  }

  /** A peer's last info, its uptime carried forward to now. */
  private current(entry: { info: PeerInfo; at: number }): PeerInfo {
    const { info, at } = entry;
    return info.state === 'ESTABLISHED' ? { ...info, uptime: info.uptime + (Date.now() - at) / 1000 } : info;
  }

  private async stopRouter(r: RunningRouter): Promise<void> {
    await r.speaker.stop();
    r.peers.clear();
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

  private onState(r: RunningRouter, e: StateEvent, peerInfo: PeerInfo | null): void {
    if (peerInfo) this.remember(r, [peerInfo]);
    const info = peerInfo ?? { remoteAddress: e.remoteAddress, remoteAs: e.remoteAs, uptime: e.uptime, received: {}, advertised: {}, stats: { send: {}, receive: {} }, lastError: e.lastError, downReason: e.downReason, staleFamilies: [] } as any;
    const ev = this.event(r.routerId, e.peerId, info, e.to, e.from, e.reason);
    if (ev) this.bus.publishBgpSession(ev);
    const p = this.states.for(e.peerId);
    p.bgpState = e.to.toLowerCase();
    if (e.to === 'ESTABLISHED') p.lastEstablishedState = e.time;
    else if (ev?.downReason) p.lastDownReason = storedDownReason(ev.downReason);
    if (e.from === 'ESTABLISHED' || e.to === 'ESTABLISHED') void this.writeBack();
  }

  /** A peer nears its AS's prefix limit: an event with the reason, and a log line. */
  private onMaxPrefixWarning(r: RunningRouter, w: MaxPrefixWarningEvent, info: PeerInfo | null): void {
    const reason = `max-prefix warning: ${w.count} ${w.family} prefixes received, ${w.percent}% threshold of the limit ${w.limit} reached`;
    logger.warn({ peer: w.peerId, remoteAddress: w.remoteAddress, remoteAs: w.remoteAs, family: w.family, count: w.count, limit: w.limit }, `bgp worker: ${reason}`);
    if (!info) return;
    this.remember(r, [info]);
    const ev = this.event(r.routerId, w.peerId, info, info.state, null, reason);
    if (ev) this.bus.publishBgpSession(ev);
  }

  /**
   * The speaker thread stopped: every session it ran is down (reported with a typed reason and
   * written back), and the next reconcile starts them again in a new thread.
   */
  private onLost(r: RunningRouter, err: Error): void {
    if (this.routers.get(r.routerId) !== r) return;
    this.routers.delete(r.routerId);
    const time = new Date();
    for (const { info } of r.peers.values()) {
      if (info.state === 'IDLE') continue;
      const reason: LastError = {
        direction: 'local', code: 0, subcode: 0, codeName: '', subcodeName: '', kind: 'SPEAKER_RESTARTED', communication: null,
        text: `speaker thread stopped: ${err.message}`, time,
      };
      const down = { ...info, state: 'IDLE' as const, uptime: 0, lastError: reason, downReason: reason, received: { ipv4: 0, ipv6: 0 } };
      const ev = this.event(r.routerId, info.id, down, 'IDLE', info.state, reason.text);
      if (ev) this.bus.publishBgpSession(ev);
      const p = this.states.for(info.id);
      p.bgpState = 'idle';
      p.receivedPrefixCount = 0;
      if (ev?.downReason) p.lastDownReason = storedDownReason(ev.downReason);
    }
    r.peers.clear();
    void this.writeBack();
    this.scheduleReconcile();
  }

  /** A peer left the configuration: subscribers drop its row (GoBGP's PEER_DELETED). */
  private onRemoved(routerId: number, peerId: string, reason: string): void {
    // A changed peer is replaced under the same id at once: not a deletion.
    if (reason === 'configuration changed') return;
    const who = this.known.get(peerId) ?? { remoteAddress: '', remoteAs: 0 };
    this.known.delete(peerId);
    const zero = emptyStats();
    const info = { ...who, uptime: 0, received: { ipv4: 0, ipv6: 0 }, advertised: { ipv4: 0, ipv6: 0 }, stats: { send: zero, receive: zero }, lastError: null, downReason: null, staleFamilies: [] };
    const ev = this.event(routerId, peerId, info, 'DELETED', null, reason, deconfiguredReason(reason));
    if (ev) this.bus.publishBgpSession(ev);
  }

  /** Every running peer as an event (previousState null, reason 'snapshot'): what a new subscriber sees first. */
  snapshotEvents(): BgpSessionEvent[] {
    const out: BgpSessionEvent[] = [];
    for (const { routerId, info } of this.allPeers()) {
      const ev = this.event(routerId, info.id, info, info.state, null, 'snapshot');
      if (ev) out.push(ev);
    }
    return out;
  }

  private onCounters(r: RunningRouter, e: CountersEvent, info: PeerInfo | null): void {
    if (!info) return;
    this.remember(r, [info]);
    const ev = this.event(r.routerId, e.peerId, info, e.state, null);
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
  find(type: SessionType, id: number): RunningPeer | null {
    const key = peerKey(type, id);
    for (const r of this.routers.values()) {
      const entry = r.peers.get(key);
      if (entry) return { routerId: r.routerId, speaker: r.speaker, peerId: key, info: this.current(entry) };
    }
    return null;
  }

  /** Whether this worker runs a speaker for the router now. */
  runsRouter(routerId: number): boolean {
    return this.routers.has(routerId);
  }

  /** Running peers whose remote address is this one (yabgp addresses peers by IP). */
  findByAddress(address: string): RunningPeer[] {
    // Compared in canonical form so any IPv6 spelling finds the peer.
    const want = canonicalAddress(address);
    const out: RunningPeer[] = [];
    for (const r of this.routers.values()) {
      for (const [peerId, entry] of r.peers) {
        if (canonicalAddress(entry.info.remoteAddress) === want) out.push({ routerId: r.routerId, speaker: r.speaker, peerId, info: this.current(entry) });
      }
    }
    return out;
  }

  /** Every running peer's info as the speaker thread has it now (the last known where it does not answer). */
  async currentPeers(): Promise<{ routerId: number; info: PeerInfo }[]> {
    const out: { routerId: number; info: PeerInfo }[] = [];
    for (const r of this.routers.values()) {
      try {
        const infos = await r.speaker.snapshot();
        this.remember(r, infos);
        for (const info of infos) out.push({ routerId: r.routerId, info });
      } catch {
        for (const e of r.peers.values()) out.push({ routerId: r.routerId, info: this.current(e) });
      }
    }
    return out;
  }

  /** Every running peer with its last known info (uptime current). */
  allPeers(): { routerId: number; info: PeerInfo }[] {
    return [...this.routers.values()].flatMap((r) => [...r.peers.values()].map((e) => ({ routerId: r.routerId, info: this.current(e) })));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconcileTimer) clearTimeout(this.reconcileTimer);
    if (this.writeTimer) clearInterval(this.writeTimer);
    for (const u of this.unsubscribe) u();
    await this.reconciling;
    for (const r of this.routers.values()) await this.stopRouter(r);
    this.routers.clear();
    await this.thread.close();
    await this.writeBack();
  }
}

/** "sent Hold Timer Expired: ..." or, for a local error without a code, "local: connection closed by peer". */
function describeError(e: LastError): string {
  const head = [e.direction, [e.codeName, e.subcodeName].filter(Boolean).join('/')].filter(Boolean).join(' ');
  return e.text ? `${head}: ${e.text}` : head;
}
