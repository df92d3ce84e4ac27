// Where the engine time of the Junos render (bench/render/run.ts, same dataset) goes: the whole
// template; the time inside the filters' own code; the template with its per-session filter calls
// (`session | ip`, `session | iter_*_policies`) replaced by attribute reads. The difference is the
// cost of handing each session value across the WASM boundary and back.
//   LOG_LEVEL=silent npx tsx bench/render/engine-split.ts      (BENCH_DB=postgres, BENCH_RUNS)
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBenchServer } from '../as-dataset';
import { stats, machine, fmt, writeSection } from '../lib';
import { seedRouter } from './run';
import { User } from '../../src/domain/users/user';
import type { Caller } from '../../src/http/auth';
import { renderTemplate, type FilterFn } from '../../src/workflows/templates/environment';
import { loadGraph } from '../../src/workflows/templates/graph';
import { pmFilters } from '../../src/workflows/templates/filters';
import { PEERING_MODELS, TEMPLATE_MODELS, routerContext } from '../../src/workflows/templates/contexts';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const TEMPLATE = readFileSync(join(__dirname, '../../test/fixtures/templates/juniper-junos.j2'), 'utf8');
const WITHOUT_SESSION_FILTERS = TEMPLATE
  .replace(/session \| ip\b/g, 'session.ip_address')
  .replace(/session \| iter_(import|export)_policies\('slug'\) \| join\(' '\)/g, "''")
  .replace(/session \| iter_(import|export)_policies/g, 'false');

async function main(): Promise<void> {
  const b = await startBenchServer();
  try {
    const { router } = await seedRouter(b);
    const admin = await (b.pg.orm.em.fork() as any).findOneOrFail(User, { username: 'admin' });
    const caller: Caller = { user: admin, token: null, error: null, canWrite: true };
    const g = await loadGraph(b.pg.orm.em.fork() as any, caller, [...PEERING_MODELS, ...TEMPLATE_MODELS], 100_000);
    const context = routerContext(g, g.get('devices.router', router)!);
    const base = pmFilters(g);
    let inFilters = 0;
    const calls: Record<string, number> = {};
    const timedFilters: Record<string, FilterFn> = Object.fromEntries(Object.entries(base).map(([name, f]) => [name, (v, a, kw) => {
      const t = performance.now();
      calls[name] = (calls[name] ?? 0) + 1;
      try { return f(v, a, kw); } finally { inFilters += performance.now() - t; }
    }]));
    const whole: number[] = [];
    const own: number[] = [];
    const plain: number[] = [];
    for (let round = 0; round < RUNS + 1; round++) {
      inFilters = 0;
      for (const k of Object.keys(calls)) delete calls[k];
      let t = performance.now();
      renderTemplate({ name: 'Junos', source: TEMPLATE, context, filters: timedFilters });
      const w = performance.now() - t;
      t = performance.now();
      renderTemplate({ name: 'Junos (no session filters)', source: WITHOUT_SESSION_FILTERS, context, filters: base });
      if (round === 0) continue; // warm-up
      plain.push(performance.now() - t);
      whole.push(w);
      own.push(inFilters);
    }
    const [sw, so, sp] = [stats(whole, 1), stats(own, 1), stats(plain, 1)];
    const n = Object.values(calls).reduce((a, x) => a + x, 0);
    const body = [
      `Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}. Database: ${b.db}. ${RUNS} rounds after one warm-up.`,
      '',
      `The Junos template of bench/render on the same dataset (1,000 IXP sessions), objects loaded and context built: ${n.toLocaleString('en')} filter calls per render`,
      `(${Object.entries(calls).map(([k, v]) => `${k} ${v}`).join(', ')}).`,
      '',
      '| measure | p50 ms | p99 ms |',
      '| --- | ---: | ---: |',
      `| engine, whole template | ${fmt(sw.p50, 0)} | ${fmt(sw.p99, 0)} |`,
      `|   of which inside the filters' own code | ${fmt(so.p50, 0)} | ${fmt(so.p99, 0)} |`,
      `| engine, per-session filter calls replaced by attribute reads | ${fmt(sp.p50, 0)} | ${fmt(sp.p99, 0)} |`,
      '',
      `About ${fmt((sw.p50 - sp.p50 - so.p50) / n, 2)} ms per filter call goes to handing its value (a session: its connection, IXP, ASes and policies`,
      "nested) from MiniJinja to JS (the engine's conversion, then fromEngine) and the result back, not to the filters' work: the place to look to make renders faster,",
      'e.g. handing filters a reference they resolve in the loaded graph rather than the whole value.',
    ].join('\n');
    console.log(body);
    writeSection('render engine split', body);
  } finally {
    await b.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
