// Hostile input values that used to reach the database or the runtime and answer 500:
// client keys named after Object.prototype's members, numbers and dates past what
// JavaScript or PostgreSQL hold, and JSON nested 1,000 or 100,000 levels deep. Each is
// a 4xx in the surface's own error shape, on both databases, and nothing is written.
import { DB_KINDS } from '../helpers/db';
import { startTestServer, type TestServer } from '../helpers/server';
import { tableSnapshot } from '../helpers/snapshot';
import { jsonDepthExceeds, jsonTextDepthExceeds } from '../../src/domain/values';

const AS = '/api/peering/autonomous-systems/';
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
const deepValue = (n: number): unknown => { let v: unknown = 1; for (let i = 0; i < n; i++) v = { a: v }; return v; };
const CREATE_AS = 'mutation($i: AutonomousSystemCreateInput!) { createAutonomousSystem(input: $i) { id } }';
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

test('JSON depth is measured without recursion, on values and on text', () => {
  expect(jsonDepthExceeds(1, 0)).toBe(false);
  expect(jsonDepthExceeds({}, 0)).toBe(true);
  expect(jsonDepthExceeds([[1]], 2)).toBe(false);
  expect(jsonDepthExceeds([[[1]]], 2)).toBe(true);
  expect(jsonDepthExceeds({ a: [1, { b: {} }] }, 4)).toBe(false);
  expect(jsonDepthExceeds({ a: [1, { b: {} }] }, 3)).toBe(true);
  expect(jsonDepthExceeds(deepValue(100_000), 32)).toBe(true);
  expect(jsonTextDepthExceeds(deepArray(32), 32)).toBe(false);
  expect(jsonTextDepthExceeds(deepArray(33), 32)).toBe(true);
  // Brackets inside strings (escaped quotes too) do not count.
  expect(jsonTextDepthExceeds(JSON.stringify({ a: '[[[[{{{{', b: '\\"[[[[' }), 1)).toBe(false);
  expect(jsonTextDepthExceeds(deepArray(100_000), 32)).toBe(true);
});

