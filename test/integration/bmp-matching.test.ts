// How BMP routers and peers are matched to the data, with hand-built BMP over TCP to
// `serve` started with BMP_PORT=0: by router id (the BGP ID of the router's own OPEN) before
// hostname (the connection's source address), IX and direct sessions by peer address, IPv6
// peers, a peer whose session is created while it is up, and the state written back.
import * as net from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { buildUpdates } from '../../bgp-core';
import { startTestServer, type TestServer } from '../helpers/server';
import { waitFor } from '../interop/daemons';
import * as bmp from '../helpers/bmp';

async function ok(s: TestServer, query: string): Promise<any> {
  const r = await s.gql(query);
  if (r?.errors || !r?.data) throw new Error(`${query.slice(0, 120)}: ${JSON.stringify(r?.errors ?? r)}`);
  return r.data;
}

interface Event { sessionType: string; sessionId: string; state: string; source: string; reason: string | null; lastError: string | null; receivedPrefixCount: number }

/** Subscribes to bgpSessionChanged; resolves once the socket is connected (the subscribe message follows at once). */
async function subscribe(s: TestServer, events: Event[]): Promise<Client> {
  let connected!: () => void;
  const ready = new Promise<void>((r) => (connected = r));
  const client = createClient({ url: s.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { authorization: `Token ${s.token}` }, on: { connected: () => connected() } });
  client.subscribe({ query: 'subscription { bgpSessionChanged { sessionType sessionId state source reason lastError receivedPrefixCount } }' }, {
    next: (v) => { if (v.data?.bgpSessionChanged) events.push(v.data.bgpSessionChanged as unknown as Event); },
    error: () => undefined, complete: () => undefined,
  });
  await ready;
  return client;
}

