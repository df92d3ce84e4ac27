// The speaker API a process's consumers use: this process's worker and BMP station first, then
// the other processes over the bus (when there is a bus between processes). Lists merge both.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { BgpSessionEvent, EventBus } from '../../events/bus';
import { BusSpeaker, SpeakerResponder } from './bus';
import type { LocalSpeaker } from './local';
import { SpeakerNodes } from './nodes';
import type {
  BmpFilter, BmpPeerView, PeerFilter, RouteLookup, RouteQuery, RouteRow, SessionRef, SpeakerApi, SpeakerPeer, UpdateRequest,
} from './types';

export class Speakers implements SpeakerApi {
  constructor(private readonly local: LocalSpeaker, private readonly remote: BusSpeaker | null) {}

  /** Where a call about one session goes: here when this process runs it, else over the bus. */
  private about(ref: SessionRef): SpeakerApi {
    return this.local.has(ref) || !this.remote ? this.local : this.remote;
  }

  private async both<T>(get: (s: SpeakerApi) => Promise<T[]>): Promise<T[]> {
    const [here, there] = await Promise.all([get(this.local), this.remote ? get(this.remote) : Promise.resolve([] as T[])]);
    return [...here, ...there];
  }

  peers(filter?: PeerFilter): Promise<SpeakerPeer[]> { return this.both((s) => s.peers(filter)); }
  bmpPeers(filter?: BmpFilter): Promise<BmpPeerView[]> { return this.both((s) => s.bmpPeers(filter)); }
  snapshot(): Promise<BgpSessionEvent[]> { return this.both((s) => s.snapshot()); }

  peer(ref: SessionRef): Promise<SpeakerPeer | null> { return this.about(ref).peer(ref); }

  routerPeers(routerId: number): Promise<SpeakerPeer[] | null> {
    return this.local.runsRouter(routerId) || !this.remote ? this.local.routerPeers(routerId) : this.remote.routerPeers(routerId);
  }

  routes(ref: SessionRef, query: RouteQuery): Promise<RouteRow[]> { return this.about(ref).routes(ref, query); }
  lookupRoutes(ref: SessionRef, lookup: RouteLookup): Promise<(RouteRow | null)[]> { return this.about(ref).lookupRoutes(ref, lookup); }
  start(ref: SessionRef): Promise<void> { return this.about(ref).start(ref); }
  stop(ref: SessionRef, communication?: string): Promise<void> { return this.about(ref).stop(ref, communication); }
  routeRefresh(ref: SessionRef, afi: number, safi: number, subtype?: number): Promise<void> { return this.about(ref).routeRefresh(ref, afi, safi, subtype); }
  sendUpdate(ref: SessionRef, update: UpdateRequest): Promise<number> { return this.about(ref).sendUpdate(ref, update); }
  sendRawUpdate(ref: SessionRef, hex: string): Promise<number> { return this.about(ref).sendRawUpdate(ref, hex); }
}

/**
 * The speaker API of one process: `local` (its worker and BMP station, attached once they run)
 * and, on PostgreSQL, the other processes over the bus. `serve()` makes this process a node that
 * answers the others (when it runs a worker or a BMP station).
 */
export interface ProcessSpeakers {
  api: SpeakerApi;
  serve(): Promise<void>;
  close(): Promise<void>;
}

export function processSpeakers(local: LocalSpeaker, bus: EventBus, opts: { databaseUrl: string | null; nodeId: string; timeoutMs: number }): ProcessSpeakers {
  if (!opts.databaseUrl) return { api: new Speakers(local, null), serve: async () => {}, close: async () => {} };
  const nodes = new SpeakerNodes(opts.databaseUrl);
  const remote = new BusSpeaker(bus, nodes, opts.nodeId, opts.timeoutMs);
  let responder: SpeakerResponder | null = null;
  return {
    api: new Speakers(local, remote),
    serve: async () => {
      responder = new SpeakerResponder(bus, local, opts.nodeId);
      responder.start();
      await nodes.register(opts.nodeId);
    },
    close: async () => {
      responder?.close();
      remote.close();
      await nodes.close();
    },
  };
}

/** A node id for a gateway: host, pid and a random part (a bgp-worker uses its BGP_WORKER_ID). */
export const gatewayNodeId = (): string => `gateway:${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
