// Many peers behind one or more listeners; the event surface the worker hooks into.
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { Clock, TimerHandle, realClock } from './clock';
import { BgpState } from './fsm';
import { LastError, MessageStats, Peer, PeerConfig, PeerInfo, type StartResult } from './peer';
import { refusal } from './refusal';
import { AttrPool, Family } from './rib';
import { MaxPrefixWarning, sameLimits } from './prefix-limit';
import { UpdateSpec, formatIPv6, parseIPv6 } from './wire';

export interface ListenAddress {
  address: string;
  port: number;
}

export interface SpeakerOptions {
  /** Where to accept inbound sessions; none means outbound-only. */
  listen?: ListenAddress | ListenAddress[];
  /** Minimum milliseconds between two `counters` events of one peer (default 500). */
  counterIntervalMs?: number;
  clock?: Clock;
}

export interface StateEvent {
  peerId: string;
  remoteAddress: string;
  remoteAs: number;
  from: BgpState;
  to: BgpState;
  reason: string;
  /** Seconds Established (0 unless to === 'ESTABLISHED' and time has passed). */
  uptime: number;
  lastError: LastError | null;
  /** Why the session last went down, as the peer keeps it (see PeerInfo.downReason). */
  downReason: LastError | null;
  time: Date;
}

export interface CountersEvent {
  peerId: string;
  state: BgpState;
  uptime: number;
  received: Record<Family, number>;
  advertised: Record<Family, number>;
  versions: { received: Record<Family, number>; send: Record<Family, number> };
  stats: { send: MessageStats; receive: MessageStats };
  lastError: LastError | null;
}

export interface SpeakerEvents {
  state: [StateEvent];
  counters: [CountersEvent];
  endOfRib: [{ peerId: string; family: Family }];
  /** A peer's prefix count reached the warning threshold of its limit. */
  maxPrefixWarning: [MaxPrefixWarning & { peerId: string; remoteAddress: string; remoteAs: number }];
  peerAdded: [{ peerId: string; config: PeerConfig }];
  peerRemoved: [{ peerId: string; reason: string }];
  listening: [ListenAddress];
}

export interface ReconcileResult {
  added: string[];
  removed: string[];
  changed: string[];
  unchanged: string[];
}

interface Throttle {
  timer: TimerHandle | null;
  last: number;
}

export class UnknownPeerError extends Error {
  constructor(id: string) {
    super(`unknown peer ${id}`);
    this.name = 'UnknownPeerError';
  }
}

