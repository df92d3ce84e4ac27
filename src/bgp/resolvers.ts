// Live BGP in GraphQL: the session-state subscription, live peers with counters and
// capabilities, received routes, and control mutations (start/stop, refresh, announce).
import { Arg, Ctx, Field, Float, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import { DOWN_REASON_KINDS, MAX_COMMUNICATION_BYTES } from '../../bgp-core';
import { ASNScalar, JSONScalar } from '../graphql/scalars';
import { requireRead, requireWrite } from '../graphql/guards';
import { ConflictError, NotFoundError, UnavailableError, ValidationError } from '../domain/errors';
import type { GqlContext } from '../graphql/context';
import { LiveSource } from '../graphql/live-source';
import type { BgpSessionEvent } from '../events/bus';
import { SESSION_CONTENT_TYPE, type SessionType } from './desired';
import { SpeakerError, type BmpPeerView, type SessionRef, type SpeakerPeer } from './speaker-api/types';
import { BGPState } from '../domain/choices';
import { choiceEnum } from '../graphql/choice-enums';

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
  @Field(() => JSONScalar, { description: 'Messages sent and received by type: open, update, notification, keepalive, routeRefresh' }) statistics!: unknown;
  @Field(() => JSONScalar, { description: 'Changes applied to the Adj-RIB-In (received) and Adj-RIB-Out (send), per family' }) versions!: unknown;
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

function sessionRef(type: string, id: string): SessionRef {
  const t = sessionTypeOf(type);
  if (!/^\d{1,10}$/.test(id)) throw new ValidationError({ sessionId: [`"${id}" is not a valid id.`] });
  return { type: t, id: Number(id) };
}

function optionalId(name: string, id: string | undefined): number | undefined {
  if (id == null || id === '') return undefined;
  if (!/^\d{1,10}$/.test(id)) throw new ValidationError({ [name]: [`"${id}" is not a valid id.`] });
  return Number(id);
}

/** The speaker API's errors as GraphQL's: every dialect renders these codes in its own shape. */
async function speaking<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (!(e instanceof SpeakerError)) throw e;
    switch (e.kind) {
      case 'not-found': throw new NotFoundError(e.message);
      case 'refused': throw new ConflictError(e.message, e.reason ? { ...e.reason } : undefined);
      case 'invalid': throw new ValidationError({ [e.field ?? 'non_field_errors']: [e.message] });
      case 'unavailable': throw new UnavailableError(e.message);
    }
  }
}

export function peerView(p: SpeakerPeer): BgpPeerType {
  return {
    sessionType: SESSION_CONTENT_TYPE[p.sessionType], sessionId: p.sessionId, routerId: p.routerId, state: p.state.toLowerCase(),
    localAddress: p.localAddress, localAs: p.localAs, remoteAddress: p.remoteAddress, remotePort: p.remotePort,
    remoteAs: p.remoteAs, remoteRouterId: p.remoteRouterId, uptime: p.uptime, lastError: p.lastError, downReason: p.downReason,
    prefixes: { received: p.received, advertised: p.advertised }, statistics: p.statistics, versions: p.versions,
    capabilities: p.capabilities, negotiated: p.negotiated, staleFamilies: p.staleFamilies,
  };
}

function bmpView(v: BmpPeerView): BmpPeerType {
  return { ...v, sessionType: v.sessionType ? SESSION_CONTENT_TYPE[v.sessionType] : null };
}

/** A shutdown communication fits the NOTIFICATION (RFC 9003: at most 255 bytes of UTF-8). */
function checkCommunication(communication: string | undefined): void {
  if (communication != null && Buffer.byteLength(communication, 'utf8') > MAX_COMMUNICATION_BYTES) {
    throw new ValidationError({ communication: [`Ensure this value has at most ${MAX_COMMUNICATION_BYTES} bytes in UTF-8 (it has ${Buffer.byteLength(communication, 'utf8')}).`] });
  }
}

/** At most this many prefixes or addresses in one lookup. */
const MAX_LOOKUPS = 10_000;

interface SubscriptionArgs { routerId?: string; states?: string[]; sessionType?: string }

