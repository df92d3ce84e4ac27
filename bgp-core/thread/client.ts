// BgpSpeakers in a worker thread, driven from the calling thread: SpeakerThread owns the thread
// (spawn, request/reply by id, restart after a crash) and RemoteSpeaker is one speaker's proxy,
// with BgpSpeaker's operations as async calls and its events as messages. Bounded: at most
// `maxPending` requests in flight (more fail at once), each fails after `timeoutMs`; events are
// the speaker's own, already throttled per peer.
import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PeerConfig, PeerInfo } from '../peer';
import { PeerStateError, refusal, type Refusal } from '../refusal';
import type { StartResult } from '../peer';
import type { RouteQuery } from '../rib';
import { UnknownPeerError, type ListenAddress, type ReconcileResult, type SpeakerEvents } from '../speaker';
import { EncodeError, type UpdateSpec } from '../wire';
import type { LoopDelay, Request, RouteRow, SpeakerOp, ThreadMessage, WireError } from './protocol';

export type { LoopDelay, RouteRow } from './protocol';

/** The thread stopped (crashed or was closed) before answering. */
export class SpeakerThreadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpeakerThreadError';
  }
}

const ERRORS: Record<string, new (message: string) => Error> = { EncodeError, SpeakerThreadError };

function rebuild(e: WireError): Error {
  if (e.name === 'UnknownPeerError') {
    const err = new UnknownPeerError('');
    err.message = e.message;
    return err;
  }
  if (e.name === 'PeerStateError') return new PeerStateError(e.refusal ?? ({ ...refusal('not-established'), message: e.message } as Refusal));
  const Ctor = ERRORS[e.name];
  if (Ctor) return new Ctor(e.message);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

/**
 * The thread's entry: compiled JavaScript beside this file in dist/; from TypeScript sources (tsx,
 * jest) the thread first registers tsx's CommonJS loader, then loads the .ts entry.
 */
function spawnThread(): Worker {
  const ext = path.extname(__filename);
  const entry = path.join(__dirname, `entry${ext}`);
  if (ext === '.js') return new Worker(entry);
  const tsx = require.resolve('tsx/cjs/api');
  return new Worker(`require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(entry)});`, { eval: true });
}

export interface SpeakerThreadOptions {
  /** Requests in flight at most (default 10,000); beyond, a call fails at once. */
  maxPending?: number;
  /** A request unanswered this long fails (default 30 s). */
  timeoutMs?: number;
  /** Wait after a crash before the next thread starts: first value and ceiling (defaults 1 s and 30 s). */
  restartDelayMs?: number;
  restartDelayMaxMs?: number;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export interface SpeakerThreadEvents {
  /** The thread died; every speaker in it is gone (their proxies emit `lost`). A new thread starts on the next call. */
  crashed: [Error];
}

export class SpeakerThread extends EventEmitter<SpeakerThreadEvents> {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private readonly pending = new Map<number, Pending>();
  private readonly speakers = new Map<string, RemoteSpeaker>();
  private nextId = 1;
  private generation = 0;
  private crashes = 0;
  private notBefore = 0;
  private closed = false;
  private readonly maxPending: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: SpeakerThreadOptions = {}) {
    super();
    this.maxPending = options.maxPending ?? 10_000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** A new speaker in the thread (started by its own `start()`). */
  async createSpeaker(opts: { listen?: ListenAddress[]; counterIntervalMs?: number } = {}): Promise<RemoteSpeaker> {
    await this.ensure();
    const name = `${this.generation}:${this.nextId}`;
    const speaker = new RemoteSpeaker(this, name);
    this.speakers.set(name, speaker);
    try {
      await this.request({ kind: 'create', speaker: name, listen: opts.listen ?? [], counterIntervalMs: opts.counterIntervalMs });
    } catch (e) {
      this.speakers.delete(name);
      throw e;
    }
    return speaker;
  }

  /** True while a thread is up (none before the first speaker, or between a crash and the next call). */
  get running(): boolean {
    return this.worker !== null;
  }

  /** Event-loop delay of the speaker thread (milliseconds) since the first call or the last `reset`; null when no thread runs. */
  async loopDelay(reset = false): Promise<LoopDelay | null> {
    if (!this.worker) return null;
    await this.ready;
    return (await this.request({ kind: 'loopDelay', reset })) as LoopDelay;
  }

  /** Stops the thread; speakers should be stopped first (their sessions end without a NOTIFICATION otherwise). */
  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    this.ready = null;
    if (w) await w.terminate();
    this.failAll(new SpeakerThreadError('speaker thread closed'));
    this.speakers.clear();
  }

  /** @internal A speaker's call. */
  call(speaker: string, op: SpeakerOp, args: unknown[]): Promise<unknown> {
    if (!this.speakers.has(speaker)) return Promise.reject(new SpeakerThreadError('speaker no longer exists (its thread stopped)'));
    return this.request({ kind: 'call', speaker, op, args });
  }

  /** @internal */
  forget(speaker: string): void {
    this.speakers.delete(speaker);
  }

  private request(body: DistributiveOmit<Request, 'id'>): Promise<unknown> {
    const w = this.worker;
    if (!w) return Promise.reject(new SpeakerThreadError('speaker thread not running'));
    if (this.pending.size >= this.maxPending) return Promise.reject(new SpeakerThreadError(`speaker thread busy: ${this.pending.size} requests in flight`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SpeakerThreadError(`speaker thread did not answer ${(body as { op?: string }).op ?? body.kind} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      w.postMessage({ ...body, id });
    });
  }

  private ensure(): Promise<void> {
    if (this.closed) return Promise.reject(new SpeakerThreadError('speaker thread closed'));
    if (!this.ready) this.ready = this.spawn();
    return this.ready;
  }

  private async spawn(): Promise<void> {
    const wait = this.notBefore - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const w = spawnThread();
    this.generation++;
    this.worker = w;
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: ThreadMessage) => {
        if (m.kind === 'ready') {
          w.off('error', onEarlyError);
          resolve();
          return;
        }
        this.onMessage(m);
      };
      const onEarlyError = (e: Error) => reject(e);
      w.on('message', onMessage);
      w.once('error', onEarlyError);
      w.on('error', (e) => this.lost(w, e));
      w.on('exit', (code) => this.lost(w, new SpeakerThreadError(`speaker thread exited with code ${code}`)));
    }).catch((e) => {
      this.ready = null;
      throw e;
    });
    // Up long enough: the next crash restarts at the first delay again.
    const up = setTimeout(() => {
      if (this.worker === w) this.crashes = 0;
    }, 60_000);
    up.unref();
  }

  private onMessage(m: ThreadMessage): void {
    if (m.kind === 'reply') {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.value);
      else p.reject(rebuild(m.error));
    } else if (m.kind === 'event') {
      this.speakers.get(m.speaker)?.deliver(m.name, m.args);
    }
  }

  private lost(w: Worker, err: Error): void {
    if (this.worker !== w) return;
    this.worker = null;
    this.ready = null;
    if (this.closed) return;
    this.crashes++;
    const first = this.options.restartDelayMs ?? 1000;
    const max = this.options.restartDelayMaxMs ?? 30_000;
    this.notBefore = Date.now() + Math.min(max, first * 2 ** (this.crashes - 1));
    this.failAll(new SpeakerThreadError(`speaker thread stopped: ${err.message}`));
    const gone = [...this.speakers.values()];
    this.speakers.clear();
    for (const s of gone) s.deliver('lost', [err]);
    this.emit('crashed', err);
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

type WithInfo<E extends keyof SpeakerEvents> = [SpeakerEvents[E][0], PeerInfo | null];

export interface RemoteSpeakerEvents {
  state: WithInfo<'state'>;
  counters: WithInfo<'counters'>;
  maxPrefixWarning: WithInfo<'maxPrefixWarning'>;
  endOfRib: SpeakerEvents['endOfRib'];
  peerAdded: SpeakerEvents['peerAdded'];
  peerRemoved: SpeakerEvents['peerRemoved'];
  listening: SpeakerEvents['listening'];
  /** Its thread stopped: the speaker and all its sessions are gone. */
  lost: [Error];
}

/** One BgpSpeaker in a SpeakerThread: the same operations, async; the same events, plus the peer's PeerInfo where useful. */
export class RemoteSpeaker extends EventEmitter<RemoteSpeakerEvents> {
  constructor(
    private readonly thread: SpeakerThread,
    readonly name: string,
  ) {
    super();
  }

  /** @internal An event from the thread. */
  deliver(name: string, args: unknown[]): void {
    (this.emit as (n: string, ...a: unknown[]) => boolean)(name, ...args);
  }

  private call<T>(op: SpeakerOp, ...args: unknown[]): Promise<T> {
    return this.thread.call(this.name, op, args) as Promise<T>;
  }

  /** Opens the listeners; their bound addresses. */
  start(): Promise<ListenAddress[]> {
    return this.call('start');
  }

  /** Stops every session and closes the listeners; the speaker is gone from the thread after. */
  async stop(): Promise<void> {
    try {
      await this.call('stop');
    } catch (e) {
      if (!(e instanceof SpeakerThreadError)) throw e; // a dead thread has stopped it already
    } finally {
      this.thread.forget(this.name);
    }
  }

  addresses(): Promise<ListenAddress[]> {
    return this.call('addresses');
  }

  reconcile(configs: PeerConfig[]): Promise<ReconcileResult> {
    return this.call('reconcile', configs);
  }

  manualStart(id: string): Promise<StartResult> {
    return this.call('manualStart', id);
  }

  manualStop(id: string, message?: string): Promise<void> {
    return this.call('manualStop', id, message);
  }

  announce(id: string, spec: UpdateSpec): Promise<{ messages: number }> {
    return this.call('announce', id, spec);
  }

  withdraw(id: string, prefixes: string[]): Promise<{ messages: number }> {
    return this.call('withdraw', id, prefixes);
  }

  sendRawUpdate(id: string, msg: Uint8Array): Promise<void> {
    return this.call('sendRawUpdate', id, msg);
  }

  routeRefresh(id: string, afi: number, safi: number, subtype?: number): Promise<void> {
    return this.call('routeRefresh', id, afi, safi, subtype);
  }

  info(id: string): Promise<PeerInfo> {
    return this.call('info', id);
  }

  snapshot(): Promise<PeerInfo[]> {
    return this.call('snapshot');
  }

  /** Routes of a peer's Adj-RIB-In ('in') or Adj-RIB-Out ('out') that answer the query. */
  routes(id: string, dir: 'in' | 'out', query: RouteQuery): Promise<RouteRow[]> {
    return this.call('routes', id, dir, query);
  }

  /** Per query: the exact prefix, or a bare address's longest match; null when none. */
  lookupRoutes(id: string, dir: 'in' | 'out', queries: string[]): Promise<(RouteRow | null)[]> {
    return this.call('lookupRoutes', id, dir, queries);
  }
}
