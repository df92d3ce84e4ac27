// The weighted request mix one load client runs in a loop. Every write uses identities
// owned by its client (ASNs from a private 32-bit range, 100,000 per client), so clients
// never collide logically: any non-2xx or GraphQL error is a server fault, not a race the
// harness made.
import { seededRandom } from '../../test/helpers/rng';
import type { Http, Reply } from './http';
import { AS_ROWS, FIRST_ASN, METROS, ROLES, VENDORS, type Dataset } from './seed';
import type { Recorder } from './recorder';

export interface Client { id: number; http: Http; rec: Recorder; data: Dataset; rand: () => number; seq: number }
type Scenario = (c: Client) => Promise<void>;

const AS_FIELDS = 'id asn name irrAsSet ipv4MaxPrefixes tags { slug color } importRoutingPolicies { name } exportRoutingPolicies { name } communities { value }';
export const GQL = {
  list: `query List($f: AutonomousSystemFilter, $o: [String!], $l: Int, $off: Int) {
    autonomousSystems(filter: $f, ordering: $o, limit: $l, offset: $off) { totalCount items { ${AS_FIELDS} } } }`,
  detail: `query One($id: ID!) { autonomousSystem(id: $id) { ${AS_FIELDS} } }`,
  create: 'mutation C($in: AutonomousSystemCreateInput!) { createAutonomousSystem(input: $in) { id asn tags { slug } } }',
  update: 'mutation U($id: ID!, $in: AutonomousSystemUpdateInput!) { updateAutonomousSystem(id: $id, input: $in) { id description } }',
  remove: 'mutation D($id: ID!) { deleteAutonomousSystem(id: $id) }',
  bulkCreate: 'mutation B($ins: [AutonomousSystemCreateInput!]!) { createAutonomousSystems(inputs: $ins) { id } }',
  bulkDelete: 'mutation BD($ids: [ID!]!) { deleteAutonomousSystems(ids: $ids) }',
};

const pick = <T>(c: Client, xs: T[]): T => xs[Math.floor(c.rand() * xs.length)];
const int = (c: Client, n: number) => Math.floor(c.rand() * n);
const enc = encodeURIComponent;
/** A fresh ASN of this client's own range (4,200,000,000 + 100,000 per client). */
const ownAsn = (c: Client) => 4_200_000_000 + c.id * 100_000 + c.seq++;

/** GraphQL success: 200, data, no errors. */
const gqlOk = (r: Reply & { json?: any }) => r.status === 200 && !!r.json?.data && !r.json.errors;

const gqlList: Scenario = async (c) => {
  const from = FIRST_ASN + int(c, AS_ROWS - 1000);
  await c.rec.call('GraphQL list (filter, ordering, page)', () => c.http.gql(GQL.list, {
    f: { asn: { gte: from, lt: from + 1000 }, ...(c.rand() < 0.5 ? { tag: [`tag-${1 + int(c, 50)}`] } : {}) },
    o: [pick(c, ['-asn', 'name', '-updated'])], l: 25, off: int(c, 3) * 25,
  }), gqlOk);
};

const gqlDetail: Scenario = async (c) => {
  await c.rec.call('GraphQL detail', () => c.http.gql(GQL.detail, { id: 1 + int(c, AS_ROWS) }), (r) => gqlOk(r) && r.json.data.autonomousSystem !== null);
};

const gqlWrite: Scenario = async (c) => {
  const asn = ownAsn(c);
  const made = await c.rec.call('GraphQL create', () => c.http.gql(GQL.create, { in: { asn, name: `load ${asn}`, tagIds: [String(1 + int(c, 50))] } }), gqlOk);
  const id = made?.json.data.createAutonomousSystem.id;
  if (!id) return;
  await c.rec.call('GraphQL update', () => c.http.gql(GQL.update, { id, in: { description: `updated by client ${c.id}`, ipv4MaxPrefixes: int(c, 1000) } }), gqlOk);
  await c.rec.call('GraphQL delete', () => c.http.gql(GQL.remove, { id }), (r) => gqlOk(r) && r.json.data.deleteAutonomousSystem === true);
};

const gqlBulk: Scenario = async (c) => {
  const ins = Array.from({ length: 5 }, () => { const asn = ownAsn(c); return { asn, name: `bulk ${asn}` }; });
  const made = await c.rec.call('GraphQL bulk create (5)', () => c.http.gql(GQL.bulkCreate, { ins }), gqlOk);
  const ids = made?.json.data.createAutonomousSystems.map((a: { id: string }) => a.id);
  if (!ids) return;
  await c.rec.call('GraphQL bulk delete (5)', () => c.http.gql(GQL.bulkDelete, { ids }), (r) => gqlOk(r) && r.json.data.deleteAutonomousSystems === 5);
};

export const AS = '/api/peering/autonomous-systems/';
const ok = (status: number) => (r: Reply) => r.status === status;

