// Polling BGP sessions state (pm-workflows §6.3) from PeerGate's own speaker: two PeerGate routers
// peer with each other over 127.0.0.x (Established, with a route announced), an IX session waits on
// a silent address; jobs, fan-out, the per-session poll, the unpollable cases and who may poll.
import { freePort, waitFor } from '../interop/daemons';
import { startTestServer, type TestServer } from '../helpers/server';
import { makeToken } from '../helpers/pm';
import { DB_KINDS } from '../helpers/db';
import { LEASE_TABLE } from '../../src/bgp/lease';
import { jobMessages, settledRestJob } from '../helpers/jobs';

jest.setTimeout(90_000);

const ROUTERS = '/api/devices/routers/';
const DIRECT = '/api/peering/direct-peering-sessions/';
const IXP = '/api/peering/internet-exchange-peering-sessions/';

async function gqlOk(s: TestServer, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const r = await s.gql(query, variables);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data;
}

describe.each(DB_KINDS)('polling BGP sessions from the embedded bgp-core worker (%s)', (kind) => {
  let s: TestServer;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    s = await startTestServer(kind, { BGP_WORKER: 'embedded' });
    const [portA, portB, silent] = [await freePort('127.0.0.41'), await freePort('127.0.0.42'), await freePort('127.0.0.43')];
    const base = await gqlOk(s, `mutation {
      a: createAutonomousSystem(input: {asn: 65141, name: "poll-a"}) { id }
      b: createAutonomousSystem(input: {asn: 65142, name: "poll-b"}) { id }
      c: createAutonomousSystem(input: {asn: 65143, name: "poll-c"}) { id }
      rel: createRelationship(input: {name: "Poll peer", slug: "poll-peer"}) { id }
      platform: createPlatform(input: {name: "poll-core", slug: "poll-core"}) { id }
      group: createBgpGroup(input: {name: "Poll group", slug: "poll-group"}) { id }
    }`);
    Object.assign(ids, { a: base.a.id, b: base.b.id, group: base.group.id });
    const router = async (name: string, as: string, extra: string) => (await gqlOk(s, `mutation { createRouter(input: {name: "${name}", hostname: "${name}",
      platformId: "${base.platform.id}", localAutonomousSystemId: "${as}", ${extra}}) { id } }`)).createRouter.id;
    ids.r1 = await router('poll-r1', base.a.id, `bgpSpeaker: true, pollBgpSessionsState: true, routerId: "127.0.0.41", bgpListenAddress: "127.0.0.41", bgpListenPort: ${portA}`);
    ids.r2 = await router('poll-r2', base.b.id, `bgpSpeaker: true, pollBgpSessionsState: true, routerId: "127.0.0.42", bgpListenAddress: "127.0.0.42", bgpListenPort: ${portB}`);
    ids.r3 = await router('poll-r3-device', base.a.id, 'pollBgpSessionsState: true');
    ids.r4 = await router('poll-r4-off', base.a.id, `bgpSpeaker: true, pollBgpSessionsState: false, routerId: "127.0.0.44", bgpListenAddress: "127.0.0.44", bgpListenPort: ${await freePort('127.0.0.44')}`);
    const direct = async (router: string | null, local: string, remote: string, ip: string, localIp: string, port: number, extra = '') => (await gqlOk(s, `mutation {
      createDirectPeeringSession(input: {localAutonomousSystemId: "${local}", autonomousSystemId: "${remote}", ipAddress: "${ip}", localIpAddress: "${localIp}",
        relationshipId: "${base.rel.id}", routerId: ${router ? `"${router}"` : 'null'}, remotePort: ${port} ${extra}}) { id } }`)).createDirectPeeringSession.id;
    // r1 waits for r2 to connect (r1 listens by then): no connection collision to resolve.
    ids.s1 = await direct(ids.r1, base.a.id, base.b.id, '127.0.0.42', '127.0.0.41', portB, `, bgpGroupId: "${base.group.id}", passive: true`);
    ids.s2 = await direct(ids.r2, base.b.id, base.a.id, '127.0.0.41', '127.0.0.42', portA);
    ids.s3 = await direct(ids.r3, base.a.id, base.b.id, '127.0.0.46', '127.0.0.41', 179);
    ids.s4 = await direct(ids.r4, base.a.id, base.c.id, '127.0.0.47', '127.0.0.44', silent);
    ids.noRouter = await direct(null, base.a.id, base.c.id, '127.0.0.48', '127.0.0.41', 179);
    ids.disabled = await direct(ids.r1, base.a.id, base.c.id, '127.0.0.49', '127.0.0.41', silent, ', status: DISABLED');
    const ix = await gqlOk(s, `mutation { createInternetExchange(input: {name: "Poll IX", slug: "poll-ix", localAutonomousSystemId: "${base.a.id}"}) { id } }`);
    ids.ix = ix.createInternetExchange.id;
    const conn = await gqlOk(s, `mutation { createConnection(input: {internetExchangePointId: "${ids.ix}", routerId: "${ids.r1}", ipv4Address: "127.0.0.41/24"}) { id } }`);
    ids.ixs = (await gqlOk(s, `mutation { createInternetExchangePeeringSession(input: {autonomousSystemId: "${base.c.id}", ixpConnectionId: "${conn.createConnection.id}",
      ipAddress: "127.0.0.43", remotePort: ${silent}}) { id } }`)).createInternetExchangePeeringSession.id;

    const peer = (id: string) => gqlOk(s, 'query($id: ID!) { bgpPeer(sessionType: "direct", sessionId: $id) { state prefixes } }', { id });
    await waitFor('r1 and r2 established', async () => (await peer(ids.s1)).bgpPeer?.state === 'ESTABLISHED' && (await peer(ids.s2)).bgpPeer?.state === 'ESTABLISHED', 30_000, 200);
    await gqlOk(s, 'mutation($id: ID!, $a: JSON!) { bgpAnnounce(sessionType: "direct", sessionId: $id, attributes: $a, prefixes: ["192.0.2.0/24", "198.51.100.0/24"]) }',
      { id: ids.s1, a: { 1: 0, 2: [], 3: '127.0.0.41' } });
    await waitFor('r1 advertised and r2 received both routes', async () =>
      (await peer(ids.s1)).bgpPeer?.prefixes?.advertised?.ipv4 === 2 && (await peer(ids.s2)).bgpPeer?.prefixes?.received?.ipv4 === 2, 10_000, 100);
  }, 90_000);
  afterAll(async () => { await s?.close(); });

  test('a router job reads its neighbours from the speaker and writes state, counts and times in one go', async () => {
    const before = Date.now();
    const r = await s.http('POST', `${ROUTERS}${ids.r1}/poll-bgp-sessions/`);
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ name: 'devices.router.poll_bgp_sessions', object_type: 'devices.router', object_id: Number(ids.r1), user: { username: 'admin' } });
    const job = await settledRestJob(s, r.json.id);
    expect(job.status.value).toBe('completed');
    // Two neighbours run on r1: the Established session to r2 and the IX session to a silent address (the disabled one is not run).
    expect(jobMessages(job)).toEqual(['info: Running job', 'info: Polling BGP sessions state.', 'success: Successfully polled BGP 2 sessions state.', 'success: Job completed']);
    expect(job.data.main.log[1][2]).toBe('poll-r1');

    const s1 = (await s.http('GET', `${DIRECT}${ids.s1}/`)).json;
    // accepted_prefix_count is written by polls only (the worker writes state and received/advertised).
    expect(s1).toMatchObject({ bgp_state: 'established', advertised_prefix_count: 2, received_prefix_count: 0, accepted_prefix_count: 0 });
    expect(Date.parse(s1.last_established_state)).toBeGreaterThanOrEqual(before - 1000);
    const ixs = (await s.http('GET', `${IXP}${ids.ixs}/`)).json;
    expect(['idle', 'connect', 'active']).toContain(ixs.bgp_state);
    expect(ixs).toMatchObject({ received_prefix_count: 0, accepted_prefix_count: 0, advertised_prefix_count: 0 });
    const router = (await s.http('GET', `${ROUTERS}${ids.r1}/`)).json;
    expect(Date.parse(router.poll_bgp_sessions_last_updated)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(router.poll_bgp_sessions_last_updated)).toBeLessThanOrEqual(Date.parse(job.completed));

    // The other side: r2 received both routes; polling says so, accepted included.
    const job2 = await settledRestJob(s, (await gqlOk(s, 'mutation($id: ID!) { pollRouterBgpSessions(id: $id) { id name status } }', { id: ids.r2 })).pollRouterBgpSessions.id);
    expect(job2.status.value).toBe('completed');
    expect(jobMessages(job2)).toContain('success: Successfully polled BGP 1 session state.');
    expect((await s.http('GET', `${DIRECT}${ids.s2}/`)).json).toMatchObject({ bgp_state: 'established', received_prefix_count: 2, accepted_prefix_count: 2, advertised_prefix_count: 0 });
  });

  test('a router that is not a BGP speaker is "Task cancelled"; polling off ends failed', async () => {
    const cancelled = await settledRestJob(s, (await s.http('POST', `${ROUTERS}${ids.r3}/poll-bgp-sessions/`)).json.id);
    expect(cancelled.status.value).toBe('completed');
    expect(jobMessages(cancelled)).toEqual(['info: Running job', expect.stringMatching(/^warning: Router does not run in PeerGate's BGP speaker/), 'success: Task cancelled', 'success: Job completed']);
    expect(cancelled.data.main.warning).toBe(1);
    expect((await s.http('GET', `${ROUTERS}${ids.r3}/`)).json.poll_bgp_sessions_last_updated).toBeNull();

    const failed = await settledRestJob(s, (await s.http('POST', `${ROUTERS}${ids.r4}/poll-bgp-sessions/`)).json.id);
    expect(failed.status.value).toBe('failed');
    expect(jobMessages(failed)).toEqual([
      'info: Running job', 'info: Polling BGP sessions state.',
      'warning: Polling BGP sessions state is off for this router (poll_bgp_sessions_state is false).',
      'failure: Error while polling BGP sessions state.',
    ]);
    expect(failed.completed).not.toBeNull();
    expect((await s.http('GET', `${ROUTERS}${ids.r4}/`)).json.poll_bgp_sessions_last_updated).toBeNull();
  });

  test('the per-session poll answers 200 after writing, 503 with why when it cannot poll', async () => {
    expect((await s.http('PATCH', `${DIRECT}${ids.s2}/`, { body: { accepted_prefix_count: 0, bgp_state: 'idle' } })).status).toBe(200);
    const r = await s.http('POST', `${DIRECT}${ids.s2}/poll/`);
    expect([r.status, r.text]).toEqual([200, '']);
    expect((await s.http('GET', `${DIRECT}${ids.s2}/`)).json).toMatchObject({ bgp_state: 'established', received_prefix_count: 2, accepted_prefix_count: 2 });
    const ix = await s.http('POST', `${IXP}${ids.ixs}/poll/`);
    expect(ix.status).toBe(200);
    const g = await gqlOk(s, 'mutation($id: ID!) { pollDirectPeeringSession(id: $id) { id bgpState acceptedPrefixCount } }', { id: ids.s2 });
    expect(g.pollDirectPeeringSession).toEqual({ id: ids.s2, bgpState: 'ESTABLISHED', acceptedPrefixCount: 2 });

    const refused = async (id: string, why: RegExp) => {
      const x = await s.http('POST', `${DIRECT}${id}/poll/`);
      expect(x.status).toBe(503);
      expect(x.json.detail).toMatch(why);
    };
    await refused(ids.noRouter, /no router/);
    await refused(ids.s3, /does not run in PeerGate's BGP speaker/);
    await refused(ids.s4, /does not poll BGP sessions state/);
    await refused(ids.disabled, /no BGP neighbour for this session/);
    expect((await s.http('POST', `${DIRECT}999999/poll/`)).status).toBe(404);
  });

  test('fan-out: one job per router of the AS, the BGP group and the IX', async () => {
    const objects = async (path: string) => {
      const r = await s.http('POST', path);
      expect(r.status).toBe(202);
      expect(r.json.every((j: any) => j.name === 'devices.router.poll_bgp_sessions' && j.object_type === 'devices.router')).toBe(true);
      for (const j of r.json) await settledRestJob(s, j.id);
      return r.json.map((j: any) => String(j.object_id)).sort();
    };
    // AS b: r1 (s1) and the non-speaker r3 (s3) have direct sessions to it; r2's session is to AS a.
    expect(await objects(`/api/peering/autonomous-systems/${ids.b}/poll-bgp-sessions/`)).toEqual([ids.r1, ids.r3].sort());
    expect(await objects(`/api/peering/bgp-groups/${ids.group}/poll-bgp-sessions/`)).toEqual([ids.r1]);
    expect(await objects(`/api/peering/internet-exchanges/${ids.ix}/poll-bgp-sessions/`)).toEqual([ids.r1]);
    const g = await gqlOk(s, 'mutation($id: ID!) { pollAutonomousSystemBgpSessions(id: $id) { objectId name } }', { id: ids.a });
    expect(g.pollAutonomousSystemBgpSessions.map((j: any) => String(j.objectId))).toEqual([ids.r2]);
    expect((await s.http('POST', '/api/peering/bgp-groups/999999/poll-bgp-sessions/')).status).toBe(404);
  });

  test('a read-only token and an anonymous caller may not poll', async () => {
    const ro = await makeToken(s, { writeEnabled: false });
    for (const token of [ro, null]) {
      for (const path of [`${ROUTERS}${ids.r1}/poll-bgp-sessions/`, `/api/peering/autonomous-systems/${ids.b}/poll-bgp-sessions/`, `${DIRECT}${ids.s2}/poll/`]) {
        const r = await s.http('POST', path, { token });
        expect([path, r.status]).toEqual([path, 403]);
      }
    }
    const g = await s.gql('mutation($id: ID!) { pollRouterBgpSessions(id: $id) { id } }', { id: ids.r1 }, ro);
    expect(g.errors[0].extensions.code).toBe('FORBIDDEN');
    const anon = await s.gql('mutation($id: ID!) { pollDirectPeeringSession(id: $id) { id } }', { id: ids.s2 }, null);
    expect(anon.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe.each(DB_KINDS)('polling without a worker in this process (%s)', (kind) => {
  let s: TestServer;
  let routerId: string;
  let sessionId: string;

  beforeAll(async () => {
    s = await startTestServer(kind, { BGP_WORKER: 'off' });
    const base = await gqlOk(s, `mutation {
      a: createAutonomousSystem(input: {asn: 65151, name: "far-a"}) { id }
      b: createAutonomousSystem(input: {asn: 65152, name: "far-b"}) { id }
      rel: createRelationship(input: {name: "Far peer", slug: "far-peer"}) { id }
      platform: createPlatform(input: {name: "far-core", slug: "far-core"}) { id }
    }`);
    routerId = (await gqlOk(s, `mutation { createRouter(input: {name: "far-r1", hostname: "far-r1", platformId: "${base.platform.id}", localAutonomousSystemId: "${base.a.id}",
      bgpSpeaker: true, pollBgpSessionsState: true, routerId: "127.0.0.51"}) { id } }`)).createRouter.id;
    sessionId = (await gqlOk(s, `mutation { createDirectPeeringSession(input: {localAutonomousSystemId: "${base.a.id}", autonomousSystemId: "${base.b.id}",
      ipAddress: "127.0.0.52", relationshipId: "${base.rel.id}", routerId: "${routerId}"}) { id } }`)).createDirectPeeringSession.id;
  }, 60_000);
  afterAll(async () => { await s?.close(); });

  test('no worker holds the router: it cannot be polled', async () => {
    const job = await settledRestJob(s, (await s.http('POST', `${ROUTERS}${routerId}/poll-bgp-sessions/`)).json.id);
    expect(job.status.value).toBe('failed');
    expect(jobMessages(job)).toContain('warning: No bgp-core worker runs this router now (none answers for it, and no worker holds its lease).');
    const r = await s.http('POST', `${DIRECT}${sessionId}/poll/`);
    expect(r.status).toBe(503);
    expect(r.json.detail).toMatch(/No bgp-core worker runs this router/);
  });

  test('a worker in another process holds its lease: the state it wrote to the rows is polled', async () => {
    // What `peergate bgp-worker` leaves behind: a live lease on the router, state and counts on the session row.
    const conn = s.pg.orm.em.fork().getConnection();
    await conn.execute(`create table if not exists ${LEASE_TABLE} (router_id integer primary key, worker_id text not null, expires timestamptz not null)`);
    await conn.execute(`insert into ${LEASE_TABLE} (router_id, worker_id, expires) values (?, 'elsewhere', now() + interval '1 minute')`, [Number(routerId)]);
    expect((await s.http('PATCH', `${DIRECT}${sessionId}/`, { body: { bgp_state: 'established', received_prefix_count: 7, advertised_prefix_count: 3 } })).status).toBe(200);
    const before = Date.now();
    const job = await settledRestJob(s, (await s.http('POST', `${ROUTERS}${routerId}/poll-bgp-sessions/`)).json.id);
    expect(job.status.value).toBe('completed');
    expect(jobMessages(job)).toContain('success: Successfully polled BGP 1 session state.');
    const row = (await s.http('GET', `${DIRECT}${sessionId}/`)).json;
    expect(row).toMatchObject({ bgp_state: 'established', received_prefix_count: 7, accepted_prefix_count: 7, advertised_prefix_count: 3 });
    expect(Date.parse(row.last_established_state)).toBeGreaterThanOrEqual(before - 1000);
    // The lease ran out: the worker is gone, and so is the live state.
    await conn.execute(`update ${LEASE_TABLE} set expires = now() - interval '1 second'`);
    expect((await s.http('POST', `${DIRECT}${sessionId}/poll/`)).status).toBe(503);
  });
});
