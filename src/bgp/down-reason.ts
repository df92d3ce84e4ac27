// A session's last down reason as every surface shows it (GraphQL, events, dashboard): bgp-core's
// LastError reduced to plain data, with the NOTIFICATION names and the shutdown communication.
import type { DownReasonKind, LastError } from '../../bgp-core';

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
