// The floor of the autonomous-system list benches: Peering Manager's REST page
// (`GET /api/peering/autonomous-systems/?limit=50&offset=N`, full representation with nested tags,
// import/export policies and communities) built by one SQL statement, PostgreSQL writing the JSON
// (json_agg), sent as it comes: no ORM, no GraphQL, no parsing or serialising in node.
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AbstractSqlConnection } from '@mikro-orm/postgresql';
import type { BenchServer } from './as-dataset';
import { PAGE } from './as-requests';

const nested = (alias: string, path: string, extra: string) =>
  `json_build_object('id', ${alias}.id, 'url', $2 || '/api/${path}/' || ${alias}.id || '/', 'display', ${alias}.name, ${extra})`;

// The page is chosen first, then only its rows are joined to their related objects.
// $1: offset, $2: the API's origin (for the URLs in the representation).
const PAGE_ROWS = `with page as (
    select * from peering_autonomoussystem order by asn, affiliated, id limit ${PAGE} offset $1)
  select page.id, $2 || '/api/peering/autonomous-systems/' || page.id || '/' as url, $2 || '/autonomous-systems/' || page.id || '/' as display_url,
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

/** One row: the list's count (REST reports it) and the page as JSON text. */
const FLOOR_SQL = `select (select count(*) from peering_autonomoussystem)::int as count,
  coalesce((select json_agg(r)::text from (${PAGE_ROWS}) r), '[]') as results`;

interface FloorRow { count: number; results: string }

/** The floor's statement on the gateway's own database: PGlite's instance, or a connection of the gateway's pool. */
function floorStatement(bench: BenchServer): (offset: number, origin: string) => Promise<FloorRow> {
  const { pglite } = bench;
  if (pglite) return async (offset, origin) => (await pglite.query<FloorRow>(FLOOR_SQL, [offset, origin])).rows[0];
  const pool = (bench.pg.orm.em.getConnection() as AbstractSqlConnection).getKnex().client;
  return async (offset, origin) => {
    const client = await pool.acquireConnection();
    try {
      return (await client.query(FLOOR_SQL, [offset, origin])).rows[0];
    } finally {
      await pool.releaseConnection(client);
    }
  };
}

const pageUrl = (origin: string, offset: number) => `"${origin}/api/peering/autonomous-systems/?limit=${PAGE}&offset=${offset}"`;

/** The REST response body of the page at `offset`, as the floor builds it. */
export function floorPage(bench: BenchServer): (offset: number) => Promise<string> {
  const statement = floorStatement(bench);
  return async (offset) => {
    const { count, results } = await statement(offset, bench.base);
    const next = offset + PAGE < count ? pageUrl(bench.base, offset + PAGE) : 'null';
    const previous = offset > 0 ? pageUrl(bench.base, Math.max(0, offset - PAGE)) : 'null';
    return `{"count":${count},"next":${next},"previous":${previous},"results":${results}}`;
  };
}

/** The floor over HTTP: express, `GET /?offset=N` answers the page's JSON. */
export async function startFloorServer(bench: BenchServer): Promise<{ base: string; close(): Promise<void> }> {
  const page = floorPage(bench);
  const app = express();
  app.get('/', (req, res, next) => {
    const offset = Number(req.query.offset ?? 0);
    if (!Number.isInteger(offset) || offset < 0) { res.status(400).json({ offset: 'a whole number >= 0' }); return; }
    page(offset).then((body) => res.type('application/json').send(body), next);
  });
  const server: Server = await new Promise((ok) => { const s = app.listen(0, '127.0.0.1', () => ok(s)); });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
