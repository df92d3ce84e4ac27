// bgp-core against a real GoBGP (gobgpd + gobgp CLI) on loopback addresses.
import { BgpSpeaker } from '../../bgp-core';
import { Gobgp, freePort, requireBinaries, startGobgp, waitFor } from './daemons';

const N = 20;

describe('interop: GoBGP', () => {
  let gobgp: Gobgp;
  let speaker: BgpSpeaker;
  const states: string[] = [];

  beforeAll(async () => {
    requireBinaries('gobgpd', 'gobgp');
    const corePort = await freePort('127.0.0.1');
    const gobgpPort = await freePort('127.0.0.3');
    const apiPort = await freePort('127.0.0.1');
    gobgp = await startGobgp({
      as: 65003,
      routerId: '127.0.0.3',
      address: '127.0.0.3',
      port: gobgpPort,
      apiPort,
      neighbors: [{ address: '127.0.0.1', peerAs: 65001, remotePort: corePort, holdTime: 6, families: ['ipv4-unicast', 'ipv6-unicast'] }],
    });
    speaker = new BgpSpeaker({ listen: { address: '127.0.0.1', port: corePort }, counterIntervalMs: 100 });
    speaker.on('state', (e) => states.push(`${e.from}->${e.to}`));
    await speaker.start();
    speaker.addPeer({
      id: 'gobgp',
      localAs: 65001,
      routerId: '127.0.0.1',
      localAddress: '127.0.0.1',
      remoteAddress: '127.0.0.3',
      remotePort: gobgpPort,
      remoteAs: 65003,
      holdTime: 6,
      connectRetryTime: 2,
      idleHoldTime: 1,
      idleHoldTimeMax: 2,
      families: ['ipv4', 'ipv6'],
    });
  });

  afterAll(async () => {
    await speaker?.stop();
    await gobgp?.stop();
  });

  const established = (ms = 20000): Promise<unknown> =>
    waitFor('session Established with GoBGP', () => speaker.info('gobgp').state === 'ESTABLISHED', ms);

  it('reaches Established with IPv4 and IPv6 unicast', async () => {
    await established();
    expect(speaker.info('gobgp').negotiated).toMatchObject({ as4: true, families: ['ipv4', 'ipv6'], holdTime: 6 });
    expect(await gobgp.cli('neighbor')).toMatch(/Establ/);
  });

  it(`counts ${N} IPv4 routes and an IPv6 route added with gobgp global rib add`, async () => {
    for (let i = 0; i < N; i++) await gobgp.cli('global', 'rib', 'add', '-a', 'ipv4', `10.30.${i}.0/24`, 'nexthop', '192.0.2.3', 'community', '65003:1');
    await gobgp.cli('global', 'rib', 'add', '-a', 'ipv6', '2001:db8:30::/48', 'nexthop', '2001:db8::3');
    await waitFor('routes from GoBGP', () => {
      const i = speaker.info('gobgp');
      return i.received.ipv4 === N && i.received.ipv6 === 1;
    }, 10000);
    const peer = speaker.getPeer('gobgp')!;
    expect(peer.ribIn.lookup('10.30.3.1')?.set.attrs).toMatchObject({ nextHop: '192.0.2.3', asPath: [{ type: 2, asns: [65003] }] });
    expect(peer.ribIn.find({ community: 65003 * 65536 + 1 }).length).toBe(N);
    expect(peer.ribIn.lookup('2001:db8:30::1')?.set.attrs.mpReach?.nextHop).toBe('2001:db8::3');
  });

  it('announces IPv4 and IPv6 routes GoBGP then holds, and withdraws them', async () => {
    speaker.announce('gobgp', { attrs: { origin: 0, nextHop: '192.0.2.1', med: 5 }, nlri: ['198.51.100.0/24'] });
    speaker.announce('gobgp', { attrs: { origin: 0, mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::1', nlri: ['2001:db8:99::/48'] } } });
    await waitFor('IPv4 route in GoBGP', async () => (await gobgp.cli('global', 'rib', '-a', 'ipv4')).includes('198.51.100.0/24'), 10000);
    await waitFor('IPv6 route in GoBGP', async () => (await gobgp.cli('global', 'rib', '-a', 'ipv6')).includes('2001:db8:99::/48'), 10000);
    speaker.withdraw('gobgp', ['198.51.100.0/24', '2001:db8:99::/48']);
    await waitFor('withdrawn in GoBGP', async () => {
      const v4 = await gobgp.cli('global', 'rib', '-a', 'ipv4');
      const v6 = await gobgp.cli('global', 'rib', '-a', 'ipv6');
      return !v4.includes('198.51.100.0/24') && !v6.includes('2001:db8:99::/48');
    }, 10000);
  });

  it('route refresh makes GoBGP resend', async () => {
    const before = speaker.info('gobgp').stats.receive.update;
    speaker.routeRefresh('gobgp', 1, 1);
    expect(speaker.info('gobgp').stats.send.routeRefresh).toBe(1);
    await waitFor('updates after route refresh', () => speaker.info('gobgp').stats.receive.update >= before + 1, 10000);
    expect(speaker.info('gobgp').received.ipv4).toBe(N);
  });

  it('manual stop (Cease 2) and start', async () => {
    speaker.manualStop('gobgp');
    expect(speaker.info('gobgp').lastError).toMatchObject({ direction: 'sent', code: 6, subcode: 2 });
    await waitFor('GoBGP sees the session down', async () => !(await gobgp.cli('neighbor')).includes('Establ'), 10000);
    expect(speaker.manualStart('gobgp').ok).toBe(true);
    await established();
    await waitFor('routes again', () => speaker.info('gobgp').received.ipv4 === N, 10000);
  });

  it('reconnects after gobgpd restarts', async () => {
    const downs = states.filter((s) => s === 'ESTABLISHED->IDLE').length;
    await gobgp.restart();
    await waitFor('session dropped', () => states.filter((s) => s === 'ESTABLISHED->IDLE').length > downs, 10000);
    await established(25000);
  });

  it('expires the hold timer (NOTIFICATION 4) when gobgpd is frozen', async () => {
    await established();
    gobgp.signal('SIGSTOP');
    try {
      await waitFor('hold timer expiry', () => speaker.info('gobgp').lastError?.code === 4, 15000);
      expect(speaker.info('gobgp').lastError).toMatchObject({ direction: 'sent', code: 4, subcode: 0 });
      expect(speaker.info('gobgp').state).not.toBe('ESTABLISHED');
    } finally {
      gobgp.signal('SIGCONT');
    }
  });
});
