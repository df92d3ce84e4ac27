// graphql-transport-ws `next` messages as ready WebSocket text frames (RFC 6455 §5.2: a
// server's frames are unmasked), so that a subscription fan-out serializes an event once and
// writes the same bytes to many sockets: the messages differ only in the subscription id.
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

const FIN_TEXT = 0x81;
const CLOSING_BRACE = 0x7d;

/** `{"id":<id>,"type":"next","payload":` — the payload and a closing brace follow. */
function nextPrefix(id: string): Buffer {
  return Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
}

/** A `next` message with a payload serialized beforehand: the text graphql-ws would send. */
export function nextMessage(id: string, payload: Buffer): string {
  return `${nextPrefix(id).toString()}${payload.toString()}}`;
}

const headerLength = (n: number) => (n < 126 ? 2 : n < 65536 ? 4 : 10);

function writeHeader(out: Buffer, at: number, n: number): number {
  out[at] = FIN_TEXT;
  if (n < 126) {
    out[at + 1] = n;
    return at + 2;
  }
  if (n < 65536) {
    out[at + 1] = 126;
    out.writeUInt16BE(n, at + 2);
    return at + 4;
  }
  out[at + 1] = 127;
  out.writeUInt32BE(Math.floor(n / 2 ** 32), at + 2);
  out.writeUInt32BE(n >>> 0, at + 6);
  return at + 10;
}

/** One text frame per payload, each a `next` message of subscription `id`, in one buffer. */
export function nextFrames(id: string, payloads: readonly Buffer[]): Buffer {
  const prefix = nextPrefix(id);
  let size = 0;
  for (const p of payloads) {
    const n = prefix.length + p.length + 1;
    size += headerLength(n) + n;
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const p of payloads) {
    at = writeHeader(out, at, prefix.length + p.length + 1);
    at += prefix.copy(out, at);
    at += p.copy(out, at);
    out[at++] = CLOSING_BRACE;
  }
  return out;
}

/**
 * The TCP socket under a WebSocket when frames may be written to it directly: no extension
 * negotiated (permessage-deflate would want each message compressed) and the socket open.
 * ws's own sender queues nothing then (it queues only while compressing or reading a Blob), so
 * frames written here keep their order with the messages ws sends.
 */
export function rawSocket(ws: WebSocket): Socket | null {
  const tcp = (ws as unknown as { _socket?: Socket })._socket;
  if (!tcp || ws.extensions !== '' || ws.readyState !== ws.OPEN) return null;
  return tcp;
}
