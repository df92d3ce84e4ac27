// Bounded work per request (issue 12): every reproduced attack is refused on every transport, in
// the shape that shows where it stopped (the byte check, the token-limited parser, the cost rule).
// How fast, and how /healthz fares meanwhile, is measured by bench/dos/graphql.ts, not asserted here.
import { getIntrospectionQuery } from 'graphql';
import { startTestServer, type TestServer } from '../helpers/server';
import {
  aliasedLists, floodConnectionInit, fragmentBomb, hugeDocument, introspectionAliases, listsInFragments,
  postGraphql, wsOperation,
} from '../helpers/dos';
import { anonymous } from '../../src/http/auth';
import type { GqlContext } from '../../src/graphql/context';

/** Runs `attack` `times` times in a row. */
async function repeat<T>(times: number, attack: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < times; i++) results.push(await attack());
  return results;
}

describe('GraphQL limits on HTTP, graphql-ws and the dialects\' executor', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer('pglite', { WS_CONNECTION_INIT_TIMEOUT: '500' }); });
  afterAll(async () => { await s?.close(); });

  test('23 nested fragments each spread twice (under 900 bytes, anonymous): refused by the cost rule', async () => {
    const q = fragmentBomb();
    expect(q.length).toBeLessThan(900);
    const results = await repeat(5, () => postGraphql(s.url, q));
    for (const r of results) {
      expect(r).toMatchObject({ status: 400, code: 'QUERY_TOO_COMPLEX' });
    }
  });

  test('lists whose items sit in a fragment are counted on HTTP', async () => {
    expect(await postGraphql(s.url, listsInFragments(2))).toMatchObject({ status: 200, code: undefined });
    const r = await postGraphql(s.url, listsInFragments(400));
    expect(r).toMatchObject({ status: 400, code: 'QUERY_TOO_COMPLEX' });
    // 3,000 of them (answered in 9.6 s before) stop at the token limit.
    const big = await postGraphql(s.url, listsInFragments(3000));
    expect(big).toMatchObject({ status: 400, code: 'QUERY_TOO_LARGE' });
  });

  test('introspection is costed: the standard query passes, 50 aliased dumps do not', async () => {
    const full = await postGraphql(s.url, getIntrospectionQuery());
    expect(full.status).toBe(200);
    expect(full.body.data.__schema.types.length).toBeGreaterThan(100);
    const results = await repeat(3, () => postGraphql(s.url, introspectionAliases(50)));
    for (const r of results) {
      expect(r).toMatchObject({ status: 400, code: 'QUERY_TOO_COMPLEX' });
    }
  });

  test('a 9 MB document (under BODY_LIMIT) is refused before parsing; a dense one at the token limit', async () => {
    const results = await repeat(3, () => postGraphql(s.url, hugeDocument(9_000_000)));
    for (const r of results) {
      expect(r).toMatchObject({ status: 400, code: 'QUERY_TOO_LARGE' });
      expect(r.body.errors[0].message).toMatch(/bytes exceeds the maximum of 100000/);
    }
    // Under the byte limit, over the token limit: Apollo's parser stops, in the same shape.
    const dense = await postGraphql(s.url, hugeDocument(90_000));
    expect(dense).toMatchObject({ status: 400, code: 'QUERY_TOO_LARGE' });
    expect(dense.body.errors[0].message).toBe('Document exceeds the maximum of 10000 tokens.');
  });

  test('graphql-ws applies the same limits (1000 aliases used to run there)', async () => {
    expect(await postGraphql(s.url, aliasedLists(1000))).toMatchObject({ status: 400, code: 'QUERY_TOO_COMPLEX' });
    expect(await wsOperation(s.url, aliasedLists(1000))).toEqual({ code: 'QUERY_TOO_COMPLEX' });
    expect(await wsOperation(s.url, fragmentBomb())).toEqual({ code: 'QUERY_TOO_COMPLEX' });
    expect(await wsOperation(s.url, introspectionAliases(50))).toEqual({ code: 'QUERY_TOO_COMPLEX' });
    expect(await wsOperation(s.url, hugeDocument(200_000))).toEqual({ code: 'QUERY_TOO_LARGE' });
    expect(await wsOperation(s.url, hugeDocument(90_000))).toEqual({ code: 'QUERY_TOO_LARGE' });
    expect(await wsOperation(s.url, '{ autonomousSystems { items { id } } nope }')).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
    expect(await wsOperation(s.url, '{ autonomousSystems { ')).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
    // Ordinary work still runs.
    expect(await wsOperation(s.url, '{ autonomousSystems(limit: 5) { totalCount } }')).toEqual({ code: 'ok', data: { autonomousSystems: { totalCount: 0 } } });
  });

  test('graphql-ws: 60 MB connection_init payloads are cut at WS_MAX_PAYLOAD (1009), nothing processed', async () => {
    const rssBefore = process.memoryUsage().rss;
    const floods = await Promise.all(Array.from({ length: 8 }, () => floodConnectionInit(s.url, 60_000_000)));
    for (const r of floods) {
      expect(r.closeCode).toBe(1009);
      expect(r.answered).toBe(false);
      expect(r.sent).toBeLessThan(60_000_000); // closed while the frame was still arriving
    }
    // Before: RSS grew by 715 MB. The sender here reuses one 1 MiB chunk, so this is the server's.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
  });

  test('graphql-ws: a socket that never sends connection_init is dropped (4408)', async () => {
    const WebSocket = (await import('ws')).default;
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    // Without the timeout the socket stays open and the test runs into jest's own timeout.
    const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
    expect(code).toBe(4408);
  });

  test('the in-process executor: a page size no dialect passes is refused; PeerGate\'s own pages pass', async () => {
    const ctx = { config: s.config, caller: anonymous() } as unknown as GqlContext;
    const doc = 'query($n: Int) { autonomousSystems(limit: $n) { items { id asn name tags { id name slug } } } }';
    const r = await s.pg.http.executor.run(doc, { n: 10_000_000 }, ctx);
    expect(r.errors?.[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    // The biggest Peering Manager pages (about 90,000 for 1,000 sessions) stay allowed: the client sets only the page size.
    for (const path of ['/api/peering/direct-peering-sessions/?limit=1000', '/api/devices/routers/?limit=0', '/api/peering/autonomous-systems/?limit=1000']) {
      expect((await s.http('GET', path)).status).toBe(200);
    }
    // A dialect document may not nest deeper than GRAPHQL_MAX_DEPTH either.
    const tooDeep = `{ networks { items { ${'parent { '.repeat(14)} id ${'} '.repeat(14)}} } }`;
    const rd = await s.pg.http.executor.run(tooDeep, {}, ctx);
    expect(rd.errors?.[0].extensions.code).toBe('QUERY_TOO_DEEP');
  });
});

