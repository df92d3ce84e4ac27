// Subscription fan-out across gateways: 1,000 graphql-ws subscribers to
// bgpSessionChanged, split over two gateway processes on one PostgreSQL; a third
// process (this one, standing in for a bgp-core worker) publishes session state
// changes on PgBus. Latency = publish call -> subscriber's `next` message, same clock.
//   npx tsx bench/fanout/run.ts     (BENCH_SUBSCRIBERS, BENCH_EVENTS, BENCH_INTERVAL_MS to vary)
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createDatabase } from '../../test/helpers/db';
import { PgBus } from '../../src/events/pg-bus';
import type { BgpSessionEvent } from '../../src/events/bus';
import { startPostgres } from '../../test/helpers/postgres';
import { spawnPeerGate, type PeerGateProcess } from '../../test/helpers/process';
import { freePort } from '../../test/interop/daemons';
import { loadavg } from 'node:os';
import { stats, machine, fmt, writeSection, type Stats } from '../lib';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100);
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 200);
const BURST = Number(process.env.BENCH_BURST ?? 50);

const QUERY = 'subscription { bgpSessionChanged { sessionType sessionId routerId remoteAddress remoteAs state previousState uptime receivedPrefixCount advertisedPrefixCount lastError time } }';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function event(seq: number): BgpSessionEvent {
  return {
    sessionType: 'peering.directpeeringsession', sessionId: seq, routerId: 1, remoteAddress: '192.0.2.1', remoteAs: 64500,
    state: seq % 2 ? 'established' : 'idle', previousState: seq % 2 ? 'openconfirm' : 'established', uptime: 0,
    receivedPrefixCount: seq, advertisedPrefixCount: 0, messagesIn: 0, messagesOut: 0, lastError: null, staleFamilies: [], source: 'speaker', time: new Date().toISOString(),
  };
}

interface Run { delivery: Stats; complete: Stats; lost: number }

async function main(): Promise<void> {
  const load = loadavg()[0];
  const pgServer = await startPostgres();
  const procs: PeerGateProcess[] = [];
  const clients: Client[] = [];
  let bus: PgBus | null = null;
  try {
    const url = await createDatabase(pgServer.url, 'fanout');
    const token = randomBytes(20).toString('hex');
    const env = { DATABASE_URL: url, PEERGATE_ADMIN_TOKEN: token, HOST: '127.0.0.1', BGP_WORKER: 'off', LOG_LEVEL: 'warn' };
    const ports = [await freePort('127.0.0.1'), await freePort('127.0.0.1')];
    procs.push(spawnPeerGate('gateway-a', ['serve', '--migrate'], { ...env, PORT: String(ports[0]) }));
    await procs[0].waitForLog('listening', 90_000);
    procs.push(spawnPeerGate('gateway-b', ['serve'], { ...env, PORT: String(ports[1]) }));
    await procs[1].waitForLog('listening', 90_000);

    // Who got which event when: received[seq] counts deliveries, sentAt[seq] is the publish time.
    const sentAt = new Map<number, number>();
    const deliveries: number[] = [];
    const lastDelivery = new Map<number, number>();
    const received = new Map<number, number>();
    let measuring = false;
    // Clients connect in batches: 500 at once per gateway overrun graphql-ws's 3 s init timeout
    // (each connection authenticates its token against the database first).
    const connectStart = Date.now();
    for (let batch = 0; batch < SUBSCRIBERS; batch += 50) {
      const acks: Promise<void>[] = [];
      for (let i = batch; i < Math.min(SUBSCRIBERS, batch + 50); i++) {
        let acked!: () => void;
        acks.push(new Promise<void>((r) => { acked = r; }));
        const c = createClient({
          url: `ws://127.0.0.1:${ports[i % 2]}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Token ${token}` },
          lazy: false, retryAttempts: 5, on: { connected: () => acked() },
        });
        clients.push(c);
        c.subscribe({ query: QUERY }, {
          next: (v) => {
            const now = performance.now();
            const seq = Number((v.data as any).bgpSessionChanged.sessionId);
            received.set(seq, (received.get(seq) ?? 0) + 1);
            const t = sentAt.get(seq);
            if (measuring && t !== undefined) { deliveries.push(now - t); lastDelivery.set(seq, now); }
          },
          error: (e) => console.error('subscription error', e), complete: () => undefined,
        });
      }
      await Promise.all(acks);
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

    const run = async (first: number, count: number, intervalMs: number): Promise<Run> => {
      deliveries.length = 0;
      lastDelivery.clear();
      measuring = true;
      for (let i = 0; i < count; i++) {
        const s = first + i;
        sentAt.set(s, performance.now());
        bus!.publishBgpSession(event(s));
        if (intervalMs) await sleep(intervalMs); else if (i % 20 === 19) await new Promise((r) => setImmediate(r));
      }
      const until = Date.now() + 30_000;
      const expected = count * SUBSCRIBERS;
      while (deliveries.length < expected && Date.now() < until) await sleep(50);
      measuring = false;
      const complete = [...lastDelivery].map(([s, at]) => at - sentAt.get(s)!);
      return { delivery: stats(deliveries, 1), complete: stats(complete, 1), lost: expected - deliveries.length };
    };

    const paced = await run(1, EVENTS, INTERVAL_MS);
    const burst = await run(10_000, BURST, 0);
    const line = (name: string, r: Run, n: number) =>
      `| ${name} | ${n} | ${fmt(r.delivery.p50)} | ${fmt(r.delivery.p99)} | ${fmt(r.complete.p50)} | ${fmt(r.complete.p99)} | ${r.lost} |`;
    const body = `
${SUBSCRIBERS} graphql-ws subscribers to \`bgpSessionChanged\` (all fields), half on each of two gateway processes
(\`peergate serve\`, BGP_WORKER=off) sharing one PostgreSQL 15 server; events published with \`PgBus.publishBgpSession\`
from a third process, which also runs the subscribers (so client-side parsing is part of the time). Latency is from the
publish call to the subscriber's \`next\` message on one clock; "all delivered" is the time until the last of the
${SUBSCRIBERS} subscribers had the event. Machine: ${machine()}; load average ${fmt(load, 1)} at start (shared machine). Date: ${new Date().toISOString().slice(0, 10)}.

Connecting and subscribing all ${SUBSCRIBERS} clients (batches of 50): ${connectMs} ms.

| run | events | p50 delivery (ms) | p99 delivery (ms) | p50 all delivered (ms) | p99 all delivered (ms) | lost |
|---|---:|---:|---:|---:|---:|---:|
${line(`paced, one every ${INTERVAL_MS} ms`, paced, EVENTS)}
${line('burst, back to back', burst, BURST)}

Path: publish -> INSERT into the event log + NOTIFY in one statement (one sender connection per process, in order) -> LISTEN on each gateway -> graphql-yoga pubsub ->
graphql-ws executes the subscription per subscriber -> WebSocket. Reproduce: \`npx tsx bench/fanout/run.ts\`.`;
    console.log(body);
    writeSection('fanout', body);
  } finally {
    await Promise.allSettled(clients.map((c) => c.dispose()));
    await bus?.close();
    await Promise.allSettled(procs.map((p) => p.stop()));
    pgServer.stop();
  }
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
