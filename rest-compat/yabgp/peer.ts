// The `<ip>` in a yabgp path selects the peer (yabgp runs one peer per process and ignores
// it), among the peers of every bgp-core worker (GraphQL bgpPeers). When several routers peer
// with the same address the choice is deterministic: the lowest router id, then direct sessions
// before IX sessions, then the lowest session id; `?router=<id>` picks a router explicitly.
import type { Request } from 'express';
import { isIPv4, isIPv6 } from '../../bgp-core';
import type { RunningApp } from '../../src/http/app';
import type { GqlContext } from '../../src/graphql/context';
import type { DownReasonView } from '../../src/bgp/down-reason';
import { DOCS, run } from './call';
import { YabgpError } from './errors';

/** A peer as the dialect reads it from GraphQL (BgpPeer). */
export interface YabgpPeer {
  sessionType: string;
  sessionId: string;
  routerId: string;
  state: string;
  localAddress: string | null;
  localAs: number;
  remoteAddress: string;
  remoteAs: number;
  uptime: number;
  downReason: DownReason | null;
  statistics: { send: Record<string, number>; receive: Record<string, number> };
  versions: { received: Record<string, number>; send: Record<string, number> };
  capabilities: { local: unknown; remote: unknown };
  negotiated: { as4: boolean; extendedMessage: boolean } | null;
}

/** Why the session last went down, as GraphQL's BgpDownReason gives it. */
export type DownReason = DownReasonView;

/** The arguments naming the peer's session in a GraphQL operation. */
export const sessionOf = (p: YabgpPeer): { type: string; id: string } => ({ type: p.sessionType, id: p.sessionId });

const order = (p: YabgpPeer): [number, number, number] => [Number(p.routerId), p.sessionType.endsWith('internetexchangepeeringsession') ? 1 : 0, Number(p.sessionId)];

function compare(a: YabgpPeer, b: YabgpPeer): number {
  const x = order(a);
  const y = order(b);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

export async function resolvePeer(req: Request, running: RunningApp, ctx: GqlContext): Promise<YabgpPeer> {
  const ip = String(req.params.ip ?? '');
  const notFound = new YabgpError(404, `peer ${ip} not found`);
  if (!isIPv4(ip) && !isIPv6(ip)) throw notFound;
  const router = req.query.router;
  if (router !== undefined && router !== '' && (typeof router !== 'string' || !/^\d{1,10}$/.test(router))) throw notFound;
  const data = await run<{ bgpPeers: YabgpPeer[] }>(running, ctx, DOCS.peers, { address: ip, router: router || null });
  if (!data.bgpPeers.length) throw notFound;
  const peer = [...data.bgpPeers].sort(compare)[0];
  // yabgp spells states in capitals (the in-process executor hands over the enum's internal value).
  return { ...peer, state: peer.state.toUpperCase() };
}
