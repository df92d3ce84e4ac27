// A realistic table (issue 15 §2): 1,000,000 IPv4 and 200,000 IPv6 prefixes in about 300,000
// distinct attribute sets (bench/bgp-table/table.ts), received by bgp-core, BIRD and GoBGP from the
// same feeder in one run (alternating order over rounds), then sent by bgp-core to a BIRD against a
// BIRD sending the same table to that BIRD.
//   npx tsx --expose-gc bench/bgp-table/run.ts
//   BENCH_ROUTES=100000 (IPv4; IPv6 and attribute sets scale with it), BENCH_ROUNDS=2, BENCH_GOBGP=off
//
// Receive: time from Established to the whole table (bgp-core: its End-of-RIB events; BIRD and GoBGP:
// their CLIs polled). Memory: bgp-core's V8 heap delta after gc (its RIB and attribute pool) against
// BIRD's `show memory` (routing tables + route attributes) delta; RSS deltas beside both.
// Send: time from the sink BIRD's Established to its full imported count, polled the same way for both senders.
import { type ChildProcess, execSync, fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BgpSpeaker, v6KeyToString, v4KeyToString } from '../../bgp-core';
import { type Bird, freePort, requireBinaries, startBird, startGobgp, waitFor } from '../../test/interop/daemons';
import { fmt, machine, writeSection } from '../lib';
import type { FeederOptions, FeederReport } from './feeder';
import { generateTable } from './table';

const V4 = Number(process.env.BENCH_ROUTES ?? 1_000_000);
const V6 = Number(process.env.BENCH_V6_ROUTES ?? Math.round(V4 / 5));
const SETS = Number(process.env.BENCH_SETS ?? Math.round((V4 + V6) / 4));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const WITH_GOBGP = process.env.BENCH_GOBGP !== 'off';
const TIMEOUT = 900_000;
const FEEDER_AS = 65010;
const TOTAL = V4 + V6;

/** Epoch milliseconds, sub-millisecond, comparable with the feeder process's. */
const now = (): number => performance.timeOrigin + performance.now();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const gc = (): void => {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run with --expose-gc (npx tsx --expose-gc bench/bgp-table/run.ts)');
  g();
  g();
};

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

const UNITS: Record<string, number> = { B: 1, kB: 1024, MB: 2 ** 20, GB: 2 ** 30 };

/** BIRD's `show memory`: effective bytes of routing tables plus route attributes. */
async function birdRibBytes(b: Bird): Promise<number> {
  const out = await b.birdc('show', 'memory');
  let sum = 0;
  for (const name of ['Routing tables', 'Route attributes']) {
    const m = new RegExp(`${name}:\\s+([\\d.]+)\\s*(B|kB|MB|GB)`).exec(out);
    if (!m) throw new Error(`no "${name}" in BIRD's show memory:\n${out}`);
    sum += Number(m[1]) * UNITS[m[2]];
  }
  return sum;
}

/** Routes imported by one BIRD protocol, summed over its channels. */
async function birdImported(b: Bird, proto: string): Promise<number> {
  const out = await b.birdc('show', 'protocols', 'all', proto);
  let n = 0;
  for (const m of out.matchAll(/Routes:\s+(\d+) imported/g)) n += Number(m[1]);
  return n;
}

/** BIRD configuration line: protocol state times with milliseconds. */
const MS_TIMES = 'timeformat protocol iso long ms;';

/**
 * When BIRD's protocol went Established, from its own state-change time (needs MS_TIMES): a busy
 * BIRD answers its CLI late, so polling for the state would see it after the table is in.
 */
async function birdEstablishedAt(b: Bird, proto: string): Promise<number> {
  let at = 0;
  await waitFor(`BIRD ${proto} Established`, async () => {
    const m = new RegExp(`^${proto}\\s+BGP\\s+\\S+\\s+up\\s+(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+)\\s+Established`, 'm').exec(await b.birdc('show', 'protocols', proto));
    if (m) at = new Date(m[1].replace(' ', 'T')).getTime();
    return at > 0;
  }, 60_000, 20);
  return at;
}

