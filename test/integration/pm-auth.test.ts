// Peering Manager dialect: authentication and permissions, DRF's exact 403 bodies,
// on a write path of every app, and LOGIN_REQUIRED for anonymous reads.
import { startTestServer, type TestServer } from '../helpers/server';
import { makeToken } from '../helpers/pm';

const NO_CREDENTIALS = { detail: 'Authentication credentials were not provided.' };
const NO_PERMISSION = { detail: 'You do not have permission to perform this action.' };

let n = 0;
/** A valid create body per app, so the write token gets 201. */
const WRITES: [string, string, () => Record<string, unknown>][] = [
  ['peering', '/api/peering/autonomous-systems/', () => ({ asn: 65000 + ++n, name: `as${n}` })],
  ['bgp', '/api/bgp/relationships/', () => ({ name: `r${++n}`, slug: `r${n}` })],
  ['net', '/api/net/bfd/', () => ({ name: `b${++n}`, slug: `b${n}` })],
  ['devices', '/api/devices/platforms/', () => ({ name: `p${++n}`, slug: `p${n}` })],
  ['messaging', '/api/messaging/contact-roles/', () => ({ name: `c${++n}`, slug: `c${n}` })],
  ['extras', '/api/extras/tags/', () => ({ name: `t${++n}`, slug: `t${n}` })],
  ['users', '/api/users/groups/', () => ({ name: `g${++n}` })],
  ['users (tokens)', '/api/users/tokens/', () => ({ description: `k${++n}` })],
];

