// The `--bgp` part of the load benchmark: a BIRD session with a 3 s hold time, run by the
// gateway's embedded speaker (in its own thread) while the request load runs; and both
// event loops' delay (the gateway's /metrics, `peergate_eventloop_delay_seconds`, each
// window since the previous scrape) sampled side by side through the run.
import { fmt } from '../lib';
import { declareSession } from '../../test/interop/peergate-setup';
import { type Bird, freePort, requireBinaries, startBird, waitFor } from '../../test/interop/daemons';
import type { Http } from './http';

export const HOLD_TIME = 3;

export interface BgpSetup { bird: Bird; corePort: number; birdPort: number }

export async function startBgpPeer(): Promise<BgpSetup> {
  requireBinaries('bird', 'birdc');
  const corePort = await freePort('127.0.0.1');
  const birdPort = await freePort('127.0.0.3');
  const bird = await startBird({
    routerId: '127.0.0.3', address: '127.0.0.3', port: birdPort, nextHop: '198.18.0.3', staticRoutes: ['10.66.0.0/24', '10.66.1.0/24'],
    peers: [{ name: 'peergate', localAs: 4_199_999_998, neighborAddress: '127.0.0.1', neighborPort: corePort, remoteAs: 4_199_999_999, holdTime: HOLD_TIME }],
  });
  return { bird, corePort, birdPort };
}

interface PeerView { state: string; uptime: number; statistics: { send: Record<string, number>; receive: Record<string, number> }; negotiated: { holdTime: number } | null }

export interface Session {
  id: string;
  view(): Promise<PeerView>;
  bird(): Promise<string>;
}

/** Declares the session through GraphQL and waits until it is Established. */
export async function establish(http: Http, b: BgpSetup): Promise<Session> {
  // Outside the seeded ASNs (64,513..69,512) and below the load's own (from 4,200,000,000).
  const gql = async (q: string) => (await http.gql(q, {})).json;
  const id = await declareSession({ gql } as never, {
    localAsn: 4_199_999_999, remoteAsn: 4_199_999_998, routerIp: '127.0.0.1', corePort: b.corePort, remoteIp: '127.0.0.3', remotePort: b.birdPort, tag: 'load-bgp',
  });
  const view = async (): Promise<PeerView> => (await gql(`{ bgpPeer(sessionType: "direct", sessionId: "${id}") { state uptime statistics negotiated } }`)).data?.bgpPeer;
  await waitFor('session Established', async () => (await view())?.state === 'ESTABLISHED', 60_000);
  return { id, view, bird: () => b.bird.birdc('show', 'protocols', 'all', 'peergate') };
}

export interface LoopWindow { atS: number; main: Record<string, number>; bgp: Record<string, number> }

/** The two loops' delay in one /metrics text, milliseconds. */
export function loopWindow(text: string, atS: number): LoopWindow {
  const w: LoopWindow = { atS, main: {}, bgp: {} };
  for (const m of text.matchAll(/peergate_eventloop_delay_seconds\{loop="(main|bgp)",stat="(\w+)"\} ([0-9.e+-]+)/g)) {
    w[m[1] as 'main' | 'bgp'][m[2]] = Number(m[3]) * 1000;
  }
  return w;
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : NaN; };

export function loopTable(windows: LoopWindow[]): string {
  const rows = windows.map((w) => `| ${fmt(w.atS, 0)} | ${fmt(w.main.p50)} | ${fmt(w.main.p99)} | ${fmt(w.main.max)} | ${fmt(w.bgp.p50)} | ${fmt(w.bgp.p99)} | ${fmt(w.bgp.max)} |`);
  const agg = (loop: 'main' | 'bgp', stat: string, f: (xs: number[]) => number) => fmt(f(windows.map((w) => w[loop][stat]).filter(Number.isFinite)));
  const max = (xs: number[]) => Math.max(...xs);
  return [
    '| window end (s) | main p50 ms | main p99 ms | main max ms | speaker thread p50 ms | speaker thread p99 ms | speaker thread max ms |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    `| median of windows | ${agg('main', 'p50', median)} | ${agg('main', 'p99', median)} | ${agg('main', 'max', median)} | ${agg('bgp', 'p50', median)} | ${agg('bgp', 'p99', median)} | ${agg('bgp', 'max', median)} |`,
    `| worst window | ${agg('main', 'p50', max)} | ${agg('main', 'p99', max)} | ${agg('main', 'max', max)} | ${agg('bgp', 'p50', max)} | ${agg('bgp', 'p99', max)} | ${agg('bgp', 'max', max)} |`,
  ].join('\n');
}

/** What the session did over the load: Established throughout, keepalives flowing, no NOTIFICATION. */
export function sessionVerdict(before: PeerView, after: PeerView, birdAfter: string, seconds: number): { pass: boolean; text: string } {
  const ka = (v: PeerView, d: 'send' | 'receive') => v.statistics[d].keepalive ?? 0;
  const notes = (v: PeerView) => (v.statistics.send.Notifications ?? 0) + (v.statistics.receive.Notifications ?? 0);
  const stayed = after.state === 'ESTABLISHED' && after.uptime >= before.uptime + seconds;
  const birdUp = /\bEstablished\b/.test(birdAfter) && !/Hold timer expired/i.test(birdAfter);
  const pass = stayed && birdUp && notes(after) === notes(before);
  return {
    pass,
    text: `Session (hold time ${after.negotiated?.holdTime ?? '?'} s): ${before.state} before the load, ${after.state} after it; uptime ${fmt(before.uptime, 0)} s -> ${fmt(after.uptime, 0)} s `
      + `(the load took ${fmt(seconds, 0)} s, so it never went down); keepalives sent ${ka(before, 'send')} -> ${ka(after, 'send')}, received ${ka(before, 'receive')} -> ${ka(after, 'receive')}; `
      + `NOTIFICATIONs ${notes(before)} -> ${notes(after)}; BIRD after the load: ${birdUp ? 'Established, no hold timer error' : 'NOT Established or a hold timer error'}. **${pass ? 'PASS' : 'FAIL'}**.`,
  };
}
