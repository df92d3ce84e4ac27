// GraphQL list latency against the floor: one page of 50 autonomous systems with
// their tags and policies, from 30,000 rows, over HTTP through the whole stack,
// versus the same rows from one raw SQL query serialised to JSON in-process.
//   npx tsx bench/graphql-list/run.ts                 (embedded PGlite in memory)
//   BENCH_DB=postgres npx tsx bench/graphql-list/run.ts (a throwaway PostgreSQL 15 server)
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { startPeerGate } from '../../src/server';
import { measure, machine, fmt, writeSection, type Stats } from '../lib';
import { startPostgres, type PgServer } from '../../test/helpers/postgres';

const ROWS = 30_000;
const PAGE = 50;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

const QUERY = `query($offset: Int) { autonomousSystems(limit: ${PAGE}, offset: $offset) { items {
  id asn name display irrAsSet ipv4MaxPrefixes ipv6MaxPrefixes created updated
  tags { id name slug color }
  importRoutingPolicies { id name slug type }
  exportRoutingPolicies { id name slug type }
} } }`;

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

async function seed(exec: (sql: string) => Promise<unknown>): Promise<void> {
  await exec(`insert into extras_tag (name, slug, color, description, created, updated)
    select 'tag ' || g, 'tag-' || g, '9e9e9e', '', now(), now() from generate_series(1, 50) g`);
  await exec(`insert into peering_routingpolicy (name, slug, type, weight, address_family, description, created, updated)
    select 'policy ' || g, 'policy-' || g, case when g % 2 = 0 then 'import-policy' else 'export-policy' end, g, 0, '', now(), now() from generate_series(1, 20) g`);
  await exec(`insert into peering_autonomoussystem (asn, name, irr_as_set, ipv4_max_prefixes, ipv6_max_prefixes, description, comments,
      name_peeringdb_sync, irr_as_set_peeringdb_sync, ipv4_max_prefixes_peeringdb_sync, ipv6_max_prefixes_peeringdb_sync,
      retrieve_prefixes, retrieve_as_list, irr_sources_override, irr_ipv6_prefixes_args_override, irr_ipv4_prefixes_args_override, affiliated, as_list, created, updated)
    select 64512 + g, 'Network ' || g, 'AS-NET' || g, g % 1000, g % 100, '', '', true, true, true, true, true, true, '', '', '', false, '[]', now(), now()
    from generate_series(1, ${ROWS}) g`);
  await exec(`insert into peering_autonomoussystem_tags (autonomous_system_id, tag_id) select id, 1 + id % 50 from peering_autonomoussystem
    union all select id, 1 + (id + 7) % 50 from peering_autonomoussystem`);
  await exec(`insert into peering_autonomoussystem_import_routing_policies (autonomous_system_id, routing_policy_id) select id, 1 + id % 20 from peering_autonomoussystem`);
  await exec(`insert into peering_autonomoussystem_export_routing_policies (autonomous_system_id, routing_policy_id) select id, 1 + (id + 3) % 20 from peering_autonomoussystem`);
  await exec('analyze');
}

async function main(): Promise<void> {
  const token = randomBytes(20).toString('hex');
  const server: PgServer | null = process.env.BENCH_DB === 'postgres' ? await startPostgres() : null;
  const config = loadConfig({ ...process.env, DATABASE_URL: server?.url ?? 'pglite://memory', PEERGATE_ADMIN_TOKEN: token, PORT: '0', HOST: '127.0.0.1', BGP_WORKER: 'off' });
  const pg = await startPeerGate(config, { migrate: true, port: 0, host: '127.0.0.1' });
  const conn = pg.orm.em.fork().getConnection();
  const exec = (sql: string, params: unknown[] = []) => conn.execute(sql, params as any[]);
  const t0 = performance.now();
  await seed(exec);
  console.log(`seeded ${ROWS} autonomous systems in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  const url = `http://127.0.0.1:${(pg.http.server.address() as { port: number }).port}/graphql`;
  const offsets = Array.from({ length: REQUESTS }, (_, i) => (i * 7919) % (ROWS - PAGE));

  const viaGraphql = async (i: number) => {
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Token ${token}` }, body: JSON.stringify({ query: QUERY, variables: { offset: offsets[i] } }) });
    const body = await res.json() as any;
    if (body.errors || body.data.autonomousSystems.items.length !== PAGE) throw new Error(JSON.stringify(body.errors ?? 'short page'));
  };
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
  const merge = (xs: Stats[]) => ({ p50: median(xs.map((x) => x.p50)), p99: median(xs.map((x) => x.p99)), perSecond: median(xs.map((x) => x.perSecond)) });
  const g = merge(results.gql);
  const r = merge(results.raw);
  const db = config.databaseUrl.startsWith('postgres') ? 'PostgreSQL server' : 'embedded PGlite (in memory)';
  const body = `Run ${new Date().toISOString().slice(0, 10)} on ${machine()}; ${db}.
One page of ${PAGE} autonomous systems (with tags, import and export policies) at varying offsets from ${ROWS.toLocaleString('en')} rows,
${CONCURRENCY} concurrent clients, 3 alternating rounds of ${REQUESTS / 4} requests each (medians shown).

| path | requests/s | p50 ms | p99 ms |
| --- | ---: | ---: | ---: |
| GraphQL over HTTP (auth, parse, validate, resolve through DataLoaders, JSON) | ${fmt(g.perSecond, 0)} | ${fmt(g.p50)} | ${fmt(g.p99)} |
| one raw SQL query (json_agg) + JSON.stringify in-process | ${fmt(r.perSecond, 0)} | ${fmt(r.p50)} | ${fmt(r.p99)} |
| ratio GraphQL / raw | ${fmt(r.perSecond / g.perSecond)}x slower | ${fmt(g.p50 / r.p50)}x | ${fmt(g.p99 / r.p99)}x |
`;
  writeSection(`graphql-list (${server ? 'PostgreSQL' : 'PGlite'})`, body);
  console.log(body);
  await pg.close();
  server?.stop();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

main().catch((e) => { console.error(e); process.exit(1); });