/** Canonical text of an address so inbound dispatch is insensitive to IPv6 spelling and v4-mapped forms. */
export function canonicalAddress(a: string | undefined): string {
  if (!a) return '';
  if (a.startsWith('::ffff:') && a.indexOf('.') > 0) return a.slice(7);
  if (a.indexOf(':') >= 0) {
    try {
      return formatIPv6(parseIPv6(a));
    } catch {
      return a;
    }
  }
  return a;
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export class BgpSpeaker extends EventEmitter<SpeakerEvents> {
  readonly pool = new AttrPool();
  private readonly peers = new Map<string, Peer>();
  private readonly throttles = new Map<string, Throttle>();
  private readonly servers: net.Server[] = [];
  private readonly clock: Clock;
  private readonly interval: number;

  constructor(private readonly options: SpeakerOptions = {}) {
    super();
    this.clock = options.clock ?? realClock;
    this.interval = options.counterIntervalMs ?? 500;
  }

  /** Opens the listeners. Resolves once every one is listening. */
  async start(): Promise<void> {
    const list = this.options.listen === undefined ? [] : Array.isArray(this.options.listen) ? this.options.listen : [this.options.listen];
    for (const l of list) {
      const server = net.createServer((sock) => this.onInbound(sock));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: l.address, port: l.port }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      // Keep accepting after transient errors (EMFILE etc.): they must not crash the worker.
      server.on('error', () => undefined);
      this.servers.push(server);
      const addr = server.address() as net.AddressInfo;
      this.emit('listening', { address: addr.address, port: addr.port });
    }
  }

  /** Bound listener addresses (useful with port 0). */
  addresses(): ListenAddress[] {
    return this.servers.map((s) => {
      const a = s.address() as net.AddressInfo;
      return { address: a.address, port: a.port };
    });
  }

  /** Stops every session (Cease, administrative shutdown) and closes the listeners. */
  async stop(): Promise<void> {
    for (const id of [...this.peers.keys()]) this.removePeer(id, 2, 'speaker stopped');
    await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    this.servers.length = 0;
  }

  // ---------------------------------------------------------------- peers

  addPeer(config: PeerConfig): Peer {
    if (this.peers.has(config.id)) throw new Error(`peer ${config.id} already exists`);
    const peer = new Peer({ ...config }, this.pool, this.clock);
    this.peers.set(config.id, peer);
    this.throttles.set(config.id, { timer: null, last: 0 });
    this.wire(peer);
    this.emit('peerAdded', { peerId: config.id, config: { ...config } });
    if (config.enabled ?? true) peer.start();
    return peer;
  }

  /** Removes a peer: Cease (default subcode 3, peer de-configured), then forgets its routes. */
  removePeer(id: string, subcode = 3, reason = 'peer de-configured'): boolean {
    const peer = this.peers.get(id);
    if (!peer) return false;
    this.peers.delete(id);
    const th = this.throttles.get(id);
    if (th?.timer) this.clock.clearTimeout(th.timer);
    this.throttles.delete(id);
    const from = peer.state;
    peer.dispose(subcode);
    if (from !== 'IDLE') {
      this.emit('state', {
        peerId: id,
        remoteAddress: peer.config.remoteAddress,
        remoteAs: peer.config.remoteAs,
        from,
        to: 'IDLE',
        reason,
        uptime: 0,
        lastError: peer.lastError,
        downReason: peer.downReason,
        time: new Date(),
      });
    }
    this.emit('peerRemoved', { peerId: id, reason });
    return true;
  }

  getPeer(id: string): Peer | undefined {
    return this.peers.get(id);
  }

  listPeers(): Peer[] {
    return [...this.peers.values()];
  }

  /** Current state of every peer: the snapshot a subscriber receives before changes. */
  snapshot(): PeerInfo[] {
    return this.listPeers().map((p) => p.info());
  }

  /**
   * Makes the peer set equal to `configs`. Untouched peers keep their sessions; a changed peer is
   * restarted with its Adj-RIB-Out carried over; toggling only `enabled` starts/stops it, and new
   * prefix limits apply to the running session.
   */
  reconcile(configs: PeerConfig[]): ReconcileResult {
    const res: ReconcileResult = { added: [], removed: [], changed: [], unchanged: [] };
    const wanted = new Map(configs.map((c) => [c.id, c]));
    for (const id of [...this.peers.keys()]) {
      if (!wanted.has(id)) {
        this.removePeer(id);
        res.removed.push(id);
      }
    }
    for (const cfg of configs) {
      const cur = this.peers.get(cfg.id);
      if (!cur) {
        this.addPeer(cfg);
        res.added.push(cfg.id);
        continue;
      }
      // Enabling and prefix limits apply to the running session; anything else needs a new one.
      const inPlace = { enabled: undefined, maxPrefixes: undefined, maxPrefixWarningPercent: undefined, maxPrefixRestartTime: undefined };
      const a = stableJson({ ...cur.config, ...inPlace });
      const b = stableJson({ ...cfg, ...inPlace });
      if (a === b) {
        const limitsChanged = !sameLimits(cur.config, cfg);
        if (limitsChanged) cur.setPrefixLimits(cfg);
        const was = cur.config.enabled ?? true;
        const now = cfg.enabled ?? true;
        if (was === now) {
          (limitsChanged ? res.changed : res.unchanged).push(cfg.id);
          continue;
        }
        cur.config.enabled = now;
        if (now) cur.start();
        else cur.stop(2);
        res.changed.push(cfg.id);
        continue;
      }
      this.replacePeer(cur, cfg);
      res.changed.push(cfg.id);
    }
    return res;
  }

  private replacePeer(old: Peer, cfg: PeerConfig): void {
    // Build the successor first so the announced routes survive the restart.
    const next = new Peer({ ...cfg }, this.pool, this.clock);
    old.ribOut.ipv4.forEach((addr, len, s) => next.ribOut.ipv4.set(addr, len, s));
    old.ribOut.ipv6.forEach((k, s) => next.ribOut.ipv6.set(k, s));
    this.removePeer(old.id, 6, 'configuration changed');
    this.peers.set(cfg.id, next);
    this.throttles.set(cfg.id, { timer: null, last: 0 });
    this.wire(next);
    this.emit('peerAdded', { peerId: cfg.id, config: { ...cfg } });
    if (cfg.enabled ?? true) next.start();
  }

  // ---------------------------------------------------------------- per-peer operations

  private need(id: string): Peer {
    const p = this.peers.get(id);
    if (!p) throw new UnknownPeerError(id);
    return p;
  }

  manualStart(id: string): StartResult {
    const p = this.need(id);
    if (p.state === 'IDLE' && p.fsm.idleHoldRemaining() > 0 && !p.fsm.adminDown) {
      return { ok: false, refusal: refusal('idle-hold') };
    }
    return p.start();
  }

  manualStop(id: string, message?: string): void {
    this.need(id).stop(2, message);
  }

  announce(id: string, spec: UpdateSpec): { messages: number } {
    return this.need(id).announce(spec);
  }

  withdraw(id: string, prefixes: string[]): { messages: number } {
    const v4 = prefixes.filter((p) => p.indexOf(':') < 0);
    const v6 = prefixes.filter((p) => p.indexOf(':') >= 0);
    return this.need(id).announce({
      withdraw: v4,
      attrs: v6.length ? { mpUnreach: { afi: 2, safi: 1, withdraw: v6 } } : undefined,
    });
  }

  sendRawUpdate(id: string, msg: Buffer): void {
    this.need(id).sendRawUpdate(msg);
  }

  routeRefresh(id: string, afi: number, safi: number, subtype = 0): void {
    this.need(id).routeRefresh(afi, safi, subtype);
  }

  info(id: string): PeerInfo {
    return this.need(id).info();
  }

  // ---------------------------------------------------------------- internals

  private onInbound(sock: net.Socket): void {
    const remote = canonicalAddress(sock.remoteAddress);
    const local = canonicalAddress(sock.localAddress);
    let match: Peer | undefined;
    for (const p of this.peers.values()) {
      if (canonicalAddress(p.config.remoteAddress) !== remote) continue;
      const la = p.config.localAddress ? canonicalAddress(p.config.localAddress) : '';
      if (la && la !== local) continue;
      match = p;
      if (la) break; // an exact local-address match beats a wildcard one
    }
    if (!match) {
      sock.destroy();
      return;
    }
    sock.on('error', () => undefined);
    match.acceptIncoming(sock);
  }

  private wire(peer: Peer): void {
    const id = peer.id;
    peer.on('state', (from, to, reason) => {
      if (this.peers.get(id) !== peer) return;
      this.emit('state', {
        peerId: id,
        remoteAddress: peer.config.remoteAddress,
        remoteAs: peer.config.remoteAs,
        from,
        to,
        reason,
        uptime: peer.fsm.uptime(),
        lastError: peer.lastError,
        downReason: peer.downReason,
        time: new Date(),
      });
    });
    peer.on('changed', () => this.schedule(id));
    peer.on('maxPrefixWarning', (w) => {
      if (this.peers.get(id) !== peer) return;
      this.emit('maxPrefixWarning', { ...w, peerId: id, remoteAddress: peer.config.remoteAddress, remoteAs: peer.config.remoteAs });
    });
    peer.on('routes', () => this.schedule(id));
    peer.on('endOfRib', (family) => {
      // Flush the counters first so the receiver sees the full count at End-of-RIB.
      this.flush(id);
      this.emit('endOfRib', { peerId: id, family });
    });
  }

  private schedule(id: string): void {
    const th = this.throttles.get(id);
    if (!th || th.timer) return;
    const wait = Math.max(0, th.last + this.interval - this.clock.now());
    th.timer = this.clock.setTimeout(() => {
      th.timer = null;
      this.flush(id);
    }, wait);
  }

  private flush(id: string): void {
    const th = this.throttles.get(id);
    const peer = this.peers.get(id);
    if (!th || !peer) return;
    if (th.timer) {
      this.clock.clearTimeout(th.timer);
      th.timer = null;
    }
    th.last = this.clock.now();
    const info = peer.info();
    this.emit('counters', {
      peerId: id,
      state: info.state,
      uptime: info.uptime,
      received: info.received,
      advertised: info.advertised,
      versions: info.versions,
      stats: info.stats,
      lastError: info.lastError,
    });
  }
}
