// Peering Manager's `?export=<name>` on list endpoints (pm-workflows row 9, peering-manager.md §6):
// the list after its filters and ordering, every page, rendered through the model's export template
// of that name; and the same through GraphQL's export<Plural>. Bounded by EXPORT_MAX_ROWS (2 here).
import { startTestServer, type TestServer } from '../helpers/server';
import { AS, post } from '../helpers/pm';

describe('?export=<template> on list endpoints', () => {
  let s: TestServer;
  let aliceRO: string;

  beforeAll(async () => {
    s = await startTestServer('pglite', { EXPORT_MAX_ROWS: '2' });
    for (const [asn, name] of [[64510, 'Alpha'], [64511, 'Bravo'], [64512, 'Charlie']] as const) await post(s, AS, { asn, name });
    await post(s, '/api/extras/export-templates/', { content_type: 'peering.autonomoussystem', name: 'ases', template: '{% for a in dataset %}{{ a.asn }} {{ a.name }}\n{% endfor %}' });
    await post(s, '/api/extras/export-templates/', { content_type: 'bgp.community', name: 'communities', template: '{{ dataset | length }}' });
    await post(s, '/api/extras/export-templates/', { content_type: 'peering.autonomoussystem', name: 'broken', template: 'ok\n{% for x in %}' });
    await post(s, '/api/extras/export-templates/', { content_type: 'users.token', name: 'tokens', template: '{% for t in dataset %}{{ t.user.username }};{% endfor %}' });
    const u = await s.gql('mutation { createUser(input: {username: "alice", password: "alice-pass-1"}) { id } }');
    aliceRO = (await s.gql(`mutation { createToken(input: {userId: "${u.data.createUser.id}", writeEnabled: false}) { key } }`)).data.createToken.key;
  }, 120_000);
  afterAll(async () => { await s?.close(); });

  test('renders the filtered, ordered list (every page, not one) as text/plain', async () => {
    const r = await s.http('GET', `${AS}?asn__gte=64511&ordering=-asn&limit=1&export=ases`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(r.headers.get('content-disposition')).toBeNull();
    expect(r.text).toBe('64512 Charlie\n64511 Bravo\n');
    const q = await s.http('GET', `${AS}?q=alpha&export=ases`);
    expect([q.status, q.text]).toEqual([200, '64510 Alpha\n']);
    // The same through GraphQL.
    const g = await s.gql('{ exportAutonomousSystems(template: "ases", filter: {asn: {gte: 64511}}, ordering: ["-asn"]) }');
    expect(g.errors).toBeUndefined();
    expect(g.data.exportAutonomousSystems).toBe('64512 Charlie\n64511 Bravo\n');
  });

  test('an unknown template, or one of another model, is a 404 in Peering Manager\'s shape', async () => {
    const unknown = await s.http('GET', `${AS}?export=nope`);
    expect([unknown.status, unknown.json]).toEqual([404, { detail: 'Not found.' }]);
    const other = await s.http('GET', `${AS}?asn=64510&export=communities`);
    expect([other.status, other.json]).toEqual([404, { detail: 'Not found.' }]);
    const right = await s.http('GET', '/api/bgp/communities/?export=communities');
    expect([right.status, right.text]).toEqual([200, '0']);
    expect((await s.gql('{ exportCommunities(template: "ases") }')).errors[0].extensions.code).toBe('NOT_FOUND');
  });

  test('a template error is a 400 naming the template and line, as render-synchronous answers', async () => {
    const r = await s.http('GET', `${AS}?asn=64510&export=broken`);
    expect([r.status, r.json]).toEqual([400, { detail: 'Syntax error in template "broken" at line 2: unexpected end of block' }]);
  });

  test('GraphQL tells a template fault (reason TEMPLATE_ERROR, naming template and line) from a refused template name', async () => {
    const fault = await s.gql('{ exportAutonomousSystems(template: "broken", filter: {asn: {gte: 64511}}) }');
    expect(fault.errors[0].extensions).toEqual({
      code: 'BAD_USER_INPUT', fields: { template: ['Syntax error in template "broken" at line 2: unexpected end of block'] },
      reason: { kind: 'TEMPLATE_ERROR', template: 'broken', line: 2 },
    });
    const nul = await s.gql('query($t: String!) { exportAutonomousSystems(template: $t) }', { t: 'a\u0000b' });
    expect(nul.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', fields: { template: ['Null characters are not allowed.'] } });
  });

  test('more objects than EXPORT_MAX_ROWS is a 400 naming the setting; bad filters are 400s too', async () => {
    const r = await s.http('GET', `${AS}?export=ases`);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ export: ['More than 2 objects to export (EXPORT_MAX_ROWS): filter the list.'] });
    const bad = await s.http('GET', `${AS}?asn=x&export=ases`);
    expect(bad.status).toBe(400);
    expect(bad.json.asn).toBeDefined();
    // A template name PostgreSQL text cannot hold is refused before it reaches SQL.
    const nul = await s.http('GET', `${AS}?export=a%00b`);
    expect([nul.status, nul.json]).toEqual([400, { export: ['Null characters are not allowed.'] }]);
  });

  test('the caller needs to read the model and export templates; the dataset holds only rows it may read', async () => {
    // Anonymous callers read no users (read: user): refused as the list is.
    const anon = await s.http('GET', '/api/users/users/?export=ases', { token: null });
    expect([anon.status, anon.json]).toEqual([403, (await s.http('GET', '/api/users/users/', { token: null })).json]);
    const g = await s.gql('{ exportUsers(template: "x") }', {}, null);
    expect(g.errors[0].extensions.code).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
    // Tokens are owner-scoped: alice's export lists her own only, the admin's all of them.
    const mine = await s.http('GET', '/api/users/tokens/?export=tokens', { token: aliceRO });
    expect([mine.status, mine.text]).toEqual([200, 'alice;']);
    const all = await s.http('GET', '/api/users/tokens/?user_id=1&export=tokens');
    expect(all.status).toBe(200);
    expect(all.text).not.toContain('alice');
  });

  test('the OpenAPI document lists the export parameter, its text/plain answer and its 404', async () => {
    const doc = (await s.http('GET', '/api/schema/?format=json')).json;
    const get = doc.paths[AS].get;
    expect(get.parameters.map((p: any) => p.name)).toContain('export');
    expect(Object.keys(get.responses[200].content)).toEqual(['application/json', 'text/plain']);
    expect(get.responses[404]).toBeDefined();
  });
});
