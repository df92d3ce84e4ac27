// yabgp's JSON shapes built from what GraphQL answers (BgpPeer, BgpRoute): yabgp's names
// (snake_case capabilities, its statistic keys, its refusal texts in ./call) are given here.
import { parsePrefix, type Family } from '../../bgp-core';
import { YabgpError, refusal } from './errors';
import type { DownReason, YabgpPeer } from './peer';

export interface StateView {
  peer: {
    fsm: string;
    local_addr: string | null;
    local_as: number;
    remote_addr: string;
    remote_as: number;
    uptime: number;
    capability: { local: unknown; remote: unknown };
    /** PeerGate's addition: why the session last went down, in yabgp's snake_case (absent when it never did). */
    last_down?: LastDownView;
  };
}

export interface LastDownView {
  reason: string;
  direction: 'sent' | 'received' | null;
  error_code: number | null;
  error_subcode: number | null;
  error_name: string | null;
  shutdown_message: string | null;
  detail: string;
  time: number;
}

/** The down reason in yabgp's words: snake_case names, seconds since the epoch as yabgp's timestamps. */
export function lastDownView(d: DownReason): LastDownView {
  const direction = d.direction ? d.direction.toLowerCase() as 'sent' | 'received' : null;
  return {
    reason: d.kind.toLowerCase(),
    direction,
    error_code: direction ? d.code : null,
    error_subcode: direction ? d.subcode : null,
    error_name: direction ? `${d.codeName}/${d.subcodeName}` : null,
    shutdown_message: d.communication,
    detail: d.detail,
    time: Date.parse(d.time) / 1000,
  };
}

/** yabgp's capability summary (`capability.local/remote`): its snake_case names for bgp-core's. */
export function capabilityView(c: Record<string, unknown> | null | undefined): Record<string, unknown> {
  if (!c) return {};
  return {
    four_bytes_as: !!c.fourOctetAs,
    route_refresh: !!c.routeRefresh,
    cisco_route_refresh: !!c.ciscoRouteRefresh,
    enhanced_route_refresh: !!c.enhancedRouteRefresh,
    extended_message: !!c.extendedMessage,
    graceful_restart: !!c.gracefulRestart,
    add_path: !!c.addPath,
    afi_safi: Array.isArray(c.families) ? c.families : [],
  };
}

/** yabgp's statistic names for bgp-core's message counters. */
const STAT_NAMES: [string, string][] = [['open', 'Opens'], ['update', 'Updates'], ['keepalive', 'Keepalives'], ['notification', 'Notifications'], ['routeRefresh', 'Route Refresh']];

export function statisticView(s: YabgpPeer['statistics']): { send: Record<string, number>; receive: Record<string, number> } {
  const named = (counts: Record<string, number>) => Object.fromEntries(STAT_NAMES.map(([key, name]) => [name, counts[key] ?? 0]));
  return { send: named(s.send), receive: named(s.receive) };
}

export function stateView(p: YabgpPeer): StateView {
  return {
    peer: {
      fsm: p.state,
      local_addr: p.localAddress,
      local_as: p.localAs,
      remote_addr: p.remoteAddress,
      remote_as: p.remoteAs,
      uptime: p.state === 'ESTABLISHED' ? p.uptime : 0,
      // Before an OPEN arrives yabgp shows an empty remote capability.
      capability: { local: capabilityView(p.capabilities.local as Record<string, unknown>), remote: capabilityView(p.capabilities.remote as Record<string, unknown> | null) },
      ...(p.downReason ? { last_down: lastDownView(p.downReason) } : {}),
    },
  };
}

/** yabgp's four families plus ipv6; bgp-core runs unicast only, so the others stay 0. */
export function versionView(v: Record<string, number>): { version: Record<string, number> } {
  return { version: { ipv4: v.ipv4 ?? 0, ipv6: v.ipv6 ?? 0, flowspec: 0, mpls_vpn: 0, sr_policy: 0 } };
}

export interface RibAnswer { prefix: string; attr: unknown }

/** `?afi_safi=` of the adj-rib lookups: ipv4 (default) or ipv6. */
export function ribFamily(q: unknown): Family {
  const v = typeof q === 'string' && q !== '' ? q.toLowerCase() : 'ipv4';
  if (v === 'ipv4' || v === 'ipv6') return v;
  throw refusal(`address family unsupported, afi_safi=${v}`);
}

/** Every entry must be an address or prefix of the family asked (400 otherwise). */
export function checkLookups(family: Family, queries: string[]): void {
  for (const q of queries) {
    let afi: number;
    try { afi = parsePrefix(q, true).afi; } catch { throw new YabgpError(400, `please check your post data: "${q}" is not an address or prefix`); }
    if (afi !== (family === 'ipv4' ? 1 : 2)) throw new YabgpError(400, `please check your post data: "${q}" is not an ${family} address or prefix`);
  }
}

/** A prefix matched exactly, a bare address by longest match; no match gives `{}`. */
export function ribAnswers(queries: string[], found: ({ prefix: string; attributes: unknown } | null)[]): Record<string, RibAnswer | Record<string, never>> {
  const out: Record<string, RibAnswer | Record<string, never>> = {};
  queries.forEach((q, i) => {
    const e = found[i];
    out[q] = e ? { prefix: e.prefix, attr: e.attributes } : {};
  });
  return out;
}