/** The subscription's filter; its arguments are checked once, when subscribing (a bad sessionType is refused then, not at each event). */
function wanted(args: SubscriptionArgs): (e: BgpSessionEvent) => boolean {
  const sessionType = args.sessionType ? SESSION_CONTENT_TYPE[sessionTypeOf(args.sessionType)] : null;
  return (e) => (!args.routerId || String(e.routerId) === String(args.routerId)) &&
    (!args.states?.length || args.states.includes(e.state)) &&
    (!sessionType || e.sessionType === sessionType);
}

/**
 * The snapshot of every speaker's peers (this process's and, over the bus, the workers'), then the
 * bus. The source listens before the snapshot is asked for, so no change falls between them
 * (GoBGP's INIT / END_OF_INIT lesson); a change heard meanwhile comes after the snapshot.
 */
async function sessionSource(ctx: GqlContext, args: SubscriptionArgs): Promise<LiveSource<'bgpSessionChanged'>> {
  requireRead(ctx);
  const source = new LiveSource(ctx.bus, 'bgpSessionChanged', wanted(args));
  // Peers in other processes too; a worker that does not answer in time is left out of the snapshot, not the stream.
  const first = await ctx.speaker.snapshot().catch(() => [] as BgpSessionEvent[]);
  source.prepend(first);
  return source;
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

  @Query(() => [BgpPeerType], { description: 'Running peers of bgp-core, in this process or in the bgp-core workers reached over the event bus' })
  async bgpPeers(@Ctx() ctx: GqlContext, @Arg('routerId', () => ID, { nullable: true, description: 'Only sessions of this router' }) routerId?: string,
    @Arg('remoteAddress', () => String, { nullable: true, description: 'Only peers with this address (any IPv6 spelling)' }) remoteAddress?: string): Promise<BgpPeerType[]> {
    requireRead(ctx);
    const peers = await speaking(ctx.speaker.peers({ routerId: optionalId('routerId', routerId), remoteAddress: remoteAddress ?? undefined }));
    return peers.map(peerView);
  }

  @Query(() => [BmpPeerType], { description: 'Peers that routers connected to a BMP station of PeerGate report, with the session each was matched to' })
  async bmpPeers(@Ctx() ctx: GqlContext,
    @Arg('routerId', () => ID, { nullable: true, description: 'Only peers of routers matched to this router' }) routerId?: string,
    @Arg('unmatched', () => Boolean, { nullable: true, description: 'true: only peers with no session in the data; false: only matched ones' }) unmatched?: boolean): Promise<BmpPeerType[]> {
    requireRead(ctx);
    const peers = await speaking(ctx.speaker.bmpPeers({ routerId: optionalId('routerId', routerId), unmatched: unmatched ?? undefined }));
    return peers.map(bmpView);
  }

  @Query(() => BgpPeerType, { nullable: true, description: 'One running peer of bgp-core, null when no worker runs the session' })
  async bgpPeer(@Ctx() ctx: GqlContext, @Arg('sessionType', () => String, { description: 'direct or ixp (also their content types, "peering.directpeeringsession" ...)' }) sessionType: string, @Arg('sessionId', () => ID, { description: 'Id of the session' }) sessionId: string): Promise<BgpPeerType | null> {
    requireRead(ctx);
    const p = await speaking(ctx.speaker.peer(sessionRef(sessionType, sessionId)));
    return p ? peerView(p) : null;
  }

  @Query(() => [BgpRouteType], { description: 'Routes received from a peer (its Adj-RIB-In)' })
  async bgpReceivedRoutes(
    @Ctx() ctx: GqlContext,
    @Arg('sessionType', () => String, { description: 'direct or ixp (also their content types, "peering.directpeeringsession" ...)' }) sessionType: string,
    @Arg('sessionId', () => ID, { description: 'Id of the session' }) sessionId: string,
    @Arg('filter', () => BgpRouteFilter, { nullable: true, description: 'Only routes matching' }) filter?: BgpRouteFilter,
    @Arg('limit', () => Int, { nullable: true, description: 'At most this many routes' }) limit?: number,
    @Arg('policy', () => String, { nullable: true, description: 'For a session a router reports over BMP: "pre" (default: the routes as the peer sent them) or "post" (after the router\'s import policy)' }) policy?: string,
  ): Promise<BgpRouteType[]> {
    requireRead(ctx);
    if (policy != null && policy !== 'pre' && policy !== 'post') throw new ValidationError({ policy: ['Must be "pre" or "post".'] });
    const ref = sessionRef(sessionType, sessionId);
    const max = Math.max(0, Math.min(limit ?? ctx.config.paginateCount, ctx.config.maxPageSize || 100_000));
    const family = filter?.family === 'ipv4' || filter?.family === 'ipv6' ? filter.family : undefined;
    return speaking(ctx.speaker.routes(ref, {
      rib: 'in', policy: policy ?? undefined, prefix: filter?.prefix ?? undefined, address: filter?.address ?? undefined, within: filter?.within ?? undefined,
      asPathContains: filter?.asPathContains ?? undefined, community: filter?.community ?? undefined, family, limit: max,
    }));
  }

  @Query(() => [BgpRouteType], { nullable: 'items', description: 'Looks prefixes up in a peer\'s Adj-RIB-In or Adj-RIB-Out: a prefix exactly, a bare address by longest match; null where nothing matches' })
  async bgpRouteLookup(
    @Ctx() ctx: GqlContext,
    @Arg('sessionType', () => String, { description: 'direct or ixp (also their content types, "peering.directpeeringsession" ...)' }) sessionType: string,
    @Arg('sessionId', () => ID, { description: 'Id of the session' }) sessionId: string,
    @Arg('queries', () => [String], { description: `Prefixes or addresses (at most ${MAX_LOOKUPS})` }) queries: string[],
    @Arg('rib', () => String, { nullable: true, description: '"in" (default: received routes) or "out" (advertised routes)' }) rib?: string,
  ): Promise<(BgpRouteType | null)[]> {
    requireRead(ctx);
    if (rib != null && rib !== 'in' && rib !== 'out') throw new ValidationError({ rib: ['Must be "in" or "out".'] });
    if (queries.length > MAX_LOOKUPS) throw new ValidationError({ queries: [`Ensure this list has at most ${MAX_LOOKUPS} elements (it has ${queries.length}).`] });
    return speaking(ctx.speaker.lookupRoutes(sessionRef(sessionType, sessionId), { rib: rib === 'out' ? 'out' : 'in', queries }));
  }

  @Mutation(() => Boolean, { description: 'Manual start (from Idle); refused (CONFLICT) while the session runs or holds off' })
  async bgpSessionStart(@Ctx() ctx: GqlContext, @Arg('sessionType', () => String, { description: 'direct or ixp (also their content types, "peering.directpeeringsession" ...)' }) sessionType: string, @Arg('sessionId', () => ID, { description: 'Id of the session' }) sessionId: string): Promise<boolean> {
    requireWrite(ctx);
    await speaking(ctx.speaker.start(sessionRef(sessionType, sessionId)));
    return true;
  }

  @Mutation(() => Boolean, { description: 'Manual stop: Cease, administrative shutdown, with an optional shutdown communication' })
  async bgpSessionStop(@Ctx() ctx: GqlContext, @Arg('sessionType', () => String, { description: 'direct or ixp (also their content types, "peering.directpeeringsession" ...)' }) sessionType: string, @Arg('sessionId', () => ID, { description: 'Id of the session' }) sessionId: string,
    @Arg('communication', () => String, { nullable: true, description: `Shutdown communication for the peer's operators (RFC 8203, RFC 9003): UTF-8, at most ${MAX_COMMUNICATION_BYTES} bytes` }) communication?: string): Promise<boolean> {
    requireWrite(ctx);
    checkCommunication(communication);
    await speaking(ctx.speaker.stop(sessionRef(sessionType, sessionId), communication || undefined));
    return true;
  }

  @Mutation(() => Boolean, { description: 'Asks the peer to resend its routes; refused (CONFLICT) unless Established with route refresh and the family negotiated' })
  async bgpRouteRefresh(@Ctx() ctx: GqlContext, @Arg('sessionType', () => String, { description: 'direct or ixp (also their content types, "peering.directpeeringsession" ...)' }) sessionType: string, @Arg('sessionId', () => ID, { description: 'Id of the session' }) sessionId: string,
    @Arg('afi', () => Int, { nullable: true, description: 'Address family identifier (default 1, IPv4)' }) afi?: number, @Arg('safi', () => Int, { nullable: true, description: 'Subsequent address family identifier (default 1, unicast)' }) safi?: number,
    @Arg('subtype', () => Int, { nullable: true, description: 'ROUTE-REFRESH subtype (RFC 7313): 0 normal (default), 1 BoRR, 2 EoRR' }) subtype?: number): Promise<boolean> {
    requireWrite(ctx);
    for (const [name, v, max] of [['afi', afi, 65535], ['safi', safi, 255], ['subtype', subtype, 255]] as const) {
      if (v != null && (v < 0 || v > max)) throw new ValidationError({ [name]: [`Must be between 0 and ${max}.`] });
    }
    await speaking(ctx.speaker.routeRefresh(sessionRef(sessionType, sessionId), afi ?? 1, safi ?? 1, subtype ?? 0));
    return true;
  }

  @Mutation(() => Int, { description: 'Sends one UPDATE\'s worth (split over several messages when it must): withdrawals, and prefixes announced with the path attributes (attribute 14 for IPv6). Returns the number of UPDATEs sent (0 while not Established: kept in the Adj-RIB-Out)' })
  async bgpSendUpdate(@Ctx() ctx: GqlContext, @Arg('sessionType', () => String, { description: 'direct or ixp (also their content types, "peering.directpeeringsession" ...)' }) sessionType: string, @Arg('sessionId', () => ID, { description: 'Id of the session' }) sessionId: string,
    @Arg('attributes', () => JSONScalar, { nullable: true, description: 'Path attributes keyed by type code (origin 1, as_path 2, next_hop 3, ...)' }) attributes?: unknown,
    @Arg('nlri', () => [String], { nullable: true, description: 'IPv4 prefixes announced' }) nlri?: string[],
    @Arg('withdraw', () => [String], { nullable: true, description: 'IPv4 prefixes withdrawn' }) withdraw?: string[]): Promise<number> {
    requireWrite(ctx);
    return speaking(ctx.speaker.sendUpdate(sessionRef(sessionType, sessionId), { attributes: attributes ?? undefined, nlri: nlri ?? [], withdraw: withdraw ?? [] }));
  }

  @Mutation(() => Int, { description: 'Sends complete UPDATE messages given in hex (several back to back), each checked before any is sent; returns how many were sent' })
  async bgpSendRawUpdate(@Ctx() ctx: GqlContext, @Arg('sessionType', () => String, { description: 'direct or ixp (also their content types, "peering.directpeeringsession" ...)' }) sessionType: string, @Arg('sessionId', () => ID, { description: 'Id of the session' }) sessionId: string,
    @Arg('hex', () => String, { description: 'The messages, marker included, in hexadecimal' }) hex: string): Promise<number> {
    requireWrite(ctx);
    return speaking(ctx.speaker.sendRawUpdate(sessionRef(sessionType, sessionId), hex));
  }

  @Mutation(() => Int, { description: 'Announces IPv4 prefixes (nlri) and/or IPv6 ones (attribute 14) with yabgp-style attributes; returns the number of UPDATEs sent' })
  async bgpAnnounce(@Ctx() ctx: GqlContext, @Arg('sessionType', () => String, { description: 'direct or ixp (also their content types, "peering.directpeeringsession" ...)' }) sessionType: string, @Arg('sessionId', () => ID, { description: 'Id of the session' }) sessionId: string,
    @Arg('attributes', () => JSONScalar, { description: 'Path attributes, yabgp-style (origin, as_path, next_hop, ...)' }) attributes: unknown, @Arg('prefixes', () => [String], { nullable: true, description: 'The prefixes' }) prefixes?: string[]): Promise<number> {
    requireWrite(ctx);
    return speaking(ctx.speaker.sendUpdate(sessionRef(sessionType, sessionId), { attributes, nlri: prefixes ?? [] }));
  }

  @Mutation(() => Int, { description: 'Withdraws prefixes (IPv4 or IPv6); returns the number of UPDATEs sent' })
  async bgpWithdraw(@Ctx() ctx: GqlContext, @Arg('sessionType', () => String, { description: 'direct or ixp (also their content types, "peering.directpeeringsession" ...)' }) sessionType: string, @Arg('sessionId', () => ID, { description: 'Id of the session' }) sessionId: string,
    @Arg('prefixes', () => [String], { description: 'The prefixes' }) prefixes: string[]): Promise<number> {
    requireWrite(ctx);
    const v6 = prefixes.filter((p) => p.includes(':'));
    const attributes = v6.length ? { 15: { afi_safi: [2, 1], withdraw: v6 } } : undefined;
    return speaking(ctx.speaker.sendUpdate(sessionRef(sessionType, sessionId), { attributes, withdraw: prefixes.filter((p) => !p.includes(':')) }));
  }
}
