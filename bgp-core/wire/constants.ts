// Numeric constants of the BGP wire format (RFC 4271 and the extension RFCs named beside each group).

export const HEADER_LEN = 19;
export const MAX_MESSAGE_LEN = 4096;
export const MAX_EXTENDED_MESSAGE_LEN = 65535; // RFC 8654
export const AS_TRANS = 23456; // RFC 6793

export const enum MsgType {
  OPEN = 1,
  UPDATE = 2,
  NOTIFICATION = 3,
  KEEPALIVE = 4,
  ROUTE_REFRESH = 5,
}

export const MSG_TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'OPEN',
  2: 'UPDATE',
  3: 'NOTIFICATION',
  4: 'KEEPALIVE',
  5: 'ROUTE-REFRESH',
};

export const enum Afi {
  IPV4 = 1,
  IPV6 = 2,
}

export const enum Safi {
  UNICAST = 1,
}

export const enum Cap {
  MULTIPROTOCOL = 1,
  ROUTE_REFRESH = 2,
  EXTENDED_MESSAGE = 6,
  GRACEFUL_RESTART = 64,
  FOUR_OCTET_AS = 65,
  ADD_PATH = 69,
  ENHANCED_ROUTE_REFRESH = 70,
  FQDN = 73,
  CISCO_ROUTE_REFRESH = 128,
}

export const enum AttrType {
  ORIGIN = 1,
  AS_PATH = 2,
  NEXT_HOP = 3,
  MED = 4,
  LOCAL_PREF = 5,
  ATOMIC_AGGREGATE = 6,
  AGGREGATOR = 7,
  COMMUNITIES = 8,
  ORIGINATOR_ID = 9,
  CLUSTER_LIST = 10,
  MP_REACH_NLRI = 14,
  MP_UNREACH_NLRI = 15,
  EXTENDED_COMMUNITIES = 16,
  AS4_PATH = 17,
  AS4_AGGREGATOR = 18,
  LARGE_COMMUNITIES = 32,
}

export const ATTR_NAMES: Readonly<Record<number, string>> = {
  1: 'ORIGIN',
  2: 'AS_PATH',
  3: 'NEXT_HOP',
  4: 'MULTI_EXIT_DISC',
  5: 'LOCAL_PREF',
  6: 'ATOMIC_AGGREGATE',
  7: 'AGGREGATOR',
  8: 'COMMUNITIES',
  9: 'ORIGINATOR_ID',
  10: 'CLUSTER_LIST',
  14: 'MP_REACH_NLRI',
  15: 'MP_UNREACH_NLRI',
  16: 'EXTENDED_COMMUNITIES',
  17: 'AS4_PATH',
  18: 'AS4_AGGREGATOR',
  32: 'LARGE_COMMUNITY',
};

export const FLAG_OPTIONAL = 0x80;
export const FLAG_TRANSITIVE = 0x40;
export const FLAG_PARTIAL = 0x20;
export const FLAG_EXTENDED_LENGTH = 0x10;

/** Flags (optional + transitive bits only) that each known attribute must carry. */
export const ATTR_FLAGS: Readonly<Record<number, number>> = {
  1: FLAG_TRANSITIVE,
  2: FLAG_TRANSITIVE,
  3: FLAG_TRANSITIVE,
  4: FLAG_OPTIONAL,
  5: FLAG_TRANSITIVE,
  6: FLAG_TRANSITIVE,
  7: FLAG_OPTIONAL | FLAG_TRANSITIVE,
  8: FLAG_OPTIONAL | FLAG_TRANSITIVE,
  9: FLAG_OPTIONAL,
  10: FLAG_OPTIONAL,
  14: FLAG_OPTIONAL,
  15: FLAG_OPTIONAL,
  16: FLAG_OPTIONAL | FLAG_TRANSITIVE,
  17: FLAG_OPTIONAL | FLAG_TRANSITIVE,
  18: FLAG_OPTIONAL | FLAG_TRANSITIVE,
  32: FLAG_OPTIONAL | FLAG_TRANSITIVE,
};

export const enum AsPathSegmentType {
  AS_SET = 1,
  AS_SEQUENCE = 2,
  CONFED_SEQUENCE = 3,
  CONFED_SET = 4,
}

export const WELL_KNOWN_COMMUNITIES: Readonly<Record<string, number>> = {
  PLANNED_SHUT: 0xffff0000,
  ACCEPT_OWN: 0xffff0001,
  BLACKHOLE: 0xffff029a,
  NO_EXPORT: 0xffffff01,
  NO_ADVERTISE: 0xffffff02,
  NO_EXPORT_SUBCONFED: 0xffffff03,
  NOPEER: 0xffffff04,
};

export const enum ErrCode {
  HEADER = 1,
  OPEN = 2,
  UPDATE = 3,
  HOLD_TIMER_EXPIRED = 4,
  FSM = 5,
  CEASE = 6,
  ROUTE_REFRESH = 7,
}

export const ERROR_CODE_NAMES: Readonly<Record<number, string>> = {
  1: 'Message Header Error',
  2: 'OPEN Message Error',
  3: 'UPDATE Message Error',
  4: 'Hold Timer Expired',
  5: 'Finite State Machine Error',
  6: 'Cease',
  7: 'ROUTE-REFRESH Message Error',
};

export const ERROR_SUBCODE_NAMES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  1: { 0: 'Unspecific', 1: 'Connection Not Synchronized', 2: 'Bad Message Length', 3: 'Bad Message Type' },
  2: {
    0: 'Unspecific',
    1: 'Unsupported Version Number',
    2: 'Bad Peer AS',
    3: 'Bad BGP Identifier',
    4: 'Unsupported Optional Parameter',
    6: 'Unacceptable Hold Time',
    7: 'Unsupported Capability',
    11: 'Role Mismatch',
  },
  3: {
    0: 'Unspecific',
    1: 'Malformed Attribute List',
    2: 'Unrecognized Well-known Attribute',
    3: 'Missing Well-known Attribute',
    4: 'Attribute Flags Error',
    5: 'Attribute Length Error',
    6: 'Invalid ORIGIN Attribute',
    8: 'Invalid NEXT_HOP Attribute',
    9: 'Optional Attribute Error',
    10: 'Invalid Network Field',
    11: 'Malformed AS_PATH',
  },
  4: { 0: 'Unspecific' },
  5: {
    0: 'Unspecified Error',
    1: 'Receive Unexpected Message in OpenSent State',
    2: 'Receive Unexpected Message in OpenConfirm State',
    3: 'Receive Unexpected Message in Established State',
  },
  6: {
    0: 'Unspecific',
    1: 'Maximum Number of Prefixes Reached',
    2: 'Administrative Shutdown',
    3: 'Peer De-configured',
    4: 'Administrative Reset',
    5: 'Connection Rejected',
    6: 'Other Configuration Change',
    7: 'Connection Collision Resolution',
    8: 'Out of Resources',
    9: 'Hard Reset',
    10: 'BFD Down',
  },
  7: { 0: 'Reserved', 1: 'Invalid Message Length' },
};

export function errorCodeName(code: number): string {
  return ERROR_CODE_NAMES[code] ?? `Unknown error code ${code}`;
}

export function errorSubcodeName(code: number, subcode: number): string {
  return ERROR_SUBCODE_NAMES[code]?.[subcode] ?? `Unknown subcode ${subcode}`;
}

/** ROUTE-REFRESH message subtypes (RFC 7313). */
export const enum RefreshSubtype {
  NORMAL = 0,
  BORR = 1,
  EORR = 2,
}