const restList: Scenario = async (c) => {
  const from = FIRST_ASN + int(c, AS_ROWS - 1000);
  const path = c.rand() < 0.7
    ? `${AS}?asn__gte=${from}&asn__lt=${from + 1000}&tag=tag-${1 + int(c, 50)}&ordering=${pick(c, ['-asn', 'name'])}&limit=25&offset=${int(c, 2) * 25}`
    : `/api/peering/internet-exchange-peering-sessions/?status=enabled&ordering=-id&limit=25&offset=${int(c, 70) * 25}`;
  await c.rec.call('PM REST list (filters)', () => c.http.send('GET', path), ok(200));
};

const restDetail: Scenario = async (c) => {
  await c.rec.call('PM REST detail', () => c.http.send('GET', `${AS}${1 + int(c, AS_ROWS)}/`), ok(200));
};

const restWrite: Scenario = async (c) => {
  const asn = ownAsn(c);
  const made = await c.rec.call('PM REST POST', () => c.http.send('POST', AS, { asn, name: `rest ${asn}`, tags: [1 + int(c, 50)] }), ok(201));
  if (!made) return;
  const id = JSON.parse(made.text).id;
  await c.rec.call('PM REST PATCH', () => c.http.send('PATCH', `${AS}${id}/`, { description: `patched by client ${c.id}`, irr_as_set: `AS-C${c.id}` }), ok(200));
  await c.rec.call('PM REST DELETE', () => c.http.send('DELETE', `${AS}${id}/`), ok(204));
};

const pdbList: Scenario = async (c) => {
  const asns = c.data.pdbAsns;
  const at = int(c, asns.length - 20);
  const path = pick(c, [
    () => `/pdb/api/net?asn__in=${asns.slice(at, at + 20).join(',')}&depth=0`,
    () => `/pdb/api/netixlan?net__asn=${asns[at]}`,
    () => `/pdb/api/net?name__contains=${enc(`work ${1 + int(c, 99)}`)}&limit=20&skip=${int(c, 3) * 20}&fields=id,asn,name,org_id`,
    () => `/pdb/api/ix?depth=1&limit=10&skip=${int(c, 5) * 10}`,
  ])();
  await c.rec.call('PeeringDB list (modifiers)', () => c.http.send('GET', path), ok(200));
};

const nsotList: Scenario = async (c) => {
  const site = c.data.nsotSite;
  const path = c.rand() < 0.6
    ? `/nsot/api/sites/${site}/devices/?limit=50&offset=${int(c, 39) * 50}&attributes=metro=${pick(c, METROS)}`
    : `/nsot/api/sites/${site}/networks/?limit=50&offset=${int(c, 5) * 50}`;
  await c.rec.call('NSoT list', () => c.http.send('GET', path), ok(200));
};

const nsotQuery: Scenario = async (c) => {
  const q = `vendor=${pick(c, VENDORS)} metro=${pick(c, METROS)} ${c.rand() < 0.5 ? '-' : '+'}role=${pick(c, ROLES)}`;
  await c.rec.call('NSoT set query', () => c.http.send('GET', `/nsot/api/sites/${c.data.nsotSite}/devices/query/?query=${enc(q)}&limit=50`), ok(200));
};

// yabgp's peer routes need a running bgp-core worker (the gateway runs with BGP_WORKER=off);
// its version document at /v1/ is the one route that answers without one.
const yabgp: Scenario = async (c) => {
  await c.rec.call('yabgp GET /v1/ (version)', () => c.http.send('GET', '/v1/'), ok(200));
};

/** Scenario, its name (bench/load/per-op.ts runs one at a time) and relative weight; writes are about a quarter of the requests. */
export const MIX: { name: string; run: Scenario; weight: number }[] = [
  { name: 'GraphQL list', run: gqlList, weight: 14 }, { name: 'GraphQL detail', run: gqlDetail, weight: 12 },
  { name: 'GraphQL create+update+delete', run: gqlWrite, weight: 5 }, { name: 'GraphQL bulk create+delete (5)', run: gqlBulk, weight: 2 },
  { name: 'PM REST list', run: restList, weight: 14 }, { name: 'PM REST detail', run: restDetail, weight: 12 },
  { name: 'PM REST POST+PATCH+DELETE', run: restWrite, weight: 5 },
  { name: 'PeeringDB list', run: pdbList, weight: 10 }, { name: 'NSoT list', run: nsotList, weight: 8 },
  { name: 'NSoT set query', run: nsotQuery, weight: 8 }, { name: 'yabgp version', run: yabgp, weight: 3 },
];
const TOTAL = MIX.reduce((s, m) => s + m.weight, 0);

function next(c: Client): Scenario {
  let x = c.rand() * TOTAL;
  for (const m of MIX) { x -= m.weight; if (x < 0) return m.run; }
  return MIX[0].run;
}

/** Load client `id`: its own seeded random sequence and ASN range. */
export const client = (id: number, http: Http, rec: Recorder, data: Dataset): Client => ({ id, http, rec, data, rand: seededRandom(1000 + id), seq: 0 });

/** `clients` loops, each running the mix until `until` (ms since epoch); in-flight requests finish. */
export async function runClients(clients: number, until: number, http: Http, rec: Recorder, data: Dataset): Promise<void> {
  await Promise.all(Array.from({ length: clients }, async (_, id) => {
    const c = client(id, http, rec, data);
    while (Date.now() < until) await next(c)(c);
  }));
}
