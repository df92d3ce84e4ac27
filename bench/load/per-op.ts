// Where the load mix's CPU goes: each scenario of bench/load/mix.ts run alone, a few clients at a
// time, against the gateway as run.ts starts it (its own process, PostgreSQL 15, the same seed), with
// the gateway's and PostgreSQL's CPU per request read from /proc around each scenario. Weighted by
// the mix, the table says which operations carry the CPU of a load run (run on demand).
//   npx tsx bench/load/per-op.ts
//   BENCH_BASELINE=<checkout> ...   a second gateway of that checkout (own database on the same server),
//       run alternately with this checkout's, scenario by scenario, round by round
//   PEROP_N=300 PEROP_CLIENTS=4 PEROP_ROUNDS=2   requests per scenario and round, clients, rounds
//   PEROP_ONLY=NSoT,PM REST list   only scenarios whose name contains one of these
//   PEROP_PROF=<dir>   this checkout's gateway runs with --cpu-prof into <dir> (written when it stops)
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createDatabase } from '../../test/helpers/db';
import { startPostgres } from '../../test/helpers/postgres';
import { spawnPeerGate, type PeerGateProcess } from '../../test/helpers/process';
import { productionEntry } from '../production-entry';
import { freePort } from '../../test/interop/daemons';
import { fmt, machine, median, writeSection } from '../lib';
import { cpuMs, postgresCpuMs, postmasterPid } from '../servers';
import { Http } from './http';
import { MIX, client, type Client } from './mix';
import { Recorder } from './recorder';
import { seed } from './seed';

const N = Number(process.env.PEROP_N ?? 300);
const CLIENTS = Number(process.env.PEROP_CLIENTS ?? 4);
const ROUNDS = Number(process.env.PEROP_ROUNDS ?? 2);
const ONLY = process.env.PEROP_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
const WARM_UP = 30;

interface Side { label: string; commit: string; gateway: PeerGateProcess; http: Http; clients: Client[]; rec: Recorder }
interface Sample { requests: number; iterations: number; gatewayMs: number; postgresMs: number; wallMs: number; errors: number }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const commitOf = (dir: string) => execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();

/**
 * A gateway of checkout `dir` started as bench/load/run.ts starts it (as that checkout's `npm start`
 * runs it, whichever side), on a database of its own, seeded.
 */
async function startSide(label: string, dir: string, serverUrl: string, token: string, prof?: string): Promise<Side> {
  const url = await createDatabase(serverUrl, `perop_${randomBytes(4).toString('hex')}`);
  const port = await freePort('127.0.0.1');
  const gateway = spawnPeerGate(label, ['serve', '--migrate'], {
    DATABASE_URL: url, PEERGATE_ADMIN_TOKEN: token, PORT: String(port), HOST: '127.0.0.1', BGP_WORKER: 'off', LOG_LEVEL: 'warn', NODE_ENV: 'production',
    NODE_OPTIONS: '--max-semi-space-size=64', DATABASE_POOL_SIZE: '10',
  }, prof ? ['--cpu-prof', `--cpu-prof-dir=${resolve(prof)}`] : [], productionEntry(dir));
  await gateway.waitFor(/listening/, 120_000);
  const base = `http://127.0.0.1:${port}`;
  const seedHttp = new Http(base, token, 2);
  const data = await seed(url, seedHttp);
  seedHttp.close();
  const http = new Http(base, token, CLIENTS);
  const rec = new Recorder();
  return { label, commit: commitOf(dir), gateway, http, rec, clients: Array.from({ length: CLIENTS }, (_, id) => client(id, http, rec, data)) };
}

/** Runs one scenario on every client of `side` until `n` requests were sent; CPU read from /proc around it. */
async function measure(side: Side, run: (c: Client) => Promise<void>, n: number, postmaster: number): Promise<Sample> {
  const pid = side.gateway.proc.pid!;
  const r0 = side.rec.requests;
  const e0 = side.rec.errorCount;
  const g0 = cpuMs(pid);
  const p0 = postgresCpuMs(postmaster);
  const t0 = performance.now();
  let iterations = 0;
  await Promise.all(side.clients.map(async (c) => {
    while (side.rec.requests - r0 < n) { await run(c); iterations += 1; }
  }));
  const wallMs = performance.now() - t0;
  await sleep(100); // work the gateway finishes after answering (change log, bus) counts for this scenario
  return { requests: side.rec.requests - r0, iterations, gatewayMs: cpuMs(pid) - g0, postgresMs: postgresCpuMs(postmaster) - p0, wallMs, errors: side.rec.errorCount - e0 };
}

const perRequest = (xs: Sample[], k: 'gatewayMs' | 'postgresMs') => median(xs.map((s) => s[k] / s.requests));

