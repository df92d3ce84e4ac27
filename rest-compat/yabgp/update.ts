// The send paths: a yabgp update body becomes a bgp-core UpdateSpec (validated by
// bgp-core's jsonToAttrs/prepareUpdate), and raw hex UPDATEs are checked before any is sent.
import {
  EncodeError, MAX_EXTENDED_MESSAGE_LEN, MAX_MESSAGE_LEN, checkHeader, decodeUpdate, jsonToAttrs,
  type Peer, type UpdateSpec,
} from '../../bgp-core';
import { CODES, YabgpError, refusal } from './errors';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function stringList(v: unknown, what: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new YabgpError(400, `${CODES.postData}: ${what} must be a list of prefixes`);
  return v as string[];
}

/** Turns bgp-core's encoder complaints into yabgp answers: family refusals 200, bad input 400. */
export function encodeFailure(e: unknown): YabgpError {
  const msg = e instanceof Error ? e.message : String(e);
  if (msg.startsWith('address family unsupported')) return refusal(msg);
  return new YabgpError(400, msg);
}

/** `{"attr": {...}, "nlri": [...], "withdraw": [...]}` -> UpdateSpec; 400 naming the attribute when it cannot be encoded. */
export function updateSpec(body: unknown): UpdateSpec {
  if (!isObject(body)) throw new YabgpError(400, CODES.postData);
  const nlri = stringList(body.nlri, 'nlri');
  const withdraw = stringList(body.withdraw, 'withdraw');
  const rawAttr = body.attr ?? {};
  if (!isObject(rawAttr)) throw new YabgpError(400, `${CODES.postData}: attr must be an object keyed by type code`);
  // As yabgp: something must be sent (IPv4 NLRI, withdrawals, or MP_REACH/MP_UNREACH).
  if (!nlri.length && !withdraw.length && !('14' in rawAttr) && !('15' in rawAttr)) throw refusal(CODES.postData);
  try {
    return { attrs: jsonToAttrs(rawAttr), nlri, withdraw };
  } catch (e) {
    throw encodeFailure(e);
  }
}

/**
 * `binary_data`: hex of one UPDATE (or several back to back, as json_to_bin may return).
 * Every message is framed and decoded here first so none is sent unless all are valid.
 */
export function rawUpdates(body: unknown, peer: Peer): Buffer[] {
  if (!isObject(body) || typeof body.binary_data !== 'string') throw new YabgpError(400, `${CODES.postData}: binary_data is required`);
  const hex = body.binary_data.replace(/^0x/i, '');
  if (!hex || !/^([0-9a-fA-F]{2})+$/.test(hex)) throw new YabgpError(400, `${CODES.postData}: binary_data must be hexadecimal`);
  const buf = Buffer.from(hex, 'hex');
  const neg = peer.negotiated;
  const max = neg?.extendedMessage ? MAX_EXTENDED_MESSAGE_LEN : MAX_MESSAGE_LEN;
  const out: Buffer[] = [];
  for (let off = 0; off < buf.length;) {
    try {
      if (buf.length - off < 19) throw new EncodeError('truncated message header');
      const len = checkHeader(buf, off, max);
      if (off + len > buf.length) throw new EncodeError(`header length ${len} but ${buf.length - off} bytes given`);
      if (buf[off + 18] !== 2) throw new EncodeError('not an UPDATE message');
      const d = decodeUpdate(buf, off + 19, off + len, { as4: neg?.as4 ?? true });
      if (d.treatAsWithdraw || d.problems.length) throw new EncodeError(d.problems.join('; ') || 'malformed attributes');
      out.push(buf.subarray(off, off + len));
      off += len;
    } catch (e) {
      throw new YabgpError(400, `invalid UPDATE: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return out;
}
