// A session's last down reason as every surface shows it (GraphQL, events, dashboard): bgp-core's
// LastError reduced to plain data, with the NOTIFICATION names and the shutdown communication.
import { notificationKind, type BmpPeerDown, type DownReasonKind, type LastError } from '../../bgp-core';

export interface DownReasonView {
  kind: DownReasonKind;
  /** 'sent' / 'received' for a NOTIFICATION; null for a transport failure or a removal. */
  direction: 'sent' | 'received' | null;
  code: number | null;
  subcode: number | null;
  codeName: string | null;
  subcodeName: string | null;
  /** RFC 8203/9003 shutdown communication. */
  communication: string | null;
  detail: string;
  time: string;
}

/** The reason as a session row keeps it (`lastDownReason`): spelled as GraphQL's BgpDownReason shows it. */
export function storedDownReason(v: DownReasonView): Record<string, unknown> {
  return { ...v, direction: v.direction?.toUpperCase() ?? null };
}

export function downReasonOf(e: LastError | null | undefined): DownReasonView | null {
  if (!e) return null;
  const notification = e.direction !== 'local';
  return {
    kind: e.kind,
    direction: notification ? e.direction as 'sent' | 'received' : null,
    code: notification ? e.code : null,
    subcode: notification ? e.subcode : null,
    codeName: notification ? e.codeName : null,
    subcodeName: notification ? e.subcodeName : null,
    communication: e.communication,
    detail: e.text,
    time: e.time.toISOString(),
  };
}

/** A session removed from the data: no NOTIFICATION needed to say why it is gone. */
export function deconfiguredReason(detail: string): DownReasonView {
  return { kind: 'PEER_DECONFIGURED', direction: null, code: null, subcode: null, codeName: null, subcodeName: null, communication: null, detail, time: new Date().toISOString() };
}

/**
 * A BMP Peer Down (RFC 7854 §4.9) as the same data: 1 and 3 carry the NOTIFICATION the router
 * sent or received, 4 is the peer closing without one, 5 the peer de-configured on the router.
 */
export function bmpDownReason(d: BmpPeerDown | null | undefined): DownReasonView | null {
  if (!d) return null;
  const n = d.notification;
  const direction = n ? (d.reason === 3 ? 'received' : 'sent') : null;
  const kind: DownReasonKind = n ? notificationKind(n.code, n.subcode) : d.reason === 4 ? 'CONNECTION_CLOSED' : d.reason === 5 ? 'PEER_DECONFIGURED' : 'CONNECTION_FAILED';
  return {
    kind, direction,
    code: n?.code ?? null, subcode: n?.subcode ?? null, codeName: n?.codeName ?? null, subcodeName: n?.subcodeName ?? null,
    communication: n?.shutdownMessage ?? null,
    detail: d.text,
    time: d.time.toISOString(),
  };
}
