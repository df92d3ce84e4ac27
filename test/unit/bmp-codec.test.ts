// The BMP codec on hand-built messages: every message type, and malformed input as typed errors.
import {
  AttrPool,
  BmpError,
  BmpFramer,
  BmpPeer,
  BmpType,
  buildUpdates,
  decodeBmpMessage,
  negotiate,
  type BmpMessage,
} from '../../bgp-core';
import * as bmp from '../helpers/bmp';
import { seededRandom } from '../helpers/rng';

const decode = <T extends BmpMessage['type']>(buf: Buffer, type: T): Extract<BmpMessage, { type: T }> => {
  const m = decodeBmpMessage(buf);
  expect(m.type).toBe(type);
  return m as Extract<BmpMessage, { type: T }>;
};

function bmpError(fn: () => unknown): BmpError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BmpError);
    return e as BmpError;
  }
  throw new Error('no error thrown');
}

const PEER = { address: '192.0.2.2', asn: 65002, bgpId: '192.0.2.2' };
const PEER6 = { address: '2001:db8::2', asn: 4200000002, bgpId: '192.0.2.6' };
const sentOpen = bmp.open(65001, '192.0.2.1', bmp.caps({ fourOctetAs: 65001, addPath: [{ afi: 1, safi: 1, mode: 3 }] }), 90);
const recvOpen = bmp.open(65002, '192.0.2.2', bmp.caps({ fourOctetAs: 65002, multiprotocol: [[1, 1]], addPath: [{ afi: 1, safi: 1, mode: 1 }] }), 30);

