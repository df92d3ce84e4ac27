// The HTTP conventions every API tool expects (issue 14, "REST and OpenAPI conventions"):
// a served OpenAPI document that Redocly's linter passes with no problem, DRF's
// `Accept: application/json; indent=N`, X-Request-ID kept from the client, CORS
// (CORS_ORIGINS) with proper preflights on every surface, and security headers on HTML pages.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import express from 'express';
import { loadConfig, ConfigError } from '../../src/config';
import { cors } from '../../src/http/cors';
import { startTestServer, type TestServer } from '../helpers/server';

jest.setTimeout(120_000);

const ALLOWED = 'https://noc.example.net';
const OTHER = 'https://evil.example.com';

describe('HTTP conventions', () => {
  let s: TestServer;

  beforeAll(async () => {
    s = await startTestServer('pglite', { CORS_ORIGINS: `${ALLOWED}, http://localhost:3000` });
  });
  afterAll(async () => { await s?.close(); });

  describe('OpenAPI document', () => {
    let doc: any;
    beforeAll(async () => {
      const r = await s.http('GET', '/api/schema/?format=json');
      expect(r.status).toBe(200);
      doc = r.json;
    });

    test('redocly lint (recommended rules, redocly.yaml) finds no problem in the served document', () => {
      const run = spawnSync(process.execPath, [join(__dirname, '../helpers/openapi-lint.mjs')], { input: JSON.stringify(doc), encoding: 'utf8', maxBuffer: 64 << 20 });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const problems = JSON.parse(run.stdout) as { rule: string; severity: string; message: string; at: string }[];
      expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(problems).toEqual([]);
    });

    test('the linter does find problems: a nullable relation without a type is an error', () => {
      const broken = structuredClone(doc);
      broken.components.schemas.ObjectChange.properties.user = { allOf: [{ $ref: '#/components/schemas/NestedUser' }], nullable: true };
      delete broken.servers;
      const run = spawnSync(process.execPath, [join(__dirname, '../helpers/openapi-lint.mjs')], { input: JSON.stringify(broken), encoding: 'utf8', maxBuffer: 64 << 20 });
      const rules = (JSON.parse(run.stdout) as { rule: string; severity: string }[]).filter((p) => p.severity === 'error').map((p) => p.rule);
      expect(rules.sort()).toEqual(['no-empty-servers', 'nullable-type-sibling']);
    });

    test('nullable foreign keys are typed objects marked nullable; required ones are plain references', () => {
      const oc = doc.components.schemas.ObjectChange.properties;
      expect(oc.user).toEqual({ type: 'object', nullable: true, allOf: [{ $ref: '#/components/schemas/NestedUser' }] });
      // No schema anywhere says nullable without a type beside it.
      const untyped: string[] = [];
      const walk = (node: unknown, path: string) => {
        if (!node || typeof node !== 'object') return;
        const o = node as Record<string, unknown>;
        if (o.nullable === true && o.type === undefined) untyped.push(path);
        for (const [k, v] of Object.entries(o)) walk(v, `${path}/${k}`);
      };
      walk(doc, '#');
      expect(untyped).toEqual([]);
      // A writable nullable relation accepts null through its integer branch only.
      const writable = Object.entries(doc.components.schemas as Record<string, any>).filter(([n]) => n.startsWith('Writable'));
      const fks = writable.flatMap(([, sch]) => Object.values(sch.properties as Record<string, any>)).filter((p) => Array.isArray(p.oneOf) && p.oneOf[0].type === 'integer');
      expect(fks.some((p) => p.oneOf[0].nullable === true)).toBe(true);
      expect(fks.every((p) => p.oneOf[1].nullable === undefined)).toBe(true);
    });

    test('servers names this origin; every operation has a summary, a unique id and an error schema; 501-only actions are left out', async () => {
      expect(doc.servers).toEqual([{ url: s.url, description: 'This PeerGate' }]);
      const ids = new Set<string>();
      let ops = 0;
      for (const item of Object.values(doc.paths as Record<string, Record<string, any>>)) {
        for (const op of Object.values(item)) {
          ops++;
          expect(typeof op.summary).toBe('string');
          expect(ids.has(op.operationId)).toBe(false);
          ids.add(op.operationId);
          const codes = Object.keys(op.responses);
          expect(codes.some((c) => c.startsWith('2'))).toBe(true);
          for (const c of codes.filter((x) => x.startsWith('4'))) expect(op.responses[c].content['application/json'].schema.$ref).toMatch(/#\/components\/schemas\/(Error|ValidationError)$/);
        }
      }
      expect(ops).toBeGreaterThan(300);
      expect(doc.paths['/api/devices/routers/update-from-netbox/']).toBeUndefined();
      expect(doc.paths['/api/peering/autonomous-systems/{id}/as-set-prefixes/'].get.responses['501']).toBeDefined();
      expect(doc.info.description).toContain('update-from-netbox');
      // The action that was left out really is a 501.
      expect((await s.http('POST', '/api/devices/routers/update-from-netbox/')).status).toBe(501);
    });
  });

  describe('Accept: application/json; indent=N (DRF)', () => {
    beforeAll(async () => {
      expect((await s.http('POST', '/api/peering/autonomous-systems/', { body: { asn: 64497, name: 'Indent Net' } })).status).toBe(201);
    });

    test('pretty-prints with that indent', async () => {
      const r = await s.http('GET', '/api/peering/autonomous-systems/?asn=64497', { headers: { Accept: 'application/json; indent=4' } });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      expect(r.text).toBe(JSON.stringify(r.json, null, 4));
      expect(r.text).toContain('\n    "count": 1,');
      expect(r.json.results[0].name).toBe('Indent Net');
    });

    test('compact without it, with indent=0 or a bad value; clamped to 8; errors and the schema too', async () => {
      for (const accept of ['application/json', 'application/json; indent=0', 'application/json; indent=x']) {
        const r = await s.http('GET', '/api/peering/autonomous-systems/?asn=64497', { headers: { Accept: accept } });
        expect(r.text).toBe(JSON.stringify(r.json));
      }
      const wide = await s.http('GET', '/api/peering/autonomous-systems/?asn=64497', { headers: { Accept: 'application/json; indent=40' } });
      expect(wide.text).toBe(JSON.stringify(wide.json, null, 8));
      const notFound = await s.http('GET', '/api/peering/autonomous-systems/999999/', { headers: { Accept: 'application/json; indent=2' } });
      expect(notFound.status).toBe(404);
      expect(notFound.text).toBe(JSON.stringify({ detail: notFound.json.detail }, null, 2));
      expect(notFound.text.startsWith('{\n  "detail": ')).toBe(true);
      const schema = await s.http('GET', '/api/schema/?format=json', { headers: { Accept: 'application/json; indent=2' } });
      expect(schema.text.startsWith('{\n  "openapi": "3.0.3",')).toBe(true);
    });
  });

  describe('JSON answers', () => {
    test('typed, with their byte length, and no ETag (no body is hashed for one); HEAD gets the headers alone', async () => {
      await s.http('POST', '/api/peering/autonomous-systems/', { body: { asn: 64496, name: 'Bytes Nét' } });
      for (const path of ['/api/peering/autonomous-systems/?asn=64496', '/pdb/api/net', '/nsot/api/sites/', '/healthz']) {
        const r = await s.http('GET', path);
        expect([path, r.status]).toEqual([path, 200]);
        expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(Number(r.headers.get('content-length'))).toBe(Buffer.byteLength(r.text));
        expect(r.headers.get('etag')).toBeNull();
      }
      const get = await s.http('GET', '/api/peering/autonomous-systems/?asn=64496');
      expect(get.json.results[0].name).toBe('Bytes Nét');
      const head = await s.http('HEAD', '/api/peering/autonomous-systems/?asn=64496');
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'));
      expect(head.text).toBe('');
    });

    test('GraphQL answers the same way, in the JSON type the client accepts, errors too', async () => {
      const query = '{ autonomousSystems(filter: { asn: { exact: 64496 } }) { items { name } } }';
      const cases: [string, { body?: unknown; headers?: Record<string, string> }, number, string][] = [
        ['/graphql', { body: { query } }, 200, 'application/json; charset=utf-8'],
        ['/graphql', { body: { query }, headers: { Accept: 'application/graphql-response+json' } }, 200, 'application/graphql-response+json; charset=utf-8'],
        ['/graphql', { body: { query: '{ nope }' } }, 400, 'application/json; charset=utf-8'],
        // Apollo's CSRF prevention takes a GET with a header a browser's simple request has not.
        [`/graphql?query=${encodeURIComponent(query)}`, { headers: { 'Apollo-Require-Preflight': 'true' } }, 200, 'application/json; charset=utf-8'],
      ];
      for (const [path, opts, status, type] of cases) {
        const r = await s.http(opts.body ? 'POST' : 'GET', path, opts);
        expect([path, r.status, r.headers.get('content-type')]).toEqual([path, status, type]);
        expect(Number(r.headers.get('content-length'))).toBe(Buffer.byteLength(r.text));
        expect(r.headers.get('etag')).toBeNull();
        if (status === 200) expect(r.json.data.autonomousSystems.items).toEqual([{ name: 'Bytes Nét' }]);
      }
    });
  });

  describe('X-Request-ID', () => {
    const lastChange = async () => (await s.gql('{ objectChanges(ordering: ["-id"], limit: 1) { items { requestId changedObjectType } } }')).data.objectChanges.items[0];

    test('a well-formed id is echoed; a UUID is also the change records\' request_id', async () => {
      const id = '7d3f2c58-4a1e-4c0b-9b7e-2f1a6c5d8e90';
      const r = await s.http('POST', '/api/peering/autonomous-systems/', { body: { asn: 64498, name: 'Traced Net' }, headers: { 'X-Request-ID': id } });
      expect(r.status).toBe(201);
      expect(r.headers.get('x-request-id')).toBe(id);
      expect(await lastChange()).toEqual({ requestId: id, changedObjectType: 'peering.autonomoussystem' });
      const filtered = await s.gql(`{ objectChanges(filter: { requestId: { exact: "${id}" } }) { totalCount } }`);
      expect(filtered.errors).toBeUndefined();
      expect(filtered.data.objectChanges.totalCount).toBe(1);
    });

    test('a non-UUID id is echoed on every surface; its change records get a fresh UUID', async () => {
      const id = 'trace:edge-7.Proxy_42';
      const r = await s.http('POST', '/graphql', { body: { query: 'mutation { createAutonomousSystem(input: {asn: 64499, name: "Proxy Net"}) { id } }' }, headers: { 'X-Request-ID': id } });
      expect(r.status).toBe(200);
      expect(r.json.errors).toBeUndefined();
      expect(r.headers.get('x-request-id')).toBe(id);
      const change = await lastChange();
      expect(change.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      for (const path of ['/api/', '/pdb/api/net', '/nsot/api/sites/', '/healthz']) {
        expect((await s.http('GET', path, { headers: { 'X-Request-ID': id } })).headers.get('x-request-id')).toBe(id);
      }
    });

    test('a malformed id is replaced, never echoed', async () => {
      for (const bad of ['has space', 'x'.repeat(129), 'semi;colon', 'a/b', '<script>']) {
        const r = await s.http('GET', '/healthz', { headers: { 'X-Request-ID': bad } });
        const got = r.headers.get('x-request-id');
        expect(got).not.toBe(bad);
        expect(got).toMatch(/^[0-9a-f-]{36}$/);
      }
      const longest = 'a'.repeat(128);
      expect((await s.http('GET', '/healthz', { headers: { 'X-Request-ID': longest } })).headers.get('x-request-id')).toBe(longest);
    });
  });

  describe('CORS', () => {
    const preflight = (path: string, origin: string, method = 'POST', headers = 'authorization, content-type') =>
      fetch(s.url + path, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': headers } });
    const SURFACES = ['/graphql', '/api/peering/autonomous-systems/', '/api/peering/autonomous-systems/1/', '/pdb/api/net', '/nsot/api/sites/', '/v1/peers', '/healthz'];

    test('a preflight from an allowed origin is a 204 with the Allow headers, on GraphQL and every dialect', async () => {
      for (const path of SURFACES) {
        const r = await preflight(path, ALLOWED);
        expect([path, r.status]).toEqual([path, 204]);
        expect(r.headers.get('access-control-allow-origin')).toBe(ALLOWED);
        expect(r.headers.get('access-control-allow-methods')).toContain('POST');
        expect(r.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
        expect(r.headers.get('access-control-max-age')).toBe('600');
        expect(r.headers.get('access-control-allow-credentials')).toBeNull();
        expect(r.headers.get('vary')).toContain('Origin');
        expect(await r.text()).toBe('');
      }
      expect((await preflight('/graphql', 'http://localhost:3000', 'GET')).status).toBe(204);
    });

    test('a preflight from another origin is a 403 without CORS headers, never a 400', async () => {
      for (const path of SURFACES) {
        const r = await preflight(path, OTHER);
        expect([path, r.status]).toEqual([path, 403]);
        expect(r.headers.get('access-control-allow-origin')).toBeNull();
        expect(r.headers.get('access-control-allow-methods')).toBeNull();
      }
      expect((await preflight('/graphql', ALLOWED, 'TRACE')).status).toBe(403);
    });

    test('actual requests: the allowed origin may read the answer and its request id; others get no CORS headers', async () => {
      const ok = await fetch(s.url + '/graphql', { method: 'POST', headers: { Origin: ALLOWED, 'Content-Type': 'application/json', Authorization: `Token ${s.token}` }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(ok.headers.get('access-control-expose-headers')).toContain('X-Request-ID');
      const rest = await fetch(s.url + '/api/peering/autonomous-systems/', { headers: { Origin: ALLOWED, Accept: 'application/json' } });
      expect(rest.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      const other = await fetch(s.url + '/api/peering/autonomous-systems/', { headers: { Origin: OTHER, Accept: 'application/json' } });
      expect(other.status).toBe(200);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      // Plain OPTIONS (no preflight) is still the dialect's own metadata.
      const options = await s.http('OPTIONS', '/api/peering/autonomous-systems/');
      expect(options.status).toBe(200);
      expect(options.json.name).toBeDefined();
    });

    test('off by default: a preflight is a 403 without CORS headers; "*" allows any origin', async () => {
      const off = await startTestServer('pglite');
      try {
        for (const path of ['/graphql', '/api/peering/autonomous-systems/', '/pdb/api/net', '/nsot/api/sites/', '/v1/peers']) {
          const r = await fetch(off.url + path, { method: 'OPTIONS', headers: { Origin: ALLOWED, 'Access-Control-Request-Method': 'POST' } });
          expect([path, r.status]).toEqual([path, 403]);
          expect(r.headers.get('access-control-allow-origin')).toBeNull();
        }
        const get = await fetch(off.url + '/graphql', { method: 'POST', headers: { Origin: ALLOWED, 'Content-Type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
        expect(get.status).toBe(200);
        expect(get.headers.get('access-control-allow-origin')).toBeNull();
      } finally {
        await off.close();
      }
      const app = express().use(cors('*')).get('/x', (_req, res) => { res.json({}); });
      const server = app.listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      try {
        const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
        const pre = await fetch(base + '/x', { method: 'OPTIONS', headers: { Origin: OTHER, 'Access-Control-Request-Method': 'DELETE' } });
        expect(pre.status).toBe(204);
        expect(pre.headers.get('access-control-allow-origin')).toBe('*');
        expect((await fetch(base + '/x', { headers: { Origin: OTHER } })).headers.get('access-control-allow-origin')).toBe('*');
      } finally {
        server.close();
      }
    });

    test('CORS_ORIGINS is validated at start', () => {
      const load = (v: string) => loadConfig({ CORS_ORIGINS: v });
      expect(load('').corsOrigins).toBeNull();
      expect(loadConfig({}).corsOrigins).toBeNull();
      expect(load(' * ').corsOrigins).toBe('*');
      expect(load('https://NOC.example.net:443, http://localhost:3000/').corsOrigins).toEqual(['https://noc.example.net', 'http://localhost:3000']);
      for (const bad of ['noc.example.net', 'https://noc.example.net/path', 'ftp://x.example', '*, https://x.example', 'https://x.example?q=1', ',']) {
        expect(() => load(bad)).toThrow(ConfigError);
        expect(() => load(bad)).toThrow(/^CORS_ORIGINS must be/);
      }
    });
  });

  describe('security headers', () => {
    const PAGES: [string, string][] = [
      ['/graphql', 'GraphiQL'], ['/api/schema/swagger-ui/', 'Swagger UI'], ['/api/peering/', 'Peering Manager API'], ['/', 'dashboard'],
    ];

    test('every HTML page: nosniff, no framing, no referrer, a CSP allowing only this origin, and no inline script', async () => {
      for (const [path, what] of PAGES) {
        const r = await fetch(s.url + path, { headers: { Accept: 'text/html' } });
        expect([what, r.status]).toEqual([what, 200]);
        expect(r.headers.get('content-type')).toMatch(/^text\/html/);
        expect(r.headers.get('x-content-type-options')).toBe('nosniff');
        expect(r.headers.get('x-frame-options')).toBe('DENY');
        expect(r.headers.get('referrer-policy')).toBe('no-referrer');
        const csp = r.headers.get('content-security-policy') ?? '';
        expect(csp).toMatch(/(^|; )script-src 'self'(;|$)/);
        expect(csp).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
        expect(csp).not.toMatch(/unsafe-eval|https?:|\*/);
        const html = await r.text();
        expect(html.match(/<script(?![^>]*\ssrc=)[^>]*>/g)).toBeNull();
      }
    });

    test('JSON answers carry them too', async () => {
      const r = await fetch(s.url + '/api/', { headers: { Accept: 'application/json' } });
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
    });
  });
});
