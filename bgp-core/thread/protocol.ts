// The messages between BgpSpeakers in a worker thread (./host) and their proxies (./client).
// Everything is plain data for the structured clone: Buffers arrive as Uint8Arrays, Dates stay Dates.
import type { ListenAddress } from '../speaker';
import type { Refusal } from '../refusal';

/** Speaker operations callable across the port (./host implements each). */
export type SpeakerOp =
  | 'start'
  | 'stop'
  | 'addresses'
  | 'reconcile'
  | 'manualStart'
  | 'manualStop'
  | 'announce'
  | 'withdraw'
  | 'sendRawUpdate'
  | 'routeRefresh'
  | 'info'
  | 'snapshot'
  | 'routes'
  | 'lookupRoutes';

export type Request =
  | { id: number; kind: 'create'; speaker: string; listen: ListenAddress[]; counterIntervalMs?: number }
  | { id: number; kind: 'call'; speaker: string; op: SpeakerOp; args: unknown[] }
  /** The thread's own event-loop delay (perf_hooks.monitorEventLoopDelay) since the last reset. */
  | { id: number; kind: 'loopDelay'; reset: boolean };

/** An error thrown in the thread, rebuilt on the other side by its name. */
export interface WireError {
  name: string;
  message: string;
  /** A PeerStateError's refusal, so it crosses the thread as data. */
  refusal?: Refusal;
}

export type Reply = { kind: 'reply'; id: number; ok: true; value: unknown } | { kind: 'reply'; id: number; ok: false; error: WireError };

/** A speaker event; state, counters and maxPrefixWarning carry the peer's PeerInfo at that moment. */
export interface EventMessage {
  kind: 'event';
  speaker: string;
  name: string;
  args: unknown[];
}

export type ThreadMessage = Reply | EventMessage | { kind: 'ready' };

export interface LoopDelay {
  /** Milliseconds. */
  p50: number;
  p99: number;
  max: number;
  mean: number;
  samples: number;
}

/** A route as data: the prefix, its attributes in bgp-core's JSON form (wire/json), its Add-Path identifier if any. */
export interface RouteRow {
  prefix: string;
  attributes: unknown;
  pathId: number | null;
}
