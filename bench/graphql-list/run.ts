// GraphQL list latency against the floor: one page of 50 autonomous systems with
// their tags and policies, from 30,000 rows, over HTTP through the whole stack,
// versus the same rows from one raw SQL query serialised to JSON in-process. The GraphQL page is
// compiled to one SQL statement (src/graphql/read-compiler, the only read path since issue 16; the
// section's earlier runs also timed the ORM and DataLoaders path it replaced).
//   npx tsx bench/graphql-list/run.ts                 (embedded PGlite in memory)
//   BENCH_DB=postgres npx tsx bench/graphql-list/run.ts (a throwaway PostgreSQL 15 server)
import { measure, machine, fmt, mergeRounds, writeSection, type Stats } from '../lib';
import { AS_ROWS as ROWS, seedAutonomousSystems, startBenchServer } from '../as-dataset';
import { PAGE, graphqlListPage } from '../as-requests';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

// The page is chosen first, then only its rows are joined to their tags and policies.
const RAW = `with page as (
    select id, asn, name, irr_as_set, ipv4_max_prefixes, ipv6_max_prefixes, created, updated, affiliated
    from peering_autonomoussystem order by asn, affiliated, id limit ${PAGE} offset ?)
  select page.*,
    coalesce((select json_agg(json_build_object('id', t.id, 'name', t.name, 'slug', t.slug, 'color', t.color))
      from peering_autonomoussystem_tags x join extras_tag t on t.id = x.tag_id where x.autonomous_system_id = page.id), '[]') as tags,
    coalesce((select json_agg(json_build_object('id', p.id, 'name', p.name, 'slug', p.slug, 'type', p.type))
      from peering_autonomoussystem_import_routing_policies x join peering_routingpolicy p on p.id = x.routing_policy_id where x.autonomous_system_id = page.id), '[]') as import_policies,
    coalesce((select json_agg(json_build_object('id', p.id, 'name', p.name, 'slug', p.slug, 'type', p.type))
      from peering_autonomoussystem_export_routing_policies x join peering_routingpolicy p on p.id = x.routing_policy_id where x.autonomous_system_id = page.id), '[]') as export_policies
  from page order by asn, affiliated, id`;

async function main(): Promise<void> {
  const bench = await startBenchServer();
  const { exec, token } = bench;
  await seedAutonomousSystems(exec);
  const offsets = Array.from({ length: REQUESTS }, (_, i) => (i * 7919) % (ROWS - PAGE));

  const viaGraphql = (i: number) => graphqlListPage(bench.base, token, offsets[i]);
  const viaRawSql = async (i: number) => {
    const rows = await exec(RAW, [offsets[i]]) as unknown[];
    if (JSON.stringify(rows).length === 0 || rows.length !== PAGE) throw new Error('short page');
  };
  // Warm up both paths, then measure them alternately so machine noise hits both.
  await measure(20, 1, viaGraphql);
  await measure(20, 1, viaRawSql);
  const results: { gql: Stats[]; raw: Stats[] } = { gql: [], raw: [] };
  for (let round = 0; round < 3; round++) {
    results.gql.push(await measure(REQUESTS / 4, CONCURRENCY, viaGraphql));
    results.raw.push(await measure(REQUESTS / 4, CONCURRENCY, viaRawSql));
  }
  const g = mergeRounds(results.gql);
  const r = mergeRounds(results.raw);
  const db = bench.db;
  const body = `Run ${new Date().toISOString().slice(0, 10)} on ${machine()}; ${db}.
One page of ${PAGE} autonomous systems (with tags, import and export policies) at varying offsets from ${ROWS.toLocaleString('en')} rows,
${CONCURRENCY} concurrent clients, 3 alternating rounds (compiled, raw) of ${REQUESTS / 4} requests each (medians shown).

| path | requests/s | p50 ms | p99 ms |
| --- | ---: | ---: | ---: |
| GraphQL over HTTP, page compiled to one SQL statement (read compiler) | ${fmt(g.perSecond, 0)} | ${fmt(g.p50)} | ${fmt(g.p99)} |
| one raw SQL query (json_agg) + JSON.stringify in-process | ${fmt(r.perSecond, 0)} | ${fmt(r.p50)} | ${fmt(r.p99)} |
| ratio compiled / raw | ${fmt(r.perSecond / g.perSecond)}x slower | ${fmt(g.p50 / r.p50)}x | ${fmt(g.p99 / r.p99)}x |
`;
  writeSection(`graphql-list (${db.startsWith('PostgreSQL') ? 'PostgreSQL' : 'PGlite'})`, body);
  console.log(body);
  await bench.close();
}


main().catch((e) => { console.error(e); process.exit(1); });
