// The peers a PeerGate sees, from its speaker (bgpPeers) and its BMP station (bmpPeers), in one
// shape for the list and the detail, with the names of their routers.
import type { GraphqlClient } from './client';

export interface SpeakerPeer {
  sessionType: string; sessionId: string; routerId: string; state: string; localAddress: string | null; localAs: number;
  remoteAddress: string; remotePort: number; remoteAs: number; remoteRouterId: string | null; uptime: number;
  lastError: { direction: string; code: number; subcode: number; codeName: string; subcodeName: string; text: string; time: string } | null;
  /** Why the session last went down (GraphQL BgpDownReason). */
  downReason: { kind: string; direction: string | null; communication: string | null } | null;
  prefixes: { received: Record<string, number>; advertised: Record<string, number> };
  statistics: { send: Record<string, number>; receive: Record<string, number> };
  capabilities: { local: Record<string, unknown>; remote: Record<string, unknown> | null };
  negotiated: { holdTime: number; keepaliveTime: number; families: string[] } & Record<string, unknown> | null;
  staleFamilies: string[];
}

export interface BmpPeer {
  bmpRouter: string; sysName: string | null; routerId: string | null; sessionType: string | null; sessionId: string | null;
  peerType: number; distinguisher: string; remoteAddress: string; remoteAs: number; remoteRouterId: string; status: string; uptime: number;
  prefixes: { prePolicy: number; postPolicy: number };
  negotiated: { holdTime: number; families: string[]; addPath: string[] } & Record<string, unknown> | null;
  statistics: Record<string, number>;
  lastDown: { reason: number; text: string; code: number | null; subcode: number | null; fsmEvent: number | null; time: string } | null;
}

export interface Neighbor {
  source: 'speaker' | 'bmp';
  address: string;
  asn: number;
  /** Display state: BGP's for the speaker; Established, Down or Unknown for a BMP peer. */
  state: string;
  /** Seconds since Established (0 when not). */
  uptime: number;
  received: number;
  /** Speaker: bgp-core has no import policy, so every received prefix is accepted. BMP: post-policy. */
  accepted: number;
  /** Unknown (null) for BMP: the router reports what it receives. */
  advertised: number | null;
  routerId: string | null;
  routerName: string | null;
  /** The session in the data: ("direct" | "ixp", id), null for a BMP peer none matches. */
  session: { type: 'direct' | 'ixp'; id: string } | null;
  speaker?: SpeakerPeer;
  bmp?: BmpPeer;
}

const SPEAKER_FIELDS = 'sessionType sessionId routerId state localAddress localAs remoteAddress remotePort remoteAs remoteRouterId uptime lastError downReason { kind direction communication } prefixes statistics capabilities negotiated staleFamilies';
const BMP_FIELDS = 'bmpRouter sysName routerId sessionType sessionId peerType distinguisher remoteAddress remoteAs remoteRouterId status uptime prefixes negotiated statistics lastDown';

const STATE_NAMES: Record<string, string> = {
  IDLE: 'Idle', CONNECT: 'Connect', ACTIVE: 'Active', OPENSENT: 'OpenSent', OPENCONFIRM: 'OpenConfirm', ESTABLISHED: 'Established',
};
const BMP_STATES: Record<string, string> = { up: 'Established', down: 'Down', unknown: 'Unknown' };

const sum = (counts: Record<string, number> | undefined): number => Object.values(counts ?? {}).reduce((a, b) => a + (Number(b) || 0), 0);

function sessionOf(type: string | null, id: string | null): Neighbor['session'] {
  if (!type || id == null) return null;
  return { type: type.includes('internetexchange') ? 'ixp' : 'direct', id: String(id) };
}

function fromSpeaker(p: SpeakerPeer): Neighbor {
  const received = sum(p.prefixes?.received);
  return {
    source: 'speaker', address: p.remoteAddress, asn: p.remoteAs, state: STATE_NAMES[p.state] ?? p.state, uptime: p.uptime,
    received, accepted: received, advertised: sum(p.prefixes?.advertised),
    routerId: String(p.routerId), routerName: null, session: sessionOf(p.sessionType, p.sessionId), speaker: p,
  };
}

