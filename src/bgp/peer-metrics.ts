// The worker's running peers as metric samples (read-only: peer info the speaker already keeps).
import type { BgpPeerSample } from '../http/metrics';
import type { BgpWorker } from './worker';
import { parsePeerKey } from './desired';

export function bgpPeerSamples(worker: Pick<BgpWorker, 'allPeers'> | null): BgpPeerSample[] {
  if (!worker) return [];
  const out: BgpPeerSample[] = [];
  for (const { routerId, info } of worker.allPeers()) {
    const key = parsePeerKey(info.id);
    if (!key) continue;
    out.push({
      routerId, sessionType: key.type, sessionId: key.id,
      remoteAddress: info.remoteAddress, remoteAs: info.remoteAs,
      state: info.state, uptimeSeconds: info.uptime,
      received: info.received, advertised: info.advertised,
      messagesIn: info.stats.receive, messagesOut: info.stats.send,
    });
  }
  return out;
}
