// Runs BgpSpeakers inside a worker thread and serves their proxies (./client) over a MessagePort:
// requests are answered by id, speaker events are posted as they happen. The speakers' sockets,
// FSMs and timers live on this thread's event loop, away from the caller's request work.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { MessagePort } from 'node:worker_threads';
import { BgpSpeaker, type SpeakerEvents } from '../speaker';
import type { RouteEntry, RouteQuery } from '../rib';
import { attrsToJson } from '../wire';
import { PeerStateError } from '../refusal';
import type { UpdateSpec } from '../wire';
import type { EventMessage, LoopDelay, Reply, Request, RouteRow, SpeakerOp } from './protocol';

type Handler = (speaker: BgpSpeaker, args: unknown[]) => unknown;

const rows = (entries: RouteEntry[]): RouteRow[] => entries.map((e) => ({ prefix: e.prefix, attributes: attrsToJson(e.set.attrs), pathId: e.pathId ?? null }));

/** Buffers crossed the port as Uint8Arrays; the codec wants Buffers back. */
function specOf(v: unknown): UpdateSpec {
  const spec = v as UpdateSpec;
  const unknown = spec.attrs?.unknown;
  if (unknown) spec.attrs = { ...spec.attrs, unknown: unknown.map((u) => ({ ...u, value: Buffer.from(u.value) })) };
  return spec;
}

function rib(speaker: BgpSpeaker, id: unknown, dir: unknown) {
  const peer = speaker.getPeer(String(id));
  if (!peer) speaker.info(String(id)); // throws UnknownPeerError
  return dir === 'out' ? peer!.ribOut : peer!.ribIn;
}

const OPS: Record<SpeakerOp, Handler> = {
  start: async (s) => {
    await s.start();
    return s.addresses();
  },
  stop: (s) => s.stop(),
  addresses: (s) => s.addresses(),
  reconcile: (s, [configs]) => s.reconcile(configs as Parameters<BgpSpeaker['reconcile']>[0]),
  manualStart: (s, [id]) => s.manualStart(String(id)),
  manualStop: (s, [id, message]) => s.manualStop(String(id), message as string | undefined),
  announce: (s, [id, spec]) => s.announce(String(id), specOf(spec)),
  withdraw: (s, [id, prefixes]) => s.withdraw(String(id), prefixes as string[]),
  sendRawUpdate: (s, [id, msg]) => s.sendRawUpdate(String(id), Buffer.from(msg as Uint8Array)),
  routeRefresh: (s, [id, afi, safi, subtype]) => s.routeRefresh(String(id), afi as number, safi as number, subtype as number | undefined),
  info: (s, [id]) => s.info(String(id)),
  snapshot: (s) => s.snapshot(),
  routes: (s, [id, dir, query]) => rows(rib(s, id, dir).query(query as RouteQuery)),
  lookupRoutes: (s, [id, dir, queries]) =>
    (queries as string[]).map((q) => {
      const e = rib(s, id, dir).lookup(q);
      return e ? rows([e])[0] : null;
    }),
};

/** Events that carry the peer's state with them, so the other side needs no second round trip. */
const WITH_INFO = new Set<keyof SpeakerEvents>(['state', 'counters', 'maxPrefixWarning']);
const FORWARDED: (keyof SpeakerEvents)[] = ['state', 'counters', 'maxPrefixWarning', 'endOfRib', 'peerAdded', 'peerRemoved', 'listening'];

export function serveSpeakers(port: MessagePort): void {
  const speakers = new Map<string, BgpSpeaker>();
  // Measured only once asked for (benchmarks): its 1 ms timer is not free.
  let delay: ReturnType<typeof monitorEventLoopDelay> | null = null;

  const post = (m: Reply | EventMessage) => port.postMessage(m);

  const create = (name: string, req: Extract<Request, { kind: 'create' }>) => {
    if (speakers.has(name)) throw new Error(`speaker ${name} already exists`);
    const speaker = new BgpSpeaker({ listen: req.listen, counterIntervalMs: req.counterIntervalMs });
    for (const ev of FORWARDED) {
      speaker.on(ev, ((e: { peerId?: string }) => {
        const info = WITH_INFO.has(ev) && e.peerId ? (speaker.getPeer(e.peerId)?.info() ?? null) : undefined;
        post({ kind: 'event', speaker: name, name: ev, args: info === undefined ? [e] : [e, info] });
      }) as never);
    }
    speakers.set(name, speaker);
  };

  const loopDelay = (reset: boolean): LoopDelay => {
    if (!delay) {
      delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
    }
    const ms = (ns: number) => ns / 1e6;
    const out = { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), mean: ms(delay.mean), samples: delay.count };
    if (reset) delay.reset();
    return out;
  };

  port.on('message', async (req: Request) => {
    try {
      let value: unknown;
      if (req.kind === 'create') value = create(req.speaker, req);
      else if (req.kind === 'loopDelay') value = loopDelay(req.reset);
      else {
        const s = speakers.get(req.speaker);
        if (!s) throw new Error(`no speaker ${req.speaker} in this thread`);
        const op = OPS[req.op];
        if (!op) throw new Error(`unknown speaker operation ${req.op}`);
        value = await op(s, req.args);
        if (req.op === 'stop') speakers.delete(req.speaker);
      }
      post({ kind: 'reply', id: req.id, ok: true, value });
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      post({ kind: 'reply', id: req.id, ok: false, error: { name: err.name, message: err.message, ...(err instanceof PeerStateError ? { refusal: err.refusal } : {}) } });
    }
  });
}
