// yabgp's JSON shapes built from bgp-core's PeerInfo and Adj-RIBs.
import { attrsToJson, parsePrefix, type AdjRib, type CapabilitySummary, type Family, type JsonAttributes, type LastError, type PeerInfo } from '../../bgp-core';
import { YabgpError, refusal } from './errors';

export interface StateView {
  peer: {
    fsm: string;
    local_addr: string | null;
    local_as: number;
    remote_addr: string;
    remote_as: number;
    uptime: number;
    capability: { local: CapabilitySummary; remote: CapabilitySummary | Record<string, never> };
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

/** bgp-core's down reason in yabgp's words: snake_case names, seconds since the epoch as yabgp's timestamps. */
export function lastDownView(d: LastError): LastDownView {
  const notification = d.direction !== 'local';
  return {
    reason: d.kind.toLowerCase(),
    direction: notification ? d.direction as 'sent' | 'received' : null,
    error_code: notification ? d.code : null,
    error_subcode: notification ? d.subcode : null,
    error_name: notification ? `${d.codeName}/${d.subcodeName}` : null,
    shutdown_message: d.communication,
    detail: d.text,
    time: d.time.getTime() / 1000,
  };
}

export function stateView(info: PeerInfo): StateView {
  return {
    peer: {
      fsm: info.state,
      local_addr: info.localAddress,
      local_as: info.localAs,
      remote_addr: info.remoteAddress,
      remote_as: info.remoteAs,
      uptime: info.state === 'ESTABLISHED' ? info.uptime : 0,
      // Before an OPEN arrives yabgp shows an empty remote capability.
      capability: { local: info.capability.local, remote: info.capability.remote ?? {} },
      ...(info.downReason ? { last_down: lastDownView(info.downReason) } : {}),
    },
  };
}

/** yabgp's four families plus ipv6; bgp-core runs unicast only, so the others stay 0. */
export function versionView(v: Record<Family, number>): { version: Record<string, number> } {
  return { version: { ipv4: v.ipv4, ipv6: v.ipv6, flowspec: 0, mpls_vpn: 0, sr_policy: 0 } };
}

export interface RibAnswer { prefix: string; attr: JsonAttributes }

/** `?afi_safi=` of the adj-rib lookups: ipv4 (default) or ipv6. */
export function ribFamily(q: unknown): Family {
  const v = typeof q === 'string' && q !== '' ? q.toLowerCase() : 'ipv4';
  if (v === 'ipv4' || v === 'ipv6') return v;
  throw refusal(`address family unsupported, afi_safi=${v}`);
}

/** A prefix matches exactly, a bare address by longest match; no match gives `{}`. */
export function ribLookup(rib: AdjRib, family: Family, queries: string[]): Record<string, RibAnswer | Record<string, never>> {
  const out: Record<string, RibAnswer | Record<string, never>> = {};
  for (const q of queries) {
    let afi: number;
    try { afi = parsePrefix(q, true).afi; } catch { throw new YabgpError(400, `please check your post data: "${q}" is not an address or prefix`); }
    if (afi !== (family === 'ipv4' ? 1 : 2)) throw new YabgpError(400, `please check your post data: "${q}" is not an ${family} address or prefix`);
    const e = rib.lookup(q);
    out[q] = e ? { prefix: e.prefix, attr: attrsToJson(e.set.attrs) } : {};
  }
  return out;
}
