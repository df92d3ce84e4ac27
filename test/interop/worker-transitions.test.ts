// Worker-level acceptance of bgp-core's session handling, each transition observed by a
// graphql-ws `bgpSessionChanged` subscriber: Established with GoBGP and BIRD, reconnection
// after BIRD restarts, hold-timer expiry (NOTIFICATION code 4) when BIRD is frozen, and
// route refresh making the peer resend. BIRD and GoBGP negotiate the hold time down to 6 s.
import type { Client } from 'graphql-ws';
import { startTestServer, type TestServer } from '../helpers/server';
import { Bird, Gobgp, freePort, requireBinaries, startBird, startGobgp, waitFor } from './daemons';
import { declareSession, subscribeEvents, type SessionEvent } from './peergate-setup';

const BIRD_IP = '127.0.0.6';
const GOBGP_IP = '127.0.0.7';
const ROUTES = Array.from({ length: 10 }, (_, i) => `10.66.${i}.0/24`);

describe('bgp-core worker: session transitions seen by a subscriber', () => {
  let s: TestServer;
  let bird: Bird;
  let gobgp: Gobgp;
  let client: Client;
  let events: SessionEvent[];
  let birdSession: string;
  let gobgpSession: string;

  beforeAll(async () => {
    requireBinaries('bird', 'birdc', 'gobgpd', 'gobgp');
    const [coreBird, coreGobgp, birdPort, gobgpPort, apiPort] = await Promise.all([
      freePort('127.0.0.1'), freePort('127.0.0.1'), freePort(BIRD_IP), freePort(GOBGP_IP), freePort('127.0.0.1'),
    ]);
    bird = await startBird({
      routerId: BIRD_IP, address: BIRD_IP, port: birdPort, nextHop: '198.18.0.6', staticRoutes: ROUTES,
      peers: [{ name: 'peergate', localAs: 65006, neighborAddress: '127.0.0.1', neighborPort: coreBird, remoteAs: 65020, holdTime: 6 }],
    });
    gobgp = await startGobgp({
      as: 65007, routerId: GOBGP_IP, address: GOBGP_IP, port: gobgpPort, apiPort,
      neighbors: [{ address: '127.0.0.1', peerAs: 65021, remotePort: coreGobgp, holdTime: 6 }],
    });
    await gobgp.cli('global', 'rib', 'add', '-a', 'ipv4', '10.67.0.0/24', 'nexthop', '192.0.2.7');
    s = await startTestServer('pglite', { BGP_WORKER: 'embedded' });
    ({ client, events } = await subscribeEvents(s));
    birdSession = await declareSession(s, { localAsn: 65020, remoteAsn: 65006, routerIp: '127.0.0.1', corePort: coreBird, remoteIp: BIRD_IP, remotePort: birdPort, tag: 'tb' });
    gobgpSession = await declareSession(s, { localAsn: 65021, remoteAsn: 65007, routerIp: '127.0.0.1', corePort: coreGobgp, remoteIp: GOBGP_IP, remotePort: gobgpPort, tag: 'tg' });
  });

  afterAll(async () => {
    await client?.dispose();
    await s?.close();
    await bird?.stop();
    await gobgp?.stop();
  });

  const of = (id: string) => events.filter((e) => String(e.sessionId) === id);
  const reached = (id: string, state: string, after = 0) => () => of(id).slice(after).find((e) => e.state === state && e.previousState !== null);
  const peer = async (id: string) => (await s.gql(`{ bgpPeer(sessionType: "direct", sessionId: "${id}") { state lastError negotiated statistics } }`)).data.bgpPeer;

  test('both GoBGP and BIRD reach Established, through OpenSent/OpenConfirm', async () => {
    await waitFor('BIRD established', reached(birdSession, 'ESTABLISHED'), 30_000);
    await waitFor('GoBGP established', reached(gobgpSession, 'ESTABLISHED'), 30_000);
    for (const id of [birdSession, gobgpSession]) {
      const states = of(id).filter((e) => e.previousState !== null).map((e) => e.state);
      expect(states).toEqual(expect.arrayContaining(['OPENSENT', 'OPENCONFIRM', 'ESTABLISHED']));
      expect((await peer(id)).negotiated.holdTime).toBe(6);
    }
    await waitFor('GoBGP route counted', () => of(gobgpSession).find((e) => e.receivedPrefixCount === 1), 10_000);
    await waitFor('BIRD routes counted', () => of(birdSession).find((e) => e.receivedPrefixCount === ROUTES.length), 10_000);
  });

  test('route refresh makes the peer resend, seen in the published message counters', async () => {
    for (const id of [birdSession, gobgpSession]) {
      const before = (await peer(id)).statistics.receive.update;
      const mark = of(id).length;
      const inBefore = of(id).at(-1)?.messagesIn ?? 0;
      const r = await s.gql(`mutation { bgpRouteRefresh(sessionType: "direct", sessionId: "${id}", afi: 1, safi: 1) }`);
      expect(r.errors).toBeUndefined();
      await waitFor('peer resent', async () => (await peer(id)).statistics.receive.update > before, 10_000);
      await waitFor('counters published', () => of(id).slice(mark).find((e) => e.messagesIn > inBefore), 5_000);
      expect(of(id).at(-1)!.receivedPrefixCount).toBe(id === birdSession ? ROUTES.length : 1);
    }
  });

  test('BIRD restarting: the session drops and comes back by itself', async () => {
    const mark = of(birdSession).length;
    await bird.restart();
    const down = await waitFor('session left Established', () => of(birdSession).slice(mark).find((e) => e.previousState === 'ESTABLISHED'), 15_000);
    expect(down.state).not.toBe('ESTABLISHED');
    // BIRD says goodbye with a Cease on shutdown, or the connection just closes.
    expect(down.lastError).toMatch(/received Cease|connection closed|socket error/);
    await waitFor('re-established after restart', reached(birdSession, 'ESTABLISHED', mark), 40_000);
    await waitFor('routes back', () => of(birdSession).slice(mark).find((e) => e.receivedPrefixCount === ROUTES.length), 15_000);
  });

  test('a frozen BIRD (SIGSTOP) ends in hold-timer expiry with NOTIFICATION code 4, then recovers', async () => {
    const mark = of(birdSession).length;
    bird.signal('SIGSTOP');
    try {
      const down = await waitFor('hold timer expiry', () => of(birdSession).slice(mark).find((e) => e.previousState === 'ESTABLISHED'), 15_000);
      expect(down.lastError).toMatch(/^sent Hold Timer Expired/);
      expect([down.lastErrorCode, down.lastErrorSubcode]).toEqual([4, 0]);
      expect(down.reason).toMatch(/hold/i);
      expect((await peer(birdSession)).lastError).toMatchObject({ direction: 'sent', code: 4, subcode: 0, codeName: 'Hold Timer Expired' });
    } finally {
      bird.signal('SIGCONT');
    }
    await waitFor('re-established after thaw', reached(birdSession, 'ESTABLISHED', mark), 40_000);
    // GoBGP was never touched.
    expect((await peer(gobgpSession)).state).toBe('ESTABLISHED');
  });

  test('a new subscriber gets a snapshot of every running peer first', async () => {
    const late = await subscribeEvents(s);
    try {
      await waitFor('snapshot of both', () => late.events.filter((e) => e.reason === 'snapshot').length >= 2, 5_000);
      const snap = late.events.filter((e) => e.reason === 'snapshot');
      expect(snap.map((e) => String(e.sessionId)).sort()).toEqual([birdSession, gobgpSession].sort());
      expect(snap.every((e) => e.state === 'ESTABLISHED' && e.previousState === null)).toBe(true);
      expect(late.events.indexOf(snap[0])).toBe(0);
    } finally {
      await late.client.dispose();
    }
  });

  test('deleting a session publishes its deletion after the Cease', async () => {
    const mark = of(gobgpSession).length;
    const r = await s.gql(`mutation { deleteDirectPeeringSession(id: "${gobgpSession}") }`);
    expect(r.errors).toBeUndefined();
    const gone = await waitFor('deleted event', () => of(gobgpSession).slice(mark).find((e) => e.state === 'DELETED'), 10_000);
    expect(gone.reason).toBe('peer de-configured');
    expect(of(gobgpSession).slice(mark).find((e) => e.previousState === 'ESTABLISHED')?.state).toBe('IDLE');
    await waitFor('GoBGP sees the Cease', async () => !(await gobgp.cli('neighbor')).includes('Establ'), 10_000);
  });
});
