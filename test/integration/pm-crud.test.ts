// Peering Manager dialect: reads and writes of the generic endpoints, on both databases.
import { startTestServer, type TestServer } from '../helpers/server';
import { DB_KINDS } from '../helpers/db';
import { AS, asn, createAs, post } from '../helpers/pm';

describe.each(DB_KINDS)('Peering Manager CRUD (%s)', (kind) => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(kind); });
  afterAll(async () => { await s?.close(); });

  test('create returns the full representation with absolute urls, then GET, PATCH, PUT, DELETE', async () => {
    const a = asn();
    const r = await s.http('POST', AS, { body: { asn: a, name: 'Awesome' } });
    expect(r.status).toBe(201);
    const o = r.json;
    expect(Object.keys(o).slice(0, 4)).toEqual(['id', 'url', 'display_url', 'display']);
    expect(o.url).toBe(`${s.url}/api/peering/autonomous-systems/${o.id}/`);
    expect(o.display_url).toBe(`${s.url}/autonomous-systems/${o.id}/`);
    expect(o.display).toBe(`AS${a} - Awesome`);
    expect(o).toMatchObject({ asn: a, irr_as_set: null, affiliated: false, tags: [], communities: [], prefixes: null, comments: '' });
    expect(new Date(o.created).toISOString()).toBe(o.created);

    const g = await s.http('GET', `${AS}${o.id}/`);
    expect(g.status).toBe(200);
    expect(g.json).toEqual(o);

    const p = await s.http('PATCH', `${AS}${o.id}/`, { body: { irr_as_set: 'AS-AWESOME' } });
    expect(p.status).toBe(200);
    expect(p.json).toMatchObject({ irr_as_set: 'AS-AWESOME', name: 'Awesome', created: o.created });

    const missing = await s.http('PUT', `${AS}${o.id}/`, { body: { name: 'no asn' } });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ asn: ['This field is required.'] });
    // GET -> edit -> PUT works: read-only fields of the representation are ignored.
    const put = await s.http('PUT', `${AS}${o.id}/`, { body: { ...p.json, name: 'Renamed' } });
    expect(put.status).toBe(200);
    expect(put.json.name).toBe('Renamed');

    const d = await s.http('DELETE', `${AS}${o.id}/`);
    expect(d.status).toBe(204);
    expect(d.text).toBe('');
    const gone = await s.http('GET', `${AS}${o.id}/`);
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({ detail: 'No AutonomousSystem matches the given query.' });
    expect((await s.http('GET', `${AS}abc/`)).json).toEqual({ detail: 'Not found.' });
    expect((await s.http('PATCH', `${AS}999999/`, { body: { name: 'x' } })).status).toBe(404);
    expect((await s.http('DELETE', `${AS}999999/`)).status).toBe(404);
  });

  test('DRF coercion: numeric strings and "true"/"false"; wrong types are 400 per field', async () => {
    const a = asn();
    const r = await s.http('POST', AS, { body: { asn: String(a), name: 'Coerced', affiliated: 'true', ipv4_max_prefixes: '10' } });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ asn: a, affiliated: true, ipv4_max_prefixes: 10 });
    const bad = await s.http('POST', AS, { body: { asn: 'x', name: ['list'], affiliated: 'maybe', ipv4_max_prefixes: 3_000_000_000 } });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({
      asn: ['A valid integer is required.'],
      name: ['Not a valid string.'],
      affiliated: ['Must be a valid boolean.'],
      ipv4_max_prefixes: ['Ensure this value is less than or equal to 2147483647.'],
    });
    const range = await s.http('POST', AS, { body: { asn: 0, name: 'zero' } });
    expect(range.json).toEqual({ asn: ['Ensure this value is greater than or equal to 1.'] });
  });

  test('unknown keys are a 400 naming them; read-only keys are ignored', async () => {
    const r = await s.http('POST', AS, { body: { asn: asn(), name: 'x', 'import-routing-policies': [1] } });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ 'import-routing-policies': ['Unknown field.'] });
    const ok = await s.http('POST', AS, { body: { asn: asn(), name: 'y', id: 5, url: 'x', display: 'x', created: 'x', prefixes: {} } });
    expect(ok.status).toBe(201);
    expect(ok.json.prefixes).toBeNull();
  });

  test('related objects by PK, numeric string, null or attributes; nested and M2M representations', async () => {
    const local = await createAs(s);
    const tag = await post(s, '/api/extras/tags/', { name: `t-${kind}`, slug: `t-${kind}` });
    const pol = await post(s, '/api/peering/routing-policies/', { name: `p-${kind}`, slug: `p-${kind}`, type: 'export-policy', address_family: '6' });
    expect(pol.address_family).toBe(6);
    expect(pol.type).toBe('export-policy');
    const ix = await post(s, '/api/peering/internet-exchanges/', { name: `IX ${kind}`, slug: `ix-${kind}`, local_autonomous_system: String(local.id), tags: [{ slug: tag.slug }], export_routing_policies: [pol.id] });
    expect(ix.status).toEqual({ value: 'enabled', label: 'Enabled' });
    expect(ix.local_autonomous_system).toEqual({
      id: local.id, url: local.url, display: local.display, asn: local.asn, name: local.name, ipv6_max_prefixes: 0, ipv4_max_prefixes: 0,
    });
    expect(ix.tags).toEqual([{ id: tag.id, url: tag.url, display: tag.name, name: tag.name, slug: tag.slug, color: '9e9e9e' }]);
    expect(ix.export_routing_policies[0]).toMatchObject({ id: pol.id, name: pol.name, type: 'export-policy' });
    // Attribute dicts, and their errors.
    const byAttrs = await s.http('POST', '/api/peering/internet-exchanges/', { body: { name: `IX2 ${kind}`, slug: `ix2-${kind}`, local_autonomous_system: { asn: local.asn } } });
    expect(byAttrs.status).toBe(201);
    expect(byAttrs.json.local_autonomous_system.id).toBe(local.id);
    const errs = await s.http('POST', '/api/peering/internet-exchanges/', { body: { name: 'e', slug: 'e', local_autonomous_system: { asn: 1 }, ixapi_endpoint: true, tags: 'x' } });
    expect(errs.status).toBe(400);
    expect(errs.json.ixapi_endpoint[0]).toMatch(/^Related objects must be referenced by numeric ID or by dictionary of attributes/);
    expect(errs.json.tags).toEqual(['Expected a list of items but got type "str".']);
    const notFound = await s.http('POST', '/api/peering/internet-exchanges/', { body: { name: 'e', slug: 'e', local_autonomous_system: { asn: 1 } } });
    expect(notFound.json.local_autonomous_system[0]).toMatch(/^Related object not found using the provided attributes/);
    const badKey = await s.http('POST', '/api/peering/internet-exchanges/', { body: { name: 'e', slug: 'e', local_autonomous_system: { colour: 'x' } } });
    expect(badKey.status).toBe(400);
    expect(badKey.json.local_autonomous_system[0]).toMatch(/"colour" is not an attribute/);
    const pk = await s.http('POST', '/api/peering/internet-exchanges/', { body: { name: 'e', slug: 'e', local_autonomous_system: 999999 } });
    expect(pk.json).toEqual({ local_autonomous_system: ['Related object not found using the provided numeric ID: 999999'] });
    const nul = await s.http('POST', '/api/peering/internet-exchanges/', { body: { name: 'e', slug: 'e', local_autonomous_system: null } });
    expect(nul.json).toEqual({ local_autonomous_system: ['This field may not be null.'] });
    // Omitting tags keeps them; [] clears them.
    expect((await s.http('PATCH', `/api/peering/internet-exchanges/${ix.id}/`, { body: { description: 'd' } })).json.tags).toHaveLength(1);
    expect((await s.http('PATCH', `/api/peering/internet-exchanges/${ix.id}/`, { body: { tags: [] } })).json.tags).toEqual([]);
    // Choice errors.
    const choice = await s.http('PATCH', `/api/peering/internet-exchanges/${ix.id}/`, { body: { status: 'nope' } });
    expect(choice.json).toEqual({ status: ['"nope" is not a valid choice.'] });
  });

  test('form bodies (urlencoded, multipart) are read as DRF reads an HTML form', async () => {
    const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const a = asn();
    const t1 = await post(s, '/api/extras/tags/', { name: `f1-${kind}`, slug: `f1-${kind}` });
    const t2 = await post(s, '/api/extras/tags/', { name: `f2-${kind}`, slug: `f2-${kind}` });
    const fields = new URLSearchParams([['asn', String(a)], ['name', 'Form AS'], ['affiliated', 'on'], ['tags', String(t1.id)], ['tags', String(t2.id)], ['comments', 'a + b & c']]);
    const r = await s.http('POST', AS, { body: fields.toString(), headers: FORM });
    expect(r.status).toBe(201);
    // Repeated keys fill a many-to-many; an absent boolean is an unticked checkbox.
    expect(r.json).toMatchObject({ asn: a, name: 'Form AS', affiliated: true, comments: 'a + b & c', retrieve_prefixes: false });
    expect(r.json.tags.map((t: any) => t.id)).toEqual([t1.id, t2.id]);
    // PATCH changes what it names and nothing else.
    const p = await s.http('PATCH', `${AS}${r.json.id}/`, { body: 'comments=patched', headers: FORM });
    expect(p.status).toBe(200);
    expect(p.json).toMatchObject({ comments: 'patched', affiliated: true, name: 'Form AS' });
    expect(p.json.tags).toHaveLength(2);

    const boundary = '----peergate-test';
    const multipart = (parts: [string, string][], close = true) => parts.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('') + (close ? `--${boundary}--\r\n` : '');
    const MULTIPART = { 'Content-Type': `multipart/form-data; boundary=${boundary}` };
    const platforms = '/api/devices/platforms/';
    const m = await s.http('POST', platforms, { body: multipart([['name', `mp-${kind}`], ['slug', `mp-${kind}`], ['napalm_args', '{"timeout": 30}']]), headers: MULTIPART });
    expect(m.status).toBe(201);
    expect(m.json).toMatchObject({ name: `mp-${kind}`, napalm_args: { timeout: 30 } });

    // Errors are 400s in DRF's shape, and nothing is written.
    const before = (await s.http('GET', `${platforms}?limit=1`)).json.count;
    const badJson = await s.http('POST', platforms, { body: multipart([['name', 'x'], ['slug', 'x'], ['napalm_args', '{nope']]), headers: MULTIPART });
    expect({ status: badJson.status, json: badJson.json }).toEqual({ status: 400, json: { napalm_args: ['Value must be valid JSON.'] } });
    const unclosed = await s.http('POST', platforms, { body: multipart([['name', 'y'], ['slug', 'y']], false), headers: MULTIPART });
    expect(unclosed.status).toBe(400);
    expect(unclosed.json.detail).toMatch(/^Multipart form parse error/);
    const noBoundary = await s.http('POST', platforms, { body: 'name=z', headers: { 'Content-Type': 'multipart/form-data' } });
    expect(noBoundary.status).toBe(400);
    const unknown = await s.http('POST', platforms, { body: 'name=u&slug=u&colour=red', headers: FORM });
    expect({ status: unknown.status, json: unknown.json }).toEqual({ status: 400, json: { colour: ['Unknown field.'] } });
    const bulk = await s.http('PATCH', platforms, { body: 'id=1&name=n', headers: FORM });
    expect(bulk.status).toBe(400);
    expect((await s.http('GET', `${platforms}?limit=1`)).json.count).toBe(before);
  });

  test('bulk create is all-or-none and reports per item', async () => {
    const before = (await s.http('GET', `${AS}?limit=1`)).json.count;
    const a = asn();
    const bad = await s.http('POST', AS, { body: [{ asn: a, name: 'ok' }, { name: 'no asn' }] });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual([{}, { asn: ['This field is required.'] }]);
    const dup = await s.http('POST', AS, { body: [{ asn: a, name: 'one' }, { asn: a, name: 'two' }] });
    expect(dup.status).toBe(400);
    expect(dup.json[1].asn[0]).toMatch(/already exists/);
    expect((await s.http('GET', `${AS}?limit=1`)).json.count).toBe(before);
    const ok = await s.http('POST', AS, { body: [{ asn: a, name: 'one' }, { asn: a + 1000, name: 'two' }] });
    expect(ok.status).toBe(201);
    expect(ok.json.map((x: any) => x.asn)).toEqual([a, a + 1000]);
  });

  test('bulk update is all-or-none; missing ids are 400; unknown ids are skipped', async () => {
    const a = await createAs(s); const b = await createAs(s);
    const noId = await s.http('PATCH', AS, { body: [{ id: a.id, name: 'x' }, { name: 'y' }, { id: 'abc' }] });
    expect(noId.status).toBe(400);
    expect(noId.json).toEqual([{}, { id: ['This field is required.'] }, { id: ['This field is required.'] }]);
    const bad = await s.http('PATCH', AS, { body: [{ id: a.id, ipv4_max_prefixes: 77 }, { id: b.id, asn: 'not-a-number' }] });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ asn: ['A valid integer is required.'] });
    const invalid = await s.http('PATCH', AS, { body: [{ id: a.id, ipv4_max_prefixes: 77 }, { id: b.id, asn: a.asn }] });
    expect(invalid.status).toBe(400);
    expect((await s.http('GET', `${AS}${a.id}/`)).json.ipv4_max_prefixes).toBe(0);
    const ok = await s.http('PATCH', AS, { body: [{ id: a.id, ipv4_max_prefixes: 77 }, { id: b.id, name: 'renamed' }, { id: 999999, name: 'skipped' }] });
    expect(ok.status).toBe(200);
    expect(ok.json).toHaveLength(2);
    expect((await s.http('GET', `${AS}${a.id}/`)).json.ipv4_max_prefixes).toBe(77);
    const put = await s.http('PUT', AS, { body: [{ id: a.id, name: 'only name' }] });
    expect(put.status).toBe(400);
    expect(put.json).toEqual({ asn: ['This field is required.'] });
    expect((await s.http('PATCH', AS, { body: { id: a.id } })).status).toBe(400);
  });

  test('bulk delete is all-or-none when one object is protected', async () => {
    const rel = await post(s, '/api/bgp/relationships/', { name: `r-${kind}`, slug: `r-${kind}` });
    const free = await post(s, '/api/bgp/relationships/', { name: `f-${kind}`, slug: `f-${kind}` });
    const local = await createAs(s); const peer = await createAs(s);
    await post(s, '/api/peering/direct-peering-sessions/', { local_autonomous_system: local.id, autonomous_system: peer.id, relationship: rel.id, ip_address: '192.0.2.1/31' });
    const one = await s.http('DELETE', `/api/bgp/relationships/${rel.id}/`);
    expect(one.status).toBe(409);
    expect(one.json.detail).toMatch(/^unable to delete object\. 1 dependent objects were found/);
    const bulk = await s.http('DELETE', '/api/bgp/relationships/', { body: [{ id: free.id }, { id: rel.id }] });
    expect(bulk.status).toBe(409);
    expect((await s.http('GET', `/api/bgp/relationships/${free.id}/`)).status).toBe(200);
    const noId = await s.http('DELETE', '/api/bgp/relationships/', { body: [{ id: free.id }, {}] });
    expect(noId.json).toEqual([{}, { id: ['This field is required.'] }]);
    const ok = await s.http('DELETE', '/api/bgp/relationships/', { body: [{ id: free.id }, { id: 999999 }] });
    expect(ok.status).toBe(204);
    expect((await s.http('GET', `/api/bgp/relationships/${free.id}/`)).status).toBe(404);
  });

  test('trailing slash, methods and request errors', async () => {
    const o = await createAs(s);
    const r = await s.http('GET', `${AS}${o.id}?brief=1`);
    expect(r.status).toBe(301);
    expect(r.headers.get('location')).toBe(`${AS}${o.id}/?brief=1`);
    const p = await s.http('PATCH', `${AS}${o.id}`, { body: { comments: 'no slash' } });
    expect(p.status).toBe(200);
    expect(p.json.comments).toBe('no slash');
    const m = await s.http('POST', `${AS}${o.id}/`, { body: {} });
    expect(m.status).toBe(405);
    expect(m.json).toEqual({ detail: 'Method "POST" not allowed.' });
    expect((await s.http('POST', '/api/extras/object-changes/', { body: {} })).status).toBe(405);
    const j = await s.http('POST', AS, { body: '{"asn": 1,' });
    expect(j.status).toBe(400);
    expect(j.json.detail).toMatch(/^JSON parse error - /);
    const t = await s.http('POST', AS, { body: 'asn=1', headers: { 'Content-Type': 'text/plain' } });
    expect(t.json).toEqual({ detail: 'Unsupported media type "text/plain" in request.' });
    expect(t.status).toBe(415);
    expect((await s.http('GET', '/api/nothing/here/')).json).toEqual({ detail: 'Not found.' });
    expect((await s.http('GET', '/api/peering/autonomous-systems/1/2/3/')).status).toBe(404);
    const v = await s.http('GET', AS, { headers: { Accept: 'application/json; version=0.0' } });
    expect(v.status).toBe(406);
  });

  test('object changes by request id, at both paths', async () => {
    const r = await s.http('POST', AS, { body: { asn: asn(), name: 'chg' } });
    const rid = r.headers.get('x-request-id');
    for (const path of ['/api/extras/object-changes/', '/api/core/object-changes/']) {
      const c = await s.http('GET', `${path}?request_id=${rid}`);
      expect(c.status).toBe(200);
      expect(c.json.count).toBe(1);
      expect(c.json.results[0].action).toEqual({ value: 'create', label: 'Created' });
      expect(c.json.results[0].changed_object_id).toBe(r.json.id);
    }
    const created = await s.http('GET', `${AS}?created_by_request=${rid}`);
    expect(created.json.results.map((x: any) => x.id)).toEqual([r.json.id]);
    expect((await s.http('GET', '/api/extras/object-changes/?request_id=nope')).json).toEqual({ request_id: ['Enter a valid UUID.'] });
  });
});

describe('Peering Manager request limits', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer('pglite', { BODY_LIMIT: '1kb' }); });
  afterAll(async () => { await s?.close(); });

  test('a body over BODY_LIMIT is 413', async () => {
    const r = await s.http('POST', AS, { body: { asn: 1, name: 'x'.repeat(5000) } });
    expect(r.status).toBe(413);
    expect(r.json).toEqual({ detail: 'Request body is too large.' });
  });
});
