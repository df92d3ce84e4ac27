// Choices are GraphQL enums (PRE_MAINTENANCE, IPV6) generated from the choice sets the REST
// dialects read; the dialects keep Peering Manager's stored values ('pre-maintenance', 6) through
// the executor's translation, in filters, bodies, answers and per-item errors.
import { startTestServer, type TestServer } from '../helpers/server';

describe('choices as GraphQL enums', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer('pglite'); });
  afterAll(async () => { await s?.close(); });

  test('GraphQL takes and answers enum names; REST shows the same objects with stored values', async () => {
    const made = await s.gql('mutation { createBgpGroup(input: {name: "Transit", slug: "transit", status: PRE_MAINTENANCE}) { id status } }');
    expect(made.errors).toBeUndefined();
    expect(made.data.createBgpGroup.status).toBe('PRE_MAINTENANCE');
    const id = made.data.createBgpGroup.id;

    const rest = await s.http('GET', `/api/peering/bgp-groups/${id}/`);
    expect(rest.json.status).toEqual({ value: 'pre-maintenance', label: 'Pre-maintenance' });
    const filtered = await s.http('GET', '/api/peering/bgp-groups/?status=pre-maintenance');
    expect(filtered.json.results.map((g: any) => g.id)).toEqual([Number(id)]);
    expect((await s.http('GET', '/api/peering/bgp-groups/?status=enabled')).json.count).toBe(0);

    const listed = await s.gql('{ bgpGroups(filter: {status: {exact: [PRE_MAINTENANCE]}}) { items { id } } none: bgpGroups(filter: {status: {n: [PRE_MAINTENANCE]}}) { totalCount } }');
    expect(listed.data).toEqual({ bgpGroups: { items: [{ id }] }, none: { totalCount: 0 } });
    // A stored value is not an enum name: the schema refuses it before any resolver runs.
    const stored = await s.gql('query($s: [BgpGroupStatus!]) { bgpGroups(filter: {status: {exact: $s}}) { totalCount } }', { s: ['pre-maintenance'] });
    expect(stored.errors[0].message).toMatch(/BgpGroupStatus/);
  });

  test('numeric choices: IPV6 in GraphQL is 6 in REST, both ways', async () => {
    const made = await s.http('POST', '/api/peering/routing-policies/', { body: { name: 'v6 only', slug: 'v6-only', type: 'import-policy', address_family: 6 } });
    expect(made.status).toBe(201);
    expect(made.json.address_family).toBe(6);
    const g = await s.gql(`{ routingPolicy(id: "${made.json.id}") { addressFamily type } }`);
    expect(g.data.routingPolicy).toEqual({ addressFamily: 'IPV6', type: 'IMPORT_POLICY' });
    expect((await s.http('GET', '/api/peering/routing-policies/?address_family=6')).json.count).toBe(1);
  });

  test('REST: an unknown choice is a 400 on its field, per item in bulk, and nothing is written', async () => {
    const one = await s.http('POST', '/api/peering/bgp-groups/', { body: { name: 'Bad', slug: 'bad', status: 'sleeping' } });
    expect(one.status).toBe(400);
    expect(one.json).toEqual({ status: ['"sleeping" is not a valid choice.'] });

    const bulk = await s.http('POST', '/api/peering/bgp-groups/', { body: [{ name: 'Ok', slug: 'ok', status: 'enabled' }, { name: 'Bad2', slug: 'bad2', status: 'sleeping' }] });
    expect(bulk.status).toBe(400);
    expect(bulk.json).toEqual([{}, { status: ['"sleeping" is not a valid choice.'] }]);
    expect((await s.http('GET', '/api/peering/bgp-groups/?slug=ok')).json.count).toBe(0);

    const filter = await s.http('GET', '/api/peering/bgp-groups/?status=sleeping');
    expect(filter.status).toBe(400);
  });
});
