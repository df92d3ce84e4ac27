// The speaker API across processes, over the event bus: request/reply with a correlation id.
// An asker sends one `bgpRequest` to the live speaker nodes (./nodes) and waits, at most
// `timeoutMs`, for their `bgpReply`s: a list merges every node's answer; a call about one
// session takes the answer of the node that runs it (the worker holding the router's lease, or a
// gateway whose BMP station hears it), the others saying "not here". Every bound is here: the
// requests in flight, the time waited, and the size of a reply.
import { randomUUID } from 'node:crypto';
import type { BgpSessionEvent, EventBus, SpeakerReply, SpeakerRequest } from '../../events/bus';
import { logger } from '../../log';
import type { LocalSpeaker } from './local';
import type { SpeakerNodes } from './nodes';
import {
  SPEAKER_ERROR_KINDS, SpeakerError, type BmpFilter, type BmpPeerView, type PeerFilter, type RouteLookup, type RouteQuery, type RouteRow,
  type SessionRef, type SpeakerApi, type SpeakerErrorKind, type SpeakerPeer, type UpdateRequest,
} from './types';

export const DEFAULT_TIMEOUT_MS = 5000;
/** Requests of this process waiting for replies; more are refused rather than queued without end. */
const MAX_PENDING = 1000;
/** A reply larger than this (JSON) is replaced by an error asking for a narrower query. */
export const MAX_REPLY_BYTES = 4 * 1024 * 1024;

/** Methods answered by every node and merged (lists); the others concern one session or router. */
const LISTS = new Set(['peers', 'bmpPeers', 'snapshot']);
const ONE_SESSION = new Set(['peer', 'routes', 'lookupRoutes', 'start', 'stop', 'routeRefresh', 'sendUpdate', 'sendRawUpdate']);
const METHODS = new Set([...LISTS, ...ONE_SESSION, 'routerPeers']);

interface Pending {
  expected: Set<string>;
  replies: SpeakerReply[];
  /** Resolves early: for a one-session call, on the first answer that is not "not here". */
  settle: (replies: SpeakerReply[], timedOut: boolean) => void;
  decisive: (r: SpeakerReply) => boolean;
  timer: NodeJS.Timeout;
}

const NOBODY = 'No bgp-core worker is reachable: no `peergate bgp-worker` (or gateway running a speaker or BMP station) is registered on the event bus.';

function errorOf(r: SpeakerReply): SpeakerError {
  const kind = (SPEAKER_ERROR_KINDS as readonly string[]).includes(r.error?.kind ?? '') ? r.error!.kind as SpeakerErrorKind : 'unavailable';
  return new SpeakerError(kind, r.error?.message ?? 'the worker failed', r.error?.field, r.error?.reason);
}

/** Asks the other processes' speakers. */
export class BusSpeaker implements SpeakerApi {
  private readonly pending = new Map<string, Pending>();
  private listening: (() => void) | null = null;

  constructor(private readonly bus: EventBus, private readonly nodes: Pick<SpeakerNodes, 'live'>, private readonly self: string, private readonly timeoutMs = DEFAULT_TIMEOUT_MS) {}

  /** Requests waiting now (tests read it: none may leak). */
  get inFlight(): number { return this.pending.size; }

  private listen(): void {
    this.listening ??= this.bus.listen('bgpReply', (r) => this.onReply(r));
  }

  private onReply(r: SpeakerReply): void {
    if (r.to !== this.self) return;
    const p = this.pending.get(r.id);
    if (!p?.expected.has(r.node)) return;
    p.expected.delete(r.node);
    p.replies.push(r);
    if (p.decisive(r) || p.expected.size === 0) this.finish(r.id, false);
  }

