// Peering Manager dialect: response shaping (brief, fields, exclude, heavy fields,
// choice styles), OPTIONS, OpenAPI, Swagger UI, HTML, roots, status, custom actions.
import { startTestServer, type TestServer } from '../helpers/server';
import { AS, createAs, post } from '../helpers/pm';

describe('Peering Manager shapes and docs', () => {
  let s: TestServer;
  let as: any; let ix: any; let conn: any; let sess: any;
  beforeAll(async () => {
    s = await startTestServer('pglite');
    as = await createAs(s);
    ix = await post(s, '/api/peering/internet-exchanges/', { name: 'IX', slug: 'ix', local_autonomous_system: as.id, status: 'maintenance' });
    conn = await post(s, '/api/net/connections/', { internet_exchange_point: ix.id, router: null, ipv4_address: '192.0.2.10/24' });
    sess = await post(s, '/api/peering/internet-exchange-peering-sessions/', { autonomous_system: as.id, ixp_connection: conn.id, ip_address: '192.0.2.20', status: 'requested' });
  });
  afterAll(async () => { await s?.close(); });

  test('brief is the nested representation; choices keep {value,label} at the top level only', async () => {
    const r = await s.http('GET', `${AS}${as.id}/?brief=1`);
    expect(Object.keys(r.json).sort()).toEqual(['asn', 'display', 'id', 'ipv4_max_prefixes', 'ipv6_max_prefixes', 'name', 'url']);
    const b = await s.http('GET', `/api/peering/internet-exchanges/?brief=true`);
    expect(b.json.results[0]).toEqual({ id: ix.id, url: ix.url, display: 'IX', name: 'IX', slug: 'ix', status: { value: 'maintenance', label: 'Maintenance' } });
    expect(sess.status).toEqual({ value: 'requested', label: 'Requested' });
    expect(sess.ixp_connection).toMatchObject({ id: conn.id, ipv4_address: '192.0.2.10/24' });
    expect(sess.ip_address).toBe('192.0.2.20');
    expect(sess.display).toBe(`IX - AS${as.asn} - IP 192.0.2.20`);
    expect(conn.name).toBe('IX');
    expect(conn.internet_exchange_point).toEqual({ id: ix.id, url: ix.url, display: 'IX', name: 'IX', slug: 'ix', status: 'maintenance' });
  });

  test('fields wins over brief; exclude drops; heavy fields are null unless asked for', async () => {
    const f = await s.http('GET', `${AS}${as.id}/?fields=asn,name,prefixes&brief=1`);
    expect(f.json).toEqual({ asn: as.asn, name: as.name, prefixes: null });
    const withList = await s.http('GET', `${AS}?fields=id,as_list`);
    expect(withList.json.results[0]).toEqual({ id: as.id, as_list: [] });
    const full = await s.http('GET', `${AS}${as.id}/`);
    expect(full.json.prefixes).toBeNull();
    expect(full.json.as_list).toBeNull();
    const ex = await s.http('GET', `${AS}${as.id}/?exclude=comments,tags,unknown`);
    expect('comments' in ex.json || 'tags' in ex.json).toBe(false);
    expect(ex.json.asn).toBe(as.asn);
  });

  test('OPTIONS lists fields with DRF metadata, on list (POST) and detail (PUT)', async () => {
    const r = await s.http('OPTIONS', '/api/peering/internet-exchanges/');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ name: 'Internet Exchange', renders: ['application/json', 'text/html'] });
    const post = r.json.actions.POST;
    expect(post.status.choices.map((c: any) => c.value)).toEqual(['enabled', 'pre-maintenance', 'maintenance', 'post-maintenance', 'disabled']);
    expect(post.status.choices[0]).toEqual({ value: 'enabled', display_name: 'Enabled' });
    expect(post.name).toMatchObject({ type: 'string', required: true, read_only: false, max_length: 100 });
    expect(post.id).toMatchObject({ type: 'integer', read_only: true });
    expect(post.local_autonomous_system).toMatchObject({ type: 'nested object', required: true });
    const d = await s.http('OPTIONS', `/api/net/bfd/`);
    expect(d.json.actions.POST.detection_multiplier).toMatchObject({ type: 'integer', min_value: 1, max_value: 255, required: false });
    const detail = await s.http('OPTIONS', `${AS}${as.id}/`);
    expect(Object.keys(detail.json.actions)).toEqual(['PUT']);
    expect(detail.json.actions.PUT.asn).toMatchObject({ type: 'integer', required: true, label: 'ASN' });
    expect(detail.headers.get('allow')).toBe('GET, HEAD, OPTIONS, PUT, PATCH, DELETE');
    expect((await s.http('OPTIONS', '/api/extras/object-changes/')).json.actions).toBeUndefined();
  });

  test('OpenAPI document covers every endpoint and Swagger UI is served locally', async () => {
    const r = await s.http('GET', '/api/schema/?format=json');
    expect(r.status).toBe(200);
    expect(r.json.openapi).toMatch(/^3\./);
    for (const p of ['/api/peering/autonomous-systems/', '/api/peering/autonomous-systems/{id}/', '/api/bgp/communities/', '/api/extras/object-changes/', '/api/users/tokens/']) {
      expect(r.json.paths[p]).toBeDefined();
    }
    expect(Object.keys(r.json.paths['/api/peering/autonomous-systems/'])).toEqual(['get', 'post', 'put', 'patch', 'delete']);
    const params = r.json.paths['/api/peering/autonomous-systems/'].get.parameters.map((p: any) => p.name);
    expect(params).toEqual(expect.arrayContaining(['limit', 'offset', 'asn', 'asn__gt', 'name__ic', 'q', 'tag']));
    expect(r.json.components.schemas.AutonomousSystem.properties.asn.type).toBe('integer');
    expect(r.json.components.schemas.WritableAutonomousSystemRequest.required).toEqual(expect.arrayContaining(['asn', 'name']));
    const ui = await s.http('GET', '/api/schema/swagger-ui/', { headers: { Accept: 'text/html' } });
    expect(ui.status).toBe(200);
    expect(ui.text).toMatch(/swagger-ui-bundle\.js/);
    expect(ui.text).not.toMatch(/https?:\/\/(cdn|unpkg)/);
    const js = await s.http('GET', '/api/schema/swagger-ui/swagger-ui-bundle.js');
    expect(js.status).toBe(200);
    expect(js.text.length).toBeGreaterThan(100_000);
  });

  test('browsers get the same JSON as a readable, escaped HTML page', async () => {
    await post(s, '/api/extras/tags/', { name: '<script>x</script>', slug: 'xss' });
    const r = await s.http('GET', '/api/extras/tags/', { headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    expect(r.text).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(r.text).not.toContain('<script>x</script>');
    expect((await s.http('GET', '/api/extras/tags/?format=json', { headers: { Accept: 'text/html' } })).headers.get('content-type')).toMatch(/json/);
    const type = async (accept: string) => (await s.http('GET', '/api/extras/tags/', { headers: { Accept: accept } })).headers.get('content-type');
    expect(await type('TEXT/HTML')).toMatch(/text\/html/);
    expect(await type('application/json;q=0.5, */*')).toMatch(/text\/html/);
    for (const accept of ['*/*', 'application/json', 'application/json, text/html;q=0.5', 'text/plain']) expect([accept, await type(accept)]).toEqual([accept, expect.stringMatching(/json/)]);
  });

  test('the .json format suffix on lists and details, with or without the slash, even for browsers', async () => {
    const list = await s.http('GET', '/api/peering/internet-exchanges.json?brief=1', { headers: { Accept: 'text/html' } });
    expect([list.status, list.headers.get('content-type')]).toEqual([200, expect.stringMatching(/json/)]);
    expect(list.json.results.map((x: any) => x.id)).toEqual([ix.id]);
    const one = await s.http('GET', `/api/peering/internet-exchanges/${ix.id}.json`);
    expect([one.status, one.json.id]).toEqual([200, ix.id]);
    expect((await s.http('GET', `/api/peering/internet-exchanges/${ix.id}.json/`)).json.id).toBe(ix.id);
    expect((await s.http('GET', '/api/peering/internet-exchanges.xml')).status).toBe(301);
  });

  test('API root, app roots (sorted, absolute), status', async () => {
    const root = await s.http('GET', '/api/');
    for (const app of ['bgp', 'core', 'devices', 'extras', 'messaging', 'net', 'peering', 'peeringdb', 'users', 'status']) {
      expect(root.json[app]).toMatch(new RegExp(`^${s.url}/api/${app}/$`));
    }
    const peering = await s.http('GET', '/api/peering/');
    expect(Object.keys(peering.json)).toEqual([...Object.keys(peering.json)].sort());
    expect(peering.json['autonomous-systems']).toBe(`${s.url}${AS}`);
    expect((await s.http('GET', '/api/extras/')).json['object-changes']).toBeDefined();
    expect((await s.http('GET', '/api/core/')).json['object-changes']).toBe(`${s.url}/api/core/object-changes/`);
    expect((await s.http('GET', '/api/peering/communities/')).status).toBe(200);
    const st = await s.http('GET', '/api/status/');
    expect(st.json).toMatchObject({ 'rq-workers-running': 0, 'python-version': null });
    expect(st.headers.get('api-version')).toMatch(/^\d+\.\d+$/);
  });

  test('custom actions: honest answers or 501 with a reason', async () => {
    expect((await s.http('GET', `/api/peering/internet-exchanges/${ix.id}/available-peers/`)).json).toEqual([]);
    expect((await s.http('GET', `/api/peering/internet-exchanges/${ix.id}/prefixes/`)).json).toEqual({});
    const pre = await s.http('GET', `${AS}${as.id}/as-set-prefixes/`);
    expect(pre.status).toBe(501);
    expect(pre.json.detail).toMatch(/IRR/);
    const poll = await s.http('POST', `${AS}${as.id}/poll-bgp-sessions/`);
    // No session to this AS, so no router to poll: no job.
    expect([poll.status, poll.json]).toEqual([202, []]);
    expect((await s.http('POST', `${AS}999999/poll-bgp-sessions/`)).status).toBe(404);
    expect((await s.http('POST', `${AS}${as.id}/poll-bgp-sessions/`, { token: null })).status).toBe(403);
    expect((await s.http('GET', `${AS}${as.id}/poll-bgp-sessions/`)).status).toBe(405);
    expect((await s.http('POST', '/api/devices/routers/configure/', { body: { routers: [999999] } })).status).toBe(404);
    expect((await s.http('GET', '/api/extras/prefix-list/?as-set=AS-X&af=5')).json).toEqual({ detail: 'Invalid af parameter, must be 4, 6 or both.' });
    expect((await s.http('GET', '/api/extras/prefix-list/?as-set=AS-X')).status).toBe(501);
    expect((await s.http('GET', '/api/users/userpref/')).status).toBe(200);
    // No export template named so for this model (pm-export.test.ts covers the renders).
    expect((await s.http('GET', `${AS}?export=table`)).json).toEqual({ detail: 'Not found.' });
  });
});
