// The GraphQL core over HTTP, on the embedded PGlite and on a real PostgreSQL 15.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../helpers/server';
import { DB_KINDS } from '../helpers/db';
import { createToken } from '../../src/domain/users/tokens';
import { User } from '../../src/domain/users/user';
import { AutonomousSystem } from '../../src/domain/peering/autonomous-system';
import { describe as model } from '../../src/domain/model';
import { snapshot } from '../../src/db/snapshot';

const AS_FIELDS = 'id asn name display irrAsSet ipv4MaxPrefixes affiliated created updated';

describe.each(DB_KINDS)('GraphQL core on %s', (kind) => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(kind); });
  afterAll(async () => { await s?.close(); });

  const createAs = async (asn: number, name = `AS ${asn}`, extra: Record<string, unknown> = {}) => {
    const r = await s.gql(`mutation($i: AutonomousSystemCreateInput!) { createAutonomousSystem(input: $i) { ${AS_FIELDS} } }`, { i: { asn, name, ...extra } });
    expect(r.errors).toBeUndefined();
    return r.data.createAutonomousSystem;
  };
  const countAs = async (filter: Record<string, unknown>) =>
    (await s.gql('query($f: AutonomousSystemFilter) { autonomousSystems(filter: $f) { totalCount } }', { f: filter })).data.autonomousSystems.totalCount;

  test('create, read back, defaults and display', async () => {
    const a = await createAs(4200000001, 'Awesome Networks');
    expect(a).toMatchObject({ asn: 4200000001, name: 'Awesome Networks', display: 'AS4200000001 - Awesome Networks', irrAsSet: null, ipv4MaxPrefixes: 0, affiliated: false });
    expect(Date.parse(a.created)).not.toBeNaN();
    const r = await s.gql('query($id: ID!) { autonomousSystem(id: $id) { asn name } }', { id: a.id });
    expect(r.data.autonomousSystem).toEqual({ asn: 4200000001, name: 'Awesome Networks' });
    expect((await s.gql('{ autonomousSystem(id: "999999") { id } }')).data.autonomousSystem).toBeNull();
  });

  test('filters with lookups, q, ordering, limit and offset', async () => {
    for (let i = 0; i < 5; i++) await createAs(64600 + i, `Filter Net ${i}`, { irrAsSet: i % 2 ? 'RIPE::AS-ODD' : 'ARIN::AS-EVEN' });
    const list = async (filter: unknown, extra = '') =>
      (await s.gql(`query($f: AutonomousSystemFilter) { autonomousSystems(filter: $f ${extra}) { totalCount items { asn } } }`, { f: filter })).data.autonomousSystems;
    expect((await list({ asn: { gt: 64601, lte: 64603 } })).items.map((x: any) => x.asn)).toEqual([64602, 64603]);
    expect((await list({ asn: { exact: [64600, 64604] } })).totalCount).toBe(2);
    expect((await list({ asn: { gte: 64600, lt: 64700 }, irrAsSet: { ic: ['ripe'] } })).totalCount).toBe(2);
    expect((await list({ name: { isw: ['filter net'] }, irrAsSet: { niew: ['even'] } })).totalCount).toBe(2);
    expect((await list({ name: { ie: ['FILTER NET 3'] } })).items).toEqual([{ asn: 64603 }]);
    expect((await list({ q: 'filter net' })).totalCount).toBe(5);
    expect((await list({ q: '6460' })).totalCount).toBe(5);
    expect((await list({ irrAsSet: { empty: true }, asn: { gte: 64600, lt: 64700 } })).totalCount).toBe(0);
    const page = await list({ name: { isw: ['Filter Net'] } }, ', ordering: ["-asn"], limit: 2, offset: 1');
    expect(page).toEqual({ totalCount: 5, items: [{ asn: 64603 }, { asn: 64602 }] });
  });

  test('relations: by id and by natural key; exactly one match or a field error', async () => {
    await createAs(64700, 'Local');
    const ok = await s.gql(`mutation { createPlatform(input: {name: "Junos", slug: "junos"}) { id }
      createRouter(input: {name: "edge1", hostname: "edge1.example", platformId: "1", localAutonomousSystem: {asn: 64700}}) { name platform { slug } localAutonomousSystem { asn display } } }`);
    expect(ok.errors).toBeUndefined();
    expect(ok.data.createRouter).toEqual({ name: 'edge1', platform: { slug: 'junos' }, localAutonomousSystem: { asn: 64700, display: 'AS64700 - Local' } });
    const missing = await s.gql('mutation { createRouter(input: {name: "edge2", hostname: "x", platformId: "999", localAutonomousSystem: {asn: 1}}) { id } }');
    expect(missing.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(missing.errors[0].extensions.fields.platform[0]).toMatch(/not found using the provided numeric ID: 999/);
    expect(missing.errors[0].extensions.fields.localAutonomousSystem[0]).toMatch(/not found using the provided attributes/);
    await createAs(64701, 'Twin'); await createAs(64702, 'Twin');
    const ambiguous = await s.gql('mutation { createRouter(input: {name: "edge3", hostname: "x", platformId: "1", localAutonomousSystem: {name: "Twin"}}) { id } }');
    expect(ambiguous.errors[0].extensions.fields.localAutonomousSystem[0]).toMatch(/Multiple objects match/);
  });

  test('bad input gets a field error and leaves data unchanged', async () => {
    const a = await createAs(64800, 'Keep Me');
    const cases: [string, Record<string, unknown>, string][] = [
      ['out-of-range ASN', { asn: 4294967296, name: 'x' }, 'asn'],
      ['negative ASN', { asn: -1, name: 'x' }, 'asn'],
      ['wrong type', { asn: 'abc', name: 'x' }, 'asn'],
      ['missing required', { asn: 64801 }, 'name'],
      ['duplicate unique value', { asn: 64800, name: 'dup' }, 'asn'],
      ['too long', { asn: 64802, name: 'x'.repeat(201) }, 'name'],
      ['config context not an object', { asn: 64803, name: 'x', localContextData: [1, 2] }, 'localContextData'],
    ];
    for (const [why, input, field] of cases) {
      const r = await s.http('POST', '/graphql', { body: { query: 'mutation($i: AutonomousSystemCreateInput!) { createAutonomousSystem(input: $i) { id } }', variables: { i: input } } });
      expect(r.status).toBeLessThan(500);
      expect(r.json.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(Object.keys(r.json.errors[0].extensions.fields ?? {})).toContain(field);
      void why;
    }
    const upd = await s.gql('mutation($id: ID!) { updateAutonomousSystem(id: $id, input: {name: ""}) { id } }', { id: a.id });
    expect(upd.errors[0].extensions.fields.name).toEqual(['This field may not be blank.']);
    expect(await countAs({ asn: { gte: 64800, lte: 64803 } })).toBe(1);
    const nul = await s.gql('query($f: AutonomousSystemFilter) { autonomousSystems(filter: $f) { totalCount } }', { f: { name: { ic: ['a\u0000b'] } } });
    expect(nul.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const badUuid = await s.gql('{ objectChanges(filter: {requestId: {exact: ["x"]}}) { totalCount } }');
    expect(badUuid.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', fields: { requestId: ['"x" is not a valid UUID.'] } });
    const nulWrite = await s.gql('mutation($i: AutonomousSystemCreateInput!) { createAutonomousSystem(input: $i) { id } }', { i: { asn: 64804, name: 'a\u0000b' } });
    expect(nulWrite.errors[0].extensions.fields.name).toEqual(['Null characters are not allowed.']);
    const still = await s.gql('query($id: ID!) { autonomousSystem(id: $id) { name } }', { id: a.id });
    expect(still.data.autonomousSystem.name).toBe('Keep Me');
  });

  test('malformed JSON and oversized bodies are 4xx in GraphQL shape', async () => {
    const bad = await s.http('POST', '/graphql', { body: '{"query": "{ autonomousSystems { totalCount } }"' });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].extensions.code).toBe('BAD_REQUEST');
    const big = await s.http('POST', '/graphql', { body: JSON.stringify({ query: `{ autonomousSystems { totalCount } } #${'x'.repeat(11 * 1024 * 1024)}` }) });
    expect(big.status).toBe(413);
    expect(big.json.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await s.http('GET', '/healthz')).status).toBe(200);
  });

  test('bulk create, update and delete are all-or-none', async () => {
    const created = await s.gql('mutation($i: [AutonomousSystemCreateInput!]!) { createAutonomousSystems(inputs: $i) { id asn } }',
      { i: [{ asn: 64900, name: 'B0' }, { asn: 64901, name: 'B1' }] });
    expect(created.data.createAutonomousSystems.map((x: any) => x.asn)).toEqual([64900, 64901]);
    const badCreate = await s.gql('mutation($i: [AutonomousSystemCreateInput!]!) { createAutonomousSystems(inputs: $i) { id } }',
      { i: [{ asn: 64902, name: 'ok' }, { asn: 64900, name: 'dup' }] });
    expect(badCreate.errors[0].extensions.items[1].asn[0]).toMatch(/already exists/);
    expect(badCreate.errors[0].extensions.items[0]).toEqual({});
    expect(await countAs({ asn: { exact: [64902] } })).toBe(0);
    const [b0, b1] = created.data.createAutonomousSystems;
    const badUpdate = await s.gql('mutation($i: [AutonomousSystemBulkUpdateInput!]!) { updateAutonomousSystems(inputs: $i) { id } }',
      { i: [{ id: b0.id, ipv4MaxPrefixes: 77 }, { id: b1.id, asn: 0 }] });
    expect(badUpdate.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await s.gql(`{ autonomousSystem(id: "${b0.id}") { ipv4MaxPrefixes } }`)).data.autonomousSystem.ipv4MaxPrefixes).toBe(0);
    const goodUpdate = await s.gql('mutation($i: [AutonomousSystemBulkUpdateInput!]!) { updateAutonomousSystems(inputs: $i) { ipv4MaxPrefixes } }',
      { i: [{ id: b0.id, ipv4MaxPrefixes: 10 }, { id: b1.id, ipv4MaxPrefixes: 20 }] });
    expect(goodUpdate.data.updateAutonomousSystems).toEqual([{ ipv4MaxPrefixes: 10 }, { ipv4MaxPrefixes: 20 }]);
    // A protected object in the batch (relationship used by a session) fails the whole delete.
    const rel = await s.gql('mutation { createRelationship(input: {name: "Transit", slug: "transit"}) { id } other: createRelationship(input: {name: "Peer", slug: "peer"}) { id } }');
    const relId = rel.data.createRelationship.id;
    const sess = await s.gql(`mutation { createDirectPeeringSession(input: {localAutonomousSystemId: "${b0.id}", autonomousSystemId: "${b1.id}", ipAddress: "192.0.2.1/31", localIpAddress: "192.0.2.0/31", relationshipId: "${relId}"}) { display } }`);
    expect(sess.errors).toBeUndefined();
    expect(sess.data.createDirectPeeringSession.display).toBe('Transit - AS64901 - IP 192.0.2.1/31');
    const del = await s.gql(`mutation { deleteRelationships(ids: ["${rel.data.other.id}", "${relId}"]) }`);
    expect(del.errors[0].extensions.code).toBe('CONFLICT');
    expect(del.errors[0].message).toMatch(/1 dependent objects were found: Transit - AS64901/);
    expect((await s.gql('{ relationships { totalCount } }')).data.relationships.totalCount).toBe(2);
    expect((await s.gql(`mutation { deleteAutonomousSystems(ids: ["${b1.id}", "999999"]) }`)).data.deleteAutonomousSystems).toBe(1);
  });

  test('the change log records each write with the request id, user and data', async () => {
    const r = await s.http('POST', '/graphql', { body: { query: 'mutation { createTag(input: {name: "Audit", slug: "audit"}) { id } }' } });
    const rid = r.headers.get('x-request-id')!;
    expect(rid).toMatch(/^[0-9a-f-]{36}$/);
    const tagId = r.json.data.createTag.id;
    await s.gql(`mutation { updateTag(id: "${tagId}", input: {color: "ff0000"}) { id } }`);
    await s.gql(`mutation { updateTag(id: "${tagId}", input: {color: "ff0000"}) { id } }`); // no difference: no record
    const changes = await s.gql(`{ objectChanges(filter: {changedObjectType: {exact: ["extras.tag"]}, changedObjectId: {exact: [${tagId}]}}, ordering: ["id"]) {
      items { action requestId userName objectRepr prechangeData postchangeData user { username } } } }`);
    const items = changes.data.objectChanges.items;
    expect(items.map((c: any) => c.action)).toEqual(['CREATE', 'UPDATE']);
    expect(items[0]).toMatchObject({ requestId: rid, userName: 'admin', objectRepr: 'Audit', prechangeData: null, user: { username: 'admin' } });
    expect(items[1].prechangeData.color).toBe('9e9e9e');
    expect(items[1].postchangeData.color).toBe('ff0000');
    const byRequest = await s.gql(`{ tags(filter: {createdByRequest: "${rid}"}) { items { slug } } }`);
    expect(byRequest.data.tags.items).toEqual([{ slug: 'audit' }]);
    // A failed write leaves no change record.
    const before = (await s.gql('{ objectChanges { totalCount } }')).data.objectChanges.totalCount;
    await s.gql('mutation { createTags(inputs: [{name: "T1", slug: "t1"}, {name: "T1", slug: "t1b"}]) { id } }');
    expect((await s.gql('{ objectChanges { totalCount } }')).data.objectChanges.totalCount).toBe(before);
  });

  test('a change record reads back with its snapshot\'s keys in the order they were written', async () => {
    const made = await s.gql('mutation { createAutonomousSystem(input: {asn: 64999, name: "Key Order", irrAsSet: "AS-KO"}) { id } }');
    const id = made.data.createAutonomousSystem.id;
    const as = await s.pg.orm.em.fork().findOneOrFail(AutonomousSystem, Number(id), { populate: ['*'] as never });
    const written = Object.keys(snapshot(model(AutonomousSystem), as));
    const stored = (await s.http('GET', `/api/extras/object-changes/?changed_object_type=peering.autonomoussystem&changed_object_id=${id}`)).json.results[0].postchange_data;
    const read = (await s.gql(`{ objectChanges(filter: {changedObjectType: {exact: ["peering.autonomoussystem"]}, changedObjectId: {exact: [${id}]}}) { items { postchangeData } } }`))
      .data.objectChanges.items[0].postchangeData;
    expect(Object.keys(stored)).toEqual(written);
    expect(Object.keys(read)).toEqual(written);
  });

  test('writes need a write token; expired and invalid tokens are refused', async () => {
    const em = s.pg.orm.em.fork();
    const admin = await em.findOneOrFail(User, { username: 'admin' });
    const ro = await createToken(em, admin, { writeEnabled: false });
    const expired = await createToken(em, admin, { expires: new Date(Date.now() - 1000) });
    const m = 'mutation { createTag(input: {name: "Nope", slug: "nope"}) { id } }';
    expect((await s.gql(m, {}, null)).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await s.gql(m, {}, ro.key)).errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await s.gql(m, {}, expired.key)).errors[0].message).toBe('Token expired');
    expect((await s.gql(m, {}, 'f'.repeat(40))).errors[0].message).toBe('Invalid token');
    expect((await s.gql('{ tags { totalCount } }', {}, ro.key)).data.tags.totalCount).toBeGreaterThanOrEqual(0);
    expect((await s.gql('{ tags(filter: {slug: {exact: ["nope"]}}) { totalCount } }')).data.tags.totalCount).toBe(0);
    // Session passwords are shown only to callers that may write.
    const made = await s.gql(`mutation {
      a: createAutonomousSystem(input: {asn: 65300, name: "Pw A"}) { id } b: createAutonomousSystem(input: {asn: 65301, name: "Pw B"}) { id }
      r: createRelationship(input: {name: "Pw", slug: "pw"}) { id } }`);
    const sess = await s.gql(`mutation { createDirectPeeringSession(input: {localAutonomousSystemId: "${made.data.a.id}", autonomousSystemId: "${made.data.b.id}",
      ipAddress: "2001:db8::1/64", relationshipId: "${made.data.r.id}", password: "s3cret"}) { id password } }`);
    expect(sess.data.createDirectPeeringSession.password).toBe('s3cret');
    const q = `{ directPeeringSession(id: "${sess.data.createDirectPeeringSession.id}") { password ipAddress } }`;
    expect((await s.gql(q, {}, ro.key)).data.directPeeringSession).toEqual({ password: null, ipAddress: '2001:db8::1/64' });
    expect((await s.gql(q)).data.directPeeringSession.password).toBe('s3cret');
    const log = await s.gql('{ objectChanges(filter: {changedObjectType: {exact: ["peering.directpeeringsession"]}}) { items { postchangeData } } }');
    expect(JSON.stringify(log.data.objectChanges.items)).not.toContain('s3cret');
    // Account data is not for anonymous readers; tokens are their owner's (or staff's).
    expect((await s.gql('{ tokens { totalCount } }', {}, null)).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await s.gql('{ users { totalCount } }', {}, null)).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const bob = em.create(User, { username: 'bob' } as any);
    await em.persist(bob).flush();
    const bobs = await createToken(em, bob, {});
    const seen = await s.gql('{ tokens { totalCount items { user { username } } } }', {}, bobs.key);
    expect(seen.data.tokens).toEqual({ totalCount: 1, items: [{ user: { username: 'bob' } }] });
    expect((await s.gql('{ tokens { totalCount } }')).data.tokens.totalCount).toBeGreaterThanOrEqual(4);
    // Keys are stored hashed, never in clear.
    const rows = await em.getConnection().execute('select key_hash, key_prefix from users_token');
    expect(rows.some((x: any) => x.key_hash === ro.key)).toBe(false);
    expect(rows.every((x: any) => /^[0-9a-f]{64}$/.test(x.key_hash))).toBe(true);
  });

  test('objectChanged reaches a graphql-ws subscriber', async () => {
    const client = createClient({ url: s.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { authorization: `Token ${s.token}` } });
    const events: any[] = [];
    const done = new Promise<void>((resolve, reject) => {
      client.subscribe({ query: 'subscription { objectChanged(types: ["bgp.community"]) { action objectType objectRepr postchangeData } }' }, {
        next: (v) => { events.push(v.data?.objectChanged); resolve(); },
        error: reject,
        complete: () => undefined,
      });
    });
    await new Promise((r) => setTimeout(r, 300));
    await s.gql('mutation { createTag(input: {name: "Not this", slug: "not-this"}) { id } }');
    await s.gql('mutation { createCommunity(input: {name: "Blackhole", slug: "bh", value: "65535:666"}) { id kind } }');
    await Promise.race([done, new Promise((_, rej) => setTimeout(() => rej(new Error('no event')), 5000))]);
    await client.dispose();
    expect(events[0]).toMatchObject({ action: 'CREATE', objectType: 'bgp.community', objectRepr: 'Blackhole' });
    expect(events[0].postchangeData.kind).toBe('standard');
  });

  test('a subscription over plain HTTP is a client error naming the WebSocket endpoint', async () => {
    for (const query of ['subscription { objectChanged { id } }', 'subscription { bgpSessionChanged { state } }']) {
      const r = await s.http('POST', '/graphql', { body: { query } });
      expect(r.status).toBe(400);
      expect(r.json.errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(r.json.errors[0].message).toMatch(/graphql-ws/);
    }
  });

  test('GraphiQL is served from installed files', async () => {
    const deep = '{ routers { items { localAutonomousSystem { importRoutingPolicies { communities { tags { id } } } } } } }';
    expect((await s.gql(deep)).errors).toBeUndefined();
    const page = await s.http('GET', '/graphql', { headers: { Accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/graphiql/i);
    expect(page.text).not.toMatch(/https?:\/\/(unpkg|cdn|esm\.sh)/);
    expect((await s.http('GET', '/graphiql/graphiql.js')).status).toBe(200);
  });
});