describe('LOGIN_REQUIRED and METRICS_TOKEN', () => {
  let s: TestServer;
  const metricsToken = 'metrics-0123456789abcdef';
  beforeAll(async () => { s = await startTestServer('pglite', { LOGIN_REQUIRED: 'true', METRICS_TOKEN: metricsToken }); });
  afterAll(async () => { await s?.close(); });

  test('anonymous introspection and __typename are refused with UNAUTHENTICATED; a token may', async () => {
    for (const q of ['{ __schema { types { name } } }', '{ __typename }', '{ __type(name: "Query") { name } }', getIntrospectionQuery()]) {
      expect(await postGraphql(s.url, q)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
      expect(await postGraphql(s.url, q, { Authorization: `Token ${s.token}` })).toMatchObject({ status: 200, code: undefined });
    }
  });

  test('graphql-ws: anonymous sockets are refused; with a token the limits apply as on HTTP', async () => {
    expect(await wsOperation(s.url, '{ __typename }')).toMatchObject({ code: 'closed', closeCode: 4403 });
    const auth = { authorization: `Token ${s.token}` };
    expect(await wsOperation(s.url, '{ __typename }', auth)).toEqual({ code: 'ok', data: { __typename: 'Query' } });
    expect(await wsOperation(s.url, aliasedLists(1000), auth)).toEqual({ code: 'QUERY_TOO_COMPLEX' });
  });

  test('/metrics wants METRICS_TOKEN; /healthz and /readyz stay anonymous', async () => {
    const get = (path: string, authorization?: string) => fetch(`${s.url}${path}`, { headers: authorization ? { Authorization: authorization } : {} });
    expect((await get('/metrics')).status).toBe(401);
    expect((await get('/metrics', `Token ${s.token}`)).status).toBe(401);
    expect((await get('/metrics', 'Bearer wrong-token-wrong-token')).status).toBe(401);
    const ok = await get('/metrics', `Bearer ${metricsToken}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/peergate_http_request_duration_seconds/);
    expect((await get('/metrics', `Token ${metricsToken}`)).status).toBe(200);
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(200);
  });
});
