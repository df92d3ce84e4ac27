// Peering Manager's PeeringDB features over the mirror: AS sync-with-peeringdb,
// an IX's available peers (minus sessions and hidden peers), exists_in_peeringdb / is_abandoned.
import { seededPdbServer } from '../helpers/pdb';

describe('Peering Manager features reading the PeeringDB mirror', () => {
  const pdb = seededPdbServer();

  const ok = async (query: string, variables: Record<string, unknown> = {}) => {
    const r = await pdb.s.gql(query, variables);
    expect(r.errors).toBeUndefined();
    return r.data;
  };

  test('the mirror is readable at /api/peeringdb/ under Peering Manager\'s names, read-only', async () => {
    const root = await pdb.s.http('GET', '/api/peeringdb/');
    for (const path of ['networks', 'network-ixlans', 'internet-exchanges', 'ixlans', 'ixlan-prefixes', 'organizations', 'facilities', 'hidden-peers']) {
      expect(root.json[path]).toMatch(new RegExp(`/api/peeringdb/${path}/$`));
    }
    const nets = await pdb.s.http('GET', `/api/peeringdb/networks/?asn=${pdb.w.asn}`);
    expect(nets.status).toBe(200);
    expect(nets.json.count).toBe(1);
    expect(nets.json.results[0]).toMatchObject({ asn: pdb.w.asn, name: 'W Net Alpha' });
    expect((await pdb.s.http('POST', '/api/peeringdb/networks/', { body: {} })).status).toBe(405);
  });

  test('sync an AS from PeeringDB, respecting its per-field flags', async () => {
    const as = (await ok('mutation($asn: BigInt!) { createAutonomousSystem(input: {asn: $asn, name: "old", ipv6MaxPrefixesPeeringdbSync: false, ipv6MaxPrefixes: 3}) { id } }', { asn: pdb.w.asn })).createAutonomousSystem;
    const synced = (await ok('mutation($id: ID!) { syncAutonomousSystemWithPeeringdb(id: $id) { name irrAsSet ipv4MaxPrefixes ipv6MaxPrefixes } }', { id: as.id })).syncAutonomousSystemWithPeeringdb;
    expect(synced).toEqual({ name: 'W Net Alpha', irrAsSet: 'AS-ALPHA', ipv4MaxPrefixes: 100, ipv6MaxPrefixes: 3 });
    const other = (await ok('mutation { createAutonomousSystem(input: {asn: 64496, name: "nobody"}) { id } }')).createAutonomousSystem;
    const r = await pdb.s.gql('mutation($id: ID!) { syncAutonomousSystemWithPeeringdb(id: $id) { id } }', { id: other.id });
    expect(r.errors[0].extensions.code).toBe('NOT_FOUND');
  });

  test('available peers, sessions found in PeeringDB and abandoned ones', async () => {
    const local = (await ok('mutation { createAutonomousSystem(input: {asn: 64500, name: "us", affiliated: true}) { id } }')).createAutonomousSystem;
    const ix = (await ok('mutation($as: ID!, $lan: Int) { createInternetExchange(input: {name: "W IX", slug: "w-ix", localAutonomousSystemId: $as, peeringdbIxlan: $lan}) { id } }', { as: local.id, lan: pdb.w.ixlan })).createInternetExchange;
    const peers = async () => (await ok('query($id: ID!) { internetExchange(id: $id) { availablePeers { id asn ipaddr4 net { name } } } }', { id: ix.id })).internetExchange.availablePeers;
    expect((await peers()).map((p: any) => p.asn)).toEqual([pdb.w.asn, pdb.w.asn2]);
    const conn = (await ok('mutation($ix: ID!) { createConnection(input: {internetExchangePointId: $ix, routerId: null, ipv4Address: "192.0.2.1/24"}) { id } }', { ix: ix.id })).createConnection;
    const peer = (await ok('query($asn: BigInt!) { autonomousSystems(filter: {asn: {exact: [$asn]}}) { items { id } } }', { asn: pdb.w.asn })).autonomousSystems.items[0];
    const sess = async (ip: string) => (await ok('mutation($as: ID!, $c: ID!, $ip: String!) { createInternetExchangePeeringSession(input: {autonomousSystemId: $as, ixpConnectionId: $c, ipAddress: $ip}) { id } }', { as: peer.id, c: conn.id, ip })).createInternetExchangePeeringSession.id;
    const live = await sess('192.0.2.10');
    const gone = await sess('192.0.2.99');
    // The first member stays available while its IPv6 address has no session yet.
    expect((await peers()).map((p: any) => p.ipaddr4)).toEqual(['192.0.2.10', '192.0.2.20']);
    await sess('2001:db8::10');
    // Sessions on both of its addresses take the first member out; a hidden peer takes out the second.
    expect((await peers()).map((p: any) => p.ipaddr4)).toEqual(['192.0.2.20']);
    await ok('mutation($n: Int!, $l: Int!) { createHiddenPeer(input: {peeringdbNetwork: $n, peeringdbIxlan: $l}) { id } }', { n: pdb.w.net2, l: pdb.w.ixlan });
    expect(await peers()).toEqual([]);
    const states = (await ok('{ internetExchangePeeringSessions { items { id ipAddress existsInPeeringdb isAbandoned } } }')).internetExchangePeeringSessions.items;
    const byId = Object.fromEntries(states.map((x: any) => [x.id, x]));
    expect(byId[live]).toMatchObject({ existsInPeeringdb: true, isAbandoned: false });
    expect(byId[gone]).toMatchObject({ existsInPeeringdb: false, isAbandoned: true });
  });
});
