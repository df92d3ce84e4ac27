// The load run of bench/load/run.ts for two checkouts of PeerGate on this machine, alternating:
// this checkout and a baseline (issue 16's goal is a factor over the code of 2026-12-01, whose
// 109.2 requests/s were measured on another machine). Each run gets its own throwaway PostgreSQL
// server, the same seed and the same 200 clients; the gateways run as run.ts runs them, each as its
// checkout's `npm start` runs it (NODE_ENV=production, --max-semi-space-size=64, pool of 10). Rounds rotate which side goes first.
//   npx tsx bench/load/versus.ts <baseline checkout, its own node_modules installed> [--rounds 2] [--seconds 60] [--clients 200]
//   e.g. mkdir /tmp/base && git archive 7d6acbc | tar -x -C /tmp/base && (cd /tmp/base && npm ci)
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { startPostgres } from '../../test/helpers/postgres';
import { spawnPeerGate, type Entry, type PeerGateProcess } from '../../test/helpers/process';
import { entryWords, productionEntry } from '../production-entry';
import { freePort } from '../../test/interop/daemons';
import { fmt, machine, median, writeSection } from '../lib';
import { postmasterPid } from '../servers';
import { readCpu } from './cpu';
import { Http } from './http';
import { runClients } from './mix';
import { Recorder } from './recorder';
import { seed } from './seed';

interface Side { label: string; dir: string; commit: string; entry: Entry }
interface Run { side: Side; round: number; perSecond: number; requests: number; errors: number; gatewayMs: number; postgresMs: number; clientsMs: number; busy: number; ops: Map<string, { p50: number; p99: number }> }

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name}: expected a positive number`);
  return v;
}

const commitOf = (dir: string) => execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();

/** A checkout's commit: git's when it is a worktree, else the name `git archive <commit>` extracts carry in their directory. */
function sideOf(label: string, dir: string): Side {
  let commit: string;
  try { commit = commitOf(dir); } catch { commit = /([0-9a-f]{7,40})\/?$/.exec(dir)?.[1] ?? dir; }
  return { label, dir, commit, entry: productionEntry(dir) };
}

/** The gateway of checkout `side` as run.ts starts it: as that checkout's `npm start` runs it (bench/production-entry). */
async function startGateway(side: Side, env: Record<string, string>): Promise<PeerGateProcess> {
  const gateway = spawnPeerGate(`gateway ${side.label}`, ['serve', '--migrate'], env, [], side.entry);
  await gateway.waitFor(/listening/, 120_000);
  return gateway;
}

async function runOnce(side: Side, round: number, clients: number, seconds: number): Promise<Run> {
  const token = randomBytes(20).toString('hex');
  const pg = await startPostgres();
  const port = await freePort('127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  const http = new Http(base, token, clients);
  let gateway: PeerGateProcess | null = null;
  try {
    gateway = await startGateway(side, {
      DATABASE_URL: pg.url, PEERGATE_ADMIN_TOKEN: token, PORT: String(port), HOST: '127.0.0.1', BGP_WORKER: 'off', LOG_LEVEL: 'warn',
      NODE_ENV: 'production', NODE_OPTIONS: '--max-semi-space-size=64', DATABASE_POOL_SIZE: '10',
    });
    const seedHttp = new Http(base, token, 2);
    const data = await seed(pg.url, seedHttp);
    seedHttp.close();
    await new Promise((r) => setTimeout(r, 1000));
    const pids = [gateway.proc.pid!];
    const postmaster = postmasterPid(join(pg.dir, 'data'));
    const rec = new Recorder();
    const before = readCpu(pids, postmaster);
    const started = Date.now();
    await runClients(clients, started + seconds * 1000, http, rec, data);
    const after = readCpu(pids, postmaster);
    const wallS = (Date.now() - started) / 1000;
    const per = (k: 'gateway' | 'postgres' | 'clients') => (after[k] - before[k]) / rec.requests;
    const run: Run = {
      side, round, perSecond: rec.requests / wallS, requests: rec.requests, errors: rec.errorCount,
      gatewayMs: per('gateway'), postgresMs: per('postgres'), clientsMs: per('clients'),
      busy: (after.machineBusy - before.machineBusy) / (after.machineTotal - before.machineTotal),
      ops: new Map(rec.results().map((r) => [r.op, { p50: r.p50, p99: r.p99 }])),
    };
    if (rec.errorCount) console.error(`${side.label}: ${rec.errorCount} errors, first: ${rec.firstErrors.join('\n')}`);
    console.log(`${side.label} (${side.commit}): ${fmt(run.perSecond, 1)} requests/s, ${run.errors} errors, CPU/request gateway ${fmt(run.gatewayMs)} PostgreSQL ${fmt(run.postgresMs)} clients ${fmt(run.clientsMs)} ms, ${fmt(100 * run.busy, 0)}% busy`);
    return run;
  } finally {
    http.close();
    await gateway?.stop();
    pg.stop();
  }
}

function report(runs: Run[], sides: Side[], command: string, load: number, seconds: number, clients: number): string {
  const of = (s: Side) => runs.filter((r) => r.side === s);
  const [ours, base] = sides;
  const perRound = runs.map((r) => `| ${r.round + 1} | ${r.side.label} (${r.side.commit}) | ${fmt(r.perSecond, 1)} | ${r.errors} | ${fmt(r.gatewayMs)} | ${fmt(r.postgresMs)} | ${fmt(r.clientsMs)} | ${fmt(100 * r.busy, 0)}% |`);
  const rate = (s: Side) => median(of(s).map((r) => r.perSecond));
  const ops = [...new Set(runs.flatMap((r) => [...r.ops.keys()]))].sort();
  const opMedian = (s: Side, op: string, k: 'p50' | 'p99') => median(of(s).map((r) => r.ops.get(op)?.[k] ?? Number.NaN));
  const opRows = ops.map((op) => `| ${op} | ${fmt(opMedian(ours, op, 'p50'), 0)} | ${fmt(opMedian(ours, op, 'p99'), 0)} | ${fmt(opMedian(base, op, 'p50'), 0)} | ${fmt(opMedian(base, op, 'p99'), 0)} |`);
  const errors = runs.reduce((s, r) => s + r.errors, 0);
  const factor = rate(ours) / rate(base);
  return `Run ${new Date().toISOString()} on ${machine()}; load average ${fmt(load, 1)} at start.
