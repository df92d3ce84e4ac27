// The whole path with a real router: sessions declared through GraphQL are run by the
// embedded bgp-core worker against BIRD; state reaches a graphql-ws subscriber, routes
// are queryable, live state is written back to the session, and control mutations act.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../helpers/server';
import { Bird, freePort, requireBinaries, startBird, waitFor } from './daemons';

const ROUTES = Array.from({ length: 20 }, (_, i) => `10.77.${i}.0/24`);

describe('bgp-core worker against BIRD', () => {
  let s: TestServer;
  let bird: Bird;
  let client: Client;
  let sessionId: string;
  const events: any[] = [];

  beforeAll(async () => {
    requireBinaries('bird', 'birdc');
    const corePort = await freePort('127.0.0.1');
    const birdPort = await freePort('127.0.0.3');
    bird = await startBird({
      routerId: '127.0.0.3', address: '127.0.0.3', port: birdPort, nextHop: '198.18.0.3', staticRoutes: ROUTES,
      peers: [{ name: 'peergate', localAs: 65003, neighborAddress: '127.0.0.1', neighborPort: corePort, remoteAs: 65010, holdTime: 6 }],
    });
    s = await startTestServer('pglite', { BGP_WORKER: 'embedded' });
    client = createClient({ url: s.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { authorization: `Token ${s.token}` } });
    client.subscribe({ query: 'subscription { bgpSessionChanged { sessionType sessionId state previousState receivedPrefixCount lastError } }' }, {
      next: (v) => events.push(v.data?.bgpSessionChanged), error: () => undefined, complete: () => undefined,
    });
    await new Promise((r) => setTimeout(r, 300));
    const setup = await s.gql(`mutation {
      local: createAutonomousSystem(input: {asn: 65010, name: "PeerGate"}) { id }
      remote: createAutonomousSystem(input: {asn: 65003, name: "BIRD"}) { id }
      rel: createRelationship(input: {name: "Peer", slug: "peer"}) { id }
      platform: createPlatform(input: {name: "bgp-core", slug: "bgp-core"}) { id }
    }`);
    expect(setup.errors).toBeUndefined();
    const router = await s.gql(`mutation { createRouter(input: {name: "pg1", hostname: "pg1", platformId: "${setup.data.platform.id}",
      localAutonomousSystemId: "${setup.data.local.id}", bgpSpeaker: true, routerId: "127.0.0.1", bgpListenAddress: "127.0.0.1", bgpListenPort: ${corePort}}) { id } }`);
    expect(router.errors).toBeUndefined();
    const session = await s.gql(`mutation { createDirectPeeringSession(input: {localAutonomousSystemId: "${setup.data.local.id}",
      autonomousSystemId: "${setup.data.remote.id}", ipAddress: "127.0.0.3", localIpAddress: "127.0.0.1", relationshipId: "${setup.data.rel.id}",
      routerId: "${router.data.createRouter.id}", remotePort: ${birdPort}}) { id } }`);
    expect(session.errors).toBeUndefined();
    sessionId = session.data.createDirectPeeringSession.id;
  });

  afterAll(async () => {
    await client?.dispose();
    await s?.close();
    await bird?.stop();
  });

  const routes = async () => (await s.gql(`{ bgpReceivedRoutes(sessionType: "direct", sessionId: "${sessionId}", limit: 100) { prefix attributes } }`));

  test('a session created through GraphQL reaches Established and its state is published', async () => {
    await waitFor('established event', () => events.find((e) => e?.state === 'ESTABLISHED' && e.sessionId === sessionId), 30_000);
    const peer = await s.gql(`{ bgpPeer(sessionType: "direct", sessionId: "${sessionId}") { state remoteAs capabilities negotiated staleFamilies } }`);
    expect(peer.data.bgpPeer.state).toBe('ESTABLISHED');
    expect(peer.data.bgpPeer.remoteAs).toBe(65003);
    expect(peer.data.bgpPeer.staleFamilies).toEqual([]);
  });

  test('the routes BIRD sends are counted and queryable, and written back to the session', async () => {
    await waitFor('all routes', async () => ((await routes()).data?.bgpReceivedRoutes?.length === ROUTES.length ? true : null), 20_000);
    const r = await routes();
    expect(r.data.bgpReceivedRoutes.map((x: any) => x.prefix).sort()).toEqual([...ROUTES].sort());
    expect(r.data.bgpReceivedRoutes[0].attributes['2']).toEqual([[2, [65003]]]);
    const more = await s.gql(`{ bgpReceivedRoutes(sessionType: "direct", sessionId: "${sessionId}", filter: {within: "10.77.1.0/24"}) { prefix } }`);
    expect(more.data.bgpReceivedRoutes).toEqual([{ prefix: '10.77.1.0/24' }]);
    const byAs = await s.gql(`{ bgpReceivedRoutes(sessionType: "direct", sessionId: "${sessionId}", filter: {asPathContains: 64999}) { prefix } }`);
    expect(byAs.data.bgpReceivedRoutes).toEqual([]);
    await waitFor('state written back', async () => {
      const row = await s.gql(`{ directPeeringSession(id: "${sessionId}") { bgpState receivedPrefixCount lastEstablishedState } }`);
      const v = row.data.directPeeringSession;
      return v.bgpState === 'ESTABLISHED' && v.receivedPrefixCount === ROUTES.length && v.lastEstablishedState ? v : null;
    }, 10_000);
  });

  test('an announced route appears in BIRD, a withdraw removes it', async () => {
    const sent = await s.gql('mutation($id: ID!, $a: JSON!) { bgpAnnounce(sessionType: "direct", sessionId: $id, attributes: $a, prefixes: ["203.0.113.0/24"]) }',
      { id: sessionId, a: { 1: 0, 2: [], 3: '127.0.0.1' } });
    expect(sent.errors).toBeUndefined();
    const birdHas = async (prefix: string) => (await bird.birdc('show', 'route')).includes(prefix);
    await waitFor('route in BIRD', async () => ((await birdHas('203.0.113.0/24')) ? true : null), 10_000);
    await s.gql(`mutation { bgpWithdraw(sessionType: "direct", sessionId: "${sessionId}", prefixes: ["203.0.113.0/24"]) }`);
    await waitFor('route gone from BIRD', async () => (!(await birdHas('203.0.113.0/24')) ? true : null), 10_000);
  });

  test('manual stop and start through GraphQL', async () => {
    events.length = 0;
    expect((await s.gql(`mutation { bgpSessionStop(sessionType: "direct", sessionId: "${sessionId}") }`)).data.bgpSessionStop).toBe(true);
    await waitFor('idle after stop', () => events.find((e) => e?.state === 'IDLE'), 10_000);
    await s.gql(`mutation { bgpSessionStart(sessionType: "direct", sessionId: "${sessionId}") }`);
    await waitFor('established after start', () => events.find((e) => e?.state === 'ESTABLISHED'), 30_000);
  });

  test('disabling the session in the data stops it without touching anything else', async () => {
    events.length = 0;
    await s.gql(`mutation { updateDirectPeeringSession(id: "${sessionId}", input: {status: DISABLED}) { id } }`);
    await waitFor('idle after disable', () => events.find((e) => e?.state === 'IDLE'), 10_000);
    const peer = await s.gql(`{ bgpPeer(sessionType: "direct", sessionId: "${sessionId}") { state } }`);
    expect(peer.data.bgpPeer).toBeNull();
  });
});
