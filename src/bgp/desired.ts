// Which BGP peers to run, read from the data: routers with `bgpSpeaker`, and their
// enabled direct and IX sessions. The result is plain configuration for bgp-core.
import type { EntityManager } from '@mikro-orm/core';
import type { PeerConfig, ListenAddress } from '../../bgp-core';
import { Router } from '../domain/devices/router';
import { DirectPeeringSession } from '../domain/peering/direct-peering-session';
import { InternetExchangePeeringSession } from '../domain/peering/internet-exchange-peering-session';
import { parseIp } from '../domain/ip';
import type { AutonomousSystem } from '../domain/peering/autonomous-system';

/** How prefix limits act (BGP_MAX_PREFIX_WARNING_PERCENT, BGP_MAX_PREFIX_RESTART_SECONDS). */
export interface MaxPrefixSettings {
  warningPercent: number;
  restartSeconds: number;
}

export type SessionType = 'direct' | 'ixp';
/** The entity of each session type. */
export const SESSION_ENTITY: Record<SessionType, Function> = { direct: DirectPeeringSession, ixp: InternetExchangePeeringSession };
export const SESSION_CONTENT_TYPE: Record<SessionType, string> = {
  direct: 'peering.directpeeringsession',
  ixp: 'peering.internetexchangepeeringsession',
};

export interface DesiredRouter {
  routerId: number;
  name: string;
  listen: ListenAddress | null;
  peers: PeerConfig[];
}

/** 'direct:12' <-> { type: 'direct', id: 12 } */
export const peerKey = (type: SessionType, id: number): string => `${type}:${id}`;
export function parsePeerKey(key: string): { type: SessionType; id: number } | null {
  const m = /^(direct|ixp):(\d+)$/.exec(key);
  return m ? { type: m[1] as SessionType, id: Number(m[2]) } : null;
}

/** The objects whose changes can change what bgp-core should run. */
export const RELEVANT_TYPES = new Set([
  'devices.router', 'peering.directpeeringsession', 'peering.internetexchangepeeringsession', 'net.connection', 'peering.autonomoussystem',
]);

const host = (ip: string | null | undefined): string | undefined => (ip ? parseIp(ip)?.address : undefined);

/** Routers this worker should run (all of them, or the given ids) with their peers. */
export async function loadDesired(em: EntityManager, onlyRouters?: number[], maxPrefix?: MaxPrefixSettings): Promise<DesiredRouter[]> {
  const routers = await em.find(Router, { bgpSpeaker: true, status: 'enabled', ...(onlyRouters ? { id: { $in: onlyRouters } } : {}) },
    { populate: ['localAutonomousSystem'], orderBy: { id: 'asc' } });
  if (!routers.length) return [];
  const ids = routers.map((r) => r.id);
  const [direct, ixp] = await Promise.all([
    em.find(DirectPeeringSession, { router: { $in: ids }, status: 'enabled' }, { populate: ['autonomousSystem', 'localAutonomousSystem'], orderBy: { id: 'asc' } }),
    em.find(InternetExchangePeeringSession, { ixpConnection: { router: { $in: ids } }, status: 'enabled' }, { populate: ['autonomousSystem', 'ixpConnection'], orderBy: { id: 'asc' } }),
  ]);
  // The peer AS's limits bound every session with it; 0 means none, as in Peering Manager.
  const limits = (as: AutonomousSystem): Pick<PeerConfig, 'maxPrefixes' | 'maxPrefixWarningPercent' | 'maxPrefixRestartTime'> => ({
    maxPrefixes: { ipv4: as.ipv4MaxPrefixes ?? 0, ipv6: as.ipv6MaxPrefixes ?? 0 },
    ...(maxPrefix ? { maxPrefixWarningPercent: maxPrefix.warningPercent, maxPrefixRestartTime: maxPrefix.restartSeconds } : {}),
  });
  return routers.map((r) => {
    const base = { localAs: r.localAutonomousSystem.asn, routerId: r.routerId ? host(r.routerId)! : '0.0.0.0' };
    const peers: PeerConfig[] = [];
    for (const s of direct.filter((x) => x.router?.id === r.id)) {
      const remote = host(s.ipAddress);
      if (!remote) continue;
      peers.push({
        ...base, id: peerKey('direct', s.id), localAs: s.localAutonomousSystem.asn, remoteAddress: remote, remoteAs: s.autonomousSystem.asn,
        localAddress: host(s.localIpAddress), remotePort: s.remotePort, passive: s.passive, multihopTtl: s.multihopTtl,
        ...(s.password ? { password: s.password } : {}), ...limits(s.autonomousSystem),
      });
    }
    for (const s of ixp.filter((x) => x.ixpConnection.router?.id === r.id)) {
      const remote = parseIp(s.ipAddress);
      if (!remote) continue;
      const conn = s.ixpConnection;
      const local = host(remote.family === 4 ? conn.ipv4Address : conn.ipv6Address);
      peers.push({
        ...base, id: peerKey('ixp', s.id), remoteAddress: remote.address, remoteAs: s.autonomousSystem.asn,
        localAddress: local, remotePort: s.remotePort, passive: s.passive, multihopTtl: s.multihopTtl,
        ...(s.password ? { password: s.password } : {}), ...limits(s.autonomousSystem),
      });
    }
    const listenAddress = host(r.bgpListenAddress);
    return { routerId: r.id, name: r.name, listen: listenAddress ? { address: listenAddress, port: r.bgpListenPort } : null, peers };
  });
}
