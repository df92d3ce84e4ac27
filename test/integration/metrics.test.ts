// /metrics as Prometheus and its dashboards expect it: standard process and Node.js names,
// PeerGate's own series prefixed, labels from bounded sets (the series count does not grow
// with made-up paths or operation names), and per-peer BGP series from the embedded worker.
import { randomBytes } from 'node:crypto';
import { BgpSpeaker } from '../../bgp-core';
import { startTestServer, type TestServer } from '../helpers/server';
import { freePort, waitFor } from '../interop/daemons';
import { declareSession } from '../interop/peergate-setup';
import { logger } from '../../src/log';

/** Sample lines of the exposition: `name{labels} value`, comments left out. */
function samples(text: string): { name: string; labels: Record<string, string>; value: number; line: string }[] {
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((line) => {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
    return { name: m[1], labels, value: Number(m[3]), line };
  });
}

const rnd = () => randomBytes(6).toString('hex');

describe('/metrics: names and bounded labels', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer('pglite'); });
  afterAll(async () => { await s?.close(); });

  const scrape = async () => {
    const r = await s.http('GET', '/metrics', { token: null });
    expect(r.status).toBe(200);
    return samples(r.text);
  };
  /** PeerGate's own series (the Node.js ones also move with GC kinds and handle types). */
  const ownSeries = async () => new Set((await scrape()).filter((x) => x.name.startsWith('peergate_')).map((x) => x.line.replace(/ \S+$/, '')));

  test('standard process and Node.js metric names; everything else is peergate_', async () => {
    const text = (await s.http('GET', '/metrics', { token: null })).text;
    const names = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]);
    for (const n of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_version_info']) {
      expect(names).toContain(n);
    }
    expect(names.filter((n) => !/^(process|nodejs)_/.test(n) && !n.startsWith('peergate_'))).toEqual([]);
    expect(names.filter((n) => /^peergate_(process|nodejs)_/.test(n))).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(['peergate_http_request_duration_seconds', 'peergate_graphql_operation_duration_seconds', 'peergate_bgp_peer_up', 'peergate_bgp_sessions']));
  });

  /** One request of each kind a client (or a scanner) can make up; statuses do not depend on the random parts. */
  const kinds: (() => Promise<unknown>)[] = [
    () => s.http('GET', `/${rnd()}`, { token: null }),
    () => s.http('GET', `/${rnd()}/${rnd()}.php?x=${rnd()}`, { token: null }),
    () => s.http('POST', `/${rnd()}`, { token: null, body: {} }),
    () => s.http('GET', `/api/${rnd()}/${rnd()}/`, { token: null }),
    () => s.http('GET', `/api/${rnd()}/`, { token: null }),
    () => s.http('GET', `/api/peering/autonomous-systems/${100000 + Math.floor(Math.random() * 1e6)}/`, { token: null }),
    () => s.http('GET', `/pdb/api/${rnd()}`, { token: null }),
    () => s.http('GET', `/pdb/api/net/${rnd()}`, { token: null }),
    () => s.http('GET', `/nsot/api/${rnd()}/`, { token: null }),
    () => s.http('GET', `/v1/${rnd()}/${rnd()}`, { token: null }),
    () => s.http('GET', `/healthz?${rnd()}=1`, { token: null }),
    () => s.http('GET', `/dashboard/${rnd()}.js`, { token: null }),
    () => s.gql(`query Q${rnd()} { __typename }`, {}, null),
    () => s.gql(`mutation M${rnd()} { __typename }`, {}, null),
    () => s.http('POST', '/graphql', { token: null, body: { query: `query A${rnd()} { __typename }`, operationName: `B${rnd()}` } }),
  ];

  test('the series count stays constant across 1,000 requests to random paths and random operation names', async () => {
    // Every kind once, and more made-up operation names than the cap of 100 keeps.
    for (const k of kinds) await k();
    for (let i = 0; i < 120; i++) await kinds[12]();
    for (const k of kinds) await k(); // past the cap: mutations named `other` too
    const before = await ownSeries();
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < 1000) { next++; await kinds[Math.floor(Math.random() * kinds.length)](); }
    }));
    const after = await ownSeries();
    expect([...after].filter((x) => !before.has(x))).toEqual([]);
    expect(after.size).toBe(before.size);

    const all = await scrape();
    const http = all.filter((x) => x.name === 'peergate_http_request_duration_seconds_count');
    const routes = new Set(http.map((x) => x.labels.route));
    for (const r of routes) expect(r).toMatch(/^(unmatched|\/[a-z/:_.-]*)$/);
    for (const r of routes) expect(r).not.toMatch(/[0-9a-f]{12}|\d{6}/);
    // A PeeringDB id that is not a number is the route's 400, not a 404.
    expect(routes).toEqual(new Set(['unmatched', '/healthz', '/graphql', '/metrics', '/pdb/api/:tag/:id']));
    // A thousand requests were counted, not dropped.
    expect(http.reduce((n, x) => n + x.value, 0)).toBeGreaterThan(1135);
    const names = new Set(all.filter((x) => x.name === 'peergate_graphql_operation_duration_seconds_count').map((x) => x.labels.name));
    expect(names.size).toBeLessThanOrEqual(102);
    expect(names).toContain('other');
  }, 120_000);

  test('a known route is labelled by its pattern, never by the id in it', async () => {
    const asn = await s.gql('mutation { createAutonomousSystem(input: {asn: 64999, name: "Metrics"}) { id } }');
    const id = asn.data.createAutonomousSystem.id;
    expect((await s.http('GET', `/api/peering/autonomous-systems/${id}/`)).status).toBe(200);
    expect((await s.http('GET', `/pdb/api/net?limit=1`)).status).toBe(200);
    const routes = new Set((await scrape()).filter((x) => x.name === 'peergate_http_request_duration_seconds_count').map((x) => `${x.labels.route} ${x.labels.status}`));
    expect(routes).toContain('/api/:app/:model/:id/ 200');
    expect(routes).toContain('/pdb/api/:tag 200');
  });

  test('the request log tells a refused token in a GraphQL 200 from a success', async () => {
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    // Tests log nothing (silent); the lines are made only for a level that is on.
    const enabled = jest.spyOn(logger, 'isLevelEnabled').mockReturnValue(true);
    try {
      // At once, under one client-chosen X-Request-ID: each line still gets its own operation.
      const headers = { 'X-Request-ID': 'same-id' };
      const [bad, good] = await Promise.all([
        s.http('POST', '/graphql', { body: { query: 'query Who { tags { totalCount } }' }, token: 'f'.repeat(40), headers }),
        s.http('POST', '/graphql', { body: { query: 'query Mine { tags { totalCount } }' }, headers }),
      ]);
      expect(bad.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(good.json.errors).toBeUndefined();
      await new Promise((r) => setTimeout(r, 50));
      const line = (calls: jest.SpyInstance['mock']['calls'], op: string) => calls.map((c) => c[0] as any).find((o) => o?.graphql?.operationName === op);
      expect(line(warn.mock.calls, 'Who')).toMatchObject({
        requestId: 'same-id', req: { method: 'POST', route: '/graphql', remoteAddress: '127.0.0.1' }, res: { statusCode: 200 }, auth: 'Token',
        outcome: 'unauthenticated', graphql: { operationType: 'query', errors: 1, codes: ['UNAUTHENTICATED'] },
      });
      expect(line(info.mock.calls, 'Who')).toBeUndefined();
      expect(line(info.mock.calls, 'Mine')).toMatchObject({ user: 'admin', outcome: 'ok', res: { statusCode: 200 }, graphql: { errors: 0, codes: [] } });
    } finally {
      info.mockRestore();
      warn.mockRestore();
      enabled.mockRestore();
    }
  });
});

