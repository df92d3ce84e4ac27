// The embedded speaker runs in its own thread (bgp-core/thread): a session with a 3 s hold
// time to BIRD stays Established while the main thread is blocked for 6 s (in-process, the
// hold timer would expire on both sides); and a speaker thread that dies is reported (the
// session down with the SPEAKER_RESTARTED reason), replaced, and the session comes back.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../helpers/server';
import { declareSession } from './peergate-setup';
import { Bird, freePort, requireBinaries, startBird, waitFor } from './daemons';

jest.setTimeout(120_000);

/** Keeps this (the main) thread busy: no timer, socket or message is served meanwhile. */
function blockMainThread(ms: number): void {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  if (x < 0) throw new Error('unreachable');
}

describe('the embedded speaker off the main thread, against BIRD', () => {
  let s: TestServer;
  let bird: Bird;
  let client: Client;
  let sessionId: string;
  const events: any[] = [];
  const mine = () => events.filter((e) => e?.sessionId === sessionId);

  beforeAll(async () => {
    requireBinaries('bird', 'birdc');
    const corePort = await freePort('127.0.0.1');
    const birdPort = await freePort('127.0.0.3');
    bird = await startBird({
      routerId: '127.0.0.3', address: '127.0.0.3', port: birdPort, nextHop: '198.18.0.3', staticRoutes: ['10.66.0.0/24'],
      peers: [{ name: 'peergate', localAs: 65003, neighborAddress: '127.0.0.1', neighborPort: corePort, remoteAs: 65010, holdTime: 3 }],
    });
    s = await startTestServer('pglite', { BGP_WORKER: 'embedded' });
    client = createClient({ url: s.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { authorization: `Token ${s.token}` } });
    client.subscribe({ query: 'subscription { bgpSessionChanged { sessionId state previousState reason downReason { kind } } }' }, {
      next: (v) => events.push(v.data?.bgpSessionChanged), error: () => undefined, complete: () => undefined,
    });
    await new Promise((r) => setTimeout(r, 300));
    sessionId = await declareSession(s, { localAsn: 65010, remoteAsn: 65003, routerIp: '127.0.0.1', corePort, remoteIp: '127.0.0.3', remotePort: birdPort, tag: 'thread' });
    await waitFor('Established', () => mine().some((e) => e.state === 'ESTABLISHED'), 30_000);
  });

  afterAll(async () => {
    await client?.dispose();
    await s?.close();
    await bird?.stop();
  });

  const running = () => {
    const found = s.pg.worker?.find('direct', Number(sessionId));
    if (!found) throw new Error('session not running');
    return found;
  };

  test('a 3 s hold-time session stays Established while the main thread is blocked for 6 s', async () => {
    const before = await running().speaker.info(running().peerId);
    expect(before.state).toBe('ESTABLISHED');
    expect(before.negotiated?.holdTime).toBe(3);
    const seen = mine().length;

    blockMainThread(6000);

    // Whatever the thread reported meanwhile arrives now.
    await new Promise((r) => setTimeout(r, 1000));
    const after = await running().speaker.info(running().peerId);
    expect(after.state).toBe('ESTABLISHED');
    // Keepalives went both ways during the block, and no NOTIFICATION (hold timer or any other).
    expect(after.stats.receive.keepalive).toBeGreaterThan(before.stats.receive.keepalive);
    expect(after.stats.send.keepalive).toBeGreaterThan(before.stats.send.keepalive);
    expect(after.stats.send.notification).toBe(before.stats.send.notification);
    expect(after.stats.receive.notification).toBe(before.stats.receive.notification);
    expect(mine().slice(seen).filter((e) => e.previousState === 'ESTABLISHED' || e.state !== 'ESTABLISHED')).toEqual([]);
    const birdSide = await bird.birdc('show', 'protocols', 'all', 'peergate');
    expect(birdSide).toMatch(/Established/);
    expect(birdSide).not.toMatch(/Hold timer expired/i);
  });

  test('a speaker thread that dies: the session is reported down with a typed reason, a new thread brings it back', async () => {
    const seen = mine().length;
    // Not close(): from the outside this is the thread dying.
    await (s.pg.worker!.thread as any).worker.terminate();
    const down = await waitFor('down event', () => mine().slice(seen).find((e) => e.state === 'IDLE'), 15_000);
    expect(down.previousState).toBe('ESTABLISHED');
    expect(down.downReason?.kind).toBe('SPEAKER_RESTARTED');
    await waitFor('Established again', () => mine().slice(seen).some((e) => e.state === 'ESTABLISHED'), 30_000);
    const again = await running().speaker.info(running().peerId);
    expect(again.state).toBe('ESTABLISHED');
    await waitFor('BIRD Established again', async () => /Established/.test(await bird.birdc('show', 'protocols', 'peergate')), 15_000);
  });
});
