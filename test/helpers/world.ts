// A small world of every kind of object (Peering Manager's and the PeeringDB mirror's), for
// tests that read each model with something to find.
import type { TestServer } from './server';
import { seedPdb, pdbPost } from './pdb';

async function gqlOk(s: TestServer, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const r = await s.gql(query, variables);
  if (r?.errors || !r?.data) throw new Error(`${query.slice(0, 200)}: ${JSON.stringify(r?.errors ?? r)}`);
  return r.data;
}

export async function seedWorld(s: TestServer): Promise<void> {
  const a = await gqlOk(s, `mutation {
    t1: createTag(input: {name: "T1", slug: "t1"}) { id } t2: createTag(input: {name: "T2", slug: "t2"}) { id }
    c: createCommunity(input: {name: "C", slug: "c", value: "65000:1"}) { id }
    p: createPlatform(input: {name: "EOS", slug: "eos"}) { id }
    rel: createRelationship(input: {name: "Peer", slug: "peer"}) { id }
    g: createBgpGroup(input: {name: "G", slug: "g"}) { id }
    role: createContactRole(input: {name: "NOC", slug: "noc"}) { id }
    contact: createContact(input: {name: "Alice"}) { id }
    cc: createConfigContext(input: {name: "CC", data: {a: 1}}) { id } }`);
  const pol = await gqlOk(s, `mutation { createRoutingPolicy(input: {name: "P", slug: "p", communityIds: ["${a.c.id}"], tagIds: ["${a.t1.id}"]}) { id } }`);
  const ases = await gqlOk(s, `mutation($i: [AutonomousSystemCreateInput!]!) { createAutonomousSystems(inputs: $i) { id } }`, {
    i: [0, 1, 2].map((k) => ({ asn: 65100 + k, name: `AS ${k}`, tagIds: [a.t1.id, a.t2.id], importRoutingPolicyIds: [pol.createRoutingPolicy.id], communityIds: [a.c.id] })),
  });
  const [as0, as1] = ases.createAutonomousSystems.map((x: { id: string }) => x.id);
  const r = await gqlOk(s, `mutation { createRouter(input: {name: "r1", hostname: "r1.example", platformId: "${a.p.id}", localAutonomousSystemId: "${as0}", tagIds: ["${a.t1.id}"]}) { id } }`);
  const ix = await gqlOk(s, `mutation { createInternetExchange(input: {name: "IX", slug: "ix", localAutonomousSystemId: "${as0}"}) { id } }`);
  const conn = await gqlOk(s, `mutation { createConnection(input: {internetExchangePointId: "${ix.createInternetExchange.id}", routerId: "${r.createRouter.id}", ipv4Address: "203.0.113.1/24", interface: "et-0/0/0"}) { id } }`);
  await gqlOk(s, `mutation {
    s1: createInternetExchangePeeringSession(input: {ixpConnectionId: "${conn.createConnection.id}", autonomousSystemId: "${as1}", ipAddress: "203.0.113.2"}) { id }
    s2: createDirectPeeringSession(input: {relationshipId: "${a.rel.id}", localAutonomousSystemId: "${as0}", autonomousSystemId: "${as1}", bgpGroupId: "${a.g.id}", routerId: "${r.createRouter.id}", ipAddress: "198.51.100.1/31"}) { id }
    ca: createContactAssignment(input: {contactId: "${a.contact.id}", roleId: "${a.role.id}", contentType: "peering.autonomoussystem", objectId: ${as0}}) { id }
    cca: createConfigContextAssignment(input: {configContextId: "${a.cc.id}", contentType: "devices.router", objectId: ${r.createRouter.id}}) { id }
    j: createJournalEntry(input: {assignedObjectType: "peering.autonomoussystem", assignedObjectId: ${as0}, comments: "hello"}) { id }
    u: createUser(input: {username: "alice", password: "alice-pass-1"}) { id } }`);
  const w = await seedPdb(s, 'RC');
  await pdbPost(s, 'poc', { net_id: w.net, role: 'NOC', visible: 'Users', name: 'Members', email: 'm@alpha.example' });
}
