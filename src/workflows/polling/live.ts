// Where a poll reads a router's BGP neighbours: PeerGate's own speaker (bgp-core), never a device.
//
// * A speaker runs the router, in this process or in a `peergate bgp-worker` that answers over the
//   event bus (src/bgp/speaker-api): its peers are read; they are the live state itself.
// * None answers, but a worker holds a live lease on the router: that worker writes each peer's
//   state and prefix counts to the session rows at least every 2 s, so those rows are its state,
//   at most one write-back old, and they are read. Without a lease no worker runs the router:
//   there is nothing live to read, so the router cannot be polled (the rows may be hours old;
//   passing them off as a poll would lie).
import type { EntityManager } from '@mikro-orm/core';
import type { SpeakerApi, SpeakerPeer } from '../../bgp/speaker-api/types';
import { LEASE_TABLE } from '../../bgp/lease';
import { loadDesired, parsePeerKey, type SessionType } from '../../bgp/desired';
import { DirectPeeringSession } from '../../domain/peering/direct-peering-session';
import { InternetExchangePeeringSession } from '../../domain/peering/internet-exchange-peering-session';
import { sqlConnection } from '../../db/context';

/** One neighbour as the speaker sees it; `state` as bgp-core or the worker wrote it (normalised later). */
export interface Neighbour {
  type: SessionType;
  sessionId: number;
  state: string | null;
  received: number;
  /** bgp-core has no import policy: every route received is kept in the Adj-RIB-In, so accepted = received. */
  accepted: number;
  advertised: number;
}

export type LiveState = { ok: true; neighbours: Neighbour[] } | { ok: false; reason: string };

const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

function fromPeer(p: SpeakerPeer): Neighbour {
  const received = total(p.received);
  return { type: p.sessionType, sessionId: p.sessionId, state: p.state, received, accepted: received, advertised: total(p.advertised) };
}

/** Whether a worker in another process holds a live lease on the router (no lease table: no such worker ever ran). */
async function leasedByWorker(em: EntityManager, routerId: number): Promise<boolean> {
  const rows = await sqlConnection(em).execute<{ present: boolean }[]>(`select to_regclass(?) is not null as present`, [LEASE_TABLE], 'all', undefined, em.getLoggerContext());
  if (!rows[0]?.present) return false;
  const held = await sqlConnection(em).execute(`select 1 from ${LEASE_TABLE} where router_id = ? and expires > now()`, [routerId], 'all', undefined, em.getLoggerContext());
  return held.length > 0;
}

/** The neighbours the leasing worker runs (the router's enabled sessions), with the state it last wrote. */
async function fromWorkerRows(requestEm: EntityManager, routerId: number): Promise<Neighbour[]> {
  // A fork: the caller's identity map keeps its fully loaded entities.
  const em = requestEm.fork();
  const [desired] = await loadDesired(em, [routerId]);
  if (!desired) return [];
  const ids: Record<SessionType, number[]> = { direct: [], ixp: [] };
  for (const p of desired.peers) {
    const key = parsePeerKey(p.id);
    if (key) ids[key.type].push(key.id);
  }
  const fields = ['id', 'bgpState', 'receivedPrefixCount', 'advertisedPrefixCount'] as const;
  const [direct, ixp] = await Promise.all([
    ids.direct.length ? em.find(DirectPeeringSession, { id: { $in: ids.direct } }, { fields: [...fields] }) : [],
    ids.ixp.length ? em.find(InternetExchangePeeringSession, { id: { $in: ids.ixp } }, { fields: [...fields] }) : [],
  ]);
  type Row = { id: number; bgpState?: string | null; receivedPrefixCount: number; advertisedPrefixCount: number };
  const row = (type: SessionType) => (s: Row): Neighbour => ({
    type, sessionId: s.id, state: s.bgpState ?? null, received: s.receivedPrefixCount, accepted: s.receivedPrefixCount, advertised: s.advertisedPrefixCount,
  });
  return [...direct.map(row('direct')), ...ixp.map(row('ixp'))];
}

/** The router's neighbours now, or why none can be read. The router must be a running bgp-core speaker. */
export async function readLiveState(em: EntityManager, speaker: SpeakerApi, routerId: number): Promise<LiveState> {
  // A worker that does not answer in time is read from its rows below, if it holds the lease.
  const peers = await speaker.routerPeers(routerId).catch(() => null);
  if (peers) return { ok: true, neighbours: peers.map(fromPeer) };
  if (!(await leasedByWorker(em, routerId))) {
    return { ok: false, reason: 'No bgp-core worker runs this router now (none answers for it, and no worker holds its lease).' };
  }
  return { ok: true, neighbours: await fromWorkerRows(em, routerId) };
}
