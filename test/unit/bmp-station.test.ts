// The BMP station over real TCP on 127.0.0.1: several routers at once, per-peer state, and a
// malformed message that closes only the router that sent it.
import * as net from 'node:net';
import { BmpStation, buildUpdates, type BmpRouter } from '../../bgp-core';
import { waitFor } from '../interop/daemons';
import * as bmp from '../helpers/bmp';

const PEER = { address: '192.0.2.2', asn: 65002, bgpId: '192.0.2.2' };
const sent = bmp.open(65001, '192.0.2.1', bmp.caps({ fourOctetAs: 65001 }));
const received = bmp.open(65002, '192.0.2.2', bmp.caps({ fourOctetAs: 65002 }));

describe('BMP station', () => {
  let station: BmpStation;
  let port: number;
  const downs: { router: BmpRouter; reason: string }[] = [];
  const sockets: net.Socket[] = [];

  beforeAll(async () => {
    station = new BmpStation({ listen: { address: '127.0.0.1', port: 0 } });
    station.on('routerDown', (router, reason) => downs.push({ router, reason }));
    await station.start();
    port = station.address()!.port;
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await station.stop();
  });

  async function connect(): Promise<net.Socket> {
    const s = net.connect({ host: '127.0.0.1', port });
    sockets.push(s);
    s.on('error', () => undefined);
    await new Promise((r) => s.once('connect', r));
    return s;
  }

  const routerOf = (s: net.Socket): BmpRouter | undefined => station.routers().find((r) => r.port === s.localPort);

  test('keeps each router and each peer apart, with state, routes and statistics', async () => {
    const a = await connect();
    const b = await connect();
    const [u] = buildUpdates({ attrs: { origin: 0, asPath: [{ type: 2, asns: [65002] }], nextHop: '192.0.2.2' }, nlri: ['10.1.0.0/16', '10.2.0.0/16'] }, { as4: true });
    a.write(Buffer.concat([bmp.initiation('edge-a', 'router A'), bmp.peerUp(PEER, sent, received), bmp.routeMonitoring(PEER, u), bmp.statistics(PEER, [[7, 2, 8]]), bmp.routeMirroring(PEER)]));
    b.write(Buffer.concat([bmp.initiation('edge-b', 'router B'), bmp.peerUp(PEER, sent, received)]));
    const ra = await waitFor('router A state', () => {
      const r = routerOf(a);
      return r?.peers.size && r.mirrored === 1 && r.peers.values().next().value?.statsTime ? r : null;
    }, 5000);
    const rb = await waitFor('router B state', () => (routerOf(b)?.peers.size ? routerOf(b) : null), 5000);
    expect(ra.sysName).toBe('edge-a');
    expect(rb.sysName).toBe('edge-b');
    expect(ra.bgpId).toBe('192.0.2.1');
    const pa = [...ra.peers.values()][0];
    expect(pa).toMatchObject({ status: 'up', asn: 65002, negotiated: { as4: true, families: ['ipv4', 'ipv6'] } });
    expect(pa.counts).toEqual({ prePolicy: 2, postPolicy: 0 });
    expect(pa.stats.get('7')).toEqual({ type: 7, value: 2 });
    expect([...rb.peers.values()][0].counts).toEqual({ prePolicy: 0, postPolicy: 0 });
    expect(ra.messages).toMatchObject({ Initiation: 1, 'Peer Up Notification': 1, 'Route Monitoring': 1, 'Statistics Report': 1, 'Route Mirroring': 1 });

    a.write(bmp.peerDownNotification(PEER, 3, 6, 2));
    await waitFor('peer down', () => pa.status === 'down', 5000);
    expect(pa.lastDown).toMatchObject({ reason: 3, notification: { code: 6, subcode: 2 }, text: expect.stringMatching(/remote system closed.*Cease/i) });
    expect(pa.counts).toEqual({ prePolicy: 0, postPolicy: 0 });
  });

  test('a malformed message closes only that router, with the reason', async () => {
    const good = await connect();
    const bad = await connect();
    good.write(bmp.initiation('good', 'd'));
    bad.write(bmp.initiation('bad', 'd'));
    await waitFor('both initiated', () => routerOf(good)?.initiated && routerOf(bad)?.initiated, 5000);
    const badId = routerOf(bad)!.id;
    const closed = new Promise((r) => bad.once('close', r));
    bad.write(Buffer.from([3, 0, 0, 0, 6, 42]));
    await closed;
    const down = await waitFor('router down event', () => downs.find((d) => d.router.id === badId), 5000);
    expect(down.reason).toMatch(/malformed message \(type\): unknown BMP message type 42/);
    // The other router goes on.
    good.write(bmp.peerUp(PEER, sent, received));
    await waitFor('good router still served', () => routerOf(good)?.peers.size === 1, 5000);
    expect(station.routers().some((r) => r.id === badId)).toBe(false);
  });

  test('a length over the cap closes the connection at once', async () => {
    const s = await connect();
    const closed = new Promise((r) => s.once('close', r));
    s.write(Buffer.from([3, 0x7f, 0xff, 0xff, 0xff, 0]));
    await closed;
    expect(downs.some((d) => /over the limit/.test(d.reason))).toBe(true);
  });

  test('an Add-Path peer\'s routes are stored per path identifier and withdrawn path by path', async () => {
    const s = await connect();
    const ap = { address: '192.0.2.7', asn: 65007, bgpId: '192.0.2.7' };
    const theirs = bmp.open(65007, '192.0.2.7', bmp.caps({ fourOctetAs: 65007, addPath: [{ afi: 1, safi: 1, mode: 3 }] }));
    const ours = bmp.open(65001, '192.0.2.1', bmp.caps({ fourOctetAs: 65001, addPath: [{ afi: 1, safi: 1, mode: 1 }] }));
    const attrs = (asn: number) => ({ origin: 0, asPath: [{ type: 2 as const, asns: [65007, asn] }], nextHop: '192.0.2.7' });
    s.write(Buffer.concat([
      bmp.peerUp(ap, ours, theirs),
      bmp.routeMonitoring(ap, bmp.addPathUpdate({ attrs: attrs(64501), nlri: [[1, '10.7.0.0/24']] })),
      bmp.routeMonitoring(ap, bmp.addPathUpdate({ attrs: attrs(64502), nlri: [[2, '10.7.0.0/24']] })),
      bmp.initiation('added', 'd'),
    ]));
    await waitFor('both paths stored', () => routerOf(s)?.sysName === 'added', 5000);
    const p = routerOf(s)!.peers.get(`0:0000000000000000:${ap.address}`)!;
    expect(p.negotiated?.addPath).toEqual(['ipv4']);
    expect(p.counts.prePolicy).toBe(2);
    expect(p.prePolicy.exactAll('10.7.0.0/24').map((e) => [e.pathId, e.set.attrs.asPath?.[0].asns[1]])).toEqual([[1, 64501], [2, 64502]]);
    s.write(Buffer.concat([bmp.routeMonitoring(ap, bmp.addPathUpdate({ withdraw: [[1, '10.7.0.0/24']] })), bmp.initiation('withdrawn', 'd')]));
    await waitFor('withdrawal handled', () => routerOf(s)?.sysName === 'withdrawn', 5000);
    expect(p.prePolicy.exactAll('10.7.0.0/24').map((e) => e.pathId)).toEqual([2]);
    expect(p.updates).toMatchObject({ prePolicy: 3, addPath: 3, addPathMismatch: 0 });
  });

  test('the station can close one router\'s connection', async () => {
    const s = await connect();
    s.write(bmp.initiation('to-close', 'd'));
    await waitFor('initiated', () => routerOf(s)?.initiated, 5000);
    const id = routerOf(s)!.id;
    const closed = new Promise((r) => s.once('close', r));
    expect(station.disconnect(id, 'operator asked')).toBe(true);
    await closed;
    expect(downs.find((d) => d.router.id === id)?.reason).toBe('operator asked');
    expect(station.disconnect(id)).toBe(false);
  });

  test('a router that closes its connection is forgotten', async () => {
    const s = await connect();
    s.write(Buffer.concat([bmp.initiation('leaving', 'd'), bmp.termination(0)]));
    await waitFor('terminated', () => routerOf(s)?.termination, 5000);
    const id = routerOf(s)!.id;
    s.end();
    const down = await waitFor('router down', () => downs.find((d) => d.router.id === id), 5000);
    expect(down.reason).toBe('terminated by the router');
  });
});
