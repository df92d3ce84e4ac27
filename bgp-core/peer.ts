// One BGP session: the FSM, the messages of an established session, Adj-RIB-In and limits; the
// connections (./connection), negotiation (./negotiation), what is advertised (./adj-rib-out) and
// the message counters (./message-stats) are their own modules.
import { EventEmitter } from 'node:events';
import type * as net from 'node:net';
import { AdjRibOut } from './adj-rib-out';
import { CapabilitySummary, summarizeCapabilities } from './capability-summary';
import { Clock, realClock } from './clock';
import { Connection, Connections } from './connection';
import { carriesCommunication, decodeShutdownCommunication, encodeShutdownCommunication, notificationKind, type DownReasonKind } from './down-reason';
import { BgpFsm, BgpState, DEFAULT_FSM_CONFIG, FsmActions } from './fsm';
import { StaleRoutes } from './graceful';
import { MessageCounters, type MessageStats } from './message-stats';
import { Negotiated, checkRemoteOpen, encodeLocalOpen, localCapabilities, negotiate } from './negotiation';
import { PeerStateError, refusal, type Refusal } from './refusal';
import { MaxPrefixWarning, PrefixLimitConfig, PrefixLimits, maxPrefixNotificationData, maxPrefixReason } from './prefix-limit';
import { AdjRib, AttrPool, Family, FAMILY_AFI_SAFI, familyOf } from './rib';
import {
  Capabilities,
  EncodeError,
  MAX_EXTENDED_MESSAGE_LEN,
  MAX_MESSAGE_LEN,
  MsgType,
  OpenMessage,
  RefreshSubtype,
  UpdateSpec,
  checkHeader,
  decodeNotification,
  decodeOpen,
  decodeRouteRefresh,
  decodeUpdate,
  describeNotification,
  encodeEndOfRib,
  encodeKeepalive,
  encodeNotification,
  encodeRouteRefresh,
  errorCodeName,
  errorSubcodeName,
  formatIPv4,
} from './wire';

export type { CapabilitySummary } from './capability-summary';
export { emptyStats, type MessageStats, type StatKey } from './message-stats';
export type { Negotiated } from './negotiation';

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


/** A manual start: done, or refused with the reason. */
export type StartResult = { ok: true } | { ok: false; refusal: Refusal };

function normalizeAddress(a: string | undefined): string {
  if (!a) return '';
  return a.startsWith('::ffff:') && a.indexOf('.') > 0 ? a.slice(7) : a;
}

export class Peer extends EventEmitter<PeerEvents> {
  readonly fsm: BgpFsm;
  readonly ribIn: AdjRib;
  readonly ribOut: AdjRib;
  private readonly counters = new MessageCounters();
  readonly stats = { send: this.counters.send, receive: this.counters.receive };
  lastError: LastError | null = null;
  /** Why the session last went down: the last error, except that failed reconnects do not hide a NOTIFICATION. */
  downReason: LastError | null = null;
  negotiated: Negotiated | null = null;
  remoteOpen: OpenMessage | null = null;
  private readonly conns: Connections;
  private readonly out: AdjRibOut;
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
    this.out = new AdjRibOut(this.ribOut, config.localAs, this.isIbgp);
    this.localCaps = localCapabilities(config, this.families);
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
    this.conns = new Connections(config, this.counters, {
      state: () => this.fsm.state,
      connected: () => this.fsm.tcpConnected(),
      failed: (reason, kind, detail) => this.onTransportFailed(reason, kind, detail),
      message: (c, type, buf, start, end) => this.onMessage(c, type, buf, start, end),
      protocolError: (err) => {
        this.fsm.protocolError(err.code, err.subcode, err.data, err.message);
        this.setLastError('sent', err.code, err.subcode, `NOTIFICATION sent: ${err.message}`);
      },
      promoted: (open) => {
        if (!open) return;
        this.applyRemoteOpen(open);
        this.fsm.adoptOpenedConnection(open.holdTime);
      },
      checkOpen: (open) => checkRemoteOpen(open, config),
      ourOpen: () => this.encodeOurOpen(),
    });
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

  get ttlApplied(): boolean {
    return this.conns.ttlApplied;
  }

  // ---------------------------------------------------------------- control

  /** ManualStart. Returns false (and why) when the peer is not Idle or cannot run. */
  start(): StartResult {
    if (this.disposed) return { ok: false, refusal: refusal('peer-removed') };
    if (this.config.password) {
      this.setLastError('local', 0, 0, 'TCP MD5 authentication (RFC 2385) is not supported by bgp-core; session not started', 'UNSUPPORTED_CONFIGURATION');
      this.emit('changed');
      return { ok: false, refusal: refusal('md5-unsupported') };
    }
    if (this.fsm.state !== 'IDLE') return { ok: false, refusal: refusal('already-started') };
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
    const established = this.fsm.state === 'ESTABLISHED' && this.negotiated !== null;
    const messages = this.out.announce(spec, this.negotiated, established ? (m) => this.sendMessage(m) : null);
    this.emit('changed');
    return { messages };
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
    this.out.applyRaw(d);
    this.sendMessage(Buffer.from(msg));
    this.emit('changed');
  }

