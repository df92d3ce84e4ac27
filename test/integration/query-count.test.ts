// No N+1: a list page costs the same number of SQL queries whatever its size.
import { startTestServer, type TestServer } from '../helpers/server';
import { queryStats } from '../../src/db/context';
import { seededPdbServer } from '../helpers/pdb';

const QUERY = `query($limit: Int) { routers(limit: $limit, filter: {name: {isw: ["qc-"]}}) { totalCount items {
  id name display
  platform { name }
  localAutonomousSystem { asn display tags { slug } importRoutingPolicies { name communities { value } } exportRoutingPolicies { name } }
  communities { name }
  tags { slug }
} } }`;

describe('query count', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('pglite');
    const setup = await s.gql(`mutation {
      createPlatform(input: {name: "EOS", slug: "eos"}) { id }
      createTag(input: {name: "t", slug: "t"}) { id }
      createCommunity(input: {name: "c", slug: "c", value: "65000:1"}) { id }
    }`);
    expect(setup.errors).toBeUndefined();
    await s.gql('mutation { createRoutingPolicy(input: {name: "p", slug: "p", communityIds: ["1"]}) { id } }');
    const ases = Array.from({ length: 20 }, (_, i) => ({ asn: 65100 + i, name: `AS ${i}`, tagIds: ['1'], importRoutingPolicyIds: ['1'], exportRoutingPolicyIds: ['1'] }));
    expect((await s.gql('mutation($i: [AutonomousSystemCreateInput!]!) { createAutonomousSystems(inputs: $i) { id } }', { i: ases })).errors).toBeUndefined();
    const routers = Array.from({ length: 200 }, (_, i) => ({ name: `qc-${i}`, hostname: `r${i}`, platformId: '1', localAutonomousSystemId: String(1 + (i % 20)), communityIds: ['1'], tagIds: ['1'] }));
    const made = await s.gql('mutation($i: [RouterCreateInput!]!) { createRouters(inputs: $i) { id } }', { i: routers });
    expect(made.errors).toBeUndefined();
  });
  afterAll(async () => { await s?.close(); });

  const queriesFor = async (limit: number) => {
    const before = queryStats.inRequests;
    const r = await s.gql(QUERY, { limit }, null);
    expect(r.errors).toBeUndefined();
    expect(r.data.routers.items).toHaveLength(limit);
    expect(r.data.routers.items[0].localAutonomousSystem.importRoutingPolicies[0].communities[0].value).toBe('65000:1');
    return queryStats.inRequests - before;
  };

  test('1 and 200 routers with nested relations cost the same number of queries', async () => {
    const one = await queriesFor(1);
    const many = await queriesFor(200);
    expect(many).toBe(one);
    expect(one).toBeLessThanOrEqual(12);
  });

  const counted = async (query: string, variables: Record<string, unknown>) => {
    const before = queryStats.inRequests;
    const r = await s.gql(query, variables);
    expect(r.errors).toBeUndefined();
    return { data: r.data, queries: queryStats.inRequests - before };
  };
  const DEEP = '{ id asn display tags { slug } importRoutingPolicies { name communities { value } } exportRoutingPolicies { name } }';

  test('a write answers with its whole selection, relations and nested lists included, in one statement; ids alone need none', async () => {
    const create = (sel: string, asn: number) => counted(`mutation($i: AutonomousSystemCreateInput!) { createAutonomousSystem(input: $i) ${sel} }`,
      { i: { asn, name: `answered ${asn}`, tagIds: ['1'], importRoutingPolicyIds: ['1'], exportRoutingPolicyIds: ['1'] } });
    const idOnly = await create('{ id }', 65201);
    const deep = await create(DEEP, 65202);
    // The answer's one statement; an id-only answer needs none.
    expect(deep.queries).toBe(idOnly.queries + 1);
    expect(idOnly.data.createAutonomousSystem.id).toMatch(/^\d+$/);
    expect(deep.data.createAutonomousSystem).toMatchObject({ asn: 65202, display: expect.stringContaining('65202'), tags: [{ slug: 't' }], importRoutingPolicies: [{ name: 'p', communities: [{ value: '65000:1' }] }] });

    const update = (sel: string, id: string) => counted(`mutation($id: ID!) { updateAutonomousSystem(id: $id, input: {comments: "seen"}) ${sel} }`, { id });
    const u1 = await update('{ id }', idOnly.data.createAutonomousSystem.id);
    const u2 = await update(DEEP, deep.data.createAutonomousSystem.id);
    expect(u2.queries).toBe(u1.queries + 1);
    expect(u2.data.updateAutonomousSystem.exportRoutingPolicies).toEqual([{ name: 'p' }]);
  });

  test('an update that leaves a unique value as stored does not look it up; one that changes it does, and a clash is refused', async () => {
    const made = await counted('mutation { a: createAutonomousSystem(input: {asn: 65301, name: "u1"}) { id } }', {});
    await counted('mutation { createAutonomousSystem(input: {asn: 65302, name: "u2"}) { id } }', {});
    const id = made.data.a.id;
    const same = await counted('mutation($id: ID!) { updateAutonomousSystem(id: $id, input: {asn: 65301, comments: "x"}) { id } }', { id });
    const changed = await counted('mutation($id: ID!) { updateAutonomousSystem(id: $id, input: {asn: 65303, comments: "y"}) { id } }', { id });
    expect(changed.queries).toBe(same.queries + 1);
    const clash = await s.gql('mutation($id: ID!) { updateAutonomousSystem(id: $id, input: {asn: 65302}) { id } }', { id });
    expect(clash.errors?.[0]?.message).toMatch(/already exists/);
  });
});

describe('query count: PeeringDB dialect', () => {
  const pdb = seededPdbServer();

  const queries = async (path: string, rows = 1) => {
    const before = queryStats.inRequests;
    const r = await pdb.s.http('GET', `/pdb/api/${path}`);
    expect(r.status).toBe(200);
    expect(r.json.data).toHaveLength(rows);
    return queryStats.inRequests - before;
  };

  test('an object is one statement at every depth: sets, sets through links and parents included', async () => {
    expect(await queries(`net/${pdb.w.net}?depth=0`)).toBe(1);
    expect(await queries(`net/${pdb.w.net}`)).toBe(1);
    expect(await queries(`org/${pdb.w.org}?depth=4`)).toBe(1);
    expect(await queries(`ix/${pdb.w.ix}?depth=4`)).toBe(1);
    expect(await queries(`ixlan/${pdb.w.ixlan}?depth=3`)).toBe(1);
  });

  test('a list is one statement at every depth, the page count included', async () => {
    expect(await queries(`net?asn=${pdb.w.asn}`)).toBe(1);
    expect(await queries('net?depth=2', 2)).toBe(1);
    expect(await queries('org?depth=2&limit=1')).toBe(1);
    expect(await queries(`netixlan?net_id=${pdb.w.net}&depth=1`)).toBe(1);
    expect(await queries('org?page=1&per_page=1&depth=2')).toBe(1);
  });
});