describe('BMP codec: message types', () => {
  test('Initiation carries sysName, sysDescr and strings', () => {
    const m = decode(bmp.initiation('edge1', 'GoBGP 3.10'), BmpType.INITIATION);
    expect(m).toMatchObject({ sysName: 'edge1', sysDescr: 'GoBGP 3.10', strings: ['hello'] });
  });

  test('Termination carries its reason', () => {
    expect(decode(bmp.termination(2), BmpType.TERMINATION)).toMatchObject({ reason: 2, strings: ['bye'] });
  });

  test('per-peer header: type, flags, distinguisher, address, AS, BGP ID, timestamp', () => {
    const m = decode(bmp.peerDown({ ...PEER6, postPolicy: true, legacyAsPath: true, peerType: 1, timestamp: 1_700_000_123 }, 4), BmpType.PEER_DOWN);
    expect(m.peer).toEqual({
      peerType: 1,
      flags: { ipv6: true, postPolicy: true, legacyAsPath: true, adjRibOut: false },
      distinguisher: '0000000000000000',
      address: '2001:db8::2',
      asn: 4200000002,
      bgpId: '192.0.2.6',
      timestamp: 1_700_000_123,
    });
  });

  test('Peer Up: local address and ports, both OPENs, and what they negotiate', () => {
    const m = decode(bmp.peerUp(PEER, sentOpen, recvOpen), BmpType.PEER_UP);
    expect(m).toMatchObject({ localAddress: '192.0.2.1', localPort: 179, remotePort: 40000, info: [] });
    expect(m.sentOpen).toMatchObject({ myAs: 65001, holdTime: 90, capabilities: { fourOctetAs: 65001 } });
    expect(m.receivedOpen).toMatchObject({ myAs: 65002, holdTime: 30, capabilities: { multiprotocol: [[1, 1]] } });
    expect(negotiate(m.sentOpen, m.receivedOpen)).toEqual({
      as4: true, families: ['ipv4'], routeRefresh: true, enhancedRouteRefresh: false, extendedMessage: false,
      gracefulRestart: false, addPath: [], addPathOut: ['ipv4'], holdTime: 30,
    });
    // Add-Path counts only where the router receives path identifiers and the peer sends them.
    const sends = bmp.open(65002, '192.0.2.2', bmp.caps({ fourOctetAs: 65002, addPath: [{ afi: 1, safi: 1, mode: 2 }, { afi: 2, safi: 1, mode: 2 }] }));
    const up = decode(bmp.peerUp(PEER, sentOpen, sends), BmpType.PEER_UP);
    expect(negotiate(up.sentOpen, up.receivedOpen).addPath).toEqual(['ipv4']);
  });

  test('Add-Path direction: Adj-RIB-In from the peer, Adj-RIB-Out (O flag) from the router, Loc-RIB from either OPEN', () => {
    const router = bmp.open(65001, '192.0.2.1', bmp.caps({ addPath: [{ afi: 1, safi: 1, mode: 1 }, { afi: 2, safi: 1, mode: 2 }] }));
    const peerOpen = bmp.open(65002, '192.0.2.2', bmp.caps({ fourOctetAs: 65002, addPath: [{ afi: 1, safi: 1, mode: 2 }, { afi: 2, safi: 1, mode: 1 }] }));
    const up = decode(bmp.peerUp(PEER, router, peerOpen), BmpType.PEER_UP);
    expect(negotiate(up.sentOpen, up.receivedOpen)).toMatchObject({ addPath: ['ipv4'], addPathOut: ['ipv6'] });
    const peer = new BmpPeer('k', up.peer, new AttrPool());
    peer.peerUp(up, new Date());
    expect(peer.addPathFor(up.peer)).toEqual({ ipv4: true, ipv6: false });
    expect(peer.addPathFor({ ...up.peer, flags: { ...up.peer.flags, adjRibOut: true } })).toEqual({ ipv4: false, ipv6: true });
    // RFC 9069 §5.2: a Loc-RIB instance's fabricated OPENs carry the capabilities its feed uses.
    const loc = bmp.open(65001, '192.0.2.1', bmp.caps({ addPath: [{ afi: 2, safi: 1, mode: 2 }] }));
    const locUp = decode(bmp.peerUp({ ...PEER, peerType: 3 }, loc, bmp.open(65001, '192.0.2.1', bmp.caps())), BmpType.PEER_UP);
    expect(negotiate(locUp.sentOpen, locUp.receivedOpen, true).addPath).toEqual(['ipv6']);
    // No Add-Path negotiated: nothing flagged.
    const plain = decode(bmp.peerUp(PEER, bmp.open(65001, '192.0.2.1', bmp.caps()), bmp.open(65002, '192.0.2.2', bmp.caps())), BmpType.PEER_UP);
    peer.peerUp(plain, new Date());
    expect(peer.addPathFor(plain.peer)).toBeNull();
  });

  test('Route Monitoring of an Add-Path peer: NLRI decoded with path identifiers, each path kept, replaced and withdrawn on its own', () => {
    const router = bmp.open(65001, '192.0.2.1', bmp.caps({ addPath: [{ afi: 1, safi: 1, mode: 3 }, { afi: 2, safi: 1, mode: 3 }] }));
    const sender = bmp.open(65002, '192.0.2.2', bmp.caps({ fourOctetAs: 65002, addPath: [{ afi: 1, safi: 1, mode: 2 }, { afi: 2, safi: 1, mode: 2 }] }));
    const pool = new AttrPool();
    const up = decode(bmp.peerUp(PEER, router, sender), BmpType.PEER_UP);
    const peer = new BmpPeer('k', up.peer, pool);
    peer.peerUp(up, new Date());
    const feed = (update: Buffer): void => {
      const m = decodeBmpMessage(bmp.routeMonitoring(PEER, update), { addPath: (h) => peer.addPathFor(h) });
      if (m.type !== BmpType.ROUTE_MONITORING) throw new Error(`decoded as type ${m.type}`);
      expect(m.addPathMismatch).toBe(false);
      peer.routeMonitoring(m);
    };
    const via = (asn: number) => ({ origin: 0, asPath: [{ type: 2, asns: [65002, asn] }], nextHop: '192.0.2.2' });
    // Two paths of 10.7.0.0/24 with different AS paths, one of 10.8.0.0/24 with the same identifier as one of them.
    feed(bmp.addPathUpdate({ attrs: via(64501), nlri: [[1, '10.7.0.0/24'], [1, '10.8.0.0/24']] }));
    feed(bmp.addPathUpdate({ attrs: via(64502), nlri: [[2, '10.7.0.0/24']] }));
    feed(bmp.addPathUpdate({ attrs: { origin: 0, asPath: [{ type: 2, asns: [65002, 64503] }] }, mpReach: { nextHop: '2001:db8::2', nlri: [[1, '2001:db8:7::/48'], [5, '2001:db8:7::/48']] } }));
    expect(peer.counts).toEqual({ prePolicy: 5, postPolicy: 0 });
    expect(peer.prePolicy.counts).toEqual({ ipv4: 3, ipv6: 2 });
    const paths = peer.prePolicy.exactAll('10.7.0.0/24');
    expect(paths.map((e) => [e.prefix, e.pathId, e.set.attrs.asPath?.[0].asns[1]])).toEqual([['10.7.0.0/24', 1, 64501], ['10.7.0.0/24', 2, 64502]]);
    expect(peer.prePolicy.exactAll('2001:db8:7::/48').map((e) => e.pathId)).toEqual([1, 5]);
    expect([...peer.prePolicy.ipv4.entries()].map((e) => `${e.prefix}#${e.pathId}`).sort()).toEqual(['10.7.0.0/24#1', '10.7.0.0/24#2', '10.8.0.0/24#1']);
    // Path 1 announced again with new attributes replaces only path 1.
    feed(bmp.addPathUpdate({ attrs: via(64509), nlri: [[1, '10.7.0.0/24']] }));
    expect(peer.prePolicy.exactAll('10.7.0.0/24').map((e) => [e.pathId, e.set.attrs.asPath?.[0].asns[1]])).toEqual([[1, 64509], [2, 64502]]);
    expect(peer.counts.prePolicy).toBe(5);
    // A withdrawal names one path: the prefix's other path stays; an unknown identifier changes nothing.
    feed(bmp.addPathUpdate({ withdraw: [[1, '10.7.0.0/24'], [9, '10.8.0.0/24']] }));
    expect(peer.prePolicy.exactAll('10.7.0.0/24').map((e) => e.pathId)).toEqual([2]);
    expect(peer.prePolicy.exact('10.8.0.0/24')?.pathId).toBe(1);
    feed(bmp.addPathUpdate({ mpUnreach: [[5, '2001:db8:7::/48']] }));
    expect(peer.prePolicy.exactAll('2001:db8:7::/48').map((e) => e.pathId)).toEqual([1]);
    expect(peer.prePolicy.counts).toEqual({ ipv4: 2, ipv6: 1 });
    expect(peer.prePolicy.longestMatch('10.7.0.9')).toMatchObject({ prefix: '10.7.0.0/24', pathId: 2 });
    expect(peer.updates).toMatchObject({ prePolicy: 6, addPath: 6, addPathMismatch: 0 });
    // Attribute sets are shared and released path by path.
    expect(pool.size).toBe(3);
    peer.clearRoutes();
    expect(pool.size).toBe(0);
  });

  test('Add-Path negotiated but a Route Monitoring without path identifiers is read without them, flagged', () => {
    const router = bmp.open(65001, '192.0.2.1', bmp.caps({ addPath: [{ afi: 1, safi: 1, mode: 1 }] }));
    const sender = bmp.open(65002, '192.0.2.2', bmp.caps({ fourOctetAs: 65002, addPath: [{ afi: 1, safi: 1, mode: 2 }] }));
    const up = decode(bmp.peerUp(PEER, router, sender), BmpType.PEER_UP);
    const peer = new BmpPeer('k', up.peer, new AttrPool());
    peer.peerUp(up, new Date());
    const [plain] = buildUpdates({ attrs: { origin: 0, asPath: [{ type: 2, asns: [65002] }], nextHop: '192.0.2.2' }, nlri: ['10.1.0.0/16', '10.2.0.0/16'] }, { as4: true });
    const m = decodeBmpMessage(bmp.routeMonitoring(PEER, plain), { addPath: (h) => peer.addPathFor(h) });
    if (m.type !== BmpType.ROUTE_MONITORING) throw new Error(`decoded as type ${m.type}`);
    expect(m.addPathMismatch).toBe(true);
    peer.routeMonitoring(m);
    expect(peer.prePolicy.exactAll('10.2.0.0/16').map((e) => e.pathId)).toEqual([undefined]);
    expect(peer.updates).toMatchObject({ prePolicy: 1, addPath: 0, addPathMismatch: 1 });
    // Neither reading parses (a prefix length of 40 after the identifier, 255 without): malformed, the feed closes.
    const broken = bmp.addPathUpdate({ attrs: { origin: 0, asPath: [], nextHop: '192.0.2.2' }, nlri: [[0xff000001, '10.9.0.0/16']] });
    broken[broken.length - 3] = 40;
    expect(bmpError(() => decodeBmpMessage(bmp.routeMonitoring(PEER, broken), { addPath: (h) => peer.addPathFor(h) })).kind).toBe('bgp');
  });

  test('Peer Down reasons 1 and 3 carry the NOTIFICATION, 2 the FSM event, 4 and 5 nothing', () => {
    const local = decode(bmp.peerDownNotification(PEER, 1, 4, 0), BmpType.PEER_DOWN);
    expect(local).toMatchObject({ reason: 1, fsmEvent: null, notification: { code: 4, subcode: 0, codeName: expect.stringMatching(/Hold Timer/i) } });
    const shutdown = Buffer.concat([Buffer.from([11]), Buffer.from('maintenance')]);
    const remote = decode(bmp.peerDownNotification(PEER, 3, 6, 2, shutdown), BmpType.PEER_DOWN);
    expect(remote.notification).toMatchObject({ code: 6, subcode: 2, shutdownMessage: 'maintenance' });
    const fsm = Buffer.alloc(2);
    fsm.writeUInt16BE(18, 0);
    expect(decode(bmp.peerDown(PEER, 2, fsm), BmpType.PEER_DOWN)).toMatchObject({ reason: 2, fsmEvent: 18, notification: null });
    expect(decode(bmp.peerDown(PEER, 4), BmpType.PEER_DOWN)).toMatchObject({ reason: 4, notification: null, fsmEvent: null, data: null });
    expect(decode(bmp.peerDown(PEER, 5), BmpType.PEER_DOWN)).toMatchObject({ reason: 5, notification: null, fsmEvent: null });
  });

  test('Statistics Report: 32-bit counters, 64-bit gauges and per-family gauges', () => {
    const m = decode(bmp.statistics(PEER, [[0, 3], [7, 1234, 8], [9, 1000, 1, 1], [9, 234, 2, 1]]), BmpType.STATISTICS_REPORT);
    expect(m.stats).toEqual([
      { type: 0, value: 3 },
      { type: 7, value: 1234 },
      { type: 9, afi: 1, safi: 1, value: 1000 },
      { type: 9, afi: 2, safi: 1, value: 234 },
    ]);
  });

  test('Route Monitoring: IPv4 NLRI and IPv6 MP_REACH, pre- and post-policy RIBs by the L flag', () => {
    const [v4] = buildUpdates({ attrs: { origin: 0, asPath: [{ type: 2, asns: [4200000002] }], nextHop: '192.0.2.2' }, nlri: ['10.1.0.0/16', '10.2.0.0/16'] }, { as4: true });
    const [v6] = buildUpdates({ attrs: { origin: 0, asPath: [{ type: 2, asns: [65002] }], mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::2', nlri: ['2001:db8:1::/48'] } } }, { as4: true });
    const m = decode(bmp.routeMonitoring(PEER, v4), BmpType.ROUTE_MONITORING);
    expect(m.update?.attrs.asPath).toEqual([{ type: 2, asns: [4200000002] }]);
    const peer = new BmpPeer('k', m.peer, new AttrPool());
    peer.routeMonitoring(m);
    peer.routeMonitoring(decode(bmp.routeMonitoring(PEER, v6), BmpType.ROUTE_MONITORING));
    peer.routeMonitoring(decode(bmp.routeMonitoring({ ...PEER, postPolicy: true }, v4), BmpType.ROUTE_MONITORING));
    expect(peer.counts).toEqual({ prePolicy: 3, postPolicy: 2 });
    expect(peer.prePolicy.exact('2001:db8:1::/48')?.set.attrs.mpReach?.nextHop).toBe('2001:db8::2');
    expect(peer.updates).toEqual({ prePolicy: 2, postPolicy: 1, adjRibOut: 0, addPath: 0, addPathMismatch: 0 });
    // Withdrawals: IPv4 withdrawn field and MP_UNREACH.
    const [wd4] = buildUpdates({ withdraw: ['10.1.0.0/16'] }, { as4: true });
    const [wd6] = buildUpdates({ attrs: { mpUnreach: { afi: 2, safi: 1, withdraw: ['2001:db8:1::/48'] } } }, { as4: true });
    peer.routeMonitoring(decode(bmp.routeMonitoring(PEER, wd4), BmpType.ROUTE_MONITORING));
    peer.routeMonitoring(decode(bmp.routeMonitoring(PEER, wd6), BmpType.ROUTE_MONITORING));
    expect(peer.counts).toEqual({ prePolicy: 1, postPolicy: 2 });
  });

  test('Route Monitoring with the A flag reads 2-byte AS_PATHs', () => {
    const [u] = buildUpdates({ attrs: { origin: 0, asPath: [{ type: 2, asns: [65002, 65003] }], nextHop: '192.0.2.2' }, nlri: ['10.9.0.0/16'] }, { as4: false });
    const m = decode(bmp.routeMonitoring({ ...PEER, legacyAsPath: true }, u), BmpType.ROUTE_MONITORING);
    expect(m.update?.attrs.asPath).toEqual([{ type: 2, asns: [65002, 65003] }]);
    // Read as 4-byte (A clear), the same bytes are a different path: the flag matters.
    const wrong = decodeBmpMessage(bmp.routeMonitoring(PEER, u));
    expect((wrong as { update: { attrs: { asPath?: unknown } } }).update.attrs.asPath).not.toEqual([{ type: 2, asns: [65002, 65003] }]);
  });

  test('Route Mirroring is recognised with its per-peer header', () => {
    expect(decode(bmp.routeMirroring(PEER), BmpType.ROUTE_MIRRORING).peer.address).toBe('192.0.2.2');
  });
});

describe('BMP codec: malformed input', () => {
  test('a version other than 3', () => {
    expect(bmpError(() => decodeBmpMessage(bmp.common(4, Buffer.alloc(0), 1))).kind).toBe('version');
  });

  test('a length shorter than the common header, or not matching the bytes', () => {
    const short = Buffer.from([3, 0, 0, 0, 5, 4]);
    expect(bmpError(() => decodeBmpMessage(short)).kind).toBe('length');
    const lying = bmp.initiation('a', 'b');
    lying.writeUInt32BE(lying.length + 10, 1);
    expect(bmpError(() => decodeBmpMessage(lying)).kind).toBe('length');
  });

  test('a length over the cap fails before anything is allocated', () => {
    const huge = Buffer.from([3, 0xff, 0xff, 0xff, 0xff, 0]);
    const e = bmpError(() => new BmpFramer(() => undefined).push(huge));
    expect(e.kind).toBe('length');
    expect(e.message).toMatch(/over the limit/);
  });

  test('an unknown message type', () => {
    expect(bmpError(() => decodeBmpMessage(bmp.common(9, Buffer.alloc(0)))).kind).toBe('type');
  });

  test('a truncated per-peer header', () => {
    const m = bmp.common(2, bmp.perPeer(PEER).subarray(0, 30));
    expect(bmpError(() => decodeBmpMessage(m))).toMatchObject({ kind: 'truncated', message: expect.stringMatching(/per-peer header/) });
  });

  test('a Peer Up whose received OPEN is cut', () => {
    const m = bmp.peerUp(PEER, sentOpen, recvOpen.subarray(0, recvOpen.length - 3));
    expect(bmpError(() => decodeBmpMessage(m))).toMatchObject({ kind: 'truncated', message: expect.stringMatching(/received OPEN/) });
  });

  test('a Peer Down NOTIFICATION with a broken BGP marker', () => {
    const n = bmp.peerDownNotification(PEER, 3, 6, 2);
    n[6 + 42 + 1] = 0;
    expect(bmpError(() => decodeBmpMessage(n))).toMatchObject({ kind: 'bgp', message: expect.stringMatching(/marker/) });
  });

  test('a Route Monitoring UPDATE whose attribute length overruns the message', () => {
    const [u] = buildUpdates({ attrs: { origin: 0, asPath: [], nextHop: '192.0.2.2' }, nlri: ['10.0.0.0/8'] }, { as4: true });
    const bad = Buffer.from(u);
    bad.writeUInt16BE(0xfff0, 21); // total path attribute length
    expect(bmpError(() => decodeBmpMessage(bmp.routeMonitoring(PEER, bad)))).toMatchObject({ kind: 'bgp' });
  });

  test('a Route Monitoring carrying something other than an UPDATE', () => {
    expect(bmpError(() => decodeBmpMessage(bmp.routeMonitoring(PEER, sentOpen)))).toMatchObject({ kind: 'bgp', message: expect.stringMatching(/expected 2/) });
  });

  test('a Statistics count larger than its message', () => {
    const m = bmp.statistics(PEER, [[0, 1]]);
    m.writeUInt32BE(1_000_000_000, 6 + 42);
    expect(bmpError(() => decodeBmpMessage(m)).kind).toBe('truncated');
  });

  test('a Termination reason of the wrong size', () => {
    const m = bmp.common(5, Buffer.from([0, 1, 0, 1, 7]));
    expect(bmpError(() => decodeBmpMessage(m)).kind).toBe('value');
  });
});

describe('BMP framer', () => {
  test('cuts a stream into messages however it is chunked', () => {
    const stream = Buffer.concat([bmp.initiation('r1', 'd'), bmp.peerUp(PEER, sentOpen, recvOpen), bmp.statistics(PEER, [[0, 1]]), bmp.termination(0)]);
    for (const size of [1, 5, 7, 64, stream.length]) {
      const types: number[] = [];
      const f = new BmpFramer((m) => types.push(decodeBmpMessage(m).type));
      for (let i = 0; i < stream.length; i += size) f.push(stream.subarray(i, i + size));
      expect(types).toEqual([BmpType.INITIATION, BmpType.PEER_UP, BmpType.STATISTICS_REPORT, BmpType.TERMINATION]);
      expect(f.buffered).toBe(0);
    }
  });

  test('stops for good after a bad header', () => {
    const seen: Buffer[] = [];
    const f = new BmpFramer((m) => seen.push(m));
    expect(() => f.push(Buffer.from([2, 0, 0, 0, 6, 4]))).toThrow(BmpError);
    f.push(bmp.initiation('r', 'd'));
    expect(seen).toEqual([]);
  });
});

describe('fuzz: mutated BMP messages never escape the decoder', () => {
  test('50000 mutated messages: only BmpError is thrown, and what decodes applies to a peer', () => {
    const [v4] = buildUpdates({ attrs: { origin: 0, asPath: [{ type: 2, asns: [65002] }], nextHop: '192.0.2.2', communities: [1] }, nlri: ['10.1.0.0/16'], withdraw: ['10.3.0.0/16'] }, { as4: true });
    const [v6] = buildUpdates({ attrs: { origin: 0, asPath: [], mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::2', nlri: ['2001:db8:1::/48'] } } }, { as4: false });
    const seeds = [
      bmp.initiation('edge1', 'descr'),
      bmp.termination(1),
      bmp.peerUp(PEER, sentOpen, recvOpen),
      bmp.peerUp(PEER6, sentOpen, recvOpen, '2001:db8::1'),
      bmp.peerDownNotification(PEER, 3, 6, 2, Buffer.from([3, 98, 121, 101])),
      bmp.peerDown(PEER, 2, Buffer.from([0, 18])),
      bmp.statistics(PEER, [[0, 3], [7, 1234, 8], [9, 1000, 1, 1]]),
      bmp.routeMonitoring(PEER, v4),
      bmp.routeMonitoring({ ...PEER6, legacyAsPath: true, postPolicy: true }, v6),
      bmp.routeMirroring(PEER),
      // Add-Path NLRI (RFC 7911) in every field that carries prefixes.
      bmp.routeMonitoring(PEER, bmp.addPathUpdate({ attrs: { origin: 0, asPath: [{ type: 2, asns: [65002] }], nextHop: '192.0.2.2' }, nlri: [[1, '10.1.0.0/16'], [2, '10.1.0.0/16']], withdraw: [[3, '10.3.0.0/16']] })),
      bmp.routeMonitoring(PEER6, bmp.addPathUpdate({ attrs: { origin: 0, asPath: [] }, mpReach: { nextHop: '2001:db8::2', nlri: [[7, '2001:db8:1::/48']] }, mpUnreach: [[8, '2001:db8:2::/48']] })),
    ];
    // Decoded as a peer without Add-Path, with it for IPv4 only, and for both families.
    const addPathModes = [null, { ipv4: true, ipv6: false }, { ipv4: true, ipv6: true }];
    const r = seededRandom(7854);
    const pool = new AttrPool();
    let decoded = 0;
    for (let i = 0; i < 50_000; i++) {
      const m = Buffer.from(seeds[i % seeds.length]);
      const flips = 1 + Math.floor(r() * 4);
      for (let k = 0; k < flips; k++) {
        // Mostly past the common header, so the bodies get exercised, not only the first check.
        const pos = r() < 0.1 ? Math.floor(r() * 6) : 6 + Math.floor(r() * (m.length - 6));
        m[pos] = r() < 0.5 ? Math.floor(r() * 256) : m[pos] ^ (1 << Math.floor(r() * 8));
      }
      const input = r() < 0.2 ? m.subarray(0, Math.floor(r() * m.length)) : m;
      try {
        const msg = decodeBmpMessage(input, { addPath: () => addPathModes[Math.floor(i / seeds.length) % 3] });
        decoded++;
        if ('peer' in msg) {
          const peer = new BmpPeer('fuzz', msg.peer, pool);
          if (msg.type === BmpType.PEER_UP) peer.peerUp(msg, new Date());
          else if (msg.type === BmpType.PEER_DOWN) peer.peerDown(msg, new Date());
          else if (msg.type === BmpType.STATISTICS_REPORT) peer.statistics(msg, new Date());
          else if (msg.type === BmpType.ROUTE_MONITORING) peer.routeMonitoring(msg);
          peer.clearRoutes();
        }
      } catch (e) {
        if (!(e instanceof BmpError)) throw new Error(`iteration ${i}: ${String(e)} for ${input.toString('hex')}`);
      }
    }
    // The mutations leave a good share decodable, so the state code is exercised too.
    expect(decoded).toBeGreaterThan(5_000);
    expect(pool.size).toBe(0);
  });

  test('random byte streams through the framer: only BmpError, and nothing buffered past the cap', () => {
    const r = seededRandom(9069);
    for (let i = 0; i < 2_000; i++) {
      const f = new BmpFramer((msg) => {
        try {
          decodeBmpMessage(msg);
        } catch (e) {
          if (!(e instanceof BmpError)) throw e;
        }
      }, 4096);
      const bytes = Buffer.alloc(1 + Math.floor(r() * 600));
      for (let k = 0; k < bytes.length; k++) bytes[k] = Math.floor(r() * 256);
      if (r() < 0.7) bytes[0] = 3;
      try {
        for (let o = 0; o < bytes.length; o += 1 + Math.floor(r() * 50)) f.push(bytes.subarray(o, o + 1 + Math.floor(r() * 50)));
      } catch (e) {
        if (!(e instanceof BmpError)) throw e;
      }
      expect(f.buffered).toBeLessThanOrEqual(4096 + 50);
    }
  });
});
