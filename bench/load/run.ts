// Reliability under concurrent load: a real PostgreSQL, the gateway as its own process
// (`peergate serve --migrate`), a seeded dataset, then N keep-alive clients running a
// weighted mix over GraphQL and every REST dialect. Any error fails the run.
//   npx tsx bench/load/run.ts [--clients 200] [--seconds 60] [--pool 10] [--processes 1]   --pool: DATABASE_POOL_SIZE
//       (per process); --processes: GATEWAY_PROCESSES, gateway processes serving the port
//   npx tsx bench/load/run.ts --soak [--minutes 30] [--clients 50]   RSS/fd sampled every 30 s
//   npx tsx bench/load/run.ts --bgp [--clients 200] [--seconds 60]  plus a 3 s hold-time BIRD session run by
//       the gateway's embedded speaker thread, and both event loops' delay (section load-bgp)
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../../test/helpers/postgres';
import { spawnPeerGate } from '../../test/helpers/process';
import { freePort } from '../../test/interop/daemons';
import { machine, fmt, writeSection } from '../lib';
import { postmasterPid } from '../servers';
import { cpuReport, readCpu } from './cpu';
import { Http } from './http';
import { Recorder } from './recorder';
import { runClients } from './mix';
import { seed, type Dataset } from './seed';
import { entryWords, productionEntry } from '../production-entry';
import { rssSlope, sampleProc, type ProcSample } from './proc';
import { establish, loopTable, loopWindow, sessionVerdict, startBgpPeer, type BgpSetup, type LoopWindow, type Session } from './bgp-session';

const SAMPLE_EVERY_S = 30;
const WARM_UP = 0.2;
// Soak limits: RSS trend after warm-up, and sockets left open once the clients are gone
// (the database pool holds up to --pool connections and closes idle ones on its own schedule).
const MAX_GROWTH_MIB = 64;
const MAX_GROWTH_RATIO = 0.2;
const MAX_FD_DELTA = 12;

