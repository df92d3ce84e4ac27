// Max-prefix from the source of truth against a real BIRD: the peer AS's ipv4_max_prefixes
// bounds the session the embedded worker runs. BIRD reaches the warning threshold, then sends
// one prefix too many: bgp-core ends the session with Cease / Maximum Number of Prefixes
// Reached (RFC 4486) and holds it down; raising the AS's limit in the data brings it back.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from 'graphql-ws';
import { startTestServer, type TestServer } from '../helpers/server';
import { Bird, freePort, requireBinaries, startBird, waitFor } from './daemons';
import { subscribeEvents, type SessionEvent } from './peergate-setup';

const LIMIT = 5;
const routes = (n: number) => Array.from({ length: n }, (_, i) => `10.66.${i}.0/24`);

describe('interop: max-prefix from the peer AS against BIRD', () => {
  let s: TestServer;
  let bird: Bird;
  let client: Client;
  let events: SessionEvent[];
  let sessionId: string;
  let remoteAsId: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-maxpfx-'));
  const staticFile = path.join(dir, 'static.conf');
  const setRoutes = (list: string[]) =>
    fs.writeFileSync(staticFile, `protocol static s4 {\n  ipv4;\n${list.map((r) => `  route ${r} blackhole;`).join('\n')}\n}\n`);
  const mine = () => events.filter((e) => e.sessionId === sessionId);

  beforeAll(async () => {
    requireBinaries('bird', 'birdc');
    const corePort = await freePort('127.0.0.1');
    const birdPort = await freePort('127.0.0.9');
    // 80% of 5 is 4: BIRD starts at the threshold.
    setRoutes(routes(LIMIT - 1));
    bird = await startBird({
      routerId: '127.0.0.9', address: '127.0.0.9', port: birdPort, nextHop: '198.18.0.9', staticFile,
      peers: [{ name: 'peergate', localAs: 65009, neighborAddress: '127.0.0.1', neighborPort: corePort, remoteAs: 65010, holdTime: 6 }],
    });
    s = await startTestServer('pglite', { BGP_WORKER: 'embedded', BGP_MAX_PREFIX_WARNING_PERCENT: '80' });
    ({ client, events } = await subscribeEvents(s));
    const setup = await s.gql(`mutation {
      local: createAutonomousSystem(input: {asn: 65010, name: "PeerGate"}) { id }
      remote: createAutonomousSystem(input: {asn: 65009, name: "BIRD", ipv4MaxPrefixes: ${LIMIT}}) { id }
      rel: createRelationship(input: {name: "Peer", slug: "peer"}) { id }
      platform: createPlatform(input: {name: "bgp-core", slug: "bgp-core"}) { id }
    }`);
    expect(setup.errors).toBeUndefined();
    remoteAsId = setup.data.remote.id;
    const router = await s.gql(`mutation { createRouter(input: {name: "pg1", hostname: "pg1", platformId: "${setup.data.platform.id}",
      localAutonomousSystemId: "${setup.data.local.id}", bgpSpeaker: true, routerId: "127.0.0.1", bgpListenAddress: "127.0.0.1", bgpListenPort: ${corePort}}) { id } }`);
    expect(router.errors).toBeUndefined();
    const session = await s.gql(`mutation { createDirectPeeringSession(input: {localAutonomousSystemId: "${setup.data.local.id}",
      autonomousSystemId: "${remoteAsId}", ipAddress: "127.0.0.9", localIpAddress: "127.0.0.1", relationshipId: "${setup.data.rel.id}",
      routerId: "${router.data.createRouter.id}", remotePort: ${birdPort}}) { id } }`);
    expect(session.errors).toBeUndefined();
    sessionId = session.data.createDirectPeeringSession.id;
  }, 60_000);

  afterAll(async () => {
    await client?.dispose();
    await s?.close();
    await bird?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('at the threshold the session stays up and a warning event is published', async () => {
    await waitFor('established', () => mine().find((e) => e.state === 'ESTABLISHED' && e.previousState), 30_000);
    const warning = await waitFor('max-prefix warning', () => mine().find((e) => e.reason?.includes('max-prefix warning')), 20_000);
    expect(warning.reason).toBe(`max-prefix warning: ${LIMIT - 1} ipv4 prefixes received, 80% threshold of the limit ${LIMIT} reached`);
    expect(warning.state).toBe('ESTABLISHED');
    expect(mine().some((e) => e.state === 'IDLE')).toBe(false);
  });

  test('one prefix too many: Cease / Maximum Number of Prefixes Reached, BIRD shows it, the session is held down', async () => {
    const warnings = () => mine().filter((e) => e.reason?.includes('max-prefix warning')).length;
    expect(warnings()).toBe(1);
    setRoutes(routes(LIMIT + 1));
    expect(await bird.birdc('configure')).toMatch(/Reconfigured|Reconfiguration in progress/);
    const down = await waitFor('down for max-prefix', () => mine().find((e) => e.state === 'IDLE'), 20_000);
    expect(down.reason).toBe(`maximum number of prefixes reached (ipv4, limit ${LIMIT})`);
    expect(down.lastErrorCode).toBe(6);
    expect(down.lastErrorSubcode).toBe(1);
    expect(down.lastError).toContain('Maximum Number of Prefixes Reached');
    // The warning came once, before the limit was passed.
    expect(warnings()).toBe(1);
    await waitFor('BIRD names the received Cease', async () =>
      /Received: Maximum number of prefixes reached/i.test(await bird.birdc('show', 'protocols', 'all', 'peergate')) ? true : null, 10_000);
    // BIRD retries after its error wait (1-2 s here); bgp-core's hold (60 s default) keeps it down.
    await new Promise((r) => setTimeout(r, 3000));
    const peer = await s.gql(`{ bgpPeer(sessionType: "direct", sessionId: "${sessionId}") { state } }`);
    expect(peer.data.bgpPeer.state).toBe('IDLE');
  });

  test('raising the AS limit in the data brings the session back with every route', async () => {
    const before = mine().length;
    const up = await s.gql(`mutation { updateAutonomousSystem(id: "${remoteAsId}", input: {ipv4MaxPrefixes: ${LIMIT * 4}}) { id ipv4MaxPrefixes } }`);
    expect(up.errors).toBeUndefined();
    await waitFor('established again', () => mine().slice(before).find((e) => e.state === 'ESTABLISHED' && e.previousState), 30_000);
    await waitFor('all routes', () => mine().slice(before).find((e) => e.receivedPrefixCount === LIMIT + 1), 20_000);
    const peer = await s.gql(`{ bgpPeer(sessionType: "direct", sessionId: "${sessionId}") { state } }`);
    expect(peer.data.bgpPeer.state).toBe('ESTABLISHED');
  });
});
