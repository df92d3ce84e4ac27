// Bulk create through the Peering Manager REST dialect against the floor: one
// POST of 10,000 autonomous systems (validation, uniqueness, one transaction,
// change log, full representations back) versus one raw multi-row INSERT of the
// same rows. Each gateway is its own process (`peergate serve`); the raw INSERT runs
// in this process on a database of its own. Rounds alternate the paths (and rotate
// their order), so the ratios compare runs made under the same load.
//   npx tsx bench/rest-bulk/run.ts                   (embedded PGlite in memory)
//   BENCH_DB=postgres npx tsx bench/rest-bulk/run.ts (a throwaway PostgreSQL 15 server)
//   BENCH_BASELINE=<dir>[,<dir>...] ...   also runs the gateway of other checkouts of PeerGate (before/after,
//                              or several steps side by side in the same rounds),
//                              e.g. mkdir /tmp/base && git archive <commit> | tar -x -C /tmp/base &&
//                              ln -s $PWD/node_modules /tmp/base/node_modules
//   BENCH_CPU_PROF=<dir> ...   gateways run with --cpu-prof and write their profiles there when the run ends
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { startPeerGate } from '../../src/server';
import { machine, fmt, writeSection } from '../lib';
import { startPostgres, type PgServer } from '../../test/helpers/postgres';
import { createDatabase } from '../../test/helpers/db';
import { freePort } from '../../test/helpers/cli';
import { productionEntry } from '../production-entry';

const N = Number(process.env.BENCH_ROWS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function waitFor(ok: () => Promise<boolean>, timeoutMs: number, why: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(why());
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Gateway { label: string; proc: ChildProcess; url: string; out: () => string }

/** `peergate serve --migrate` of the checkout in `dir`, on its own database. */
async function startGateway(label: string, dir: string, databaseUrl: string, token: string): Promise<Gateway> {
  const port = await freePort();
  // As the checkout's `npm start` runs it (compiled dist/ where it has a build, production mode, the larger young generation).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const entry = productionEntry(dir);
  const proc = spawn(process.execPath, ['--max-semi-space-size=64', ...profile, ...entry.argv, 'serve', '--migrate'], {
    cwd: entry.cwd, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'production', DATABASE_URL: databaseUrl, PEERGATE_ADMIN_TOKEN: token, PORT: String(port), HOST: '127.0.0.1', BGP_WORKER: 'off', LOG_LEVEL: 'warn', BODY_LIMIT: '50mb' },
  });
  let out = '';
  proc.stdout!.on('data', (d) => { out += d; });
  proc.stderr!.on('data', (d) => { out += d; });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(async () => proc.exitCode === null && (await fetch(`${base}/readyz`).catch(() => null))?.status === 200, 180_000, () => `${label} not ready:\n${out.slice(-2000)}`);
  return { label, proc, url: `${base}/api/peering/autonomous-systems/`, out: () => out };
}

/** CPU seconds a process has used (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Waits until the process has used under 20 ms of CPU in 500 ms (work after the response, such as publishing events). */
async function quiet(pid: number, maxMs = 30_000): Promise<void> {
  const end = Date.now() + maxMs;
  let last = cpuSeconds(pid);
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 500));
    const now = cpuSeconds(pid);
    if (now - last < 0.02) return;
    last = now;
  }
}

