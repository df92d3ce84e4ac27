// Peering Manager REST list latency against the floor: GET one page of 50 fully
// nested autonomous systems (tags, import/export policies, communities) from
// 30,000 rows over HTTP through the whole stack (auth, query string -> GraphQL,
// DataLoaders, REST rendering), versus the same page built by one raw SQL query
// (json_agg) and serialised in-process. Both run alternately in one process.
//   npx tsx bench/rest-list/run.ts                  (embedded PGlite in memory)
//   BENCH_DB=postgres npx tsx bench/rest-list/run.ts (a throwaway PostgreSQL 15 server)
import { measure, machine, fmt, writeSection, type Stats } from '../lib';
import { AS_ROWS as ROWS, median, seedAutonomousSystems, startBenchServer } from '../as-dataset';
import { PAGE, restListPage } from '../as-requests';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

const nested = (alias: string, path: string, extra: string) =>
  `json_build_object('id', ${alias}.id, 'url', ? || '/api/${path}/' || ${alias}.id || '/', 'display', ${alias}.name, ${extra})`;

// The page is chosen first, then only its rows are joined to their related objects.
const RAW = `with page as (
    select * from peering_autonomoussystem order by asn, affiliated, id limit ${PAGE} offset ?)
  select page.id, ? || '/api/peering/autonomous-systems/' || page.id || '/' as url, ? || '/autonomous-systems/' || page.id || '/' as display_url,
    'AS' || page.asn || ' - ' || page.name as display, page.asn, page.name, page.irr_as_set, page.description, page.comments,
    page.ipv4_max_prefixes, page.ipv6_max_prefixes, page.name_peeringdb_sync, page.irr_as_set_peeringdb_sync,
    page.ipv4_max_prefixes_peeringdb_sync, page.ipv6_max_prefixes_peeringdb_sync, page.retrieve_prefixes, page.retrieve_as_list,
    page.irr_sources_override, page.irr_ipv6_prefixes_args_override, page.irr_ipv4_prefixes_args_override, page.affiliated,
    page.local_context_data, page.created, page.updated,
    coalesce((select json_agg(${nested('t', 'extras/tags', "'name', t.name, 'slug', t.slug, 'color', t.color")})
      from peering_autonomoussystem_tags x join extras_tag t on t.id = x.tag_id where x.autonomous_system_id = page.id), '[]') as tags,
    coalesce((select json_agg(${nested('p', 'peering/routing-policies', "'name', p.name, 'slug', p.slug, 'type', p.type")})
      from peering_autonomoussystem_import_routing_policies x join peering_routingpolicy p on p.id = x.routing_policy_id where x.autonomous_system_id = page.id), '[]') as import_routing_policies,
    coalesce((select json_agg(${nested('p', 'peering/routing-policies', "'name', p.name, 'slug', p.slug, 'type', p.type")})
      from peering_autonomoussystem_export_routing_policies x join peering_routingpolicy p on p.id = x.routing_policy_id where x.autonomous_system_id = page.id), '[]') as export_routing_policies,
    coalesce((select json_agg(${nested('c', 'bgp/communities', "'name', c.name, 'slug', c.slug, 'value', c.value, 'type', c.type")})
      from peering_autonomoussystem_communities x join bgp_community c on c.id = x.community_id where x.autonomous_system_id = page.id), '[]') as communities
  from page order by asn, affiliated, id`;

async function main(): Promise<void> {
  const bench = await startBenchServer();
  const { exec, token, base } = bench;
  await seedAutonomousSystems(exec);
  const offsets = Array.from({ length: REQUESTS }, (_, i) => (i * 7919) % (ROWS - PAGE));

  const viaRest = (i: number) => restListPage(base, token, offsets[i]);
  const viaRawSql = async (i: number) => {
    const rows = await exec(RAW, [offsets[i], base, base, base, base, base, base]) as unknown[];
    const text = JSON.stringify({ count: ROWS, next: null, previous: null, results: rows });
    if (text.length === 0 || rows.length !== PAGE) throw new Error('short page');
  };
  await measure(20, 1, viaRest);
  await measure(20, 1, viaRawSql);
  const results: { rest: Stats[]; raw: Stats[] } = { rest: [], raw: [] };
  for (let round = 0; round < 3; round++) {
    results.rest.push(await measure(REQUESTS / 4, CONCURRENCY, viaRest));
    results.raw.push(await measure(REQUESTS / 4, CONCURRENCY, viaRawSql));
  }
  const merge = (xs: Stats[]) => ({ p50: median(xs.map((x) => x.p50)), p99: median(xs.map((x) => x.p99)), perSecond: median(xs.map((x) => x.perSecond)) });
  const r = merge(results.rest);
  const w = merge(results.raw);
  const db = bench.db;
  const body = `Run ${new Date().toISOString().slice(0, 10)} on ${machine()}; ${db}.
\`GET /api/peering/autonomous-systems/?limit=${PAGE}&offset=N\`: the full representation with nested tags, import and export
routing policies and communities, at varying offsets from ${ROWS.toLocaleString('en')} rows; ${CONCURRENCY} concurrent clients,
3 alternating rounds of ${REQUESTS / 4} requests each (medians shown).

| path | requests/s | p50 ms | p99 ms |
| --- | ---: | ---: | ---: |
| REST over HTTP (auth, query string -> cached GraphQL document, DataLoaders, REST rendering, JSON) | ${fmt(r.perSecond, 0)} | ${fmt(r.p50)} | ${fmt(r.p99)} |
| one raw SQL query (json_agg, same nesting) + JSON.stringify in-process | ${fmt(w.perSecond, 0)} | ${fmt(w.p50)} | ${fmt(w.p99)} |
| ratio REST / raw | raw serves ${fmt(w.perSecond / r.perSecond)}x the requests | ${fmt(r.p50 / w.p50)}x | ${fmt(r.p99 / w.p99)}x |
`;
  writeSection(db.startsWith('PostgreSQL') ? 'rest-list (PostgreSQL)' : 'rest-list', body);
  console.log(body);
  await bench.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
