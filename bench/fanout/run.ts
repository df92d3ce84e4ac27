// Subscription fan-out across gateways: 1,000 graphql-ws subscribers to
// bgpSessionChanged, split over two gateway processes on one PostgreSQL; a third
// process (this one, standing in for a bgp-core worker) publishes session state
// changes on PgBus. Latency = publish call -> subscriber's `next` message, same clock.
// The subscribers are minimal graphql-transport-ws clients on raw sockets (one JSON.parse per
// message), so that the 500,000 messages of a burst measure the gateways more than the client.
//   npx tsx bench/fanout/run.ts     (BENCH_SUBSCRIBERS, BENCH_EVENTS, BENCH_INTERVAL_MS, BENCH_BURST to vary;
//                                    BENCH_GATEWAY_NODE_OPTIONS for the gateway processes;
//                                    BENCH_SECTION names the bench/RESULTS.md section, default fanout)
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { createDatabase } from '../../test/helpers/db';
import { PgBus } from '../../src/events/pg-bus';
import type { BgpSessionEvent } from '../../src/events/bus';
import { startPostgres } from '../../test/helpers/postgres';
import { spawnPeerGate, type PeerGateProcess } from '../../test/helpers/process';
import { freePort } from '../../test/interop/daemons';
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { stats, machine, fmt, writeSection, type Stats } from '../lib';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100);
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 200);
// A router rebooting with 500 sessions.
const BURST = Number(process.env.BENCH_BURST ?? 500);
const SECTION = process.env.BENCH_SECTION ?? 'fanout';

const QUERY = 'subscription { bgpSessionChanged { sessionType sessionId routerId remoteAddress remoteAs state previousState uptime receivedPrefixCount advertisedPrefixCount lastError time } }';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function event(seq: number): BgpSessionEvent {
  return {
    sessionType: 'peering.directpeeringsession', sessionId: seq, routerId: 1, remoteAddress: '192.0.2.1', remoteAs: 64500,
    state: seq % 2 ? 'established' : 'idle', previousState: seq % 2 ? 'openconfirm' : 'established', uptime: 0,
    receivedPrefixCount: seq, advertisedPrefixCount: 0, messagesIn: 0, messagesOut: 0, lastError: null, staleFamilies: [], source: 'speaker', time: new Date().toISOString(),
  };
}

/** After the last publish of a run: when half, 99 % and all of the run's deliveries had arrived. */
interface Tail { p50: number; p99: number; all: number }
/** CPU time (ms) a run took: this process (publisher and subscribers) and each gateway. */
interface Cpu { client: number; gateways: number[] }
interface Run { delivery: Stats; complete: Stats; afterLast: Tail; lost: number; wallMs: number; cpu: Cpu }

/** User + system CPU time of a process, in ms (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/**
 * A graphql-transport-ws subscriber on a raw socket: connection_init with the token, one
 * subscribe after the ack, `onNext` for each next message's data. Resolves once acknowledged.
 * `onNextFrame` sees each message first and may keep it to be read later (it returns true).
 */
