// The PeeringDB dialect at /pdb/api/: envelope, every query parameter and modifier,
// depth on lists and single objects, since with deletions, errors, writes and auth.
import { startTestServer, type TestServer } from '../helpers/server';
import { DB_KINDS } from '../helpers/db';
import { seedPdb, pdbPost, type PdbWorld } from '../helpers/pdb';
import { createToken } from '../../src/domain/users/tokens';
import { User } from '../../src/domain/users/user';
import { hashPassword } from '../../src/domain/users/passwords';
import { queryStats } from '../../src/db/context';

describe.each(DB_KINDS)('PeeringDB dialect on %s', (kind) => {
  let s: TestServer;
  let w: PdbWorld;
  let readKey: string;
  beforeAll(async () => {
    s = await startTestServer(kind);
    w = await seedPdb(s);
    const em = s.pg.orm.em.fork();
    const user = em.create(User, { username: 'reader', password: hashPassword('pw-reader-1') } as any);
    await em.persist(user).flush();
    readKey = (await createToken(em, user, { writeEnabled: false })).key;
  });
  afterAll(async () => { await s?.close(); });

  const get = (path: string, token: string | null = null) => s.http('GET', `/pdb/api/${path}`, { token });
  const ids = (r: { json: any }) => r.json.data.map((o: any) => o.id);

  test('envelope: data is always a list; single objects too; .json suffix, any case, no trailing slash needed', async () => {
    const l = await get('net');
    expect(l.status).toBe(200);
    expect(l.headers.get('content-type')).toMatch(/application\/json/);
    expect(l.json).toEqual({ data: expect.any(Array), meta: {} });
    const one = await get(`net/${w.net}`);
    expect(one.json.data).toHaveLength(1);
    expect((await get(`NET/${w.net}.json`)).json.data[0].id).toBe(w.net);
    expect(ids(await get('net.json'))).toEqual(ids(l));
    expect((await get('ix.json?limit=1')).json.data).toHaveLength(1);
  });

  test('field names, types and timestamps are PeeringDB\'s', async () => {
    const n = (await get(`net/${w.net}?depth=0`)).json.data[0];
    expect(n).toMatchObject({ id: w.net, org_id: w.org, asn: w.asn, info_prefixes4: 100, info_types: ['Content', 'NSP'], status: 'ok', irr_as_set: 'AS-ALPHA' });
    expect(n.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Object.keys(n).slice(-3)).toEqual(['created', 'updated', 'status']);
    const x = (await get(`netixlan/${w.netixlan}`)).json.data[0];
    expect(x).toMatchObject({ net_id: w.net, ixlan_id: w.ixlan, ix_id: w.ix, asn: w.asn, name: 'W IX', ipaddr4: '192.0.2.10', speed: 10000 });
    const f = (await get(`fac/${w.fac}`)).json.data[0];
    expect(f.org_name).toBe('W Org One');
    expect((await get(`netfac/${w.netfac}`)).json.data[0]).toMatchObject({ name: 'W Fac Zurich', city: 'Zurich', local_asn: w.asn });
  });

  test('lists written by the database equal the object path, for every type', async () => {
    for (const tag of ['org', 'campus', 'fac', 'net', 'ix', 'carrier', 'carrierfac', 'ixfac', 'ixlan', 'ixpfx', 'netfac', 'netixlan', 'poc']) {
      const fast = await get(`${tag}?since=1`, s.token);
      const slow = await get(`${tag}?since=1&pretty`, s.token);
      expect(fast.json).toEqual(slow.json);
    }
    expect((await get('org')).text).toContain('Z\\u00fcrich');
  });

  test('pretty and non-ASCII escapes', async () => {
    const r = await get(`org/${w.org}?depth=0&pretty`);
    expect(r.text).toContain('\n  "data": [');
    expect(r.text).toContain('Z\\u00fcrich');
    expect(r.json.data[0].city).toBe('Zürich');
  });

  test('exact filters are case-insensitive; address1/city/state always contain; country by code or substring', async () => {
    expect(ids(await get('net?name=w net alpha'))).toEqual([w.net]);
    expect(ids(await get(`net?asn=${w.asn}`))).toEqual([w.net]);
    expect(ids(await get(`net?org_id=${w.org2}`))).toEqual([w.net2]);
    expect(ids(await get('org?city=rich'))).toEqual([w.org]);
    expect(ids(await get('org?address1=hardturm'))).toEqual([w.org]);
    expect(ids(await get('fac?country=ch'))).toEqual([w.fac]);
    expect(ids(await get('fac?country=D'))).toEqual([w.fac2]);
    expect(ids(await get('net?info_types=nsp'))).toEqual([w.net]);
    expect(ids(await get('netixlan?is_rs_peer=true'))).toEqual([w.netixlan]);
    expect(ids(await get('net?policy_general=selective'))).toEqual([w.net2]);
    const today = new Date().toISOString().slice(0, 10);
    expect(ids(await get(`net?created=${today}`)).sort()).toEqual([w.net, w.net2].sort());
    // Unknown fields and suffixes are ignored.
    expect(ids(await get('net?bogus=1&name__iexact=zzz')).length).toBeGreaterThanOrEqual(2);
  });

  test('numeric modifiers: lt lte gt gte in', async () => {
    expect(ids(await get(`net?asn__lt=${w.asn2}&asn__gte=${w.asn}`))).toEqual([w.net]);
    expect(ids(await get(`net?asn__gt=${w.asn}&asn__lte=${w.asn2}`))).toEqual([w.net2]);
    expect(ids(await get(`net?asn__in=${w.asn},${w.asn2}`)).sort()).toEqual([w.net, w.net2].sort());
    expect(ids(await get(`net?id__in=${w.net2}`))).toEqual([w.net2]);
    expect(ids(await get('net?info_prefixes4__gt=1000'))).toEqual([w.net2]);
    expect((await get('net?asn__lt=abc')).status).toBe(400);
    expect((await get('net?asn__lt=abc')).json.meta.error).toMatch(/asn__lt/);
  });

  test('string modifiers: contains startswith in', async () => {
    expect(ids(await get('net?name__contains=ALPHA'))).toEqual([w.net]);
    expect(ids(await get('net?name__startswith=w net b'))).toEqual([w.net2]);
    expect(ids(await get('net?name__in=w net alpha,W Net Beta')).sort()).toEqual([w.net, w.net2].sort());
    expect(ids(await get('net?name__contains=%25'))).toEqual([]);
  });

  test('one-hop relation filters', async () => {
    expect(ids(await get('net?org__name__contains=two'))).toEqual([w.net2]);
    expect(ids(await get('net?org__country=de'))).toEqual([w.net2]);
    expect(ids(await get(`netixlan?net__asn=${w.asn}`))).toEqual([w.netixlan]);
    expect(ids(await get('netfac?fac__city__startswith=zur'))).toEqual([w.netfac]);
  });

  test('relationship filters over link tables: net?ix=, net?not_fac=, ix?fac=, fac?net=, org?asn=', async () => {
    expect(ids(await get(`net?ix=${w.ix}`)).sort()).toEqual([w.net, w.net2].sort());
    expect(ids(await get(`net?fac_id=${w.fac}`))).toEqual([w.net]);
    expect(ids(await get(`net?not_fac=${w.fac}`))).not.toContain(w.net);
    expect(ids(await get(`net?ixlan__in=${w.ixlan},99999`)).sort()).toEqual([w.net, w.net2].sort());
    expect(ids(await get(`ix?fac=${w.fac}`))).toEqual([w.ix]);
    expect(ids(await get(`ix?net=${w.net2}`))).toEqual([w.ix]);
    expect(ids(await get(`fac?net=${w.net}`))).toEqual([w.fac]);
    expect(ids(await get(`org?asn=${w.asn2}`))).toEqual([w.org2]);
  });

  test('404 with an empty data list for empty id and asn lookups; other empty lists are 200', async () => {
    const r = await get('net?id=99999');
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ data: [], meta: { error: 'Entity not found' } });
    expect((await get('net?asn=64496')).status).toBe(404);
    expect((await get('net?name=nothing-like-this')).status).toBe(200);
    expect((await get('net/99999')).status).toBe(404);
    expect((await get('net/abc')).json.meta.error).toBe('Invalid id');
    expect((await get('nothing')).status).toBe(404);
  });

  test('limit, skip, limit=0 and full lists', async () => {
    const all = ids(await get('net'));
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(ids(await get('net?limit=1'))).toEqual(all.slice(0, 1));
    expect(ids(await get('net?limit=1&skip=1'))).toEqual(all.slice(1, 2));
    expect(ids(await get('net?limit=0'))).toEqual(all);
  });

  test('page and per_page: pages of at most 250 with meta.pagination; a page past the last is a 404', async () => {
    const all = ids(await get('net'));
    const n = all.length;
    const first = await get('net?page=1&per_page=1');
    expect(ids(first)).toEqual(all.slice(0, 1));
    expect(first.json.meta.pagination).toEqual({ count: n, has_next: true, has_previous: false, next: 2, previous: null, page: 1, per_page: 1, total_pages: n });
    const last = await get(`net?page=${n}&per_page=1&depth=1`);
    expect(ids(last)).toEqual(all.slice(n - 1));
    expect(last.json.meta.pagination).toMatchObject({ has_next: false, has_previous: true, next: null, previous: n - 1 });
    expect((await get('net?page=1&per_page=5000')).json.meta.pagination.per_page).toBe(250);
    expect((await get('net?page=1&name=nothing-like-this')).json).toEqual({ data: [], meta: { pagination: { count: 0, has_next: false, has_previous: false, next: null, previous: null, page: 1, per_page: 250, total_pages: 1 } } });
    const past = await get(`net?page=${n + 1}&per_page=1`);
    expect([past.status, past.json.meta.error]).toEqual([404, 'Invalid page.']);
    expect((await get('net?page=x')).status).toBe(400);
    expect((await get('net?limit=1')).json.meta).toEqual({});
  });

  test('ixpfx?whereis=<ip>: the prefixes holding the address', async () => {
    expect((await get('ixpfx?whereis=192.0.2.77')).json.data.map((p: any) => p.prefix)).toEqual(['192.0.2.0/24']);
    expect((await get('ixpfx?whereis=198.51.100.1')).json.data).toEqual([]);
    const bad = await get('ixpfx?whereis=not-an-ip');
    expect([bad.status, bad.json.meta.error]).toEqual([400, 'Invalid value for whereis: "not-an-ip"']);
  });

  test('fields keeps only the named fields', async () => {
    const r = await get(`net?asn=${w.asn}&fields=id,asn,name`);
    expect(r.json.data).toEqual([{ id: w.net, asn: w.asn, name: 'W Net Alpha' }]);
    expect(Object.keys((await get(`net/${w.net}?fields=id,netixlan_set`)).json.data[0]).sort()).toEqual(['id', 'netixlan_set']);
  });

  test('depth on lists: 0 no sets, 1 ids, 2 objects; parents never', async () => {
    const d0 = (await get(`net?id=${w.net}`)).json.data[0];
    expect(d0.netixlan_set).toBeUndefined();
    expect(d0.org).toBeUndefined();
    const d1 = (await get(`net?id=${w.net}&depth=1`)).json.data[0];
    expect(d1.netixlan_set).toEqual([w.netixlan]);
    expect(d1.poc_set).toEqual([w.poc]); // anonymous: Public contacts only
    expect(d1.org).toBeUndefined();
    const d2 = (await get(`net?id=${w.net}&depth=2`)).json.data[0];
    expect(d2.netixlan_set[0]).toMatchObject({ id: w.netixlan, ipaddr4: '192.0.2.10' });
    expect(d2.netixlan_set[0].net).toBeUndefined();
    const ix = (await get(`ix?id=${w.ix}&depth=1`)).json.data[0];
    expect(ix.fac_set).toEqual([w.fac]); // through ixfac
    expect(ix.ixlan_set).toEqual([w.ixlan]);
    const lan = (await get(`ixlan?id=${w.ixlan}&depth=1`)).json.data[0];
    expect(lan.net_set.sort()).toEqual([w.net, w.net2].sort());
    expect(lan.ixpfx_set).toHaveLength(1);
  });

  test('depth on single objects: default 2 with the parent, 0 bare, 3 and 4 nest further', async () => {
    const d = (await get(`org/${w.org}`)).json.data[0];
    expect(d.net_set[0]).toMatchObject({ id: w.net, asn: w.asn });
    expect(d.net_set[0].netixlan_set).toBeUndefined();
    const n = (await get(`net/${w.net}`)).json.data[0];
    expect(n.org).toMatchObject({ id: w.org, name: 'W Org One' });
    expect((await get(`net/${w.net}?depth=0`)).json.data[0].org).toBeUndefined();
    expect((await get(`net/${w.net}?depth=1`)).json.data[0].poc_set).toEqual([w.poc]);
    const d3 = (await get(`org/${w.org}?depth=3`)).json.data[0];
    expect(d3.net_set[0].netixlan_set).toEqual([w.netixlan]);
    const d4 = (await get(`org/${w.org}?depth=4`)).json.data[0];
    expect(d4.net_set[0].netixlan_set[0]).toMatchObject({ id: w.netixlan, speed: 10000 });
  });

  test('depth expansion batches: a list costs the same queries for 1 or many rows', async () => {
    for (let i = 0; i < 5; i++) await pdbPost(s, 'org', { name: `Batch Org ${kind} ${i}` });
    const queries = async (path: string) => {
      const before = queryStats.inRequests;
      expect((await get(path)).status).toBe(200);
      return queryStats.inRequests - before;
    };
    const one = await queries('org?depth=2&limit=1');
    const many = await queries('org?depth=2');
    expect(many).toBe(one);
  });

  test('poc visibility: anonymous sees Public, signed-in Users, staff all', async () => {
    expect(ids(await get(`poc?net_id=${w.net}`))).toEqual([w.poc]);
    expect(ids(await get(`poc?net_id=${w.net}`, s.token)).sort()).toEqual([w.poc, w.pocPrivate].sort());
    expect((await get(`poc/${w.pocPrivate}`)).status).toBe(404);
  });

  test('since: strict > on whole seconds, ok and deleted rows, ordered by updated, combinable with id', async () => {
    const t0 = Math.floor(Date.now() / 1000) - 1;
    const org = (await pdbPost(s, 'org', { name: `Since Org ${kind}` })).id;
    const net = (await pdbPost(s, 'net', { org_id: org, name: `Since Net ${kind}`, asn: w.asn + 50 })).id;
    expect((await s.http('DELETE', `/pdb/api/org/${org}`)).status).toBe(204);
    const r = await get(`net?since=${t0}`);
    const row = r.json.data.find((x: any) => x.id === net);
    expect(row.status).toBe('deleted');
    const updated = r.json.data.map((x: any) => x.updated);
    expect(updated).toEqual([...updated].sort());
    expect((await get(`net?since=${Math.floor(Date.now() / 1000) + 5}`)).json.data).toEqual([]);
    // Without since, deleted rows are gone from lists and single GETs.
    expect(ids(await get('net'))).not.toContain(net);
    expect((await get(`net/${net}`)).status).toBe(404);
    // peeringdb-py's dangling-FK fetch.
    expect(ids(await get(`org?since=1&id=${org}&depth=0`))).toEqual([org]);
  });

  test('since past what a timestamp holds: 400 on /pdb/api/, BAD_USER_INPUT in GraphQL (one rule, on the filter)', async () => {
    for (const v of ['100000000000000000000', '-100000000000000000000']) expect((await get(`net?since=${v}`)).status).toBe(400);
    for (const v of ['1e20', '-1e20']) {
      const r = await s.gql(`{ pdbNetworks(filter: {since: ${v}}) { totalCount items { id } } }`);
      expect(r.errors?.map((e: any) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    }
  });

  test('writes: POST 201, PUT 200, PATCH 403, DELETE 204 with PeeringDB\'s cascade', async () => {
    const org = (await pdbPost(s, 'org', { name: `Write Org ${kind}` })).id;
    const net = await pdbPost(s, 'net', { org_id: org, name: `Write Net ${kind}`, asn: w.asn + 60 });
    expect(net).toMatchObject({ org_id: org, status: 'ok', info_unicast: false });
    const put = await s.http('PUT', `/pdb/api/net/${net.id}`, { body: { ...net, name: `Write Net ${kind} 2`, info_prefixes4: 7 } });
    expect(put.status).toBe(200);
    expect(put.json.data[0]).toMatchObject({ name: `Write Net ${kind} 2`, info_prefixes4: 7 });
    expect((await s.http('PATCH', `/pdb/api/net/${net.id}`, { body: { name: 'x' } })).status).toBe(403);
    const poc = (await pdbPost(s, 'poc', { net_id: net.id, role: 'NOC', email: 'a@b.example', name: 'Gone', visible: 'Public' })).id;
    expect((await s.http('DELETE', `/pdb/api/org/${org}`)).status).toBe(204);
    const since = await s.http('GET', `/pdb/api/poc?since=1&id=${poc}`);
    expect(since.json.data[0]).toMatchObject({ status: 'deleted', name: '', email: '' });
    expect((await s.http('DELETE', '/pdb/api/org/987654')).status).toBe(204);
    expect((await s.http('POST', '/pdb/api/ixlan', { body: { ix_id: w.ix } })).status).toBe(405);
    expect((await s.http('DELETE', `/pdb/api/ixlan/${w.ixlan}`)).status).toBe(405);
  });

  test('write errors: field errors beside meta.error, missing body, unique, dead parents', async () => {
    const bad = await s.http('POST', '/pdb/api/net', { body: { org_id: 999999, asn: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ name: ['This field is required.'], asn: ['A valid integer is required.'], meta: { error: 'Bad Request' } });
    const none = await s.http('POST', '/pdb/api/net', {});
    expect(none.json).toEqual({ meta: { error: 'No data was supplied with the POST request' } });
    const dup = await s.http('POST', '/pdb/api/net', { body: { org_id: w.org, name: 'another', asn: w.asn } });
    expect(dup.json.asn).toBeDefined();
    const fk = await s.http('POST', '/pdb/api/net', { body: { org_id: 999999, name: 'nope', asn: 64511 } });
    expect(fk.json.org_id[0]).toMatch(/does not exist/);
  });

  test('auth: anonymous reads, writes need a write key (Api-Key, Token, Basic)', async () => {
    const body = { name: `Auth Org ${kind}` };
    expect((await s.http('POST', '/pdb/api/org', { body, token: null })).status).toBe(401);
    expect((await s.http('POST', '/pdb/api/org', { body, token: readKey })).status).toBe(403);
    expect((await s.http('GET', '/pdb/api/org', { token: 'f'.repeat(40) })).status).toBe(401);
    expect((await s.http('GET', '/pdb/api/org', { headers: { Authorization: 'Weird x' } })).json.meta.error).toBe('Unknown authorization method');
    expect((await s.http('POST', '/pdb/api/org', { body, headers: { Authorization: `Api-Key ${s.token}` } })).status).toBe(201);
    const basic = (u: string, p: string) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
    expect((await s.http('POST', '/pdb/api/org', { body: { name: `${body.name} 2` }, headers: basic('admin', s.token) })).status).toBe(201);
    expect((await s.http('POST', '/pdb/api/org', { body: { name: `${body.name} 3` }, headers: basic('reader', 'pw-reader-1') })).status).toBe(201);
    expect((await s.http('POST', '/pdb/api/org', { body: { name: `${body.name} 4` }, headers: basic('reader', 'wrong') })).status).toBe(401);
  });

  test('as_set: a map of ASN to IRR AS-SET, or one entry', async () => {
    const all = (await get('as_set')).json.data[0];
    expect(all[String(w.asn)]).toBe('AS-ALPHA');
    expect((await get(`as_set/${w.asn}`)).json.data).toEqual([{ [String(w.asn)]: 'AS-ALPHA' }]);
    expect((await get('as_set/64496')).status).toBe(404);
  });

  test('public dumps at /pdb/public/<tag>-0.json', async () => {
    const r = await s.http('GET', '/pdb/public/net-0.json', { token: null });
    expect(r.status).toBe(200);
    expect(r.json.meta.generated).toEqual(expect.any(Number));
    expect(r.json.data.map((x: any) => x.id)).toEqual(ids(await get('net')));
  });

  test('the mirror is in the GraphQL schema with generated filters', async () => {
    const r = await s.gql(`{ pdbNetworks(filter: {asn: {exact: [${w.asn}]}}) { totalCount items { id name asn org { name } } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.pdbNetworks.items[0]).toMatchObject({ id: String(w.net), asn: w.asn, org: { name: 'W Org One' } });
  });
});
