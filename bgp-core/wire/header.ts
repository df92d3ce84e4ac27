// Message header (RFC 4271 §4.1) and a stream framer that cuts a TCP byte stream into messages.
import { HEADER_LEN, MAX_MESSAGE_LEN, MsgType } from './constants';
import { BgpError, u16 } from './errors';

/** Minimum and maximum total length per message type (RFC 4271 §6.1, RFC 2918). */
const MIN_LEN: Readonly<Record<number, number>> = { 1: 29, 2: 23, 3: 21, 4: 19, 5: 23 };

export function writeHeader(out: Buffer, type: number, length: number): void {
  out.fill(0xff, 0, 16);
  out.writeUInt16BE(length, 16);
  out[18] = type;
}

/** Allocates a message with its header filled and the body copied in. */
export function frame(type: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER_LEN + body.length);
  writeHeader(out, type, out.length);
  body.copy(out, HEADER_LEN);
  return out;
}

/**
 * Checks the header at buf[off..off+19) and returns the message length.
 * Throws the header-error NOTIFICATION the RFC asks for.
 */
export function checkHeader(buf: Buffer, off: number, maxLen: number): number {
  for (let i = 0; i < 16; i++) {
    if (buf[off + i] !== 0xff) throw new BgpError(1, 1, Buffer.alloc(0), 'marker is not all ones');
  }
  const len = buf.readUInt16BE(off + 16);
  const type = buf[off + 18];
  // A length that cannot frame any message is reported before the type (it is what breaks the stream).
  if (len < HEADER_LEN || len > maxLen) throw new BgpError(1, 2, u16(len), `length ${len}`);
  if (type < MsgType.OPEN || type > MsgType.ROUTE_REFRESH) {
    throw new BgpError(1, 3, Buffer.from([type]), `message type ${type}`);
  }
  // OPEN and KEEPALIVE stay within 4096 even with extended messages (RFC 8654 §4).
  const max = type === MsgType.OPEN || type === MsgType.KEEPALIVE ? MAX_MESSAGE_LEN : maxLen;
  if (len < MIN_LEN[type] || len > max || (type === MsgType.KEEPALIVE && len !== HEADER_LEN)) {
    throw new BgpError(1, 2, u16(len), `length ${len} for type ${type}`);
  }
  return len;
}

export type MessageHandler = (type: number, buf: Buffer, start: number, end: number) => void;

/**
 * Splits a byte stream into BGP messages. Complete messages inside one chunk are handed out
 * as views of that chunk (no copy); only a message split across chunks is assembled.
 * The handler receives the body range (after the 19-byte header).
 */
export class StreamFramer {
  maxLength: number = MAX_MESSAGE_LEN;
  private pending: Buffer | null = null;
  private pendingLen = 0;
  private failed = false;

  constructor(private readonly onMessage: MessageHandler) {}

  /** Feeds one chunk. Throws BgpError on a header error; the stream is unusable afterwards. */
  push(chunk: Buffer): void {
    if (this.failed) return;
    try {
      this.pushInner(chunk);
    } catch (e) {
      this.failed = true;
      throw e;
    }
  }

  /** Bytes held back waiting for the rest of a message. */
  get buffered(): number {
    return this.pendingLen;
  }

  private pushInner(chunk: Buffer): void {
    let buf = chunk;
    let off = 0;
    if (this.pending) {
      // Complete the pending message first, copying only what it needs.
      const have = this.pendingLen;
      const need = have >= HEADER_LEN ? this.pending.readUInt16BE(16) : HEADER_LEN;
      const take = Math.min(need - have, chunk.length);
      chunk.copy(this.pending, have, 0, take);
      this.pendingLen += take;
      off = take;
      if (this.pendingLen < HEADER_LEN) return;
      if (have < HEADER_LEN) {
        const len = checkHeader(this.pending, 0, this.maxLength);
        const more = Math.min(len - this.pendingLen, chunk.length - off);
        chunk.copy(this.pending, this.pendingLen, off, off + more);
        this.pendingLen += more;
        off += more;
        if (this.pendingLen < len) return;
      } else if (this.pendingLen < need) {
        return;
      }
      const msg = this.pending;
      const len = msg.readUInt16BE(16);
      this.pending = null;
      this.pendingLen = 0;
      this.onMessage(msg[18], msg, HEADER_LEN, len);
    }
    while (chunk.length - off >= HEADER_LEN) {
      const len = checkHeader(buf, off, this.maxLength);
      if (chunk.length - off < len) break;
      this.onMessage(buf[off + 18], buf, off + HEADER_LEN, off + len);
      off += len;
    }
    const rest = chunk.length - off;
    if (rest > 0) {
      // Pending buffer sized for the largest legal message so it never grows.
      this.pending = Buffer.allocUnsafe(this.maxLength);
      buf.copy(this.pending, 0, off);
      this.pendingLen = rest;
      if (rest >= HEADER_LEN) checkHeader(this.pending, 0, this.maxLength);
    }
  }
}
