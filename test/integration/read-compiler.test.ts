// The read compiler (src/graphql/read-compiler): for every model, a list and a detail document
// derived from the schema at depth 2 (every field the model declares, and under each foreign key
// and nested list every field its target declares) cost ONE SQL statement per root field, plus
// one for totalCount, and answer exactly what the ORM path answers, for a superuser and for an
// ordinary user (whose scopes hide rows of some models), on PGlite and PostgreSQL.
import { getNamedType, isLeafType, isObjectType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { startTestServer, type TestServer } from '../helpers/server';
import { DB_KINDS } from '../helpers/db';
import { seedPdb, pdbPost } from '../helpers/pdb';
import '../../src/domain';
import { allModels, type ModelDescriptor } from '../../src/domain/model';
import { nestedLists } from '../../src/domain/nested';
import { fieldName } from '../../src/graphql/resolvers';
import { Loaders } from '../../src/graphql/loaders';
import { authenticate } from '../../src/http/auth';
import { requestContext } from '../../src/db/context';
import { compileStats, readCompiler } from '../../src/graphql/read-compiler';
import type { GqlContext } from '../../src/graphql/context';

const LIMITS = { GRAPHQL_MAX_COMPLEXITY: '100000000', GRAPHQL_MAX_TOKENS: '1000000', GRAPHQL_MAX_DOCUMENT_BYTES: '10000000', GRAPHQL_MAX_DEPTH: '20', LOGIN_RATE_LIMIT: 'off' };

/** The fields of a model's type that its descriptor declares (columns, relations, lists, display, computed). */
function declared(schema: GraphQLSchema, d: ModelDescriptor): { leaves: string[]; objects: { name: string; target: GraphQLObjectType }[] } {
  const type = schema.getType(d.name) as GraphQLObjectType;
  const names = new Set([...d.fields.map((f) => f.name), 'display', ...Object.keys(d.computed ?? {}), ...nestedLists(d).map((l) => l.name)]);
  const leaves: string[] = [];
  const objects: { name: string; target: GraphQLObjectType }[] = [];
  for (const f of Object.values(type.getFields())) {
    if (!names.has(f.name)) continue;
    const t = getNamedType(f.type);
    if (isLeafType(t)) leaves.push(f.name);
    else if (isObjectType(t)) objects.push({ name: f.name, target: t });
  }
  return { leaves, objects };
}

function selection(schema: GraphQLSchema, d: ModelDescriptor): string {
  const { leaves, objects } = declared(schema, d);
  const byName = new Map(allModels().map((m) => [m.name, m]));
  const nested = objects.map((o) => `${o.name} { ${declared(schema, byName.get(o.target.name)!).leaves.join(' ')} }`);
  return [...leaves, ...nested].join(' ');
}

async function gqlOk(s: TestServer, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<any> {
  const r = await s.gql(query, variables, token);
  if (r?.errors || !r?.data) throw new Error(`${query.slice(0, 200)}: ${JSON.stringify(r?.errors ?? r)}`);
  return r.data;
}

async function seed(s: TestServer): Promise<void> {
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

describe.each(DB_KINDS)('read compiler on %s', (kind) => {
  let s: TestServer;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    s = await startTestServer(kind, LIMITS);
    await seed(s);
    const users = await gqlOk(s, '{ users { items { id username } } }');
    const alice = users.users.items.find((u: { username: string }) => u.username === 'alice').id;
    tokens.superuser = s.token;
    tokens.user = (await gqlOk(s, `mutation { createToken(input: {userId: "${alice}", writeEnabled: true}) { key } }`)).createToken.key;
  }, 120_000);
  afterAll(async () => {
    readCompiler.enabled = true;
    await s?.close();
  });

  /** Runs a document in-process as `who`; returns its data and how many SQL statements it ran. */
  async function run(who: string, query: string, compiled: boolean): Promise<{ data: any; statements: number }> {
    const em = s.pg.orm.em.fork();
    const caller = await authenticate(em, `Token ${tokens[who]}`);
    const ctx: GqlContext = { em, caller, loaders: new Loaders(em, () => caller), requestId: '', config: s.config, bus: s.pg.bus, speaker: null as unknown as GqlContext['speaker'] };
    const store = { requestId: '00000000-0000-0000-0000-000000000000', userId: null, userName: '', queryCount: 0 };
    readCompiler.enabled = compiled;
    try {
      const r = await requestContext.run(store, () => s.pg.http.executor.run(query, {}, ctx));
      if (r.errors) throw new Error(`${query.slice(0, 300)}: ${JSON.stringify(r.errors)}`);
      return { data: r.data, statements: store.queryCount };
    } finally {
      readCompiler.enabled = true;
    }
  }

  const models = () => allModels();

  test.each(['superuser', 'user'])('every model at depth 2, as %s: one statement per root field (+1 for totalCount), same answer as the ORM path', async (who) => {
    const schema = s.pg.http.schema;
    const bad: string[] = [];
    let rowsSeen = 0;
    for (const d of models()) {
      const probe = await s.gql(`{ ${fieldName(d.plural)}(limit: 0) { totalCount } }`, {}, tokens[who]);
      if (probe.errors) continue; // a model this caller may not read: refused before any statement
      const sel = selection(schema, d);
      const list = `{ ${fieldName(d.plural)}(limit: 5) { totalCount items { ${sel} } } }`;
      const listNoCount = `{ ${fieldName(d.plural)}(limit: 5) { items { ${sel} } } }`;
      const before = compileStats.fallback;
      const viaSql = await run(who, list, true);
      const viaOrm = await run(who, list, false);
      const items = viaSql.data[fieldName(d.plural)].items as { id: string }[];
      rowsSeen += items.length;
      const detail = `{ ${fieldName(d.name)}(id: "${items[0]?.id ?? 999999}") { ${sel} } }`;
      const detailSql = await run(who, detail, true);
      const detailOrm = await run(who, detail, false);
      const noCount = await run(who, listNoCount, true);
      if (compileStats.fallback !== before) bad.push(`${d.name}: not compiled (${compileStats.lastFallback})`);
      if (viaSql.statements !== 2) bad.push(`${d.name}: list with totalCount ran ${viaSql.statements} statements`);
      if (noCount.statements !== 1) bad.push(`${d.name}: list ran ${noCount.statements} statements`);
      if (detailSql.statements !== 1) bad.push(`${d.name}: detail ran ${detailSql.statements} statements`);
      if (JSON.stringify(viaSql.data) !== JSON.stringify(viaOrm.data)) bad.push(`${d.name}: list differs\n  sql ${JSON.stringify(viaSql.data).slice(0, 1500)}\n  orm ${JSON.stringify(viaOrm.data).slice(0, 1500)}`);
      if (JSON.stringify(detailSql.data) !== JSON.stringify(detailOrm.data)) bad.push(`${d.name}: detail differs\n  sql ${JSON.stringify(detailSql.data).slice(0, 1500)}\n  orm ${JSON.stringify(detailOrm.data).slice(0, 1500)}`);
    }
    expect(rowsSeen).toBeGreaterThan(40);
    expect(bad).toEqual([]);
  }, 300_000);

  test('nested list arguments and scopes: filter, ordering, limit; a user sees only visible contacts', async () => {
    const q = `{ autonomousSystems(ordering: ["-asn"], filter: {asn: {gte: 65101}}) { items { asn tags(ordering: ["-name"], limit: 1) { name } importRoutingPolicies(filter: {name: {exact: ["nope"]}}) { id } } }
      pdbNetworks { items { name contacts(ordering: ["name"]) { name visible } } } }`;
    const before = compileStats.fallback;
    const viaSql = await run('user', q, true);
    expect(compileStats.fallback).toBe(before);
    const viaOrm = await run('user', q, false);
    expect(viaSql.data).toEqual(viaOrm.data);
    expect(viaSql.data.autonomousSystems.items.map((x: any) => x.asn)).toEqual([65102, 65101]);
    expect(viaSql.data.autonomousSystems.items[0].tags).toEqual([{ name: 'T2' }]);
    expect(viaSql.data.autonomousSystems.items[0].importRoutingPolicies).toEqual([]);
    const contacts = viaSql.data.pdbNetworks.items.flatMap((n: any) => n.contacts.map((c: any) => c.visible));
    expect(contacts.length).toBeGreaterThan(0);
    expect(contacts).not.toContain('Private');
    expect(viaSql.statements).toBe(2);
  });

  test('aliases: one field under several response keys, each with its own arguments and selection', async () => {
    const q = `{ autonomousSystems(ordering: ["asn"], limit: 2) { items { asn
      first: tags(ordering: ["name"], limit: 1) { name } last: tags(ordering: ["-name"], limit: 1) { slug } tags { id }
      label: display text: display policies: importRoutingPolicies { name } } }
      router: routers(limit: 1) { items { asn: localAutonomousSystem { asn } as2: localAutonomousSystem { name tags(limit: 1) { name } } } } }`;
    const before = compileStats.fallback;
    const viaSql = await run('superuser', q, true);
    expect(compileStats.fallback).toBe(before);
    const viaOrm = await run('superuser', q, false);
    expect(viaSql.data).toEqual(viaOrm.data);
    const as = viaSql.data.autonomousSystems.items[0];
    expect(as.first).toEqual([{ name: 'T1' }]);
    expect(as.last).toEqual([{ slug: 't2' }]);
    expect(as.tags).toHaveLength(2);
    expect(as.label).toBe('AS65100 - AS 0');
    expect(as.text).toBe(as.label);
    expect(viaSql.data.router.items[0].asn).toEqual({ asn: 65100 });
    expect(viaSql.statements).toBe(2);
  });
});
