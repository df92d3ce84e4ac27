// The `<ip>` in a yabgp path selects the peer (yabgp runs one peer per process and ignores
// it). When several routers peer with the same address the choice is deterministic: the
// lowest router id, then direct sessions before IX sessions, then the lowest session id;
// `?router=<id>` picks a router explicitly.
import type { Request } from 'express';
import { canonicalAddress, isIPv4, isIPv6, type BgpSpeaker, type Peer } from '../../bgp-core';
import { localWorker } from '../../src/bgp/local';
import { parsePeerKey } from '../../src/bgp/desired';
import { YabgpError } from './errors';

export interface YabgpPeer { routerId: number; speaker: BgpSpeaker; peer: Peer }

const order = (p: YabgpPeer): [number, number, number] => {
  const key = parsePeerKey(p.peer.config.id);
  return [p.routerId, key?.type === 'ixp' ? 1 : 0, key?.id ?? 0];
};

function compare(a: YabgpPeer, b: YabgpPeer): number {
  const x = order(a);
  const y = order(b);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

export function resolvePeer(req: Request): YabgpPeer {
  const ip = String(req.params.ip ?? '');
  const notFound = new YabgpError(404, `peer ${ip} not found`);
  if (!isIPv4(ip) && !isIPv6(ip)) throw notFound;
  const worker = localWorker();
  if (!worker) throw new YabgpError(404, `peer ${ip} not found: no bgp-core worker runs in this process`);
  let found: YabgpPeer[] = worker.findByAddress(canonicalAddress(ip));
  const router = req.query.router;
  if (typeof router === 'string' && router !== '') found = found.filter((p) => String(p.routerId) === router);
  if (!found.length) throw notFound;
  return found.sort(compare)[0];
}
