// Peering Manager dialect: query-string filters (every lookup kind), ordering and pagination.
import { startTestServer, type TestServer } from '../helpers/server';
import { AS, post } from '../helpers/pm';

const ids = (r: any) => r.json.results.map((x: any) => x.id).sort((a: number, b: number) => a - b);

describe('Peering Manager filters', () => {
  let s: TestServer;
  let a: any; let b: any; let c: any;
  let ixA: any; let ixB: any;
  let t1: any; let t2: any;
  beforeAll(async () => {
    s = await startTestServer('pglite');
    t1 = await post(s, '/api/extras/tags/', { name: 'Foo', slug: 'foo' });
    t2 = await post(s, '/api/extras/tags/', { name: 'Bar', slug: 'bar' });
    a = await post(s, AS, { asn: 64500, name: 'Alpha Networks', irr_as_set: 'RIPE::AS-ALPHA', ipv4_max_prefixes: 10, affiliated: true, tags: [t1.id, t2.id] });
    b = await post(s, AS, { asn: 64501, name: 'Beta Transit', irr_as_set: null, ipv4_max_prefixes: null, tags: [t1.id] });
    c = await post(s, AS, { asn: 4200000000, name: 'Gamma', irr_as_set: '', description: 'big one' });
    ixA = await post(s, '/api/peering/internet-exchanges/', { name: 'Paris-IX', slug: 'paris', local_autonomous_system: a.id });
    ixB = await post(s, '/api/peering/internet-exchanges/', { name: 'Lyon-IX', slug: 'lyon', local_autonomous_system: b.id, status: 'disabled' });
  });
  afterAll(async () => { await s?.close(); });
  const get = (q: string, path = AS) => s.http('GET', `${path}?${q}`);

  test('numeric lookups: exact (OR), n, lt, lte, gt, gte, empty; id', async () => {
    expect(ids(await get('asn=64500&asn=64501'))).toEqual([a.id, b.id]);
    expect(ids(await get('asn__n=64500'))).toEqual([b.id, c.id]);
    expect(ids(await get('asn__lt=64501'))).toEqual([a.id]);
    expect(ids(await get('asn__lte=64501'))).toEqual([a.id, b.id]);
    expect(ids(await get('asn__gt=64501'))).toEqual([c.id]);
    expect(ids(await get('asn__gte=64501'))).toEqual([b.id, c.id]);
    expect(ids(await get('ipv4_max_prefixes__empty=true'))).toEqual([b.id]);
    expect(ids(await get('ipv4_max_prefixes__empty=false'))).toEqual([a.id, c.id]);
    expect(ids(await get(`id=${a.id}&id=${c.id}`))).toEqual([a.id, c.id]);
    expect(ids(await get(`id__n=${a.id}`))).toEqual([b.id, c.id]);
  });

  test('string lookups: exact, n, ic, nic, isw, nisw, iew, niew, ie, nie, empty', async () => {
    expect(ids(await get('name=Gamma'))).toEqual([c.id]);
    expect(ids(await get('name=gamma'))).toEqual([]);
    expect(ids(await get('name__n=Gamma'))).toEqual([a.id, b.id]);
    expect(ids(await get('name__ic=NETWORK'))).toEqual([a.id]);
    expect(ids(await get('name__nic=network'))).toEqual([b.id, c.id]);
    expect(ids(await get('name__isw=beta'))).toEqual([b.id]);
    expect(ids(await get('name__nisw=beta'))).toEqual([a.id, c.id]);
    expect(ids(await get('name__iew=TRANSIT'))).toEqual([b.id]);
    expect(ids(await get('name__niew=transit'))).toEqual([a.id, c.id]);
    expect(ids(await get('name__ie=GAMMA'))).toEqual([c.id]);
    expect(ids(await get('name__nie=gamma'))).toEqual([a.id, b.id]);
    expect(ids(await get('irr_as_set__empty=true'))).toEqual([b.id, c.id]);
    expect(ids(await get('irr_as_set__empty=false'))).toEqual([a.id]);
    expect(ids(await get('name__ic=%25'))).toEqual([]); // LIKE wildcards are literal
  });

  test('bool, choice, foreign key id / attribute / default attribute, and their n', async () => {
    expect(ids(await get('affiliated=true'))).toEqual([a.id]);
    expect(ids(await get('affiliated=False'))).toEqual([b.id, c.id]);
    const IX = '/api/peering/internet-exchanges/';
    expect(ids(await get('status=disabled', IX))).toEqual([ixB.id]);
    expect(ids(await get('status__n=disabled', IX))).toEqual([ixA.id]);
    expect(ids(await get('status=enabled&status=disabled', IX))).toEqual([ixA.id, ixB.id]);
    expect(ids(await get(`local_autonomous_system_id=${a.id}`, IX))).toEqual([ixA.id]);
    expect(ids(await get(`local_autonomous_system_id__n=${a.id}`, IX))).toEqual([ixB.id]);
    expect(ids(await get('local_autonomous_system_asn=64501', IX))).toEqual([ixB.id]);
    expect(ids(await get('local_autonomous_system=Alpha%20Networks', IX))).toEqual([ixA.id]);
  });

  test('datetime lookups and created/updated by request', async () => {
    const created = a.created;
    expect(ids(await get(`created__lte=${encodeURIComponent(created)}`))).toEqual([a.id]);
    expect(ids(await get(`created__gt=${encodeURIComponent(created)}`))).toEqual([b.id, c.id]);
    const r = await s.http('PATCH', `${AS}${b.id}/`, { body: { comments: 'touched' } });
    const rid = r.headers.get('x-request-id');
    expect(ids(await get(`updated_by_request=${rid}`))).toEqual([b.id]);
    expect(ids(await get(`created_by_request=${rid}`))).toEqual([]);
  });

  test('q, tag (AND), custom filters', async () => {
    expect(ids(await get('q=alpha'))).toEqual([a.id]);
    expect(ids(await get('q=6450'))).toEqual([a.id, b.id]);
    expect(ids(await get('q=big'))).toEqual([c.id]);
    expect(ids(await get('tag=foo'))).toEqual([a.id, b.id]);
    expect(ids(await get('tag=foo&tag=bar'))).toEqual([a.id]);
    const exp = await post(s, '/api/peering/routing-policies/', { name: 'exp', slug: 'exp', type: 'export-policy' });
    const both = await post(s, '/api/peering/routing-policies/', { name: 'both', slug: 'both', type: 'import-export-policy' });
    await post(s, '/api/peering/routing-policies/', { name: 'imp', slug: 'imp', type: 'import-policy' });
    expect(ids(await get('type=export-policy', '/api/peering/routing-policies/'))).toEqual([exp.id, both.id]);
    const rel = await post(s, '/api/bgp/relationships/', { name: 'Transit', slug: 'transit' });
    const v4 = await post(s, '/api/peering/direct-peering-sessions/', { local_autonomous_system: a.id, autonomous_system: b.id, relationship: rel.id, ip_address: '192.0.2.1/31', bgp_state: 'established' });
    const v6 = await post(s, '/api/peering/direct-peering-sessions/', { local_autonomous_system: a.id, autonomous_system: c.id, relationship: rel.id, ip_address: '2001:db8::1/64' });
    const S = '/api/peering/direct-peering-sessions/';
    expect(ids(await get('address_family=6', S))).toEqual([v6.id]);
    expect(ids(await get('bgp_state=established', S))).toEqual([v4.id]);
    expect(ids(await get('relationship=Transit&autonomous_system_asn=64501', S))).toEqual([v4.id]);
    expect(ids(await get('q=2001:db8::1', S))).toEqual([v6.id]);
  });

  test('wrong-typed values are 400 naming the parameter; unknown parameters and suffixes are ignored', async () => {
    for (const [q, key] of [
      ['asn=abc', 'asn'], ['asn__gt=1.5', 'asn__gt'], ['id=99999999999', 'id'], ['affiliated=maybe', 'affiliated'],
      ['created__lt=yesterday', 'created__lt'], ['asn__empty=perhaps', 'asn__empty'], ['tag=foo&created_by_request=x', 'created_by_request'],
    ]) {
      const r = await get(q);
      expect([q, r.status]).toEqual([q, 400]);
      expect(r.json[key].length).toBeGreaterThan(0);
    }
    const IX = '/api/peering/internet-exchanges/';
    expect((await get('status=broken', IX)).json).toEqual({ status: ['Select a valid choice. broken is not one of the available choices.'] });
    expect((await get('local_autonomous_system_id=x', IX)).status).toBe(400);
    // A foreign key id naming no object is refused like any invalid choice, also among valid ones and with __n.
    const known = (await get('limit=1')).json.results[0].id;
    for (const q of ['local_autonomous_system_id=999999', `local_autonomous_system_id=${known}&local_autonomous_system_id=999999`, 'local_autonomous_system_id__n=999999']) {
      const r = await get(q, IX);
      expect([q, r.status, r.json]).toEqual([q, 400, { [q.split('&').pop()!.split('=')[0]]: ['Select a valid choice. 999999 is not one of the available choices.'] }]);
    }
    expect((await get('router_id=not-an-ip', '/api/devices/routers/')).status).toBe(400);
    expect((await get('nonsense=1&asn__bogus=3&name__gt=2')).json.count).toBe(3);
    expect((await get('asn=')).json.count).toBe(3);
  });

  test('ordering by REST names, ascending and descending; unknown keys dropped', async () => {
    const asns = (r: any) => r.json.results.map((x: any) => x.asn);
    expect(asns(await get('ordering=-asn'))).toEqual([4200000000, 64501, 64500]);
    expect(asns(await get('ordering=name'))).toEqual([64500, 64501, 4200000000]);
    expect(asns(await get('ordering=-ipv4_max_prefixes,asn&ordering=x'))).toHaveLength(3);
    expect(asns(await get('ordering=bogus'))).toEqual([64500, 64501, 4200000000]);
    const IX = '/api/peering/internet-exchanges/';
    expect(ids(await get('ordering=-local_autonomous_system', IX))).toEqual([ixA.id, ixB.id]);
  });
});

