// `peergate bgp neighbor` against a running server: two PeerGate speaker routers peer over
// 127.0.0.x (Established, one announcing two routes), and a router streams two peers over BMP (one
// up with routes, one down); the compiled CLI lists them, shows one, reads received routes, prints
// --json, and fails with one line and its exit code on a refused token, an unreachable server, an
// unknown peer and a bad command line.
import * as net from 'node:net';
import { buildUpdates } from '../../bgp-core';
import * as bmpMsg from '../helpers/bmp';
import { freePort, waitFor } from '../interop/daemons';
import { startTestServer, type TestServer } from '../helpers/server';
import { makeToken } from '../helpers/pm';
import { buildOnce, freePort as anyFreePort, peergate } from '../helpers/cli';

jest.setTimeout(120_000);

async function gqlOk(s: TestServer, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const r = await s.gql(query, variables);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data;
}

describe('peergate bgp neighbor', () => {
  let s: TestServer;
  let bmpSocket: net.Socket | undefined;
  const ids: Record<string, string> = {};
  const bgp = (args: string[], env: Record<string, string> = {}) => peergate(['bgp', 'neighbor', ...args], env);
  const remote = () => ['--url', s.url, '--token', s.token];

  beforeAll(async () => {
    buildOnce();
    s = await startTestServer('pglite', { BGP_WORKER: 'embedded', BMP_PORT: '0' });
    const [portA, portB] = [await freePort('127.0.0.61'), await freePort('127.0.0.62')];
    const base = await gqlOk(s, `mutation {
      a: createAutonomousSystem(input: {asn: 65161, name: "cli-a"}) { id }
      b: createAutonomousSystem(input: {asn: 65162, name: "cli-b"}) { id }
      rel: createRelationship(input: {name: "CLI peer", slug: "cli-peer"}) { id }
      platform: createPlatform(input: {name: "cli-core", slug: "cli-core"}) { id }
    }`);
    const router = async (name: string, as: string, addr: string, port: number) => (await gqlOk(s, `mutation { createRouter(input: {name: "${name}", hostname: "${name}",
      platformId: "${base.platform.id}", localAutonomousSystemId: "${as}", bgpSpeaker: true, routerId: "${addr}", bgpListenAddress: "${addr}", bgpListenPort: ${port}}) { id } }`)).createRouter.id;
    ids.r1 = await router('cli-r1', base.a.id, '127.0.0.61', portA);
    ids.r2 = await router('cli-r2', base.b.id, '127.0.0.62', portB);
    const direct = async (r: string, local: string, other: string, ip: string, localIp: string, port: number, extra = '') => (await gqlOk(s, `mutation {
      createDirectPeeringSession(input: {localAutonomousSystemId: "${local}", autonomousSystemId: "${other}", ipAddress: "${ip}", localIpAddress: "${localIp}",
        relationshipId: "${base.rel.id}", routerId: "${r}", remotePort: ${port} ${extra}}) { id } }`)).createDirectPeeringSession.id;
    // r1 waits for r2 to connect: no connection collision to resolve.
    ids.s1 = await direct(ids.r1, base.a.id, base.b.id, '127.0.0.62', '127.0.0.61', portB, ', passive: true');
    ids.s2 = await direct(ids.r2, base.b.id, base.a.id, '127.0.0.61', '127.0.0.62', portA);
    const peer = (id: string) => gqlOk(s, 'query($id: ID!) { bgpPeer(sessionType: "direct", sessionId: $id) { state prefixes } }', { id });
    await waitFor('r1 and r2 established', async () => (await peer(ids.s1)).bgpPeer?.state === 'ESTABLISHED' && (await peer(ids.s2)).bgpPeer?.state === 'ESTABLISHED', 30_000, 200);
    await gqlOk(s, 'mutation($id: ID!, $a: JSON!) { bgpAnnounce(sessionType: "direct", sessionId: $id, attributes: $a, prefixes: ["192.0.2.0/24", "198.51.100.0/24"]) }',
      { id: ids.s1, a: { 1: 0, 2: [[2, [65161]]], 3: '127.0.0.61', 4: 10, 8: ['65161:100'] } });
    await waitFor('r2 received both routes', async () => (await peer(ids.s2)).bgpPeer?.prefixes?.received?.ipv4 === 2, 10_000, 100);

    // A router PeerGate knows by the address its BMP connects from, with a direct session to
    // 192.0.2.20 (up, three routes pre-policy, two post-policy); 192.0.2.99 has no session and went down.
    ids.edge = (await gqlOk(s, `mutation { createRouter(input: {name: "cli-edge", hostname: "127.0.0.1", platformId: "${base.platform.id}", localAutonomousSystemId: "${base.a.id}"}) { id } }`)).createRouter.id;
    ids.edgeSession = await direct(ids.edge, base.a.id, base.b.id, '192.0.2.20', '192.0.2.1', 179);
    const edgeOpen = bmpMsg.open(65161, '192.0.2.1', bmpMsg.caps({ fourOctetAs: 65161 }));
    const up = { address: '192.0.2.20', asn: 65162, bgpId: '192.0.2.20' };
    const gone = { address: '192.0.2.99', asn: 65199, bgpId: '192.0.2.99' };
    const update = (nlri: string[]) => buildUpdates({ attrs: { origin: 0, asPath: [{ type: 2, asns: [65162] }], nextHop: '192.0.2.20' }, nlri }, { as4: true })[0];
    bmpSocket = net.connect({ host: '127.0.0.1', port: s.pg.bmp!.station.address()!.port });
    bmpSocket.on('error', () => undefined);
    await new Promise((r) => bmpSocket!.once('connect', r));
    bmpSocket.write(Buffer.concat([
      bmpMsg.initiation('cli-edge-bmp', 'test router'),
      bmpMsg.peerUp(up, edgeOpen, bmpMsg.open(65162, '192.0.2.20', bmpMsg.caps({ fourOctetAs: 65162 }))),
      bmpMsg.peerUp(gone, edgeOpen, bmpMsg.open(65199, '192.0.2.99', bmpMsg.caps({ fourOctetAs: 65199 }))),
      bmpMsg.routeMonitoring(up, update(['10.20.0.0/16', '10.21.0.0/16', '10.22.0.0/16'])),
      bmpMsg.routeMonitoring({ ...up, postPolicy: true }, update(['10.20.0.0/16', '10.21.0.0/16'])),
      bmpMsg.statistics(up, [[0, 1], [7, 3]]),
      bmpMsg.peerDownNotification(gone, 3, 6, 2),
    ]));
    await waitFor('the BMP peers reported', async () => {
      const { bmpPeers } = await gqlOk(s, '{ bmpPeers { remoteAddress status prefixes sessionId statistics } }');
      const a = bmpPeers.find((p: any) => p.remoteAddress === '192.0.2.20');
      const b = bmpPeers.find((p: any) => p.remoteAddress === '192.0.2.99');
      return a?.status === 'up' && a.prefixes.postPolicy === 2 && a.sessionId && a.statistics['7'] === 3 && b?.status === 'down';
    }, 15_000, 100);
  }, 240_000);
  afterAll(async () => {
    bmpSocket?.destroy();
    await s?.close();
  });

  test('the list: both peers Established, with prefix counts, source and router', async () => {
    const r = await bgp(remote());
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const [header, ...rows] = r.stdout.trimEnd().split('\n').map((l) => l.trim().split(/\s{2,}/));
    expect(header).toEqual(['Peer', 'AS', 'Up/Down', 'State', '#Received', 'Accepted', 'Advertised', 'Source', 'Router']);
    // Speaker peers by router name: r1's peer (r2, to which it advertised two routes), then r2's;
    // then the BMP router's: pre-policy received, post-policy accepted, advertised unknown.
    expect(rows.map(([peer, as, , state, ...rest]) => [peer, as, state, ...rest])).toEqual([
      ['127.0.0.62', '65162', 'Established', '0', '0', '2', 'speaker', 'cli-r1'],
      ['127.0.0.61', '65161', 'Established', '2', '2', '0', 'speaker', 'cli-r2'],
      ['192.0.2.20', '65162', 'Established', '3', '2', '-', 'bmp', 'cli-edge'],
      ['192.0.2.99', '65199', 'Down', '0', '0', '-', 'bmp', 'cli-edge'],
    ]);
    for (const row of rows.slice(0, 3)) expect(row[2]).toMatch(/^(\d+d )?\d\d:\d\d:\d\d$/);
    expect(rows[3][2]).toBe('never');
    // --router narrows the list by name or id.
    const one = await bgp([...remote(), '--router', 'cli-r2']);
    expect(one.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['127.0.0.61']);
    const byId = await bgp([...remote(), '--router', ids.r1]);
    expect(byId.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['127.0.0.62']);
  });

  test('one peer: session, capabilities, counters, prefix counts and its last error', async () => {
    const r = await bgp(['127.0.0.61', ...remote()]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('BGP neighbor is 127.0.0.61, remote AS 65161');
    expect(lines[1]).toBe(`  Source: PeerGate's speaker on router cli-r2 (id ${ids.r2}), direct session ${ids.s2}`);
    expect(r.stdout).toContain('  BGP version 4, remote router ID 127.0.0.61\n');
    expect(r.stdout).toMatch(/^ {2}BGP state = Established, up for \d\d:\d\d:\d\d$/m);
    expect(r.stdout).toMatch(/^ {2}Local address 127\.0\.0\.62, local AS 65162; remote port \d+$/m);
    expect(r.stdout).toMatch(/^ {8}ipv4-unicast: +advertised and received$/m);
    expect(r.stdout).toMatch(/^ {4}4-octet-as: +advertised and received$/m);
    expect(r.stdout).toMatch(/^ {4}route-refresh: +advertised and received$/m);
    // One OPEN each way; the two routes came in one UPDATE or more.
    expect(r.stdout).toMatch(/^ {4}Opens: +1 +1$/m);
    const updates = /^ {4}Updates: +(\d+) +(\d+)$/m.exec(r.stdout)!;
    expect(Number(updates[2])).toBeGreaterThanOrEqual(1);
    expect(r.stdout).toContain('    Received:    2 (ipv4 2, ipv6 0)\n');
    expect(r.stdout).toContain('    Accepted:    2\n');
    expect(r.stdout).toContain('  Last error: none\n');
    // A router filter that excludes it, and an address nobody peers with: no such peer, exit 5.
    const none = await bgp(['127.0.0.61', '--router', 'cli-r1', ...remote()]);
    expect(none).toEqual({ code: 5, stdout: '', stderr: `peergate bgp: no neighbor 127.0.0.61 of router cli-r1 at ${s.url}/graphql (peergate bgp neighbor lists them)\n` });
    const unknown = await bgp(['127.0.0.99', ...remote()]);
    expect([unknown.code, unknown.stderr]).toEqual([5, `peergate bgp: no neighbor 127.0.0.99 at ${s.url}/graphql (peergate bgp neighbor lists them)\n`]);
  });

  test('one BMP peer: the router that reports it, what the OPENs negotiated, counts, statistics, its Peer Down', async () => {
    const upPeer = await bgp(['192.0.2.20', ...remote()]);
    expect({ code: upPeer.code, stderr: upPeer.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = upPeer.stdout.split('\n');
    expect(lines[0]).toBe('BGP neighbor is 192.0.2.20, remote AS 65162');
    expect(lines[1]).toMatch(new RegExp(`^  Source: BMP from 127\\.0\\.0\\.1:\\d+ \\(cli-edge-bmp\\), router cli-edge \\(id ${ids.edge}\\), direct session ${ids.edgeSession}$`));
    expect(upPeer.stdout).toMatch(/^ {2}BGP state = Established, up for (\d+d )?\d\d:\d\d:\d\d$/m);
    expect(upPeer.stdout).toContain('  Hold time 90 s; families ipv4, ipv6\n');
    expect(upPeer.stdout).toContain('    4-octet-as\n');
    expect(upPeer.stdout).toContain('    Received (pre-policy):   3\n    Accepted (post-policy):  2\n');
    expect(upPeer.stdout).toContain('    prefixes rejected by inbound policy: 1\n    routes in Adj-RIBs-In: 3\n');
    expect(upPeer.stdout).toContain('  Last down: none\n');
    const down = await bgp(['192.0.2.99', ...remote()]);
    expect(down.stdout).toContain(', no session in the data\n');
    expect(down.stdout).toContain('  BGP state = Down\n');
    expect(down.stdout).toMatch(/^ {2}Last down: remote system closed the session with a NOTIFICATION: .*Cease.* \(BMP reason 3, \d{4}-\d\d-\d\dT[\d:.]+Z\)$/m);
    // Its routes cannot be asked for without a session.
    expect(await bgp(['192.0.2.99', 'adj-in', ...remote()])).toEqual({ code: 5, stdout: '',
      stderr: 'peergate bgp: neighbor 192.0.2.99 has no session in the data, so its routes cannot be asked for\n' });
  });

  test('adj-in: every route, one prefix, the longest match for an address, longer prefixes', async () => {
    const all = await bgp(['127.0.0.61', 'adj-in', ...remote()]);
    expect({ code: all.code, stderr: all.stderr }).toEqual({ code: 0, stderr: '' });
    expect(all.stdout.trimEnd().split('\n').map((l) => l.split(/\s{2,}/))).toEqual([
      ['Network', 'Next Hop', 'AS_PATH', 'Attrs'],
      ['192.0.2.0/24', '127.0.0.61', '65161', '[Origin: i, Med: 10, Communities: 65161:100]'],
      ['198.51.100.0/24', '127.0.0.61', '65161', '[Origin: i, Med: 10, Communities: 65161:100]'],
    ]);
    const exact = await bgp(['127.0.0.61', 'adj-in', '198.51.100.0/24', ...remote()]);
    expect(exact.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['198.51.100.0/24']);
    const longest = await bgp(['127.0.0.61', 'adj-in', '192.0.2.77', ...remote()]);
    expect(longest.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['192.0.2.0/24']);
    const within = await bgp(['127.0.0.61', 'adj-in', '192.0.0.0/8', 'longer-prefixes', ...remote()]);
    expect(within.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['192.0.2.0/24']);
    expect(await bgp(['127.0.0.61', 'adj-in', '203.0.113.0/24', ...remote()])).toEqual({ code: 0, stdout: 'Network not in table\n', stderr: '' });
    // A limit below the count says how many there are.
    const limited = await bgp(['127.0.0.61', 'adj-in', '--limit', '1', ...remote()]);
    expect(limited.stdout.trimEnd().split('\n')).toHaveLength(3);
    expect(limited.stdout).toContain("(1 of 2 routes: --limit N shows more, up to the server's MAX_PAGE_SIZE)");
    // A BMP peer: pre-policy by default, post-policy on request.
    const pre = await bgp(['192.0.2.20', 'adj-in', ...remote()]);
    expect(pre.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s{2,}/))).toEqual([
      ['10.20.0.0/16', '192.0.2.20', '65162', '[Origin: i]'], ['10.21.0.0/16', '192.0.2.20', '65162', '[Origin: i]'], ['10.22.0.0/16', '192.0.2.20', '65162', '[Origin: i]'],
    ]);
    const post = await bgp(['192.0.2.20', 'adj-in', '--policy', 'post', ...remote()]);
    expect(post.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['10.20.0.0/16', '10.21.0.0/16']);
  });

  test('--json prints the data for scripts; PEERGATE_URL and PEERGATE_TOKEN stand in for the flags', async () => {
    const env = { PEERGATE_URL: s.url, PEERGATE_TOKEN: s.token };
    const list = await bgp(['--json'], env);
    expect(list.code).toBe(0);
    const peers = JSON.parse(list.stdout);
    expect(peers.map((p: any) => [p.source, p.routerName, p.remoteAddress, p.state ?? p.status, p.session])).toEqual([
      ['speaker', 'cli-r1', '127.0.0.62', 'ESTABLISHED', { type: 'direct', id: ids.s1 }],
      ['speaker', 'cli-r2', '127.0.0.61', 'ESTABLISHED', { type: 'direct', id: ids.s2 }],
      ['bmp', 'cli-edge', '192.0.2.20', 'up', { type: 'direct', id: ids.edgeSession }],
      ['bmp', 'cli-edge', '192.0.2.99', 'down', null],
    ]);
    expect(peers[2].prefixes).toEqual({ prePolicy: 3, postPolicy: 2 });
    expect(peers[3].lastDown).toMatchObject({ reason: 3, code: 6, subcode: 2 });
    expect(peers[0].prefixes.advertised.ipv4).toBe(2);
    expect(peers[1].capabilities.remote.fourOctetAs).toBe(true);
    const one = JSON.parse((await bgp(['127.0.0.61', '--json'], env)).stdout);
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({ remoteAs: 65161, sessionId: ids.s2, statistics: { receive: { open: 1 } } });
    const routes = JSON.parse((await bgp(['127.0.0.61', 'adj-in', '192.0.2.0/24', '--json'], env)).stdout);
    expect(routes).toEqual([{ prefix: '192.0.2.0/24', attributes: { 1: 0, 2: [[2, [65161]]], 3: '127.0.0.61', 4: 10, 8: ['65161:100'] } }]);
    // A read-only token reads it all.
    const ro = await makeToken(s, { writeEnabled: false });
    expect((await bgp(['--url', s.url, '--token', ro])).code).toBe(0);
  });

  test('a refused token, an unreachable server, a bad command line: one line, its exit code', async () => {
    const bad = await bgp(['--url', s.url, '--token', 'f'.repeat(40)]);
    expect(bad.code).toBe(4);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(bad.stderr).toBe(`peergate bgp: ${s.url}/graphql refused the credentials: Invalid token (UNAUTHENTICATED)\n`);

    const port = await anyFreePort();
    const down = await bgp(['--url', `http://127.0.0.1:${port}`, '--token', s.token]);
    expect(down).toEqual({ code: 1, stdout: '', stderr: `peergate bgp: cannot reach http://127.0.0.1:${port}/graphql: ECONNREFUSED (127.0.0.1:${port})\n` });
    // Without --url nor PEERGATE_URL: this machine's PORT.
    const local = await bgp([], { PORT: String(port), HOST: '', PEERGATE_URL: '' });
    expect(local.stderr).toBe(`peergate bgp: cannot reach http://127.0.0.1:${port}/graphql: ECONNREFUSED (127.0.0.1:${port})\n`);

    const usage: [string[], string][] = [
      [['--jsn'], 'peergate bgp neighbor: unknown option --jsn (did you mean --json?)'],
      [['--url'], 'peergate bgp neighbor: option --url needs a value'],
      [['--url', 'ftp://x/'], 'peergate bgp neighbor: --url wants an http(s) URL, got "ftp://x/"'],
      [['not-an-ip'], 'peergate bgp neighbor: a neighbor is an IPv4 or IPv6 address, got "not-an-ip"'],
      [['127.0.0.61', 'adj-out'], 'peergate bgp neighbor: unknown argument "adj-out" after the address (adj-in)'],
      [['127.0.0.61', 'adj-in', '192.0.2.0/33'], 'peergate bgp neighbor: adj-in wants a prefix (192.0.2.0/24, 2001:db8::/32) or an address, got "192.0.2.0/33"'],
      [['127.0.0.61', '--policy', 'post'], 'peergate bgp neighbor: --policy applies to adj-in'],
    ];
    for (const [args, line] of usage) {
      expect({ args, ...(await bgp(args, { PEERGATE_URL: s.url })) }).toEqual({ args, code: 2, stdout: '', stderr: `${line}\n` });
    }
  });
});