\`${command}\`: bench/load/run.ts's load (${clients} keep-alive clients for ${seconds} s, the weighted mix, PostgreSQL 15, a fresh server and
the same seed per run, the gateway as its own process with NODE_ENV=production, --max-semi-space-size=64, pool of 10), once per side and round,
the sides alternating. Each side's gateway runs as its checkout's \`npm start\` does: ${sides.map((s) => `${s.label} from ${entryWords(s.entry)}`).join(', ')}. CPU per request from /proc (gateway process, PostgreSQL's postmaster and backends, the clients' process).

| round | side | requests/s | errors | gateway ms | PostgreSQL ms | clients ms | machine busy |
| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |
${perRound.join('\n')}

Median requests/s: ${ours.label} ${fmt(rate(ours), 1)}, ${base.label} ${fmt(rate(base), 1)}: **${fmt(factor)}x** (${errors} errors in all runs).

| op (median over rounds) | ${ours.label} p50 ms | ${ours.label} p99 ms | ${base.label} p50 ms | ${base.label} p99 ms |
| --- | ---: | ---: | ---: | ---: |
${opRows.join('\n')}`;
}

async function main(): Promise<number> {
  const baseDir = process.argv[2];
  if (!baseDir || baseDir.startsWith('--')) throw new Error('usage: npx tsx bench/load/versus.ts <baseline checkout> [--rounds 2] [--seconds 60] [--clients 200]');
  const rounds = arg('--rounds', 2);
  const seconds = arg('--seconds', 60);
  const clients = arg('--clients', 200);
  const load = loadavg()[0];
  const sides = [sideOf('this checkout', resolve(__dirname, '../..')), sideOf('baseline', resolve(baseDir))];
  const runs: Run[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [sides[1], sides[0]] : sides;
    for (const side of order) runs.push(await runOnce(side, round, clients, seconds));
  }
  // Rows in round order, this checkout first within each round, whichever ran first.
  runs.sort((a, b) => a.round - b.round || sides.indexOf(a.side) - sides.indexOf(b.side));
  const body = report(runs, sides, `npx tsx bench/load/versus.ts ${process.argv.slice(2).join(' ')}`, load, seconds, clients);
  console.log(body);
  writeSection('load versus a baseline checkout', body);
  return runs.some((r) => r.errors) ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => { console.error(e); process.exit(1); });
