// One BGP session: sockets, collision handling, message dispatch, Adj-RIB-In/Out, counters.
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { Clock, realClock } from './clock';
import { BgpFsm, BgpState, DEFAULT_FSM_CONFIG, FsmActions } from './fsm';
import { AdjRib, AttrPool, AttrSet, Family, FAMILY_AFI_SAFI, familyOf } from './rib';
import { StaleRoutes } from './graceful';
import { carriesCommunication, decodeShutdownCommunication, encodeShutdownCommunication, notificationKind, transportKind, type DownReasonKind } from './down-reason';
import { MaxPrefixWarning, PrefixLimitConfig, PrefixLimits, maxPrefixNotificationData, maxPrefixReason } from './prefix-limit';
import {
  BgpError,
  Capabilities,
  EncodeError,
  MAX_EXTENDED_MESSAGE_LEN,
  MAX_MESSAGE_LEN,
  MsgType,
  OpenMessage,
  RefreshSubtype,
  StreamFramer,
  UpdateSpec,
  buildV4Updates,
  buildV6Updates,
  checkHeader,
  decodeAttrKey,
  decodeNotification,
  decodeOpen,
  decodeRouteRefresh,
  decodeUpdate,
  describeNotification,
  emptyCapabilities,
  encodeAttributes,
  encodeEndOfRib,
  encodeKeepalive,
  encodeNotification,
  encodeOpen,
  encodeRouteRefresh,
  errorCodeName,
  errorSubcodeName,
  formatIPv4,
  openAsn,
  parseIPv4,
  prepareUpdate,
} from './wire';

/** Plain-object peer configuration. */
export interface PeerConfig extends PrefixLimitConfig {
  /** Stable identifier chosen by the caller (e.g. the database id). */
  id: string;
  localAs: number;
  routerId: string;
  remoteAddress: string;
  remoteAs: number;
  /** Source address for outgoing connections; also narrows inbound dispatch when set. */
  localAddress?: string;
  /** Default 179. */
  remotePort?: number;
  /** Never connect out; wait for the peer. */
  passive?: boolean;
  /** IP TTL for multihop eBGP (applied only where the runtime allows it, see PeerInfo.ttlApplied). */
  multihopTtl?: number;
  /** Seconds, default 90; 0 disables keepalives. */
  holdTime?: number;
  /** Seconds, default 120. */
  connectRetryTime?: number;
  /** Idle hold back-off, seconds: first value and ceiling (defaults 1 and 120). */
  idleHoldTime?: number;
  idleHoldTimeMax?: number;
  /** Default ['ipv4', 'ipv6']. */
  families?: Family[];
  /** Start the session when the peer is added (default true). */
  enabled?: boolean;
  /** TCP MD5 (RFC 2385) is not available from Node; a peer with a password stays Idle with an error. */
  password?: string;
  /** Advertise RFC 8654 extended messages (default true). */
  extendedMessage?: boolean;
  /** Graceful restart time advertised (default 0: restart-aware only, RFC 4724 §3). */
  gracefulRestartTime?: number;
  /** Seconds to wait for a restarted peer's End-of-RIB before its stale routes go (default 360). */
  gracefulRestartStaleTime?: number;
}

export type StatKey = 'Opens' | 'Updates' | 'Keepalives' | 'Notifications' | 'Route Refresh';
export type MessageStats = Record<StatKey, number>;

const STAT_BY_TYPE: Readonly<Record<number, StatKey>> = {
  1: 'Opens',
  2: 'Updates',
  3: 'Notifications',
  4: 'Keepalives',
  5: 'Route Refresh',
};

function emptyStats(): MessageStats {
  return { Opens: 0, Updates: 0, Keepalives: 0, Notifications: 0, 'Route Refresh': 0 };
}

export interface LastError {
  /** 'sent' / 'received' NOTIFICATION, or 'local' (transport, config). */
  direction: 'sent' | 'received' | 'local';
  code: number;
  subcode: number;
  codeName: string;
  subcodeName: string;
  text: string;
  time: Date;
  /** Why, as data: from the NOTIFICATION's code/subcode, or the transport failure. */
  kind: DownReasonKind;
  /** The RFC 8203/9003 shutdown communication of a Cease 2/4, sent or received; null when none (or malformed). */
  communication: string | null;
}

export interface Negotiated {
  as4: boolean;
  families: Family[];
  routeRefresh: boolean;
  enhancedRouteRefresh: boolean;
  extendedMessage: boolean;
  holdTime: number;
  keepaliveTime: number;
  gracefulRestart: boolean;
}

/** Capabilities in yabgp's `capability.local/remote` shape. */
export interface CapabilitySummary {
  four_bytes_as: boolean;
  route_refresh: boolean;
  cisco_route_refresh: boolean;
  enhanced_route_refresh: boolean;
  extended_message: boolean;
  graceful_restart: boolean;
  add_path: boolean;
  afi_safi: [string, string][];
}

