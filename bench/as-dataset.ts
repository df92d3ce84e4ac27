// The autonomous-system dataset the list benchmarks share, and the PeerGate they run:
// 30,000 ASes, each with two tags, an import and an export policy and a community,
// written by raw multi-row INSERTs so seeding takes seconds.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import type { EmbeddedDatabase } from '../src/db/embedded';
import { loadConfig } from '../src/config';
import { startPeerGate, type PeerGate } from '../src/server';
import { startPostgres, type PgServer } from '../test/helpers/postgres';
import { fmt } from './lib';

export const AS_ROWS = 30_000;

export interface BenchServer {
  pg: PeerGate;
  token: string;
  base: string;
  exec: (sql: string, params?: unknown[]) => Promise<any>;
  /** 'embedded PGlite (in memory)' or 'PostgreSQL server' */
  db: string;
  /** The PostgreSQL server, with BENCH_DB=postgres. */
  postgres: PgServer | null;
  /** The PGlite instance the gateway runs on, without BENCH_DB=postgres. */
  pglite: PGlite | null;
  close(): Promise<void>;
}

/** A PeerGate on PGlite in memory, or on a throwaway PostgreSQL 15 with BENCH_DB=postgres. */
export async function startBenchServer(): Promise<BenchServer> {
  const token = randomBytes(20).toString('hex');
  const server: PgServer | null = process.env.BENCH_DB === 'postgres' ? await startPostgres() : null;
  const config = loadConfig({ ...process.env, DATABASE_URL: server?.url ?? 'pglite://memory', PEERGATE_ADMIN_TOKEN: token, PORT: '0', HOST: '127.0.0.1', BGP_WORKER: 'off', LOG_LEVEL: 'silent' });
  const pg = await startPeerGate(config, { migrate: true, port: 0, host: '127.0.0.1' });
  const conn = pg.orm.em.fork().getConnection();
  return {
    pg, token,
    base: `http://127.0.0.1:${(pg.http.server.address() as { port: number }).port}`,
    exec: (sql, params = []) => conn.execute(sql, params as any[]),
    db: server ? 'PostgreSQL server' : 'embedded PGlite (in memory)',
    postgres: server,
    pglite: server ? null : (pg.orm.config.get('driverOptions') as { embedded: EmbeddedDatabase }).embedded.pglite,
    close: async () => { await pg.close(); server?.stop(); },
  };
}

export async function seedAutonomousSystems(exec: BenchServer['exec'], rows = AS_ROWS): Promise<void> {
  const t0 = performance.now();
  await exec(`insert into extras_tag (name, slug, color, description, created, updated)
    select 'tag ' || g, 'tag-' || g, '9e9e9e', '', now(), now() from generate_series(1, 50) g`);
  await exec(`insert into peering_routingpolicy (name, slug, type, weight, address_family, description, created, updated)
    select 'policy ' || g, 'policy-' || g, case when g % 2 = 0 then 'import-policy' else 'export-policy' end, g, 0, '', now(), now() from generate_series(1, 20) g`);
  await exec(`insert into bgp_community (name, slug, value, kind, description, created, updated)
    select 'community ' || g, 'community-' || g, '64500:' || g, 'standard', '', now(), now() from generate_series(1, 20) g`);
  await exec(`insert into peering_autonomoussystem (asn, name, irr_as_set, ipv4_max_prefixes, ipv6_max_prefixes, description, comments,
      name_peeringdb_sync, irr_as_set_peeringdb_sync, ipv4_max_prefixes_peeringdb_sync, ipv6_max_prefixes_peeringdb_sync,
      retrieve_prefixes, retrieve_as_list, irr_sources_override, irr_ipv6_prefixes_args_override, irr_ipv4_prefixes_args_override, affiliated, as_list, created, updated)
    select 64512 + g, 'Network ' || g, 'AS-NET' || g, g % 1000, g % 100, '', '', true, true, true, true, true, true, '', '', '', false, '[]', now(), now()
    from generate_series(1, ${rows}) g`);
  await exec(`insert into peering_autonomoussystem_tags (autonomous_system_id, tag_id) select id, 1 + id % 50 from peering_autonomoussystem
    union all select id, 1 + (id + 7) % 50 from peering_autonomoussystem`);
  await exec(`insert into peering_autonomoussystem_import_routing_policies (autonomous_system_id, routing_policy_id) select id, 1 + id % 20 from peering_autonomoussystem`);
  await exec(`insert into peering_autonomoussystem_export_routing_policies (autonomous_system_id, routing_policy_id) select id, 1 + (id + 3) % 20 from peering_autonomoussystem`);
  await exec(`insert into peering_autonomoussystem_communities (autonomous_system_id, community_id) select id, 1 + id % 20 from peering_autonomoussystem`);
  await exec('analyze');
  console.log(`seeded ${rows} autonomous systems in ${fmt((performance.now() - t0) / 1000, 1)} s`);
}

export { median } from './lib';
