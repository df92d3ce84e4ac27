// Live BGP in GraphQL: the session-state subscription, live peers with counters and
// capabilities, received routes, and control mutations (start/stop, refresh, announce).
import { Arg, Ctx, Field, Float, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import { DOWN_REASON_KINDS, MAX_COMMUNICATION_BYTES, attrsToJson, jsonToAttrs, parseCommunity, type AdjRib, type PeerInfo, type RouteEntry } from '../../bgp-core';
import { ASNScalar, JSONScalar } from '../graphql/scalars';
import { requireRead, requireWrite } from '../graphql/guards';
import { NotFoundError, ValidationError } from '../domain/errors';
import type { GqlContext } from '../graphql/context';
import { LiveSource } from '../graphql/live-source';
import type { BgpSessionEvent } from '../events/bus';
import { SESSION_CONTENT_TYPE, parsePeerKey, type SessionType } from './desired';
import { localBmp, localWorker } from './local';
import type { BmpPeerEntry } from './bmp';
import { BGPState } from '../domain/choices';
import { choiceEnum } from '../graphql/choice-enums';
import { downReasonOf } from './down-reason';

/** A session event's state: a BGP state, or deleted when the peer is removed. */
const SessionEventState = choiceEnum({ name: 'BgpSessionEventState', values: [...BGPState.values, { value: 'deleted', label: 'Deleted (the peer was removed)' }] });
const BgpStateEnum = choiceEnum(BGPState);

const DownReasonKindEnum = choiceEnum({ name: 'BgpDownReasonKind', values: Object.entries(DOWN_REASON_KINDS).map(([value, label]) => ({ value, label })) });
const DownReasonDirection = choiceEnum({ name: 'BgpDownReasonDirection', values: [{ value: 'sent', label: 'PeerGate sent the NOTIFICATION' }, { value: 'received', label: 'The peer sent the NOTIFICATION' }] });

@ObjectType('BgpDownReason', { description: 'Why a session last went down (or failed to come up), as data' })
class BgpDownReasonType {
  @Field(() => DownReasonKindEnum, { description: 'What happened' }) kind!: string;
  @Field(() => DownReasonDirection, { nullable: true, description: 'Who sent the NOTIFICATION; null for a transport failure or a removal' }) direction!: string | null;
  @Field(() => Int, { nullable: true, description: 'NOTIFICATION error code (RFC 4271 §4.5); null when there was no NOTIFICATION' }) code!: number | null;
  @Field(() => Int, { nullable: true, description: 'NOTIFICATION error subcode' }) subcode!: number | null;
  @Field(() => String, { nullable: true, description: 'Name of the error code ("Cease", "Hold Timer Expired" ...)' }) codeName!: string | null;
  @Field(() => String, { nullable: true, description: 'Name of the error subcode ("Administrative Shutdown" ...)' }) subcodeName!: string | null;
  @Field(() => String, { nullable: true, description: 'Shutdown communication (RFC 8203, RFC 9003) of an administrative shutdown or reset, sent or received' }) communication!: string | null;
  @Field(() => String, { description: 'The reason as a message, with what the kind does not say (socket error, prefix limit, a malformed communication in hex ...)' }) detail!: string;
  @Field(() => String, { description: 'When it happened (ISO 8601)' }) time!: string;
}

const DOWN_REASON = 'Why the session last went down or failed to come up, as data; null when it never did';

const STALE_FAMILIES = 'Families (ipv4, ipv6) whose routes are kept stale while the peer restarts gracefully (RFC 4724)';

@ObjectType('BgpSessionEvent', { description: 'A session as the worker sees it: enough to redraw a dashboard row' })
class BgpSessionEventType {
  @Field(() => String, { description: '"peering.directpeeringsession" or "peering.internetexchangepeeringsession"' }) sessionType!: string;
  @Field(() => ID, { description: 'Id of the session (its model depends on sessionType)' }) sessionId!: number;
  @Field(() => ID, { nullable: true, description: 'Id of the router that runs the session' }) routerId!: number | null;
  @Field(() => String, { description: "The peer's address" }) remoteAddress!: string;
  @Field(() => ASNScalar, { description: "The peer's AS number" }) remoteAs!: number;
  @Field(() => SessionEventState, { description: 'The BGP state; DELETED when the peer is removed' }) state!: string;
  @Field(() => SessionEventState, { nullable: true, description: 'The state before this change' }) previousState!: string | null;
  @Field(() => Float, { description: 'Seconds since Established, 0 otherwise' }) uptime!: number;
  @Field(() => Int, { description: 'Prefixes received from the peer' }) receivedPrefixCount!: number;
  @Field(() => Int, { description: 'Prefixes advertised to the peer' }) advertisedPrefixCount!: number;
  @Field(() => Int, { description: 'BGP messages received' }) messagesIn!: number;
  @Field(() => Int, { description: 'BGP messages sent' }) messagesOut!: number;
  @Field(() => String, { nullable: true, description: 'The last error, as a message' }) lastError!: string | null;
  @Field(() => Int, { nullable: true, description: 'NOTIFICATION code of the last error (0 for a local error such as a refused connection)' }) lastErrorCode!: number | null;
  @Field(() => Int, { nullable: true, description: 'NOTIFICATION subcode of the last error' }) lastErrorSubcode!: number | null;
  @Field(() => String, { nullable: true, description: 'Why the state changed: hold timer expired, NOTIFICATION sent/received, connection failed, peer de-configured; "snapshot" for the first events' }) reason!: string | null;
  @Field(() => BgpDownReasonType, { nullable: true, description: DOWN_REASON }) downReason!: unknown;
  @Field(() => [String], { description: STALE_FAMILIES }) staleFamilies!: string[];
  @Field(() => String, { description: '"speaker" for a session run by bgp-core, "bmp" for one a router reports over BMP (RFC 7854)' }) source!: string;
  @Field(() => String, { description: 'When the state was seen (ISO 8601)' }) time!: string;
}

@ObjectType('BgpPeer', { description: 'A running BGP peer of bgp-core' })
class BgpPeerType {
  @Field(() => String, { description: '"peering.directpeeringsession" or "peering.internetexchangepeeringsession"' }) sessionType!: string;
  @Field(() => ID, { description: 'Id of the session (its model depends on sessionType)' }) sessionId!: number;
  @Field(() => ID, { description: 'Id of the router that runs the session' }) routerId!: number;
  @Field(() => BgpStateEnum, { description: 'The BGP state' }) state!: string;
  @Field(() => String, { nullable: true, description: 'The local address of the TCP connection' }) localAddress!: string | null;
  @Field(() => ASNScalar, { description: 'The local AS number' }) localAs!: number;
  @Field(() => String, { description: "The peer's address" }) remoteAddress!: string;
  @Field(() => Int, { description: "The peer's TCP port" }) remotePort!: number;
  @Field(() => ASNScalar, { description: "The peer's AS number" }) remoteAs!: number;
  @Field(() => String, { nullable: true, description: "The peer's BGP identifier" }) remoteRouterId!: string | null;
  @Field(() => Float, { description: 'Seconds since Established, 0 otherwise' }) uptime!: number;
  @Field(() => JSONScalar, { nullable: true, description: 'The last error: code, subcode and message' }) lastError!: unknown;
  @Field(() => BgpDownReasonType, { nullable: true, description: DOWN_REASON }) downReason!: unknown;
  @Field(() => JSONScalar, { description: 'Per address family: received and advertised prefixes' }) prefixes!: unknown;
  @Field(() => JSONScalar, { description: 'Messages sent and received by type (yabgp statistic keys)' }) statistics!: unknown;
  @Field(() => JSONScalar, { description: 'Capabilities sent (local) and received (remote), per AFI/SAFI' }) capabilities!: unknown;
  @Field(() => JSONScalar, { nullable: true, description: 'What both sides agreed: hold time, 4-octet AS, families' }) negotiated!: unknown;
  @Field(() => [String], { description: STALE_FAMILIES }) staleFamilies!: string[];
}

@ObjectType('BmpPeer', { description: 'A BGP peer of a router that reports it over BMP (RFC 7854), with the session it was matched to' })
class BmpPeerType {
  @Field(() => String, { description: 'The BMP connection: router address and source port' }) bmpRouter!: string;
  @Field(() => String, { nullable: true, description: 'sysName from the router\'s BMP Initiation' }) sysName!: string | null;
  @Field(() => ID, { nullable: true, description: 'Id of the PeerGate router the BMP router was matched to (null: none)' }) routerId!: number | null;
  @Field(() => String, { nullable: true, description: '"peering.directpeeringsession" or "peering.internetexchangepeeringsession"; null when no session matches the peer' }) sessionType!: string | null;
  @Field(() => ID, { nullable: true, description: 'Id of the matched session (null when none)' }) sessionId!: number | null;
  @Field(() => Int, { description: 'BMP peer type: 0 global, 1 RD instance, 2 local instance, 3 Loc-RIB' }) peerType!: number;
  @Field(() => String, { description: 'Peer distinguisher (16 hex digits)' }) distinguisher!: string;
  @Field(() => String, { description: "The peer's address" }) remoteAddress!: string;
  @Field(() => ASNScalar, { description: "The peer's AS number" }) remoteAs!: number;
  @Field(() => String, { description: "The peer's BGP identifier" }) remoteRouterId!: string;
  @Field(() => String, { description: 'up, down, or unknown (routes seen before any Peer Up)' }) status!: string;
  @Field(() => Float, { description: 'Seconds since Peer Up, 0 otherwise' }) uptime!: number;
  @Field(() => JSONScalar, { description: 'Prefixes in the pre-policy and post-policy Adj-RIB-In' }) prefixes!: unknown;
  @Field(() => JSONScalar, { nullable: true, description: 'What the two OPENs of the Peer Up agree on: 4-octet AS, families, route refresh, hold time ...' }) negotiated!: unknown;
  @Field(() => JSONScalar, { description: 'The last Statistics Report: value by stat type ("7", or "9:1/1" per AFI/SAFI)' }) statistics!: unknown;
  @Field(() => JSONScalar, { nullable: true, description: 'The last Peer Down: reason code and text, NOTIFICATION code/subcode or FSM event' }) lastDown!: unknown;
}

@ObjectType('BgpRoute', { description: 'A route received from a peer' })
class BgpRouteType {
  @Field(() => String, { description: 'The prefix' }) prefix!: string;
  @Field(() => JSONScalar, { description: 'Path attributes keyed by type code, as yabgp shows them' }) attributes!: unknown;
  @Field(() => Int, { nullable: true, description: 'Add-Path path identifier (RFC 7911) when the route was learned with one: a prefix then has a route per path' }) pathId?: number | null;
}

@InputType({ description: 'Conditions on received routes: every one given must hold' })
class BgpRouteFilter {
  @Field(() => String, { nullable: true, description: 'This exact prefix' }) prefix?: string;
  @Field(() => String, { nullable: true, description: 'More specifics of (or equal to) this prefix' }) within?: string;
  @Field(() => String, { nullable: true, description: 'Longest match for this address' }) address?: string;
  @Field(() => ASNScalar, { nullable: true, description: 'Routes whose AS path contains this AS number' }) asPathContains?: number;
  @Field(() => String, { nullable: true, description: 'A standard community "A:B" or a well-known name' }) community?: string;
  @Field(() => String, { nullable: true, description: 'ipv4 or ipv6' }) family?: string;
}

function sessionTypeOf(s: string): SessionType {
  if (s === 'direct' || s === 'ixp') return s;
  const t = (Object.keys(SESSION_CONTENT_TYPE) as SessionType[]).find((k) => SESSION_CONTENT_TYPE[k] === s);
  if (!t) throw new ValidationError({ sessionType: ['Must be "direct" or "ixp".'] });
  return t;
}

export function peerView(routerId: number, info: PeerInfo): BgpPeerType {
  const key = parsePeerKey(info.id)!;
  return {
    sessionType: SESSION_CONTENT_TYPE[key.type], sessionId: key.id, routerId, state: info.state.toLowerCase(),
    localAddress: info.localAddress, localAs: info.localAs, remoteAddress: info.remoteAddress, remotePort: info.remotePort,
    remoteAs: info.remoteAs, remoteRouterId: info.remoteRouterId, uptime: info.uptime, lastError: info.lastError, downReason: downReasonOf(info.downReason),
    prefixes: { received: info.received, advertised: info.advertised }, statistics: info.stats,
    capabilities: info.capability, negotiated: info.negotiated, staleFamilies: info.staleFamilies,
  };
}

function livePeer(type: string, id: string) {
  const worker = localWorker();
  if (!worker) throw new NotFoundError('No bgp-core worker runs in this process; live state is on the worker that runs the peer.');
  const found = worker.find(sessionTypeOf(type), Number(id));
  if (!found) throw new NotFoundError(`Session ${type} ${id} is not running in bgp-core (is its router a BGP speaker and the session enabled?).`);
  return found;
}

/** Routes of a session: from the speaker when it runs the session here, else from the BMP router that reports it. */
function receivedRib(type: string, id: string, policy: string | undefined): AdjRib {
  if (policy != null && policy !== 'pre' && policy !== 'post') throw new ValidationError({ policy: ['Must be "pre" or "post".'] });
  const t = sessionTypeOf(type);
  if (!localWorker()?.find(t, Number(id))) {
    const reported = localBmp()?.findSession(t, Number(id));
    if (reported) return policy === 'post' ? reported.postPolicy : reported.prePolicy;
  }
  return livePeer(type, id).peer.ribIn;
}

/**
 * Without a worker in this process (a gateway with BGP_WORKER=off), a control command goes
 * over the event bus to whichever standalone worker runs the peer. Returns true when sent.
 */
function sentToWorkers(ctx: GqlContext, type: string, id: string, command: string, payload?: unknown): boolean {
  if (localWorker()) return false;
  const sessionType = SESSION_CONTENT_TYPE[sessionTypeOf(type)];
  if (!/^\d+$/.test(id)) throw new ValidationError({ sessionId: [`"${id}" is not a valid id.`] });
  ctx.bus.publishCommand({ command, sessionType, sessionId: Number(id), payload });
  return true;
}

function bmpPeerView(e: BmpPeerEntry): BmpPeerType {
  const { router, peer } = e;
  const down = peer.lastDown;
  return {
    bmpRouter: router.id, sysName: router.sysName, routerId: e.routerId,
    sessionType: e.session ? SESSION_CONTENT_TYPE[e.session.type] : null, sessionId: e.session?.id ?? null,
    peerType: peer.header.peerType, distinguisher: peer.header.distinguisher, remoteAddress: peer.address, remoteAs: peer.asn, remoteRouterId: peer.bgpId,
    status: peer.status, uptime: peer.upSince ? Math.max(0, (Date.now() - peer.upSince.getTime()) / 1000) : 0,
    prefixes: peer.counts, negotiated: peer.negotiated,
    statistics: Object.fromEntries([...peer.stats].map(([k, v]) => [k, v.value])),
    lastDown: down ? { reason: down.reason, text: down.text, code: down.notification?.code ?? null, subcode: down.notification?.subcode ?? null, fsmEvent: down.fsmEvent, time: down.time.toISOString() } : null,
  };
}

const routeView = (e: RouteEntry): BgpRouteType => ({ prefix: e.prefix, attributes: attrsToJson(e.set.attrs), pathId: e.pathId ?? null });

interface SubscriptionArgs { routerId?: string; states?: string[]; sessionType?: string }

function wanted(e: BgpSessionEvent, args: SubscriptionArgs): boolean {
  return (!args.routerId || String(e.routerId) === String(args.routerId)) &&
    (!args.states?.length || args.states.includes(e.state)) &&
    (!args.sessionType || e.sessionType === SESSION_CONTENT_TYPE[sessionTypeOf(args.sessionType)]);
}

/**
 * The snapshot of this process's peers, then the bus. The source listens from its making, right
 * after the snapshot is taken, so no change falls between them (GoBGP's INIT / END_OF_INIT lesson).
 */
function sessionSource(ctx: GqlContext, args: SubscriptionArgs): LiveSource<'bgpSessionChanged'> {
  requireRead(ctx);
  const snapshot = [...(localWorker()?.snapshotEvents() ?? []), ...(localBmp()?.snapshotEvents() ?? [])];
  return new LiveSource(ctx.bus, 'bgpSessionChanged', (e) => wanted(e, args), snapshot);
}

@Resolver()
export class BgpResolver {
  @Subscription(() => BgpSessionEventType, {
    subscribe: ({ args, context }: { args: SubscriptionArgs; context: GqlContext }) => sessionSource(context, args),
    description: 'Session state, uptime, counters and last error as the worker sees them: first one event per running peer (reason "snapshot", previousState null), then changes (state at once, counters throttled), and state "deleted" when a peer is removed',
  })
  bgpSessionChanged(
    @Root() event: BgpSessionEvent,
    @Arg('routerId', () => ID, { nullable: true, description: 'Only sessions of this router' }) _routerId?: string,
    @Arg('states', () => [SessionEventState], { nullable: true, description: 'Only events into one of these states' }) _states?: string[],
    @Arg('sessionType', () => String, { nullable: true, description: 'direct (a direct peering session) or ixp (an IX peering session)' }) _sessionType?: string,
  ): BgpSessionEvent {
    return event;
  }

  @Query(() => [BgpPeerType], { description: 'Peers running in this process\'s bgp-core worker' })
  bgpPeers(@Ctx() ctx: GqlContext, @Arg('routerId', () => ID, { nullable: true, description: 'Only sessions of this router' }) routerId?: string): BgpPeerType[] {
    requireRead(ctx);
    const worker = localWorker();
    if (!worker) return [];
    return worker.allPeers().filter((p) => !routerId || String(p.routerId) === String(routerId)).map((p) => peerView(p.routerId, p.info));
  }

  @Query(() => [BmpPeerType], { description: 'Peers that routers connected to this process\'s BMP station report, with the session each was matched to' })
  bmpPeers(@Ctx() ctx: GqlContext,
    @Arg('routerId', () => ID, { nullable: true, description: 'Only peers of routers matched to this router' }) routerId?: string,
    @Arg('unmatched', () => Boolean, { nullable: true, description: 'true: only peers with no session in the data; false: only matched ones' }) unmatched?: boolean): BmpPeerType[] {
    requireRead(ctx);
    return (localBmp()?.listPeers() ?? [])
      .filter((e) => (!routerId || String(e.routerId) === String(routerId)) && (unmatched == null || unmatched === !e.session))
      .map(bmpPeerView);
  }

  @Query(() => BgpPeerType, { nullable: true, description: 'One running peer of this process\'s bgp-core worker, null when it runs none for the session' })
  bgpPeer(@Ctx() ctx: GqlContext, @Arg('sessionType', () => String, { description: 'direct or ixp (also their content types, "peering.directpeeringsession" ...)' }) sessionType: string, @Arg('sessionId', () => ID, { description: 'Id of the session' }) sessionId: string): BgpPeerType | null {
    requireRead(ctx);
    const worker = localWorker();
    const found = worker?.find(sessionTypeOf(sessionType), Number(sessionId));
    return found ? peerView(found.routerId, found.peer.info()) : null;
  }

  @Query(() => [BgpRouteType], { description: 'Routes received from a peer (its Adj-RIB-In)' })
  bgpReceivedRoutes(
    @Ctx() ctx: GqlContext,
    @Arg('sessionType', () => String, { description: 'direct or ixp (also their content types, "peering.directpeeringsession" ...)' }) sessionType: string,
    @Arg('sessionId', () => ID, { description: 'Id of the session' }) sessionId: string,
    @Arg('filter', () => BgpRouteFilter, { nullable: true, description: 'Only routes matching' }) filter?: BgpRouteFilter,
    @Arg('limit', () => Int, { nullable: true, description: 'At most this many routes' }) limit?: number,
    @Arg('policy', () => String, { nullable: true, description: 'For a session a router reports over BMP: "pre" (default: the routes as the peer sent them) or "post" (after the router\'s import policy)' }) policy?: string,
  ): BgpRouteType[] {
    requireRead(ctx);
    const rib = receivedRib(sessionType, sessionId, policy);
    const max = Math.min(limit ?? ctx.config.paginateCount, ctx.config.maxPageSize || 100_000);
    try {
      if (filter?.prefix) return rib.exactAll(filter.prefix).slice(0, max).map(routeView);
      if (filter?.address) { const e = rib.longestMatch(filter.address); return e ? [routeView(e)] : []; }
      let community: number | undefined;
      if (filter?.community) community = parseCommunity(filter.community);
      const family = filter?.family === 'ipv4' || filter?.family === 'ipv6' ? filter.family : undefined;
      return rib.find({ family, within: filter?.within, asPathContains: filter?.asPathContains, community, limit: max }).map(routeView);
    } catch (e) {
      throw new ValidationError({ filter: [(e as Error).message] });
    }
  }

  @Mutation(() => Boolean, { description: 'Manual start (from Idle)' })
  bgpSessionStart(@Ctx() ctx: GqlContext, @Arg('sessionType', () => String, { description: 'direct or ixp (also their content types, "peering.directpeeringsession" ...)' }) sessionType: string, @Arg('sessionId', () => ID, { description: 'Id of the session' }) sessionId: string): boolean {
    requireWrite(ctx);
    if (sentToWorkers(ctx, sessionType, sessionId, 'start')) return true;
    const f = livePeer(sessionType, sessionId);
    const r = f.speaker.manualStart(f.peer.config.id);
    if (!r.ok) throw new ValidationError({ sessionId: [r.reason ?? 'The session cannot be started now.'] });
    return true;
  }

  @Mutation(() => Boolean, { description: 'Manual stop: Cease, administrative shutdown, with an optional shutdown communication' })
  bgpSessionStop(@Ctx() ctx: GqlContext, @Arg('sessionType', () => String, { description: 'direct or ixp (also their content types, "peering.directpeeringsession" ...)' }) sessionType: string, @Arg('sessionId', () => ID, { description: 'Id of the session' }) sessionId: string,
    @Arg('communication', () => String, { nullable: true, description: `Shutdown communication for the peer's operators (RFC 8203, RFC 9003): UTF-8, at most ${MAX_COMMUNICATION_BYTES} bytes` }) communication?: string): boolean {
    requireWrite(ctx);
    if (communication != null && Buffer.byteLength(communication, 'utf8') > MAX_COMMUNICATION_BYTES) {
      throw new ValidationError({ communication: [`Ensure this value has at most ${MAX_COMMUNICATION_BYTES} bytes in UTF-8 (it has ${Buffer.byteLength(communication, 'utf8')}).`] });
    }
    const text = communication || undefined;
    if (sentToWorkers(ctx, sessionType, sessionId, 'stop', text ? { communication: text } : undefined)) return true;
    const f = livePeer(sessionType, sessionId);
    f.speaker.manualStop(f.peer.config.id, text);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Asks the peer to resend its routes' })
  bgpRouteRefresh(@Ctx() ctx: GqlContext, @Arg('sessionType', () => String, { description: 'direct or ixp (also their content types, "peering.directpeeringsession" ...)' }) sessionType: string, @Arg('sessionId', () => ID, { description: 'Id of the session' }) sessionId: string,
    @Arg('afi', () => Int, { nullable: true, description: 'Address family identifier (default: every negotiated family)' }) afi?: number, @Arg('safi', () => Int, { nullable: true, description: 'Subsequent address family identifier' }) safi?: number): boolean {
    requireWrite(ctx);
    if (sentToWorkers(ctx, sessionType, sessionId, 'route-refresh', { afi: afi ?? 1, safi: safi ?? 1 })) return true;
    const f = livePeer(sessionType, sessionId);
    try { f.speaker.routeRefresh(f.peer.config.id, afi ?? 1, safi ?? 1); } catch (e) { throw new ValidationError({ afi: [(e as Error).message] }); }
    return true;
  }

  @Mutation(() => Int, { description: 'Announces IPv4 prefixes (nlri) and/or IPv6 ones (attribute 14) with yabgp-style attributes; returns the number of UPDATEs sent, or 0 when sent to a standalone worker over the event bus' })
  bgpAnnounce(@Ctx() ctx: GqlContext, @Arg('sessionType', () => String, { description: 'direct or ixp (also their content types, "peering.directpeeringsession" ...)' }) sessionType: string, @Arg('sessionId', () => ID, { description: 'Id of the session' }) sessionId: string,
    @Arg('attributes', () => JSONScalar, { description: 'Path attributes, yabgp-style (origin, as_path, next_hop, ...)' }) attributes: unknown, @Arg('prefixes', () => [String], { nullable: true, description: 'The prefixes' }) prefixes?: string[]): number {
    requireWrite(ctx);
    try { jsonToAttrs(attributes); } catch (e) { throw new ValidationError({ attributes: [(e as Error).message] }); }
    if (sentToWorkers(ctx, sessionType, sessionId, 'announce', { attributes, prefixes: prefixes ?? [] })) return 0;
    const f = livePeer(sessionType, sessionId);
    try {
      return f.speaker.announce(f.peer.config.id, { attrs: jsonToAttrs(attributes), nlri: prefixes ?? [] }).messages;
    } catch (e) {
      throw new ValidationError({ attributes: [(e as Error).message] });
    }
  }

  @Mutation(() => Int, { description: 'Withdraws prefixes (IPv4 or IPv6); returns the number of UPDATEs sent, or 0 when sent to a standalone worker over the event bus' })
  bgpWithdraw(@Ctx() ctx: GqlContext, @Arg('sessionType', () => String, { description: 'direct or ixp (also their content types, "peering.directpeeringsession" ...)' }) sessionType: string, @Arg('sessionId', () => ID, { description: 'Id of the session' }) sessionId: string,
    @Arg('prefixes', () => [String], { description: 'The prefixes' }) prefixes: string[]): number {
    requireWrite(ctx);
    if (sentToWorkers(ctx, sessionType, sessionId, 'withdraw', { prefixes })) return 0;
    const f = livePeer(sessionType, sessionId);
    try {
      return f.speaker.withdraw(f.peer.config.id, prefixes).messages;
    } catch (e) {
      throw new ValidationError({ prefixes: [(e as Error).message] });
    }
  }
}