export interface PeerInfo {
  id: string;
  state: BgpState;
  localAddress: string | null;
  localPort: number | null;
  localAs: number;
  remoteAddress: string;
  remotePort: number;
  remoteAs: number;
  remoteRouterId: string | null;
  uptime: number;
  lastError: LastError | null;
  /** Why the session last went down (kept while it is up again); a refused or failed reconnect does not replace a NOTIFICATION here. */
  downReason: LastError | null;
  /** Milliseconds until an automatic restart is allowed (idle hold), 0 if none. */
  idleHoldRemaining: number;
  adminDown: boolean;
  stats: { send: MessageStats; receive: MessageStats };
  received: Record<Family, number>;
  advertised: Record<Family, number>;
  versions: { received: Record<Family, number>; send: Record<Family, number> };
  negotiated: Negotiated | null;
  capability: { local: CapabilitySummary; remote: CapabilitySummary | null };
  ttlApplied: boolean;
  /** Families whose routes are kept stale while the peer restarts (RFC 4724). */
  staleFamilies: Family[];
}

export interface PeerEvents {
  state: [from: BgpState, to: BgpState, reason: string];
  /** Something counted changed (messages, prefixes); the speaker throttles it. */
  changed: [];
  routes: [family: Family, announced: number, withdrawn: number];
  endOfRib: [family: Family];
  /** The peer's prefix count reached the warning threshold of its limit (once until it falls back). */
  maxPrefixWarning: [MaxPrefixWarning];
}

/** Peer-state refusals for API calls (yabgp answers them with status false). */
export class PeerStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeerStateError';
  }
}

interface Connection {
  socket: net.Socket;
  framer: StreamFramer;
  direction: 'in' | 'out';
  open: OpenMessage | null;
  closed: boolean;
}

const AFI_NAMES: Readonly<Record<number, string>> = { 1: 'ipv4', 2: 'ipv6' };
const SAFI_NAMES: Readonly<Record<number, string>> = { 1: 'unicast', 4: 'mpls', 128: 'mpls_vpn', 133: 'flowspec', 73: 'sr_policy' };

function summarize(c: Capabilities): CapabilitySummary {
  return {
    four_bytes_as: c.fourOctetAs !== null,
    route_refresh: c.routeRefresh,
    cisco_route_refresh: c.ciscoRouteRefresh,
    enhanced_route_refresh: c.enhancedRouteRefresh,
    extended_message: c.extendedMessage,
    graceful_restart: c.gracefulRestart !== null,
    add_path: c.addPath.length > 0,
    afi_safi: c.multiprotocol.map(([a, s]) => [AFI_NAMES[a] ?? String(a), SAFI_NAMES[s] ?? String(s)]),
  };
}

function normalizeAddress(a: string | undefined): string {
  if (!a) return '';
  return a.startsWith('::ffff:') && a.indexOf('.') > 0 ? a.slice(7) : a;
}

export class Peer extends EventEmitter<PeerEvents> {
  readonly fsm: BgpFsm;
  readonly ribIn: AdjRib;
  readonly ribOut: AdjRib;
  readonly stats = { send: emptyStats(), receive: emptyStats() };
  lastError: LastError | null = null;
  /** Why the session last went down: the last error, except that failed reconnects do not hide a NOTIFICATION. */
  downReason: LastError | null = null;
  negotiated: Negotiated | null = null;
  remoteOpen: OpenMessage | null = null;
  ttlApplied = false;
  private main: Connection | null = null;
  private pendingIn: Connection | null = null;
  private connecting: net.Socket | null = null;
  private readonly localCaps: Capabilities;
  private readonly staleRoutes: StaleRoutes;
  private readonly prefixLimits: PrefixLimits;
  /** The session is down because a prefix limit was exceeded (a raised limit may restart it at once). */
  private limitHold = false;
  /** Text for the next NOTIFICATION we send, when it says more than its code names. */
  private notificationText: string | null = null;
  /** A NOTIFICATION went either way in this session: its end is not a graceful restart. */
  private notified = false;
  private disposed = false;

  constructor(
    readonly config: PeerConfig,
    pool: AttrPool,
    private readonly clock: Clock = realClock,
  ) {
    super();
    this.ribIn = new AdjRib(pool);
    this.ribOut = new AdjRib(pool);
    this.localCaps = this.buildLocalCaps();
    this.prefixLimits = new PrefixLimits(config);
    this.staleRoutes = new StaleRoutes(this.ribIn, clock, (f, n) => this.emit('routes', f, 0, n), config.gracefulRestartStaleTime);
    const fsmCfg = {
      ...DEFAULT_FSM_CONFIG,
      passive: config.passive ?? false,
      holdTime: config.holdTime ?? DEFAULT_FSM_CONFIG.holdTime,
      connectRetryTime: config.connectRetryTime ?? DEFAULT_FSM_CONFIG.connectRetryTime,
      idleHoldTime: config.idleHoldTime ?? DEFAULT_FSM_CONFIG.idleHoldTime,
      idleHoldTimeMax: config.idleHoldTimeMax ?? DEFAULT_FSM_CONFIG.idleHoldTimeMax,
    };
    this.fsm = new BgpFsm(fsmCfg, this.fsmActions(), clock);
  }

