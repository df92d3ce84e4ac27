// The attribute key: the identity of one path-attribute set as a latin1 string, by which the
// RIB interns AttrSets (identical keys mean identical attributes). The only module that knows
// its layout:
//   [0]      AS width of the attribute bytes: '4' (4-octet AS_PATH/AGGREGATOR) or '2'
//   [1]      length n of the MP next hop (0: none)
//   [2, 2+n) the MP next hop bytes (part of an IPv6 route's identity)
//   [2+n, )  the attribute TLVs as received or encoded, MP_REACH/MP_UNREACH excluded

const AS4 = '4';
const AS2 = '2';

/** The key's head (AS width and MP next hop); the attribute TLVs follow it. */
export function attrKeyHead(as4: boolean, mpNextHop: Buffer | null): string {
  return (as4 ? AS4 : AS2) + String.fromCharCode(mpNextHop ? mpNextHop.length : 0) + (mpNextHop ? mpNextHop.toString('latin1') : '');
}

/** The key of encoded attribute TLVs (MP attributes excluded) with an optional MP next hop. */
export function attrKeyOf(as4: boolean, mpNextHop: Buffer | null, tlvs: Buffer): string {
  return attrKeyHead(as4, mpNextHop) + tlvs.toString('latin1');
}

/** True when the key's attribute bytes carry 4-octet AS numbers. */
export function attrKeyAs4(key: string): boolean {
  return key[0] === AS4;
}

/** The MP next hop stored in an attribute key, or null. */
export function attrKeyMpNextHop(key: string): Buffer | null {
  const n = key.charCodeAt(1);
  return n > 0 ? Buffer.from(key.slice(2, 2 + n), 'latin1') : null;
}

/** The key's attribute TLVs (MP attributes excluded). */
export function attrKeyTlvs(key: string): Buffer {
  return Buffer.from(key.slice(2 + key.charCodeAt(1)), 'latin1');
}