function fromBmp(p: BmpPeer): Neighbor {
  return {
    source: 'bmp', address: p.remoteAddress, asn: p.remoteAs, state: BMP_STATES[p.status] ?? p.status, uptime: p.uptime,
    received: p.prefixes?.prePolicy ?? 0, accepted: p.prefixes?.postPolicy ?? 0, advertised: null,
    routerId: p.routerId == null ? null : String(p.routerId), routerName: null, session: sessionOf(p.sessionType, p.sessionId), bmp: p,
  };
}

/** Canonical text of an address, so 2001:DB8::1 and 2001:db8:0::1 compare equal. */
export function canonicalAddress(address: string): string {
  if (!address.includes(':')) return address;
  try { return new URL(`http://[${address}]/`).hostname.slice(1, -1); } catch { return address.toLowerCase(); }
}

/** Every peer the server sees, speaker ones first, each group by router then address. */
export async function fetchNeighbors(client: GraphqlClient): Promise<Neighbor[]> {
  const data = await client.query<{ bgpPeers: SpeakerPeer[]; bmpPeers: BmpPeer[] }>(`{ bgpPeers { ${SPEAKER_FIELDS} } bmpPeers { ${BMP_FIELDS} } }`);
  const all = [...data.bgpPeers.map(fromSpeaker), ...data.bmpPeers.map(fromBmp)];
  const ids = [...new Set(all.map((n) => n.routerId).filter((id): id is string => id !== null))];
  if (ids.length) {
    // A router the caller may not read is simply left without a name.
    const routers = await client.query<{ routers: { items: { id: string; name: string }[] } }>(
      'query($ids: [Int!]) { routers(filter: {id: {exact: $ids}}, limit: 0) { items { id name } } }', { ids: ids.map(Number) });
    const names = new Map(routers.routers.items.map((r) => [String(r.id), r.name]));
    for (const n of all) n.routerName = n.routerId === null ? null : names.get(n.routerId) ?? null;
  }
  const order = (n: Neighbor) => [n.source === 'speaker' ? 0 : 1, n.routerName ?? n.routerId ?? '', n.address] as const;
  return all.sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    return x[0] - y[0] || x[1].localeCompare(y[1]) || compareAddresses(x[2], y[2]);
  });
}

/** IPv4 before IPv6, then numerically. */
function compareAddresses(a: string, b: string): number {
  const key = (s: string): bigint => {
    if (!s.includes(':')) return s.split('.').reduce((v, o) => (v << 8n) + BigInt(Number(o) || 0), 0n);
    const full = canonicalAddress(s);
    const [head, tail = ''] = full.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = full.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return (1n << 129n) + groups.reduce((v, g) => (v << 16n) + BigInt(parseInt(g, 16) || 0), 0n);
  };
  const [x, y] = [key(a), key(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Neighbors with this address, of the router named or numbered `router` when given. */
export function matching(all: Neighbor[], address?: string, router?: string): Neighbor[] {
  const want = address === undefined ? undefined : canonicalAddress(address);
  return all.filter((n) => (want === undefined || canonicalAddress(n.address) === want) &&
    (router === undefined || n.routerId === router || n.routerName === router));
}

/** Routes received from a session, as bgpReceivedRoutes returns them. */
export interface Route { prefix: string; attributes: Record<string, unknown> }

export async function fetchRoutes(client: GraphqlClient, n: Neighbor & { session: NonNullable<Neighbor['session']> },
  q: { prefix?: string; longerPrefixes: boolean; policy?: string; limit?: number }): Promise<Route[]> {
  const filter = q.prefix === undefined ? null : q.longerPrefixes ? { within: q.prefix } : q.prefix.includes('/') ? { prefix: q.prefix } : { address: q.prefix };
  const data = await client.query<{ bgpReceivedRoutes: Route[] }>(
    'query($t: String!, $id: ID!, $f: BgpRouteFilter, $limit: Int, $policy: String) { bgpReceivedRoutes(sessionType: $t, sessionId: $id, filter: $f, limit: $limit, policy: $policy) { prefix attributes } }',
    { t: n.session.type, id: n.session.id, f: filter, limit: q.limit ?? null, policy: n.source === 'bmp' ? q.policy ?? null : null });
  return data.bgpReceivedRoutes;
}
