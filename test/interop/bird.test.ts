// bgp-core against a real BIRD 2 on loopback addresses (see README.md here for the install line).
import { BgpSpeaker, PeerConfig } from '../../bgp-core';
import { Bird, freePort, requireBinaries, startBird, waitFor } from './daemons';

const N = 50;
const ROUTES = Array.from({ length: N }, (_, i) => `10.20.${i}.0/24`);

describe('interop: BIRD 2', () => {
  let bird: Bird;
  let speaker: BgpSpeaker;
  let cfg: PeerConfig;
  const states: string[] = [];

  beforeAll(async () => {
    requireBinaries('bird', 'birdc');
    const corePort = await freePort('127.0.0.1');
    const birdPort = await freePort('127.0.0.2');
    bird = await startBird({
      routerId: '127.0.0.2',
      address: '127.0.0.2',
      port: birdPort,
      nextHop: '198.18.0.2',
      staticRoutes: ROUTES,
      peers: [{ name: 'core', localAs: 65002, neighborAddress: '127.0.0.1', neighborPort: corePort, remoteAs: 65001, holdTime: 6 }],
    });
    speaker = new BgpSpeaker({ listen: { address: '127.0.0.1', port: corePort }, counterIntervalMs: 100 });
    speaker.on('state', (e) => states.push(`${e.from}->${e.to}`));
    await speaker.start();
    cfg = {
      id: 'bird',
      localAs: 65001,
      routerId: '127.0.0.1',
      localAddress: '127.0.0.1',
      remoteAddress: '127.0.0.2',
      remotePort: birdPort,
      remoteAs: 65002,
      holdTime: 6,
      connectRetryTime: 2,
      idleHoldTime: 1,
      idleHoldTimeMax: 2,
      families: ['ipv4'],
    };
    speaker.addPeer(cfg);
  });

  afterAll(async () => {
    await speaker?.stop();
    await bird?.stop();
  });

  const established = (ms = 20000): Promise<unknown> =>
    waitFor('session Established with BIRD', () => speaker.info('bird').state === 'ESTABLISHED', ms);

  it('reaches Established and negotiates capabilities', async () => {
    await established();
    const info = speaker.info('bird');
    expect(info.negotiated).toMatchObject({ as4: true, families: ['ipv4'], routeRefresh: true, holdTime: 6, keepaliveTime: 2 });
    expect(info.remoteRouterId).toBe('127.0.0.2');
    expect(info.capability.remote?.fourOctetAs).toBe(true);
    expect(await bird.birdc('show', 'protocols', 'core')).toMatch(/Established/);
  });

  it(`counts the ${N} routes BIRD sends and answers lookups from the Adj-RIB-In`, async () => {
    await waitFor('routes from BIRD', () => speaker.info('bird').received.ipv4 === N, 10000);
    const peer = speaker.getPeer('bird')!;
    const hit = peer.ribIn.lookup('10.20.7.9');
    expect(hit?.prefix).toBe('10.20.7.0/24');
    expect(hit?.set.attrs.asPath).toEqual([{ type: 2, asns: [65002] }]);
    expect(hit?.set.attrs.nextHop).toBe('198.18.0.2');
    expect(peer.ribIn.find({ asPathContains: 65002 }).length).toBe(N);
    expect(speaker.info('bird').versions.received.ipv4).toBeGreaterThanOrEqual(N);
    expect(speaker.info('bird').stats.receive.update).toBeGreaterThan(0);
  });

  it('announces a route BIRD then shows, and withdraws it', async () => {
    speaker.announce('bird', {
      attrs: { origin: 0, nextHop: '192.0.2.1', communities: [65001 * 65536 + 7], largeCommunities: [[65001, 1, 2]] },
      nlri: ['198.51.100.0/24', '203.0.113.0/25'],
    });
    const shown = await waitFor('route in BIRD', async () => {
      const out = await bird.birdc('show', 'route', 'all', 'protocol', 'core');
      return out.includes('198.51.100.0/24') && out.includes('203.0.113.0/25') ? out : null;
    }, 10000);
    expect(shown).toMatch(/BGP.as_path: 65001/);
    expect(shown).toMatch(/\(65001,7\)/);
    expect(speaker.info('bird').advertised.ipv4).toBe(2);
    speaker.withdraw('bird', ['198.51.100.0/24']);
    await waitFor('withdraw in BIRD', async () => {
      const out = await bird.birdc('show', 'route', 'protocol', 'core');
      return !out.includes('198.51.100.0/24') && out.includes('203.0.113.0/25');
    }, 10000);
    expect(speaker.info('bird').advertised.ipv4).toBe(1);
  });

  it('route refresh makes BIRD resend its routes', async () => {
    const before = speaker.info('bird').stats.receive.update;
    speaker.routeRefresh('bird', 1, 1);
    await waitFor('updates after route refresh', () => speaker.info('bird').stats.receive.update > before, 10000);
    await waitFor('table intact after refresh', () => speaker.info('bird').received.ipv4 === N, 5000);
  });

  it('manual stop sends Cease/Administrative Shutdown; manual start re-establishes', async () => {
    speaker.manualStop('bird', 'maintenance');
    expect(speaker.info('bird').state).toBe('IDLE');
    expect(speaker.info('bird').lastError).toMatchObject({ direction: 'sent', code: 6, subcode: 2 });
    const out = await waitFor('BIRD sees the shutdown', async () => {
      const o = await bird.birdc('show', 'protocols', 'all', 'core');
      return /Administrative shutdown/i.test(o) ? o : null;
    }, 10000);
    expect(out).toMatch(/maintenance/);
    expect(speaker.info('bird').received.ipv4).toBe(0);
    expect(speaker.manualStart('bird').ok).toBe(true);
    expect(speaker.manualStart('bird')).toMatchObject({ ok: false, refusal: { kind: 'already-started' } });
    await established();
    await waitFor('routes again', () => speaker.info('bird').received.ipv4 === N, 10000);
    // Adj-RIB-Out survives the restart and is re-sent.
    await waitFor('announced route re-sent', async () => (await bird.birdc('show', 'route', 'protocol', 'core')).includes('203.0.113.0/25'), 10000);
  });

  it('reconnects after BIRD restarts', async () => {
    const downs = states.filter((s) => s === 'ESTABLISHED->IDLE').length;
    await bird.restart();
    await waitFor('session dropped', () => states.filter((s) => s === 'ESTABLISHED->IDLE').length > downs, 10000);
    await established(25000);
    await waitFor('routes after restart', () => speaker.info('bird').received.ipv4 === N, 10000);
  });

  it('expires the hold timer (NOTIFICATION 4) when BIRD is frozen', async () => {
    await established();
    bird.signal('SIGSTOP');
    try {
      await waitFor('hold timer expiry', () => speaker.info('bird').lastError?.code === 4, 15000);
      expect(speaker.info('bird').lastError).toMatchObject({ direction: 'sent', code: 4, subcode: 0, codeName: 'Hold Timer Expired' });
      expect(speaker.info('bird').received.ipv4).toBe(0);
    } finally {
      bird.signal('SIGCONT');
    }
  });
});
