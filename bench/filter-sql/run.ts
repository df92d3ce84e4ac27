// CPU of rendering one filter to SQL on the read path, MikroORM's query builder against the direct
// renderer (src/graphql/read-compiler/filter-sql.ts), alternating per round in one process: the
// condition objects come from filterToWhere each time, as a request makes them. No database rows
// are read: the ORM is opened only for its metadata (PGlite in memory).
//   npx tsx bench/filter-sql/run.ts
import type { SqlEntityManager } from '@mikro-orm/knex';
import '../../src/domain';
import { openOrm } from '../../src/db/orm';
import { allModels, type ModelDescriptor } from '../../src/domain/model';
import { filterToWhere } from '../../src/domain/filters';
import { StatementBuilder } from '../../src/graphql/read-compiler/statement';
import { renderWhere } from '../../src/graphql/read-compiler/filter-sql';
import type { Paging } from '../../src/domain/crud';
import type { Caller } from '../../src/http/auth';
import { fmt, machine, median, writeSection } from '../lib';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const CALLS = Number(process.env.BENCH_CALLS ?? 2000);

const model = (name: string): ModelDescriptor => allModels().find((m) => m.name === name)!;

/** [what, model, filter input]: the PeeringDB dialect's `net?asn=42` first, then wider ones. */
const CASES: [string, string, Record<string, unknown>][] = [
  ['PdbNetwork asn exact (`/pdb/api/net?asn=42`)', 'PdbNetwork', { asn: { exact: [42] } }],
  ['PdbNetwork name folded + status + info_type (3 lookups)', 'PdbNetwork', { name: { fie: ['network 7'] }, status: { exact: ['ok'] }, infoType: { exact: ['NSP', 'Content'] } }],
  ['PdbNetworkIxLan netWhere asn (a relation filter, `netixlan?net__asn=42`)', 'PdbNetworkIxLan', { netWhere: { asn: { exact: [42] } } }],
  ['PdbFacility notNet custom filter (raw SQL)', 'PdbFacility', { notNet: [1, 2, 3] }],
  ['AutonomousSystem q + tag + asn range', 'AutonomousSystem', { q: 'cloud', tag: ['t1'], asn: { gte: 64512, lte: 65534 } }],
];

async function main(): Promise<void> {
  const orm = await openOrm('pglite://memory');
  const em = orm.em.fork() as SqlEntityManager;
  const caller = { user: { isSuperuser: true }, token: null, error: null, canWrite: true } as unknown as Caller;
  const builder = new StatementBuilder(em, caller, {} as Paging, new Map());
  const viaBuilder = (d: ModelDescriptor, f: Record<string, unknown>) => builder.filterByQueryBuilder(d, '_c1', filterToWhere(d, f, caller));
  const direct = (d: ModelDescriptor, f: Record<string, unknown>) => {
    const r = renderWhere(em.getMetadata(), em.getPlatform(), builder.meta(d), '_c1', filterToWhere(d, f, caller));
    if (!r) throw new Error(`${d.name}: not rendered directly`);
    return r;
  };
  /** CPU microseconds per call (user + system of this process) over CALLS calls. */
  const time = (fn: () => unknown): number => {
    const t = process.cpuUsage();
    for (let i = 0; i < CALLS; i++) fn();
    const u = process.cpuUsage(t);
    return (u.user + u.system) / CALLS;
  };
  const rows: string[] = [];
  for (const [what, name, filter] of CASES) {
    const d = model(name);
    const [b, x]: number[][] = [[], []];
    time(() => viaBuilder(d, filter)); time(() => direct(d, filter)); // warm both
    for (let r = 0; r < ROUNDS; r++) {
      b.push(time(() => viaBuilder(d, filter)));
      x.push(time(() => direct(d, filter)));
    }
    const [mb, mx] = [median(b), median(x)];
    rows.push(`| ${what} | ${fmt(mb, 1)} | ${fmt(mx, 1)} | ${fmt(mx / mb, 3)}x |`);
    console.log(rows[rows.length - 1]);
  }
  await orm.close(true);
  writeSection('filter-sql: a filter rendered to SQL, query builder vs direct (issue 16)', `
Machine: ${machine()}, shared with other engineers' work (2 cores, noisy): the two renderings alternate in ${ROUNDS}
rounds of ${CALLS} calls each in one process, median CPU microseconds per call (user + system), filterToWhere
included on both sides. \`npx tsx bench/filter-sql/run.ts\`, ${new Date().toISOString().slice(0, 10)}.

| filter | query builder (us/call) | direct (us/call) | direct / builder |
| --- | ---: | ---: | ---: |
${rows.join('\n')}
`);
}

main().catch((e) => { console.error(e); process.exit(1); });