describe('Peering Manager auth', () => {
  let s: TestServer;
  let readOnly: string;
  let expired: string;
  beforeAll(async () => {
    s = await startTestServer('pglite');
    readOnly = await makeToken(s, { writeEnabled: false });
    expired = await makeToken(s, { expires: new Date(Date.now() - 60_000) });
  });
  afterAll(async () => { await s?.close(); });

  test.each(WRITES)('%s: no token / invalid / read-only / expired / write', async (_app, path, body) => {
    const anon = await s.http('POST', path, { body: body(), token: null });
    expect([anon.status, anon.json]).toEqual([403, NO_CREDENTIALS]);
    const invalid = await s.http('POST', path, { body: body(), token: 'f'.repeat(40) });
    expect([invalid.status, invalid.json]).toEqual([403, { detail: 'Invalid token' }]);
    const ro = await s.http('POST', path, { body: body(), token: readOnly });
    expect([ro.status, ro.json]).toEqual([403, NO_PERMISSION]);
    const old = await s.http('POST', path, { body: body(), token: expired });
    expect([old.status, old.json]).toEqual([403, { detail: 'Token expired' }]);
    const ok = await s.http('POST', path, { body: body() });
    expect(ok.status).toBe(201);
    // Permission is decided before the body is read (DRF's order).
    expect((await s.http('POST', path, { body: '{bad json', token: null })).status).toBe(403);
  });

  test('bulk and detail writes and deletes are guarded the same way', async () => {
    const made = await s.http('POST', '/api/extras/tags/', { body: { name: 'guarded', slug: 'guarded' } });
    for (const [method, path, body] of [
      ['PATCH', `/api/extras/tags/${made.json.id}/`, { description: 'x' }],
      ['PUT', `/api/extras/tags/${made.json.id}/`, { name: 'g', slug: 'g' }],
      ['DELETE', `/api/extras/tags/${made.json.id}/`, undefined],
      ['PATCH', '/api/extras/tags/', [{ id: made.json.id, description: 'x' }]],
      ['DELETE', '/api/extras/tags/', [{ id: made.json.id }]],
    ] as const) {
      const ro = await s.http(method, path, { body, token: readOnly });
      expect([method, path, ro.status, ro.json]).toEqual([method, path, 403, NO_PERMISSION]);
      const anon = await s.http(method, path, { body, token: null });
      expect([method, path, anon.status, anon.json]).toEqual([method, path, 403, NO_CREDENTIALS]);
    }
    expect((await s.http('GET', `/api/extras/tags/${made.json.id}/`)).status).toBe(200);
  });

  test('reads: anonymous allowed without LOGIN_REQUIRED; bad or expired tokens are refused', async () => {
    expect((await s.http('GET', '/api/peering/autonomous-systems/', { token: null })).status).toBe(200);
    expect((await s.http('GET', '/api/peering/autonomous-systems/', { token: readOnly })).status).toBe(200);
    const bad = await s.http('GET', '/api/peering/autonomous-systems/', { token: '0'.repeat(40) });
    expect([bad.status, bad.json]).toEqual([403, { detail: 'Invalid token' }]);
    const old = await s.http('GET', '/api/', { token: expired });
    expect([old.status, old.json]).toEqual([403, { detail: 'Token expired' }]);
    const header = await s.http('GET', '/api/', { headers: { Authorization: 'Token' } });
    expect([header.status, header.json]).toEqual([403, { detail: 'Invalid token header. No credentials provided.' }]);
  });

  test('OPTIONS shows write actions only to callers who may write', async () => {
    expect((await s.http('OPTIONS', '/api/extras/tags/')).json.actions.POST).toBeDefined();
    expect((await s.http('OPTIONS', '/api/extras/tags/', { token: readOnly })).json.actions).toBeUndefined();
    expect((await s.http('OPTIONS', '/api/extras/tags/', { token: null })).json.actions).toBeUndefined();
  });

  test('tokens: the key is shown once; a read-only token lists only its owner\'s tokens; revoke', async () => {
    const made = await s.http('POST', '/api/users/tokens/', { body: { description: 'ci', write_enabled: 'false' } });
    expect(made.status).toBe(201);
    expect(made.json.key).toMatch(/^[0-9a-f]{40}$/);
    expect(made.json.write_enabled).toBe(false);
    const listed = await s.http('GET', '/api/users/tokens/');
    expect(listed.json.results.every((t: any) => !('key' in t))).toBe(true);
    expect((await s.http('GET', '/api/users/tokens/', { token: made.json.key })).status).toBe(200);
    expect((await s.http('GET', '/api/users/tokens/', { token: null })).json).toEqual(NO_CREDENTIALS);
    expect((await s.http('DELETE', `/api/users/tokens/${made.json.id}/`, { token: made.json.key })).json).toEqual(NO_PERMISSION);
    expect((await s.http('DELETE', `/api/users/tokens/${made.json.id}/`)).status).toBe(204);
    expect((await s.http('GET', '/api/', { token: made.json.key })).json).toEqual({ detail: 'Invalid token' });
    expect((await s.http('PATCH', `/api/users/tokens/${made.json.id}/`, { body: {} })).status).toBe(405);
  });

  test('tokens: a body that is not a dictionary makes no token', async () => {
    const before = (await s.http('GET', '/api/users/tokens/')).json.count;
    for (const body of ['null', '[]', '"x"', '7']) {
      const r = await s.http('POST', '/api/users/tokens/', { body });
      expect(r.status).toBe(400);
      expect(r.json.non_field_errors[0]).toMatch(/^Invalid data\. Expected a dictionary, but got /);
    }
    expect((await s.http('GET', '/api/users/tokens/')).json.count).toBe(before);
  });
});

describe('Peering Manager with LOGIN_REQUIRED', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer('pglite', { LOGIN_REQUIRED: 'true' }); });
  afterAll(async () => { await s?.close(); });

  test('anonymous reads are 403; token reads pass', async () => {
    for (const path of ['/api/', '/api/peering/', '/api/peering/autonomous-systems/', '/api/status/']) {
      const r = await s.http('GET', path, { token: null });
      expect([path, r.status, r.json]).toEqual([path, 403, NO_CREDENTIALS]);
      expect((await s.http('GET', path)).status).toBe(200);
    }
  });
});
