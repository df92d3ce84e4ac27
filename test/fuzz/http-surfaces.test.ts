// Hostile requests to every HTTP surface (GraphQL and the four REST dialects), seeded so a
// failure can be replayed: FUZZ_SEED=<n> FUZZ_RUNS=<count>. Invariants: no 5xx, each
// dialect's own error shape, the server stays up, and writes built to be invalid change
// nothing in the database. FUZZ_REPORT=<file> writes the tally (bench/fuzz/run.ts uses it);
// FUZZ_DB=postgres runs it against the PostgreSQL server the jest setup starts (default: PGlite).
import { writeFileSync } from 'node:fs';
import '../../src/domain';
import { allModels } from '../../src/domain/model';
import { startTestServer, type TestServer } from '../helpers/server';
import type { DbKind } from '../helpers/db';
import { tableSnapshot } from '../helpers/snapshot';
import { seededRandom } from '../helpers/rng';
import { freePort, waitFor } from '../interop/daemons';

// A fixed default keeps CI reproducible; set FUZZ_SEED to explore other samples.
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const DB: DbKind = process.env.FUZZ_DB === 'postgres' ? 'postgres' : 'pglite';
const CONCURRENCY = 8;
// A guard against a hang, not a speed target: generous for slow CI machines.
const TIMEOUT_MS = 120_000 + RUNS * 60;

// The vocabulary: ids, query values, parameter names, bodies and GraphQL documents drawn from
// below. Besides malformed text it holds what breaks runtimes and databases rather than
// parsers: ';' (statement splitting), NUL and lone surrogates (text PostgreSQL cannot
// store), numbers past 2^53 / 2^63 / a double (1e400 is Infinity), -0 and NaN, dates past
// year 9999, keys named after Object.prototype's members, and JSON 1,000 and 100,000
// levels deep.
const HOSTILE_IDS = ['0', '-1', '-0', '1e20', '1e400', 'NaN', 'Infinity', '99999999999999999999', 'abc', '%00', '%E2%98%83', '%ED%A0%80', '1.5', ' 1', '2147483648', "1'--", '1;2', '..%2f..',
  '__proto__', 'constructor'];
