// The read compiler (src/graphql/read-compiler), the only read path of list and detail root
// fields: for every model, a list and a detail document derived from the schema at depth 2 (every
// field the model declares, SQL-declared fields such as an IX's availablePeers included, and under
// each foreign key and nested list every field its target declares) cost ONE SQL statement per
// root field, totalCount included (a second only for a page without rows), and the detail of an object answers what its list item
// does, for a superuser and for an ordinary user (whose scopes hide rows of some models), on
// PGlite and PostgreSQL. (Until the ORM read path was removed these documents were also compared
// with it, byte for byte.)
import { getNamedType, isLeafType, isObjectType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { startTestServer, type TestServer } from '../helpers/server';
import { DB_KINDS } from '../helpers/db';
import { seedWorld as seed } from '../helpers/world';
import { pdbPost } from '../helpers/pdb';
import '../../src/domain';
import { allModels, type ModelDescriptor } from '../../src/domain/model';
import { nestedLists } from '../../src/domain/nested';
import { fieldName } from '../../src/graphql/resolvers';
import { Loaders } from '../../src/graphql/loaders';
import { authenticate } from '../../src/http/auth';
import { bindRequest, RequestContext } from '../../src/db/context';
import { declaredField } from '../../src/graphql/read-compiler/declared';
import type { GqlContext } from '../../src/graphql/context';

const [IX, FACILITY] = ['InternetExchange', 'PdbFacility'];

const LIMITS = { GRAPHQL_MAX_COMPLEXITY: '100000000', GRAPHQL_MAX_TOKENS: '1000000', GRAPHQL_MAX_DOCUMENT_BYTES: '10000000', GRAPHQL_MAX_DEPTH: '20', LOGIN_RATE_LIMIT: 'off' };

/**
 * The fields of a model's type that its descriptor declares (columns, relations, lists, display,
 * computed) and the SQL-declared ones that take no argument (an IX's availablePeers, a session's
 * isAbandoned: src/graphql/read-compiler/declared.ts).
 */
function declared(schema: GraphQLSchema, d: ModelDescriptor): { leaves: string[]; objects: { name: string; target: GraphQLObjectType }[] } {
  const type = schema.getType(d.name) as GraphQLObjectType;
  const sqlDeclared = Object.values(type.getFields()).filter((f) => !f.args.length && declaredField(d, f.name)).map((f) => f.name);
  const names = new Set([...d.fields.map((f) => f.name), 'display', ...Object.keys(d.computed ?? {}), ...nestedLists(d).map((l) => l.name), ...sqlDeclared]);
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
    await s?.close();
  });

  /** Runs a document in-process as `who`; returns its data and how many SQL statements it ran. */
  async function run(who: string, query: string, variables: Record<string, unknown> = {}): Promise<{ data: any; statements: number }> {
    const em = s.pg.orm.em.fork();
    const caller = await authenticate(em, `Token ${tokens[who]}`);
    // After authenticating: only the document's statements are counted.
    const store = new RequestContext('00000000-0000-0000-0000-000000000000');
    bindRequest(em, store);
    const ctx: GqlContext = { em, caller, loaders: new Loaders(em, () => caller), requestId: '', config: s.config, bus: s.pg.bus, speaker: null as unknown as GqlContext['speaker'] };
    const r = await s.pg.http.executor.run(query, variables, ctx);
    if (r.errors) throw new Error(`${query.slice(0, 300)}: ${JSON.stringify(r.errors)}`);
    return { data: r.data, statements: store.queryCount };
  }

  const models = () => allModels();

  test.each(['superuser', 'user'])('every model at depth 2, as %s: one statement per root field (totalCount included, on an empty page too), the detail answers what the list does', async (who) => {
    const schema = s.pg.http.schema;
    const bad: string[] = [];
    let rowsSeen = 0;
    for (const d of models()) {
      const probe = await s.gql(`{ ${fieldName(d.plural)}(limit: 0) { totalCount } }`, {}, tokens[who]);
      if (probe.errors) continue; // a model this caller may not read: refused before any statement
      const sel = selection(schema, d);
      const list = `{ ${fieldName(d.plural)}(limit: 5) { totalCount items { ${sel} } } }`;
      const listNoCount = `{ ${fieldName(d.plural)}(limit: 5) { items { ${sel} } } }`;
      const viaSql = await run(who, list);
      const page = viaSql.data[fieldName(d.plural)];
      const items = page.items as { id: string }[];
      rowsSeen += items.length;
      const detail = `{ ${fieldName(d.name)}(id: "${items[0]?.id ?? 999999}") { ${sel} } }`;
      const detailSql = await run(who, detail);
      const noCount = await run(who, listNoCount);
      if (viaSql.statements !== 1) bad.push(`${d.name}: list with totalCount ran ${viaSql.statements} statements`);
      if (noCount.statements !== 1) bad.push(`${d.name}: list ran ${noCount.statements} statements`);
      if (detailSql.statements !== 1) bad.push(`${d.name}: detail ran ${detailSql.statements} statements`);
      if (items.length !== Math.min(5, page.totalCount)) bad.push(`${d.name}: ${items.length} items of ${page.totalCount}`);
      if (JSON.stringify(noCount.data[fieldName(d.plural)].items) !== JSON.stringify(items)) bad.push(`${d.name}: the list differs without totalCount`);
      if (JSON.stringify(detailSql.data[fieldName(d.name)]) !== JSON.stringify(items[0] ?? null)) bad.push(`${d.name}: detail differs from its list item\n  detail ${JSON.stringify(detailSql.data).slice(0, 1500)}\n  item ${JSON.stringify(items[0]).slice(0, 1500)}`);
    }
    expect(rowsSeen).toBeGreaterThan(40);
    expect(bad).toEqual([]);
  }, 300_000);

  test('totalCount counts the filtered rows, on a page with rows and on one past the end', async () => {
    const q = (offset: number) => `{ autonomousSystems(ordering: ["-asn"], filter: {asn: {gte: 65101}}, limit: 1, offset: ${offset}) { totalCount items { asn } } }`;
    const first = await run('user', q(0));
    expect(first.data.autonomousSystems).toEqual({ totalCount: 2, items: [{ asn: 65102 }] });
    expect(first.statements).toBe(1);
    const past = await run('user', q(5));
    expect(past.data.autonomousSystems).toEqual({ totalCount: 2, items: [] });
    // The count rides on the page's statement past the end too.
    expect(past.statements).toBe(1);
  });

  test('a list read again answers for its own offset, nested arguments and caller (its statement is reused per shape)', async () => {
    const page = `query($o: Int, $n: Int) { autonomousSystems(ordering: ["asn"], limit: 1, offset: $o) { totalCount items { asn tags(limit: $n) { name } } } }`;
    const asns = [];
    for (const o of [0, 1, 2, 0]) asns.push((await run('user', page, { o, n: 5 })).data.autonomousSystems.items[0].asn);
    expect(asns).toEqual([65100, 65101, 65102, 65100]);
    for (const n of [1, 2, 1]) expect((await run('user', page, { o: 0, n })).data.autonomousSystems.items[0].tags).toHaveLength(n);
    const contacts = '{ pdbNetworks { items { contacts(ordering: ["name"]) { name visible } } } }';
    const seen = [];
    for (const who of ['superuser', 'user', 'superuser', 'user']) seen.push(JSON.stringify((await run(who, contacts)).data));
    expect(seen[0]).not.toEqual(seen[1]); // the user sees fewer contacts
    expect([seen[2], seen[3]]).toEqual([seen[0], seen[1]]);
  });

  test('a filtered list, a detail and a write\'s answer read again answer for their own values (their statements are reused per shape)', async () => {
    const list = 'query($f: AutonomousSystemFilter, $o: Int) { autonomousSystems(ordering: ["asn"], filter: $f, limit: 2, offset: $o) { totalCount items { id asn } } }';
    const page = async (f: unknown, o = 0) => (await run('user', list, { f, o })).data.autonomousSystems;
    expect(await page({ asn: { gte: 65101 } })).toMatchObject({ totalCount: 2, items: [{ asn: 65101 }, { asn: 65102 }] });
    expect(await page({ asn: { gte: 65102 } })).toMatchObject({ totalCount: 1, items: [{ asn: 65102 }] });
    expect(await page({ asn: { exact: [65100, 65102] } })).toMatchObject({ totalCount: 2, items: [{ asn: 65100 }, { asn: 65102 }] });
    expect(await page({ asn: { exact: [65101] } })).toMatchObject({ totalCount: 1, items: [{ asn: 65101 }] });
    expect(await page({ asn: { gte: 65101 } }, 1)).toMatchObject({ totalCount: 2, items: [{ asn: 65102 }] });
    expect(await page({ asn: { gte: 65100 } }, 5)).toEqual({ totalCount: 3, items: [] });
    expect(await page({ asn: { gte: 65102 } }, 5)).toEqual({ totalCount: 1, items: [] });
    const ids = (await page({ asn: { lte: 65101 } })).items.map((a: { id: string }) => a.id);
    const detail = 'query($id: ID!) { autonomousSystem(id: $id) { asn } }';
    const asn = async (id: string) => (await run('user', detail, { id })).data.autonomousSystem?.asn;
    expect([await asn(ids[0]), await asn(ids[1]), await asn(ids[0]), await asn('999999')]).toEqual([65100, 65101, 65100, undefined]);
    const update = 'mutation($id: ID!, $c: String) { updateAutonomousSystem(id: $id, input: {comments: $c}) { asn comments } }';
    const answers = [];
    for (const [id, c] of [[ids[0], 'first'], [ids[1], 'second']]) answers.push((await run('superuser', update, { id, c })).data.updateAutonomousSystem);
    expect(answers).toEqual([{ asn: 65100, comments: 'first' }, { asn: 65101, comments: 'second' }]);
  });

  test('nested list arguments and scopes: filter, ordering, limit; a user sees only visible contacts', async () => {
    const q = `{ autonomousSystems(ordering: ["-asn"], filter: {asn: {gte: 65101}}) { items { asn tags(ordering: ["-name"], limit: 1) { name } importRoutingPolicies(filter: {name: {exact: ["nope"]}}) { id } } }
      pdbNetworks { items { name contacts(ordering: ["name"]) { name visible } } } }`;
    const viaSql = await run('user', q);
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
      label: display text: display policies: importRoutingPolicies { name } name: display realName: name } }
      router: routers(limit: 1) { items { asn: localAutonomousSystem { asn } as2: localAutonomousSystem { name tags(limit: 1) { name } } } } }`;
    const viaSql = await run('superuser', q);
    const as = viaSql.data.autonomousSystems.items[0];
    expect(as.first).toEqual([{ name: 'T1' }]);
    expect(as.last).toEqual([{ slug: 't2' }]);
    expect(as.tags).toHaveLength(2);
    expect(as.label).toBe('AS65100 - AS 0');
    expect(as.text).toBe(as.label);
    // An alias that is another field's name answers its own field.
    expect([as.name, as.realName]).toEqual([as.label, 'AS 0']);
    expect(viaSql.data.router.items[0].asn).toEqual({ asn: 65100 });
    expect(viaSql.statements).toBe(2);
  });
  test('a response key longer than a PostgreSQL identifier (63 bytes) answers its own field, in a nested object too', async () => {
    const long = `t${'a'.repeat(70)}`;
    const q = `{ autonomousSystems(ordering: ["asn"], limit: 1) { items { asn ${long}: tags(ordering: ["name"]) { name } } }
      routers(limit: 1) { items { ${long}: localAutonomousSystem { asn } } } }`;
    const viaSql = await run('superuser', q);
    expect(viaSql.data.autonomousSystems.items[0][long]).toEqual([{ name: 'T1' }, { name: 'T2' }]);
    expect(viaSql.data.routers.items[0][long]).toEqual({ asn: 65100 });
  });
  test('SQL-declared fields (PeeringDB features): one statement with the whole selection, the values their REST actions answer', async () => {
    // Public ASNs (private ones are never looked up in PeeringDB) on one PeeringDB IX LAN; 3001 and 3002 share a facility.
    const org = (await pdbPost(s, 'org', { name: 'DF Org', country: 'CH' })).id;
    const fac = (await pdbPost(s, 'fac', { org_id: org, name: 'DF Fac', city: 'Zurich', country: 'CH' })).id;
    const nets = [];
    for (const asn of [3001, 3002, 3003]) nets.push((await pdbPost(s, 'net', { org_id: org, name: `DF Net ${asn}`, asn })).id);
    const ixlan = (await pdbPost(s, 'ix', { org_id: org, name: 'DF IX', city: 'Zurich', country: 'CH', prefix: '198.18.0.0/24' })).id;
    await pdbPost(s, 'ixpfx', { ixlan_id: ixlan, prefix: '2001:db8:18::/64', protocol: 'IPv6' });
    for (const [i, net] of nets.entries()) await pdbPost(s, 'netixlan', { net_id: net, ixlan_id: ixlan, speed: 1000, ipaddr4: `198.18.0.${10 + i}`, ipaddr6: i === 2 ? '2001:db8:18::12' : null });
    for (const net of nets.slice(0, 2)) await pdbPost(s, 'netfac', { net_id: net, fac_id: fac });
    const a = await gqlOk(s, `mutation { us: createAutonomousSystem(input: {asn: 3001, name: "DF us"}) { id } them: createAutonomousSystem(input: {asn: 3002, name: "DF them"}) { id }
      gone: createAutonomousSystem(input: {asn: 3004, name: "DF gone"}) { id } }`);
    const ix = (await gqlOk(s, `mutation { createInternetExchange(input: {name: "DF IX", slug: "df-ix", localAutonomousSystemId: "${a.us.id}", peeringdbIxlan: ${ixlan}}) { id } }`)).createInternetExchange.id;
    const conn = (await gqlOk(s, `mutation { createConnection(input: {internetExchangePointId: "${ix}", routerId: null, ipv4Address: "198.18.0.1/24"}) { id } }`)).createConnection.id;
    await gqlOk(s, `mutation { live: createInternetExchangePeeringSession(input: {ixpConnectionId: "${conn}", autonomousSystemId: "${a.them.id}", ipAddress: "198.18.0.11"}) { id }
      gone: createInternetExchangePeeringSession(input: {ixpConnectionId: "${conn}", autonomousSystemId: "${a.gone.id}", ipAddress: "198.18.0.99"}) { id } }`);
    const q = `{ internetExchanges(filter: {slug: {exact: ["df-ix"]}}) { items { name peeringdbPrefixes peers: availablePeers { asn ipaddr4 net { name } display }
        connections { internetExchangePeeringSessions(ordering: ["ipAddress"]) { ipAddress existsInPeeringdb abandoned: isAbandoned autonomousSystem { asn } } } } }
      autonomousSystem(id: "${a.them.id}") { asn sharedInternetExchanges(affiliatedId: "${a.us.id}") { name availablePeers { asn } }
        sharedFacilities(affiliatedId: "${a.us.id}") { name } none: sharedFacilities(affiliatedId: "${a.gone.id}") { id } } }`;
    const viaSql = await run('superuser', q);
    expect(viaSql.statements).toBe(2); // one per root field
    expect(viaSql.data).toEqual({
      internetExchanges: { items: [{
        name: 'DF IX', peeringdbPrefixes: { ipv6: ['2001:db8:18::/64'], ipv4: ['198.18.0.0/24'] },
        // 3001 is the IX's own AS, 3002's only address has a session on every connection.
        peers: [{ asn: 3003, ipaddr4: '198.18.0.12', net: { name: 'DF Net 3003' }, display: 'AS3003 on DF IX' }],
        connections: [{ internetExchangePeeringSessions: [
          { ipAddress: '198.18.0.11', existsInPeeringdb: true, abandoned: false, autonomousSystem: { asn: 3002 } },
          { ipAddress: '198.18.0.99', existsInPeeringdb: false, abandoned: true, autonomousSystem: { asn: 3004 } },
        ] }],
      }] },
      autonomousSystem: { asn: 3002, sharedInternetExchanges: [{ name: 'DF IX', availablePeers: [{ asn: 3003 }] }], sharedFacilities: [{ name: 'DF Fac' }], none: [] },
    });
    // Objects that are not compiled rows (a mutation's answer) read the same fields by one statement each.
    const written = await gqlOk(s, `mutation { updateInternetExchange(id: "${ix}", input: {description: "x"}) { peeringdbPrefixes availablePeers { asn } } }`);
    expect(written.updateInternetExchange).toEqual({ peeringdbPrefixes: viaSql.data.internetExchanges.items[0].peeringdbPrefixes, availablePeers: [{ asn: 3003 }] });
    // Without an affiliated AS (no argument, no preference) the field is refused where it is, as before.
    const refused = await s.gql(`{ autonomousSystem(id: "${a.them.id}") { asn sharedInternetExchanges { id } } }`);
    expect(refused.errors.map((e: any) => [e.path, e.extensions.code])).toEqual([[['autonomousSystem', 'sharedInternetExchanges'], 'SERVICE_UNAVAILABLE']]);
    expect(refused.data).toEqual({ autonomousSystem: null });

    // A caller who reads autonomous systems but not the model a declared list holds sees it as a
    // plain relation into that model: left out (an FK null, a list empty), not an error. Every
    // model is readable by users today, so the rule of two is raised here, as a deployment could.
    const raised = [IX, FACILITY].map((name) => allModels().find((d) => d.name === name)!);
    const rules = raised.map((d) => d.access.read);
    for (const d of raised) d.access.read = 'staff';
    try {
      const own = `{ autonomousSystem(id: "${a.them.id}") { asn sharedInternetExchanges(affiliatedId: "${a.us.id}") { id } sharedFacilities(affiliatedId: "${a.us.id}") { id }
          noAffiliated: sharedInternetExchanges { id } }
        connection(id: "${conn}") { internetExchangePoint { id } } }`;
      const asUser = await s.gql(own, {}, tokens.user);
      expect(asUser.errors).toBeUndefined();
      expect(asUser.data).toEqual({ autonomousSystem: { asn: 3002, sharedInternetExchanges: [], sharedFacilities: [], noAffiliated: [] }, connection: { internetExchangePoint: null } });
      // Above the raised rule the same lists hold rows.
      const asSuperuser = await gqlOk(s, `{ autonomousSystem(id: "${a.them.id}") { sharedInternetExchanges(affiliatedId: "${a.us.id}") { id } sharedFacilities(affiliatedId: "${a.us.id}") { id } } }`);
      expect(asSuperuser.autonomousSystem.sharedInternetExchanges).toEqual([{ id: ix }]);
      expect(asSuperuser.autonomousSystem.sharedFacilities).toEqual([{ id: String(fac) }]);
    } finally {
      raised.forEach((d, i) => { d.access.read = rules[i]; });
    }
  });
});
