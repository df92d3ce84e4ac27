// Graceful restart (RFC 4724) with a real BIRD 2 as the restarting router and bgp-core as
// the receiving speaker: a crash keeps BIRD's routes (stale), the restarted BIRD's
// End-of-RIB removes only what it no longer announces; a Cease drops them at once; a BIRD
// that does not come back loses them when its Restart Time is over.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BgpSpeaker, type PeerConfig } from '../../bgp-core';
import { Bird, freePort, requireBinaries, startBird, waitFor } from './daemons';

const RESTART_TIME = 10;

describe('interop: graceful restart with BIRD 2', () => {
  let bird: Bird;
  let speaker: BgpSpeaker;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-gr-'));
  const staticFile = path.join(dir, 'static.conf');
  const withdrawn: number[] = [];
  const setRoutes = (routes: string[]) =>
    fs.writeFileSync(staticFile, `protocol static s4 {\n  ipv4;\n${routes.map((r) => `  route ${r} blackhole;`).join('\n')}\n}\n`);
  const prefixes = () => [...speaker.getPeer('bird')!.ribIn.ipv4.entries()].map((e) => e.prefix).sort();
  const established = () => waitFor('Established with BIRD', () => speaker.info('bird').state === 'ESTABLISHED', 20_000);

  beforeAll(async () => {
    requireBinaries('bird', 'birdc');
    const corePort = await freePort('127.0.0.1');
    const birdPort = await freePort('127.0.0.2');
    setRoutes(['10.40.1.0/24', '10.40.2.0/24', '10.40.3.0/24']);
    bird = await startBird({
      routerId: '127.0.0.2', address: '127.0.0.2', port: birdPort, nextHop: '198.18.0.2', staticFile,
      // Passive: only bgp-core dials, so no connection collision (and its Cease) gets in the way.
      peers: [{ name: 'core', localAs: 65002, neighborAddress: '127.0.0.1', neighborPort: corePort, remoteAs: 65001, holdTime: 6, gracefulRestart: RESTART_TIME, passive: true }],
    });
    speaker = new BgpSpeaker({ listen: { address: '127.0.0.1', port: corePort }, counterIntervalMs: 100 });
    await speaker.start();
    const cfg: PeerConfig = {
      id: 'bird', localAs: 65001, routerId: '127.0.0.1', localAddress: '127.0.0.1', remoteAddress: '127.0.0.2', remotePort: birdPort,
      remoteAs: 65002, holdTime: 6, connectRetryTime: 1, idleHoldTime: 0.5, idleHoldTimeMax: 1, families: ['ipv4'],
    };
    speaker.addPeer(cfg).on('routes', (_f, _announced, n) => withdrawn.push(n));
    await established();
    await waitFor('BIRD routes', () => speaker.info('bird').received.ipv4 === 3, 10_000);
  }, 60_000);

  afterAll(async () => {
    await speaker?.stop();
    await bird?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('BIRD advertises the capability with its Restart Time', () => {
    expect(speaker.info('bird').negotiated?.gracefulRestart).toBe(true);
    expect(speaker.getPeer('bird')!.remoteOpen?.capabilities.gracefulRestart).toMatchObject({ restartTime: RESTART_TIME });
  });

  test('a crash keeps the routes stale; after the restart, End-of-RIB removes only the route BIRD dropped', async () => {
    setRoutes(['10.40.2.0/24', '10.40.3.0/24', '10.40.4.0/24']);
    withdrawn.length = 0;
    await bird.crash();
    await waitFor('session down', () => speaker.info('bird').state !== 'ESTABLISHED', 15_000);
    expect(speaker.info('bird').staleFamilies).toEqual(['ipv4']);
    expect(speaker.info('bird').received.ipv4).toBe(3);
    expect(prefixes()).toEqual(['10.40.1.0/24', '10.40.2.0/24', '10.40.3.0/24']);

    await bird.restart({ recovery: true });
    await established();
    // BIRD restarting with forwarding kept sets the F bit; its routes replace the stale ones.
    expect(speaker.getPeer('bird')!.remoteOpen?.capabilities.gracefulRestart?.families).toEqual([{ afi: 1, safi: 1, forwarding: true }]);
    await waitFor('End-of-RIB from BIRD', () => speaker.info('bird').staleFamilies.length === 0, 20_000);
    expect(prefixes()).toEqual(['10.40.2.0/24', '10.40.3.0/24', '10.40.4.0/24']);
    await new Promise((r) => setTimeout(r, 300)); // route events are throttled
    expect(withdrawn.reduce((a, b) => a + b, 0)).toBe(1);
  }, 60_000);

  test('a Cease (NOTIFICATION) is not a graceful restart: the routes go at once', async () => {
    await bird.birdc('disable', 'core');
    await waitFor('session down', () => speaker.info('bird').state !== 'ESTABLISHED', 10_000);
    expect(speaker.info('bird').lastError).toMatchObject({ direction: 'received', code: 6 });
    expect(speaker.info('bird').staleFamilies).toEqual([]);
    expect(speaker.info('bird').received.ipv4).toBe(0);
    await bird.birdc('enable', 'core');
    await established();
    await waitFor('routes back', () => speaker.info('bird').received.ipv4 === 3, 10_000);
  }, 40_000);

  test('a BIRD that does not come back loses its routes when the Restart Time is over', async () => {
    await bird.crash();
    const downAt = Date.now();
    await waitFor('session down', () => speaker.info('bird').state !== 'ESTABLISHED', 15_000);
    expect(speaker.info('bird').received.ipv4).toBe(3);
    await waitFor('stale routes expired', () => speaker.info('bird').received.ipv4 === 0, (RESTART_TIME + 5) * 1000);
    expect(Date.now() - downAt).toBeGreaterThanOrEqual((RESTART_TIME - 1) * 1000);
    expect(speaker.info('bird').staleFamilies).toEqual([]);
  }, 40_000);
});