  /** Sends ROUTE-REFRESH (subtype 0 normal, or BoRR/EoRR with enhanced route refresh). */
  routeRefresh(afi: number, safi: number, subtype = 0): void {
    this.requireEstablished();
    const neg = this.negotiated as Negotiated;
    if (!neg.routeRefresh) throw new PeerStateError(refusal('route-refresh-not-negotiated'));
    const fam = familyOf(afi, safi);
    if (!fam || !neg.families.includes(fam)) throw new PeerStateError(refusal('family-not-negotiated', { afi, safi }));
    if (subtype !== 0 && !neg.enhancedRouteRefresh) throw new PeerStateError(refusal('enhanced-route-refresh-not-negotiated'));
    this.sendMessage(encodeRouteRefresh(afi, safi, subtype));
  }

  info(): PeerInfo {
    const m = this.conns.main;
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
      stats: this.counters.snapshot(),
      received: this.ribIn.counts,
      advertised: this.ribOut.counts,
      versions: { received: this.ribIn.versions, send: this.ribOut.versions },
      negotiated: this.negotiated ? { ...this.negotiated, families: [...this.negotiated.families] } : null,
      capability: {
        local: summarizeCapabilities(this.localCaps),
        remote: this.remoteOpen ? summarizeCapabilities(this.remoteOpen.capabilities) : null,
      },
      ttlApplied: this.conns.ttlApplied,
      staleFamilies: this.staleRoutes.stale,
    };
  }

  /** Called by the speaker for a connection from this peer's address. */
  acceptIncoming(socket: net.Socket): void {
    this.conns.accept(socket, this.disposed);
  }

  // ---------------------------------------------------------------- internals

  private encodeOurOpen(): Buffer {
    return encodeLocalOpen(this.config, this.fsm.config.holdTime, this.localCaps);
  }

  private fsmActions(): FsmActions {
    return {
      connect: () => this.conns.dial(),
      dropConnection: () => this.conns.dropAll(),
      sendOpen: () => {
        this.conns.send(this.encodeOurOpen(), MsgType.OPEN);
      },
      sendKeepalive: () => {
        this.conns.send(encodeKeepalive(), MsgType.KEEPALIVE);
      },
      sendNotification: (code, subcode, data) => {
        const main = this.conns.main;
        if (!main) return;
        this.notified = true;
        const communication = carriesCommunication(code, subcode) && data ? decodeShutdownCommunication(data).text : null;
        const what = this.notificationText ?? describeNotification({ code, subcode, shutdownMessage: communication ?? undefined });
        this.notificationText = null;
        this.setLastError('sent', code, subcode, `NOTIFICATION sent: ${what}`, undefined, communication);
        this.conns.send(encodeNotification(code, subcode, data, main.framer.maxLength), MsgType.NOTIFICATION);
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

  /** Dialing failed (`detail` says how) or the main connection went away. */
  private onTransportFailed(reason: string, kind: DownReasonKind, detail: string | null): void {
    if (detail !== null) this.setLastError('local', 0, 0, detail, kind);
    else if (this.fsm.state !== 'IDLE' && this.fsm.state !== 'CONNECT' && this.fsm.state !== 'ACTIVE') {
      this.setLastError('local', 0, 0, reason, kind);
    }
    this.fsm.tcpFailed(reason);
    this.emit('changed');
  }

  private sendMessage(msg: Buffer): void {
    if (!this.conns.send(msg, msg[18])) throw new PeerStateError(refusal('not-established'));
    this.fsm.messageSent();
  }

  private onMessage(c: Connection, type: number, buf: Buffer, start: number, end: number): void {
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

  private onOpen(c: Connection, open: OpenMessage): void {
    checkRemoteOpen(open, this.config);
    if (!this.conns.openOnMain(c, open)) return;
    this.applyRemoteOpen(open);
    this.fsm.openReceived(open.holdTime);
  }

  private applyRemoteOpen(open: OpenMessage): void {
    this.remoteOpen = open;
    this.negotiated = negotiate(this.localCaps, this.families, this.fsm.config.holdTime, open);
    const main = this.conns.main;
    if (main) main.framer.maxLength = this.negotiated.extendedMessage ? MAX_EXTENDED_MESSAGE_LEN : MAX_MESSAGE_LEN;
  }

  private onEstablished(): void {
    this.lastError = this.lastError && this.lastError.direction === 'local' ? null : this.lastError;
    this.notified = false;
    this.prefixLimits.reset();
    this.staleRoutes.sessionUp(this.remoteOpen?.capabilities.gracefulRestart ?? null);
    const neg = this.negotiated;
    if (!neg) return;
    for (const f of neg.families) {
      this.out.sendTable(f, neg, (m) => this.sendMessage(m));
      const [afi, safi] = FAMILY_AFI_SAFI[f];
      this.sendMessage(encodeEndOfRib(afi, safi));
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
      this.out.sendTable(f, neg, (m) => this.sendMessage(m));
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
    if (this.fsm.state !== 'ESTABLISHED' || !this.negotiated || !this.conns.main) {
      throw new PeerStateError(refusal('not-established'));
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
