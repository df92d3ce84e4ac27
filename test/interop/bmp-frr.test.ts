// The BMP station against FRR 8.4 (bgpd -M bmp): FRR (127.0.0.90) peers with BIRD (127.0.0.91),
// tags BIRD's routes with a community by import policy, and streams the session over BMP to
// PeerGate: Initiation, Peer Up with capabilities, statistics every second, routes pre-policy
// (as BIRD sent them) and post-policy (tagged), a withdrawal, a BMP disconnect after which FRR
// reconnects and sends its state again, and Peer Down with Cease when BIRD stops.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BmpPeer, BmpRouter } from '../../bgp-core';
import { startTestServer, type TestServer } from '../helpers/server';
import { type Bird, type Daemon, freePort, requireBinaries, startBird, waitFor } from './daemons';
import { requireFrr, startFrr } from './frr';

const FRR = '127.0.0.90';
const BIRD = '127.0.0.91';
const ROUTES = Array.from({ length: 10 }, (_, i) => `10.91.${i}.0/24`);
const TAG = 65090 * 65536 + 1;

/**
 * FRR sends pre-policy Route Monitoring as withdrawals unless it keeps the routes as received
 * (soft-reconfiguration inbound); it also reports a prefix its import policy denies as withdrawn
 * pre-policy too, so this policy tags routes instead of dropping one.
 */
const frrConfig = (birdPort: number, bmpPort: number): string => `frr defaults traditional
hostname frr-bmp
!
route-map TAG permit 10
 set community 65090:1 additive
!
router bgp 65090
 bgp router-id ${FRR}
 no bgp ebgp-requires-policy
 neighbor ${BIRD} remote-as 65091
 neighbor ${BIRD} port ${birdPort}
 neighbor ${BIRD} update-source ${FRR}
 neighbor ${BIRD} ebgp-multihop 2
 neighbor ${BIRD} timers 2 6
 neighbor ${BIRD} timers connect 2
 address-family ipv4 unicast
  neighbor ${BIRD} soft-reconfiguration inbound
  neighbor ${BIRD} route-map TAG in
 exit-address-family
 !
 bmp targets peergate
  bmp connect 127.0.0.1 port ${bmpPort} min-retry 100 max-retry 1000
  bmp monitor ipv4 unicast pre-policy
  bmp monitor ipv4 unicast post-policy
  bmp stats interval 1000
 exit
!
`;

