// Peering Manager's custom actions that PeerGate answers itself (spec pm-workflows §5-§7):
// encrypt-password, user preferences, PeeringDB actions from the mirror, polling from live state.
import { startTestServer, type TestServer } from '../helpers/server';
import { createAs, makeToken, post } from '../helpers/pm';
import { pdbPost } from '../helpers/pdb';
import { decryptPassword } from '../../src/workflows/ciphers';
import { createToken } from '../../src/domain/users/tokens';
import { User } from '../../src/domain/users/user';

const NO_PERMISSION = { detail: 'You do not have permission to perform this action.' };
const DIRECT = '/api/peering/direct-peering-sessions/';
const IXP = '/api/peering/internet-exchange-peering-sessions/';

describe('Peering Manager actions', () => {
  let s: TestServer;
  let readOnly: string;
  let n = 0;
  beforeAll(async () => {
    s = await startTestServer('pglite');
    readOnly = await makeToken(s, { writeEnabled: false });
  });
  afterAll(async () => { await s?.close(); });

  /** A router on a platform with this cipher, a direct session and an IX session on it. */
  async function world(algorithm: string, opts: { encrypt?: boolean; directIp?: string; ixIp?: string } = {}) {
    n += 1;
    const platform = await post(s, '/api/devices/platforms/', { name: `plat${n}`, slug: `plat${n}`, password_algorithm: algorithm });
    const local = await createAs(s);
    const peer = await createAs(s);
    const router = await post(s, '/api/devices/routers/', { name: `r${n}`, hostname: `r${n}.example`, platform: platform.id, local_autonomous_system: local.id, encrypt_passwords: opts.encrypt ?? true });
    const rel = await post(s, '/api/bgp/relationships/', { name: `rel${n}`, slug: `rel${n}` });
    const direct = await post(s, DIRECT, { local_autonomous_system: local.id, autonomous_system: peer.id, relationship: rel.id, ip_address: opts.directIp ?? '192.0.2.1/31', router: router.id, password: 'mypassword' });
    const ix = await post(s, '/api/peering/internet-exchanges/', { name: `ix${n}`, slug: `ix${n}`, local_autonomous_system: local.id });
    const conn = await post(s, '/api/net/connections/', { internet_exchange_point: ix.id, router: router.id, ipv4_address: '192.0.2.100/24' });
    const ixs = await post(s, IXP, { autonomous_system: peer.id, ixp_connection: conn.id, ip_address: opts.ixIp ?? '192.0.2.1', password: 'mypassword' });
    return { platform, router, direct, ix, conn, ixs, local, peer };
  }

  /** A plain (non-staff) user with a token. */
  async function userToken(username: string, writeEnabled = true): Promise<string> {
    const em = s.pg.orm.em.fork();
    let u = await em.findOne(User, { username });
    if (!u) {
      u = em.create(User, { username } as any);
      await em.flush();
    }
    return (await createToken(em, u, { writeEnabled })).key;
  }

  const stored = async (path: string, id: number) => (await s.http('GET', `${path}${id}/`)).json.encrypted_password;
  const encrypt = (path: string, id: number, token?: string) => s.http('POST', `${path}${id}/encrypt-password/`, { token });

  describe('encrypt-password (§5)', () => {
    test('Juniper $9$ keyed by the session IP: a direct session\'s with its length, an IX session\'s bare (spec vectors)', async () => {
      const w = await world('juniper-type9');
      const r = await encrypt(DIRECT, w.direct.id);
      expect([r.status, r.text]).toEqual([200, '']);
      expect(await stored(DIRECT, w.direct.id)).toBe('$9$qmT30BEhyKP5RSeK7NmfT39pO1hleW');
      expect((await encrypt(IXP, w.ixs.id)).status).toBe(200);
      expect(await stored(IXP, w.ixs.id)).toBe('$9$ikPQtu1IhrqmBEyrLXk.PQnCp0ISyK');
    });

    test('Arista type 7 keyed by the neighbour IP (spec vector) and Cisco type 7 (decrypts back)', async () => {
      const a = await world('arista-type7');
      expect((await encrypt(IXP, a.ixs.id)).status).toBe(200);
      expect(await stored(IXP, a.ixs.id)).toBe('7 y+H7lLFzp/YsDHHDOkvsCg==');
      const c = await world('cisco-type7');
      expect((await encrypt(DIRECT, c.direct.id)).status).toBe(200);
      const value = await stored(DIRECT, c.direct.id);
      expect(value).toMatch(/^7 [0-9A-F]+$/);
      expect(decryptPassword('cisco-type7', value)).toBe('mypassword');
    });

    test('kept when it decrypts to the password, re-encrypted when stale or foreign, cleared when the password is empty', async () => {
      const w = await world('juniper-type9');
      await encrypt(DIRECT, w.direct.id);
      const first = await stored(DIRECT, w.direct.id);
      expect((await encrypt(DIRECT, w.direct.id)).status).toBe(200);
      expect(await stored(DIRECT, w.direct.id)).toBe(first);
      // A value of another cipher, then one that decrypts to an old password: both replaced.
      await s.http('PATCH', `${DIRECT}${w.direct.id}/`, { body: { encrypted_password: '7 0822455D0A16' } });
      await encrypt(DIRECT, w.direct.id);
      expect(await stored(DIRECT, w.direct.id)).toBe(first);
      await s.http('PATCH', `${DIRECT}${w.direct.id}/`, { body: { password: 's3cr3t-MD5', ip_address: '192.0.2.1/31' } });
      await encrypt(DIRECT, w.direct.id);
      expect(decryptPassword('juniper-type9', await stored(DIRECT, w.direct.id))).toBe('s3cr3t-MD5');
      await s.http('PATCH', `${DIRECT}${w.direct.id}/`, { body: { password: '' } });
      expect((await encrypt(DIRECT, w.direct.id)).status).toBe(200);
      expect(await stored(DIRECT, w.direct.id)).toBe('');
    });

    test('a platform without an algorithm copies the clear text', async () => {
      const w = await world('');
      expect((await encrypt(IXP, w.ixs.id)).status).toBe(200);
      expect(await stored(IXP, w.ixs.id)).toBe('mypassword');
    });

    test('503 without a router or with encrypt_passwords off; 404 for an unknown session; the GraphQL mutation says SERVICE_UNAVAILABLE', async () => {
      const off = await world('juniper-type9', { encrypt: false });
      const r = await encrypt(DIRECT, off.direct.id);
      expect(r.status).toBe(503);
      expect(r.json.detail).toMatch(/does not encrypt passwords/);
      expect(await stored(DIRECT, off.direct.id)).toBeNull();
      const w = await world('juniper-type9');
      await s.http('PATCH', `${DIRECT}${w.direct.id}/`, { body: { router: null } });
      expect((await encrypt(DIRECT, w.direct.id)).status).toBe(503);
      await s.http('PATCH', `/api/net/connections/${w.conn.id}/`, { body: { router: null } });
      expect((await encrypt(IXP, w.ixs.id)).status).toBe(503);
      expect(await encrypt(DIRECT, 999999)).toMatchObject({ status: 404, json: { detail: 'No DirectPeeringSession matches the given query.' } });
      const g = await s.gql('mutation($id: ID!) { encryptDirectPeeringSessionPassword(id: $id) { id } }', { id: String(off.direct.id) });
      expect(g.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    });

    test('a read-only token gets 403 and nothing is written; GET is 405', async () => {
      const w = await world('juniper-type9');
      const r = await encrypt(DIRECT, w.direct.id, readOnly);
      expect([r.status, r.json]).toEqual([403, NO_PERMISSION]);
      expect((await encrypt(IXP, w.ixs.id, readOnly)).status).toBe(403);
      const g = await s.gql('mutation($id: ID!) { encryptInternetExchangePeeringSessionPassword(id: $id) { id } }', { id: String(w.ixs.id) }, readOnly);
      expect(g.errors[0].extensions.code).toBe('FORBIDDEN');
      expect(await stored(DIRECT, w.direct.id)).toBeNull();
      expect(await stored(IXP, w.ixs.id)).toBeNull();
      expect((await s.http('GET', `${DIRECT}${w.direct.id}/encrypt-password/`)).status).toBe(405);
    });
  });

  describe('user preferences (§7)', () => {
    const PREF = '/api/users/userpref/';
    test('GET is the whole object ({} at first); PATCH deep-merges (objects recurse, lists and scalars replace, nothing deleted)', async () => {
      const t = await userToken('prefs-alice');
      expect(await s.http('GET', PREF, { token: t })).toMatchObject({ status: 200, json: {} });
      let r = await s.http('PATCH', PREF, { token: t, body: { context: { as: 3 }, pagination: { per_page: 50 }, tables: { ASTable: { columns: ['asn', 'name'] } } } });
      expect([r.status, r.json]).toEqual([200, { context: { as: 3 }, pagination: { per_page: 50 }, tables: { ASTable: { columns: ['asn', 'name'] } } }]);
      r = await s.http('PATCH', PREF, { token: t, body: { context: { extra: true }, tables: { ASTable: { columns: ['name'], ordering: ['-asn'] } }, configcontext: { format: 'yaml' } } });
      const merged = { context: { as: 3, extra: true }, pagination: { per_page: 50 }, tables: { ASTable: { columns: ['name'], ordering: ['-asn'] } }, configcontext: { format: 'yaml' } };
      expect([r.status, r.json]).toEqual([200, merged]);
      expect((await s.http('GET', PREF, { token: t })).json).toEqual(merged);
      expect((await s.gql('{ myPreferences }', {}, t)).data.myPreferences).toEqual(merged);
      const g = await s.gql('mutation { updateMyPreferences(preferences: {pagination: {per_page: 100}}) }', {}, t);
      expect(g.data.updateMyPreferences.pagination).toEqual({ per_page: 100 });
    });

    test('each user sees and changes only their own', async () => {
      const alice = await userToken('prefs-iso-a');
      const bob = await userToken('prefs-iso-b');
      await s.http('PATCH', PREF, { token: alice, body: { context: { as: 1 } } });
      await s.http('PATCH', PREF, { token: bob, body: { context: { as: 2 } } });
      expect((await s.http('GET', PREF, { token: alice })).json).toEqual({ context: { as: 1 } });
      expect((await s.http('GET', PREF, { token: bob })).json).toEqual({ context: { as: 2 } });
      expect((await s.http('GET', PREF)).json).not.toHaveProperty('context.as', 1);
    });

    test('400 for a body that is not an object, too deep or too big; 405 for other methods; 403 anonymous or read-only', async () => {
      const t = await userToken('prefs-bad');
      for (const body of [[1, 2], 'x', 3, null]) {
        const r = await s.http('PATCH', PREF, { token: t, body: JSON.stringify(body) });
        expect([r.status, Object.keys(r.json)]).toEqual([400, ['non_field_errors']]);
      }
      expect((await s.http('PATCH', PREF, { token: t })).status).toBe(400);
      let deep: unknown = 1;
      for (let i = 0; i < 40; i++) deep = { a: deep };
      expect((await s.http('PATCH', PREF, { token: t, body: deep })).status).toBe(400);
      expect((await s.http('PATCH', PREF, { token: t, body: { big: 'x'.repeat(70_000) } })).status).toBe(400);
      expect((await s.http('GET', PREF, { token: t })).json).toEqual({});
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const r = await s.http(method, PREF, { token: t, body: {} });
        expect([method, r.status, r.json]).toEqual([method, 405, { detail: `Method "${method}" not allowed.` }]);
      }
      expect((await s.http('GET', PREF, { token: null })).status).toBe(403);
      const ro = await userToken('prefs-bad', false);
      expect(await s.http('PATCH', PREF, { token: ro, body: { a: 1 } })).toMatchObject({ status: 403, json: NO_PERMISSION });
      expect((await s.http('GET', PREF, { token: t })).json).toEqual({});
    });
  });

  describe('PeeringDB actions from the mirror (§6.1, §6.2)', () => {
    const AS = '/api/peering/autonomous-systems/';
    const IX = '/api/peering/internet-exchanges/';
    // Public ASNs: private ones are never looked up in PeeringDB.
    const [A, B, C] = [13030, 6939, 2914];
    let pdb: { ixlan: number; ixlan2: number; fac1: number; nixA: number; nixA2: number; netA: number };
    let asA: any; let asB: any; let asC: any; let ixA: any;

    beforeAll(async () => {
      const org = (await pdbPost(s, 'org', { name: 'Mirror Org', country: 'CH' })).id;
      const fac1 = (await pdbPost(s, 'fac', { org_id: org, name: 'Fac One', city: 'Zurich', country: 'CH' })).id;
      const fac2 = (await pdbPost(s, 'fac', { org_id: org, name: 'Fac Two', city: 'Geneva', country: 'CH' })).id;
      const netA = (await pdbPost(s, 'net', { org_id: org, name: 'Net A', asn: A, info_prefixes4: 10, info_prefixes6: 5, irr_as_set: 'AS-A' })).id;
      const netB = (await pdbPost(s, 'net', { org_id: org, name: 'Net B', asn: B, info_prefixes4: 200, irr_as_set: 'AS-B' })).id;
      const netC = (await pdbPost(s, 'net', { org_id: org, name: 'Net C', asn: C })).id;
      const ixlan = (await pdbPost(s, 'ix', { org_id: org, name: 'Mirror IX', city: 'Zurich', country: 'CH', prefix: '203.0.113.0/24' })).id;
      await pdbPost(s, 'ixpfx', { ixlan_id: ixlan, prefix: '2001:db8:5::/64', protocol: 'IPv6' });
      const ixlan2 = (await pdbPost(s, 'ix', { org_id: org, name: 'Other IX', city: 'Geneva', country: 'CH', prefix: '198.51.100.0/24' })).id;
      const nixA = (await pdbPost(s, 'netixlan', { net_id: netA, ixlan_id: ixlan, speed: 10000, ipaddr4: '203.0.113.10', ipaddr6: '2001:db8:5::10' })).id;
      const nixA2 = (await pdbPost(s, 'netixlan', { net_id: netA, ixlan_id: ixlan2, speed: 10000, ipaddr4: '198.51.100.10' })).id;
      await pdbPost(s, 'netixlan', { net_id: netB, ixlan_id: ixlan, speed: 1000, ipaddr4: '203.0.113.20', is_rs_peer: true });
      await pdbPost(s, 'netixlan', { net_id: netC, ixlan_id: ixlan, speed: 1000, ipaddr4: '203.0.113.30', ipaddr6: '2001:db8:5::30' });
      for (const [net, fac] of [[netA, fac1], [netA, fac2], [netB, fac1]]) await pdbPost(s, 'netfac', { net_id: net, fac_id: fac });
      pdb = { ixlan, ixlan2, fac1, nixA, nixA2, netA };
      asA = await post(s, AS, { asn: A, name: 'us', affiliated: true });
      asB = await post(s, AS, { asn: B, name: 'old name', ipv4_max_prefixes_peeringdb_sync: false, ipv4_max_prefixes: 7 });
      asC = await post(s, AS, { asn: C, name: 'C' });
      ixA = await post(s, IX, { name: 'Our IX', slug: 'our-ix', local_autonomous_system: asA.id, peeringdb_ixlan: ixlan });
    });

    test('sync-with-peeringdb: 200 and the flagged fields copied; 200 and nothing for a private ASN; 204 without a record; 404; 403 read-only', async () => {
      const r = await s.http('POST', `${AS}${asB.id}/sync-with-peeringdb/`);
      expect([r.status, r.text]).toEqual([200, '']);
      expect((await s.http('GET', `${AS}${asB.id}/`)).json).toMatchObject({ name: 'Net B', irr_as_set: 'AS-B', ipv4_max_prefixes: 7 });
      const priv = await createAs(s, { name: 'private one' });
      expect((await s.http('POST', `${AS}${priv.id}/sync-with-peeringdb/`)).status).toBe(200);
      expect((await s.http('GET', `${AS}${priv.id}/`)).json.name).toBe('private one');
      const missing = await post(s, AS, { asn: 3356, name: 'not mirrored' });
      const m = await s.http('POST', `${AS}${missing.id}/sync-with-peeringdb/`);
      expect([m.status, m.text]).toEqual([204, '']);
      expect((await s.http('POST', `${AS}999999/sync-with-peeringdb/`)).status).toBe(404);
      expect((await s.http('POST', `${AS}${asC.id}/sync-with-peeringdb/`, { token: readOnly })).status).toBe(403);
      expect((await s.http('GET', `${AS}${asC.id}/`)).json.name).toBe('C');
    });

    test('shared-ixps and shared-facilities: 503 without context.as, then what both networks share', async () => {
      const t = await userToken('pdb-viewer');
      for (const action of ['shared-ixps', 'shared-facilities']) {
        const r = await s.http('GET', `${AS}${asB.id}/${action}/`, { token: t });
        expect([r.status, r.json]).toEqual([503, { detail: 'User did not choose an affiliated AS.' }]);
      }
      await s.http('PATCH', '/api/users/userpref/', { token: t, body: { context: { as: 999999 } } });
      expect((await s.http('GET', `${AS}${asB.id}/shared-ixps/`, { token: t })).status).toBe(503);
      await s.http('PATCH', '/api/users/userpref/', { token: t, body: { context: { as: asA.id } } });
      const ixps = await s.http('GET', `${AS}${asB.id}/shared-ixps/`, { token: t });
      expect(ixps.status).toBe(200);
      expect(ixps.json).toEqual([expect.objectContaining({ id: ixA.id, name: 'Our IX', slug: 'our-ix', display: 'Our IX', url: expect.stringMatching(new RegExp(`${IX}${ixA.id}/$`)) })]);
      expect(ixps.json[0].status).toMatchObject({ value: 'enabled' });
      const facs = await s.http('GET', `${AS}${asB.id}/shared-facilities/`, { token: t });
      expect(facs.status).toBe(200);
      expect(facs.json.map((f: any) => f.id)).toEqual([pdb.fac1]);
      expect(facs.json[0]).toMatchObject({ name: 'Fac One', city: 'Zurich' });
      // C shares the IX LAN but no facility; a private AS and the affiliated AS itself share nothing.
      expect((await s.http('GET', `${AS}${asC.id}/shared-facilities/`, { token: t })).json).toEqual([]);
      expect((await s.http('GET', `${AS}${asC.id}/shared-ixps/`, { token: t })).json.map((x: any) => x.id)).toEqual([ixA.id]);
      const priv = await createAs(s);
      expect((await s.http('GET', `${AS}${priv.id}/shared-ixps/`, { token: t })).json).toEqual([]);
      expect((await s.http('GET', `${AS}${asA.id}/shared-ixps/`, { token: t })).json).toEqual([]);
      expect((await s.http('GET', `${AS}999999/shared-ixps/`, { token: t })).status).toBe(404);
      const g = await s.gql('query($id: ID!, $a: ID) { autonomousSystem(id: $id) { sharedInternetExchanges(affiliatedId: $a) { name } } }', { id: String(asB.id), a: String(asA.id) });
      expect(g.data.autonomousSystem.sharedInternetExchanges).toEqual([{ name: 'Our IX' }]);
    });

    test('link-to-peeringdb: 200 from the connections\' netixlans, 503 without or with conflicting ones', async () => {
      const ix = await post(s, IX, { name: 'Unlinked', slug: 'unlinked', local_autonomous_system: asA.id });
      const r0 = await s.http('POST', `${IX}${ix.id}/link-to-peeringdb/`);
      expect(r0.status).toBe(503);
      const conn = await post(s, '/api/net/connections/', { router: null, internet_exchange_point: ix.id, peeringdb_netixlan: pdb.nixA, ipv4_address: '203.0.113.10/24' });
      expect((await s.http('POST', `${IX}${ix.id}/link-to-peeringdb/`, { token: readOnly })).status).toBe(403);
      expect((await s.http('GET', `${IX}${ix.id}/`)).json.peeringdb_ixlan).toBeNull();
      const r = await s.http('POST', `${IX}${ix.id}/link-to-peeringdb/`);
      expect([r.status, r.text]).toEqual([200, '']);
      expect((await s.http('GET', `${IX}${ix.id}/`)).json.peeringdb_ixlan).toBe(pdb.ixlan);
      await post(s, '/api/net/connections/', { router: null, internet_exchange_point: ix.id, peeringdb_netixlan: pdb.nixA2, ipv4_address: '198.51.100.10/24' });
      const conflict = await s.http('POST', `${IX}${ix.id}/link-to-peeringdb/`);
      expect(conflict.status).toBe(503);
      expect(conflict.json.detail).toMatch(/different/);
      void conn;
      expect((await s.http('POST', `${IX}999999/link-to-peeringdb/`)).status).toBe(404);
    });

    test('available-peers: by ASN, minus the local AS, kept while an IPv6 or IPv4 lacks a session on every connection', async () => {
      const peers = async () => (await s.http('GET', `${IX}${ixA.id}/available-peers/`)).json;
      const first = await peers();
      expect(first.map((p: any) => p.asn)).toEqual([C, B]);
      expect(Object.keys(first[1]).sort()).toEqual(['asn', 'bfd_support', 'id', 'ipaddr4', 'ipaddr6', 'is_rs_peer', 'ix_side', 'ixlan', 'net', 'net_side', 'notes', 'operational', 'speed']);
      expect(first[1]).toMatchObject({ ixlan: pdb.ixlan, net: expect.any(Number), asn: B, ipaddr4: '203.0.113.20', ipaddr6: null, is_rs_peer: true, speed: 1000, net_side: null, ix_side: null });
      const c1 = await post(s, '/api/net/connections/', { router: null, internet_exchange_point: ixA.id, ipv4_address: '203.0.113.1/24', ipv6_address: '2001:db8:5::1/64' });
      const c2 = await post(s, '/api/net/connections/', { router: null, internet_exchange_point: ixA.id, ipv4_address: '203.0.113.2/24', ipv6_address: '2001:db8:5::2/64' });
      const sess = (as: any, c: any, ip: string) => post(s, IXP, { autonomous_system: as.id, ixp_connection: c.id, ip_address: ip });
      await sess(asB, c1, '203.0.113.20');
      expect((await peers()).map((p: any) => p.asn)).toEqual([C, B]);
      await sess(asB, c2, '203.0.113.20');
      expect((await peers()).map((p: any) => p.asn)).toEqual([C]);
      await sess(asC, c1, '203.0.113.30');
      await sess(asC, c2, '203.0.113.30');
      expect((await peers()).map((p: any) => p.asn)).toEqual([C]);
      await sess(asC, c1, '2001:db8:5::30');
      await sess(asC, c2, '2001:db8:5::30');
      expect(await peers()).toEqual([]);
      const unlinked = await post(s, IX, { name: 'Not linked', slug: 'not-linked', local_autonomous_system: asA.id });
      expect((await s.http('GET', `${IX}${unlinked.id}/available-peers/`)).json).toEqual([]);
      expect((await s.http('GET', `${IX}999999/available-peers/`)).status).toBe(404);
    });

    test('prefixes: the PeeringDB LAN\'s prefixes by family, {} when not linked', async () => {
      expect((await s.http('GET', `${IX}${ixA.id}/prefixes/`)).json).toEqual({ ipv6: ['2001:db8:5::/64'], ipv4: ['203.0.113.0/24'] });
      const unlinked = await post(s, IX, { name: 'No prefixes', slug: 'no-prefixes', local_autonomous_system: asA.id });
      expect((await s.http('GET', `${IX}${unlinked.id}/prefixes/`)).json).toEqual({});
    });
  });
});