  get id(): string {
    return this.config.id;
  }

  get state(): BgpState {
    return this.fsm.state;
  }

  get families(): Family[] {
    return this.config.families ?? ['ipv4', 'ipv6'];
  }

  get isIbgp(): boolean {
    return this.config.localAs === this.config.remoteAs;
  }

  // ---------------------------------------------------------------- control

  /** ManualStart. Returns false (and why) when the peer is not Idle or cannot run. */
  start(): { ok: boolean; reason?: string } {
    if (this.disposed) return { ok: false, reason: 'peer removed' };
    if (this.config.password) {
      this.setLastError('local', 0, 0, 'TCP MD5 authentication (RFC 2385) is not supported by bgp-core; session not started', 'UNSUPPORTED_CONFIGURATION');
      this.emit('changed');
      return { ok: false, reason: 'tcp md5 not supported' };
    }
    if (this.fsm.state !== 'IDLE') return { ok: false, reason: 'peer already established' };
    this.fsm.manualStart();
    return { ok: true };
  }

  /** ManualStop: Cease (default subcode 2, administrative shutdown) with an optional RFC 9003 message. */
  stop(subcode = 2, message?: string): void {
    let data: Buffer | undefined;
    if (message && carriesCommunication(6, subcode)) data = encodeShutdownCommunication(message);
    this.fsm.manualStop(subcode, data, subcode === 3 ? 'peer de-configured' : 'manual stop');
    // Stopped while the peer was restarting: an operator's stop drops what was kept for it.
    this.staleRoutes.sessionDown(null, true);
  }

  /**
   * New prefix limits without a new session: checked against what is held now; a session held
   * down by the old limit restarts at once when the new one allows more.
   */
  setPrefixLimits(limits: PrefixLimitConfig): void {
    this.config.maxPrefixes = limits.maxPrefixes;
    this.config.maxPrefixWarningPercent = limits.maxPrefixWarningPercent;
    this.config.maxPrefixRestartTime = limits.maxPrefixRestartTime;
    this.prefixLimits.configure(this.config);
    if (this.fsm.state === 'ESTABLISHED' && this.negotiated) {
      for (const f of this.negotiated.families) if (this.enforceLimit(f)) return;
    } else if (this.limitHold && this.fsm.restartNow('prefix limit changed')) {
      this.limitHold = false;
    }
  }

  /** Stops the session and releases everything (peer removed from the speaker). */
  dispose(subcode = 3): void {
    if (this.disposed) return;
    this.stop(subcode);
    this.disposed = true;
    this.fsm.dispose();
    this.ribIn.clear();
    this.ribOut.clear();
    this.removeAllListeners();
  }

  // ---------------------------------------------------------------- API operations

  /**
   * Stores routes in the Adj-RIB-Out and sends them when Established.
   * Throws EncodeError for bad input, including a family the session did not negotiate.
   */
  announce(spec: UpdateSpec): { messages: number } {
    const p = prepareUpdate(spec);
    if (this.negotiated) {
      if ((p.v4Announce.length || p.v4Withdraw.length) && !this.negotiated.families.includes('ipv4')) {
        throw new EncodeError('address family unsupported, afi=1,safi=1');
      }
      if ((p.v6Announce.length || p.v6Withdraw.length) && !this.negotiated.families.includes('ipv6')) {
        throw new EncodeError('address family unsupported, afi=2,safi=1');
      }
    }
    const hasAnnounce = p.v4Announce.length > 0 || p.v6Announce.length > 0;
    if (hasAnnounce && this.isIbgp && p.attrs.localPref === undefined) p.attrs.localPref = 100;
    if (hasAnnounce && !this.isIbgp) {
      // RFC 4271 §5.1.2: towards an external peer our AS leads the path.
      const path = p.attrs.asPath ?? [];
      const first = path[0];
      if (!(first && first.type === 2 && first.asns[0] === this.config.localAs)) {
        p.attrs.asPath =
          first && first.type === 2 && first.asns.length < 255
            ? [{ type: 2, asns: [this.config.localAs, ...first.asns] }, ...path.slice(1)]
            : [{ type: 2, asns: [this.config.localAs] }, ...path];
      }
    }
    const tlv = hasAnnounce ? encodeAttributes(p.attrs, { as4: true }) : Buffer.alloc(0);
    const pool = this.ribOut.pool;
    const v4set = p.v4Announce.length ? pool.acquire('4\u0000' + tlv.toString('latin1')) : null;
    const nh = p.v6NextHop;
    const v6set = p.v6Announce.length && nh ? pool.acquire('4' + String.fromCharCode(nh.length) + nh.toString('latin1') + tlv.toString('latin1')) : null;
    try {
      for (const k of p.v4Withdraw) this.ribOut.ipv4.delete(k % 4294967296, Math.floor(k / 4294967296));
      for (const k of p.v6Withdraw) this.ribOut.ipv6.delete(k);
      if (v4set) for (const k of p.v4Announce) this.ribOut.ipv4.set(k % 4294967296, Math.floor(k / 4294967296), v4set);
      if (v6set) for (const k of p.v6Announce) this.ribOut.ipv6.set(k, v6set);
      if (this.fsm.state !== 'ESTABLISHED' || !this.negotiated) {
        this.emit('changed');
        return { messages: 0 };
      }
      const max = this.negotiated.extendedMessage ? MAX_EXTENDED_MESSAGE_LEN : MAX_MESSAGE_LEN;
      const msgs = [
        ...buildV4Updates(v4set ? this.attrBytesFor(v4set) : null, p.v4Announce, p.v4Withdraw, max),
        ...buildV6Updates(v6set ? this.attrBytesFor(v6set) : null, nh, p.v6Announce, p.v6Withdraw, max),
      ];
      for (const m of msgs) this.sendMessage(m);
      this.emit('changed');
      return { messages: msgs.length };
    } finally {
      if (v4set) pool.release(v4set);
      if (v6set) pool.release(v6set);
    }
  }

