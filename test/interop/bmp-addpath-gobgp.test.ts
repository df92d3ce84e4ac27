// BMP with Add-Path (RFC 7911) from a real sender: BIRD (127.0.0.85) sends its routes to GoBGP
// (127.0.0.84) with Add-Path (BIRD tx, GoBGP receive), and GoBGP 3.10 reports the session to
// bgp-core's BMP station. Its Peer Up shows Add-Path negotiated for IPv4; its pre-policy Route
// Monitoring carries the path identifiers, its post-policy Route Monitoring does not (a GoBGP 3.x
// bug, osrg/gobgp#2572): the station reads the first per path and the second without identifiers.
import { BmpStation, type BmpPeer } from '../../bgp-core';
import { Bird, Gobgp, freePort, requireBinaries, startBird, startGobgp, waitFor } from './daemons';

const GOBGP = '127.0.0.84';
const BIRD = '127.0.0.85';
const ROUTES = ['10.85.1.0/24', '10.85.2.0/24', '10.85.3.0/24'];

describe('BMP Add-Path: GoBGP reporting an Add-Path session with BIRD', () => {
  let station: BmpStation;
  let bird: Bird;
  let gobgp: Gobgp;

  beforeAll(async () => {
    requireBinaries('bird', 'birdc', 'gobgpd', 'gobgp');
    station = new BmpStation({ listen: { address: '127.0.0.1', port: 0 } });
    await station.start();
    const gobgpPort = await freePort(GOBGP);
    const birdPort = await freePort(BIRD);
    const apiPort = await freePort('127.0.0.1');
    bird = await startBird({
      routerId: BIRD, address: BIRD, port: birdPort, nextHop: '198.18.0.85', staticRoutes: ROUTES,
      peers: [{ name: 'gobgp', localAs: 65085, neighborAddress: GOBGP, neighborPort: gobgpPort, remoteAs: 65084, holdTime: 6, addPaths: 'tx' }],
    });
    // The add-paths table follows the neighbor's table, so it belongs to that neighbor.
    gobgp = await startGobgp({
      as: 65084, routerId: GOBGP, address: GOBGP, port: gobgpPort, apiPort,
      neighbors: [{ address: BIRD, peerAs: 65085, remotePort: birdPort, holdTime: 6 }],
      extraConfig: `  [neighbors.add-paths.config]
    receive = true
[[bmp-servers]]
  [bmp-servers.config]
    address = "127.0.0.1"
    port = ${station.address()!.port}
    route-monitoring-policy = "all"
`,
    });
  });

  afterAll(async () => {
    await gobgp?.stop();
    await bird?.stop();
    await station?.stop();
  });

  const birdPeer = (): BmpPeer | undefined => station.routers()[0]?.peers.get(`0:0000000000000000:${BIRD}`);

  test('the Peer Up negotiates Add-Path for IPv4; pre-policy routes come with path identifiers, post-policy ones without', async () => {
    const p = await waitFor('both Adj-RIBs-In complete', () => {
      const x = birdPeer();
      return x && x.counts.prePolicy === ROUTES.length && x.counts.postPolicy === ROUTES.length ? x : null;
    }, 30_000);
    expect(p.negotiated).toMatchObject({ families: ['ipv4'], addPath: ['ipv4'] });
    expect(p.updates.addPath).toBeGreaterThan(0);
    const pre = [...p.prePolicy.ipv4.entries()];
    expect(pre.map((e) => e.prefix).sort()).toEqual(ROUTES);
    // BIRD numbers its paths by route source: every static route carries one, and it is not zero.
    expect(pre.every((e) => typeof e.pathId === 'number' && e.pathId > 0)).toBe(true);
    expect(p.prePolicy.exactAll(ROUTES[0])[0].set.attrs.asPath).toEqual([{ type: 2, asns: [65085] }]);
    // GoBGP 3.10 encodes post-policy NLRI without identifiers: read as such, counted as a mismatch.
    expect(p.updates.addPathMismatch).toBeGreaterThan(0);
    expect([...p.postPolicy.ipv4.entries()].map((e) => [e.prefix, e.pathId]).sort()).toEqual(ROUTES.map((r) => [r, undefined]));
    expect(station.routers()).toHaveLength(1);
  });

  test('BIRD withdrawing its routes empties the pre-policy RIB path by path', async () => {
    await bird.birdc('disable', 's4');
    const p = await waitFor('pre-policy withdrawn', () => (birdPeer()?.counts.prePolicy === 0 ? birdPeer() : null), 30_000);
    expect(p.prePolicy.exactAll(ROUTES[0])).toEqual([]);
    await waitFor('post-policy withdrawn', () => birdPeer()?.counts.postPolicy === 0, 30_000);
    expect(station.routers()).toHaveLength(1);
  });
});
