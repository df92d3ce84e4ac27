// Where a list request's server CPU goes: this tree's bench server profiled (V8's CPU profiler,
// as `node --cpu-prof`) while it answers bench/before-after's requests, one process per
// workload, started and seeded before the profile starts; then the profile's self time
// grouped by what spent it (graphql-js, graphql-jit, async_hooks, GC, HTTP, the database driver ...).
//   BENCH_DB=postgres npx tsx bench/before-after/profile.ts     (GRAPHQL_JIT=false etc. pass through)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { measure } from '../lib';
import { AS_ROWS as ROWS } from '../as-dataset';
import { PAGE, graphqlListPage, restListPage } from '../as-requests';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const here = resolve(__dirname, '../..');

interface Node { id: number; callFrame: { functionName: string; url: string }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

/** A frame's bucket, first match wins. */
const BUCKETS: [string, (f: Node['callFrame']) => boolean][] = [
  ['GC', (f) => f.functionName === '(garbage collector)'],
  ['idle / program', (f) => f.functionName === '(idle)' || f.functionName === '(program)'],
  ['async_hooks (AsyncLocalStorage)', (f) => /async_hooks|async_local_storage|promise_hooks/.test(f.url) || /^(emitInit|emitHook|promiseInitHook|promiseBeforeHook|promiseAfterHook|promiseResolveHook)/.test(f.functionName)],
  ['graphql-jit', (f) => f.url.includes('graphql-jit')],
  ['graphql-js', (f) => /node_modules\/graphql\//.test(f.url)],
  ['apollo', (f) => f.url.includes('@apollo')],
  ['mikro-orm / knex', (f) => /@mikro-orm|knex/.test(f.url)],
  ['pg driver', (f) => /node_modules\/(pg|pg-protocol|pg-types|postgres-)/.test(f.url)],
  ['pglite', (f) => f.url.includes('pglite')],
  ['express / http', (f) => /node_modules\/(express|router|body-parser|raw-body|send|finalhandler|on-finished|qs|cookie)|node:_http|node:net|node:internal\/http|node:internal\/stream|node:stream|node:internal\/streams/.test(f.url)],
  ['peergate src', (f) => f.url.includes('/src/')],
  ['peergate rest-compat', (f) => f.url.includes('/rest-compat/')],
  ['other node_modules', (f) => f.url.includes('node_modules')],
  ['node internals', (f) => f.url.startsWith('node:')],
  ['other (native; graphql-jit\'s compiled queries)', () => true],
];

/** Self time by bucket, then the functions with the most self time, in % of busy CPU. */
function summarize(profile: Profile): { buckets: [string, number][]; functions: [string, number][] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  const functions = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const frame = byId.get(id)!.callFrame;
    const bucket = BUCKETS.find(([, match]) => match(frame))![0];
    totals.set(bucket, (totals.get(bucket) ?? 0) + dt);
    if (bucket === 'idle / program') return;
    all += dt;
    const fn = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '').replace(here, '')}`;
    functions.set(fn, (functions.get(fn) ?? 0) + dt);
  });
  totals.delete('idle / program');
  const percent = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, (100 * v) / all] as [string, number]);
  return { buckets: percent(totals), functions: percent(functions).slice(0, Number(process.env.BENCH_TOP ?? 25)) };
}

async function profileWorkload(w: 'graphql' | 'rest'): Promise<ReturnType<typeof summarize>> {
  const dir = mkdtempSync(join(tmpdir(), 'peergate-prof-'));
  const file = join(dir, 'profile.cpuprofile');
  const child = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', join(here, 'bench/before-after/profile-serve.ts'), file], {
    cwd: here, env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'silent' }, stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  child.once('exit', (code) => { if (code) throw new Error(`server exited with ${code}`); });
  /** The server's next line that starts with `prefix`. */
  const next = (prefix = '') => new Promise<string>((ok) => {
    const take = (line: string) => (line.startsWith(prefix) ? ok(line) : waiting.unshift(take));
    waiting.push(take);
  });
  const ready = JSON.parse(await next('{')) as { base: string; token: string };
  const call = w === 'graphql' ? graphqlListPage : restListPage;
  const page = (i: number) => call(ready.base, ready.token, (i * 7919) % (ROWS - PAGE));
  await measure(50, 4, page); // warm: documents compiled, code optimized
  child.stdin!.write('start\n');
  await next('started');
  await measure(REQUESTS, 4, page);
  child.stdin!.write('stop\n');
  await next('stopped');
  child.stdin!.end();
  await new Promise((ok) => child.once('exit', ok));
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  rmSync(dir, { recursive: true, force: true });
  return summarize(profile);
}

async function main(): Promise<void> {
  for (const w of ['graphql', 'rest'] as const) {
    const { buckets, functions } = await profileWorkload(w);
    console.log(`\n${w} (${REQUESTS} requests, 4 concurrent, after 50 to warm up), % of busy CPU:`);
    for (const [k, v] of buckets) console.log(`  ${k.padEnd(34)} ${v.toFixed(1)}%`);
    console.log('  functions with the most self time:');
    for (const [k, v] of functions) console.log(`    ${v.toFixed(1).padStart(5)}%  ${k}`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