describe('BMP station with FRR reporting its session with BIRD', () => {
  let s: TestServer;
  let bird: Bird;
  let frr: Daemon;
  let sessionId: string;

  beforeAll(async () => {
    requireBinaries('bird', 'birdc');
    requireFrr();
    s = await startTestServer('pglite', { BMP_PORT: '0' });
    const setup = await s.gql(`mutation {
      local: createAutonomousSystem(input: {asn: 65090, name: "FRR"}) { id }
      remote: createAutonomousSystem(input: {asn: 65091, name: "BIRD"}) { id }
      rel: createRelationship(input: {name: "Peer", slug: "peer"}) { id }
      platform: createPlatform(input: {name: "FRR", slug: "frr"}) { id }
    }`);
    expect(setup.errors).toBeUndefined();
    const router = await s.gql(`mutation { createRouter(input: {name: "edge-frr", hostname: "edge-frr.example.net", platformId: "${setup.data.platform.id}",
      localAutonomousSystemId: "${setup.data.local.id}", routerId: "${FRR}"}) { id } }`);
    expect(router.errors).toBeUndefined();
    const session = await s.gql(`mutation { createDirectPeeringSession(input: {localAutonomousSystemId: "${setup.data.local.id}",
      autonomousSystemId: "${setup.data.remote.id}", ipAddress: "${BIRD}", relationshipId: "${setup.data.rel.id}", routerId: "${router.data.createRouter.id}"}) { id } }`);
    expect(session.errors).toBeUndefined();
    sessionId = session.data.createDirectPeeringSession.id;

    const frrPort = await freePort(FRR);
    const birdPort = await freePort(BIRD);
    bird = await startBird({
      routerId: BIRD, address: BIRD, port: birdPort, nextHop: '198.18.0.91', staticRoutes: ROUTES,
      peers: [{ name: 'frr', localAs: 65091, neighborAddress: FRR, neighborPort: frrPort, remoteAs: 65090, holdTime: 6 }],
    });
    frr = await startFrr({ address: FRR, port: frrPort, config: frrConfig(birdPort, s.pg.bmp!.station.address()!.port) });
  });

  afterAll(async () => {
    await frr?.stop();
    await bird?.stop();
    await s?.close();
  });

  const router = (): BmpRouter | undefined => s.pg.bmp!.station.routers()[0];
  const birdPeer = (): BmpPeer | undefined => router()?.peers.get(`0:0000000000000000:${BIRD}`);
  const row = async () => (await s.gql(`{ directPeeringSession(id: "${sessionId}") { bgpState receivedPrefixCount acceptedPrefixCount } }`)).data.directPeeringSession;
  const tagged = async (policy: string) => (await s.gql(`{ bgpReceivedRoutes(sessionType: "direct", sessionId: "${sessionId}", policy: "${policy}", filter: {community: "65090:1"}, limit: 100) { prefix } }`)).data.bgpReceivedRoutes.length;

  test('Initiation names FRR; Peer Up carries the negotiated capabilities', async () => {
    const r = await waitFor('BMP Initiation from FRR', () => (router()?.initiated ? router() : null), 20_000);
    expect(r).toMatchObject({ sysName: 'frr-bmp', sysDescr: expect.stringMatching(/FRRouting 8/) });
    const p = await waitFor('Peer Up for BIRD', () => (birdPeer()?.status === 'up' ? birdPeer() : null), 30_000);
    expect(p).toMatchObject({ asn: 65091, bgpId: BIRD, localAddress: FRR });
    expect(p.negotiated).toMatchObject({ as4: true, families: ['ipv4'], routeRefresh: true, enhancedRouteRefresh: true, holdTime: 6 });
  });

  test('routes arrive pre-policy as BIRD sent them and post-policy as FRR tagged them; counts written back', async () => {
    await waitFor('all routes pre and post policy', () => {
      const c = birdPeer()?.counts;
      return c && c.prePolicy === ROUTES.length && c.postPolicy === ROUTES.length;
    }, 20_000);
    expect(birdPeer()!.prePolicy.exact('10.91.3.0/24')?.set.attrs.communities).toBeUndefined();
    expect(birdPeer()!.postPolicy.exact('10.91.3.0/24')?.set.attrs.communities).toEqual([TAG]);
    await waitFor('matched and written back', async () => {
      const v = await row();
      return v.bgpState === 'ESTABLISHED' && v.receivedPrefixCount === ROUTES.length && v.acceptedPrefixCount === ROUTES.length;
    }, 15_000);
    expect(await tagged('pre')).toBe(0);
    expect(await tagged('post')).toBe(ROUTES.length);
  });

  test('Statistics Reports arrive and show in bmpPeers', async () => {
    await waitFor('statistics', () => birdPeer()?.statsTime, 10_000);
    const peers = (await s.gql('{ bmpPeers { sessionId status statistics } }')).data.bmpPeers;
    const mine = peers.find((p: { sessionId: string | null }) => p.sessionId === sessionId);
    // FRR reports, among others, prefixes rejected (0), duplicate withdraws (2) and RFC 7606 treat-as-withdraw (11).
    expect(mine.statistics).toMatchObject({ '0': 0, '2': 0, '11': 0 });
  });

  test('a withdrawal leaves both RIBs', async () => {
    const kept = ROUTES.filter((r) => r !== '10.91.0.0/24');
    fs.writeFileSync(path.join(bird.dir, 'static.conf'), `protocol static s4 {\n  ipv4;\n${kept.map((r) => `  route ${r} blackhole;`).join('\n')}\n}\n`);
    await bird.birdc('configure');
    await waitFor('withdrawn pre and post policy', () => {
      const c = birdPeer()?.counts;
      return c && c.prePolicy === kept.length && c.postPolicy === kept.length;
    }, 20_000);
    await waitFor('count written back', async () => (await row()).receivedPrefixCount === kept.length, 15_000);
  });

  test('FRR reconnects after the station drops it and sends its state again', async () => {
    const before = router()!;
    expect(s.pg.bmp!.station.disconnect(before.id, 'test: drop the router')).toBe(true);
    const again = await waitFor('FRR back with its peer and routes', () => {
      const r = router();
      const p = r && r !== before ? r.peers.get(`0:0000000000000000:${BIRD}`) : undefined;
      return p?.status === 'up' && p.counts.prePolicy === ROUTES.length - 1 ? r : null;
    }, 20_000);
    expect(again.initiated).toBe(true);
    expect((await row()).bgpState).toBe('ESTABLISHED');
  });

  test('Peer Down with Cease when BIRD stops, written back', async () => {
    await bird.stop();
    const p = await waitFor('Peer Down', () => (birdPeer()?.status === 'down' ? birdPeer() : null), 20_000);
    expect(p.lastDown).toMatchObject({ reason: 3, notification: { code: 6 } });
    await waitFor('down written back', async () => {
      const v = await row();
      return v.bgpState === 'IDLE' && v.receivedPrefixCount === 0;
    }, 15_000);
  });
});