  private finish(id: string, timedOut: boolean): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.settle(p.replies, timedOut);
  }

  /** Sends one request to the live nodes; resolves with their replies once all answered, one decided, or the time is up. */
  private async ask(method: string, args: unknown[], decisive: (r: SpeakerReply) => boolean): Promise<{ asked: string[]; replies: SpeakerReply[]; timedOut: boolean }> {
    const asked = (await this.nodes.live().catch((e) => { throw new SpeakerError('unavailable', `Cannot list the bgp-core workers: ${(e as Error).message}`); }))
      .filter((n) => n !== this.self);
    if (!asked.length) return { asked, replies: [], timedOut: false };
    if (this.pending.size >= MAX_PENDING) throw new SpeakerError('unavailable', `Too many BGP requests waiting for workers (${MAX_PENDING}); retry.`);
    this.listen();
    const id = randomUUID();
    const request: SpeakerRequest = { id, replyTo: this.self, to: asked, method, args, deadline: Date.now() + this.timeoutMs };
    const done = new Promise<{ replies: SpeakerReply[]; timedOut: boolean }>((resolve) => {
      const timer = setTimeout(() => this.finish(id, true), this.timeoutMs);
      timer.unref();
      this.pending.set(id, { expected: new Set(asked), replies: [], decisive, settle: (replies, timedOut) => resolve({ replies, timedOut }), timer });
    });
    this.bus.publishSpeaker('bgpRequest', request);
    return { asked, ...(await done) };
  }

  private silent(asked: string[], replies: SpeakerReply[]): string {
    const answered = new Set(replies.map((r) => r.node));
    const missing = asked.filter((n) => !answered.has(n));
    return `${missing.length === asked.length ? 'No' : `${missing.length} of ${asked.length}`} bgp-core worker${asked.length === 1 ? '' : 's'} answered within ${this.timeoutMs / 1000} s (${missing.join(', ')})`;
  }

  /** Every node's answer, merged; a node that does not answer in time is left out (and logged). */
  private async list<T>(method: string, args: unknown[]): Promise<T[]> {
    const { asked, replies, timedOut } = await this.ask(method, args, () => false);
    if (timedOut) {
      const why = this.silent(asked, replies);
      if (!replies.length) throw new SpeakerError('unavailable', `${why}.`);
      logger.warn({ method }, `speaker api: ${why}; the answer lacks their peers`);
    }
    const out: T[] = [];
    for (const r of replies) {
      if (!r.ok) throw errorOf(r);
      if (Array.isArray(r.data)) out.push(...(r.data as T[]));
    }
    return out;
  }

  /** The answer of the node that runs the session; null when every node says it runs none. */
  private async one<T>(method: string, args: unknown[]): Promise<{ found: true; data: T } | { found: false; nobody: boolean }> {
    const { asked, replies, timedOut } = await this.ask(method, args, (r) => r.ok || r.error?.kind !== 'not-found');
    const answer = replies.find((r) => r.ok || r.error?.kind !== 'not-found');
    if (answer) {
      if (!answer.ok) throw errorOf(answer);
      return { found: true, data: answer.data as T };
    }
    if (timedOut) throw new SpeakerError('unavailable', `${this.silent(asked, replies)}; the session may run on one of them.`);
    return { found: false, nobody: asked.length === 0 };
  }

  /** A command or query that must reach the session's speaker. */
  private async must<T>(method: string, ref: SessionRef, args: unknown[]): Promise<T> {
    const r = await this.one<T>(method, [ref, ...args]);
    if (r.found) return r.data;
    if (r.nobody) throw new SpeakerError('unavailable', NOBODY);
    throw new SpeakerError('not-found', `Session ${ref.type} ${ref.id} is not running in any bgp-core worker (is its router a BGP speaker and the session enabled?).`);
  }

  peers(filter: PeerFilter = {}): Promise<SpeakerPeer[]> { return this.list('peers', [filter]); }
  bmpPeers(filter: BmpFilter = {}): Promise<BmpPeerView[]> { return this.list('bmpPeers', [filter]); }
  snapshot(): Promise<BgpSessionEvent[]> { return this.list('snapshot', []); }

  async peer(ref: SessionRef): Promise<SpeakerPeer | null> {
    const r = await this.one<SpeakerPeer>('peer', [ref]);
    return r.found ? r.data : null;
  }

  async routerPeers(routerId: number): Promise<SpeakerPeer[] | null> {
    const r = await this.one<SpeakerPeer[]>('routerPeers', [routerId]);
    return r.found ? r.data : null;
  }

  routes(ref: SessionRef, query: RouteQuery): Promise<RouteRow[]> { return this.must('routes', ref, [query]); }
  lookupRoutes(ref: SessionRef, lookup: RouteLookup): Promise<(RouteRow | null)[]> { return this.must('lookupRoutes', ref, [lookup]); }
  start(ref: SessionRef): Promise<void> { return this.must('start', ref, []); }
  stop(ref: SessionRef, communication?: string): Promise<void> { return this.must('stop', ref, [communication ?? null]); }
  routeRefresh(ref: SessionRef, afi: number, safi: number, subtype = 0): Promise<void> { return this.must('routeRefresh', ref, [afi, safi, subtype]); }
  sendUpdate(ref: SessionRef, update: UpdateRequest): Promise<number> { return this.must('sendUpdate', ref, [update]); }
  sendRawUpdate(ref: SessionRef, hex: string): Promise<number> { return this.must('sendRawUpdate', ref, [hex]); }

  close(): void {
    this.listening?.();
    this.listening = null;
    for (const id of [...this.pending.keys()]) this.finish(id, true);
  }
}

