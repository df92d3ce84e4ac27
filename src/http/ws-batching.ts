// A burst of events (a router reboot: hundreds of session changes at once) is hundreds of
// graphql-ws messages per socket. graphql-ws sends a subscription's next message only once the
// previous one's write has completed, and ws writes each message at once: one system call per
// message per subscriber. Here the frames sent to a socket within one turn of the event loop
// leave in one write, and a send counts as done as soon as it is queued, so the next event's
// message joins the same write, up to TURN_BYTES a turn: then the send completes in the next
// turn, after the write, so that a burst leaves in steps instead of all at its end. Past
// HIGH_WATER bytes queued, a send waits for its write again (a slow reader holds its
// subscriptions back instead of growing the queue without bound).
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** Bytes queued on one socket beyond which a send waits for its write to complete. */
export const HIGH_WATER = 1 << 20;
/** Bytes of messages one socket gathers into one write. */
export const TURN_BYTES = 64 * 1024;

type SendCallback = (err?: Error) => void;

export function batchWrites(ws: WebSocket): void {
  // ws keeps its TCP socket here; without it (another transport) sends stay as they are.
  const tcp = (ws as unknown as { _socket?: Socket })._socket;
  if (!tcp || typeof tcp.cork !== 'function') return;
  const send = ws.send.bind(ws) as (data: unknown, options: object, cb?: SendCallback) => void;
  let corked = false;
  let turnBytes = 0;
  ws.send = ((data: unknown, optionsOrCb?: object | SendCallback, maybeCb?: SendCallback) => {
    const options = typeof optionsOrCb === 'function' ? {} : (optionsOrCb ?? {});
    const cb = typeof optionsOrCb === 'function' ? (optionsOrCb as SendCallback) : maybeCb;
    if (!corked) {
      corked = true;
      turnBytes = 0;
      tcp.cork();
      setImmediate(() => { corked = false; tcp.uncork(); });
    }
    if (!cb || ws.bufferedAmount >= HIGH_WATER) return send(data, options, cb);
    turnBytes += typeof data === 'string' ? data.length : ((data as { byteLength?: number }).byteLength ?? 0);
    send(data, options);
    // Scheduled after the uncork above, so the next turn's messages start a new write.
    if (turnBytes >= TURN_BYTES) setImmediate(() => cb());
    else queueMicrotask(() => cb());
  }) as typeof ws.send;
}
