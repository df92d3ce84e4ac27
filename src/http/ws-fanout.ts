// graphql-ws's side of the subscription fan-out (src/graphql/fanout.ts): a subscription whose
// resolver made a LiveSource joins its group instead of being iterated by graphql-ws, and its
// `next` messages are written to the socket as ready frames, a batch of events in one write.
// graphql-ws keeps the protocol: connection, subscribe and its errors, complete from either
// side, and the `error` message when an event cannot be executed (the iterator throws).
import { createSourceEventStream, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { WebSocket } from 'ws';
import { FanoutGroups, FanoutSubscription, type Member } from '../graphql/fanout';
import { LiveSource } from '../graphql/live-source';
import { sharedIteration, type CountExecutions } from '../graphql/shared-subscribe';
import { nextFrames, nextMessage, rawSocket } from './ws-frames';

/**
 * Bytes queued for one socket past which its reader counts as too slow: it is closed (and may
 * reconnect and subscribe again) rather than have its events buffered without bound.
 */
export const SLOW_READER_BYTES = 16 << 20;
/** "Try Again Later" (RFC 6455 close code registry). */
export const SLOW_READER_CLOSE = 1013;

function socketMember(ws: WebSocket, id: string): Member {
  return {
    id,
    send(payloads, shared) {
      if (ws.readyState !== ws.OPEN) return;
      const tcp = rawSocket(ws);
      if (tcp) {
        let frames = shared?.get(id) as Buffer | undefined;
        if (!frames) {
          frames = nextFrames(id, payloads);
          shared?.set(id, frames);
        }
        tcp.write(frames);
      } else {
        for (const p of payloads) ws.send(nextMessage(id, p));
      }
      if (ws.bufferedAmount > SLOW_READER_BYTES) ws.close(SLOW_READER_CLOSE, 'Too slow to read its subscriptions');
    },
  };
}

/** graphql-ws's `subscribe` and `onOperation` options, with the groups they share. */
export function subscriptionFanout(count: CountExecutions) {
  const groups = new FanoutGroups(count);
  return {
    groups,
    subscribe: async (args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
      const stream = await createSourceEventStream(args);
      if (stream instanceof LiveSource) return groups.subscription(args, stream);
      if (!(Symbol.asyncIterator in stream)) return stream;
      return sharedIteration(stream as AsyncIterable<unknown>, args, count);
    },
    // Called with the subscription's socket and id once it is made; graphql-ws then iterates it
    // (or, when the client completed meanwhile, returns it at once).
    onOperation: (ctx: { extra: { socket: WebSocket } }, id: string, _payload: unknown, _args: ExecutionArgs, result: unknown): void => {
      if (result instanceof FanoutSubscription) result.attach(socketMember(ctx.extra.socket, id));
    },
  };
}