  /** Sends a complete, hex-decoded UPDATE after validating it; the Adj-RIB-Out follows it. */
  sendRawUpdate(msg: Buffer): void {
    this.requireEstablished();
    const neg = this.negotiated as Negotiated;
    let d;
    try {
      const len = checkHeader(msg, 0, neg.extendedMessage ? MAX_EXTENDED_MESSAGE_LEN : MAX_MESSAGE_LEN);
      if (len !== msg.length) throw new EncodeError(`header length ${len} but ${msg.length} bytes given`);
      if (msg[18] !== MsgType.UPDATE) throw new EncodeError('not an UPDATE message');
      d = decodeUpdate(msg, 19, msg.length, { as4: neg.as4 });
    } catch (e) {
      throw e instanceof EncodeError ? e : new EncodeError(`invalid UPDATE: ${(e as Error).message}`);
    }
    if (d.treatAsWithdraw || d.problems.length > 0) throw new EncodeError(`invalid UPDATE: ${d.problems.join('; ')}`);
    this.ribOut.applyUpdate(d);
    this.sendMessage(Buffer.from(msg));
    this.emit('changed');
  }

  /** Sends ROUTE-REFRESH (subtype 0 normal, or BoRR/EoRR with enhanced route refresh). */
  routeRefresh(afi: number, safi: number, subtype = 0): void {
    this.requireEstablished();
    const neg = this.negotiated as Negotiated;
    if (!neg.routeRefresh) throw new PeerStateError('route refresh not negotiated with this peer');
    const fam = familyOf(afi, safi);
    if (!fam || !neg.families.includes(fam)) throw new PeerStateError(`address family unsupported, afi=${afi},safi=${safi}`);
    if (subtype !== 0 && !neg.enhancedRouteRefresh) throw new PeerStateError('enhanced route refresh not negotiated');
    this.sendMessage(encodeRouteRefresh(afi, safi, subtype));
  }

  info(): PeerInfo {
    const m = this.main;
    return {
      id: this.config.id,
      state: this.fsm.state,
      localAddress: m ? normalizeAddress(m.socket.localAddress) : (this.config.localAddress ?? null),
      localPort: m?.socket.localPort ?? null,
      localAs: this.config.localAs,
      remoteAddress: this.config.remoteAddress,
      remotePort: this.config.remotePort ?? 179,
      remoteAs: this.config.remoteAs,
      remoteRouterId: this.remoteOpen ? formatIPv4(this.remoteOpen.bgpId) : null,
      uptime: this.fsm.uptime(),
      lastError: this.lastError,
      downReason: this.downReason,
      idleHoldRemaining: this.fsm.idleHoldRemaining(),
      adminDown: this.fsm.adminDown,
      stats: { send: { ...this.stats.send }, receive: { ...this.stats.receive } },
      received: this.ribIn.counts,
      advertised: this.ribOut.counts,
      versions: { received: this.ribIn.versions, send: this.ribOut.versions },
      negotiated: this.negotiated ? { ...this.negotiated, families: [...this.negotiated.families] } : null,
      capability: {
        local: summarize(this.localCaps),
        remote: this.remoteOpen ? summarize(this.remoteOpen.capabilities) : null,
      },
      ttlApplied: this.ttlApplied,
      staleFamilies: this.staleRoutes.stale,
    };
  }

