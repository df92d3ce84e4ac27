// Two builds of PeerGate side by side in one run: bench/graphql-list's and bench/rest-list's
// requests against a server of each, alternating rounds, with the server process's CPU per
// request (user + system, from /proc) and, on PostgreSQL, that of the side's own database server.
// Each side runs as its package.json `start` runs it (its NODE_ENV and node flags), from its
// own source tree, on its own database holding the same seeded rows.
//   BENCH_BEFORE=<git ref> npx tsx bench/before-after/run.ts                 (PGlite in memory)
//   BENCH_BEFORE=<git ref> BENCH_DB=postgres npx tsx bench/before-after/run.ts (a PostgreSQL 15 server each)
// The "after" side is this working tree; the "before" side a temporary worktree of the ref.
// BENCH_ALSO="GRAPHQL_JIT=false" adds a third side: this tree again with those variables set
// (e.g. graphql-jit off), measured in the same rounds.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { measure, machine, fmt, writeSection, type Stats } from '../lib';
import { AS_ROWS as ROWS, median } from '../as-dataset';
import { PAGE, graphqlListPage, restListPage } from '../as-requests';
import { cpuMs, postgresCpuMs, startScript, startServerProcess, type ServerProcess } from '../servers';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const here = resolve(__dirname, '../..');

interface Ready { base: string; token: string; pid: number; db: string; postmaster?: number | null }
interface Side extends Ready { name: string; label: string; start: string; server: ServerProcess<Ready> }

async function startSide(name: string, label: string, root: string, extraEnv: Record<string, string> = {}): Promise<Side> {
  const s = startScript(root);
  const server = await startServerProcess<Ready>(name, join(here, 'bench/before-after/serve.ts'), [root], { cwd: root, env: { ...s.env, ...extraEnv, LOG_LEVEL: 'silent' }, nodeFlags: s.flags });
  return { name, label, start: s.text, server, ...server.ready };
}

type Workload = 'graphql' | 'rest';
const call = (w: Workload) => (w === 'graphql' ? graphqlListPage : restListPage);

async function main(): Promise<void> {
  const ref = process.env.BENCH_BEFORE;
  if (!ref) throw new Error('BENCH_BEFORE=<git ref> names the build to compare against');
  const commit = execFileSync('git', ['rev-parse', '--short', ref], { cwd: here, encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: here, encoding: 'utf8' }).trim() !== '';
  const head = `${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here, encoding: 'utf8' }).trim()}${dirty ? ' + working tree' : ''}`;
  const tree = join(mkdtempSync(join(tmpdir(), 'peergate-before-')), 'tree');
  execFileSync('git', ['worktree', 'add', '--detach', tree, commit], { cwd: here, stdio: 'ignore' });
  symlinkSync(join(here, 'node_modules'), join(tree, 'node_modules'));
  const sides: Side[] = [];
  try {
    // One at a time: seeding is heavy, and the two must not slow each other's start.
    sides.push(await startSide('before', `before (${commit})`, tree));
    sides.push(await startSide('after', `after (${head})`, here));
    const also = process.env.BENCH_ALSO?.trim();
    if (also) {
      const env = Object.fromEntries(also.split(/\s+/).map((kv) => kv.split('=', 2) as [string, string]));
      sides.push(await startSide('also', `after, ${also}`, here, env));
    }
    const offsets = Array.from({ length: REQUESTS * ROUNDS }, (_, i) => (i * 7919) % (ROWS - PAGE));
    const workloads: Workload[] = ['graphql', 'rest'];
    for (const s of sides) for (const w of workloads) await measure(20, 1, (i) => call(w)(s.base, s.token, offsets[i]));
    const results = new Map<string, { stats: Stats[]; cpu: number[]; dbCpu: number[] }>();
    const dbCpu = (s: Side) => (s.postmaster ? postgresCpuMs(s.postmaster) : 0);
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which side goes first, so a drift in the machine's load hits both.
      const order = round % 2 ? [...sides].reverse() : sides;
      for (const w of workloads) {
        for (const s of order) {
          const key = `${s.name}|${w}`;
          const c0 = cpuMs(s.pid);
          const d0 = dbCpu(s);
          const st = await measure(REQUESTS, CONCURRENCY, (i) => call(w)(s.base, s.token, offsets[round * REQUESTS + i]));
          const cpu = (cpuMs(s.pid) - c0) / REQUESTS;
          const r = results.get(key) ?? { stats: [], cpu: [], dbCpu: [] };
          r.stats.push(st); r.cpu.push(cpu); r.dbCpu.push((dbCpu(s) - d0) / REQUESTS);
          results.set(key, r);
        }
      }
    }
    const row = (s: Side, w: Workload) => {
      const r = results.get(`${s.name}|${w}`)!;
      return { perSecond: median(r.stats.map((x) => x.perSecond)), p50: median(r.stats.map((x) => x.p50)), p99: median(r.stats.map((x) => x.p99)), cpu: median(r.cpu), dbCpu: median(r.dbCpu) };
    };
    const db = sides[1].db;
    const server = db.startsWith('PostgreSQL');
    const lines: string[] = [];
    for (const w of workloads) {
      const b = row(sides[0], w);
      for (const s of sides) {
        const a = row(s, w);
        lines.push(`| ${w} | ${s.label} | ${fmt(a.perSecond, 0)} | ${fmt(a.p50)} | ${fmt(a.p99)} | ${fmt(a.cpu, 1)} |${server ? ` ${fmt(a.dbCpu, 1)} |` : ''}`);
      }
      for (const s of sides.slice(1)) {
        const a = row(s, w);
        lines.push(`| ${w} | ${s.label} / before | ${fmt(a.perSecond / b.perSecond)}x | ${fmt(a.p50 / b.p50)}x | ${fmt(a.p99 / b.p99)}x | ${fmt(a.cpu / b.cpu)}x |${server ? ` ${fmt(a.dbCpu / b.dbCpu)}x |` : ''}`);
      }
    }
    const body = `Run ${new Date().toISOString().slice(0, 10)} on ${machine()}; ${db}, one per side.
bench/graphql-list's query and bench/rest-list's \`GET /api/peering/autonomous-systems/?limit=${PAGE}\` (one page of ${PAGE} of ${ROWS.toLocaleString('en')}
autonomous systems at varying offsets), ${CONCURRENCY} concurrent clients, ${ROUNDS} rounds of ${REQUESTS} requests per side and workload,
the sides alternating (medians of the rounds shown). Server CPU is the gateway process's user + system time per request
(${server ? 'the PostgreSQL server processes are not in it: PostgreSQL CPU is the side\'s own server\'s' : 'PGlite runs inside it, so the database is in it'}).
before: \`${sides[0].start}\` at ${commit}; after: \`${sides[1].start}\` at ${head}${also ? `; also: the same with ${also}` : ''}.

| workload | side | requests/s | p50 ms | p99 ms | server CPU ms/request |${server ? ' PostgreSQL CPU ms/request |' : ''}
| --- | --- | ---: | ---: | ---: | ---: |${server ? ' ---: |' : ''}
${lines.join('\n')}
`;
    writeSection(`before-after (${db.startsWith('PostgreSQL') ? 'PostgreSQL' : 'PGlite'})`, body);
    console.log(body);
  } finally {
    await Promise.all(sides.map((s) => s.server.stop()));
    execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: here, stdio: 'ignore' });
    rmSync(resolve(tree, '..'), { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
