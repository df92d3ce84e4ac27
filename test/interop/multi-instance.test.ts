// Scale-out with real processes on one PostgreSQL: two gateways (BGP_WORKER=off) and
// standalone bgp-core workers (`peergate bgp-worker`) against a real BIRD. A mutation on
// gateway A and the worker's BGP state both reach a graphql-ws subscriber on gateway B;
// routers spread over the workers; SIGKILLing the worker that runs BIRD's router moves
// that router to the other worker within the lease time, and the session comes back.
import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { freshDatabaseUrl } from '../helpers/db';
import { spawnPeerGate, type PeerGateProcess } from '../helpers/process';
import { listLeases } from '../../src/bgp/lease';
import { Bird, freePort, requireBinaries, startBird, waitFor } from './daemons';

const LEASE_SECONDS = 3;
jest.setTimeout(180_000);

describe('two gateways and standalone bgp-core workers on one PostgreSQL', () => {
  const token = randomBytes(20).toString('hex');
  const procs: PeerGateProcess[] = [];
  let url: string;
  let bird: Bird;
  let portA: number;
  let portB: number;
  let client: Client;
  const events: { at: number; data: any }[] = [];
  let routerId: string;
  let idleRouterId: string;
  let sessionId: string;

  const gql = async (port: number, query: string, variables: Record<string, unknown> = {}): Promise<any> => {
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Token ${token}` }, body: JSON.stringify({ query, variables }),
    });
    const body = await res.json() as any;
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const start = (name: string, args: string[], env: Record<string, string> = {}): PeerGateProcess => {
    const p = spawnPeerGate(name, args, { DATABASE_URL: url, PEERGATE_ADMIN_TOKEN: token, HOST: '127.0.0.1', BGP_WORKER: 'off', BGP_LEASE_SECONDS: String(LEASE_SECONDS), ...env });
    procs.push(p);
    return p;
  };
  /** A gateway is up when its /readyz answers 200. */
  const ready = (port: number) => waitFor(`gateway on ${port}`, async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status === 200, 60_000);
  const worker = async (id: string): Promise<PeerGateProcess> => {
    const w = start(id, ['bgp-worker'], { BGP_WORKER_ID: id });
    await w.waitFor(/bgp-core worker .* running/, 60_000);
    return w;
  };
  const holderOf = async (router: string): Promise<string | undefined> => (await listLeases(url)).find((l) => String(l.routerId) === router)?.workerId;

  beforeAll(async () => {
    requireBinaries('bird', 'birdc');
    url = await freshDatabaseUrl('postgres');
    [portA, portB] = [await freePort('127.0.0.1'), await freePort('127.0.0.1')];
    const corePort = await freePort('127.0.0.1');
    const birdPort = await freePort('127.0.0.3');
    bird = await startBird({
      routerId: '127.0.0.3', address: '127.0.0.3', port: birdPort, nextHop: '198.18.0.3', staticRoutes: ['10.88.0.0/24', '10.88.1.0/24'],
      peers: [{ name: 'peergate', localAs: 65003, neighborAddress: '127.0.0.1', neighborPort: corePort, remoteAs: 65010, holdTime: 6 }],
    });
    // A migrates first; B and the workers start on the finished schema.
    const a = start('gateway-a', ['serve', '--migrate'], { PORT: String(portA) });
    await ready(portA);
    const b = start('gateway-b', ['serve'], { PORT: String(portB) });
    await ready(portB);

    client = createClient({ url: `ws://127.0.0.1:${portB}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Token ${token}` } });
    const sub = (query: string) => client.subscribe({ query }, { next: (v) => events.push({ at: Date.now(), data: v.data }), error: (e) => { throw e; }, complete: () => undefined });
    sub('subscription { objectChanged(types: ["devices.router"]) { action objectRepr } }');
    sub('subscription { bgpSessionChanged { sessionId routerId state previousState receivedPrefixCount } }');
    await new Promise((r) => setTimeout(r, 500));

    const base = await gql(portA, `mutation {
      local: createAutonomousSystem(input: {asn: 65010, name: "PeerGate"}) { id }
      remote: createAutonomousSystem(input: {asn: 65003, name: "BIRD"}) { id }
      rel: createRelationship(input: {name: "Peer", slug: "peer"}) { id }
      platform: createPlatform(input: {name: "bgp-core", slug: "bgp-core"}) { id }
    }`);
    const router = (name: string, port: number) => gql(portA, `mutation { createRouter(input: {name: "${name}", hostname: "${name}", platformId: "${base.platform.id}",
      localAutonomousSystemId: "${base.local.id}", bgpSpeaker: true, routerId: "127.0.0.1", bgpListenAddress: "127.0.0.1", bgpListenPort: ${port}}) { id } }`);
    routerId = (await router('pg1', corePort)).createRouter.id;
    idleRouterId = (await router('pg2', await freePort('127.0.0.1'))).createRouter.id;
    sessionId = (await gql(portA, `mutation { createDirectPeeringSession(input: {localAutonomousSystemId: "${base.local.id}",
      autonomousSystemId: "${base.remote.id}", ipAddress: "127.0.0.3", localIpAddress: "127.0.0.1", relationshipId: "${base.rel.id}",
      routerId: "${routerId}", remotePort: ${birdPort}}) { id } }`)).createDirectPeeringSession.id;
  });

  afterAll(async () => {
    await client?.dispose();
    await Promise.all(procs.map((p) => p.stop()));
    await bird?.stop();
  });

  test('a mutation through gateway A reaches a subscriber on gateway B', async () => {
    await waitFor('router created events on B', () => events.filter((e) => e.data.objectChanged?.action === 'CREATE').length === 2, 10_000);
    expect(events.map((e) => e.data.objectChanged?.objectRepr).filter(Boolean)).toEqual(['pg1', 'pg2']);
  });

  test('routers spread over two workers and BGP state from the worker reaches gateway B', async () => {
    await worker('worker-1');
    await worker('worker-2');
    await waitFor('one router per worker', async () => {
      const leases = await listLeases(url);
      return leases.length === 2 && new Set(leases.map((l) => l.workerId)).size === 2;
    }, LEASE_SECONDS * 3000);
    const established = await waitFor('established on B', () => events.find((e) => e.data.bgpSessionChanged?.state === 'ESTABLISHED'), 30_000);
    expect(established.data.bgpSessionChanged).toMatchObject({ sessionId, routerId });
    // Written back by the worker, read through the other gateway.
    await waitFor('state in the database', async () => (await gql(portB, `{ directPeeringSession(id: "${sessionId}") { bgpState } }`)).directPeeringSession.bgpState === 'ESTABLISHED', 10_000);
  });

  test('a control mutation on a gateway without a worker reaches the worker over the bus', async () => {
    const sentAt = Date.now();
    expect((await gql(portA, `mutation { bgpSessionStop(sessionType: "direct", sessionId: "${sessionId}") }`)).bgpSessionStop).toBe(true);
    await waitFor('idle on B after a stop sent through A', () => events.find((e) => e.at > sentAt && e.data.bgpSessionChanged?.state === 'IDLE'), 10_000);
    const startedAt = Date.now();
    await gql(portA, `mutation { bgpSessionStart(sessionType: "direct", sessionId: "${sessionId}") }`);
    await waitFor('established again after a start sent through A', () => events.find((e) => e.at > startedAt && e.data.bgpSessionChanged?.state === 'ESTABLISHED'), 30_000);
  });

  test('SIGKILL on the worker running BIRD\'s router moves the router within the lease time', async () => {
    const holder = await holderOf(routerId);
    const other = holder === 'worker-1' ? 'worker-2' : 'worker-1';
    const victim = procs.find((p) => p.name === holder)!;
    const killedAt = Date.now();
    victim.proc.kill('SIGKILL');
    const movedAt = await waitFor('router moved', async () => ((await holderOf(routerId)) === other ? Date.now() : null), LEASE_SECONDS * 3000, 50);
    // Lease expiry (at most LEASE_SECONDS after the last renewal) plus one round of the survivor.
    expect(movedAt - killedAt).toBeLessThanOrEqual(LEASE_SECONDS * 1000 * (4 / 3) + 1000);
    expect(await holderOf(idleRouterId)).toBe(other);
    const back = await waitFor('established again on B', () => events.find((e) => e.at > movedAt && e.data.bgpSessionChanged?.state === 'ESTABLISHED'), 30_000);
    expect(back.data.bgpSessionChanged).toMatchObject({ sessionId, routerId });
    // BIRD sees the new speaker too.
    await waitFor('BIRD established', async () => /Established/.test(await bird.birdc('show', 'protocols', 'peergate')), 10_000);
  });
});
