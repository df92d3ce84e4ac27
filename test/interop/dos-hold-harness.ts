// Issue 12, section 2: the DoS attacks of bench/dos/graphql.ts and bench/dos/logins.ts (plus deep and
// huge REST bodies) against a `peergate serve` process that runs a BGP session with BIRD at a 3 s
// hold time, while /healthz is sampled from another process and the session is watched from both
// ends. Shared by bench/dos/bgp-hold.ts (long run, bench/RESULTS.md) and test/interop/dos-hold.test.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { createInterface } from 'node:readline';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { spawnPeerGate, type PeerGateProcess } from '../helpers/process';
import * as dos from '../helpers/dos';
import { declareSession } from './peergate-setup';
import { type Bird, freePort, requireBinaries, startBird, waitFor } from './daemons';

export interface Rig {
  url: string;
  token: string;
  bird: Bird;
  gw: PeerGateProcess;
  sessionId: string;
  /** BIRD's address: the peer in /v1 paths. */
  peer: string;
  gql(query: string): Promise<any>;
  close(): Promise<void>;
}

/** BIRD (hold time `holdTime` on its side) and a `peergate serve` process (PGlite in memory, embedded BGP worker), Established. */
export async function startRig(o: { core: string; bird: string; holdTime?: number; env?: Record<string, string> }): Promise<Rig> {
  requireBinaries('bird', 'birdc');
  const corePort = await freePort(o.core);
  const birdPort = await freePort(o.bird);
  const bird = await startBird({
    routerId: o.bird, address: o.bird, port: birdPort, nextHop: '198.18.0.60', staticRoutes: ['10.60.0.0/24', '10.60.1.0/24'],
    peers: [{ name: 'core', localAs: 65061, neighborAddress: o.core, neighborPort: corePort, remoteAs: 65060, holdTime: o.holdTime ?? 3 }],
  });
  const token = randomBytes(20).toString('hex');
  const port = await freePort('127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  // Ready once /readyz answers (not a log line: its wording may change).
  const gw = spawnPeerGate('dos-hold', ['serve'], { HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: 'pglite://memory', PEERGATE_ADMIN_TOKEN: token, BGP_WORKER: 'embedded', NODE_ENV: 'production', LOG_LEVEL: 'warn', ...o.env });
  try {
    await waitFor('PeerGate ready', async () => {
      if (gw.exited()) throw new Error(`peergate serve exited: ${gw.output().slice(-3000)}`);
      return (await fetch(`${url}/readyz`).catch(() => null))?.status === 200;
    }, 60_000, 50);
  } catch (e) {
    await gw.stop(1000);
    await bird.stop();
    throw e;
  }
  const gql = async (query: string) => (await fetch(`${url}/graphql`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Token ${token}` }, body: JSON.stringify({ query }),
  })).json();
  const sessionId = await declareSession({ gql }, { localAsn: 65060, remoteAsn: 65061, routerIp: o.core, corePort, remoteIp: o.bird, remotePort: birdPort, tag: 'dos' });
  await waitFor('BIRD Established with PeerGate', async () => /Established/.test(await bird.birdc('show', 'protocols', 'core')), 30_000);
  await waitFor('PeerGate reports Established', async () => (await gql(`{ directPeeringSession(id: "${sessionId}") { bgpState } }`)).data?.directPeeringSession?.bgpState === 'ESTABLISHED', 15_000);
  return {
    url, token, bird, gw, sessionId, gql, peer: o.bird,
    close: async () => { await gw.stop(2000); await bird.stop(); },
  };
}

// ---------------------------------------------------------------------------------------------
// /healthz from another process: one line per sample, "<start epoch ms> <latency ms>".

export interface HealthSampler { samples: { at: number; ms: number }[]; stop(): Promise<void> }

const SAMPLER = `
const http = require('node:http');
const url = new URL(process.argv[1]);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
let stopped = false;
process.stdin.on('data', () => {}); process.stdin.on('end', () => { stopped = true; });
function once() {
  return new Promise((resolve) => {
    const at = Date.now(); const t = performance.now(); let done = false;
    const finish = (ok) => { if (done) return; done = true; process.stdout.write(at + ' ' + (performance.now() - t).toFixed(2) + (ok ? '' : ' fail') + '\\n'); resolve(); };
    const req = http.get({ host: url.hostname, port: url.port, path: '/healthz', agent }, (res) => { res.resume(); res.on('end', () => finish(res.statusCode === 200)); });
    req.setTimeout(5000, () => { req.destroy(); finish(false); });
    req.on('error', () => finish(false));
  });
}
(async () => { while (!stopped) { await once(); await new Promise((r) => setTimeout(r, 10)); } process.exit(0); })();
`;

export function sampleHealthzElsewhere(url: string): HealthSampler {
  const child: ChildProcess = spawn(process.execPath, ['-e', SAMPLER, url], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: '' } });
  const samples: { at: number; ms: number; fail?: boolean }[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    const [at, ms, fail] = l.split(' ');
    samples.push({ at: Number(at), ms: fail ? Infinity : Number(ms) });
  });
  const exited = new Promise((r) => child.once('exit', r));
  return { samples, stop: async () => { child.stdin!.end(); const t = setTimeout(() => child.kill('SIGKILL'), 7000); await exited; clearTimeout(t); } };
}

// ---------------------------------------------------------------------------------------------
// The session, from BIRD and from PeerGate.

export interface BirdSample { at: number; state: string; since: string; holdLeft: number | null }
export interface SessionWatch {
  bird: BirdSample[];
  /** bgpSessionChanged events: at, previous state, state. */
  events: { at: number; previousState: string | null; state: string; reason: string | null }[];
  stop(): Promise<void>;
}

/** Polls `birdc show protocols all core` (state, since, hold timer left) and subscribes to bgpSessionChanged. */
export async function watchSession(rig: Rig, everyMs = 150): Promise<SessionWatch> {
  const bird: BirdSample[] = [];
  const events: SessionWatch['events'] = [];
  let stopped = false;
  const poll = (async () => {
    while (!stopped) {
      const at = Date.now();
      try {
        const out = await rig.bird.birdc('show', 'protocols', 'all', 'core');
        const m = /^core\s+BGP\s+---\s+(\w+)\s+(\S+(?: \S+)?)\s+(\w+)/m.exec(out);
        const hold = /Hold timer:\s+([\d.]+)\//.exec(out);
        bird.push({ at, state: m?.[3] ?? '?', since: m?.[2] ?? '?', holdLeft: hold ? Number(hold[1]) : null });
      } catch {
        bird.push({ at, state: 'birdc failed', since: '?', holdLeft: null });
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  const client: Client = createClient({ url: rig.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { authorization: `Token ${rig.token}` }, retryAttempts: 100 });
  client.subscribe({ query: 'subscription { bgpSessionChanged { sessionId state previousState reason } }' }, {
    next: (v: any) => { const e = v.data?.bgpSessionChanged; if (e && e.sessionId === rig.sessionId) events.push({ at: Date.now(), previousState: e.previousState, state: e.state, reason: e.reason }); },
    error: () => undefined, complete: () => undefined,
  });
  await new Promise((r) => setTimeout(r, 300));
  return { bird, events, stop: async () => { stopped = true; await poll; await client.dispose(); } };
}

/** The event-loop delay PeerGate reports on /metrics (prom-client resets its histogram at each scrape; with or without the peergate_ prefix). */
export async function eventLoopLag(url: string): Promise<{ p99: number; max: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const v = (m: string) => Number(new RegExp(`^(?:peergate_)?nodejs_eventloop_lag_${m}_seconds (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return { p99: v('p99'), max: v('max') };
}

// ---------------------------------------------------------------------------------------------
// The attacks. Each round resolves with outcome labels ("400 QUERY_TOO_COMPLEX", "closed 1009", ...).

function httpRequest(url: string, method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<{ status: number; text: string }> {
  const u = new URL(url + path);
  return new Promise((resolve) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, agent: false, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { if (text.length < 4096) text += c; });
      res.on('end', () => resolve({ status: res.statusCode!, text }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', (e) => resolve({ status: 0, text: (e as NodeJS.ErrnoException).code ?? e.message }));
    req.end(body);
  });
}

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

export interface Attack { key: string; name: string; rounds: number; round(rig: Rig): Promise<string[]> }

/** JSON nested `levels` deep: {"a":{"a":...{}}}. */
export function deepJson(levels: number): string {
  return '{"a":'.repeat(levels) + '{}' + '}'.repeat(levels);
}

/** "pm 400"; yabgp refuses with 200 {"status": false} as yabgp does. */
const label = (name: string, r: { status: number; text: string }) => `${name} ${r.status}${r.status === 200 && /"status":\s*false/.test(r.text) ? ' status:false' : ''}`;

/** The REST write routes the deep/huge bodies are sent to (one per dialect). */
const restTargets = (rig: Rig) => [
  { name: 'pm', path: '/api/peering/autonomous-systems/', auth: `Token ${rig.token}` },
  { name: 'pdb', path: '/pdb/api/net', auth: `Token ${rig.token}` },
  { name: 'nsot', path: '/nsot/api/sites/', auth: `Token ${rig.token}` },
  { name: 'yabgp', path: `/v1/peer/${rig.peer}/send/update`, auth: `Token ${rig.token}` },
];

/** `n` calls of `f`, `concurrency` at a time. */
async function pool<T>(n: number, concurrency: number, f: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next < n) out.push(await f(next++)); }));
  return out;
}

/** Rounds per attack: `scale` 1 is the bench, the test passes a small fraction. */
export function attacks(scale = 1): Attack[] {
  const r = (n: number) => Math.max(1, Math.round(n * scale));
  const gqlHttp = (q: string) => async (rig: Rig) => { const x = await dos.postGraphql(rig.url, q); return [`${x.status} ${x.code ?? 'ok'}`]; };
  const nineMb = dos.hugeDocument(9_000_000);
  return [
    { key: 'a', name: '(a) 23 fragments each spread twice (HTTP)', rounds: r(30), round: gqlHttp(dos.fragmentBomb()) },
    { key: 'b', name: '(b) 3,000 aliased lists, items in a fragment (HTTP)', rounds: r(30), round: gqlHttp(dos.listsInFragments(3000)) },
    { key: 'c', name: '(c) 200 aliased __schema { types { fields { name } } } (HTTP)', rounds: r(30), round: gqlHttp(dos.introspectionAliases(200)) },
    { key: 'd', name: '(d) 9 MB document (HTTP)', rounds: r(20), round: gqlHttp(nineMb) },
    { key: 'e', name: '(e) 1,000 aliased lists (graphql-ws)', rounds: r(30), round: async (rig) => [(await dos.wsOperation(rig.url, dos.aliasedLists(1000))).code] },
    {
      key: 'f', name: '(f) 8 sockets × 60 MB connection_init (graphql-ws)', rounds: r(3), round: async (rig) => {
        const x = await Promise.all(Array.from({ length: 8 }, () => dos.floodConnectionInit(rig.url, 60_000_000)));
        return x.map((y) => `closed ${y.closeCode}${y.answered ? ' answered' : ''}`);
      },
    },
    {
      key: 'g1', name: '(g) 100 wrong Basic passwords, concurrency 10, /v1', rounds: r(1), round: async (rig) =>
        (await pool(Math.round(100 * Math.min(1, scale * 2)), 10, (i) => httpRequest(rig.url, 'GET', `/v1/peer/${rig.peer}/state`, { Authorization: basic('admin', `wrong-${i}`) }))).map((x) => String(x.status)),
    },
    {
      key: 'g2', name: '(g) 100 wrong Basic passwords, concurrency 10, /pdb', rounds: r(1), round: async (rig) =>
        (await pool(Math.round(100 * Math.min(1, scale * 2)), 10, (i) => httpRequest(rig.url, 'GET', '/pdb/api/net', { Authorization: basic('admin', `wrong-${i}`) }))).map((x) => String(x.status)),
    },
    {
      key: 'h1', name: '(h) JSON nested 1,000 levels, each REST dialect', rounds: r(10), round: async (rig) => {
        const body = deepJson(1000);
        return Promise.all(restTargets(rig).map(async (t) => label(t.name, await httpRequest(rig.url, 'POST', t.path, { Authorization: t.auth, 'Content-Type': 'application/json' }, body))));
      },
    },
    {
      key: 'h2', name: '(h) 9 MB JSON body, each REST dialect', rounds: r(10), round: async (rig) => {
        const body = JSON.stringify({ asn: 64512, name: 'x'.repeat(9_000_000) });
        return Promise.all(restTargets(rig).map(async (t) => label(t.name, await httpRequest(rig.url, 'POST', t.path, { Authorization: t.auth, 'Content-Type': 'application/json' }, body))));
      },
    },
    {
      key: 'h3', name: '(h) 12 MB body (over BODY_LIMIT), each REST dialect and /graphql', rounds: r(5), round: async (rig) => {
        const body = Buffer.alloc(12_000_000, 0x20);
        const targets = [...restTargets(rig), { name: 'graphql', path: '/graphql', auth: '' }];
        return Promise.all(targets.map(async (t) => label(t.name, await httpRequest(rig.url, 'POST', t.path, { ...(t.auth ? { Authorization: t.auth } : {}), 'Content-Type': 'application/json' }, body))));
      },
    },
  ];
}

export interface AttackResult {
  key: string; name: string; rounds: number; ms: number;
  outcomes: Map<string, number>;
  hz: number[]; hzFailed: number;
  eld: { p99: number; max: number };
  birdStates: Set<string>; birdSinces: string[]; birdSinceChanges: number; minHoldLeft: number | null;
  leftEstablished: number;
}

/**
 * Session resets seen in BIRD's "since" values (HH:MM:SS.mmm). BIRD moves "since" by a few ms once
 * just after Established (its channel comes up), so values within a second of each other are one.
 */
export function sinceChanges(values: string[]): number {
  const ms = values.map((v) => /^(\d\d):(\d\d):(\d\d(?:\.\d+)?)$/.exec(v)).filter((m) => m).map((m) => (Number(m![1]) * 60 + Number(m![2])) * 60_000 + Number(m![3]) * 1000).sort((a, b) => a - b);
  let n = 0;
  for (let i = 1; i < ms.length; i++) if (ms[i] - ms[i - 1] > 1000) n++;
  return n + values.filter((v) => !/^\d\d:\d\d:\d\d/.test(v)).length;
}

/** Runs one attack for its rounds (one after the other) and slices the samples taken meanwhile. */
export async function runAttack(rig: Rig, a: Attack, hz: HealthSampler, watch: SessionWatch, rounds = a.rounds): Promise<AttackResult> {
  await eventLoopLag(rig.url); // resets the histogram
  const birdFrom = watch.bird.length;
  const eventsFrom = watch.events.length;
  const t0 = Date.now();
  const outcomes = new Map<string, number>();
  for (let i = 0; i < rounds; i++) {
    for (const o of await a.round(rig)) outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
  }
  const t1 = Date.now();
  const eld = await eventLoopLag(rig.url);
  await new Promise((r) => setTimeout(r, 400)); // let the last samples land
  const samples = hz.samples.filter((s) => s.at >= t0 && s.at <= t1);
  const bird = watch.bird.slice(birdFrom).filter((s) => s.at <= t1 + 400);
  const since = new Set(bird.map((s) => s.since));
  const holds = bird.map((s) => s.holdLeft).filter((x): x is number => x !== null);
  return {
    key: a.key, name: a.name, rounds, ms: t1 - t0, outcomes,
    hz: samples.map((s) => s.ms).filter((x) => Number.isFinite(x)), hzFailed: samples.filter((s) => !Number.isFinite(s.ms)).length,
    eld, birdStates: new Set(bird.map((s) => s.state)), birdSinces: [...since], birdSinceChanges: sinceChanges([...since]),
    minHoldLeft: holds.length ? Math.min(...holds) : null,
    leftEstablished: watch.events.slice(eventsFrom).filter((e) => e.previousState === 'ESTABLISHED' && e.state !== 'ESTABLISHED').length,
  };
}

export const percentile = dos.percentile;

/**
 * Beyond section 2 (bench only): the 9 MB bodies of (d) and (h) sent 32 at once. Each costs the event
 * loop 80-110 ms (read, decode, depth scan, JSON.parse) and nothing bounds how many run back to back.
 */
export function concurrentHugeBodies(n = 32): Attack[] {
  const gqlBody = JSON.stringify({ query: dos.hugeDocument(9_000_000) });
  const restBody = JSON.stringify({ asn: 64512, name: 'x'.repeat(9_000_000) });
  const burst = (path: string, auth: string | null, body: string) => async (rig: Rig) =>
    (await Promise.all(Array.from({ length: n }, () => httpRequest(rig.url, 'POST', path, { ...(auth ? { Authorization: auth } : {}), 'Content-Type': 'application/json' }, body)))).map((r) => String(r.status));
  return [
    { key: 'x1', name: `(d×${n}) ${n} anonymous 9 MB documents at once (HTTP)`, rounds: 2, round: burst('/graphql', null, gqlBody) },
    { key: 'x2', name: `(h×${n}) ${n} anonymous 9 MB bodies at once, /api`, rounds: 2, round: burst('/api/peering/autonomous-systems/', null, restBody) },
    { key: 'x3', name: `(h×${n}) ${n} 9 MB bodies at once with a token, /api`, rounds: 2, round: (rig) => burst('/api/peering/autonomous-systems/', `Token ${rig.token}`, restBody)(rig) },
  ];
}
