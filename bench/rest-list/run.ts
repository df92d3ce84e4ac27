// Peering Manager REST list latency against the floor: GET one page of 50 fully
// nested autonomous systems (tags, import/export policies, communities) from
// 30,000 rows over HTTP through the whole stack (auth, query string -> GraphQL,
// DataLoaders, REST rendering), versus the same page built by one raw SQL query
// (bench/as-floor: json_agg, the JSON written by PostgreSQL) in-process. Both run alternately in one process.
//   npx tsx bench/rest-list/run.ts                  (embedded PGlite in memory)
//   BENCH_DB=postgres npx tsx bench/rest-list/run.ts (a throwaway PostgreSQL 15 server)
import { measure, machine, fmt, mergeRounds, writeSection, type Stats } from '../lib';
import { AS_ROWS as ROWS, seedAutonomousSystems, startBenchServer } from '../as-dataset';
import { PAGE, restListPage } from '../as-requests';
import { floorPage } from '../as-floor';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

async function main(): Promise<void> {
  const bench = await startBenchServer();
  const { exec, token, base } = bench;
  await seedAutonomousSystems(exec);
  const offsets = Array.from({ length: REQUESTS }, (_, i) => (i * 7919) % (ROWS - PAGE));

  const viaRest = (i: number) => restListPage(base, token, offsets[i]);
  const floor = floorPage(bench);
  const viaRawSql = async (i: number) => {
    if ((await floor(offsets[i])).length === 0) throw new Error('empty page');
  };
  await measure(20, 1, viaRest);
  await measure(20, 1, viaRawSql);
  const results: { rest: Stats[]; raw: Stats[] } = { rest: [], raw: [] };
  for (let round = 0; round < 3; round++) {
    results.rest.push(await measure(REQUESTS / 4, CONCURRENCY, viaRest));
    results.raw.push(await measure(REQUESTS / 4, CONCURRENCY, viaRawSql));
  }
  const r = mergeRounds(results.rest);
  const w = mergeRounds(results.raw);
  const db = bench.db;
  const body = `Run ${new Date().toISOString().slice(0, 10)} on ${machine()}; ${db}.
\`GET /api/peering/autonomous-systems/?limit=${PAGE}&offset=N\`: the full representation with nested tags, import and export
routing policies and communities, at varying offsets from ${ROWS.toLocaleString('en')} rows; ${CONCURRENCY} concurrent clients,
3 alternating rounds of ${REQUESTS / 4} requests each (medians shown).

| path | requests/s | p50 ms | p99 ms |
| --- | ---: | ---: | ---: |
| REST over HTTP (auth, query string -> cached GraphQL document, DataLoaders, REST rendering, JSON) | ${fmt(r.perSecond, 0)} | ${fmt(r.p50)} | ${fmt(r.p99)} |
| one raw SQL query (count and json_agg, same nesting; PostgreSQL writes the JSON) in-process | ${fmt(w.perSecond, 0)} | ${fmt(w.p50)} | ${fmt(w.p99)} |
| ratio REST / raw | raw serves ${fmt(w.perSecond / r.perSecond)}x the requests | ${fmt(r.p50 / w.p50)}x | ${fmt(r.p99 / w.p99)}x |
`;
  writeSection(db.startsWith('PostgreSQL') ? 'rest-list (PostgreSQL)' : 'rest-list', body);
  console.log(body);
  await bench.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