describe('BMP: matching routers and peers to the data', () => {
  let s: TestServer;
  let port: number;
  const sockets: net.Socket[] = [];
  const clients: Client[] = [];
  const events: Event[] = [];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    s = await startTestServer('pglite', { BMP_PORT: '0' });
    port = s.pg.bmp!.station.address()!.port;
    clients.push(await subscribe(s, events));
    const d = await ok(s, `mutation {
      local: createAutonomousSystem(input: {asn: 64510, name: "Local"}) { id }
      a: createAutonomousSystem(input: {asn: 64520, name: "Peer A"}) { id }
      b: createAutonomousSystem(input: {asn: 64521, name: "Peer B"}) { id }
      rel: createRelationship(input: {name: "Transit", slug: "transit"}) { id }
      platform: createPlatform(input: {name: "Junos", slug: "junos"}) { id }
    }`);
    Object.assign(ids, { local: d.local.id, a: d.a.id, b: d.b.id, rel: d.rel.id });
    const ix = await ok(s, `mutation { createInternetExchange(input: {name: "Test IX", slug: "test-ix", localAutonomousSystemId: "${d.local.id}"}) { id } }`);
    // edge1 has no router id: it is found by its hostname, the address BMP connects from.
    const edge = await ok(s, `mutation { createRouter(input: {name: "edge1", hostname: "127.0.0.1", platformId: "${d.platform.id}", localAutonomousSystemId: "${d.local.id}"}) { id } }`);
    // core has a router id; its hostname is a name, so only the id can find it.
    const core = await ok(s, `mutation { createRouter(input: {name: "core1", hostname: "core1.example.net", platformId: "${d.platform.id}", localAutonomousSystemId: "${d.local.id}", routerId: "198.51.100.1"}) { id } }`);
    ids.edge = edge.createRouter.id;
    ids.core = core.createRouter.id;
    const conn = await ok(s, `mutation { createConnection(input: {internetExchangePointId: "${ix.createInternetExchange.id}", routerId: "${ids.edge}", ipv4Address: "192.0.2.1/24", ipv6Address: "2001:db8::1/64"}) { id } }`);
    ids.conn = conn.createConnection.id;
    const sess = await ok(s, `mutation {
      v4: createInternetExchangePeeringSession(input: {autonomousSystemId: "${d.a.id}", ixpConnectionId: "${ids.conn}", ipAddress: "192.0.2.20"}) { id }
      v6: createInternetExchangePeeringSession(input: {autonomousSystemId: "${d.b.id}", ixpConnectionId: "${ids.conn}", ipAddress: "2001:db8::21"}) { id }
      direct: createDirectPeeringSession(input: {localAutonomousSystemId: "${d.local.id}", autonomousSystemId: "${d.a.id}", ipAddress: "203.0.113.5/31",
        relationshipId: "${d.rel.id}", routerId: "${ids.core}"}) { id }
    }`);
    Object.assign(ids, { v4: sess.v4.id, v6: sess.v6.id, direct: sess.direct.id });
  });

  afterAll(async () => {
    for (const c of clients) await c.dispose();
    for (const so of sockets) so.destroy();
    await s?.close();
  });

  async function connect(): Promise<net.Socket> {
    const so = net.connect({ host: '127.0.0.1', port });
    sockets.push(so);
    so.on('error', () => undefined);
    await new Promise((r) => so.once('connect', r));
    return so;
  }

  const ixRow = async (id: string) => (await ok(s, `{ internetExchangePeeringSession(id: "${id}") { bgpState receivedPrefixCount acceptedPrefixCount lastEstablishedState } }`)).internetExchangePeeringSession;
  const directRow = async (id: string) => (await ok(s, `{ directPeeringSession(id: "${id}") { bgpState receivedPrefixCount lastEstablishedState } }`)).directPeeringSession;

  const edgeOpen = bmp.open(64510, '192.0.2.1', bmp.caps({ fourOctetAs: 64510 }));
  const V4 = { address: '192.0.2.20', asn: 64520, bgpId: '192.0.2.20' };
  const V6 = { address: '2001:db8::21', asn: 64521, bgpId: '192.0.2.21' };
  const STRANGER = { address: '192.0.2.99', asn: 64599, bgpId: '192.0.2.99' };
  let edge: net.Socket;
  let core: net.Socket;

  test('IX sessions of a router found by hostname: IPv4 and IPv6 peers up, pre- and post-policy counts written back', async () => {
    edge = await connect();
    const [u3] = buildUpdates({ attrs: { origin: 0, asPath: [{ type: 2, asns: [64520] }], nextHop: '192.0.2.20' }, nlri: ['10.20.0.0/16', '10.21.0.0/16', '10.22.0.0/16'] }, { as4: true });
    const [u2] = buildUpdates({ attrs: { origin: 0, asPath: [{ type: 2, asns: [64520] }], nextHop: '192.0.2.20' }, nlri: ['10.20.0.0/16', '10.21.0.0/16'] }, { as4: true });
    edge.write(Buffer.concat([
      bmp.initiation('edge1', 'test router'),
      bmp.peerUp(V4, edgeOpen, bmp.open(64520, '192.0.2.20', bmp.caps({ fourOctetAs: 64520 }))),
      bmp.peerUp(V6, edgeOpen, bmp.open(64521, '192.0.2.21', bmp.caps({ fourOctetAs: 64521 })), '2001:db8::1'),
      bmp.peerUp(STRANGER, edgeOpen, bmp.open(64599, '192.0.2.99', bmp.caps({ fourOctetAs: 64599 }))),
      bmp.routeMonitoring(V4, u3),
      bmp.routeMonitoring({ ...V4, postPolicy: true }, u2),
    ]));
    const v4 = await waitFor('IPv4 IX session written back', async () => {
      const r = await ixRow(ids.v4);
      return r.bgpState === 'ESTABLISHED' && r.receivedPrefixCount === 3 && r.acceptedPrefixCount === 2 ? r : null;
    }, 15_000);
    expect(v4.lastEstablishedState).toBeTruthy();
    await waitFor('IPv6 IX session written back', async () => (await ixRow(ids.v6)).bgpState === 'ESTABLISHED', 15_000);
    // Events travel over graphql-ws: they may arrive a little after the row is written.
    const up = await waitFor('established event', () => events.find((e) => e.sessionType === 'peering.internetexchangepeeringsession' && e.sessionId === ids.v6 && e.state === 'ESTABLISHED'), 10_000);
    expect(up).toMatchObject({ sessionType: 'peering.internetexchangepeeringsession', source: 'bmp', reason: 'BMP Peer Up' });
  });

  test('bgpReceivedRoutes answers for a BMP session: pre-policy by default, post-policy on request', async () => {
    const q = (policy: string) => s.gql(`{ bgpReceivedRoutes(sessionType: "ixp", sessionId: "${ids.v4}", ${policy} limit: 100) { prefix attributes } }`);
    const pre = (await q('')).data.bgpReceivedRoutes.map((r: { prefix: string }) => r.prefix).sort();
    expect(pre).toEqual(['10.20.0.0/16', '10.21.0.0/16', '10.22.0.0/16']);
    const post = (await q('policy: "post",')).data.bgpReceivedRoutes;
    expect(post.map((r: { prefix: string }) => r.prefix).sort()).toEqual(['10.20.0.0/16', '10.21.0.0/16']);
    expect(post[0].attributes['2']).toEqual([[2, [64520]]]);
    const within = await s.gql(`{ bgpReceivedRoutes(sessionType: "ixp", sessionId: "${ids.v4}", policy: "pre", filter: {within: "10.22.0.0/16"}) { prefix } }`);
    expect(within.data.bgpReceivedRoutes).toEqual([{ prefix: '10.22.0.0/16' }]);
    const bad = await q('policy: "sideways",');
    expect(bad.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(JSON.stringify(bad.errors[0])).toMatch(/Must be \\"pre\\" or \\"post\\"/);
  });

  test('bmpPeers lists what the routers report, and which peers have no session in the data', async () => {
    const all = (await ok(s, `{ bmpPeers { bmpRouter sysName routerId sessionType sessionId remoteAddress remoteAs remoteRouterId status prefixes negotiated statistics lastDown } }`)).bmpPeers;
    expect(all).toHaveLength(3);
    const v4 = all.find((p: { remoteAddress: string }) => p.remoteAddress === '192.0.2.20');
    expect(v4).toMatchObject({
      sysName: 'edge1', routerId: ids.edge, sessionType: 'peering.internetexchangepeeringsession', sessionId: ids.v4, remoteAs: 64520,
      remoteRouterId: '192.0.2.20', status: 'up', prefixes: { prePolicy: 3, postPolicy: 2 }, negotiated: { as4: true, families: ['ipv4', 'ipv6'] }, lastDown: null,
    });
    const unmatched = (await ok(s, `{ bmpPeers(unmatched: true) { routerId remoteAddress remoteAs sessionId } }`)).bmpPeers;
    expect(unmatched).toEqual([{ routerId: ids.edge, remoteAddress: '192.0.2.99', remoteAs: 64599, sessionId: null }]);
    expect((await ok(s, `{ bmpPeers(routerId: "${ids.core}") { remoteAddress } }`)).bmpPeers).toEqual([]);
  });

  test('a direct session of a router found by router id, even from an address that is another router\'s hostname', async () => {
    core = await connect();
    const coreOpen = bmp.open(64510, '198.51.100.1', bmp.caps({ fourOctetAs: 64510 }));
    const peer = { address: '203.0.113.5', asn: 64520, bgpId: '203.0.113.5' };
    // A Peer Down before any Peer Up (FRR sends one when a first connection attempt fails) has
    // no OPEN to tell the router's id: the match must be tried again once the Peer Up tells it.
    core.write(bmp.peerDown(peer, 4));
    // Without an OPEN only the source address can match: edge1's hostname, which has no such session.
    await waitFor('first match by hostname', async () => {
      const peers = (await ok(s, '{ bmpPeers { routerId remoteAddress sessionId } }')).bmpPeers;
      return peers.find((p: { remoteAddress: string; routerId: string | null }) => p.remoteAddress === '203.0.113.5' && p.routerId === ids.edge);
    }, 10_000);
    core.write(bmp.peerUp(peer, coreOpen, bmp.open(64520, '203.0.113.5', bmp.caps({ fourOctetAs: 64520 }))));
    await waitFor('direct session written back', async () => (await directRow(ids.direct)).bgpState === 'ESTABLISHED', 15_000);
    const up = await waitFor('established event', () => events.find((e) => e.sessionType === 'peering.directpeeringsession' && e.sessionId === ids.direct && e.state === 'ESTABLISHED'), 10_000);
    expect(up.source).toBe('bmp');
  });

  test('an Add-Path peer (RFC 7911): each path of a prefix is a route of its own, with its path identifier', async () => {
    const peer = { address: '203.0.113.5', asn: 64520, bgpId: '203.0.113.5' };
    const coreOpen = bmp.open(64510, '198.51.100.1', bmp.caps({ fourOctetAs: 64510, addPath: [{ afi: 1, safi: 1, mode: 1 }] }));
    const via = (asn: number) => ({ origin: 0, asPath: [{ type: 2 as const, asns: [64520, asn] }], nextHop: '203.0.113.5' });
    core.write(Buffer.concat([
      bmp.peerUp(peer, coreOpen, bmp.open(64520, '203.0.113.5', bmp.caps({ fourOctetAs: 64520, addPath: [{ afi: 1, safi: 1, mode: 2 }] }))),
      bmp.routeMonitoring(peer, bmp.addPathUpdate({ attrs: via(64601), nlri: [[1, '10.30.0.0/24'], [1, '10.31.0.0/24']] })),
      bmp.routeMonitoring(peer, bmp.addPathUpdate({ attrs: via(64602), nlri: [[2, '10.30.0.0/24']] })),
    ]));
    await waitFor('three paths counted', async () => (await directRow(ids.direct)).receivedPrefixCount === 3, 15_000);
    const routes = (await ok(s, `{ bgpReceivedRoutes(sessionType: "direct", sessionId: "${ids.direct}", filter: {prefix: "10.30.0.0/24"}) { prefix pathId attributes } }`)).bgpReceivedRoutes;
    expect(routes.map((r: { prefix: string; pathId: number; attributes: Record<string, unknown> }) => [r.prefix, r.pathId, r.attributes['2']])).toEqual([
      ['10.30.0.0/24', 1, [[2, [64520, 64601]]]],
      ['10.30.0.0/24', 2, [[2, [64520, 64602]]]],
    ]);
  });

  test('Peer Down (reason 2, FSM event) writes idle with the reason', async () => {
    const fsm = Buffer.alloc(2);
    fsm.writeUInt16BE(18, 0);
    edge.write(bmp.peerDown(V6, 2, fsm));
    await waitFor('IPv6 session idle', async () => (await ixRow(ids.v6)).bgpState === 'IDLE', 15_000);
    const down = await waitFor('down event', () => events.find((e) => e.sessionType === 'peering.internetexchangepeeringsession' && e.sessionId === ids.v6 && e.state === 'IDLE'), 10_000);
    expect(down.reason).toBe('local system closed the session without a NOTIFICATION (FSM event 18)');
    expect(down.lastError).toBe(down.reason);
    // The reason is written back with the state, as the speaker's are.
    const row = (await ok(s, `{ internetExchangePeeringSession(id: "${ids.v6}") { lastDownReason } }`)).internetExchangePeeringSession;
    expect(row.lastDownReason).toMatchObject({ kind: 'CONNECTION_FAILED', direction: null, code: null, detail: down.reason });
  });

  test('a peer whose session is created while it is up is matched on the next round', async () => {
    const created = await ok(s, `mutation { createInternetExchangePeeringSession(input: {autonomousSystemId: "${ids.a}", ixpConnectionId: "${ids.conn}", ipAddress: "192.0.2.99"}) { id } }`);
    const id = created.createInternetExchangePeeringSession.id;
    await waitFor('new session written back', async () => (await ixRow(id)).bgpState === 'ESTABLISHED', 15_000);
    expect((await ok(s, '{ bmpPeers(unmatched: true) { remoteAddress } }')).bmpPeers).toEqual([]);
  });

  test('a new subscriber first sees the BMP sessions as a snapshot', async () => {
    const mine: Event[] = [];
    clients.push(await subscribe(s, mine));
    await waitFor('snapshot', () => mine.filter((e) => e.reason === 'snapshot' && e.source === 'bmp').length >= 4 || null, 10_000);
    // Ids are per model: the direct session and the first IX session may both be 1.
    const byId = new Map(mine.filter((e) => e.reason === 'snapshot').map((e) => [`${e.sessionType}:${e.sessionId}`, e]));
    const ixp = (id: string) => byId.get(`peering.internetexchangepeeringsession:${id}`);
    expect(ixp(ids.v4)).toMatchObject({ state: 'ESTABLISHED', receivedPrefixCount: 3 });
    expect(ixp(ids.v6)).toMatchObject({ state: 'IDLE' });
    expect(byId.get(`peering.directpeeringsession:${ids.direct}`)).toMatchObject({ state: 'ESTABLISHED' });
  });

  test('a malformed message drops only its router; the sessions keep their last state', async () => {
    edge.write(bmp.common(0, Buffer.alloc(10)));
    await new Promise((r) => edge.once('close', r));
    expect(s.pg.bmp!.station.routers()).toHaveLength(1);
    expect((await ixRow(ids.v4)).bgpState).toBe('ESTABLISHED');
  });

  test('down, up and down again in one TCP chunk are three transitions, in order', async () => {
    const peer = { address: '203.0.113.5', asn: 64520, bgpId: '203.0.113.5' };
    const coreOpen = bmp.open(64510, '198.51.100.1', bmp.caps({ fourOctetAs: 64510 }));
    const isDirect = (e: Event) => e.sessionType === 'peering.directpeeringsession' && e.sessionId === ids.direct && e.reason !== 'snapshot';
    const before = events.filter(isDirect).length;
    core.write(Buffer.concat([
      bmp.peerDown(peer, 4),
      bmp.peerUp(peer, coreOpen, bmp.open(64520, '203.0.113.5', bmp.caps({ fourOctetAs: 64520 }))),
      bmp.peerDown(peer, 5),
    ]));
    const mine = await waitFor('three events', () => (events.filter(isDirect).length >= before + 3 ? events.filter(isDirect).slice(before) : null), 10_000);
    expect(mine.map((e) => [e.state, e.reason])).toEqual([
      ['IDLE', 'remote system closed the session without a NOTIFICATION'],
      ['ESTABLISHED', 'BMP Peer Up'],
      ['IDLE', 'peer de-configured'],
    ]);
    await waitFor('row idle', async () => {
      const r = await directRow(ids.direct);
      return r.bgpState === 'IDLE' && r.lastEstablishedState;
    }, 10_000);
  });
});
