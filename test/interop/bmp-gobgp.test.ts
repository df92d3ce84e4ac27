// The BMP station against a real BMP sender: GoBGP streams its session with BIRD to PeerGate.
// BIRD (127.0.0.81) sends routes to GoBGP (127.0.0.80), whose import policy rejects one of them;
// GoBGP reports the session over BMP (pre- and post-policy). PeerGate matches GoBGP to a Router
// by its router id and BIRD to a direct session on that router, and writes the state back.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { BmpPeer, BmpRouter } from '../../bgp-core';
import { startTestServer, type TestServer } from '../helpers/server';
import { Bird, Gobgp, freePort, requireBinaries, startBird, startGobgp, waitFor } from './daemons';

const GOBGP = '127.0.0.80';
const BIRD = '127.0.0.81';
const ROUTES = Array.from({ length: 10 }, (_, i) => `10.81.${i}.0/24`);
const REJECTED = '10.81.9.0/24';

/**
 * GoBGP 3.10 sends no Route Monitoring at all with route-monitoring-policy "both" (it logs that
 * "both" is obsolete); "all" sends pre-policy, post-policy and Loc-RIB (RFC 9069).
 */
const gobgpBmp = (port: number): string => `[[bmp-servers]]
  [bmp-servers.config]
    address = "127.0.0.1"
    port = ${port}
    route-monitoring-policy = "all"
[[defined-sets.prefix-sets]]
  prefix-set-name = "rejected"
  [[defined-sets.prefix-sets.prefix-list]]
    ip-prefix = "${REJECTED}"
[[policy-definitions]]
  name = "reject-one"
  [[policy-definitions.statements]]
    name = "reject"
    [policy-definitions.statements.conditions.match-prefix-set]
      prefix-set = "rejected"
    [policy-definitions.statements.actions]
      route-disposition = "reject-route"
[global.apply-policy.config]
  import-policy-list = ["reject-one"]
  default-import-policy = "accept-route"
`;

interface Event { sessionId: string; state: string; previousState: string | null; source: string; receivedPrefixCount: number; reason: string | null; lastErrorCode: number | null; lastErrorSubcode: number | null }