describe('Peering Manager pagination', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('pglite', { PAGINATE_COUNT: '3', MAX_PAGE_SIZE: '5' });
    await post(s, AS, Array.from({ length: 7 }, (_, i) => ({ asn: 65000 + i, name: `n${i}` })));
  });
  afterAll(async () => { await s?.close(); });

  test('default page size, next/previous keep other parameters', async () => {
    const r = await s.http('GET', `${AS}?name__isw=n&ordering=asn`);
    expect(r.json.count).toBe(7);
    expect(r.json.results).toHaveLength(3);
    expect(r.json.previous).toBeNull();
    const next = new URL(r.json.next);
    expect(next.origin).toBe(s.url);
    expect(Object.fromEntries(next.searchParams)).toEqual({ name__isw: 'n', ordering: 'asn', limit: '3', offset: '3' });
    const r2 = await s.http('GET', next.pathname + next.search);
    expect(r2.json.results.map((x: any) => x.asn)).toEqual([65003, 65004, 65005]);
    expect(new URL(r2.json.previous).searchParams.has('offset')).toBe(false);
    const r3 = await s.http('GET', `${AS}?limit=2&offset=5`);
    expect(r3.json.next).toBeNull();
    expect(new URL(r3.json.previous).searchParams.get('offset')).toBe('3');
  });

  test('limit capped by MAX_PAGE_SIZE, limit=0 means MAX_PAGE_SIZE, bad limits fall back, offset past the end', async () => {
    expect((await s.http('GET', `${AS}?limit=100`)).json.results).toHaveLength(5);
    expect((await s.http('GET', `${AS}?limit=0`)).json.results).toHaveLength(5);
    expect((await s.http('GET', `${AS}?limit=-4`)).json.results).toHaveLength(3);
    expect((await s.http('GET', `${AS}?limit=abc`)).json.results).toHaveLength(3);
    expect((await s.http('GET', `${AS}?limit=99999999999999`)).json.results).toHaveLength(5);
    const past = await s.http('GET', `${AS}?offset=50`);
    expect(past.status).toBe(200);
    expect(past.json).toMatchObject({ count: 7, next: null, results: [] });
    expect((await s.http('GET', `${AS}?offset=-3`)).json.results).toHaveLength(3);
  });
});

describe('Peering Manager pagination without a maximum', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('pglite', { PAGINATE_COUNT: '2', MAX_PAGE_SIZE: '0' });
    await post(s, AS, Array.from({ length: 4 }, (_, i) => ({ asn: 65000 + i, name: `n${i}` })));
  });
  afterAll(async () => { await s?.close(); });

  test('limit=0 returns everything with no links', async () => {
    const r = await s.http('GET', `${AS}?limit=0`);
    expect(r.json).toMatchObject({ count: 4, next: null, previous: null });
    expect(r.json.results).toHaveLength(4);
  });
});
