// import-sessions (pm-workflows §6.2) from the neighbours a router reports over BMP: hand-built BMP
// over TCP to `serve` with BMP_PORT=0, a PeeringDB mirror with the IX's LAN and the peers' networks.
// Kept: neighbours on the LAN with a PeeringDB network and no session on that connection yet.
import * as net from 'node:net';
import { startTestServer, type TestServer } from '../helpers/server';
import { pdbPost } from '../helpers/pdb';
import { makeToken, post } from '../helpers/pm';
import { waitFor } from '../interop/daemons';
import * as bmp from '../helpers/bmp';
import { jobMessages, settledRestJob } from '../helpers/jobs';

const IX = '/api/peering/internet-exchanges/';

describe('import-sessions from BMP-reported neighbours', () => {
  let s: TestServer;
  let socket: net.Socket;
  const ids: Record<string, number> = {};


  const sessionsOf = async (conn: number) => (await s.http('GET', `/api/peering/internet-exchange-peering-sessions/?ixp_connection_id=${conn}&ordering=ip_address&limit=0`)).json.results
    .map((r: any) => `${r.ip_address} AS${r.autonomous_system.asn}`);

  beforeAll(async () => {
    s = await startTestServer('pglite', { BMP_PORT: '0' });
    // The mirror: the IX's LAN (v4 and v6 prefixes) and two networks.
    const org = (await pdbPost(s, 'org', { name: 'Import Org' })).id;
    const lan = (await pdbPost(s, 'ix', { org_id: org, name: 'Import PDB IX', city: 'Bern', country: 'CH', prefix: '192.0.2.0/24' })).id;
    await pdbPost(s, 'ixpfx', { ixlan_id: lan, prefix: '2001:db8::/64', protocol: 'IPv6' });
    await pdbPost(s, 'net', { org_id: org, name: 'Peer A Networks', asn: 64520, irr_as_set: 'AS-PEERA', info_prefixes4: 120, info_prefixes6: 12 });
    await pdbPost(s, 'net', { org_id: org, name: 'Peer B Networks', asn: 64521 });

    const local = await post(s, '/api/peering/autonomous-systems/', { asn: 64510, name: 'Local' });
    ids.peerB = (await post(s, '/api/peering/autonomous-systems/', { asn: 64521, name: 'Peer B as we know it' })).id;
    const platform = await post(s, '/api/devices/platforms/', { name: 'Junos', slug: 'junos' });
    // The BMP router is found by its hostname: the address its BMP connection comes from.
    const edge = await post(s, '/api/devices/routers/', { name: 'edge1', hostname: '127.0.0.1', platform: platform.id, local_autonomous_system: local.id });
    const other = await post(s, '/api/devices/routers/', { name: 'quiet1', hostname: 'quiet1.example.net', platform: platform.id, local_autonomous_system: local.id });
    ids.ix = (await post(s, IX, { name: 'Import IX', slug: 'import-ix', local_autonomous_system: local.id, peeringdb_ixlan: lan })).id;
    ids.conn = (await post(s, '/api/net/connections/', { internet_exchange_point: ids.ix, router: edge.id, ipv4_address: '192.0.2.1/24', ipv6_address: '2001:db8::1/64' })).id;
    ids.quietIx = (await post(s, IX, { name: 'Quiet IX', slug: 'quiet-ix', local_autonomous_system: local.id, peeringdb_ixlan: lan })).id;
    await post(s, '/api/net/connections/', { internet_exchange_point: ids.quietIx, router: other.id, ipv4_address: '192.0.2.2/24' });
    await post(s, '/api/peering/internet-exchange-peering-sessions/', { autonomous_system: ids.peerB, ixp_connection: ids.conn, ip_address: '192.0.2.30' });

    socket = net.connect({ host: '127.0.0.1', port: s.pg.bmp!.station.address()!.port });
    socket.on('error', () => undefined);
    await new Promise((r) => socket.once('connect', r));
    const mine = bmp.open(64510, '192.0.2.1', bmp.caps({ fourOctetAs: 64510 }));
    const up = (address: string, asn: number, n: number) =>
      bmp.peerUp({ address, asn, bgpId: `10.0.0.${n}` }, mine, bmp.open(asn, `10.0.0.${n}`, bmp.caps({ fourOctetAs: asn })), address.includes(':') ? '2001:db8::1' : '192.0.2.1');
    socket.write(Buffer.concat([
      bmp.initiation('edge1', 'test router'),
      up('192.0.2.20', 64520, 1),    // imported; AS64520 created from PeeringDB
      up('2001:db8::20', 64520, 2),  // imported (IPv6)
      up('192.0.2.30', 64521, 3),    // has its session already
      up('192.0.2.40', 64521, 4),    // imported; the existing AS64521 reused
      up('192.0.2.50', 64999, 5),    // no PeeringDB network: skipped
      up('198.51.100.9', 64520, 6),  // not on the IX's LAN: skipped
    ]));
    await waitFor('the six peers reported', async () => (await s.gql('{ bmpPeers { remoteAddress routerId } }')).data.bmpPeers.filter((p: any) => p.routerId === String(edge.id)).length === 6, 15_000);
  }, 60_000);

  afterAll(async () => {
    socket?.destroy();
    await s?.close();
  });

  test('202 + Job; the job creates the sessions and the missing AS from the mirror, and says what it did', async () => {
    const r = await s.http('POST', `${IX}${ids.ix}/import-sessions/`);
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ name: 'peering.internet_exchange.import_sessions', object_type: 'peering.internetexchange', object_id: ids.ix });
    const job = await settledRestJob(s, r.json.id);
    expect(job.status.value).toBe('completed');
    expect(jobMessages(job)).toEqual([
      'info: Running job', 'info: Found 1 connection.', 'warning: Skipped 192.0.2.50: AS64999 has no PeeringDB record.',
      'info: Imported 3 sessions for 2 autonomous systems.', 'success: Import completed.', 'success: Job completed',
    ]);
    expect(await sessionsOf(ids.conn)).toEqual(['192.0.2.20 AS64520', '192.0.2.30 AS64521', '192.0.2.40 AS64521', '2001:db8::20 AS64520']);
    const created = (await s.http('GET', '/api/peering/autonomous-systems/?asn=64520')).json.results;
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ name: 'Peer A Networks', irr_as_set: 'AS-PEERA', ipv4_max_prefixes: 120, ipv6_max_prefixes: 12 });
    expect((await s.http('GET', '/api/peering/autonomous-systems/?asn=64521')).json.results.map((a: any) => a.id)).toEqual([ids.peerB]);
    // The new sessions are the router's real peers: BMP matches them and writes their state back.
    await waitFor('an imported session matched over BMP', async () => {
      const row = (await s.http('GET', `/api/peering/internet-exchange-peering-sessions/?ixp_connection_id=${ids.conn}&ip_address=192.0.2.20`)).json.results[0];
      return row?.bgp_state === 'established';
    }, 15_000);
  });

  test('again: nothing left to import', async () => {
    const job = await settledRestJob(s, (await s.http('POST', `${IX}${ids.ix}/import-sessions/`)).json.id);
    expect(jobMessages(job)).toContain('info: Imported 0 sessions for 0 autonomous systems.');
    expect(await sessionsOf(ids.conn)).toHaveLength(4);
  });

  test('an IX whose routers report nothing over BMP: no usable connections, nothing created', async () => {
    const job = await settledRestJob(s, (await s.http('POST', `${IX}${ids.quietIx}/import-sessions/`)).json.id);
    expect(job.status.value).toBe('completed');
    expect(jobMessages(job)).toEqual(['info: Running job', 'info: Found 1 connection.',
      'warning: No usable connections: none of their routers reports its BGP neighbours over BMP to this PeerGate.', 'success: Job completed']);
  });

  test('refusals: read-only token and anonymous 403, unknown IX 404, GET 405; GraphQL the same', async () => {
    const readOnly = await makeToken(s, { writeEnabled: false });
    const url = `${IX}${ids.ix}/import-sessions/`;
    expect((await s.http('POST', url, { token: readOnly })).status).toBe(403);
    expect((await s.http('POST', url, { token: null })).status).toBe(403);
    expect((await s.http('POST', `${IX}999999/import-sessions/`)).status).toBe(404);
    expect((await s.http('GET', url)).status).toBe(405);
    const gql = await s.gql(`mutation { importInternetExchangePeeringSessions(id: "${ids.ix}") { id } }`, {}, readOnly);
    expect(gql.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await s.http('GET', '/api/core/jobs/?name=peering.internet_exchange.import_sessions&limit=0')).json.count).toBe(3);
  });
});
