// The dataset the load runs against, written before the clock starts:
// - 5,000 autonomous systems with tags, policies and communities (raw INSERTs, shared with the list benchmarks),
// - 20 IXPs, one connection each, 2,000 IX peering sessions and 500 direct sessions (PM REST bulk POSTs),
// - one NSoT site with 3 device attributes, 2,000 devices and 257 networks (NSoT bulk POSTs),
// - the PeeringDB mirror at scale 0.05 (bench/pdb-gen: 1,500 net, 1,250 org, ~3,000 netixlan; batched upserts).
import { openOrm } from '../../src/db/orm';
import { loadRows } from '../../src/domain/peeringdb/sync';
import { SYNC_ORDER } from '../../src/domain/peeringdb/tags';
import { seedAutonomousSystems } from '../as-dataset';
import { generatePdb } from '../pdb-gen/generate';
import type { Http } from './http';

export const AS_ROWS = 5_000;
export const FIRST_ASN = 64_513; // seedAutonomousSystems: asn = 64512 + row
const IXPS = 20;
const IX_SESSIONS = 2_000;
const DIRECT_SESSIONS = 500;
const DEVICES = 2_000;
const PDB_SCALE = 0.05;

export const VENDORS = ['juniper', 'cisco', 'arista', 'nokia'];
export const METROS = Array.from({ length: 10 }, (_, i) => `m${i}`);
export const ROLES = ['br', 'dr', 'core', 'edge'];

export interface Dataset { nsotSite: number; pdbAsns: number[]; counts: Record<string, number> }

const chunks = <T>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

async function post(http: Http, path: string, body: unknown): Promise<any> {
  const r = await http.send('POST', path, body);
  if (r.status !== 201) throw new Error(`seed: POST ${path}: ${r.status} ${r.text.slice(0, 500)}`);
  return JSON.parse(r.text);
}

async function postAll(http: Http, path: string, rows: unknown[]): Promise<any[]> {
  const out: any[] = [];
  for (const c of chunks(rows, 500)) out.push(...await post(http, path, c));
  return out;
}

async function seedPeering(http: Http): Promise<void> {
  // AS ids 1..AS_ROWS exist (seedAutonomousSystems); AS 1 is "us".
  const ixps = await postAll(http, '/api/peering/internet-exchanges/',
    Array.from({ length: IXPS }, (_, i) => ({ name: `IX ${i}`, slug: `ix-${i}`, local_autonomous_system: 1 })));
  const conns = await postAll(http, '/api/net/connections/',
    ixps.map((ix, i) => ({ internet_exchange_point: ix.id, router: null, ipv4_address: `10.${i}.0.1/16` })));
  await postAll(http, '/api/peering/internet-exchange-peering-sessions/', Array.from({ length: IX_SESSIONS }, (_, i) => ({
    autonomous_system: 2 + (i % (AS_ROWS - 1)), ixp_connection: conns[i % IXPS].id,
    ip_address: `10.${i % IXPS}.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`, status: i % 10 ? 'enabled' : 'requested',
  })));
  const rel = await post(http, '/api/bgp/relationships/', { name: 'Transit', slug: 'transit' });
  await postAll(http, '/api/peering/direct-peering-sessions/', Array.from({ length: DIRECT_SESSIONS }, (_, i) => ({
    local_autonomous_system: 1, autonomous_system: 2 + i, relationship: rel.id, ip_address: `172.16.${Math.floor(i / 64)}.${(i % 64) * 4 + 1}/30`,
  })));
}

async function seedNsot(http: Http): Promise<number> {
  const site = (await post(http, '/nsot/api/sites/', { name: 'load', description: 'bench/load' })).id;
  for (const name of ['vendor', 'metro', 'role']) await post(http, `/nsot/api/sites/${site}/attributes/`, { resource_name: 'Device', name });
  await postAll(http, `/nsot/api/sites/${site}/devices/`, Array.from({ length: DEVICES }, (_, i) => ({
    hostname: `dev-${i}`, attributes: { vendor: VENDORS[i % 4], metro: METROS[i % 10], role: ROLES[Math.floor(i / 7) % 4] },
  })));
  await post(http, `/nsot/api/sites/${site}/networks/`, { cidr: '10.200.0.0/16' });
  await postAll(http, `/nsot/api/sites/${site}/networks/`, Array.from({ length: 256 }, (_, i) => ({ cidr: `10.200.${i}.0/24` })));
  return site;
}

/** Seeds through a second connection to the gateway's database (raw rows) and through the gateway (bulk POSTs). */
export async function seed(databaseUrl: string, http: Http): Promise<Dataset> {
  const orm = await openOrm(databaseUrl);
  const pdb = generatePdb(PDB_SCALE);
  try {
    const conn = orm.em.fork().getConnection();
    await seedAutonomousSystems((sql, params = []) => conn.execute(sql, params as any[]), AS_ROWS);
    for (const tag of SYNC_ORDER) await loadRows(orm.em.fork(), tag, pdb[tag]);
  } finally {
    await orm.close(true);
  }
  await seedPeering(http);
  const nsotSite = await seedNsot(http);
  return {
    nsotSite,
    pdbAsns: pdb.net.map((n) => n.asn as number),
    counts: { 'autonomous systems': AS_ROWS, IXPs: IXPS, 'IX sessions': IX_SESSIONS, 'direct sessions': DIRECT_SESSIONS, 'NSoT devices': DEVICES, 'NSoT networks': 257, 'PeeringDB net': pdb.net.length, 'PeeringDB netixlan': pdb.netixlan.length },
  };
}