async function main(): Promise<void> {
  const token = randomBytes(20).toString('hex');
  const server: PgServer | null = process.env.BENCH_DB === 'postgres' ? await startPostgres() : null;
  const dbUrl = async (name: string) => (server ? createDatabase(server.url, name) : 'pglite://memory');
  const root = join(__dirname, '../..');
  const baselineDir = process.env.BENCH_BASELINE;
  const gateways: Gateway[] = [];
  process.on('exit', () => { for (const g of gateways) g.proc.kill('SIGKILL'); server?.stop(); });
  gateways.push(await startGateway('this checkout', root, await dbUrl('bench_after'), token));
  if (baselineDir) for (const [k, dir] of baselineDir.split(',').entries()) gateways.push(await startGateway(`baseline (${dir})`, dir, await dbUrl(`bench_before${k}`), token));
  // The floor's database, in this process (PGlite runs where it is opened).
  const config = loadConfig({ ...process.env, DATABASE_URL: await dbUrl('bench_raw'), PEERGATE_ADMIN_TOKEN: token, PORT: '0', HOST: '127.0.0.1', BGP_WORKER: 'off' });
  const pg = await startPeerGate(config, { migrate: true, port: 0, host: '127.0.0.1' });
  const conn = pg.orm.em.fork().getConnection();
  let next = 100_000;
  const batch = () => Array.from({ length: N }, () => { next += 1; return { asn: next, name: `Network ${next}`, irr_as_set: `AS-NET${next}`, ipv4_max_prefixes: next % 1000 }; });

  const viaRest = async (g: Gateway): Promise<{ ms: number; cpu: number }> => {
    const body = JSON.stringify(batch());
    const pid = g.proc.pid!;
    const cpu0 = cpuSeconds(pid);
    const t = performance.now();
    const res = await fetch(g.url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: `Token ${token}` }, body })
      .catch((e) => { throw new Error(`${g.label}: ${e.cause ?? e}\n${g.out().slice(-2000)}`); });
    const out = await res.json() as Record<string, unknown>[];
    const ms = performance.now() - t;
    if (res.status !== 201 || out.length !== N || typeof out[0].display !== 'string') throw new Error(`${g.label} bulk POST: ${res.status} ${JSON.stringify(out).slice(0, 300)}`);
    await quiet(pid);
    return { ms, cpu: cpuSeconds(pid) - cpu0 };
  };
  const viaRawSql = async (): Promise<number> => {
    const rows = batch();
    const t = performance.now();
    // Literal values (generated here, quote-free): 40,000 bind parameters overflow PGlite's protocol buffer.
    const values = rows.map((r) => `(${r.asn}, '${r.name}', '${r.irr_as_set}', ${r.ipv4_max_prefixes}, 0, '', '', true, true, true, true, true, true, '', '', '', false, '[]', now(), now())`);
    await conn.execute(`insert into peering_autonomoussystem (asn, name, irr_as_set, ipv4_max_prefixes, ipv6_max_prefixes, description, comments,
        name_peeringdb_sync, irr_as_set_peeringdb_sync, ipv4_max_prefixes_peeringdb_sync, ipv6_max_prefixes_peeringdb_sync,
        retrieve_prefixes, retrieve_as_list, irr_sources_override, irr_ipv6_prefixes_args_override, irr_ipv4_prefixes_args_override, affiliated, as_list, created, updated)
      values ${values.join(', ')} returning id`);
    return performance.now() - t;
  };

  const load = loadavg()[0];
  const rest = gateways.map(() => ({ ms: [] as number[], cpu: [] as number[] }));
  const raw: number[] = [];
  // One warm-up of each path (first requests compile documents and JIT the code).
  for (const g of gateways) await viaRest(g);
  await viaRawSql();
  const steps = [...gateways.map((_, i) => i), -1];
  for (let round = 0; round < ROUNDS; round++) {
    const order = steps.map((_, i) => steps[(i + round) % steps.length]);
    for (const i of order) {
      if (i < 0) raw.push(await viaRawSql());
      else { const r = await viaRest(gateways[i]); rest[i].ms.push(r.ms); rest[i].cpu.push(r.cpu); }
    }
    console.log(`round ${round + 1}: ${gateways.map((g, i) => `${g.label} ${fmt(rest[i].ms[round], 0)} ms`).join(', ')}, raw ${fmt(raw[round], 0)} ms`);
  }
  const w = median(raw);
  const db = server ? 'PostgreSQL 15 server (local)' : 'embedded PGlite (in memory)';
  const rowsOf = gateways.map((g, i) => {
    const r = median(rest[i].ms);
    const ratios = rest[i].ms.map((ms, k) => ms / raw[k]);
    return `| REST bulk POST, ${g.label} | ${fmt(r, 0)} | ${fmt(median(rest[i].cpu), 2)} | ${fmt(median(ratios), 1)}x (${fmt(Math.min(...ratios), 1)}–${fmt(Math.max(...ratios), 1)}) |`;
  });
  const body = `Run ${new Date().toISOString().slice(0, 10)} on ${machine()}; ${db}; load average ${fmt(load, 1)} at start (shared machine: read the ratios).
One \`POST /api/peering/autonomous-systems/\` with a list of ${N.toLocaleString('en')} new autonomous systems (validated, uniqueness-checked,
written in one transaction with one change-log row each, returned as full representations), versus one raw multi-row
INSERT of the same rows. Each gateway is its own \`peergate serve\` process, run as its checkout's \`npm start\` runs it (the compiled dist/ where the checkout has a build, NODE_ENV=production, --max-semi-space-size=64) on its own database; the raw INSERT runs in the
benchmark's process on a third. ${ROUNDS} rounds after one warm-up of each path; each round runs every path once, in an order
rotated per round, on fresh ASNs. Gateway CPU counts the gateway process from the request until it is idle again (so the
event publishing after the response is included).

| path | median ms per ${N.toLocaleString('en')} rows | gateway CPU s | ratio to the raw INSERT of the same round, median (range) |
| --- | ---: | ---: | ---: |
${rowsOf.join('\n')}
| one raw multi-row INSERT (no validation, no change log, nothing returned but ids) | ${fmt(w, 0)} | | 1.0x |

Reproduce: \`${server ? 'BENCH_DB=postgres ' : ''}${baselineDir ? 'BENCH_BASELINE=<checkout of the baseline> ' : ''}npx tsx bench/rest-bulk/run.ts\`.
`;
  writeSection(server ? 'rest-bulk (PostgreSQL)' : 'rest-bulk', body);
  console.log(body);
  await pg.close();
  // A profiled gateway writes its profile when it exits by itself (SIGINT: its graceful stop).
  if (process.env.BENCH_CPU_PROF) await Promise.all(gateways.map((g) => new Promise((r) => { g.proc.once('exit', r); g.proc.kill('SIGINT'); })));
}

main().then(() => process.exit(0), (e) => { console.error(String(e?.stack ?? e).slice(0, 3000)); process.exit(1); });
