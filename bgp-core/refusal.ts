// Why bgp-core refuses an operation on a peer in its present state, as data. Each API words the
// refusal its own way (yabgp's texts live in rest-compat/yabgp); the message here is plain English.

export type RefusalKind =
  | 'not-established'                       // sends and refreshes need an Established session
  | 'already-started'                       // a manual start of a session that is not Idle
  | 'idle-hold'                             // a manual start while the idle hold after an error runs
  | 'peer-removed'
  | 'md5-unsupported'                       // TCP MD5 (RFC 2385) is configured but this platform cannot do it
  | 'route-refresh-not-negotiated'
  | 'enhanced-route-refresh-not-negotiated'
  | 'family-not-negotiated';                // `afi`/`safi` name it

export interface Refusal { kind: RefusalKind; message: string; afi?: number; safi?: number }

const MESSAGES: Readonly<Record<RefusalKind, string>> = {
  'not-established': 'the session is not Established',
  'already-started': 'the session is already started (not Idle)',
  'idle-hold': 'the session holds off after an error (idle hold); retry later',
  'peer-removed': 'the peer was removed',
  'md5-unsupported': 'TCP MD5 authentication is not supported here',
  'route-refresh-not-negotiated': 'route refresh was not negotiated with this peer',
  'enhanced-route-refresh-not-negotiated': 'enhanced route refresh was not negotiated with this peer',
  'family-not-negotiated': 'the address family was not negotiated with this peer',
};

export function refusal(kind: RefusalKind, family?: { afi: number; safi: number }): Refusal {
  const message = family ? `${MESSAGES[kind]} (afi ${family.afi}, safi ${family.safi})` : MESSAGES[kind];
  return { kind, message, ...(family ?? {}) };
}

/** A refused API call on a peer. */
export class PeerStateError extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
    this.name = 'PeerStateError';
  }
}
