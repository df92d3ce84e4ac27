// The yabgp dialect against GoBGP through the embedded worker: IPv4 and IPv6 (MP_REACH /
// MP_UNREACH) updates sent through /v1 appear in GoBGP's table and withdraws remove them;
// lookups in both families; route refresh makes GoBGP resend.
import { startTestServer, type TestServer } from '../helpers/server';
import { Gobgp, freePort, requireBinaries, startGobgp, waitFor } from './daemons';
import { declareSession } from './peergate-setup';

const GOBGP_IP = '127.0.0.5';
const P = `/v1/peer/${GOBGP_IP}`;

describe('yabgp dialect against GoBGP', () => {
  let s: TestServer;
  let gobgp: Gobgp;

  beforeAll(async () => {
    requireBinaries('gobgpd', 'gobgp');
    const corePort = await freePort('127.0.0.1');
    const port = await freePort(GOBGP_IP);
    const apiPort = await freePort('127.0.0.1');
    gobgp = await startGobgp({
      as: 65005, routerId: GOBGP_IP, address: GOBGP_IP, port, apiPort,
      neighbors: [{ address: '127.0.0.1', peerAs: 65010, remotePort: corePort, holdTime: 6, families: ['ipv4-unicast', 'ipv6-unicast'] }],
    });
    await gobgp.cli('global', 'rib', 'add', '-a', 'ipv4', '10.88.0.0/16', 'nexthop', '192.0.2.9');
    await gobgp.cli('global', 'rib', 'add', '-a', 'ipv6', '2001:db8:88::/48', 'nexthop', '2001:db8::9');
    s = await startTestServer('pglite', { BGP_WORKER: 'embedded' });
    await declareSession(s, { localAsn: 65010, remoteAsn: 65005, routerIp: '127.0.0.1', corePort, remoteIp: GOBGP_IP, remotePort: port, tag: 'yg' });
    await waitFor('ESTABLISHED', async () => (await s.http('GET', `${P}/state`)).json?.peer?.fsm === 'ESTABLISHED', 30_000);
  });

  afterAll(async () => {
    await s?.close();
    await gobgp?.stop();
  });

  const rib = (family: 'ipv4' | 'ipv6') => gobgp.cli('global', 'rib', '-a', family);
  const stats = async () => (await s.http('GET', `${P}/statistic`)).json;

  test('state shows both families negotiated; GoBGP routes are found by lookup in each family', async () => {
    const st = (await s.http('GET', `${P}/state`)).json.peer;
    expect(st).toMatchObject({ fsm: 'ESTABLISHED', remote_as: 65005, local_as: 65010 });
    expect(st.capability.remote.afi_safi).toEqual(expect.arrayContaining([['ipv4', 'unicast'], ['ipv6', 'unicast']]));
    await waitFor('both routes received', async () => {
      const v = (await s.http('GET', `${P}/version/received`)).json.version;
      return v.ipv4 >= 1 && v.ipv6 >= 1;
    }, 15_000);
    const v4 = await s.http('POST', `${P}/adj-rib-in`, { body: { data: ['10.88.7.7'] } });
    expect(v4.json.data['10.88.7.7']).toMatchObject({ prefix: '10.88.0.0/16', attr: expect.objectContaining({ 2: [[2, [65005]]], 3: '192.0.2.9' }) });
    const v6 = await s.http('POST', `${P}/adj-rib-in?afi_safi=ipv6`, { body: { data: ['2001:db8:88::/48', '2001:db8:88:1::1'] } });
    expect(v6.json.data['2001:db8:88::/48']).toMatchObject({ prefix: '2001:db8:88::/48', attr: expect.objectContaining({ 14: expect.objectContaining({ afi_safi: [2, 1], nexthop: '2001:db8::9' }) }) });
    expect(v6.json.data['2001:db8:88:1::1'].prefix).toBe('2001:db8:88::/48');
    // A v4 query in the v6 lookup is a bad entry.
    expect((await s.http('POST', `${P}/adj-rib-in?afi_safi=ipv6`, { body: { data: ['10.88.0.0/16'] } })).status).toBe(400);
  });

  test('an IPv4 update reaches GoBGP and a withdraw removes it', async () => {
    const r = await s.http('POST', `${P}/send/update`, { body: { attr: { 1: 0, 2: [], 3: '192.0.2.1', 16: ['route-target:65010:1'] }, nlri: ['198.51.100.0/24'] } });
    expect(r.json).toEqual({ status: true });
    await waitFor('IPv4 route in GoBGP', async () => (await rib('ipv4')).includes('198.51.100.0/24'), 10_000);
    expect(await gobgp.cli('global', 'rib', '-a', 'ipv4', '198.51.100.0/24')).toMatch(/65010/);
    expect((await s.http('POST', `${P}/send/update`, { body: { withdraw: ['198.51.100.0/24'] } })).json).toEqual({ status: true });
    await waitFor('IPv4 route gone', async () => !(await rib('ipv4')).includes('198.51.100.0/24'), 10_000);
  });

  test('an IPv6 update via MP_REACH reaches GoBGP, shows in adj-rib-out, and MP_UNREACH removes it', async () => {
    const r = await s.http('POST', `${P}/send/update`, { body: { attr: { 1: 0, 2: [], 14: { afi_safi: [2, 1], nexthop: '2001:db8::1', nlri: ['2001:db8:1::/48', '2001:db8:2::/48'] } } } });
    expect(r.json).toEqual({ status: true });
    await waitFor('IPv6 routes in GoBGP', async () => {
      const t = await rib('ipv6');
      return t.includes('2001:db8:1::/48') && t.includes('2001:db8:2::/48');
    }, 10_000);
    const out = await s.http('POST', `${P}/adj-rib-out?afi_safi=ipv6`, { body: { data: ['2001:db8:1::/48'] } });
    expect(out.json.data['2001:db8:1::/48']).toMatchObject({ prefix: '2001:db8:1::/48', attr: expect.objectContaining({ 14: expect.objectContaining({ nexthop: '2001:db8::1' }) }) });
    expect((await s.http('GET', `${P}/version/send`)).json.version.ipv6).toBe(2);
    const w = await s.http('POST', `${P}/send/update`, { body: { attr: { 15: { afi_safi: [2, 1], withdraw: ['2001:db8:1::/48', '2001:db8:2::/48'] } } } });
    expect(w.json).toEqual({ status: true });
    await waitFor('IPv6 routes gone', async () => !(await rib('ipv6')).includes('2001:db8:1::/48'), 10_000);
    expect((await s.http('POST', `${P}/send/update`, { body: { attr: { 1: 0, 14: { afi_safi: [2, 1], nexthop: 'zz', nlri: ['2001:db8:3::/48'] } } } })).status).toBe(400);
  });

  test('route refresh for IPv4 and IPv6 makes GoBGP resend', async () => {
    for (const afi of [1, 2]) {
      const before = await stats();
      expect((await s.http('POST', `${P}/send/route-refresh`, { body: { afi, safi: 1 } })).json).toEqual({ status: true });
      await waitFor(`GoBGP resent afi ${afi}`, async () => (await stats()).receive.Updates > before.receive.Updates, 10_000);
    }
  });
});
