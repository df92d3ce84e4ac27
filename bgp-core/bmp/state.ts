// What a BMP station knows about each monitored router and each of its peers: state, the two
// OPENs and what they negotiate, statistics, and the pre- and post-policy Adj-RIB-In kept in
// bgp-core's compact RIB (AdjRib sharing one AttrPool per station).
import { AdjRib, AttrPool, Family, familyOf } from '../rib';
import { AddPathFamilies, NotificationMessage, OpenMessage, describeNotification, formatIPv4, openAsn } from '../wire';
import {
  BMP_TYPE_NAMES,
  PEER_DOWN_REASONS,
  PeerDownMessage,
  PeerUpMessage,
  PerPeerHeader,
  RouteMonitoringMessage,
  StatCounter,
  StatisticsMessage,
} from './codec';

export type BmpPeerStatus = 'up' | 'down' | 'unknown';

/** What both OPENs of a Peer Up agree on. */
export interface BmpNegotiated {
  as4: boolean;
  families: Family[];
  routeRefresh: boolean;
  enhancedRouteRefresh: boolean;
  extendedMessage: boolean;
  gracefulRestart: boolean;
  /**
   * Families whose UPDATEs from the peer carry Add-Path path identifiers (RFC 7911): the router
   * said it can receive them and the peer that it sends them. For a Loc-RIB instance (RFC 9069
   * §5.2: its fabricated OPENs hold the capabilities its Route Monitoring needs), every family
   * with the Add-Path capability in either OPEN.
   */
  addPath: Family[];
  /** The same for the router's UPDATEs to the peer (Adj-RIB-Out, RFC 8671): it sends, the peer receives. */
  addPathOut: Family[];
  /** 0 when either side asked for no keepalives. */
  holdTime: number;
}

export interface BmpPeerDown {
  /** RFC 7854 §4.9 reason code. */
  reason: number;
  /** The reason in words, with the NOTIFICATION or FSM event when there is one. */
  text: string;
  notification: NotificationMessage | null;
  fsmEvent: number | null;
  time: Date;
}

function families(open: OpenMessage): Family[] {
  const mp = open.capabilities.multiprotocol;
  // RFC 4760: a speaker without multiprotocol capabilities speaks IPv4 unicast only.
  if (mp.length === 0) return ['ipv4'];
  return mp.map(([afi, safi]) => familyOf(afi, safi)).filter((f): f is Family => f !== null);
}

export function negotiate(sent: OpenMessage, received: OpenMessage, locRib = false): BmpNegotiated {
  const a = sent.capabilities;
  const b = received.capabilities;
  const theirs = families(received);
  // Add-Path mode bits: 1 receive, 2 send.
  const addPathOf = (o: OpenMessage, bit: number): Family[] =>
    o.capabilities.addPath.filter((x) => (x.mode & bit) !== 0).map((x) => familyOf(x.afi, x.safi)).filter((f): f is Family => f !== null);
  const both = (x: Family[], y: Family[]): Family[] => x.filter((f) => y.includes(f));
  const addPath = locRib
    ? [...new Set([...addPathOf(sent, 3), ...addPathOf(received, 3)])]
    : both(addPathOf(sent, 1), addPathOf(received, 2));
  return {
    as4: a.fourOctetAs !== null && b.fourOctetAs !== null,
    families: families(sent).filter((f) => theirs.includes(f)),
    routeRefresh: (a.routeRefresh || a.ciscoRouteRefresh) && (b.routeRefresh || b.ciscoRouteRefresh),
    enhancedRouteRefresh: a.enhancedRouteRefresh && b.enhancedRouteRefresh,
    extendedMessage: a.extendedMessage && b.extendedMessage,
    gracefulRestart: a.gracefulRestart !== null && b.gracefulRestart !== null,
    addPath,
    addPathOut: locRib ? addPath : both(addPathOf(sent, 2), addPathOf(received, 1)),
    holdTime: sent.holdTime === 0 || received.holdTime === 0 ? 0 : Math.min(sent.holdTime, received.holdTime),
  };
}

export function describePeerDown(m: Pick<PeerDownMessage, 'reason' | 'notification' | 'fsmEvent'>): string {
  const base = PEER_DOWN_REASONS[m.reason] ?? `reason ${m.reason}`;
  if (m.notification) return `${base}: ${describeNotification(m.notification)}`;
  if (m.fsmEvent) return `${base} (FSM event ${m.fsmEvent})`;
  return base;
}

const statKey = (s: StatCounter): string => (s.afi === undefined ? String(s.type) : `${s.type}:${s.afi}/${s.safi}`);