const HOSTILE_VALUES = ['-1', '0', '-0', '1e20', '1e400', '-1e400', 'NaN', 'Infinity', '99999999999999999999', '-99999999999999999999', '18446744073709551616', '0x10', '1_000',
  'true', '', '%00', 'a%00b', '%F0%9F%92%A9', '%ED%A0%80', 'a%ED%B0%80b', 'x'.repeat(3000), '[]', '{}', "' or 1=1 --", 'a;b', "x'; select 1; --", '%3B%3B', '192.0.2.1/99', '::g',
  '10000-01-01', '%2B275760-09-13T00:00:00Z', '0000-12-31', '-000001-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '100000000000000000000', '1970-01-01T00:00:00%2B25:00'];
const HOSTILE_PARAMS = ['limit', 'offset', 'asn__gt', 'name__ic', 'depth', 'since', 'fields', 'expand', 'query', 'id', 'asn__zz', 'status__n', 'ordering', 'q', 'tag', 'skip', 'unique',
  'name_search', 'asn_overlap', 'all_net', 'not_net', 'org_present', 'capacity__gt', 'ipblock', 'distance', 'latitude', 'city', 'hide_ix_no_fac', 'whereis', 'org_name', 'id__in',
  'asn', 'asn__in', 'asn__lte', 'created__gt', 'created', 'updated__lte', 'last_updated__gte', 'page', 'per_page', 'ip_address', 'ip_address__within', 'router_id__contains',
  'prefix_length', 'cidr', 'speed', 'resource_id', 'parent_id', 'attributes',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__proto__%5Bx%5D', 'constructor.prototype'];
const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
// Every body is an invalid write on every surface: `name: null` (or a wrong type) where a name is required.
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'];
const HOSTILE_BODIES: (() => string)[] = [
  () => '{"broken": ',
  () => '[' .repeat(3000) + ']'.repeat(3000),
  () => JSON.stringify({ name: 'a\u0000b', slug: 'x'.repeat(100_000) }),
  () => JSON.stringify([{ id: 'abc' }, { id: -1 }, { id: 1e20 }]),
  () => JSON.stringify({ unknown_field_zz: 1, asn: 'not-a-number' }),
  () => JSON.stringify(Array.from({ length: 50 }, () => ({ bogus: true }))),
  () => 'null',
  () => '"just a string"',
  () => JSON.stringify({ data: { nested: { deeper: [1, { x: null }] } }, attr: { 1: 'z', 2: 'q' }, nlri: ['999.1.1.1/33'] }),
  () => '\u0000\u0001\u0002',
  // Form-shaped: invalid values and blanks, repeated keys, a multipart part with an unclosed boundary.
  () => 'asn=abc&name=&tags=x&tags=&comments=%00&napalm_args=%7Bnope',
  () => '--x\r\nContent-Disposition: form-data; name="asn"\r\n\r\nzz\r\n--x--\r\n',
  () => '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nunclosed',
  // yabgp-shaped: attributes out of range, impossible prefixes, wrong families, bad hex.
  () => JSON.stringify({ attr: { 1: 0, 2: [[2, [4294967296, -1]]], 3: '10.0.0.1', 5: -1, 8: ['65535:99999'] }, nlri: ['10.0.0.0/8', '300.0.0.0/8'], withdraw: [7] }),
  () => JSON.stringify({ attr: { 1: 2, 14: { afi_safi: [2, 1], nexthop: '::zz', nlri: ['2001:db8::/129'] }, 15: { afi_safi: [9, 9] } } }),
  () => JSON.stringify({ data: ['10.0.0.0/8', 5, null], bin: 'zz', afi: 1, safi: 'x' }),
  () => JSON.stringify({ data: ['ffffffff', 'ffffffffffffffffffffffffffffffff0013020000'] }),
  // Deep JSON: the whole body, and one field's value (the database's own limit is the problem there).
  () => deepArray(1000),
  () => deepArray(100_000),
  () => `{"name": null, "asn": "x", "local_context_data": ${deepObject(1000)}}`,
  () => `{"name": null, "attributes": ${deepObject(100_000)}}`,
  () => `[{"name": null, "notes": ${deepArray(40)}}]`,
  () => `name=&asn=x&local_context_data=${encodeURIComponent(deepObject(1000))}&attributes=${encodeURIComponent(deepArray(40))}`,
  // Keys named after Object.prototype's members, at the top, in a list, in a related object, in a form.
  () => `{${PROTO_KEYS.map((k) => `"${k}": {"polluted": 1, "name": "p"}`).join(', ')}, "name": null}`,
  () => `[{"__proto__": {"id": 1}, "constructor": {"prototype": {"polluted": 1}}, "name": null}]`,
  () => `{"name": null, "asn": "x", "tags": [{"__proto__": {"slug": "seed"}}], "platform": {"constructor": 1}, "attributes": {"__proto__": {"polluted": 1}}}`,
  () => `__proto__=1&constructor=2&prototype=3&toString=4&name=&asn=x`,
  // Numbers and dates past what JavaScript and PostgreSQL hold; ';', NUL and lone surrogates in text.
  () => '{"name": null, "asn": 1e400, "id": 99999999999999999999, "speed": -0, "weight": -1e400, "ipv4_max_prefixes": 18446744073709551616, "latitude": 1e308}',
  () => '{"name": null, "asn": 99999999999999999999, "created": "10000-01-01", "expires": "+275760-09-13T00:00:00Z", "last_updated": "0000-12-31"}',
  () => '[{"id": 1e400}, {"id": -0}, {"id": 99999999999999999999}, {"id": "NaN"}]',
  () => '{"name": null, "slug": "a;b", "description": "x\\u0000y; drop table t; --", "comments": "\\ud800", "irr_as_set": "\\udc00x\\ud800"}',
  () => 'asn=1e400&name=&speed=-0&created=10000-01-01&comments=%ED%A0%80&slug=a%3Bb',
];

interface Surface {
  prefix: string;
  paths: string[];
  check: (status: number, json: any, text: string) => string | null;
  /** Whether this answer means the write was carried out (every fuzz write is built to be invalid). */
  accepted?: (method: string, path: string, status: number, json: any) => boolean;
}

const YABGP_PEER = '127.0.0.9';
const writeCarriedOut = (method: string, _path: string, status: number): boolean => method !== 'GET' && method !== 'OPTIONS' && status >= 200 && status < 300;

const pmPaths = allModels().filter((d) => !d.app.startsWith('inventory')).map((d) => `/api/${d.app}/${d.restPath}/`);

const SURFACES: Surface[] = [
  {
    prefix: '/api', paths: pmPaths,
    check: (status, json) => (status >= 400 && status !== 405 && status !== 404 && !(json && typeof json === 'object')
      ? 'Peering Manager error without a JSON body' : null),
  },
  {
    prefix: '/pdb/api', paths: ['org', 'fac', 'net', 'ix', 'ixlan', 'ixpfx', 'netixlan', 'netfac', 'ixfac', 'poc', 'carrier', 'carrierfac', 'campus'].map((t) => `/pdb/api/${t}`),
    check: (status, json) => (status >= 400 && !json?.meta?.error && status !== 404 && status !== 405 ? 'PeeringDB error without meta.error' : null),
    // PeeringDB answers DELETE of an id that does not exist with 204 (nothing changes; the snapshot checks that).
    accepted: (method, path, status) => writeCarriedOut(method, path, status) && !(method === 'DELETE' && status === 204),
  },
  {
    prefix: '/nsot/api', paths: ['sites', 'devices', 'networks', 'interfaces', 'attributes', 'circuits', 'values'].map((r) => `/nsot/api/${r}/`),
    check: (status, json) => (status >= 400 && !(json?.error?.code && json?.error?.message) && status !== 405 ? 'NSoT error without {error: {code, message}}' : null),
  },
  {
    prefix: '/v1',
    paths: [
      ...['state', 'statistic', 'send/update', 'send/bin_update', 'send/route-refresh', 'json_to_bin', 'adj-rib-in', 'adj-rib-out'].map((p) => `/v1/peer/${YABGP_PEER}/${p}`),
      '/v1/peer/::1/statistic', '/v1/peer/x/adj-rib-in',
    ],
    check: (status, json) => (status >= 400 && status !== 404 && status !== 405 && !(json && typeof json === 'object') ? 'yabgp error without a JSON body' : null),
    // yabgp refuses with 200 and status false; json_to_bin and the RIB lookups are reads over POST.
    accepted: (method, path, status, json) => /\/send\//.test(path) && writeCarriedOut(method, path, status) && json?.status !== false,
  },
];

const CREATE_AS = 'mutation($i: AutonomousSystemCreateInput!) { createAutonomousSystem(input: $i) { id } }';
/** A document and its variables, or a raw JSON body (for what JSON.stringify cannot write: 1e400, deep text). */
const GQL_DOCS: ((r: () => number) => { query: string; variables?: unknown } | string)[] = [
  () => ({ query: '{ autonomousSystems(limit: -1) { totalCount } }' }),
  () => ({ query: '{ autonomousSystems(offset: 2147483647) { items { id } } }' }),
  (r) => ({ query: `{ ${'a: autonomousSystems { items { '.repeat(1 + Math.floor(r() * 30))}id${' } }'.repeat(1 + Math.floor(r() * 30))} }` }),
  () => ({ query: `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: tags { totalCount }`).join(' ')} }` }),
  () => ({ query: 'mutation($i: AutonomousSystemCreateInput!) { createAutonomousSystem(input: $i) { id } }', variables: { i: { asn: -5, name: 'x\u0000' } } }),
  () => ({ query: 'mutation($i: [TagCreateInput!]!) { createTags(inputs: $i) { id } }', variables: { i: [{ name: 'ok', slug: '' }, { name: 'x'.repeat(500), slug: 'y' }] } }),
  () => ({ query: '{ routers(filter: {routerId: {within: "nope"}}) { totalCount } }' }),
  () => ({ query: '{ objectChanges(filter: {requestId: {exact: ["not-a-uuid"]}}) { totalCount } }' }),
  () => ({ query: 'query { __schema { types { name fields { name type { name ofType { name ofType { name } } } } } } }' }),
  () => ({ query: '{ autonomousSystem(id: "1e20") { id } }' }),
  () => ({ query: 'mutation { deleteAutonomousSystems(ids: ["-1", "abc", "99999999999"]) }' }),
  () => ({ query: '{' }),
  () => ({ query: 'subscription { objectChanged { id } }' }),
  // Deep JSON values (variables and literals), prototype-named keys, odd numbers and dates, ';', NUL and lone surrogates.
  () => `{"query": ${JSON.stringify(CREATE_AS)}, "variables": {"i": {"asn": -5, "name": "d", "localContextData": ${deepObject(1000)}}}}`,
  () => `{"query": ${JSON.stringify(CREATE_AS)}, "variables": {"i": {"asn": -5, "name": "d", "localContextData": ${deepArray(100_000)}}}}`,
  () => ({ query: `mutation { createAutonomousSystem(input: {asn: -5, name: "d", localContextData: ${'{a: '.repeat(1000)}1${'}'.repeat(1000)}}) { id } }` }),
  () => ({ query: `mutation { createAutonomousSystem(input: {asn: -5, name: "d", localContextData: ${deepArray(100_000)}}) { id } }` }),
  () => '{"query": "mutation($p: JSON) { updateDevice(id: \\"987654\\", input: {attributesPatch: $p}) { id } }", "variables": {"p": {"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}}}',
  () => `{"query": ${JSON.stringify(CREATE_AS)}, "variables": {"i": {"asn": -5, "name": null, "localContextData": {"__proto__": {"polluted": 1}, "constructor": 1}}}}`,
  () => ({ query: 'mutation { createAutonomousSystem(input: {asn: -5, name: null, localContextData: {__proto__: {x: 1}, constructor: 2}}) { id } }' }),
  () => '{"query": "query($a: BigInt, $l: Int) { autonomousSystems(filter: {asn: {gt: $a}}, limit: $l) { totalCount } }", "variables": {"a": 1e400, "l": 99999999999999999999}}',
  () => ({ query: 'query($a: [BigInt!]) { autonomousSystems(filter: {asn: {exact: $a}}) { totalCount } }', variables: { a: [-0, 99999999999999999999, 18446744073709551616] } }),
  (r) => ({ query: 'query($d: DateTime) { autonomousSystems(filter: {created: {gt: $d}}) { totalCount } }', variables: { d: pick(r, ['10000-01-01', '+275760-09-13T00:00:00Z', '0000-12-31', '100000000000000000000', '-000001-01-01T00:00:00Z']) } }),
  () => ({ query: '{ autonomousSystems(filter: {created: {lt: "+275760-09-13T00:00:00Z"}}) { totalCount } }' }),
  () => `{"query": "query($n: [String!]) { autonomousSystems(filter: {name: {ic: $n}}) { totalCount } tags(filter: {slug: {exact: $n}}) { totalCount } }", "variables": {"n": ["\\ud800", "a\\u0000b", "x;y", "'; select 1; --", "\\udfff;"]}}`,
  () => ({ query: '{ autonomousSystems(filter: {name: {ic: ["a;b", "; select pg_sleep(1); --"]}, q: "x;y"}) { totalCount } }' }),
];

const pick = <T>(r: () => number, xs: T[]): T => xs[Math.floor(r() * xs.length)];

describe(`fuzz: hostile requests to every surface on ${DB} (FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS})`, () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(DB, { BGP_WORKER: 'embedded' });
    // A passive session the yabgp routes can find (it never connects, so it never changes state).
    const port = await freePort('127.0.0.1');
    const ok = async (doc: string): Promise<Record<string, string>> => {
      const r = await s.gql(doc);
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      return Object.fromEntries(Object.entries(r.data).map(([k, v]) => [k, (v as { id: string }).id]));
    };
    const ids = await ok(`mutation {
      tag: createTag(input: {name: "seed", slug: "seed"}) { id }
      local: createAutonomousSystem(input: {asn: 64500, name: "Seed"}) { id }
      remote: createAutonomousSystem(input: {asn: 64501, name: "Remote"}) { id }
      rel: createRelationship(input: {name: "Peer", slug: "peer"}) { id }
      platform: createPlatform(input: {name: "bgp-core", slug: "bgp-core"}) { id }
    }`);
    const { router } = await ok(`mutation { router: createRouter(input: {name: "core", hostname: "core", platformId: "${ids.platform}", localAutonomousSystemId: "${ids.local}",
      bgpSpeaker: true, routerId: "127.0.0.1", bgpListenAddress: "127.0.0.1", bgpListenPort: ${port}}) { id } }`);
    const { session } = await ok(`mutation { session: createDirectPeeringSession(input: {localAutonomousSystemId: "${ids.local}", autonomousSystemId: "${ids.remote}",
      ipAddress: "${YABGP_PEER}", localIpAddress: "127.0.0.1", relationshipId: "${ids.rel}", routerId: "${router}", passive: true}) { id } }`);
    await waitFor('the worker to record the passive session', async () => {
      const r = await s.gql(`{ directPeeringSession(id: "${session}") { bgpState } }`);
      return r.data?.directPeeringSession?.bgpState === 'ACTIVE' || undefined;
    }, 15_000);
  });
  afterAll(async () => { await s?.close(); });

  const snapshot = () => tableSnapshot(s);

  test('no 5xx, the dialect\'s error shape, the process stays up, nothing written', async () => {
    const before = await snapshot();
    const r = seededRandom(SEED);
    const failures: string[] = [];
    // Requests are generated as they are taken, in index order, so the sample depends only on the seed.
    const generate = () => {
      const gql = r() < 0.25;
      if (gql) {
        const doc = pick(r, GQL_DOCS)(r);
        const bad = r() < 0.2;
        return { method: 'POST', path: '/graphql', body: bad ? pick(r, HOSTILE_BODIES)() : typeof doc === 'string' ? doc : JSON.stringify(doc), contentType: r() < 0.1 ? 'text/plain' : 'application/json', surface: null as Surface | null };
      }
      const surface = pick(r, SURFACES);
      let path = pick(r, surface.paths);
      if (r() < 0.4) path = `${path.replace(/\/$/, '')}/${pick(r, HOSTILE_IDS)}${surface.prefix === '/pdb/api' ? '' : '/'}`;
      const params = Array.from({ length: Math.floor(r() * 4) }, () => `${pick(r, HOSTILE_PARAMS)}=${pick(r, HOSTILE_VALUES)}`);
      const method = pick(r, ['GET', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
      const body = method === 'GET' || method === 'OPTIONS' ? undefined : pick(r, HOSTILE_BODIES)();
      const contentType = r() < 0.15 ? pick(r, ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'multipart/form-data']) : 'application/json';
      return { method, path: params.length ? `${path}?${params.join('&')}` : path, body, contentType, surface };
    };
    const statuses = new Map<string, number>();
    const started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < RUNS) {
        const i = next++;
        const p = generate();
        const res = await fetch(s.url + p.path, {
          method: p.method, body: p.body, redirect: 'manual',
          headers: { Accept: 'application/json', Authorization: `Token ${s.token}`, ...(p.body !== undefined ? { 'Content-Type': p.contentType } : {}) },
        }).catch((e: Error) => ({ status: 599, text: async () => `fetch failed: ${e.message}` }) as any);
        const text: string = await res.text();
        let json: any;
        try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
        const label = `#${i} ${p.method} ${p.path.slice(0, 120)}`;
        const tally = `${p.surface?.prefix ?? '/graphql'} ${res.status}`;
        statuses.set(tally, (statuses.get(tally) ?? 0) + 1);
        if (res.status >= 500) { failures.push(`${label} body ${JSON.stringify((p.body ?? '').slice(0, 80))} -> ${res.status} ${text.slice(0, 200)}`); continue; }
        if (p.surface) {
          const bad = p.surface.check(res.status, json, text);
          if (bad) failures.push(`${label} -> ${res.status}: ${bad}: ${text.slice(0, 120)}`);
          if ((p.surface.accepted ?? writeCarriedOut)(p.method, p.path, res.status, json)) failures.push(`${label} -> ${res.status}: an invalid write was accepted: ${text.slice(0, 160)}`);
        } else if (res.status >= 400 && !json?.errors?.[0]?.extensions?.code) {
          failures.push(`${label} -> ${res.status}: GraphQL error without extensions.code: ${text.slice(0, 160)}`);
        } else if (json?.errors?.some?.((e: any) => e?.extensions?.code === 'INTERNAL_SERVER_ERROR')) {
          // An internal error inside a 200 is a 500 all the same.
          failures.push(`${label} body ${JSON.stringify((p.body ?? '').slice(0, 80))} -> ${res.status}: INTERNAL_SERVER_ERROR: ${text.slice(0, 160)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    if (process.env.FUZZ_REPORT) {
      writeFileSync(process.env.FUZZ_REPORT, JSON.stringify({ seed: SEED, runs: RUNS, concurrency: CONCURRENCY, ms: performance.now() - started, failures: failures.length, statuses: Object.fromEntries(statuses),
        failureSamples: failures.slice(0, 200) }));
    }
    expect((await s.http('GET', '/healthz')).status).toBe(200);
    // Keys named __proto__ or constructor reached no prototype (the server runs in this process).
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    if (failures.length) throw new Error(`FUZZ_SEED=${SEED}: ${failures.length} failures, first ones:\n${failures.slice(0, 15).join('\n')}`);
    expect(await snapshot()).toBe(before);
  }, TIMEOUT_MS);
});
