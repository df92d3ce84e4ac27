// One way to ask the BGP speaker and the BMP station about peers and to command them, whether
// they run in this process (./local) or in a `peergate bgp-worker` reached over the event bus
// (./bus). Every method is async and takes and returns plain data (JSON-safe), so it works the
// same across a process or a thread boundary. Who may call what is checked by the callers (the
// GraphQL fields); this interface has no caller.
import type { BgpSessionEvent } from '../../events/bus';
import type { DownReasonView } from '../down-reason';
import type { SessionType } from '../desired';

export interface SessionRef { type: SessionType; id: number }

/** A message counter per message type, sent and received. */
export interface MessageCounts { send: Record<string, number>; receive: Record<string, number> }

/** Per family (ipv4, ipv6). */
export type FamilyCounts = Record<string, number>;

/** The last error of a session: what the NOTIFICATION (or the transport) said, `time` in ISO 8601. */
export interface LastErrorView {
  direction: 'sent' | 'received' | 'local';
  code: number;
  subcode: number;
  codeName: string;
  subcodeName: string;
  text: string;
  time: string;
  kind: string;
  communication: string | null;
}

/** A running peer of the speaker. */
export interface SpeakerPeer {
  sessionType: SessionType;
  sessionId: number;
  routerId: number;
  /** A BGP state in capitals (IDLE ... ESTABLISHED). */
  state: string;
  localAddress: string | null;
  localAs: number;
  remoteAddress: string;
  remotePort: number;
  remoteAs: number;
  remoteRouterId: string | null;
  /** Seconds since Established, 0 otherwise. */
  uptime: number;
  lastError: LastErrorView | null;
  downReason: DownReasonView | null;
  received: FamilyCounts;
  advertised: FamilyCounts;
  /** Changes applied to the Adj-RIB-In (received) and Adj-RIB-Out (send) per family. */
  versions: { received: FamilyCounts; send: FamilyCounts };
  statistics: MessageCounts;
  capabilities: { local: unknown; remote: unknown };
  negotiated: { as4: boolean; extendedMessage: boolean; families: string[]; [k: string]: unknown } | null;
  staleFamilies: string[];
}

/** A peer a router reports over BMP, with the session it was matched to. */
export interface BmpPeerView {
  bmpRouter: string;
  sysName: string | null;
  routerId: number | null;
  sessionType: SessionType | null;
  sessionId: number | null;
  peerType: number;
  distinguisher: string;
  remoteAddress: string;
  remoteAs: number;
  remoteRouterId: string;
  status: string;
  uptime: number;
  prefixes: unknown;
  negotiated: unknown;
  statistics: Record<string, unknown>;
  lastDown: unknown;
}

/** `pathId`: the Add-Path identifier (RFC 7911) of a route learned with one, else null. */
export interface RouteRow { prefix: string; attributes: unknown; pathId: number | null }

/** Which routes of a peer: every condition given must hold. */
export interface RouteQuery {
  /** in: received (Adj-RIB-In, the default); out: advertised (Adj-RIB-Out). */
  rib?: 'in' | 'out';
  /** For a session a router reports over BMP: pre (default) or post policy. */
  policy?: 'pre' | 'post';
  prefix?: string;
  address?: string;
  within?: string;
  asPathContains?: number;
  community?: string;
  family?: 'ipv4' | 'ipv6';
  /** At most this many (the caller caps it). */
  limit: number;
}

/** A prefix looked up exactly, a bare address by longest match; null where nothing matches. */
export interface RouteLookup { rib: 'in' | 'out'; queries: string[] }

export interface UpdateRequest {
  /** Path attributes keyed by type code (bgp-core's JSON attribute form). */
  attributes?: unknown;
  nlri?: string[];
  withdraw?: string[];
}

export interface PeerFilter { routerId?: number; remoteAddress?: string }
export interface BmpFilter { routerId?: number; unmatched?: boolean }

export interface SpeakerApi {
  peers(filter?: PeerFilter): Promise<SpeakerPeer[]>;
  /** Null when no speaker runs the session. */
  peer(ref: SessionRef): Promise<SpeakerPeer | null>;
  /** The peers of a router, or null when no speaker runs that router now. */
  routerPeers(routerId: number): Promise<SpeakerPeer[] | null>;
  routes(ref: SessionRef, query: RouteQuery): Promise<RouteRow[]>;
  lookupRoutes(ref: SessionRef, lookup: RouteLookup): Promise<(RouteRow | null)[]>;
  bmpPeers(filter?: BmpFilter): Promise<BmpPeerView[]>;
  /** The first events a new subscriber sees: one per running or reported peer. */
  snapshot(): Promise<BgpSessionEvent[]>;
  start(ref: SessionRef): Promise<void>;
  /** Cease / Administrative Shutdown, with an RFC 8203/9003 shutdown communication. */
  stop(ref: SessionRef, communication?: string): Promise<void>;
  routeRefresh(ref: SessionRef, afi: number, safi: number, subtype?: number): Promise<void>;
  /** Returns the number of UPDATE messages sent (0 while the session is not Established: kept in the Adj-RIB-Out). */
  sendUpdate(ref: SessionRef, update: UpdateRequest): Promise<number>;
  /** One or more complete UPDATE messages in hex, every one checked before any is sent. */
  sendRawUpdate(ref: SessionRef, hex: string): Promise<number>;
}

/**
 * not-found: no speaker runs the peer; refused: its state does not allow it now (not
 * Established, family not negotiated ...); invalid: bad input (`field` names it);
 * unavailable: no worker answered in time.
 */
export type SpeakerErrorKind = 'not-found' | 'refused' | 'invalid' | 'unavailable';

/** Why a refused call was refused, as bgp-core says it (its RefusalKind, and the family when one is named). */
export interface RefusalReason { kind: string; afi?: number; safi?: number }

export class SpeakerError extends Error {
  constructor(readonly kind: SpeakerErrorKind, message: string, readonly field?: string, readonly reason?: RefusalReason) {
    super(message);
    this.name = 'SpeakerError';
  }

  toJSON(): { kind: SpeakerErrorKind; message: string; field?: string; reason?: RefusalReason } {
    return { kind: this.kind, message: this.message, ...(this.field ? { field: this.field } : {}), ...(this.reason ? { reason: this.reason } : {}) };
  }
}

export const SPEAKER_ERROR_KINDS: readonly SpeakerErrorKind[] = ['not-found', 'refused', 'invalid', 'unavailable'];