  // ---------------------------------------------------------------- inbound connections

  /** Called by the speaker for a connection from this peer's address. */
  acceptIncoming(socket: net.Socket): void {
    const st = this.fsm.state;
    if (this.disposed || st === 'IDLE') {
      socket.destroy();
      return;
    }
    if (st === 'CONNECT' || st === 'ACTIVE') {
      if (this.connecting) {
        this.connecting.destroy();
        this.connecting = null;
      }
      this.main = this.attach(socket, 'in');
      this.fsm.tcpConnected();
      return;
    }
    if ((st === 'OPENSENT' || st === 'OPENCONFIRM') && !this.pendingIn && this.main?.direction === 'out') {
      // Possible collision: run OPEN on the new connection; resolve when an OPEN tells us the peer's id.
      const c = this.attach(socket, 'in');
      this.pendingIn = c;
      this.write(c, this.encodeOurOpen(), MsgType.OPEN);
      return;
    }
    // Established (or a second inbound attempt): keep the existing session (RFC 4271 §6.8).
    const c = this.attach(socket, 'in');
    this.closeConn(c, encodeNotification(6, 7));
  }

  // ---------------------------------------------------------------- internals

  private buildLocalCaps(): Capabilities {
    const c = emptyCapabilities();
    c.multiprotocol = this.families.map((f) => FAMILY_AFI_SAFI[f]);
    c.routeRefresh = true;
    c.enhancedRouteRefresh = true;
    c.extendedMessage = this.config.extendedMessage ?? true;
    c.fourOctetAs = this.config.localAs;
    c.gracefulRestart = { restartTime: this.config.gracefulRestartTime ?? 0, restarting: false, families: [] };
    return c;
  }

  private encodeOurOpen(): Buffer {
    return encodeOpen({
      asn: this.config.localAs,
      holdTime: this.fsm.config.holdTime,
      bgpId: this.config.routerId,
      capabilities: this.localCaps,
    });
  }

  private fsmActions(): FsmActions {
    return {
      connect: () => this.connectOut(),
      dropConnection: () => this.dropAll(),
      sendOpen: () => {
        if (this.main) this.write(this.main, this.encodeOurOpen(), MsgType.OPEN);
      },
      sendKeepalive: () => {
        if (this.main) this.write(this.main, encodeKeepalive(), MsgType.KEEPALIVE);
      },
      sendNotification: (code, subcode, data) => {
        if (!this.main) return;
        this.notified = true;
        const communication = carriesCommunication(code, subcode) && data ? decodeShutdownCommunication(data).text : null;
        const what = this.notificationText ?? describeNotification({ code, subcode, shutdownMessage: communication ?? undefined });
        this.notificationText = null;
        this.setLastError('sent', code, subcode, `NOTIFICATION sent: ${what}`, undefined, communication);
        this.write(this.main, encodeNotification(code, subcode, data, this.main.framer.maxLength), MsgType.NOTIFICATION);
      },
      stateChanged: (from, to, reason) => this.onState(from, to, reason),
    };
  }

  private onState(from: BgpState, to: BgpState, reason: string): void {
    if (to !== 'IDLE') this.limitHold = false;
    if (from === 'ESTABLISHED') {
      // The session's routes go with it, unless the peer is restarting gracefully (RFC 4724).
      this.staleRoutes.sessionDown(this.remoteOpen?.capabilities.gracefulRestart ?? null, this.notified);
    }
    if (to === 'IDLE' || to === 'ACTIVE') {
      this.negotiated = to === 'IDLE' ? null : this.negotiated;
    }
    this.emit('state', from, to, reason);
    if (to === 'ESTABLISHED') this.onEstablished();
    this.emit('changed');
  }

  private connectOut(): void {
    const cfg = this.config;
    if (this.connecting) this.connecting.destroy();
    const sock = net.connect({
      host: cfg.remoteAddress,
      port: cfg.remotePort ?? 179,
      localAddress: cfg.localAddress,
    });
    this.connecting = sock;
    sock.once('connect', () => {
      if (this.connecting !== sock) return;
      this.connecting = null;
      sock.removeAllListeners('error');
      this.main = this.attach(sock, 'out');
      this.fsm.tcpConnected();
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      sock.destroy();
      if (this.connecting !== sock) return;
      this.connecting = null;
      this.setLastError('local', 0, 0, `connect to ${cfg.remoteAddress}:${cfg.remotePort ?? 179} failed: ${err.code ?? err.message}`, transportKind(err.code));
      this.fsm.tcpFailed(`connection failed (${err.code ?? err.message})`);
      this.emit('changed');
    });
  }