describe('/metrics: per-peer BGP series from the embedded worker', () => {
  let s: TestServer;
  let remote: BgpSpeaker;
  let sessionId: string;
  let routerId: string;
  let remotePort: number;

  beforeAll(async () => {
    const corePort = await freePort('127.0.0.1');
    remotePort = await freePort('127.0.0.5');
    s = await startTestServer('pglite', { BGP_WORKER: 'embedded' });
    remote = new BgpSpeaker({ listen: { address: '127.0.0.5', port: remotePort }, counterIntervalMs: 100 });
    await remote.start();
    remote.addPeer({ id: 'pg', localAs: 65105, routerId: '127.0.0.5', localAddress: '127.0.0.5', remoteAddress: '127.0.0.1', remoteAs: 65101, remotePort: corePort, passive: true, holdTime: 9 });
    remote.announce('pg', { attrs: { origin: 0, nextHop: '127.0.0.5' }, nlri: ['198.51.100.0/24', '203.0.113.0/25', '203.0.113.128/25'] });
    sessionId = await declareSession(s, { localAsn: 65101, remoteAsn: 65105, routerIp: '127.0.0.1', corePort, remoteIp: '127.0.0.5', remotePort, tag: 'metrics' });
    routerId = (await s.gql('{ routers { items { id name } } }')).data.routers.items.find((r: any) => r.name === 'pg-metrics').id;
  }, 60_000);
  afterAll(async () => {
    await remote?.stop();
    await s?.close();
  });

  const scrape = async () => samples((await s.http('GET', '/metrics', { token: null })).text);
  const peerLabels = () => ({ router_id: routerId, session_type: 'direct', session_id: sessionId, remote_address: '127.0.0.5', remote_as: '65105' });
  const value = (all: ReturnType<typeof samples>, name: string, extra: Record<string, string> = {}) =>
    all.filter((x) => x.name === name && Object.entries({ ...peerLabels(), ...extra }).every(([k, v]) => x.labels[k] === v)).map((x) => x.value);

  test('state, prefixes received and advertised, messages in and out, labelled by router, session and remote', async () => {
    const all = await waitFor('established with 3 prefixes', async () => {
      const m = await scrape();
      return value(m, 'peergate_bgp_peer_up')[0] === 1 && value(m, 'peergate_bgp_peer_prefixes_received', { family: 'ipv4' })[0] === 3 ? m : null;
    }, 30_000);
    expect(value(all, 'peergate_bgp_peer_state', { state: 'established' })).toEqual([1]);
    expect(value(all, 'peergate_bgp_peer_state', { state: 'idle' })).toEqual([0]);
    expect(all.filter((x) => x.name === 'peergate_bgp_peer_state' && x.labels.session_id === sessionId)).toHaveLength(6);
    expect(value(all, 'peergate_bgp_peer_prefixes_advertised', { family: 'ipv4' })).toEqual([0]);
    expect(value(all, 'peergate_bgp_peer_messages_received_total', { type: 'open' })).toEqual([1]);
    expect(value(all, 'peergate_bgp_peer_messages_sent_total', { type: 'open' })).toEqual([1]);
    expect(value(all, 'peergate_bgp_peer_messages_received_total', { type: 'update' })[0]).toBeGreaterThanOrEqual(1);
    expect(value(all, 'peergate_bgp_peer_uptime_seconds')[0]).toBeGreaterThanOrEqual(0);
    expect(all.find((x) => x.name === 'peergate_bgp_sessions' && x.labels.state === 'established')?.value).toBe(1);

    // What PeerGate announces is counted on its side, and the remote sees it.
    const sent = await s.gql('mutation($id: ID!, $a: JSON!) { bgpAnnounce(sessionType: "direct", sessionId: $id, attributes: $a, prefixes: ["192.0.2.0/24", "192.0.2.128/25"]) }',
      { id: sessionId, a: { 1: 0, 2: [], 3: '127.0.0.1' } });
    expect(sent.errors).toBeUndefined();
    const after = await waitFor('advertised 2', async () => {
      const m = await scrape();
      return value(m, 'peergate_bgp_peer_prefixes_advertised', { family: 'ipv4' })[0] === 2 ? m : null;
    }, 10_000);
    expect(value(after, 'peergate_bgp_peer_messages_sent_total', { type: 'update' })[0]).toBeGreaterThan(value(all, 'peergate_bgp_peer_messages_sent_total', { type: 'update' })[0]);
    await waitFor('remote received 2', () => remote.info('pg').received.ipv4 === 2, 10_000);
  }, 60_000);

  test('a stopped session is down; a deleted one leaves no series behind', async () => {
    const stop = await s.gql('mutation($id: ID!) { bgpSessionStop(sessionType: "direct", sessionId: $id) }', { id: sessionId });
    expect(stop.errors).toBeUndefined();
    const down = await waitFor('down', async () => { const m = await scrape(); return value(m, 'peergate_bgp_peer_up')[0] === 0 ? m : null; }, 10_000);
    expect(value(down, 'peergate_bgp_peer_state', { state: 'idle' })).toEqual([1]);
    expect(value(down, 'peergate_bgp_peer_messages_sent_total', { type: 'notification' })[0]).toBeGreaterThanOrEqual(1);
    const del = await s.gql(`mutation { deleteDirectPeeringSession(id: "${sessionId}") }`);
    expect(del.errors).toBeUndefined();
    await waitFor('series gone', async () => ((await scrape()).some((x) => x.name.startsWith('peergate_bgp_peer_') && x.labels.session_id === sessionId) ? null : true), 10_000);
    const all = await scrape();
    expect(all.filter((x) => x.name === 'peergate_bgp_sessions').every((x) => x.value === 0)).toBe(true);
  }, 30_000);
});