describe('BMP station with GoBGP reporting its session with BIRD', () => {
  let s: TestServer;
  let bird: Bird;
  let gobgp: Gobgp;
  let client: Client;
  let sessionId: string;
  const events: Event[] = [];

  beforeAll(async () => {
    requireBinaries('bird', 'birdc', 'gobgpd', 'gobgp');
    s = await startTestServer('pglite', { BMP_PORT: '0' });
    let connected!: () => void;
    const ready = new Promise<void>((r) => (connected = r));
    client = createClient({ url: s.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { authorization: `Token ${s.token}` }, on: { connected: () => connected() } });
    client.subscribe({ query: 'subscription { bgpSessionChanged { sessionId state previousState source receivedPrefixCount reason lastErrorCode lastErrorSubcode } }' }, {
      next: (v) => { if (v.data?.bgpSessionChanged) events.push(v.data.bgpSessionChanged as unknown as Event); },
      error: () => undefined, complete: () => undefined,
    });
    await ready;
    // The data first: GoBGP's router (matched by router id) and its session with BIRD.
    const setup = await s.gql(`mutation {
      local: createAutonomousSystem(input: {asn: 65080, name: "GoBGP"}) { id }
      remote: createAutonomousSystem(input: {asn: 65081, name: "BIRD"}) { id }
      rel: createRelationship(input: {name: "Peer", slug: "peer"}) { id }
      platform: createPlatform(input: {name: "GoBGP", slug: "gobgp"}) { id }
    }`);
    expect(setup.errors).toBeUndefined();
    const router = await s.gql(`mutation { createRouter(input: {name: "edge-gobgp", hostname: "edge-gobgp.example.net", platformId: "${setup.data.platform.id}",
      localAutonomousSystemId: "${setup.data.local.id}", routerId: "${GOBGP}"}) { id } }`);
    expect(router.errors).toBeUndefined();
    const session = await s.gql(`mutation { createDirectPeeringSession(input: {localAutonomousSystemId: "${setup.data.local.id}",
      autonomousSystemId: "${setup.data.remote.id}", ipAddress: "${BIRD}", localIpAddress: "${GOBGP}", relationshipId: "${setup.data.rel.id}",
      routerId: "${router.data.createRouter.id}"}) { id } }`);
    expect(session.errors).toBeUndefined();
    sessionId = session.data.createDirectPeeringSession.id;

    const bmpPort = s.pg.bmp!.station.address()!.port;
    const gobgpPort = await freePort(GOBGP);
    const birdPort = await freePort(BIRD);
    const apiPort = await freePort('127.0.0.1');
    bird = await startBird({
      routerId: BIRD, address: BIRD, port: birdPort, nextHop: '198.18.0.81', staticRoutes: ROUTES,
      peers: [{ name: 'gobgp', localAs: 65081, neighborAddress: GOBGP, neighborPort: gobgpPort, remoteAs: 65080, holdTime: 6 }],
    });
    gobgp = await startGobgp({
      as: 65080, routerId: GOBGP, address: GOBGP, port: gobgpPort, apiPort,
      neighbors: [{ address: BIRD, peerAs: 65081, remotePort: birdPort, holdTime: 6 }],
      extraConfig: gobgpBmp(bmpPort),
    });
  });

  afterAll(async () => {
    await client?.dispose();
    await gobgp?.stop();
    await bird?.stop();
    await s?.close();
  });

  const router = (): BmpRouter | undefined => s.pg.bmp!.station.routers()[0];
  const birdPeer = (): BmpPeer | undefined => router()?.peers.get(`0:0000000000000000:${BIRD}`);
  const row = async () => (await s.gql(`{ directPeeringSession(id: "${sessionId}") { bgpState receivedPrefixCount acceptedPrefixCount lastEstablishedState } }`)).data.directPeeringSession;

  test('GoBGP connects and introduces itself (Initiation)', async () => {
    const r = await waitFor('BMP Initiation from GoBGP', () => (router()?.initiated ? router() : null), 20_000);
    expect(r.sysName).toMatch(/GoBGP/);
  });

  test('Peer Up carries both OPENs: the negotiated capabilities', async () => {
    const p = await waitFor('Peer Up for BIRD', () => (birdPeer()?.status === 'up' ? birdPeer() : null), 30_000);
    expect(p.asn).toBe(65081);
    expect(p.bgpId).toBe(BIRD);
    expect(p.localAddress).toBe(GOBGP);
    expect(p.negotiated).toMatchObject({ as4: true, families: ['ipv4'], routeRefresh: true, holdTime: 6 });
    expect(router()?.bgpId).toBe(GOBGP);
  });

  test('routes are counted pre-policy (all of them) and post-policy (the accepted ones)', async () => {
    const p = await waitFor('all routes pre and post policy', () => {
      const c = birdPeer()?.counts;
      return c && c.prePolicy === ROUTES.length && c.postPolicy === ROUTES.length - 1 ? birdPeer() : null;
    }, 20_000);
    expect(p.prePolicy.exact(REJECTED)?.set.attrs.asPath).toEqual([{ type: 2, asns: [65081] }]);
    expect(p.postPolicy.exact(REJECTED)).toBeNull();
    expect(p.postPolicy.exact('10.81.3.0/24')?.set.attrs.nextHop).toBe('198.18.0.81');
  });

  test('the matched session gets its state and counts written back, and bmp events', async () => {
    const v = await waitFor('state written back', async () => {
      const r = await row();
      return r.bgpState === 'ESTABLISHED' && r.receivedPrefixCount === ROUTES.length && r.acceptedPrefixCount === ROUTES.length - 1 ? r : null;
    }, 15_000);
    expect(v.lastEstablishedState).toBeTruthy();
    // Events travel over graphql-ws: they may arrive a little after the row is written.
    const up = await waitFor('established event', () => events.find((e) => e.sessionId === sessionId && e.state === 'ESTABLISHED'), 10_000);
    expect(up).toMatchObject({ source: 'bmp', reason: 'BMP Peer Up' });
    await waitFor('counts event', () => events.find((e) => e.sessionId === sessionId && e.source === 'bmp' && e.receivedPrefixCount === ROUTES.length), 10_000);
    // The same routes through GraphQL: everything BIRD sent, and what GoBGP's policy let in.
    const routes = async (policy: string) => (await s.gql(`{ bgpReceivedRoutes(sessionType: "direct", sessionId: "${sessionId}", policy: "${policy}", limit: 100) { prefix } }`))
      .data.bgpReceivedRoutes.map((r: { prefix: string }) => r.prefix).sort();
    expect(await routes('pre')).toEqual([...ROUTES].sort());
    expect(await routes('post')).toEqual(ROUTES.filter((r) => r !== REJECTED).sort());
  });

  test('a withdrawal removes the route from both RIBs', async () => {
    const staticFile = path.join(bird.dir, 'static.conf');
    const kept = ROUTES.filter((r) => r !== '10.81.0.0/24');
    fs.writeFileSync(staticFile, `protocol static s4 {\n  ipv4;\n${kept.map((r) => `  route ${r} blackhole;`).join('\n')}\n}\n`);
    await bird.birdc('configure');
    await waitFor('withdrawn pre and post policy', () => {
      const p = birdPeer();
      return p && p.counts.prePolicy === kept.length && p.counts.postPolicy === kept.length - 1 && !p.prePolicy.exact('10.81.0.0/24');
    }, 20_000);
    await waitFor('new count written back', async () => (await row()).receivedPrefixCount === kept.length, 15_000);
  });

  test('Peer Down with the reason when BIRD stops, written back', async () => {
    await bird.stop();
    const p = await waitFor('Peer Down', () => (birdPeer()?.status === 'down' ? birdPeer() : null), 20_000);
    // BIRD says goodbye with a Cease NOTIFICATION: "remote system closed, NOTIFICATION follows".
    expect(p.lastDown).toMatchObject({ reason: 3, notification: { code: 6 } });
    expect(p.counts).toEqual({ prePolicy: 0, postPolicy: 0 });
    const down = await waitFor('down event', () => events.find((e) => e.sessionId === sessionId && e.state === 'IDLE'), 10_000);
    expect(down).toMatchObject({ source: 'bmp', previousState: 'ESTABLISHED', lastErrorCode: 6, receivedPrefixCount: 0 });
    expect(down.reason).toMatch(/remote system closed the session with a NOTIFICATION: 6\/\d+ Cease/);
    await waitFor('down written back', async () => {
      const r = await row();
      return r.bgpState === 'IDLE' && r.receivedPrefixCount === 0 ? r : null;
    }, 15_000);
  });
});