interface Receive {
  name: string;
  round: number;
  seconds: number;
  /** Bytes per prefix by the RIB measure (bgp-core heap, BIRD show memory); NaN when none. */
  ribBytes: number;
  rssBytes: number;
}

class Feeder {
  private proc: ChildProcess | null = null;
  private listeners: ((m: FeederReport) => void)[] = [];
  info: Extract<FeederReport, { kind: 'ready' }> | null = null;
  /** When the feeder last saw a session from this address Established and started sending. */
  readonly established = new Map<string, number>();

  constructor(readonly address: string, readonly port: number) {}

  async start(): Promise<void> {
    const o: FeederOptions = {
      address: this.address, port: this.port, v4: V4, v6: V6, sets: SETS, feederAs: FEEDER_AS,
      v4NextHop: '198.18.0.2', v6NextHop: '2001:db8::10',
    };
    const proc = fork(path.join(__dirname, 'feeder.ts'), [JSON.stringify(o)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.proc = proc;
    proc.on('message', (m: FeederReport) => {
      if (m.kind === 'established') this.established.set(m.address, m.at);
      for (const l of this.listeners) l(m);
    });
    this.info = await new Promise((resolve, reject) => {
      proc.once('exit', (code) => reject(new Error(`feeder exited with ${code}`)));
      this.listeners.push((m) => m.kind === 'ready' && resolve(m));
    });
  }

  /** Seconds from the feeder's Established with `address` to `doneAt` (an epoch time from now()). */
  since(address: string, doneAt: number): number {
    const at = this.established.get(address);
    if (at === undefined) throw new Error(`the feeder saw no session from ${address}`);
    this.established.delete(address);
    return (doneAt - at) / 1000;
  }

  stop(): void {
    this.proc?.kill('SIGTERM');
    this.proc = null;
  }
}

async function receiveCore(feeder: Feeder, round: number): Promise<Receive> {
  const speaker = new BgpSpeaker({ listen: { address: '127.0.0.1', port: 0 } });
  await speaker.start();
  const eor = new Set<string>();
  let done = 0;
  speaker.on('endOfRib', (e) => {
    eor.add(e.family);
    if (eor.size === (V6 > 0 ? 2 : 1) && !done) done = now();
  });
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const rss0 = process.memoryUsage().rss;
  speaker.addPeer({
    id: 'feeder', localAs: 65001, routerId: '127.0.0.1', localAddress: '127.0.0.1', remoteAddress: feeder.address,
    remotePort: feeder.port, remoteAs: FEEDER_AS, holdTime: 240, connectRetryTime: 1, families: V6 > 0 ? ['ipv4', 'ipv6'] : ['ipv4'],
  });
  try {
    await waitFor('bgp-core End-of-RIB', () => done > 0, TIMEOUT, 20);
    const r = speaker.info('feeder').received;
    if (r.ipv4 !== V4 || r.ipv6 !== V6) throw new Error(`bgp-core received ${r.ipv4} + ${r.ipv6} of ${V4} + ${V6}`);
    gc();
    const heap = process.memoryUsage().heapUsed - heap0;
    const rss = process.memoryUsage().rss - rss0;
    return { name: 'bgp-core', round, seconds: feeder.since('127.0.0.1', done), ribBytes: heap / TOTAL, rssBytes: rss / TOTAL };
  } finally {
    await speaker.stop();
  }
}

async function receiveBird(feeder: Feeder, round: number): Promise<Receive> {
  const port = await freePort('127.0.0.12');
  const rx = await startBird({
    routerId: '127.0.0.12', address: '127.0.0.12', port,
    peers: [{ name: 'feeder', localAs: 65012, neighborAddress: feeder.address, neighborPort: feeder.port, remoteAs: FEEDER_AS, holdTime: 240, exportStatic: false, disabled: true, ipv6: V6 > 0 ? { nextHop: '2001:db8::12' } : undefined }],
  });
  try {
    await sleep(300);
    const mem0 = await birdRibBytes(rx);
    const rss0 = rssKb(rx.pid);
    await rx.birdc('enable', 'feeder');
    await waitFor('BIRD receiver full table', async () => (await birdImported(rx, 'feeder')) >= TOTAL, TIMEOUT, 20);
    const seconds = feeder.since('127.0.0.12', now());
    const mem = (await birdRibBytes(rx)) - mem0;
    const rss = (rssKb(rx.pid) - rss0) * 1024;
    return { name: 'BIRD 2.0.12', round, seconds, ribBytes: mem / TOTAL, rssBytes: rss / TOTAL };
  } finally {
    await rx.stop();
  }
}

async function receiveGobgp(feeder: Feeder, round: number): Promise<Receive> {
  const port = await freePort('127.0.0.11');
  const apiPort = await freePort('127.0.0.1');
  const g = await startGobgp({
    as: 65011, routerId: '127.0.0.11', address: '127.0.0.11', port, apiPort,
    neighbors: [{ address: feeder.address, peerAs: FEEDER_AS, remotePort: feeder.port, holdTime: 240, families: V6 > 0 ? ['ipv4-unicast', 'ipv6-unicast'] : ['ipv4-unicast'] }],
  });
  try {
    const rss0 = rssKb(g.pid);
    const count = async (afi: string): Promise<number> => Number(/Destination:\s+(\d+)/.exec(await g.cli('global', 'rib', 'summary', '-a', afi))?.[1] ?? 0);
    await waitFor('GoBGP full table', async () => (await count('ipv4')) >= V4 && (V6 === 0 || (await count('ipv6')) >= V6), TIMEOUT, 250);
    const seconds = feeder.since('127.0.0.11', now());
    return { name: 'GoBGP 3.10.0', round, seconds, ribBytes: NaN, rssBytes: ((rssKb(g.pid) - rss0) * 1024) / TOTAL };
  } finally {
    await g.stop();
  }
}

interface Send {
  name: string;
  round: number;
  seconds: number;
}

/** bgp-core and a BIRD (fed by the feeder) each send the table to one sink BIRD, in turn. */
async function sendPhase(feeder: Feeder): Promise<Send[]> {
  const aPort = await freePort('127.0.0.12');
  const sinkPort = await freePort('127.0.0.13');
  const v6 = (nextHop: string) => (V6 > 0 ? { nextHop } : undefined);
  const a = await startBird({
    routerId: '127.0.0.12', address: '127.0.0.12', port: aPort,
    peers: [
      { name: 'feeder', localAs: 65012, neighborAddress: feeder.address, neighborPort: feeder.port, remoteAs: FEEDER_AS, holdTime: 240, exportStatic: false, ipv6: v6('2001:db8::12') },
      { name: 'sink', localAs: 65012, neighborAddress: '127.0.0.13', neighborPort: sinkPort, remoteAs: 65013, holdTime: 240, exportAll: true, disabled: true, ipv6: v6('2001:db8::12') },
    ],
  });
  const speaker = new BgpSpeaker({ listen: { address: '127.0.0.1', port: 0 } });
  let sink: Bird | null = null;
  try {
    await waitFor('BIRD sender has the table', async () => (await birdImported(a, 'feeder')) >= TOTAL, TIMEOUT, 200);
    await speaker.start();
    const corePort = speaker.addresses()[0].port;
    speaker.addPeer({
      id: 'sink', localAs: 65001, routerId: '127.0.0.1', localAddress: '127.0.0.1', remoteAddress: '127.0.0.13', remotePort: sinkPort,
      remoteAs: 65013, holdTime: 240, connectRetryTime: 1, passive: true, families: V6 > 0 ? ['ipv4', 'ipv6'] : ['ipv4'],
    });
    // The same table into bgp-core's Adj-RIB-Out (not timed): one announce per attribute set.
    const t = generateTable({ v4: V4, v6: V6, sets: SETS, feederAs: FEEDER_AS, v4NextHop: '', v6NextHop: '' });
    for (const g of t.groups) {
      if (g.family === 'ipv4') speaker.announce('sink', { attrs: { ...g.attrs, nextHop: '127.0.0.1' }, nlri: g.v4.map(v4KeyToString) });
      else speaker.announce('sink', { attrs: { ...g.attrs, mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::1', nlri: g.v6.map(v6KeyToString) } } });
    }
    const held = speaker.info('sink').advertised;
    if (held.ipv4 !== V4 || held.ipv6 !== V6) throw new Error(`bgp-core holds ${held.ipv4} + ${held.ipv6} to send`);
    sink = await startBird({
      routerId: '127.0.0.13', address: '127.0.0.13', port: sinkPort, globalConfig: [MS_TIMES],
      peers: [
        { name: 'birdtx', localAs: 65013, neighborAddress: '127.0.0.12', neighborPort: aPort, remoteAs: 65012, holdTime: 240, exportStatic: false, disabled: true, ipv6: v6('2001:db8::13') },
        { name: 'core', localAs: 65013, neighborAddress: '127.0.0.1', neighborPort: corePort, remoteAs: 65001, holdTime: 240, exportStatic: false, disabled: true, ipv6: v6('2001:db8::13') },
      ],
    });
    const s = sink;
    const one = async (who: 'birdtx' | 'core', round: number): Promise<Send> => {
      if (who === 'birdtx') await a.birdc('enable', 'sink');
      await s.birdc('enable', who);
      await waitFor(`sink has ${who}'s table`, async () => (await birdImported(s, who)) >= TOTAL, TIMEOUT, 20);
      const seconds = (Date.now() - (await birdEstablishedAt(s, who))) / 1000;
      await s.birdc('disable', who);
      if (who === 'birdtx') await a.birdc('disable', 'sink');
      await waitFor('sink flushed', async () => [...(await s.birdc('show', 'route', 'count')).matchAll(/(\d+) of (\d+) routes/g)].every((m) => m[2] === '0'), TIMEOUT, 200);
      return { name: who === 'birdtx' ? 'BIRD 2.0.12 -> BIRD' : 'bgp-core -> BIRD', round, seconds };
    };
    const out: Send[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const order: ('birdtx' | 'core')[] = round % 2 === 1 ? ['core', 'birdtx'] : ['birdtx', 'core'];
      for (const who of order) {
        const r = await one(who, round);
        console.log(`send round ${round}: ${r.name} ${fmt(r.seconds)} s`);
        out.push(r);
      }
    }
    return out;
  } finally {
    await speaker.stop();
    await sink?.stop();
    await a.stop();
  }
}

const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

async function main(): Promise<void> {
  requireBinaries('bird', 'birdc', ...(WITH_GOBGP ? ['gobgpd', 'gobgp'] : []));
  const feeder = new Feeder('127.0.0.10', await freePort('127.0.0.10'));
  await feeder.start();
  const info = feeder.info!;
  console.log(`feeder: ${info.groups} attribute sets, ${info.messages} messages, ${(info.bytes / 2 ** 20).toFixed(1)} MiB, encoded in ${fmt(info.encodeSeconds)} s`);
  const receives: Receive[] = [];
  let sends: Send[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      // Alternate who goes first; GoBGP (far slower) once, last.
      const order = round % 2 === 1 ? [receiveCore, receiveBird] : [receiveBird, receiveCore];
      if (WITH_GOBGP && round === ROUNDS) order.push(receiveGobgp);
      for (const fn of order) {
        const r = await fn(feeder, round);
        console.log(`receive round ${round}: ${r.name} ${fmt(r.seconds)} s, ${fmt(r.ribBytes, 0)} B/prefix (RIB), ${fmt(r.rssBytes, 0)} B/prefix (RSS)`);
        receives.push(r);
      }
    }
    sends = await sendPhase(feeder);
  } finally {
    feeder.stop();
  }

  const by = <T extends { name: string }>(xs: T[], name: string): T[] => xs.filter((x) => x.name === name);
  const core = by(receives, 'bgp-core');
  const bird = by(receives, 'BIRD 2.0.12');
  const gobgp = by(receives, 'GoBGP 3.10.0');
  const rxTime = mean(core.map((r) => r.seconds)) / mean(bird.map((r) => r.seconds));
  const rxMem = mean(core.map((r) => r.ribBytes)) / mean(bird.map((r) => r.ribBytes));
  const sendCore = mean(by(sends, 'bgp-core -> BIRD').map((r) => r.seconds));
  const sendBird = mean(by(sends, 'BIRD 2.0.12 -> BIRD').map((r) => r.seconds));
  const rxRows = receives
    .map((r) => `| ${r.round} | ${r.name} | ${fmt(r.seconds)} | ${Number.isNaN(r.ribBytes) ? 'n/a' : fmt(r.ribBytes, 0)} | ${fmt(r.rssBytes, 0)} |`)
    .join('\n');
  const txRows = sends.map((r) => `| ${r.round} | ${r.name} | ${fmt(r.seconds)} |`).join('\n');
  const lengths = [...generateTable({ v4: Math.min(V4, 100_000), v6: 0, sets: Math.round(SETS / 10), feederAs: FEEDER_AS, v4NextHop: '', v6NextHop: '' }).pathLengths]
    .sort((x, y) => x[0] - y[0])
    .map(([l, n]) => `${l}: ${n}`)
    .join(', ');
  const verdict = (ok: boolean): string => (ok ? 'met' : '**not met**');
  const nproc = execSync('nproc').toString().trim();
  writeSection(
    'bgp-table',
    `Run ${new Date().toISOString()} on ${machine()}; \`nproc\` = ${nproc} (shared with other work).

A table shaped like the Internet's (bench/bgp-table/table.ts, seeded): ${V4.toLocaleString('en-US')} IPv4 prefixes
(/8 to /24, 64% /24s) and ${V6.toLocaleString('en-US')} IPv6 prefixes (/28 to /64, half /48s) in ${info.groups.toLocaleString('en-US')} distinct
attribute sets: AS paths of 1 to 20 ASNs (AS path lengths of a 10% sample: ${lengths}), 45% 4-byte
origins, 8% prepended, 55% with 1-12 communities, 18% with large communities, 40% with a MED, 3% with an
AGGREGATOR. The feeder is a separate Node process (bench/bgp-table/feeder.ts) that encodes the table once
(${info.messages.toLocaleString('en-US')} UPDATEs of at most 4,096 bytes, ${(info.bytes / 2 ** 20).toFixed(1)} MiB) and sends it to each
receiver as soon as the session is Established, so what is timed is the receiver.

**Receive** (one receiver at a time; order alternates by round; GoBGP once, being far slower). Time is
the feeder's Established (it starts writing the table) -> whole table at the receiver: bgp-core from its
End-of-RIB events, BIRD and GoBGP by polling their CLIs (every 20 / 250 ms, so those carry that much slack). RIB bytes per prefix: bgp-core's V8 heap delta after gc (its Adj-RIB-In and
attribute pool), BIRD's \`show memory\` delta of "Routing tables" + "Route attributes".

| round | receiver | seconds | RIB bytes / prefix | RSS bytes / prefix |
| --- | --- | ---: | ---: | ---: |
${rxRows}

bgp-core / BIRD receive time: ${fmt(rxTime)}x (goal <= 1.5x: ${verdict(rxTime <= 1.5)}).
bgp-core / BIRD RIB bytes per prefix: ${fmt(rxMem)}x (goal <= 1x: ${verdict(rxMem <= 1)}).${gobgp.length ? ` GoBGP took ${fmt(gobgp[0].seconds)} s.` : ''}

**Send**: bgp-core holds the table in its Adj-RIB-Out (loaded through its announce API, not timed)
and sends it to a sink BIRD; against a BIRD that learned the table from the feeder sending it to the same
sink BIRD. Time is the sink's Established (its own protocol state time, in ms: a busy BIRD answers its CLI
late) -> its \`show protocols all\` imported count = ${TOTAL.toLocaleString('en-US')} (polled every 20 ms), the same way for
both senders; the sink's own import is part of both times.

| round | sender | seconds |
| --- | --- | ---: |
${txRows}

bgp-core / BIRD send time: ${fmt(sendCore / sendBird)}x (goal <= 2x: ${verdict(sendCore / sendBird <= 2)}).
Reproduce: \`npx tsx --expose-gc bench/bgp-table/run.ts\` (BENCH_ROUTES, BENCH_ROUNDS, BENCH_GOBGP=off).
`,
  );
  console.log(`receive ${fmt(rxTime)}x time, ${fmt(rxMem)}x memory; send ${fmt(sendCore / sendBird)}x; written to bench/RESULTS.md`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
