// KEEPALIVE, NOTIFICATION and ROUTE-REFRESH messages.
import { HEADER_LEN, MAX_MESSAGE_LEN, MsgType, errorCodeName, errorSubcodeName } from './constants';
import { BgpError } from './errors';
import { frame, writeHeader } from './header';
import { carriesCommunication, decodeShutdownCommunication, encodeShutdownCommunication } from '../down-reason';

export function encodeKeepalive(): Buffer {
  const out = Buffer.alloc(HEADER_LEN);
  writeHeader(out, MsgType.KEEPALIVE, HEADER_LEN);
  return out;
}

export interface NotificationMessage {
  code: number;
  subcode: number;
  data: Buffer;
  codeName: string;
  subcodeName: string;
  /** RFC 8203/9003 shutdown communication for Cease 2 and 4, when present and valid. */
  shutdownMessage?: string;
  /** Why the data of a Cease 2/4 was not a valid shutdown communication (bad length, not UTF-8), raw data in hex. */
  shutdownMessageInvalid?: string;
}

/**
 * A NOTIFICATION whose data is cut to fit `maxLen` (the session's largest message): the data of
 * some errors is the offending message or attribute, which can itself be that large.
 */
export function encodeNotification(code: number, subcode: number, data: Buffer = Buffer.alloc(0), maxLen = MAX_MESSAGE_LEN): Buffer {
  const room = maxLen - HEADER_LEN - 2;
  return frame(MsgType.NOTIFICATION, Buffer.concat([Buffer.from([code, subcode]), data.length > room ? data.subarray(0, room) : data]));
}

/** Cease with an RFC 9003 shutdown communication (UTF-8, at most 255 bytes). */
export function encodeShutdownNotification(subcode: number, message: string): Buffer {
  return encodeNotification(6, subcode, encodeShutdownCommunication(message));
}

export function decodeNotification(buf: Buffer, start: number, end: number): NotificationMessage {
  if (end - start < 2) throw new BgpError(1, 2, Buffer.alloc(0), 'NOTIFICATION shorter than 21 bytes');
  const code = buf[start];
  const subcode = buf[start + 1];
  const data = Buffer.from(buf.subarray(start + 2, end));
  const n: NotificationMessage = {
    code,
    subcode,
    data,
    codeName: errorCodeName(code),
    subcodeName: errorSubcodeName(code, subcode),
  };
  if (carriesCommunication(code, subcode)) {
    const c = decodeShutdownCommunication(data);
    if (c.text !== null) n.shutdownMessage = c.text;
    if (c.invalid !== null) n.shutdownMessageInvalid = c.invalid;
  }
  return n;
}

export function describeNotification(n: { code: number; subcode: number; shutdownMessage?: string }): string {
  const base = `${n.code}/${n.subcode} ${errorCodeName(n.code)}, ${errorSubcodeName(n.code, n.subcode)}`;
  return n.shutdownMessage ? `${base}: "${n.shutdownMessage}"` : base;
}

export interface RouteRefreshMessage {
  afi: number;
  safi: number;
  /** 0 normal request, 1 BoRR, 2 EoRR (RFC 7313). */
  subtype: number;
}

export function encodeRouteRefresh(afi: number, safi: number, subtype = 0): Buffer {
  const out = Buffer.alloc(HEADER_LEN + 4);
  writeHeader(out, MsgType.ROUTE_REFRESH, out.length);
  out.writeUInt16BE(afi, HEADER_LEN);
  out[HEADER_LEN + 2] = subtype;
  out[HEADER_LEN + 3] = safi;
  return out;
}

export function decodeRouteRefresh(buf: Buffer, start: number, end: number): RouteRefreshMessage {
  // RFC 7313 §5: a wrong length is a ROUTE-REFRESH Message Error with the whole message as data.
  if (end - start !== 4) throw new BgpError(7, 1, Buffer.from(buf.subarray(start - HEADER_LEN, end)), 'ROUTE-REFRESH length');
  return { afi: buf.readUInt16BE(start), subtype: buf[start + 2], safi: buf[start + 3] };
}
