// Capabilities in yabgp's `capability.local/remote` shape.
import { Capabilities } from './wire';

export interface CapabilitySummary {
  four_bytes_as: boolean;
  route_refresh: boolean;
  cisco_route_refresh: boolean;
  enhanced_route_refresh: boolean;
  extended_message: boolean;
  graceful_restart: boolean;
  add_path: boolean;
  afi_safi: [string, string][];
}

const AFI_NAMES: Readonly<Record<number, string>> = { 1: 'ipv4', 2: 'ipv6' };
const SAFI_NAMES: Readonly<Record<number, string>> = { 1: 'unicast', 4: 'mpls', 128: 'mpls_vpn', 133: 'flowspec', 73: 'sr_policy' };

export function summarizeCapabilities(c: Capabilities): CapabilitySummary {
  return {
    four_bytes_as: c.fourOctetAs !== null,
    route_refresh: c.routeRefresh,
    cisco_route_refresh: c.ciscoRouteRefresh,
    enhanced_route_refresh: c.enhancedRouteRefresh,
    extended_message: c.extendedMessage,
    graceful_restart: c.gracefulRestart !== null,
    add_path: c.addPath.length > 0,
    afi_safi: c.multiprotocol.map(([a, s]) => [AFI_NAMES[a] ?? String(a), SAFI_NAMES[s] ?? String(s)]),
  };
}
