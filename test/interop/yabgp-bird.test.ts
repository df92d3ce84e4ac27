// The yabgp dialect (/v1) against a real BIRD through the embedded bgp-core worker:
// every endpoint, the auth matrix, and routes sent through the API seen in BIRD's table.
import { startTestServer, type TestServer } from '../helpers/server';
import { Bird, freePort, requireBinaries, startBird, waitFor } from './daemons';
import { basic, declareSession } from './peergate-setup';

const BIRD_IP = '127.0.0.4';
const ROUTES = Array.from({ length: 20 }, (_, i) => `10.78.${i}.0/24`);
const P = `/v1/peer/${BIRD_IP}`;

describe('yabgp dialect against BIRD', () => {
  let s: TestServer;
  let bird: Bird;
  let readKey: string;
  let writeKey: string;

  beforeAll(async () => {
    requireBinaries('bird', 'birdc');
    const corePort = await freePort('127.0.0.1');
    const birdPort = await freePort(BIRD_IP);
    bird = await startBird({
      routerId: BIRD_IP, address: BIRD_IP, port: birdPort, nextHop: '198.18.0.4', staticRoutes: ROUTES,
      // Passive: only bgp-core dials, so no connection collision adds OPENs to the counts checked below.
      peers: [{ name: 'peergate', localAs: 65004, neighborAddress: '127.0.0.1', neighborPort: corePort, remoteAs: 65010, holdTime: 6, passive: true }],
    });
    s = await startTestServer('pglite', { BGP_WORKER: 'embedded' });
    await declareSession(s, { localAsn: 65010, remoteAsn: 65004, routerIp: '127.0.0.1', corePort, remoteIp: BIRD_IP, remotePort: birdPort, tag: 'yb' });
    const u = await s.gql('mutation { createUser(input: {username: "alice", password: "correct horse battery"}) { id } }');
    expect(u.errors).toBeUndefined();
    const t = await s.gql(`mutation { ro: createToken(input: {userId: "${u.data.createUser.id}", writeEnabled: false}) { key }
      rw: createToken(input: {userId: "${u.data.createUser.id}", writeEnabled: true}) { key } }`);
    expect(t.errors).toBeUndefined();
    readKey = t.data.ro.key;
    writeKey = t.data.rw.key;
    await waitFor('ESTABLISHED', async () => (await s.http('GET', `${P}/state`)).json?.peer?.fsm === 'ESTABLISHED', 30_000);
  });

  afterAll(async () => {
    await s?.close();
    await bird?.stop();
  });

  // birdc exits non-zero with "Network not found" when nothing matches.
  const birdHas = async (prefix: string): Promise<boolean> => {
    try { return (await bird.birdc('show', 'route', 'for', prefix)).includes(prefix); } catch { return false; }
  };
  const stats = async () => (await s.http('GET', `${P}/statistic`)).json;

  test('the API root and /v1 answer without credentials', async () => {
    const root = await s.http('GET', '/', { token: null });
    expect(root.status).toBe(200);
    expect(root.json).toEqual({ versions: { values: [{ id: 'v1', links: `${s.url}/v1`, status: 'stable' }] } });
    const v1 = await s.http('GET', '/v1', { token: null });
    expect(v1.json).toEqual({ status: 'stable', updated: '2015-01-22T00:00:00Z', version: 'v1' });
  });

  test('auth: none, bad token, bad Basic are 401; Basic with token or password works; read-only cannot write', async () => {
    const refused: Record<string, string>[] = [{}, { Authorization: 'Token 0000000000000000000000000000000000000000' }, { Authorization: basic('alice', 'wrong') }, { Authorization: basic('nobody', writeKey) }];
    for (const headers of refused) {
      const r = await s.http('GET', `${P}/state`, { token: null, headers });
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ status: false, code: 'Unauthorized Access' });
      expect(r.headers.get('www-authenticate')).toMatch(/^Basic/);
    }
    expect((await s.http('GET', `${P}/state`, { token: null, headers: { Authorization: basic('alice', readKey) } })).status).toBe(200);
    expect((await s.http('GET', `${P}/state`, { token: null, headers: { Authorization: basic('alice', 'correct horse battery') } })).status).toBe(200);
    expect((await s.http('GET', `${P}/statistic`, { token: readKey })).status).toBe(200);
    // Another user's token in Basic is refused.
    expect((await s.http('GET', `${P}/state`, { token: null, headers: { Authorization: basic('admin', readKey) } })).status).toBe(401);
    const ro = { token: null, headers: { Authorization: basic('alice', readKey) } };
    const upd = await s.http('POST', `${P}/send/update`, { ...ro, body: { attr: { 1: 0, 2: [], 3: '127.0.0.1' }, nlri: ['198.51.100.0/24'] } });
    expect(upd.status).toBe(403);
    expect(upd.json.status).toBe(false);
    expect((await s.http('GET', `${P}/manual-stop`, ro)).status).toBe(403);
    expect((await s.http('POST', `${P}/send/route-refresh`, { token: readKey, body: { afi: 1, safi: 1 } })).status).toBe(403);
    // Lookups are reads.
    expect((await s.http('POST', `${P}/adj-rib-in`, { ...ro, body: { data: ['10.78.1.0/24'] } })).json.status).toBe(true);
  });

  test('unknown peer is 404, unparseable body 400', async () => {
    const r = await s.http('GET', '/v1/peer/192.0.2.254/state');
    expect(r.status).toBe(404);
    expect(r.json.status).toBe(false);
    expect((await s.http('GET', '/v1/peer/not-an-ip/state')).status).toBe(404);
    const bad = await s.http('POST', `${P}/send/update`, { body: '{"attr": ' });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ status: false, code: expect.stringContaining('please check your post data') });
  });

  test('state with capabilities, statistic, versions', async () => {
    const st = (await s.http('GET', `${P}/state`)).json.peer;
    expect(st).toMatchObject({ fsm: 'ESTABLISHED', local_addr: '127.0.0.1', local_as: 65010, remote_addr: BIRD_IP, remote_as: 65004 });
    expect(st.uptime).toBeGreaterThan(0);
    expect(st.capability.local).toMatchObject({ four_bytes_as: true, route_refresh: true });
    expect(st.capability.remote).toMatchObject({ four_bytes_as: true, route_refresh: true });
    expect(st.capability.remote.afi_safi).toContainEqual(['ipv4', 'unicast']);
    const stat = await stats();
    for (const dir of ['send', 'receive']) {
      expect(Object.keys(stat[dir]).sort()).toEqual(['Keepalives', 'Notifications', 'Opens', 'Route Refresh', 'Updates']);
      expect(stat[dir].Opens).toBe(1);
    }
    await waitFor('all routes received', async () => (await s.http('GET', `${P}/version/received`)).json.version.ipv4 >= ROUTES.length, 20_000);
    const v = (await s.http('GET', `${P}/version/received`)).json;
    expect(v.version).toMatchObject({ ipv4: ROUTES.length, ipv6: 0, flowspec: 0, mpls_vpn: 0, sr_policy: 0 });
    expect((await s.http('GET', `${P}/version/send`)).json.version.ipv4).toBe(0);
  });

  test('adj-rib-in: exact prefix, longest match for an address, no match, family and bad entries', async () => {
    const r = await s.http('POST', `${P}/adj-rib-in?afi_safi=ipv4`, { body: { data: ['10.78.3.0/24', '10.78.5.77', '10.79.0.0/24'] } });
    expect(r.status).toBe(200);
    expect(r.json.status).toBe(true);
    expect(r.json.data['10.78.3.0/24']).toEqual({ prefix: '10.78.3.0/24', attr: expect.objectContaining({ 1: 0, 2: [[2, [65004]]], 3: '198.18.0.4' }) });
    expect(r.json.data['10.78.5.77'].prefix).toBe('10.78.5.0/24');
    expect(r.json.data['10.79.0.0/24']).toEqual({});
    const fam = await s.http('POST', `${P}/adj-rib-in?afi_safi=flowspec`, { body: { data: ['10.78.3.0/24'] } });
    expect(fam.status).toBe(200);
    expect(fam.json).toEqual({ status: false, code: 'address family unsupported, afi_safi=flowspec' });
    expect((await s.http('POST', `${P}/adj-rib-in`, { body: { data: ['10.78.3.0/33'] } })).status).toBe(400);
    expect((await s.http('POST', `${P}/adj-rib-in`, { body: { nodata: 1 } })).status).toBe(400);
  });

  test('an update sent through /send/update reaches BIRD, shows in adj-rib-out, and a withdraw removes it', async () => {
    const before = (await stats()).send.Updates;
    const r = await s.http('POST', `${P}/send/update`, { body: { attr: { 1: 0, 2: [], 3: '127.0.0.1', 4: 10, 8: ['65010:1', 'NO_EXPORT'], 32: ['65010:1:2'] }, nlri: ['203.0.113.0/24'] } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: true });
    await waitFor('route in BIRD', () => birdHas('203.0.113.0/24'), 10_000);
    const detail = await bird.birdc('show', 'route', 'for', '203.0.113.0/24', 'all');
    expect(detail).toMatch(/BGP.as_path: 65010/);
    expect(detail).toMatch(/\(65010,1\)/);
    expect((await stats()).send.Updates).toBe(before + 1);
    const out = await s.http('POST', `${P}/adj-rib-out`, { body: { data: ['203.0.113.9'] } });
    expect(out.json.data['203.0.113.9']).toMatchObject({ prefix: '203.0.113.0/24', attr: expect.objectContaining({ 2: [[2, [65010]]], 4: 10 }) });
    expect((await s.http('GET', `${P}/version/send`)).json.version.ipv4).toBe(1);
    const w = await s.http('POST', `${P}/send/update`, { body: { withdraw: ['203.0.113.0/24'] } });
    expect(w.json).toEqual({ status: true });
    await waitFor('route gone from BIRD', async () => !(await birdHas('203.0.113.0/24')), 10_000);
    expect((await s.http('POST', `${P}/adj-rib-out`, { body: { data: ['203.0.113.0/24'] } })).json.data['203.0.113.0/24']).toEqual({});
  });

  test('many prefixes are split over several UPDATEs and all reach BIRD', async () => {
    const nlri = Array.from({ length: 1500 }, (_, i) => `100.${64 + (i >> 8)}.${i & 255}.0/24`);
    const before = (await stats()).send.Updates;
    const r = await s.http('POST', `${P}/send/update`, { body: { attr: { 1: 0, 2: [], 3: '127.0.0.1' }, nlri } });
    expect(r.json).toEqual({ status: true });
    expect((await stats()).send.Updates - before).toBeGreaterThanOrEqual(2);
    await waitFor('1500 routes in BIRD', async () => ((await bird.birdc('show', 'route', 'protocol', 'peergate', 'count')).match(/(\d+) of \d+ routes/)?.[1] === '1500'), 20_000);
    await s.http('POST', `${P}/send/update`, { body: { withdraw: nlri } });
    await waitFor('routes withdrawn', async () => ((await bird.birdc('show', 'route', 'protocol', 'peergate', 'count')).match(/(\d+) of \d+ routes/)?.[1] === '0'), 20_000);
  });

  test('attributes PeerGate cannot encode are 400 naming the attribute; IPv6 is refused when not negotiated', async () => {
    const cases: [unknown, RegExp][] = [
      [{ attr: { 1: 7, 3: '127.0.0.1' }, nlri: ['198.51.100.0/24'] }, /attribute 1 \(ORIGIN\)/],
      [{ attr: { 1: 0, 3: 'not-an-ip' }, nlri: ['198.51.100.0/24'] }, /attribute 3 \(NEXT_HOP\)/],
      [{ attr: { 1: 0 }, nlri: ['198.51.100.0/24'] }, /attribute 3 \(NEXT_HOP\) is mandatory/],
      [{ attr: { 1: 0, 3: '127.0.0.1', 8: ['70000:1'] }, nlri: ['198.51.100.0/24'] }, /attribute 8 \(COMMUNITY\)/],
      [{ attr: { 1: 0, 3: '127.0.0.1', 11: 'x' }, nlri: ['198.51.100.0/24'] }, /attribute 11/],
      [{ attr: { 1: 0, 3: '127.0.0.1', 14: { afi_safi: [1, 133], nexthop: '1.1.1.1', nlri: [] } } }, /attribute 14 \(MP_REACH_NLRI\)/],
      [{ attr: { 1: 0, 3: '127.0.0.1' }, nlri: ['198.51.100.1/24'] }, /host bits/],
    ];
    for (const [body, re] of cases) {
      const r = await s.http('POST', `${P}/send/update`, { body });
      expect([r.status, r.json.status]).toEqual([400, false]);
      expect(r.json.code).toMatch(re);
    }
    const empty = await s.http('POST', `${P}/send/update`, { body: { attr: { 1: 0 } } });
    expect([empty.status, empty.json]).toEqual([200, { status: false, code: 'please check your post data' }]);
    // BIRD runs IPv4 only here: MP_REACH for IPv6 is yabgp's family refusal.
    const v6 = await s.http('POST', `${P}/send/update`, { body: { attr: { 1: 0, 2: [], 14: { afi_safi: [2, 1], nexthop: '2001:db8::1', nlri: ['2001:db8:1::/48'] } } } });
    expect([v6.status, v6.json]).toEqual([200, { status: false, code: 'address family unsupported, afi=2,safi=1' }]);
  });

  test('json_to_bin encodes, send/bin_update validates and sends it', async () => {
    const j = await s.http('POST', `${P}/json_to_bin`, { body: { attr: { 1: 0, 2: [[2, [65010]]], 3: '127.0.0.1' }, nlri: ['192.0.2.0/24'] } });
    expect(j.status).toBe(200);
    expect(j.json.bin).toMatch(/^f{32}[0-9a-f]{4}02/);
    const sent = await s.http('POST', `${P}/send/bin_update`, { body: { binary_data: j.json.bin } });
    expect(sent.json).toEqual({ status: true });
    await waitFor('bin route in BIRD', () => birdHas('192.0.2.0/24'), 10_000);
    for (const binary_data of ['zz', 'ffff', j.json.bin.slice(0, -2), 'f'.repeat(32) + '0013' + '04']) {
      const r = await s.http('POST', `${P}/send/bin_update`, { body: { binary_data } });
      expect([r.status, r.json.status]).toEqual([400, false]);
    }
    const wd = await s.http('POST', `${P}/json_to_bin`, { body: { withdraw: ['192.0.2.0/24'] } });
    expect((await s.http('POST', `${P}/send/bin_update`, { body: { binary_data: wd.json.bin } })).json).toEqual({ status: true });
    await waitFor('bin route withdrawn', async () => !(await birdHas('192.0.2.0/24')), 10_000);
  });

  test('route refresh makes BIRD resend its routes; bad families and bodies are refused', async () => {
    const before = await stats();
    const r = await s.http('POST', `${P}/send/route-refresh`, { body: { afi: 1, safi: 1, res: 0 } });
    expect(r.json).toEqual({ status: true });
    expect((await stats()).send['Route Refresh']).toBe(before.send['Route Refresh'] + 1);
    await waitFor('BIRD resent', async () => (await stats()).receive.Updates > before.receive.Updates, 10_000);
    const v6 = await s.http('POST', `${P}/send/route-refresh`, { body: { afi: 2, safi: 1 } });
    expect(v6.json).toEqual({ status: false, code: 'address family unsupported, afi=2,safi=1' });
    expect((await s.http('POST', `${P}/send/route-refresh`, { body: { safi: 1 } })).json).toEqual({ status: false, code: 'please check your post data' });
  });

  test('manual-stop sends Cease and refuses sends; manual-start restarts; a second start is refused', async () => {
    const tooLong = await s.http('GET', `${P}/manual-stop?message=${'x'.repeat(256)}`);
    expect([tooLong.status, tooLong.json.status]).toEqual([400, false]);
    expect((await s.http('GET', `${P}/manual-stop?message=${encodeURIComponent('yabgp says bye')}`)).json).toEqual({ status: true });
    await waitFor('IDLE', async () => (await s.http('GET', `${P}/state`)).json.peer.fsm === 'IDLE', 10_000);
    const st = (await s.http('GET', `${P}/state`)).json.peer;
    expect(st.uptime).toBe(0);
    expect(st.last_down).toMatchObject({ reason: 'administrative_shutdown', direction: 'sent', error_code: 6, error_subcode: 2, error_name: 'Cease/Administrative Shutdown', shutdown_message: 'yabgp says bye' });
    const shown = await bird.birdc('show', 'protocols', 'all', 'peergate');
    expect(shown).toMatch(/Received: Administrative shutdown/);
    expect(shown).toMatch(/Message:\s+yabgp says bye/);
    const upd = await s.http('POST', `${P}/send/update`, { body: { attr: { 1: 0, 2: [], 3: '127.0.0.1' }, nlri: ['198.51.100.0/24'] } });
    expect([upd.status, upd.json]).toEqual([200, { status: false, code: "Please check the peer's state" }]);
    expect((await s.http('POST', `${P}/send/route-refresh`, { body: { afi: 1, safi: 1 } })).json).toEqual({ status: false, code: "Please check the peer's state" });
    expect((await s.http('GET', `${P}/manual-start`)).json).toEqual({ status: true });
    const again = await s.http('GET', `${P}/manual-start`);
    expect(again.json).toEqual({ status: false, code: 'peer already established' });
    await waitFor('ESTABLISHED again', async () => (await s.http('GET', `${P}/state`)).json.peer.fsm === 'ESTABLISHED', 30_000);
  });
});
