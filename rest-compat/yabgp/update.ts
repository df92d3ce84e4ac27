// The send paths' bodies: a yabgp update body is checked as a bgp-core UpdateSpec (bgp-core's
// jsonToAttrs) before the peer's state, so a bad request is reported as such while it is down.
import { jsonToAttrs, type UpdateSpec } from '../../bgp-core';
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
 * `binary_data`: hex of one UPDATE (or several back to back, as json_to_bin may return); the core
 * frames and decodes every message before it sends any (bgpSendRawUpdate).
 */
export function binaryData(body: unknown): string {
  if (!isObject(body) || typeof body.binary_data !== 'string') throw new YabgpError(400, `${CODES.postData}: binary_data is required`);
  const hex = body.binary_data.replace(/^0x/i, '');
  if (!hex || !/^([0-9a-fA-F]{2})+$/.test(hex)) throw new YabgpError(400, `${CODES.postData}: binary_data must be hexadecimal`);
  return hex;
}