// Issue 16's baseline: the 200-client run of 2026-12-01 (0 errors); its goal is >= 4x with 0 errors.
const BASELINE = { requestsPerSecond: 109.2, date: '2026-12-01', clients: 200 };
const GOAL_FACTOR = 4;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Acquires waiting for a database connection, from the gateway's /metrics: where the clients queue. */
async function poolWaiting(base: string, seen: (text: string) => void = () => undefined): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  seen(text);
  return Number(/peergate_db_pool_connections\{state="pending"\} (\d+)/.exec(text)?.[1] ?? 0);
}

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name}: expected a positive number`);
  return v;
}

function opTable(rec: Recorder): string {
  const rows = rec.results().sort((a, b) => a.op.localeCompare(b.op)).map((r) => `| ${r.op} | ${r.n} | ${r.errors} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.max)} |`);
  return ['| op | n | errors | p50 ms | p99 ms | max ms |', '| --- | ---: | ---: | ---: | ---: | ---: |', ...rows].join('\n');
}

const procLine = (label: string, p: ProcSample) => `| ${label} | ${fmt(p.rssMiB, 1)} | ${p.fds} |`;

function datasetLine(d: Dataset): string {
  return Object.entries(d.counts).map(([k, v]) => `${v.toLocaleString('en')} ${k}`).join(', ');
}

/** The soak verdict: RSS trend after warm-up and fds after the clients disconnected. */
function soakVerdict(samples: ProcSample[], before: ProcSample, after: ProcSample, seconds: number): { pass: boolean; text: string } {
  const steady = samples.filter((s) => s.atS >= WARM_UP * seconds);
  const span = steady.length ? steady[steady.length - 1].atS - steady[0].atS : 0;
  const growth = rssSlope(steady) * span;
  const base = steady[0]?.rssMiB ?? before.rssMiB;
  const fdDelta = after.fds - before.fds;
  const pass = growth < MAX_GROWTH_MIB && growth < MAX_GROWTH_RATIO * base && Math.abs(fdDelta) <= MAX_FD_DELTA;
  return {
    pass,
    text: `RSS linear trend after warm-up (first ${WARM_UP * 100}%, ${steady.length} samples over ${fmt(span, 0)} s): ${growth >= 0 ? '+' : ''}${fmt(growth, 1)} MiB `
      + `(${fmt((100 * growth) / base, 1)}% of ${fmt(base, 1)} MiB; limit < ${MAX_GROWTH_MIB} MiB and < ${MAX_GROWTH_RATIO * 100}%). `
      + `Open fds after the clients disconnected: ${after.fds} vs ${before.fds} before the load (delta ${fdDelta}; limit ±${MAX_FD_DELTA}). **${pass ? 'PASS' : 'FAIL'}**.`,
  };
}

/** Against issue 16's baseline, for the 200-client run. */
function baselineVerdict(perSecond: number, errors: number): string {
  const factor = perSecond / BASELINE.requestsPerSecond;
  const met = factor >= GOAL_FACTOR && errors === 0;
  return `${fmt(factor)}x the ${BASELINE.requestsPerSecond} requests/s of ${BASELINE.date} (goal >= ${GOAL_FACTOR}x with 0 errors): **${met ? 'met' : 'NOT met'}**.`;
}

async function main(): Promise<number> {
  const soak = process.argv.includes('--soak');
  const withBgp = process.argv.includes('--bgp');
  const clients = arg('--clients', soak ? 50 : 200);
  const seconds = soak ? arg('--minutes', 30) * 60 : arg('--seconds', 60);
  const poolSize = arg('--pool', 10);
  const processes = arg('--processes', 1);
  const command = `npx tsx bench/load/run.ts ${process.argv.slice(2).join(' ')}`.trim();
  const load = loadavg()[0];
  const token = randomBytes(20).toString('hex');
  const pgServer = await startPostgres();
  const port = await freePort('127.0.0.1');
  const bgp: BgpSetup | null = withBgp ? await startBgpPeer() : null;
  // As `npm start` runs it (the compiled dist/, production graphql-js, a larger young generation): the load a deployment sees.
  const entry = productionEntry(join(__dirname, '../..'));
  const gateway = spawnPeerGate('gateway', ['serve', '--migrate'], {
    DATABASE_URL: pgServer.url, PEERGATE_ADMIN_TOKEN: token, PORT: String(port), HOST: '127.0.0.1', BGP_WORKER: bgp ? 'embedded' : 'off', LOG_LEVEL: 'warn', NODE_ENV: 'production', NODE_OPTIONS: '--max-semi-space-size=64', DATABASE_POOL_SIZE: String(poolSize), GATEWAY_PROCESSES: String(processes),
  }, [], entry);
  const base = `http://127.0.0.1:${port}`;
  const http = new Http(base, token, clients);
  try {
    const banner = await gateway.waitForLog('listening', 120_000);
    // The primary, and the processes it started when there are several.
    const pids = [gateway.proc.pid!, ...((banner.pids as number[] | undefined) ?? [])];
    const t0 = performance.now();
    const seedHttp = new Http(base, token, 2);
    const data = await seed(pgServer.url, seedHttp);
    seedHttp.close();
    console.log(`seeded in ${fmt((performance.now() - t0) / 1000, 1)} s: ${datasetLine(data)}`);
    let session: Session | null = null;
    const windows: LoopWindow[] = [];
    if (bgp) {
      session = await establish(http, bgp);
      console.log(`BGP session ${session.id} Established with BIRD`);
    }
    await sleep(1000);
    const before = sampleProc(pids);
    const sessionBefore = session ? await session.view() : null;
    if (bgp) await fetch(`${base}/metrics`); // starts both loops' windows

    const rec = new Recorder();
    const postmaster = postmasterPid(join(pgServer.dir, 'data'));
    const cpuBefore = readCpu(pids, postmaster);
    const started = Date.now();
    const samples: ProcSample[] = [sampleProc(pids, 0)];
    let maxWaiting = 0;
    const progress = setInterval(async () => {
      const s = sampleProc(pids, (Date.now() - started) / 1000);
      if (soak) samples.push(s);
      const waiting = await poolWaiting(base, (text) => { if (bgp) windows.push(loopWindow(text, (Date.now() - started) / 1000)); }).catch(() => 0);
      maxWaiting = Math.max(maxWaiting, waiting);
      console.log(`${fmt(s.atS, 0)} s: ${rec.requests} requests, ${rec.errorCount} errors, RSS ${fmt(s.rssMiB, 1)} MiB, ${s.fds} fds, ${waiting} waiting for a database connection`);
    }, (soak ? SAMPLE_EVERY_S : 10) * 1000);
    await runClients(clients, started + seconds * 1000, http, rec, data);
    clearInterval(progress);
    const cpuAfter = readCpu(pids, postmaster);
    const wallS = (Date.now() - started) / 1000;
    const end = sampleProc(pids, wallS);
    if (bgp) windows.push(loopWindow(await (await fetch(`${base}/metrics`)).text(), wallS));
    const sessionAfter = session ? await session.view() : null;
    const birdAfter = session ? await session.bird() : '';
    if (soak && wallS - samples[samples.length - 1].atS > SAMPLE_EVERY_S / 2) samples.push(end); // unless the last tick just took it
    http.close();
    await sleep(2000);
    const after = sampleProc(pids, (Date.now() - started) / 1000);

    const errors = rec.errorCount;
    // The gateway runs at LOG_LEVEL=warn: every line it printed after starting is a warning or an error.
    const logged = gateway.output().split('\n').filter((l) => /"level":(40|50|60)/.test(l));
    const errorText = errors
      ? `\nFirst errors:\n\n\`\`\`\n${rec.firstErrors.join('\n')}\n\`\`\`\n` : '';
    const verdict = soak ? soakVerdict(samples, before, after, seconds) : null;
    const bgpVerdict = sessionBefore && sessionAfter ? sessionVerdict(sessionBefore, sessionAfter, birdAfter, wallS) : null;
    const body = `Run ${new Date().toISOString()} on ${machine()}; load average ${fmt(load, 1)} at start. The machine is shared
with other jobs running tests, so latencies are noisy; the load clients (this process), the gateway and PostgreSQL share its cores.
\`${command}\`: PostgreSQL 15 (throwaway server), the gateway as its own ${processes > 1 ? `${processes} processes on one port (GATEWAY_PROCESSES=${processes}; the pool is per process)` : 'process'} (\`peergate serve --migrate\` from ${entryWords(entry)}, NODE_ENV=production, BGP_WORKER=${bgp ? 'embedded' : 'off'},
database pool of ${poolSize}), ${clients} keep-alive clients for ${fmt(wallS, 0)} s running a weighted mix (about a quarter writes; each
client writes only ASNs of its own range, so any non-2xx or GraphQL error is a fault). Seeded first: ${datasetLine(data)}.
yabgp's peer routes need a running bgp-core worker, so only its version document (\`GET /v1/\`) is in the mix.
${soak ? `This is the soak variant, ${fmt(seconds / 60, 0)} minutes${seconds === 1800 ? '' : ' (the full 30-minute soak, `npx tsx bench/load/run.ts --soak`, is run on demand)'}.\n` : ''}
| op | n | errors | p50 ms | p99 ms | max ms |
${opTable(rec).split('\n').slice(1).join('\n')}

**${rec.requests} requests, ${errors} errors, ${fmt(rec.requests / wallS, 1)} requests/s.** Warnings and errors in the gateway's log: ${logged.length}.${!soak && !bgp && clients === BASELINE.clients ? `\n${baselineVerdict(rec.requests / wallS, errors)}` : ''}
At most ${maxWaiting} acquires were waiting for one of the ${processes > 1 ? 'answering process\'s' : 'gateway\'s'} ${poolSize} database connections when sampled (every ${soak ? SAMPLE_EVERY_S : 10} s,
from /metrics); with many more clients than connections, most of the latency is that wait (compare \`GET /v1/\`, which needs no database).

${cpuReport(cpuBefore, cpuAfter, rec.requests)}
${errorText}
| gateway ${processes > 1 ? `(${processes + 1} processes: the primary and ${processes})` : 'process'} | RSS MiB | open fds |
| --- | ---: | ---: |
${procLine('before the load (after seeding)', before)}
${procLine('end of the load (clients connected)', end)}
${procLine('2 s after the clients disconnected', after)}
${bgpVerdict ? `\nThe gateway ran bgp-core embedded (BGP_WORKER=embedded): its speaker in a worker thread, with one session to BIRD (hold time 3 s, keepalive 1 s).
Event-loop delay of the gateway's main loop (requests) and of the speaker thread's loop, measured alike (perf_hooks.monitorEventLoopDelay, 1 ms resolution,
so an idle loop shows about 1 ms), each window since the previous /metrics scrape (every 10 s):

${loopTable(windows)}

${bgpVerdict.text}
` : ''}${soak ? `\nSamples every ${SAMPLE_EVERY_S} s:\n\n| s | RSS MiB | open fds |\n| ---: | ---: | ---: |\n${samples.map((s) => `| ${fmt(s.atS, 0)} | ${fmt(s.rssMiB, 1)} | ${s.fds} |`).join('\n')}\n\n${verdict!.text}\n` : ''}`;
    console.log(body);
    writeSection(soak ? 'soak' : bgp ? 'load-bgp' : 'load', body);
    if (logged.length) console.error(`gateway warnings and errors (last 20):\n${logged.slice(-20).join('\n')}`);
    return errors || logged.length || (verdict && !verdict.pass) || (bgpVerdict && !bgpVerdict.pass) ? 1 : 0;
  } finally {
    http.close();
    await gateway.stop();
    await bgp?.bird.stop();
    pgServer.stop();
  }
}

main().then((code) => process.exit(code), (e) => { console.error(e); process.exit(1); });
