// One speaker API on every gateway (issue 15 §4), with real processes on one PostgreSQL: two
// gateways (BGP_WORKER=off) and one `peergate bgp-worker` peering with a real BIRD. Live peers
// (GraphQL bgpPeers, yabgp /v1/peer/<ip>/state) and commands (bgpSessionStop with a shutdown
// communication, yabgp manual-stop/start) work through either gateway; a gateway with no worker
// reachable, or with a worker that does not answer, says so with a clear error instead of
// hanging or failing with a 500.
import { randomBytes } from 'node:crypto';
import { freshDatabaseUrl } from '../helpers/db';
import { spawnPeerGate, type PeerGateProcess } from '../helpers/process';
import { Bird, freePort, requireBinaries, startBird, waitFor } from './daemons';
import { declareSession } from './peergate-setup';

jest.setTimeout(180_000);

const BIRD_IP = '127.0.0.3';
const TIMEOUT_MS = 1500;

describe('speaker API through two gateways and one bgp-worker on PostgreSQL', () => {
  const token = randomBytes(20).toString('hex');
  const procs: PeerGateProcess[] = [];
  let url: string;
  let bird: Bird;
  let ports: { a: number; b: number };
  let worker: PeerGateProcess;
  let sessionId: string;

  const http = async (port: number, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method, headers: { 'Content-Type': 'application/json', Authorization: `Token ${token}` }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  const gql = async (port: number, query: string, variables: Record<string, unknown> = {}) => (await http(port, 'POST', '/graphql', { query, variables })).json;
  const start = (name: string, args: string[], env: Record<string, string> = {}): PeerGateProcess => {
    const p = spawnPeerGate(name, args, { DATABASE_URL: url, PEERGATE_ADMIN_TOKEN: token, HOST: '127.0.0.1', BGP_WORKER: 'off', BGP_LEASE_SECONDS: '3', BGP_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS), ...env });
    procs.push(p);
    return p;
  };
  const ready = (port: number) => waitFor(`gateway on ${port}`, async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status === 200, 60_000);
  const PEERS = `{ bgpPeers { sessionType sessionId routerId state remoteAddress remoteAs capabilities statistics downReason { kind direction communication } } }`;
  const stop = (communication: string) => `mutation { bgpSessionStop(sessionType: "direct", sessionId: "${sessionId}", communication: ${JSON.stringify(communication)}) }`;
  const stateVia = async (port: number) => (await http(port, 'GET', `/v1/peer/${BIRD_IP}/state`)).json?.peer;

  beforeAll(async () => {
    requireBinaries('bird', 'birdc');
    url = await freshDatabaseUrl('postgres');
    ports = { a: await freePort('127.0.0.1'), b: await freePort('127.0.0.1') };
    const corePort = await freePort('127.0.0.1');
    const birdPort = await freePort(BIRD_IP);
    bird = await startBird({
      routerId: BIRD_IP, address: BIRD_IP, port: birdPort, nextHop: '198.18.0.3', staticRoutes: ['10.89.0.0/24', '10.89.1.0/24'],
      peers: [{ name: 'peergate', localAs: 65003, neighborAddress: '127.0.0.1', neighborPort: corePort, remoteAs: 65010, holdTime: 6, passive: true }],
    });
    start('gateway-a', ['serve', '--migrate'], { PORT: String(ports.a) });
    await ready(ports.a);
    start('gateway-b', ['serve'], { PORT: String(ports.b) });
    await ready(ports.b);
    sessionId = await declareSession({ gql: (q) => gql(ports.a, q) }, { localAsn: 65010, remoteAsn: 65003, routerIp: '127.0.0.1', corePort, remoteIp: BIRD_IP, remotePort: birdPort, tag: 'api' });
  });

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await bird?.stop();
  });

  test('no worker reachable: a command is a clear error at once (not a hang, not a 500); nothing is listed', async () => {
    const r = await http(ports.a, 'POST', '/graphql', { query: stop('nobody here') });
    expect(r.status).not.toBe(500);
    expect(r.json.errors[0]).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' }, message: expect.stringMatching(/^No bgp-core worker is reachable/) });
    expect((await gql(ports.b, PEERS)).data.bgpPeers).toEqual([]);
    const y = await http(ports.b, 'GET', `/v1/peer/${BIRD_IP}/manual-stop`);
    expect([y.status, y.json]).toEqual([404, { status: false, code: `peer ${BIRD_IP} not found` }]);
  });

  test('bgpPeers and /v1/peer/<ip>/state answer through either gateway', async () => {
    worker = start('worker-1', ['bgp-worker'], { BGP_WORKER_ID: 'worker-1' });
    await worker.waitFor(/bgp-core worker .* running/, 60_000);
    await waitFor('ESTABLISHED through gateway A', async () => (await gql(ports.a, PEERS)).data?.bgpPeers?.[0]?.state === 'ESTABLISHED', 30_000);
    for (const port of [ports.a, ports.b]) {
      const [peer] = (await gql(port, PEERS)).data.bgpPeers;
      expect(peer).toMatchObject({ sessionType: 'peering.directpeeringsession', sessionId, state: 'ESTABLISHED', remoteAddress: BIRD_IP, remoteAs: 65003 });
      expect(peer.statistics.receive.open).toBe(1);
      const state = await stateVia(port);
      expect(state).toMatchObject({ fsm: 'ESTABLISHED', remote_addr: BIRD_IP, remote_as: 65003, local_as: 65010 });
      expect(state.capability.remote.afi_safi).toContainEqual(['ipv4', 'unicast']);
    }
    await waitFor('routes through gateway B', async () => {
      const r = await http(ports.b, 'POST', `/v1/peer/${BIRD_IP}/adj-rib-in`, { data: ['10.89.1.7'] });
      return r.json?.data?.['10.89.1.7']?.prefix === '10.89.1.0/24';
    }, 10_000);
  });

  test('bgpSessionStop through gateway B reaches BIRD with its communication; the state shows through gateway A; yabgp restarts it through A', async () => {
    expect((await gql(ports.b, stop('maintenance via B'))).data.bgpSessionStop).toBe(true);
    await waitFor('IDLE through A', async () => (await stateVia(ports.a))?.fsm === 'IDLE', 10_000);
    expect((await stateVia(ports.a)).last_down).toMatchObject({ reason: 'administrative_shutdown', direction: 'sent', shutdown_message: 'maintenance via B' });
    expect(await bird.birdc('show', 'protocols', 'all', 'peergate')).toMatch(/Message:\s+maintenance via B/);
    const [peer] = (await gql(ports.a, PEERS)).data.bgpPeers;
    expect(peer.downReason).toEqual({ kind: 'ADMINISTRATIVE_SHUTDOWN', direction: 'SENT', communication: 'maintenance via B' });
    expect((await http(ports.a, 'GET', `/v1/peer/${BIRD_IP}/manual-start`)).json).toEqual({ status: true });
    await waitFor('ESTABLISHED again through B', async () => (await gql(ports.b, PEERS)).data.bgpPeers[0]?.state === 'ESTABLISHED', 30_000);
    // A refusal from the worker comes back in yabgp's terms.
    expect((await http(ports.b, 'GET', `/v1/peer/${BIRD_IP}/manual-start`)).json).toEqual({ status: false, code: 'peer already established' });
  });

  test('yabgp manual-stop through gateway A, bgpSessionStart through gateway B', async () => {
    expect((await http(ports.a, 'GET', `/v1/peer/${BIRD_IP}/manual-stop?message=${encodeURIComponent('yabgp via A')}`)).json).toEqual({ status: true });
    await waitFor('IDLE through B', async () => (await gql(ports.b, PEERS)).data.bgpPeers[0]?.state === 'IDLE', 10_000);
    expect(await bird.birdc('show', 'protocols', 'all', 'peergate')).toMatch(/Message:\s+yabgp via A/);
    expect((await gql(ports.b, `mutation { bgpSessionStart(sessionType: "direct", sessionId: "${sessionId}") }`)).data.bgpSessionStart).toBe(true);
    await waitFor('ESTABLISHED through A', async () => (await stateVia(ports.a))?.fsm === 'ESTABLISHED', 30_000);
  });

  test('a worker that does not answer (stopped): the call fails after the timeout naming it, in every dialect', async () => {
    worker.proc.kill('SIGSTOP');
    try {
      const r = await http(ports.a, 'POST', '/graphql', { query: stop('frozen') });
      expect(r.status).not.toBe(500);
      expect(r.json.errors[0]).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' }, message: expect.stringContaining('worker-1') });
      const y = await http(ports.b, 'GET', `/v1/peer/${BIRD_IP}/state`);
      expect(y.status).toBe(503);
      expect(y.json).toEqual({ status: false, code: expect.stringMatching(/^No bgp-core worker answered within 1\.5 s \(worker-1\)/) });
    } finally {
      worker.proc.kill('SIGCONT');
    }
    // Back: it answers again, and the session it ran kept going or came back.
    await waitFor('answers again through B', async () => !!(await gql(ports.b, PEERS)).data?.bgpPeers?.length, 30_000);
  });
});