  private attach(socket: net.Socket, direction: 'in' | 'out'): Connection {
    socket.setNoDelay(true);
    const ttl = this.config.multihopTtl;
    if (ttl !== undefined) {
      // net.Socket has no TTL setter in Node; use one if a runtime provides it.
      const s = socket as unknown as { setTTL?: (n: number) => void };
      if (typeof s.setTTL === 'function') {
        s.setTTL(ttl);
        this.ttlApplied = true;
      }
    }
    const conn: Connection = {
      socket,
      direction,
      open: null,
      closed: false,
      framer: new StreamFramer((type, buf, start, end) => this.onMessage(conn, type, buf, start, end)),
    };
    socket.on('data', (chunk: Buffer) => {
      if (conn.closed) return;
      try {
        conn.framer.push(chunk);
      } catch (e) {
        this.onProtocolError(conn, e);
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => this.onConnClosed(conn, `socket error: ${err.code ?? err.message}`, transportKind(err.code)));
    socket.on('close', () => this.onConnClosed(conn, 'connection closed by peer', 'CONNECTION_CLOSED'));
    return conn;
  }

  private write(c: Connection, msg: Buffer, type: number): void {
    if (c.closed) return;
    c.socket.write(msg);
    this.stats.send[STAT_BY_TYPE[type]]++;
  }

  private sendMessage(msg: Buffer): void {
    if (!this.main) throw new PeerStateError("Please check the peer's state");
    this.write(this.main, msg, msg[18]);
    this.fsm.messageSent();
  }

  private closeConn(c: Connection, notification?: Buffer): void {
    if (c.closed) return;
    if (notification) this.write(c, notification, MsgType.NOTIFICATION);
    c.closed = true;
    c.socket.end();
    // Give the NOTIFICATION a moment to flush, then make sure the socket is gone.
    const t = setTimeout(() => c.socket.destroy(), 1000);
    t.unref();
  }

  private dropAll(): void {
    if (this.connecting) {
      this.connecting.destroy();
      this.connecting = null;
    }
    if (this.main) this.closeConn(this.main);
    if (this.pendingIn) this.closeConn(this.pendingIn);
    this.main = null;
    this.pendingIn = null;
  }

  private onConnClosed(c: Connection, reason: string, kind: DownReasonKind): void {
    if (c.closed) return;
    c.closed = true;
    c.socket.destroy();
    if (c === this.pendingIn) {
      this.pendingIn = null;
      return;
    }
    if (c !== this.main) return;
    this.main = null;
    if (this.pendingIn && this.fsm.state === 'OPENSENT') {
      // Our connection lost the race on the peer's side; carry on with the inbound one.
      this.promotePending();
      return;
    }
    if (this.fsm.state !== 'IDLE' && this.fsm.state !== 'CONNECT' && this.fsm.state !== 'ACTIVE') {
      this.setLastError('local', 0, 0, reason, kind);
    }
    this.fsm.tcpFailed(reason);
    this.emit('changed');
  }

  private promotePending(): void {
    const p = this.pendingIn as Connection;
    this.pendingIn = null;
    this.main = p;
    if (p.open) {
      this.applyRemoteOpen(p.open);
      this.fsm.adoptOpenedConnection(p.open.holdTime);
    }
  }

  private onProtocolError(c: Connection, e: unknown): void {
    const err = e instanceof BgpError ? e : new BgpError(6, 0, Buffer.alloc(0), String((e as Error)?.message ?? e));
    if (c !== this.main) {
      this.closeConn(c, encodeNotification(err.code, err.subcode, err.data));
      if (c === this.pendingIn) this.pendingIn = null;
      return;
    }
    this.fsm.protocolError(err.code, err.subcode, err.data, err.message);
    this.setLastError('sent', err.code, err.subcode, `NOTIFICATION sent: ${err.message}`);
  }

  private onMessage(c: Connection, type: number, buf: Buffer, start: number, end: number): void {
    if (c.closed) return;
    this.stats.receive[STAT_BY_TYPE[type]]++;
    if (c === this.pendingIn) {
      this.onPendingMessage(c, type, buf, start, end);
      return;
    }
    if (c !== this.main) return;
    switch (type) {
      case MsgType.OPEN:
        this.onOpen(c, decodeOpen(buf, start, end));
        break;
      case MsgType.KEEPALIVE:
        this.fsm.keepaliveReceived();
        break;
      case MsgType.UPDATE:
        if (this.fsm.updateReceived()) this.onUpdate(buf, start, end);
        break;
      case MsgType.NOTIFICATION:
        this.onNotification(buf, start, end);
        break;
      case MsgType.ROUTE_REFRESH:
        if (this.fsm.updateReceived()) this.onRouteRefresh(buf, start, end);
        break;
    }
    this.emit('changed');
  }

  private onPendingMessage(c: Connection, type: number, buf: Buffer, start: number, end: number): void {
    if (this.fsm.state === 'ESTABLISHED') {
      // A session is up: the newcomer loses whatever its identifier (RFC 4271 §6.8).
      this.closeConn(c, encodeNotification(6, 7));
      this.pendingIn = null;
      return;
    }
    if (type === MsgType.OPEN) {
      const open = decodeOpen(buf, start, end);
      this.validateOpen(open);
      c.open = open;
      this.resolveCollision(open.bgpId);
    } else if (type === MsgType.NOTIFICATION) {
      this.closeConn(c);
      this.pendingIn = null;
    }
  }

  /** RFC 4271 §6.8: keep the connection opened by the speaker with the higher BGP identifier. */
  private resolveCollision(remoteId: number): void {
    const pending = this.pendingIn;
    const main = this.main;
    if (!pending || !main) return;
    const localId = parseIPv4(this.config.routerId);
    if (localId < remoteId >>> 0 && main.direction === 'out') {
      this.closeConn(main, encodeNotification(6, 7));
      this.main = null;
      this.promotePending();
    } else {
      this.closeConn(pending, encodeNotification(6, 7));
      this.pendingIn = null;
    }
  }

  private validateOpen(open: OpenMessage): void {
    const asn = openAsn(open);
    if (asn !== this.config.remoteAs) {
      const data = Buffer.alloc(2);
      data.writeUInt16BE(open.myAs, 0);
      throw new BgpError(2, 2, data, `peer AS ${asn}, expected ${this.config.remoteAs}`);
    }
    if (this.isIbgp && open.bgpId >>> 0 === parseIPv4(this.config.routerId)) {
      throw new BgpError(2, 3, Buffer.alloc(0), 'peer uses our BGP identifier');
    }
  }

  private onOpen(c: Connection, open: OpenMessage): void {
    this.validateOpen(open);
    c.open = open;
    if (this.pendingIn) {
      this.resolveCollision(open.bgpId);
      if (this.main !== c) return;
    }
    this.applyRemoteOpen(open);
    this.fsm.openReceived(open.holdTime);
  }

  private applyRemoteOpen(open: OpenMessage): void {
    this.remoteOpen = open;
    const rc = open.capabilities;
    const lc = this.localCaps;
    // RFC 4760: a peer without multiprotocol capabilities speaks IPv4 unicast only.
    const remoteFams: Family[] =
      rc.multiprotocol.length === 0
        ? ['ipv4']
        : rc.multiprotocol.map(([a, s]) => familyOf(a, s)).filter((f): f is Family => f !== null);
    const ext = lc.extendedMessage && rc.extendedMessage;
    const hold = Math.min(this.fsm.config.holdTime, open.holdTime);
    this.negotiated = {
      as4: rc.fourOctetAs !== null,
      families: this.families.filter((f) => remoteFams.includes(f)),
      routeRefresh: rc.routeRefresh || rc.ciscoRouteRefresh,
      enhancedRouteRefresh: rc.enhancedRouteRefresh,
      extendedMessage: ext,
      holdTime: hold,
      keepaliveTime: Math.floor(hold / 3),
      gracefulRestart: rc.gracefulRestart !== null,
    };
    if (this.main) this.main.framer.maxLength = ext ? MAX_EXTENDED_MESSAGE_LEN : MAX_MESSAGE_LEN;
  }

  private onEstablished(): void {
    this.lastError = this.lastError && this.lastError.direction === 'local' ? null : this.lastError;
    this.notified = false;
    this.prefixLimits.reset();
    this.staleRoutes.sessionUp(this.remoteOpen?.capabilities.gracefulRestart ?? null);
    const neg = this.negotiated;
    if (!neg) return;
    for (const f of neg.families) {
      this.sendTable(f);
      const [afi, safi] = FAMILY_AFI_SAFI[f];
      this.sendMessage(encodeEndOfRib(afi, safi));
    }
  }

  /** Bytes of an AttrSet's attributes in this session's AS width. */
  private attrBytesFor(s: AttrSet): Buffer {
    const as4 = this.negotiated?.as4 ?? true;
    if (s.as4 === as4) return s.tlvBytes();
    return encodeAttributes(decodeAttrKey(s.key), { as4 });
  }

  /** Sends the whole Adj-RIB-Out of one family, grouped by attribute set. */
  private sendTable(f: Family): void {
    const neg = this.negotiated as Negotiated;
    const max = neg.extendedMessage ? MAX_EXTENDED_MESSAGE_LEN : MAX_MESSAGE_LEN;
    if (f === 'ipv4') {
      const groups = new Map<AttrSet, number[]>();
      this.ribOut.ipv4.forEach((addr, len, s) => {
        let g = groups.get(s);
        if (!g) groups.set(s, (g = []));
        g.push(len * 4294967296 + addr);
      });
      for (const [s, keys] of groups) for (const m of buildV4Updates(this.attrBytesFor(s), keys, [], max)) this.sendMessage(m);
    } else {
      const groups = new Map<AttrSet, string[]>();
      this.ribOut.ipv6.forEach((k, s) => {
        let g = groups.get(s);
        if (!g) groups.set(s, (g = []));
        g.push(k);
      });
      for (const [s, keys] of groups) {
        for (const m of buildV6Updates(this.attrBytesFor(s), s.mpNextHop, keys, [], max)) this.sendMessage(m);
      }
    }
  }

  private onUpdate(buf: Buffer, start: number, end: number): void {
    const neg = this.negotiated as Negotiated;
    const d = decodeUpdate(buf, start, end, { as4: neg.as4 });
    if (d.endOfRib) {
      const f = familyOf(d.endOfRib[0], d.endOfRib[1]);
      if (f) {
        this.staleRoutes.endOfRib(f);
        this.emit('endOfRib', f);
      }
      return;
    }
    const r = this.ribIn.applyUpdate(d, (f) => neg.families.includes(f));
    if (r.family && (r.announced > 0 || r.withdrawn > 0)) {
      this.emit('routes', r.family, r.announced, r.withdrawn);
      this.enforceLimit(r.family);
    }
  }

  /** Applies the family's prefix limit to what is held now; true when the session was ended for it. */
  private enforceLimit(f: Family): boolean {
    const v = this.prefixLimits.check(f, this.ribIn.table(f).count);
    if (v.kind === 'warn') {
      this.emit('maxPrefixWarning', { family: f, count: v.count, limit: v.limit, percent: this.prefixLimits.warningPercent });
      return false;
    }
    if (v.kind !== 'exceeded') return false;
    // RFC 4486: Cease / Maximum Number of Prefixes Reached, with AFI/SAFI and the bound as data.
    const reason = maxPrefixReason(f, v.limit);
    this.notificationText = reason;
    this.fsm.ceaseWithHold(1, maxPrefixNotificationData(f, v.limit), reason, this.prefixLimits.restartTime);
    this.limitHold = true;
    return true;
  }

  private onNotification(buf: Buffer, start: number, end: number): void {
    const n = decodeNotification(buf, start, end);
    this.notified = true;
    const text = `NOTIFICATION received: ${describeNotification(n)}${n.shutdownMessageInvalid ? ` (${n.shutdownMessageInvalid})` : ''}`;
    this.setLastError('received', n.code, n.subcode, text, undefined, n.shutdownMessage ?? null);
    this.fsm.notificationReceived(`NOTIFICATION received: ${describeNotification(n)}`);
  }

  private onRouteRefresh(buf: Buffer, start: number, end: number): void {
    const rr = decodeRouteRefresh(buf, start, end);
    const f = familyOf(rr.afi, rr.safi);
    const neg = this.negotiated as Negotiated;
    if (!f || !neg.families.includes(f)) return; // RFC 2918: ignore a family not negotiated
    if (rr.subtype === RefreshSubtype.NORMAL) {
      const [afi, safi] = FAMILY_AFI_SAFI[f];
      if (neg.enhancedRouteRefresh) this.sendMessage(encodeRouteRefresh(afi, safi, RefreshSubtype.BORR));
      this.sendTable(f);
      if (neg.enhancedRouteRefresh) this.sendMessage(encodeRouteRefresh(afi, safi, RefreshSubtype.EORR));
      else this.sendMessage(encodeEndOfRib(afi, safi));
    } else if (rr.subtype === RefreshSubtype.BORR) {
      this.ribIn.table(f).beginRefresh();
    } else if (rr.subtype === RefreshSubtype.EORR) {
      const n = this.ribIn.table(f).endRefresh();
      if (n > 0) this.emit('routes', f, 0, n);
    }
  }

  private requireEstablished(): void {
    if (this.fsm.state !== 'ESTABLISHED' || !this.negotiated || !this.main) {
      throw new PeerStateError("Please check the peer's state");
    }
  }

  /** A NOTIFICATION's kind follows from its code; a local error names its own (default: the connection failed). */
  private setLastError(direction: LastError['direction'], code: number, subcode: number, text: string, kind?: DownReasonKind, communication: string | null = null): void {
    this.lastError = {
      kind: kind ?? (code ? notificationKind(code, subcode) : 'CONNECTION_FAILED'),
      communication,
      direction,
      code,
      subcode,
      codeName: code ? errorCodeName(code) : '',
      subcodeName: code ? errorSubcodeName(code, subcode) : '',
      text,
      time: new Date(this.clock.now() > 1e12 ? this.clock.now() : Date.now()),
    };
    // A peer that shut the session down with a communication usually refuses us afterwards: keep saying why.
    const failedAttempt = direction === 'local' && this.fsm.state !== 'ESTABLISHED';
    if (!(failedAttempt && this.downReason && this.downReason.direction !== 'local')) this.downReason = this.lastError;
  }
}