/** One monitored peer of one router, identified by peer type, distinguisher and address. */
export class BmpPeer {
  status: BmpPeerStatus = 'unknown';
  asn: number;
  bgpId: string;
  upSince: Date | null = null;
  lastDown: BmpPeerDown | null = null;
  localAddress: string | null = null;
  localPort = 0;
  remotePort = 0;
  sentOpen: OpenMessage | null = null;
  receivedOpen: OpenMessage | null = null;
  negotiated: BmpNegotiated | null = null;
  /** Latest value of each statistic, keyed by type (and AFI/SAFI for per-family gauges). */
  readonly stats = new Map<string, StatCounter>();
  statsTime: Date | null = null;
  readonly prePolicy: AdjRib;
  readonly postPolicy: AdjRib;
  /**
   * Route Monitoring messages by RIB; addPath: those decoded with Add-Path path identifiers;
   * addPathMismatch: those negotiated with path identifiers that only parsed without them.
   */
  readonly updates = { prePolicy: 0, postPolicy: 0, adjRibOut: 0, addPath: 0, addPathMismatch: 0 };
  /** How this peer's Route Monitoring NLRI are encoded, from its Peer Up (null: no path identifiers). */
  addPathIn: AddPathFamilies | null = null;
  addPathOut: AddPathFamilies | null = null;

  constructor(readonly key: string, readonly header: PerPeerHeader, pool: AttrPool) {
    this.asn = header.asn;
    this.bgpId = header.bgpId;
    this.prePolicy = new AdjRib(pool);
    this.postPolicy = new AdjRib(pool);
  }

  get address(): string {
    return this.header.address;
  }

  /** Prefix counts of both Adj-RIBs-In, summed over families. */
  get counts(): { prePolicy: number; postPolicy: number } {
    const sum = (r: AdjRib): number => r.ipv4.count + r.ipv6.count;
    return { prePolicy: sum(this.prePolicy), postPolicy: sum(this.postPolicy) };
  }

  peerUp(m: PeerUpMessage, now: Date): void {
    this.clearRoutes();
    this.status = 'up';
    this.asn = openAsn(m.receivedOpen);
    this.bgpId = m.peer.bgpId;
    this.upSince = m.peer.timestamp > 0 ? new Date(m.peer.timestamp * 1000) : now;
    this.localAddress = m.localAddress;
    this.localPort = m.localPort;
    this.remotePort = m.remotePort;
    this.sentOpen = m.sentOpen;
    this.receivedOpen = m.receivedOpen;
    this.negotiated = negotiate(m.sentOpen, m.receivedOpen, m.peer.peerType === 3);
    const flags = (fams: Family[]): AddPathFamilies | null =>
      fams.length ? { ipv4: fams.includes('ipv4'), ipv6: fams.includes('ipv6') } : null;
    this.addPathIn = flags(this.negotiated.addPath);
    this.addPathOut = flags(this.negotiated.addPathOut);
  }

  /** The Add-Path families of the RIB a Route Monitoring message reports (by its O flag). */
  addPathFor(h: PerPeerHeader): AddPathFamilies | null {
    return h.flags.adjRibOut ? this.addPathOut : this.addPathIn;
  }

  peerDown(m: PeerDownMessage, now: Date): void {
    // RFC 7854 §4.9: the peer's routes are gone with it.
    this.clearRoutes();
    this.status = 'down';
    this.upSince = null;
    this.lastDown = { reason: m.reason, text: describePeerDown(m), notification: m.notification, fsmEvent: m.fsmEvent, time: now };
  }

  routeMonitoring(m: RouteMonitoringMessage): void {
    const f = m.peer.flags;
    if (m.addPathMismatch) this.updates.addPathMismatch++;
    else if (m.update.addPath.ipv4 || m.update.addPath.ipv6) this.updates.addPath++;
    if (f.adjRibOut) {
      // Adj-RIB-Out (RFC 8671) is not kept in this version; counted so it shows it arrives.
      this.updates.adjRibOut++;
      return;
    }
    if (f.postPolicy) {
      this.updates.postPolicy++;
      this.postPolicy.applyUpdate(m.update);
    } else {
      this.updates.prePolicy++;
      this.prePolicy.applyUpdate(m.update);
    }
  }

  statistics(m: StatisticsMessage, now: Date): void {
    for (const s of m.stats) this.stats.set(statKey(s), s);
    this.statsTime = now;
  }

  clearRoutes(): void {
    this.prePolicy.clear();
    this.postPolicy.clear();
  }
}

/** One router connected to the station (one TCP connection). */
export class BmpRouter {
  sysName: string | null = null;
  sysDescr: string | null = null;
  initiated = false;
  termination: { reason: number | null; strings: string[] } | null = null;
  readonly peers = new Map<string, BmpPeer>();
  /** Messages received by BMP type name. */
  readonly messages: Record<string, number> = {};
  mirrored = 0;
  readonly connectedAt = new Date();

  constructor(readonly id: string, readonly address: string, readonly port: number) {}

  count(type: number): void {
    const name = BMP_TYPE_NAMES[type];
    this.messages[name] = (this.messages[name] ?? 0) + 1;
  }

  /** The router's own BGP identifier, from the local OPEN of any Peer Up; null before one. */
  get bgpId(): string | null {
    for (const p of this.peers.values()) if (p.sentOpen) return formatIPv4(p.sentOpen.bgpId);
    return null;
  }

  clear(): void {
    for (const p of this.peers.values()) p.clearRoutes();
    this.peers.clear();
  }
}

export function peerKeyOf(h: PerPeerHeader): string {
  return `${h.peerType}:${h.distinguisher}:${h.address}`;
}
