// NSoT dialect: projection, set queries, attribute rules, PATCH merge, bulk delete
// and the network tree, over HTTP against PGlite and PostgreSQL.
import { requestStatements, startTestServer, type TestServer } from '../helpers/server';
import { DB_KINDS } from '../helpers/db';

const API = '/nsot/api';

describe.each(DB_KINDS)('NSoT dialect (%s)', (kind) => {
  let s: TestServer;
  let site: number;
  const post = async (path: string, body: unknown) => {
    const r = await s.http('POST', `${API}${path}`, { body });
    if (r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${r.text}`);
    return r.json;
  };
  const get = async (path: string) => s.http('GET', `${API}${path}`);
  const q = async (query: string, extra = '') => get(`/sites/${site}/devices/query/?query=${encodeURIComponent(query)}${extra}`);
  const hosts = (r: { json: any }) => (r.json as any[]).map((d) => d.hostname).sort();

  beforeAll(async () => {
    s = await startTestServer(kind);
    site = (await post('/sites/', { name: 'dc1', description: 'first' })).id;
    for (const name of ['vendor', 'metro', 'owner']) await post(`/sites/${site}/attributes/`, { resource_name: 'Device', name });
    await post(`/sites/${site}/attributes/`, { resource_name: 'Device', name: 'role', multi: true });
    await post(`/sites/${site}/devices/`, [
      { hostname: 'lax-r1', attributes: { vendor: 'juniper', metro: 'lax', owner: 'team net', role: ['br', 'core'] } },
      { hostname: 'lax-r2', attributes: { vendor: 'juniper', metro: 'lax', role: ['dr'] } },
      { hostname: 'iad-r1', attributes: { vendor: 'juniper', metro: 'iad', role: ['br'] } },
      { hostname: 'iad-r2', attributes: { vendor: 'cisco', metro: 'iad' } },
    ]);
  });
  afterAll(async () => { await s?.close(); });

  test('fields, omit and expand, including deep expand, on list and detail', async () => {
    const f = await get(`/sites/${site}/devices/?fields=id,hostname`);
    expect(f.status).toBe(200);
    expect(f.json.every((d: any) => Object.keys(d).sort().join() === 'hostname,id')).toBe(true);
    const o = await get(`/sites/${site}/devices/lax-r1/?omit=attributes,site_id`);
    expect(o.json).toEqual({ id: expect.any(Number), hostname: 'lax-r1' });
    const e = await get(`/sites/${site}/devices/lax-r1/?expand=site_id,nonsense`);
    expect(e.json.site_id).toEqual({ id: site, name: 'dc1', description: 'first' });
    // Deep: interface -> device -> site.
    const dev = (await get(`/sites/${site}/devices/lax-r1/`)).json;
    const iface = await post(`/sites/${site}/interfaces/`, { device: dev.id, name: 'eth0' });
    const deep = await get(`/interfaces/${iface.id}/?expand=device.site_id&fields=name,device`);
    expect(deep.json).toEqual({ name: 'eth0', device: { id: dev.id, site_id: { id: site, name: 'dc1', description: 'first' }, hostname: 'lax-r1', attributes: dev.attributes } });
    const page = await get(`/sites/${site}/devices/?limit=2&offset=1&fields=hostname`);
    expect(page.json).toMatchObject({ count: 4, results: [{ hostname: expect.any(String) }, { hostname: expect.any(String) }] });
    expect(page.json.next).toContain('offset=3');
    expect(page.json.previous).toContain('limit=2');
  });

  test('set query operators, regex, multi-valued attributes, quoting and unique', async () => {
    expect(hosts(await q('vendor=juniper'))).toEqual(['iad-r1', 'lax-r1', 'lax-r2']);
    expect(hosts(await q('vendor=juniper metro=lax'))).toEqual(['lax-r1', 'lax-r2']);
    expect(hosts(await q('vendor=juniper -metro=iad +vendor=cisco'))).toEqual(['iad-r2', 'lax-r1', 'lax-r2']);
    expect(hosts(await q('role=br'))).toEqual(['iad-r1', 'lax-r1']);
    expect(hosts(await q('role_regex=[bd]r'))).toEqual(['iad-r1', 'lax-r1', 'lax-r2']);
    expect(hosts(await q('owner="team net"'))).toEqual(['lax-r1']);
    expect(hosts(await q("owner=team\\ net"))).toEqual(['lax-r1']);
    expect((await q('')).json).toEqual([]);
    const one = await q('metro=iad vendor=juniper', '&unique=true');
    expect(hosts(one)).toEqual(['iad-r1']);
    const many = await q('vendor=juniper', '&unique=true');
    expect(many.status).toBe(400);
    expect(many.json).toEqual({ error: { code: 400, message: { query: 'Query returned 3 results, but exactly 1 expected' } } });
    expect((await q('', '&unique=true')).json.error.message).toEqual({ query: 'Query empty, unable to provide Device' });
    expect((await q('foo=bar')).json.error.message).toEqual({ query: "Attribute matching query does not exist: 'foo'" });
    expect((await q('owner="team')).status).toBe(400);
    // Top level sees every site; a paginated result when limit is given.
    const top = await get(`/devices/query/?query=vendor=juniper&limit=1`);
    expect(top.json.count).toBe(3);
    // The same query as a GraphQL filter.
    const g = await s.gql('{ devices(filter: {setQuery: "vendor=juniper -metro=lax"}) { items { hostname } } }');
    expect(g.data.devices.items).toEqual([{ hostname: 'iad-r1' }]);
    // The plain list filter attributes=k=v.
    expect(hosts(await get(`/sites/${site}/devices/?attributes=vendor=juniper&attributes=metro=iad`))).toEqual(['iad-r1']);
  });

  test('a page past the end and an empty set query count in the page\'s statement; the site lookup counts nothing', async () => {
    const statements = async (path: string, expected: unknown) => {
      let json: unknown;
      const seen = await requestStatements(s, async () => { json = (await get(path)).json; });
      expect(json).toMatchObject(expected as object);
      return { all: seen.length, counting: seen.filter((t) => t.includes('count(')).length };
    };
    // The site's lookup, then one statement for the page and its count.
    expect(await statements(`/sites/${site}/devices/?limit=2&offset=10&attributes=vendor=juniper`, { count: 3, results: [] })).toEqual({ all: 2, counting: 1 });
    // The site, the attribute names, then the page (nothing matches: juniper in iad without br is none).
    expect(await statements(`/sites/${site}/devices/query/?query=${encodeURIComponent('vendor=juniper metro=iad -role=br')}&limit=50`, { count: 0, results: [] })).toEqual({ all: 3, counting: 1 });
  });

  test('attribute constraints and required attributes', async () => {
    const s2 = (await post('/sites/', { name: 'dc2' })).id;
    await post(`/sites/${s2}/attributes/`, { resource_name: 'Device', name: 'vendor', required: true, constraints: { valid_values: ['juniper', 'arista'] } });
    await post(`/sites/${s2}/attributes/`, { resource_name: 'Device', name: 'serial', constraints: { pattern: '[A-Z]+\\d', allow_empty: false } });
    const attr = (await get(`/sites/${s2}/attributes/?name=vendor`)).json[0];
    expect(attr).toMatchObject({ required: true, display: true, constraints: { valid_values: ['juniper', 'arista'], pattern: '', allow_empty: false } });
    const bad = async (attributes: unknown) => (await s.http('POST', `${API}/sites/${s2}/devices/`, { body: { hostname: 'x1', attributes } })).json;
    expect(await bad({})).toEqual({ error: { code: 400, message: { attributes: 'Missing required attributes: vendor' } } });
    expect((await bad({ vendor: 'cisco' })).error.message.attributes).toMatch(/not a valid value/);
    expect((await bad({ vendor: 'juniper', serial: 'abc' })).error.message.attributes).toMatch(/didn't match pattern/);
    expect((await bad({ vendor: 'juniper', serial: '' })).error.message.attributes).toMatch(/doesn't allow empty/);
    expect((await bad({ vendor: 'juniper', nope: 'x' })).error.message.attributes).toBe('Attribute name (nope) does not exist.');
    expect((await bad({ vendor: ['juniper'] })).error.message.attributes).toMatch(/string type/);
    // re.match semantics: anchored at the start only.
    const ok = await post(`/sites/${s2}/devices/`, { hostname: 'x1', attributes: { vendor: 'juniper', serial: 'AB1-trailing' } });
    expect(ok.attributes).toEqual({ vendor: 'juniper', serial: 'AB1-trailing' });
    // PATCH merges; null deletes one; a required one cannot be deleted.
    const p = await s.http('PATCH', `${API}/sites/${s2}/devices/${ok.id}/`, { body: { attributes: { serial: null } } });
    expect(p.json.attributes).toEqual({ vendor: 'juniper' });
    const p2 = await s.http('PATCH', `${API}/sites/${s2}/devices/${ok.id}/`, { body: { attributes: { vendor: null } } });
    expect(p2.status).toBe(400);
    expect(p2.json.error.message).toEqual({ attributes: 'Missing required attributes: vendor' });
    // Concurrent PATCHes of one device, each setting its own attribute: the merges happen in the
    // writes' transactions under a row lock, so none is lost.
    const names = Array.from({ length: 8 }, (_, i) => `tag${i}`);
    for (const name of names) await post(`/sites/${s2}/attributes/`, { resource_name: 'Device', name });
    const patches = await Promise.all(names.map((name) => s.http('PATCH', `${API}/sites/${s2}/devices/${ok.id}/`, { body: { attributes: { [name]: 'x' } } })));
    expect(patches.map((r) => r.status)).toEqual(names.map(() => 200));
    const merged = await s.http('GET', `${API}/sites/${s2}/devices/${ok.id}/`);
    expect(merged.json.attributes).toEqual({ vendor: 'juniper', ...Object.fromEntries(names.map((n) => [n, 'x'])) });
    // PUT replaces the set and requires attributes.
    const put = await s.http('PUT', `${API}/sites/${s2}/devices/${ok.id}/`, { body: { hostname: 'x1' } });
    expect(put.json.error.message).toEqual({ attributes: 'This field is required.' });
    // Duplicates are 409; an attribute with values cannot be deleted (409).
    expect((await s.http('POST', `${API}/sites/${s2}/devices/`, { body: { hostname: 'x1', attributes: { vendor: 'arista' } } })).status).toBe(409);
    expect((await s.http('DELETE', `${API}/sites/${s2}/attributes/${attr.id}/`)).status).toBe(409);
    expect((await s.http('DELETE', `${API}/sites/${s2}/`)).status).toBe(409);
  });

  test('bulk delete: integer ids, duplicates dropped, one unknown id fails all', async () => {
    const s3 = (await post('/sites/', { name: 'dc3' })).id;
    const [a, b] = await post(`/sites/${s3}/devices/`, [{ hostname: 'a' }, { hostname: 'b' }]);
    const bad = await s.http('DELETE', `${API}/sites/${s3}/devices/`, { body: [a.id, 999999999] });
    expect(bad.status).toBe(404);
    expect(bad.json.error.code).toBe(404);
    expect((await s.http('DELETE', `${API}/sites/${s3}/devices/`, { body: [a.id, 'x'] })).status).toBe(400);
    // An id of another site is unknown here.
    const other = (await get(`/sites/${site}/devices/lax-r2/`)).json.id;
    expect((await s.http('DELETE', `${API}/sites/${s3}/devices/`, { body: [a.id, other] })).status).toBe(404);
    expect((await get(`/sites/${s3}/devices/${a.id}/`)).status).toBe(200);
    const ok = await s.http('DELETE', `${API}/sites/${s3}/devices/`, { body: [a.id, b.id, a.id] });
    expect(ok.status).toBe(204);
    expect((await get(`/sites/${s3}/devices/`)).json).toEqual([]);
    const miss = await get(`/sites/${s3}/devices/${a.id}/`);
    expect(miss.json).toEqual({ error: { code: 404, message: `No such Device found at (site_id, id) = (${s3}, ${a.id})` } });
  });

  test.each([
    ['IPv4', '10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '10.1.2.3/32', '10.2.0.0/16'],
    ['IPv6', '2001:db8::/32', '2001:db8:1::/48', '2001:db8:1:2::/64', '2001:db8:1:2::3/128', '2001:db8:2::/48'],
  ])('network tree (%s)', async (_v, root, mid, leafNet, addr, sibling) => {
    const s4 = (await post('/sites/', { name: `tree-${_v}` })).id;
    const base = `/sites/${s4}/networks`;
    // Created out of order: the tree is reparented on insert.
    await post(`${base}/`, [{ cidr: leafNet }, { cidr: root }]);
    await post(`${base}/`, { cidr: mid });
    await post(`${base}/`, { cidr: sibling });
    await post(`${base}/`, { cidr: addr, state: 'assigned' });
    const cidrs = (r: { json: any }) => (r.json as any[]).map((n) => n.cidr);
    const leaf = (await get(`${base}/${leafNet}/`)).json;
    expect(leaf.parent).toBe(mid);
    expect((await get(`${base}/${leafNet}/parent/`)).json.cidr).toBe(mid);
    expect((await get(`${base}/${leafNet}/root/`)).json.cidr).toBe(root);
    expect(cidrs(await get(`${base}/${leafNet}/ancestors/`))).toEqual([root, mid]);
    expect(cidrs(await get(`${base}/${leafNet}/ancestors/?ascending=true`))).toEqual([mid, root]);
    expect(cidrs(await get(`${base}/${root}/children/`)).sort()).toEqual([mid, sibling].sort());
    expect(cidrs(await get(`${base}/${root}/descendants/`))).toEqual(expect.arrayContaining([mid, sibling, leafNet, addr]));
    expect(cidrs(await get(`${base}/${mid}/siblings/`))).toEqual([sibling]);
    expect(cidrs(await get(`${base}/${addr}/supernets/`))).toEqual([root, mid, leafNet]);
    expect(cidrs(await get(`${base}/${root}/subnets/?include_ips=false`))).not.toContain(addr);
    expect(cidrs(await get(`${base}/${root}/subnets/?direct=true`)).sort()).toEqual([mid, sibling].sort());
    expect((await get(`${base}/${root}/parent/`)).status).toBe(404);
    // Free space: the /24 and the /32 already taken are skipped.
    const nextNet = await get(`${base}/${mid}/next_network/?prefix_length=${leafNet.endsWith('/24') ? 24 : 64}&num=2`);
    expect(nextNet.status).toBe(200);
    expect(nextNet.json).toHaveLength(2);
    expect(nextNet.json).not.toContain(leafNet);
    const nextAddr = await get(`${base}/${leafNet}/next_address/?num=3`);
    expect(nextAddr.json).toHaveLength(3);
    expect(nextAddr.json).not.toContain(addr);
    const created = await s.http('POST', `${API}${base}/${leafNet}/next_address/?reserve=true`);
    expect(created.status).toBe(201);
    expect(created.json[0]).toMatchObject({ state: 'reserved', is_ip: true, parent: leafNet });
    expect(cidrs(await get(`${base}/reserved/`))).toEqual([created.json[0].cidr]);
    // Interface addresses create and assign host networks.
    const host = `r1-${_v.toLowerCase()}`;
    const dev = await post(`/sites/${s4}/devices/`, { hostname: host });
    const hostInLeaf = nextAddr.json[2];
    const iface = await post(`/sites/${s4}/interfaces/`, { device: host, name: 'xe-0/0/0', addresses: [hostInLeaf] });
    expect(iface).toMatchObject({ device: dev.id, name_slug: `${host}:xe-0/0/0`, addresses: [hostInLeaf], networks: [leafNet] });
    expect((await get(`/interfaces/${host}:xe-0/0/0/addresses/`)).json[0]).toMatchObject({ cidr: hostInLeaf, state: 'assigned' });
    expect((await get(`${base}/${hostInLeaf}/assignments/`)).json).toEqual([{ id: expect.any(Number), device: dev.id, hostname: host, interface: iface.id, interface_name: 'xe-0/0/0', address: hostInLeaf }]);
    // Deleting a network with children: 409, unless force_delete (children move up).
    expect((await s.http('DELETE', `${API}${base}/${mid}/`)).status).toBe(409);
    expect((await s.http('DELETE', `${API}${base}/${mid}/?force_delete=true`)).status).toBe(204);
    expect((await get(`${base}/${leafNet}/`)).json.parent).toBe(root);
    // An address needs a base network.
    const orphan = await s.http('POST', `${API}${base}/`, { body: { cidr: addr.includes(':') ? '2002::1/128' : '192.0.2.1/32' } });
    expect(orphan.json).toEqual({ error: { code: 400, message: { cidr: 'IP Address needs base network.' } } });
  });

  test('changes, OPTIONS, trailing slash and errors', async () => {
    const ch = await get('/changes/?limit=5');
    expect(ch.json.results[0]).toMatchObject({ event: expect.stringMatching(/Create|Update|Delete/), change_at: expect.any(Number), resource_name: expect.any(String) });
    const created = (await get(`/sites/${site}/changes/?resource_name=Device`)).json.find((c: any) => c.event === 'Create' && c.resource.hostname === 'lax-r1');
    expect(created).toMatchObject({ site: { id: site, name: 'dc1' }, resource: { hostname: 'lax-r1', site_id: site } });
    const opt = await s.http('OPTIONS', `${API}/devices/`);
    expect(opt.json.actions.POST.hostname).toMatchObject({ type: 'string', required: true, read_only: false });
    expect((await s.http('GET', `${API}/devices`)).status).toBe(301);
    const nf = await get('/nope/');
    expect(nf.json).toEqual({ error: { code: 404, message: 'Endpoint not found.' } });
    const created2 = await s.http('POST', `${API}/sites/${site}/devices/`, { body: { hostname: 'loc-r1', attributes: {} } });
    expect(created2.headers.get('location')).toBe(`${API}/sites/${site}/devices/${created2.json.id}/`);
    expect((await s.http('GET', `${API}/devices/`, { token: null })).status).toBe(401);
  });
});
