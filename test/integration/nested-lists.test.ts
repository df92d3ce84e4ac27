// Lists inside objects (many-to-many and reverse foreign keys) take the root list's filter,
// ordering and limit, per owner, within the caller's read scope of the listed model, and a page
// of owners reads each list in one SQL statement whatever its size.
import { startTestServer, type TestServer } from '../helpers/server';
import { pdbPost, seedPdb } from '../helpers/pdb';
import { queryStats } from '../../src/db/context';

describe('nested lists', () => {
  let s: TestServer;
  const routers: string[] = [];

  const ok = async (query: string, variables: Record<string, unknown> = {}, token?: string | null) => {
    const r = await s.gql(query, variables, token);
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data;
  };

  beforeAll(async () => {
    // A page of 3 by default: a nested list without a limit stops there too.
    s = await startTestServer('pglite', { PAGINATE_COUNT: '3' });
    const base = await ok(`mutation {
      p: createPlatform(input: {name: "P", slug: "p"}) { id }
      local: createAutonomousSystem(input: {asn: 64500, name: "Local"}) { id }
      rel: createRelationship(input: {name: "Peer", slug: "peer"}) { id }
      t1: createTag(input: {name: "Zeta", slug: "zeta"}) { id }
      t2: createTag(input: {name: "Alpha", slug: "alpha"}) { id }
      t3: createTag(input: {name: "Mid", slug: "mid"}) { id } }`);
    // Five routers with 0, 1, 2, 3, 4 sessions; each session towards its own AS.
    const peers = await ok(`mutation { createAutonomousSystems(inputs: [${Array.from({ length: 10 }, (_, i) => `{asn: ${65000 + i}, name: "Peer ${i}"}`).join(', ')}]) { id asn } }`);
    let n = 0;
    for (let r = 0; r < 5; r++) {
      const router = await ok(`mutation { createRouter(input: {name: "R${r}", hostname: "r${r}.example", platformId: "${base.p.id}", localAutonomousSystemId: "${base.local.id}",
        tagIds: ["${base.t1.id}", "${base.t2.id}", "${base.t3.id}"]}) { id } }`);
      routers.push(router.createRouter.id);
      const sessions = Array.from({ length: r }, (_, i) => {
        const k = n++;
        return `{routerId: "${router.createRouter.id}", relationshipId: "${base.rel.id}", localAutonomousSystemId: "${base.local.id}", autonomousSystemId: "${peers.createAutonomousSystems[k].id}",
          ipAddress: "198.51.100.${k * 2 + 1}/31", status: ${i % 2 ? 'DISABLED' : 'ENABLED'}}`;
      });
      if (sessions.length) await ok(`mutation { createDirectPeeringSessions(inputs: [${sessions.join(', ')}]) { id } }`);
    }
  }, 120_000);
  afterAll(async () => { await s?.close(); });

  test('reverse lists: filter, ordering and limit per owner', async () => {
    const d = await ok(`{ routers(ordering: ["name"], limit: 10) { items { name
      all: directPeeringSessions { ipAddress status }
      enabled: directPeeringSessions(filter: {status: {exact: [ENABLED]}}) { ipAddress }
      topTwo: directPeeringSessions(ordering: ["-ipAddress"], limit: 2) { ipAddress }
      byPeerAsn: directPeeringSessions(ordering: ["-autonomousSystem"], limit: 1) { autonomousSystem { asn } } } } }`);
    const items = d.routers.items;
    expect(items.map((r: any) => r.all.length)).toEqual([0, 1, 2, 3, 3]);
    const every = await ok(`{ router(id: "${routers[4]}") { directPeeringSessions(limit: 0) { id } } }`);
    expect(every.router.directPeeringSessions).toHaveLength(4);
    const r3 = items[3];
    // Sessions 3, 4, 5 of the seed belong to R3: 198.51.100.7, .9, .11 (default ordering: by ip address).
    expect(r3.all).toEqual([
      { ipAddress: '198.51.100.7/31', status: 'ENABLED' }, { ipAddress: '198.51.100.9/31', status: 'DISABLED' }, { ipAddress: '198.51.100.11/31', status: 'ENABLED' },
    ]);
    expect(r3.enabled.map((x: any) => x.ipAddress)).toEqual(['198.51.100.7/31', '198.51.100.11/31']);
    expect(r3.topTwo.map((x: any) => x.ipAddress)).toEqual(['198.51.100.11/31', '198.51.100.9/31']);
    // Ordering by a relation (the peer AS's number), as the root list orders.
    expect(r3.byPeerAsn).toEqual([{ autonomousSystem: { asn: 65005 } }]);
    expect(items[4].topTwo).toHaveLength(2);
    expect(items[1].topTwo).toHaveLength(1);
    // The same answers as the root list with the same arguments.
    const root = await ok(`{ directPeeringSessions(filter: {router: {exact: ["${routers[3]}"]}}, ordering: ["-ipAddress"], limit: 2) { items { ipAddress } } }`);
    expect(root.directPeeringSessions.items).toEqual(r3.topTwo);
  });

  test('many-to-many lists: filter, ordering, limit', async () => {
    const d = await ok(`{ router(id: "${routers[0]}") {
      tags { slug } sorted: tags(ordering: ["-name"]) { name } one: tags(limit: 1) { slug } a: tags(filter: {q: "a"}) { slug } } }`);
    expect(d.router.tags.map((t: any) => t.slug)).toEqual(['alpha', 'mid', 'zeta']);
    expect(d.router.sorted.map((t: any) => t.name)).toEqual(['Zeta', 'Mid', 'Alpha']);
    expect(d.router.one).toEqual([{ slug: 'alpha' }]);
    expect(d.router.a.map((t: any) => t.slug)).toEqual(['alpha', 'zeta']);
  });

  test('one SQL statement per nested list for a whole page of owners', async () => {
    const doc = (limit: number) => `{ routers(limit: ${limit}) { items { id directPeeringSessions(limit: 2) { id } tags { id } } } }`;
    const count = async (limit: number) => {
      await ok(doc(limit)); // warm the token lookup and the document cache
      const before = queryStats.inRequests;
      await ok(doc(limit));
      return queryStats.inRequests - before;
    };
    const two = await count(2);
    const five = await count(5);
    expect(five).toBe(two);
  });

  test('a bulk write answers its objects\' lists as a read does: per object, filtered, ordered, limited', async () => {
    const tags = (await ok(`{ tags(ordering: ["name"]) { items { id slug } } }`)).tags.items as { id: string; slug: string }[];
    const bySlug = (...slugs: string[]) => slugs.map((x) => `"${tags.find((t) => t.slug === x)!.id}"`).join(', ');
    // Read for all the new objects at once (src/graphql/read-compiler/statement.ts ownersLists): each keeps its own members.
    const sets = [['zeta', 'alpha', 'mid'], [], ['mid'], ['zeta', 'alpha'], ['alpha', 'mid', 'zeta']];
    const selection = `id all: tags { slug } sorted: tags(ordering: ["-name"]) { name } one: tags(limit: 1) { slug } a: tags(filter: {q: "a"}) { slug }
      policies: importRoutingPolicies { id }`;
    const made = await ok(`mutation { createAutonomousSystems(inputs: [${sets.map((set, i) => `{asn: ${64800 + i}, name: "Tagged ${i}", tagIds: [${bySlug(...set)}]}`).join(', ')}]) { ${selection} } }`);
    const written = made.createAutonomousSystems as Record<string, any>[];
    expect(written.map((o) => o.all.map((t: any) => t.slug))).toEqual([['alpha', 'mid', 'zeta'], [], ['mid'], ['alpha', 'zeta'], ['alpha', 'mid', 'zeta']]);
    expect(written.map((o) => o.sorted.map((t: any) => t.name))).toEqual([['Zeta', 'Mid', 'Alpha'], [], ['Mid'], ['Zeta', 'Alpha'], ['Zeta', 'Mid', 'Alpha']]);
    expect(written.map((o) => o.one.map((t: any) => t.slug))).toEqual([['alpha'], [], ['mid'], ['alpha'], ['alpha']]);
    expect(written.map((o) => o.a.map((t: any) => t.slug))).toEqual([['alpha', 'zeta'], [], [], ['alpha', 'zeta'], ['alpha', 'zeta']]);
    expect(written.every((o) => Array.isArray(o.policies) && o.policies.length === 0)).toBe(true);
    // The same answers as a read of the same objects with the same selection.
    const read = await ok(`{ autonomousSystems(filter: {asn: {gte: 64800, lte: 64804}}, ordering: ["asn"], limit: 10) { items { ${selection} } } }`);
    expect(read.autonomousSystems.items).toEqual(written);
  });

  test('bad arguments are field errors, not server errors', async () => {
    const negative = await s.gql(`{ router(id: "${routers[0]}") { tags(limit: -1) { id } } }`);
    expect(negative.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { limit: ['Ensure this value is greater than or equal to 0.'] } });
    const badId = await s.gql(`{ routers { items { directPeeringSessions(filter: {router: {exact: ["x"]}}) { id } } } }`);
    expect(badId.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    // A limit over the maximum page size is capped, as on the root list.
    const capped = await ok(`{ router(id: "${routers[4]}") { directPeeringSessions(limit: 5000) { id } } }`);
    expect(capped.router.directPeeringSessions).toHaveLength(4);
  });

  test('the listed model\'s read scope: PeeringDB contacts by visibility', async () => {
    const w = await seedPdb(s, 'N');
    await pdbPost(s, 'poc', { net_id: w.net, role: 'NOC', visible: 'Users', name: 'Members', email: 'm@alpha.example' });
    const q = `{ pdbNetwork(id: "${w.net}") { contacts(ordering: ["name"]) { name visible } } }`;
    const staff = await ok(q);
    expect(staff.pdbNetwork.contacts.map((c: any) => c.visible).sort()).toEqual(['Private', 'Public', 'Users']);
    const anonymous = await ok(q, {}, null);
    expect(anonymous.pdbNetwork.contacts).toEqual([{ name: 'NOC', visible: 'Public' }]);
    // A filter cannot reach past the scope.
    const asked = await ok(`{ pdbNetwork(id: "${w.net}") { contacts(filter: {visible: {exact: ["Private"]}}) { name } } }`, {}, null);
    expect(asked.pdbNetwork.contacts).toEqual([]);
  });
});
