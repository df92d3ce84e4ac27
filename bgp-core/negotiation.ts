// Capability negotiation: what we offer in our OPEN, whether the peer's OPEN is acceptable, and
// what the session may use once both are known.
import { Family, FAMILY_AFI_SAFI, familyOf } from './rib';
import { BgpError, Capabilities, OpenMessage, emptyCapabilities, encodeOpen, openAsn, parseIPv4 } from './wire';

export interface Negotiated {
  as4: boolean;
  families: Family[];
  routeRefresh: boolean;
  enhancedRouteRefresh: boolean;
  extendedMessage: boolean;
  holdTime: number;
  keepaliveTime: number;
  gracefulRestart: boolean;
}

/** The parts of a peer's configuration negotiation depends on. */
export interface NegotiationConfig {
  localAs: number;
  remoteAs: number;
  routerId: string;
  extendedMessage?: boolean;
  gracefulRestartTime?: number;
}

export function localCapabilities(config: NegotiationConfig, families: Family[]): Capabilities {
  const c = emptyCapabilities();
  c.multiprotocol = families.map((f) => FAMILY_AFI_SAFI[f]);
  c.routeRefresh = true;
  c.enhancedRouteRefresh = true;
  c.extendedMessage = config.extendedMessage ?? true;
  c.fourOctetAs = config.localAs;
  c.gracefulRestart = { restartTime: config.gracefulRestartTime ?? 0, restarting: false, families: [] };
  return c;
}

export function encodeLocalOpen(config: NegotiationConfig, holdTime: number, caps: Capabilities): Buffer {
  return encodeOpen({ asn: config.localAs, holdTime, bgpId: config.routerId, capabilities: caps });
}

/** Throws the NOTIFICATION's BgpError when the peer's OPEN names the wrong AS or our identifier. */
export function checkRemoteOpen(open: OpenMessage, config: NegotiationConfig): void {
  const asn = openAsn(open);
  if (asn !== config.remoteAs) {
    const data = Buffer.alloc(2);
    data.writeUInt16BE(open.myAs, 0);
    throw new BgpError(2, 2, data, `peer AS ${asn}, expected ${config.remoteAs}`);
  }
  if (config.localAs === config.remoteAs && open.bgpId >>> 0 === parseIPv4(config.routerId)) {
    throw new BgpError(2, 3, Buffer.alloc(0), 'peer uses our BGP identifier');
  }
}

/** What both sides support: families, AS width, refresh, message size and the hold time. */
export function negotiate(local: Capabilities, families: Family[], holdTime: number, open: OpenMessage): Negotiated {
  const rc = open.capabilities;
  // RFC 4760: a peer without multiprotocol capabilities speaks IPv4 unicast only.
  const remoteFams: Family[] =
    rc.multiprotocol.length === 0
      ? ['ipv4']
      : rc.multiprotocol.map(([a, s]) => familyOf(a, s)).filter((f): f is Family => f !== null);
  const hold = Math.min(holdTime, open.holdTime);
  return {
    as4: rc.fourOctetAs !== null,
    families: families.filter((f) => remoteFams.includes(f)),
    routeRefresh: rc.routeRefresh || rc.ciscoRouteRefresh,
    enhancedRouteRefresh: rc.enhancedRouteRefresh,
    extendedMessage: local.extendedMessage && rc.extendedMessage,
    holdTime: hold,
    keepaliveTime: Math.floor(hold / 3),
    gracefulRestart: rc.gracefulRestart !== null,
  };
}
