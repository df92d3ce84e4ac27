// Why a session went down, as data: a kind for every NOTIFICATION code/subcode worth telling
// apart and for each local cause (refused, reset, closed), plus the RFC 8203/9003 shutdown
// communication a Cease/Administrative Shutdown or Reset may carry.

export const DOWN_REASON_KINDS = {
  ADMINISTRATIVE_SHUTDOWN: 'Cease, administrative shutdown (RFC 4486 subcode 2), with the shutdown communication of RFC 8203 when one was given',
  ADMINISTRATIVE_RESET: 'Cease, administrative reset (RFC 4486 subcode 4), with the shutdown communication of RFC 8203 when one was given',
  PEER_DECONFIGURED: 'Cease, peer de-configured (RFC 4486 subcode 3), or the session was removed from the data',
  MAX_PREFIX: 'Cease, maximum number of prefixes reached (RFC 4486 subcode 1)',
  CONNECTION_REJECTED: 'Cease, connection rejected (RFC 4486 subcode 5)',
  CONFIGURATION_CHANGE: 'Cease, other configuration change (RFC 4486 subcode 6)',
  CONNECTION_COLLISION: 'Cease, connection collision resolution (RFC 4486 subcode 7)',
  OUT_OF_RESOURCES: 'Cease, out of resources (RFC 4486 subcode 8)',
  HARD_RESET: 'Cease, hard reset (RFC 8538 subcode 9)',
  CEASE: 'Cease with another subcode',
  HOLD_TIMER_EXPIRED: 'Hold timer expired (NOTIFICATION code 4): no KEEPALIVE or UPDATE within the hold time',
  FSM_ERROR: 'Finite state machine error (NOTIFICATION code 5): a message the state did not allow',
  MESSAGE_HEADER_ERROR: 'Message header error (NOTIFICATION code 1)',
  OPEN_MESSAGE_ERROR: 'OPEN message error (NOTIFICATION code 2): bad AS, hold time, identifier or capability',
  UPDATE_MESSAGE_ERROR: 'UPDATE message error (NOTIFICATION code 3): a malformed route or attribute',
  ROUTE_REFRESH_ERROR: 'ROUTE-REFRESH message error (NOTIFICATION code 7)',
  NOTIFICATION: 'A NOTIFICATION with a code this speaker does not name',
  CONNECTION_REFUSED: 'The TCP connection to the peer was refused',
  CONNECTION_RESET: 'The TCP connection was reset',
  CONNECTION_CLOSED: 'The peer closed the TCP connection without a NOTIFICATION',
  CONNECTION_FAILED: 'The TCP connection failed otherwise (timeout, unreachable host ...)',
  UNSUPPORTED_CONFIGURATION: 'The session cannot run as configured (for example a TCP MD5 password)',
  SPEAKER_RESTARTED: "The speaker's thread stopped unexpectedly; the session starts again in a new one",
} as const;

export type DownReasonKind = keyof typeof DOWN_REASON_KINDS;

const CEASE_KINDS: Record<number, DownReasonKind> = {
  1: 'MAX_PREFIX', 2: 'ADMINISTRATIVE_SHUTDOWN', 3: 'PEER_DECONFIGURED', 4: 'ADMINISTRATIVE_RESET',
  5: 'CONNECTION_REJECTED', 6: 'CONFIGURATION_CHANGE', 7: 'CONNECTION_COLLISION', 8: 'OUT_OF_RESOURCES', 9: 'HARD_RESET',
};

const CODE_KINDS: Record<number, DownReasonKind> = {
  1: 'MESSAGE_HEADER_ERROR', 2: 'OPEN_MESSAGE_ERROR', 3: 'UPDATE_MESSAGE_ERROR', 4: 'HOLD_TIMER_EXPIRED', 5: 'FSM_ERROR', 7: 'ROUTE_REFRESH_ERROR',
};

/** The kind of a NOTIFICATION (sent or received) by its code and subcode. */
export function notificationKind(code: number, subcode: number): DownReasonKind {
  if (code === 6) return CEASE_KINDS[subcode] ?? 'CEASE';
  return CODE_KINDS[code] ?? 'NOTIFICATION';
}

/** The kind of a transport failure, by the socket error code (ECONNREFUSED ...) when there is one. */
export function transportKind(errno: string | undefined): DownReasonKind {
  if (errno === 'ECONNREFUSED') return 'CONNECTION_REFUSED';
  if (errno === 'ECONNRESET' || errno === 'EPIPE') return 'CONNECTION_RESET';
  return 'CONNECTION_FAILED';
}

/** Cease subcodes that may carry a shutdown communication (RFC 8203 §2, RFC 9003). */
export const carriesCommunication = (code: number, subcode: number): boolean => code === 6 && (subcode === 2 || subcode === 4);

/** RFC 9003 raised the limit of RFC 8203 (128) to 255 octets of UTF-8. */
export const MAX_COMMUNICATION_BYTES = 255;

/** Length octet then UTF-8; a text too long is cut at a character boundary so the peer can decode it. */
export function encodeShutdownCommunication(text: string): Buffer {
  let bytes = Buffer.from(text, 'utf8');
  if (bytes.length > MAX_COMMUNICATION_BYTES) {
    let end = MAX_COMMUNICATION_BYTES;
    // Back off over continuation bytes (10xxxxxx) to the start of the cut character.
    while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
    bytes = bytes.subarray(0, end);
  }
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}

export interface DecodedCommunication {
  /** The text, when the data holds a well-formed one; null when empty or malformed. */
  text: string | null;
  /** Why the data was not taken as a communication (hex of the raw data attached); null when it was. */
  invalid: string | null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** NOTIFICATION data of a Cease 2/4: a bad length or invalid UTF-8 is reported, never thrown. */
export function decodeShutdownCommunication(data: Buffer): DecodedCommunication {
  if (data.length === 0) return { text: null, invalid: null };
  const len = data[0];
  if (len === 0) return { text: null, invalid: null };
  if (1 + len > data.length) return { text: null, invalid: `shutdown communication length ${len} exceeds the ${data.length - 1} octets sent (raw ${data.toString('hex')})` };
  try {
    return { text: utf8.decode(data.subarray(1, 1 + len)), invalid: null };
  } catch {
    return { text: null, invalid: `shutdown communication is not valid UTF-8 (raw ${data.subarray(1, 1 + len).toString('hex')})` };
  }
}
