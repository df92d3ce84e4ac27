// What one OPEN offers, summarised: the capabilities an API shows per side (each API names them
// its own way; yabgp's snake_case names live in rest-compat/yabgp).
import { Capabilities } from './wire';

export interface CapabilitySummary {
  fourOctetAs: boolean;
  routeRefresh: boolean;
  ciscoRouteRefresh: boolean;
  enhancedRouteRefresh: boolean;
  extendedMessage: boolean;
  gracefulRestart: boolean;
  addPath: boolean;
  /** Multiprotocol families as [AFI name, SAFI name] (a number when unnamed). */
  families: [string, string][];
}

const AFI_NAMES: Readonly<Record<number, string>> = { 1: 'ipv4', 2: 'ipv6' };
const SAFI_NAMES: Readonly<Record<number, string>> = { 1: 'unicast', 4: 'mpls', 128: 'mpls_vpn', 133: 'flowspec', 73: 'sr_policy' };

export function summarizeCapabilities(c: Capabilities): CapabilitySummary {
  return {
    fourOctetAs: c.fourOctetAs !== null,
    routeRefresh: c.routeRefresh,
    ciscoRouteRefresh: c.ciscoRouteRefresh,
    enhancedRouteRefresh: c.enhancedRouteRefresh,
    extendedMessage: c.extendedMessage,
    gracefulRestart: c.gracefulRestart !== null,
    addPath: c.addPath.length > 0,
    families: c.multiprotocol.map(([a, s]) => [AFI_NAMES[a] ?? String(a), SAFI_NAMES[s] ?? String(s)]),
  };
}