describe.each(DB_KINDS)('hostile input values on %s', (kind) => {
  let s: TestServer;
  let before: string;

  beforeAll(async () => {
    s = await startTestServer(kind);
    // Something stored, so "nothing changed" compares real rows.
    const r = await s.gql('mutation { createAutonomousSystem(input: {asn: 64500, name: "Seed", localContextData: {a: {b: [1]}}}) { id } }');
    expect(r.errors).toBeUndefined();
    before = await tableSnapshot(s);
  });
  afterAll(async () => { await s?.close(); });

  const expectPm400 = (r: { status: number; json: any }, key?: string) => {
    expect(r.status).toBe(400);
    expect(r.json && typeof r.json === 'object').toBe(true);
    if (key) expect(Object.keys(r.json)).toContain(key);
  };
  const expectPdb400 = (r: { status: number; json: any }) => {
    expect(r.status).toBe(400);
    expect(typeof r.json?.meta?.error).toBe('string');
  };
  const expectNsot400 = (r: { status: number; json: any }) => {
    expect(r.status).toBe(400);
    expect(r.json?.error?.code).toBe(400);
    expect(r.json?.error?.message).toBeDefined();
  };
  const badUserInput = (r: any) => {
    expect(r.data?.createAutonomousSystem ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    return r.errors[0].message as string;
  };

  describe('keys named after Object.prototype members', () => {
    test.each(PROTO_KEYS)('%s in a Peering Manager JSON body is an unknown field', async (key) => {
      const r = await s.http('POST', AS, { body: `{${JSON.stringify(key)}: {"polluted": 1}, "asn": 64510, "name": "x"}` });
      expectPm400(r, key);
      expect(r.json[key]).toEqual(['Unknown field.']);
    });

    test.each(PROTO_KEYS)('%s in a Peering Manager form body is an unknown field', async (key) => {
      const r = await s.http('POST', AS, { body: `${encodeURIComponent(key)}=1&asn=64510&name=x`, headers: FORM });
      expectPm400(r, key);
      expect(r.json[key]).toEqual(['Unknown field.']);
    });

    test('in a bulk body, a related object\'s attributes and a PATCH', async () => {
      expectPm400(await s.http('POST', AS, { body: '[{"asn": 64511, "name": "a"}, {"__proto__": {"polluted": 1}, "constructor": 2, "asn": 64512, "name": "b"}]' }));
      const ref = await s.http('POST', AS, { body: '{"asn": 64513, "name": "c", "tags": [{"__proto__": {"polluted": 1}}]}' });
      expectPm400(ref, 'tags');
      expect(ref.json.tags.join(' ')).toMatch(/__proto__/);
      expectPm400(await s.http('PATCH', `${AS}1/`, { body: '{"__proto__": {"name": "renamed"}}' }), '__proto__');
    });

    test('in a token request', async () => {
      const r = await s.http('POST', '/api/users/tokens/', { body: '{"constructor": 1, "__proto__": {"write_enabled": true}}' });
      expectPm400(r, 'constructor');
      expect(r.json.__proto__).toEqual(['Unknown field.']);
    });

    test('in PeeringDB and NSoT writes', async () => {
      for (const key of PROTO_KEYS) {
        expectPdb400(await s.http('POST', '/pdb/api/net', { body: `{${JSON.stringify(key)}: {"polluted": 1, "asn": 1}, "asn": 64514}` }));
        expectNsot400(await s.http('POST', '/nsot/api/sites/', { body: `{${JSON.stringify(key)}: {"polluted": 1, "name": "x"}}` }));
      }
    });

    test('as query parameters of every dialect', async () => {
      const qs = PROTO_KEYS.map((k) => `${encodeURIComponent(k)}=1`).join('&');
      for (const path of [AS, '/pdb/api/net', '/nsot/api/sites/']) {
        const r = await s.http('GET', `${path}?${qs}`);
        expect([path, r.status]).toEqual([path, 200]);
      }
    });

    test('Object.prototype is untouched', () => {
      expect(({} as any).polluted).toBeUndefined();
      expect(({} as any).asn).toBeUndefined();
      expect(({} as any).write_enabled).toBeUndefined();
      expect(Object.keys(Object.prototype)).toEqual([]);
    });
  });

  describe('numbers and dates past what JavaScript or PostgreSQL hold', () => {
    test.each(['limit', 'skip', 'page', 'per_page', 'depth'])('PeeringDB %s=99999999999999999999', async (p) => {
      const r = await s.http('GET', `/pdb/api/net?${p === 'per_page' ? 'page=1&' : ''}${p}=99999999999999999999`);
      expectPdb400(r);
      expect(r.json.meta.error).toContain(p);
    });

    test.each([
      'created__gt=100000000000000000000', 'created__lt=99999999999999', 'updated__gte=10000-01-01', 'created__gt=+275760-09-13T00:00:00Z',
      'created__lte=0000-12-31', 'asn__gt=1e400', 'asn=NaN', 'asn__lt=Infinity', 'id__in=1,NaN', 'since=99999999999999999999',
    ])('PeeringDB %s', async (q) => {
      expectPdb400(await s.http('GET', `/pdb/api/net?${q}`));
    });

    test.each(['asn=-0', 'asn__gt=99999999999999999999', 'id=99999999999999999999', 'created__gt=9999-12-31', 'created__gt=1',
      'id=9999999999', 'id__in=9999999999,1', 'ix=9999999999', 'org_id__lt=1e300', 'asn__in=99999999999', 'info_prefixes4__gte=1e308', 'id__contains=1e400'])('PeeringDB %s is an answer, not an error', async (q) => {
      const r = await s.http('GET', `/pdb/api/net?${q}`);
      expect(r.status).toBeLessThan(500);
      expect(r.status === 200 || r.status === 404 || typeof r.json?.meta?.error === 'string').toBe(true);
    });

    test.each([
      ['created__gt', '100000000000000000000'], ['created__gt', '10000-01-01'], ['created__lt', '+275760-09-13T00:00:00Z'],
      ['created__gte', '0000-01-01T00:00:00Z'], ['created__lte', 'NaN'],
      ['asn__gt', '99999999999999999999'], ['asn', 'NaN'], ['asn__lt', '1e400'], ['asn', 'Infinity'], ['id', '99999999999999999999'],
    ])('Peering Manager %s=%s names the parameter', async (p, v) => {
      const r = await s.http('GET', `${AS}?${p}=${encodeURIComponent(v)}`);
      expectPm400(r, p);
    });

    test('Peering Manager: -0 is 0', async () => {
      const r = await s.http('GET', `${AS}?asn__gt=-0`);
      expect(r.status).toBe(200);
      expect(r.json.count).toBe(1);
    });

    test.each([
      ['asn', '1e400'], ['asn', '99999999999999999999'], ['asn', '-99999999999999999999'], ['asn', '"NaN"'],
    ])('Peering Manager body %s: %s is a field error', async (f, v) => {
      expectPm400(await s.http('POST', AS, { body: `{"${f}": ${v}, "name": "x"}` }), f);
    });

    test.each([
      'networks/?prefix_length=99999999999999999999', 'networks/?prefix_length=-0', 'networks/?cidr=10.0.0.0/1e400', 'networks/?cidr=10.0.0.0/NaN',
      'interfaces/?speed=1e400', 'interfaces/?speed=99999999999999999999', 'interfaces/?parent_id=99999999999999999999', 'values/?resource_id=NaN',
      'sites/?limit=99999999999999999999&offset=99999999999999999999', 'sites/?limit=-0', 'sites/99999999999999999999/', 'sites/1e400/',
    ])('NSoT %s is an answer or a 4xx in NSoT\'s shape', async (q) => {
      const r = await s.http('GET', `/nsot/api/${q}`);
      expect([q, r.status < 500]).toEqual([q, true]);
      if (r.status >= 400) expect(r.json?.error?.code).toBe(r.status);
    });

    test('GraphQL DateTime out of range is BAD_USER_INPUT (variables) or a validation error (literals)', async () => {
      const doc = 'query($d: DateTime) { autonomousSystems(filter: {created: {gt: $d}}) { totalCount } }';
      for (const d of ['10000-01-01', '+275760-09-13T00:00:00Z', '0000-06-01T00:00:00Z']) {
        const r = await s.gql(doc, { d });
        expect([d, r.errors?.[0]?.extensions?.code]).toEqual([d, 'BAD_USER_INPUT']);
        expect(r.errors[0].message).toMatch(/out of range/);
      }
      expect((await s.gql(doc, { d: '100000000000000000000' })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const lit = await s.gql('{ autonomousSystems(filter: {created: {gt: "10000-01-01"}}) { totalCount } }');
      expect(lit.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(lit.errors[0].message).toMatch(/out of range/);
      // The edge of the range is a date, not an error.
      expect((await s.gql(doc, { d: '9999-12-31T23:59:59Z' })).data.autonomousSystems.totalCount).toBe(0);
    });

    test('GraphQL BigInt and Int past their range are BAD_USER_INPUT', async () => {
      const big = await s.gql('query($a: BigInt) { autonomousSystems(filter: {asn: {gt: $a}}) { totalCount } }', { a: 99999999999999999999 });
      expect(big.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const int = await s.gql('query($o: Int) { autonomousSystems(offset: $o) { totalCount } }', { o: 1e20 });
      expect(int.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      badUserInput(await s.gql(CREATE_AS, { i: { asn: 99999999999999999999, name: 'x' } }));
    });
  });

  describe('JSON nested deeper than JSON_MAX_DEPTH (32)', () => {
    test.each([33, 1000, 100_000])('GraphQL variable %i levels deep', async (n) => {
      const body = `{"query": ${JSON.stringify(CREATE_AS)}, "variables": {"i": {"asn": 64520, "name": "deep", "localContextData": ${deepObject(n)}}}}`;
      const r = await s.http('POST', '/graphql', { body });
      expect(r.status).toBeLessThan(500);
      expect(badUserInput(r.json)).toMatch(/deeper than 32 levels/);
    });

    test('GraphQL literal 1,000 levels deep', async () => {
      const r = await s.gql(`mutation { createAutonomousSystem(input: {asn: 64521, name: "deep", localContextData: ${'{a: '.repeat(1000)}1${'}'.repeat(1000)}}) { id } }`);
      expect(r.data?.createAutonomousSystem ?? null).toBeNull();
      expect(r.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(r.errors[0].message).toMatch(/deeper than 32 levels/);
    });

    test('GraphQL literal 100,000 levels deep', async () => {
      const r = await s.http('POST', '/graphql', { body: { query: `mutation { createAutonomousSystem(input: {asn: 64522, name: "deep", localContextData: ${deepArray(100_000)}}) { id } }` } });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.json?.errors?.[0]?.extensions?.code).toBeDefined();
    });

    test('a JSON merge patch is held to the limit too', async () => {
      const r = await s.gql('mutation($p: JSON) { updateDevice(id: "1", input: {attributesPatch: $p}) { id } }', { p: deepValue(40) });
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(r.errors[0].message).toMatch(/deeper than 32 levels/);
    });

    test.each([1000, 100_000])('Peering Manager JSON body %i levels deep', async (n) => {
      const r = await s.http('POST', AS, { body: `{"asn": 64523, "name": "deep", "local_context_data": ${deepObject(n)}}` });
      expectPm400(r, 'detail');
      expect(r.json.detail).toMatch(/deeper than/);
    });

    test('Peering Manager field 33 levels deep (inside the body\'s allowance)', async () => {
      const r = await s.http('POST', AS, { body: `{"asn": 64524, "name": "deep", "local_context_data": ${deepObject(33)}}` });
      expectPm400(r, 'local_context_data');
      expect(r.json.local_context_data.join(' ')).toMatch(/deeper than 32 levels/);
    });

    test.each([33, 1000, 100_000])('Peering Manager form field %i levels deep', async (n) => {
      const r = await s.http('POST', AS, { body: `asn=64525&name=deep&local_context_data=${encodeURIComponent(deepObject(n))}`, headers: FORM });
      expectPm400(r, 'local_context_data');
      expect(r.json.local_context_data).toEqual(['JSON nested deeper than 32 levels.']);
    });

    test.each([1000, 100_000])('PeeringDB body %i levels deep', async (n) => {
      const r = await s.http('POST', '/pdb/api/org', { body: `{"name": "deep", "notes": ${deepArray(n)}}` });
      expectPdb400(r);
      expect(r.json.meta.error).toMatch(/deeper than/);
    });

    test.each([1000, 100_000])('NSoT body %i levels deep', async (n) => {
      expectNsot400(await s.http('POST', '/nsot/api/sites/', { body: `{"name": "deep", "description": "x", "extra": ${deepArray(n)}}` }));
    });

    test('nothing was written', async () => {
      expect(await tableSnapshot(s)).toBe(before);
      expect((await s.http('GET', '/healthz')).status).toBe(200);
    });

    test('a value exactly at the limit is stored on every surface', async () => {
      const r = await s.gql(CREATE_AS, { i: { asn: 64530, name: 'limit', localContextData: deepValue(32) } });
      expect(r.errors).toBeUndefined();
      const pm = await s.http('POST', AS, { body: `{"asn": 64531, "name": "limit", "local_context_data": ${deepObject(32)}}` });
      expect(pm.status).toBe(201);
      const form = await s.http('POST', AS, { body: `asn=64532&name=limit&local_context_data=${encodeURIComponent(deepObject(32))}`, headers: FORM });
      expect(form.status).toBe(201);
      const back = await s.http('GET', `${AS}${pm.json.id}/`);
      expect(jsonDepthExceeds(back.json.local_context_data, 31)).toBe(true);
      expect(jsonDepthExceeds(back.json.local_context_data, 32)).toBe(false);
    });
  });
});

describe('JSON_MAX_DEPTH', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer('pglite', { JSON_MAX_DEPTH: '4' }); });
  afterAll(async () => { await s?.close(); });

  test('is the limit every surface applies', async () => {
    const ok = await s.gql(CREATE_AS, { i: { asn: 64540, name: 'four', localContextData: deepValue(4) } });
    expect(ok.errors).toBeUndefined();
    const deep = await s.gql(CREATE_AS, { i: { asn: 64541, name: 'five', localContextData: deepValue(5) } });
    expect(deep.errors?.[0]?.message).toMatch(/deeper than 4 levels/);
    const pm = await s.http('POST', AS, { body: `{"asn": 64542, "name": "five", "local_context_data": ${deepObject(5)}}` });
    expect(pm.status).toBe(400);
    expect(pm.json.local_context_data.join(' ')).toMatch(/deeper than 4 levels/);
    const body = await s.http('POST', AS, { body: `{"asn": 64543, "name": "nine", "local_context_data": ${deepObject(9)}}` });
    expect(body.json.detail).toMatch(/deeper than 8 levels/);
  });
});