function table(sides: Side[], samples: Map<string, Sample[]>[], ops: typeof MIX): string {
  const [a, b] = samples;
  const reqPerIter = (m: typeof MIX[number]) => { const s = a.get(m.name)!; return s.reduce((x, y) => x + y.requests, 0) / s.reduce((x, y) => x + y.iterations, 0); };
  // The mix's CPU per request: each scenario's CPU per iteration times its weight, over the requests those iterations send.
  const mixRequests = ops.reduce((s, m) => s + m.weight * reqPerIter(m), 0);
  const share = (side: Map<string, Sample[]>, m: typeof MIX[number], k: 'gatewayMs' | 'postgresMs') => (m.weight * reqPerIter(m) * perRequest(side.get(m.name)!, k)) / mixRequests;
  const head = b
    ? `| scenario | weight | requests per run | gateway ms/request | baseline | ratio | PostgreSQL ms/request | baseline | ratio | gateway ms in the mix's request | PostgreSQL ms in the mix's request | errors |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`
    : `| scenario | weight | requests per run | gateway ms/request | PostgreSQL ms/request | gateway ms in the mix's request | PostgreSQL ms in the mix's request | errors |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`;
  const rows = ops.map((m) => {
    const g = perRequest(a.get(m.name)!, 'gatewayMs');
    const p = perRequest(a.get(m.name)!, 'postgresMs');
    const errors = samples.reduce((s, side) => s + side.get(m.name)!.reduce((x, y) => x + y.errors, 0), 0);
    const mid = b
      ? `${fmt(g)} | ${fmt(perRequest(b.get(m.name)!, 'gatewayMs'))} | ${fmt(g / perRequest(b.get(m.name)!, 'gatewayMs'))} | ${fmt(p)} | ${fmt(perRequest(b.get(m.name)!, 'postgresMs'))} | ${fmt(p / perRequest(b.get(m.name)!, 'postgresMs'))}`
      : `${fmt(g)} | ${fmt(p)}`;
    return `| ${m.name} | ${m.weight} | ${fmt(reqPerIter(m), 1)} | ${mid} | ${fmt(share(a, m, 'gatewayMs'))} | ${fmt(share(a, m, 'postgresMs'))} | ${errors} |`;
  });
  const total = (side: Map<string, Sample[]>, k: 'gatewayMs' | 'postgresMs') => ops.reduce((s, m) => s + share(side, m, k), 0);
  const sum = (side: Map<string, Sample[]>) => `${fmt(total(side, 'gatewayMs'))} gateway + ${fmt(total(side, 'postgresMs'))} PostgreSQL = ${fmt(total(side, 'gatewayMs') + total(side, 'postgresMs'))} ms`;
  return `${head}\n${rows.join('\n')}\n\nThe mix's CPU per request, weighted: ${sides[0].label} (${sides[0].commit}) ${sum(a)}${b ? `; ${sides[1].label} (${sides[1].commit}) ${sum(b)}` : ''}.`;
}

async function main(): Promise<void> {
  const load = loadavg()[0];
  const token = randomBytes(20).toString('hex');
  const server = await startPostgres();
  const sides: Side[] = [];
  try {
    const postmaster = postmasterPid(join(server.dir, 'data'));
    sides.push(await startSide('this checkout', join(__dirname, '../..'), server.url, token, process.env.PEROP_PROF));
    if (process.env.BENCH_BASELINE) sides.push(await startSide('baseline', resolve(process.env.BENCH_BASELINE), server.url, token));
    const ops = MIX.filter((m) => !ONLY || ONLY.some((o) => m.name.includes(o)));
    const samples = sides.map(() => new Map<string, Sample[]>(ops.map((m) => [m.name, []])));
    for (const side of sides) for (const m of ops) await measure(side, m.run, WARM_UP, postmaster);
    for (let round = 0; round < ROUNDS; round++) {
      for (const m of ops) {
        // Alternating which side goes first, round by round.
        const order = round % 2 ? [...sides.keys()].reverse() : [...sides.keys()];
        for (const i of order) {
          const s = await measure(sides[i], m.run, N, postmaster);
          samples[i].get(m.name)!.push(s);
          console.log(`round ${round + 1} ${sides[i].label} ${m.name}: ${s.requests} requests, gateway ${fmt(s.gatewayMs / s.requests)} ms, PostgreSQL ${fmt(s.postgresMs / s.requests)} ms per request, ${fmt((s.requests * 1000) / s.wallMs, 0)}/s, ${s.errors} errors`);
        }
      }
    }
    const body = `Run ${new Date().toISOString()} on ${machine()}; load average ${fmt(load, 1)} at start, ${fmt(loadavg()[0], 1)} at the end (a shared machine).
\`${process.env.BENCH_BASELINE ? 'BENCH_BASELINE=<checkout> ' : ''}npx tsx bench/load/per-op.ts\`: each scenario of bench/load/mix.ts alone, ${CLIENTS} keep-alive clients,
${N} requests per scenario and round, ${ROUNDS} rounds${sides.length > 1 ? ' alternating the two gateways (each on its own database of one PostgreSQL 15 server, seeded alike)' : ''}, after ${WARM_UP} warm-up requests each;
the gateway started as bench/load/run.ts starts it (each checkout as its \`npm start\` runs it, NODE_ENV=production, pool of 10). CPU from /proc around each scenario (gateway: its process;
PostgreSQL: postmaster and backends), median of the rounds. "In the mix's request": the scenario's CPU times its weight, over the mix's
requests, so the column sums to the CPU of one request of the mix (without the clients' and without the queueing of 200 clients).

${table(sides, samples, ops)}
`;
    console.log(body);
    if (!process.env.PEROP_PROF) writeSection('load per-op', body); // a profiled gateway's CPU is the profiler's too

  } finally {
    for (const s of sides) { s.http.close(); await s.gateway.stop(); }
    server.stop();
  }
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
