// Typed down reasons against a real BIRD: a stop with a shutdown communication (RFC 8203/9003)
// that BIRD shows, BIRD's own `disable "text"` decoded into the event and peer, and a hold timer
// expiry while BIRD is frozen. BIRD is passive, so every session is PeerGate's connection and no
// collision or redial of BIRD's changes which error is last.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../helpers/server';
import { Bird, freePort, requireBinaries, startBird, waitFor } from './daemons';
import { declareSession } from './peergate-setup';

interface DownReason { kind: string; direction: string | null; code: number | null; subcode: number | null; codeName: string | null; subcodeName: string | null; communication: string | null; detail: string }
interface Event { sessionId: string; state: string; previousState: string | null; reason: string | null; downReason: DownReason | null }

const DOWN_REASON = 'downReason { kind direction code subcode codeName subcodeName communication detail }';

describe('interop: typed down reasons and shutdown communication against BIRD', () => {
  let s: TestServer;
  let bird: Bird;
  let client: Client;
  let sessionId: string;
  const events: Event[] = [];
  const mine = () => events.filter((e) => e.sessionId === sessionId);
  /** The next time the session leaves Established, after `from` events. */
  const wentDown = (from: number) => waitFor('session down', () => mine().slice(from).find((e) => e.previousState === 'ESTABLISHED'), 20_000);
  const established = (from: number) => waitFor('established', () => mine().slice(from).find((e) => e.state === 'ESTABLISHED' && e.previousState), 30_000);
  const showCore = () => bird.birdc('show', 'protocols', 'all', 'core');

  beforeAll(async () => {
    requireBinaries('bird', 'birdc');
    const corePort = await freePort('127.0.0.1');
    const birdPort = await freePort('127.0.0.15');
    bird = await startBird({
      routerId: '127.0.0.15', address: '127.0.0.15', port: birdPort, staticRoutes: ['10.15.0.0/24'],
      peers: [{ name: 'core', localAs: 65015, neighborAddress: '127.0.0.1', neighborPort: corePort, remoteAs: 65010, holdTime: 3, passive: true }],
    });
    s = await startTestServer('pglite', { BGP_WORKER: 'embedded' });
    client = createClient({ url: s.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { authorization: `Token ${s.token}` } });
    client.subscribe({ query: `subscription { bgpSessionChanged { sessionId state previousState reason ${DOWN_REASON} } }` }, {
      next: (v) => { if (v.data?.bgpSessionChanged) events.push(v.data.bgpSessionChanged as unknown as Event); }, error: () => undefined, complete: () => undefined,
    });
    await new Promise((r) => setTimeout(r, 300));
    sessionId = await declareSession(s, { localAsn: 65010, remoteAsn: 65015, routerIp: '127.0.0.1', corePort, remoteIp: '127.0.0.15', remotePort: birdPort, tag: 'down' });
    await established(0);
  }, 60_000);

  afterAll(async () => {
    await client?.dispose();
    await s?.close();
    await bird?.stop();
  });

  test('bgpSessionStop with a communication: BIRD shows the text; over 255 bytes is refused', async () => {
    const tooLong = await s.gql(`mutation { bgpSessionStop(sessionType: "direct", sessionId: "${sessionId}", communication: "${'x'.repeat(256)}") }`);
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const from = mine().length;
    const r = await s.gql(`mutation { bgpSessionStop(sessionType: "direct", sessionId: "${sessionId}", communication: "PeerGate: planned maintenance ✓") }`);
    expect(r.errors).toBeUndefined();
    const down = await wentDown(from);
    expect(down.downReason).toMatchObject({ kind: 'ADMINISTRATIVE_SHUTDOWN', direction: 'SENT', code: 6, subcode: 2, communication: 'PeerGate: planned maintenance ✓' });
    const shown = await waitFor('BIRD shows the communication', async () => {
      const out = await showCore();
      return /Message:\s+PeerGate: planned maintenance ✓/.test(out) ? out : null;
    }, 10_000);
    expect(shown).toMatch(/Last error:\s+Received: Administrative shutdown/);
    // Written back to the session with its state; GraphQL shows it, Peering Manager's representation has no such field.
    const row = await waitFor('the down reason on the session', async () => {
      const d = (await s.gql(`{ directPeeringSession(id: "${sessionId}") { bgpState lastDownReason } }`)).data?.directPeeringSession;
      return d?.lastDownReason ? d : null;
    }, 10_000);
    expect(row.bgpState).not.toBe('ESTABLISHED');
    expect(row.lastDownReason).toMatchObject({ kind: 'ADMINISTRATIVE_SHUTDOWN', direction: 'SENT', code: 6, subcode: 2, codeName: 'Cease', communication: 'PeerGate: planned maintenance ✓' });
    const rest = await s.http('GET', `/api/peering/direct-peering-sessions/${sessionId}/`);
    expect(rest.status).toBe(200);
    expect(rest.json.bgp_state).toBe(String(row.bgpState).toLowerCase());
    expect(Object.keys(rest.json)).not.toContain('last_down_reason');
    const again = mine().length;
    expect((await s.gql(`mutation { bgpSessionStart(sessionType: "direct", sessionId: "${sessionId}") }`)).errors).toBeUndefined();
    await established(again);
  });

  test('BIRD disables the session with a message: kind, direction and communication in the event and the peer', async () => {
    const from = mine().length;
    await bird.birdc('disable', 'core', '"maintenance until 10:00"');
    const down = await wentDown(from);
    expect(down.downReason).toMatchObject({
      kind: 'ADMINISTRATIVE_SHUTDOWN', direction: 'RECEIVED', code: 6, subcode: 2, codeName: 'Cease', subcodeName: 'Administrative Shutdown', communication: 'maintenance until 10:00',
    });
    // The free-text fields stay for existing clients.
    expect(down.reason).toContain('maintenance until 10:00');
    // PeerGate redials and the disabled BIRD turns it away: the last error moves on, the peer's down reason stays.
    const peer = () => s.gql(`{ bgpPeer(sessionType: "direct", sessionId: "${sessionId}") { lastError ${DOWN_REASON} } }`);
    const after = await waitFor('a redial turned away', async () => { const p = (await peer()).data.bgpPeer; return p.lastError?.direction === 'local' ? p : null; }, 15_000);
    expect(after.downReason).toMatchObject({ kind: 'ADMINISTRATIVE_SHUTDOWN', direction: 'RECEIVED', communication: 'maintenance until 10:00' });
    const back = mine().length;
    await bird.birdc('enable', 'core');
    await waitFor('BIRD listens again', async () => (/BGP state:\s+Passive/.test(await showCore()) ? true : null), 15_000);
    // The turned-away redials backed off (connect retry, idle hold): an operator's stop and start redials now.
    expect((await s.gql(`mutation { bgpSessionStop(sessionType: "direct", sessionId: "${sessionId}") }`)).errors).toBeUndefined();
    expect((await s.gql(`mutation { bgpSessionStart(sessionType: "direct", sessionId: "${sessionId}") }`)).errors).toBeUndefined();
    await established(back);
  });

  test('BIRD frozen past the 3 s hold time: HOLD_TIMER_EXPIRED, sent by PeerGate', async () => {
    const from = mine().length;
    const logFrom = bird.log().length;
    bird.signal('SIGSTOP');
    try {
      const down = await wentDown(from);
      expect(down.downReason).toMatchObject({ kind: 'HOLD_TIMER_EXPIRED', direction: 'SENT', code: 4, subcode: 0, codeName: 'Hold Timer Expired' });
      const peer = await s.gql(`{ bgpPeer(sessionType: "direct", sessionId: "${sessionId}") { ${DOWN_REASON} } }`);
      expect(peer.data.bgpPeer.downReason).toMatchObject({ kind: 'HOLD_TIMER_EXPIRED', direction: 'SENT' });
    } finally {
      bird.signal('SIGCONT');
    }
    // BIRD, running again, reads PeerGate's NOTIFICATION. Its log, not `show protocols`: PeerGate
    // may redial as soon as BIRD listens again, and a new session clears the "Last error" shown.
    await waitFor('BIRD got the Hold Timer Expired', () => (/core: Received: Hold timer expired/.test(bird.log().slice(logFrom)) ? true : null), 15_000)
      .catch((e: Error) => { throw new Error(`${e.message}; BIRD logged:\n${bird.log().slice(logFrom).slice(-3000)}`); });
    // BIRD listens again after its error wait. PeerGate redials then on its own, unless its idle hold
    // has grown long with the turned-away redials (above and during that wait): then an operator's
    // stop and start redials now.
    const back = mine().length;
    const state = await waitFor('BIRD listening again, or the session back', async () => {
      const shown = await showCore();
      return /BGP state:\s+Established/.test(shown) ? 'up' : /BGP state:\s+Passive/.test(shown) ? 'listening' : null;
    }, 30_000);
    if (state === 'listening') {
      expect((await s.gql(`mutation { bgpSessionStop(sessionType: "direct", sessionId: "${sessionId}") }`)).errors).toBeUndefined();
      expect((await s.gql(`mutation { bgpSessionStart(sessionType: "direct", sessionId: "${sessionId}") }`)).errors).toBeUndefined();
    }
    await established(back);
  });
});
