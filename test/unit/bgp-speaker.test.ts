// Two bgp-core speakers talking to each other over loopback: collisions, reconcile, events.
import { BgpSpeaker, CountersEvent, PeerConfig } from '../../bgp-core';
import { freePort, waitFor } from '../interop/daemons';

function cfg(id: string, localAs: number, routerId: string, local: string, remote: string, remoteAs: number, port: number, extra: Partial<PeerConfig> = {}): PeerConfig {
  return { id, localAs, routerId, localAddress: local, remoteAddress: remote, remoteAs, remotePort: port, holdTime: 9, connectRetryTime: 1, idleHoldTime: 0.2, idleHoldTimeMax: 1, ...extra };
}

describe('BgpSpeaker (bgp-core to bgp-core)', () => {
  let a: BgpSpeaker;
  let b: BgpSpeaker;
  let pa: number;
  let pb: number;

  beforeEach(async () => {
    pa = await freePort('127.0.0.1');
    pb = await freePort('127.0.0.4');
    a = new BgpSpeaker({ listen: { address: '127.0.0.1', port: pa }, counterIntervalMs: 200 });
    b = new BgpSpeaker({ listen: { address: '127.0.0.4', port: pb }, counterIntervalMs: 200 });
    await a.start();
    await b.start();
  });

  afterEach(async () => {
    await a.stop();
    await b.stop();
  });

  it('both sides connect at once: collision resolution leaves one Established session', async () => {
    a.addPeer(cfg('b', 65001, '10.0.0.1', '127.0.0.1', '127.0.0.4', 4200000002, pb));
    b.addPeer(cfg('a', 4200000002, '10.0.0.2', '127.0.0.4', '127.0.0.1', 65001, pa));
    await waitFor('both Established', () => a.info('b').state === 'ESTABLISHED' && b.info('a').state === 'ESTABLISHED', 10000);
    expect(a.info('b').negotiated).toMatchObject({ as4: true, extendedMessage: true, enhancedRouteRefresh: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(a.info('b').state).toBe('ESTABLISHED');
  });

  it('routes flow both ways with throttled counters events and End-of-RIB', async () => {
    const counters: CountersEvent[] = [];
    let announced = 0;
    const eor: string[] = [];
    b.on('counters', (e) => counters.push(e));
    b.on('endOfRib', (e) => eor.push(e.family));
    const prefixes = Array.from({ length: 5000 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
    const started = Date.now();
    a.addPeer(cfg('b', 65001, '10.0.0.1', '127.0.0.1', '127.0.0.4', 65002, pb, { passive: true }));
    a.announce('b', { attrs: { origin: 0, nextHop: '192.0.2.1' }, nlri: prefixes });
    b.addPeer(cfg('a', 65002, '10.0.0.2', '127.0.0.4', '127.0.0.1', 65001, pa)).on('routes', (_f, n) => { announced += n; });
    await waitFor('routes at b', () => b.info('a').received.ipv4 === 5000, 10000);
    await waitFor('End-of-RIB', () => eor.includes('ipv4') && eor.includes('ipv6'), 5000);
    await new Promise((r) => setTimeout(r, 300));
    expect(announced).toBe(5000);
    // Throttled: one per 200 ms interval at most, plus the flushes at the two End-of-RIBs
    // (counted against the time taken, so a slow machine does not fail it).
    expect(counters.length).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 200) + 3);
    expect(counters[counters.length - 1].received.ipv4).toBe(5000);
    expect(b.getPeer('a')!.ribIn.lookup('10.3.4.5')?.set.attrs.asPath).toEqual([{ type: 2, asns: [65001] }]);
    expect(b.info('a').stats.receive.update).toBeLessThan(40); // packed, not one per prefix
  });

  it('reconcile adds, changes and removes peers without touching the others', async () => {
    b.addPeer(cfg('a', 65002, '10.0.0.2', '127.0.0.4', '127.0.0.1', 65001, pa, { passive: true }));
    const one = cfg('b', 65001, '10.0.0.1', '127.0.0.1', '127.0.0.4', 65002, pb);
    const other = cfg('x', 65001, '10.0.0.1', '127.0.0.1', '127.0.0.9', 65009, 1, { enabled: false });
    expect(a.reconcile([one, other])).toEqual({ added: ['b', 'x'], removed: [], changed: [], unchanged: [] });
    await waitFor('Established', () => a.info('b').state === 'ESTABLISHED', 10000);
    const up = a.getPeer('b');
    expect(a.reconcile([one, { ...other, holdTime: 30 }])).toEqual({ added: [], removed: [], changed: ['x'], unchanged: ['b'] });
    expect(a.getPeer('b')).toBe(up);
    expect(a.info('b').state).toBe('ESTABLISHED');
    const removed: string[] = [];
    a.on('peerRemoved', (e) => removed.push(e.peerId));
    expect(a.reconcile([one])).toMatchObject({ removed: ['x'] });
    expect(removed).toEqual(['x']);
    // Changing the session's own config restarts it with Cease 6 (other configuration change).
    a.reconcile([{ ...one, holdTime: 6 }]);
    await waitFor('b sees Cease 6/6', () => b.info('a').lastError?.subcode === 6, 5000);
    await waitFor('Established again', () => a.info('b').state === 'ESTABLISHED', 10000);
    expect(a.info('b').negotiated?.holdTime).toBe(6);
  });

  it('rejects a peer with the wrong AS with OPEN error 2/2, and refuses unknown inbound addresses', async () => {
    a.addPeer(cfg('b', 65001, '10.0.0.1', '127.0.0.1', '127.0.0.4', 65999, pb));
    b.addPeer(cfg('a', 65002, '10.0.0.2', '127.0.0.4', '127.0.0.1', 65001, pa, { passive: true }));
    await waitFor('bad peer AS', () => a.info('b').lastError?.code === 2, 10000);
    expect(a.info('b').lastError).toMatchObject({ code: 2, subcode: 2, direction: 'sent' });
    expect(b.info('a').lastError).toMatchObject({ code: 2, subcode: 2, direction: 'received' });
  });

  it('reports TCP MD5 as unsupported instead of running without it', () => {
    a.addPeer(cfg('m', 65001, '10.0.0.1', '127.0.0.1', '127.0.0.8', 65008, 1, { password: 'secret' }));
    expect(a.info('m').state).toBe('IDLE');
    expect(a.info('m').lastError?.text).toMatch(/MD5/);
  });
});
