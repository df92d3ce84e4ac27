// A small PeeringDB-shaped world written through /pdb/api/, for the dialect and sync tests.
import { startTestServer, type TestServer } from './server';

export interface PdbWorld { org: number; org2: number; fac: number; fac2: number; net: number; net2: number; ix: number; ixlan: number; netixlan: number; poc: number; pocPrivate: number; netfac: number; ixfac: number; asn: number; asn2: number }

export async function pdbPost(s: TestServer, tag: string, body: Record<string, unknown>): Promise<any> {
  const r = await s.http('POST', `/pdb/api/${tag}`, { body });
  if (r.status !== 201) throw new Error(`POST ${tag}: ${r.status} ${r.text}`);
  return r.json.data[0];
}

export async function seedPdb(s: TestServer, prefix = 'W'): Promise<PdbWorld> {
  const asn = 4200000000 + Math.floor(Math.random() * 1e6);
  const org = (await pdbPost(s, 'org', { name: `${prefix} Org One`, city: 'Zürich', country: 'CH', address1: 'Hardturmstrasse 1' })).id;
  const org2 = (await pdbPost(s, 'org', { name: `${prefix} Org Two`, country: 'DE' })).id;
  const fac = (await pdbPost(s, 'fac', { org_id: org, name: `${prefix} Fac Zurich`, city: 'Zurich', country: 'CH' })).id;
  const fac2 = (await pdbPost(s, 'fac', { org_id: org2, name: `${prefix} Fac Frankfurt`, city: 'Frankfurt', country: 'DE' })).id;
  const net = (await pdbPost(s, 'net', { org_id: org, name: `${prefix} Net Alpha`, asn, info_prefixes4: 100, info_prefixes6: 20, irr_as_set: 'AS-ALPHA', info_types: ['Content', 'NSP'], policy_general: 'Open' })).id;
  const net2 = (await pdbPost(s, 'net', { org_id: org2, name: `${prefix} Net Beta`, asn: asn + 1, info_prefixes4: 5000, policy_general: 'Selective' })).id;
  const ix = (await pdbPost(s, 'ix', { org_id: org, name: `${prefix} IX`, city: 'Zurich', country: 'CH', prefix: '192.0.2.0/24', tech_email: 'noc@ix.example' })).id;
  const netixlan = (await pdbPost(s, 'netixlan', { net_id: net, ixlan_id: ix, speed: 10000, ipaddr4: '192.0.2.10', ipaddr6: '2001:db8::10', is_rs_peer: true })).id;
  await pdbPost(s, 'netixlan', { net_id: net2, ixlan_id: ix, speed: 100000, ipaddr4: '192.0.2.20' });
  const poc = (await pdbPost(s, 'poc', { net_id: net, role: 'Technical', visible: 'Public', name: 'NOC', email: 'noc@alpha.example' })).id;
  const pocPrivate = (await pdbPost(s, 'poc', { net_id: net, role: 'Policy', visible: 'Private', name: 'Secret', email: 'p@alpha.example' })).id;
  const netfac = (await pdbPost(s, 'netfac', { net_id: net, fac_id: fac })).id;
  const ixfac = (await pdbPost(s, 'ixfac', { ix_id: ix, fac_id: fac })).id;
  return { org, org2, fac, fac2, net, net2, ix, ixlan: ix, netixlan, poc, pocPrivate, netfac, ixfac, asn, asn2: asn + 1 };
}

/** A server and the world seedPdb wrote on it; both set once the enclosing describe's beforeAll ran. */
export interface SeededPdb { s: TestServer; w: PdbWorld }

/** Starts a PGlite server with seedPdb's world before the enclosing describe's tests and closes it after them. */
export function seededPdbServer(prefix?: string): SeededPdb {
  const pdb = {} as SeededPdb;
  beforeAll(async () => {
    pdb.s = await startTestServer('pglite');
    pdb.w = await seedPdb(pdb.s, prefix);
  });
  afterAll(async () => { await pdb.s?.close(); });
  return pdb;
}