const isRef = (v: unknown): v is SessionRef => {
  const r = v as SessionRef;
  return !!r && (r.type === 'direct' || r.type === 'ixp') && Number.isInteger(r.id);
};

/**
 * Answers the bus's requests from this process's worker and BMP station. The askers are gateways
 * that checked their caller's rights first (the GraphQL fields); this side acts for them.
 */
export class SpeakerResponder {
  private stop: (() => void) | null = null;

  constructor(private readonly bus: EventBus, private readonly local: LocalSpeaker, readonly nodeId: string) {}

  start(): void {
    this.stop = this.bus.listen('bgpRequest', (req) => {
      if (!Array.isArray(req.to) || !req.to.includes(this.nodeId) || !(req.deadline > Date.now())) return;
      void this.answer(req);
    });
  }

  private async answer(req: SpeakerRequest): Promise<void> {
    const reply = (body: Pick<SpeakerReply, 'ok' | 'data' | 'error'>) => this.bus.publishSpeaker('bgpReply', { id: req.id, to: req.replyTo, node: this.nodeId, ...body });
    try {
      const data = await this.call(req.method, Array.isArray(req.args) ? req.args : []);
      const size = Buffer.byteLength(JSON.stringify(data ?? null));
      if (size > MAX_REPLY_BYTES) {
        reply({ ok: false, error: { kind: 'invalid', message: `The answer is too large to send between processes (${size} bytes, at most ${MAX_REPLY_BYTES}); ask for less (a router, a limit).` } });
        return;
      }
      reply({ ok: true, data: data ?? null });
    } catch (e) {
      if (e instanceof SpeakerError) { reply({ ok: false, error: e.toJSON() }); return; }
      logger.error({ err: e, method: req.method }, 'speaker api: request failed');
      reply({ ok: false, error: { kind: 'unavailable', message: `The worker failed: ${(e as Error).message}` } });
    }
  }

  private async call(method: string, args: unknown[]): Promise<unknown> {
    if (!METHODS.has(method)) throw new SpeakerError('invalid', `unknown method ${method}`);
    const l = this.local;
    if (ONE_SESSION.has(method)) {
      const ref = args[0];
      if (!isRef(ref)) throw new SpeakerError('invalid', 'a session reference is required');
      // "Not here": the node that runs the session answers.
      if (!l.has(ref)) throw new SpeakerError('not-found', `Session ${ref.type} ${ref.id} is not running here.`);
    }
    const a = args as any[];
    switch (method) {
      case 'peers': return l.peers(a[0] ?? {});
      case 'bmpPeers': return l.bmpPeers(a[0] ?? {});
      case 'snapshot': return l.snapshot();
      case 'routerPeers': {
        if (!Number.isInteger(a[0]) || !l.runsRouter(a[0])) throw new SpeakerError('not-found', 'router not run here');
        return l.routerPeers(a[0]);
      }
      case 'peer': return l.peer(a[0]);
      case 'routes': return l.routes(a[0], a[1] ?? { limit: 0 });
      case 'lookupRoutes': return l.lookupRoutes(a[0], a[1]);
      case 'start': return l.start(a[0]);
      case 'stop': return l.stop(a[0], typeof a[1] === 'string' ? a[1] : undefined);
      case 'routeRefresh': return l.routeRefresh(a[0], Number(a[1]), Number(a[2]), Number(a[3] ?? 0));
      case 'sendUpdate': return l.sendUpdate(a[0], a[1] ?? {});
      case 'sendRawUpdate': return l.sendRawUpdate(a[0], String(a[1] ?? ''));
    }
    return null;
  }

  close(): void {
    this.stop?.();
    this.stop = null;
  }
}