function subscriber(url: string, token: string, onNext: (data: any) => void, onNextFrame: (raw: Buffer) => boolean): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'graphql-transport-ws');
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Token ${token}` } })));
    ws.on('message', (raw: Buffer) => {
      if (onNextFrame(raw)) return;
      const m = JSON.parse(raw.toString());
      if (m.type === 'next') onNext(m.payload.data);
      else if (m.type === 'connection_ack') { ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY } })); resolve(ws); }
      else if (m.type === 'ping') ws.send('{"type":"pong"}');
      else if (m.type === 'error') console.error('subscription error', JSON.stringify(m.payload));
    });
    ws.on('error', reject);
    ws.on('close', (code) => reject(new Error(`closed ${code} before the ack`)));
  });
}

async function main(): Promise<void> {
  const load = loadavg()[0];
  const pgServer = await startPostgres();
  const procs: PeerGateProcess[] = [];
  const clients: WebSocket[] = [];
  let bus: PgBus | null = null;
  try {
    const url = await createDatabase(pgServer.url, 'fanout');
    const token = randomBytes(20).toString('hex');
    // BENCH_GATEWAY_NODE_OPTIONS reaches the gateways (e.g. --cpu-prof to see where a burst goes).
    const env = { DATABASE_URL: url, PEERGATE_ADMIN_TOKEN: token, HOST: '127.0.0.1', BGP_WORKER: 'off', LOG_LEVEL: 'warn', NODE_OPTIONS: process.env.BENCH_GATEWAY_NODE_OPTIONS ?? '' };
    const ports = [await freePort('127.0.0.1'), await freePort('127.0.0.1')];
    procs.push(spawnPeerGate('gateway-a', ['serve', '--migrate'], { ...env, PORT: String(ports[0]) }));
    await procs[0].waitForLog('listening', 90_000);
    procs.push(spawnPeerGate('gateway-b', ['serve'], { ...env, PORT: String(ports[1]) }));
    await procs[1].waitForLog('listening', 90_000);

    // Who got which event when: received[seq] counts deliveries, sentAt[seq] is the publish time.
    const sentAt = new Map<number, number>();
    const deliveries: number[] = [];
    const arrivals: number[] = [];
    const lastDelivery = new Map<number, number>();
    const received = new Map<number, number>();
    let measuring = false;
    const delivered = (data: any, now: number) => {
      const seq = Number(data.bgpSessionChanged.sessionId);
      received.set(seq, (received.get(seq) ?? 0) + 1);
      const t = sentAt.get(seq);
      if (measuring && t !== undefined) { deliveries.push(now - t); arrivals.push(now); lastDelivery.set(seq, now); }
    };
    const onNext = (data: any) => delivered(data, performance.now());
    // While a run measures, a next message's arrival time is taken as it arrives and the message is
    // parsed after the run: otherwise 500,000 JSON.parse calls in this one process (~1.3 s of CPU on
    // this machine) are what the burst measures, not the gateways' delivery.
    const kept: { at: number; raw: Buffer }[] = [];
    const NEXT = Buffer.from('"type":"next"');
    const onNextFrame = (raw: Buffer) => {
      if (!measuring || raw.indexOf(NEXT) < 0) return false;
      kept.push({ at: performance.now(), raw });
      return true;
    };
    const readKept = () => {
      for (const k of kept.splice(0)) {
        const m = JSON.parse(k.raw.toString());
        if (m.type === 'next') delivered(m.payload.data, k.at);
      }
    };
    // Clients connect in batches: 500 at once per gateway overrun graphql-ws's 3 s init timeout
    // (each connection authenticates its token against the database first).
    const connectStart = Date.now();
    for (let batch = 0; batch < SUBSCRIBERS; batch += 50) {
      const size = Math.min(SUBSCRIBERS, batch + 50) - batch;
      clients.push(...(await Promise.all(Array.from({ length: size }, (_, k) => subscriber(`ws://127.0.0.1:${ports[(batch + k) % 2]}/graphql`, token, onNext, onNextFrame)))));
    }
    const connectMs = Date.now() - connectStart;
    bus = await PgBus.connect(url);
    // Warm-up until every subscriber has its subscription running on its gateway.
    let seq = 1_000_000;
    const t0 = Date.now();
    for (;;) {
      const s = seq++;
      sentAt.set(s, performance.now());
      bus.publishBgpSession(event(s));
      await sleep(200);
      if ((received.get(s) ?? 0) === SUBSCRIBERS) break;
      if (Date.now() - t0 > 120_000) throw new Error(`only ${received.get(s) ?? 0} of ${SUBSCRIBERS} subscribers after 2 minutes`);
    }
    console.log(`${SUBSCRIBERS} subscribers live after ${Date.now() - t0} ms`);

    let publishMs = 0;
    const run = async (first: number, count: number, intervalMs: number): Promise<Run> => {
      deliveries.length = 0;
      arrivals.length = 0;
      lastDelivery.clear();
      measuring = true;
      const clientCpu = process.cpuUsage();
      const gatewayCpu = procs.map((p) => cpuMs(p.proc.pid));
      const start = performance.now();
      for (let i = 0; i < count; i++) {
        const s = first + i;
        sentAt.set(s, performance.now());
        bus!.publishBgpSession(event(s));
        if (intervalMs) await sleep(intervalMs); else if (i % 20 === 19) await new Promise((r) => setImmediate(r));
      }
      // A publish is queued: the last event is out once the bus has sent it (INSERT + NOTIFY committed).
      await bus!.flushed();
      const lastPublish = performance.now();
      publishMs = lastPublish - start;
      const until = Date.now() + 120_000;
      const expected = count * SUBSCRIBERS;
      while (kept.length < expected && Date.now() < until) await sleep(20);
      readKept();
      measuring = false;
      const wallMs = performance.now() - start;
      const used = process.cpuUsage(clientCpu);
      const cpu = { client: (used.user + used.system) / 1000, gateways: procs.map((p, i) => cpuMs(p.proc.pid) - gatewayCpu[i]) };
      const complete = [...lastDelivery].map(([s, at]) => at - sentAt.get(s)!);
      const tail = arrivals.map((at) => at - lastPublish).sort((a, b) => a - b);
      const at = (q: number) => (tail.length ? tail[Math.min(tail.length - 1, Math.floor(q * tail.length))] : NaN);
      return { delivery: stats(deliveries, 1), complete: stats(complete, 1), afterLast: { p50: at(0.5), p99: at(0.99), all: tail[tail.length - 1] ?? NaN }, lost: expected - deliveries.length, wallMs, cpu };
    };

    const paced = await run(1, EVENTS, INTERVAL_MS);
    const burst = await run(10_000, BURST, 0);
    const burstPublishMs = publishMs;
    const line = (name: string, r: Run, n: number) =>
      `| ${name} | ${n} | ${fmt(r.delivery.p50)} | ${fmt(r.delivery.p99)} | ${fmt(r.complete.p99)} | ${fmt(r.afterLast.p50)} | ${fmt(r.afterLast.p99)} | ${fmt(r.afterLast.all)} | ${r.lost} | ${r.cpu.gateways.map((c) => fmt(c, 0)).join(' + ')} | ${fmt(r.cpu.client, 0)} |`;
    const loadAfter = loadavg()[0];
    const body = `
${SUBSCRIBERS} graphql-ws subscribers to \`bgpSessionChanged\` (all fields), half on each of two gateway processes
(\`peergate serve\`, BGP_WORKER=off) sharing one PostgreSQL 15 server; events published with \`PgBus.publishBgpSession\`
from a third process, which also runs the subscribers (graphql-transport-ws clients on the ws library; during a run a
\`next\` message's arrival time is taken when ws hands it over and its JSON is parsed after the run). Latency is from the publish call to the subscriber's
\`next\` message on one clock; "all delivered" is the time until the last of the ${SUBSCRIBERS} subscribers had an event;
"after last publish" is when half, 99 % and all of a run's deliveries had arrived, counted from the moment the bus had sent the run's last event (its INSERT + NOTIFY committed).
CPU columns: CPU time each gateway process and this process (publisher and all subscribers) used during the run.
Machine: ${machine()}; load average ${fmt(load, 1)} at start, ${fmt(loadAfter, 1)} at the end (shared machine). Date: ${new Date().toISOString().slice(0, 10)}.

Connecting and subscribing all ${SUBSCRIBERS} clients (batches of 50): ${connectMs} ms. Burst: publishing the ${BURST} events took ${fmt(burstPublishMs, 0)} ms (first publish call to the bus having sent the last); first publish to last delivery ${fmt(burst.wallMs, 0)} ms.

| run | events | p50 delivery (ms) | p99 delivery (ms) | p99 all delivered (ms) | p50 after last publish (ms) | p99 after last publish (ms) | all after last publish (ms) | lost | gateways CPU (ms) | client CPU (ms) |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${line(`paced, one every ${INTERVAL_MS} ms`, paced, EVENTS)}
${line('burst, back to back', burst, BURST)}

Path: publish -> INSERT into the event log + NOTIFY, what was published meanwhile in the same statement (one sender connection per process, in order) ->
LISTEN on each gateway, the notifications heard at once delivered as one batch -> per group of subscribers with the same document, variables and rights:
one bus listener, each subscriber's own filter, one execution and one serialization per event -> the batch's \`next\` frames written to each socket in one write.
Reproduce: \`npx tsx bench/fanout/run.ts\`.`;
    console.log(body);
    writeSection(SECTION, body);
  } finally {
    for (const c of clients) c.terminate();
    await bus?.close();
    await Promise.allSettled(procs.map((p) => p.stop()));
    pgServer.stop();
  }
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
