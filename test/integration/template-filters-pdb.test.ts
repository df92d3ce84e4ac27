// The template filters that read the PeeringDB mirror (pm-workflows §2.5): shared_ixps,
// shared_facilities, missing_sessions and prefix_list on an IXP. Expected values are computed
// here from the dataset the test writes, with Peering Manager's rules spelled out plainly.
import { startTestServer, type TestServer } from '../helpers/server';
import { pdbPost } from '../helpers/pdb';
import { post } from '../helpers/pm';

// Public ASNs (private ones are never looked up in PeeringDB); D has no PeeringDB record.
const ASN = { A: 13030, B: 6939, C: 2914, D: 3356, P: 64512 } as const;
type Net = 'A' | 'B' | 'C';
type Lan = 'L1' | 'L2' | 'L3';
const LANS: Record<Lan, { prefix: string; v6?: string }> = {
  L1: { prefix: '203.0.113.0/24', v6: '2001:db8:1::/64' },
  L2: { prefix: '198.51.100.0/24' },
  L3: { prefix: '192.0.2.0/24' },
};
/** PeeringDB ports: network, LAN, addresses. */
const PORTS: { net: Net; lan: Lan; v4: string | null; v6: string | null }[] = [
  { net: 'A', lan: 'L1', v4: '203.0.113.1', v6: '2001:db8:1::1' },
  { net: 'A', lan: 'L2', v4: '198.51.100.1', v6: null },
  { net: 'B', lan: 'L1', v4: '203.0.113.2', v6: '2001:db8:1::2' },
  { net: 'B', lan: 'L1', v4: '203.0.113.22', v6: null },
  { net: 'B', lan: 'L2', v4: '198.51.100.2', v6: null },
  { net: 'B', lan: 'L3', v4: '192.0.2.2', v6: null },
  { net: 'C', lan: 'L3', v4: '192.0.2.3', v6: null },
  { net: 'C', lan: 'L1', v4: '203.0.113.3', v6: null },
];
const FACILITIES: Record<Net, string[]> = { A: ['F1', 'F2'], B: ['F1', 'F3'], C: ['F2'] };
/** Our IXPs: their PeeringDB LAN and local AS. */
const IXPS: { name: string; lan: Lan | null; local: keyof typeof ASN }[] = [
  { name: 'X1', lan: 'L1', local: 'A' },
  { name: 'X2', lan: 'L2', local: 'A' },
  { name: 'X3', lan: 'L1', local: 'B' },
  { name: 'X4', lan: null, local: 'A' },
];
/** IXP sessions of B on X1 (B's first L1 port, both addresses). X1's IPv6 written compressed differently. */
const SESSIONS_B_X1 = ['203.0.113.2', '2001:0db8:0001::2'];

// Peering Manager's rules, over the dataset above.
const lansOf = (n: Net) => new Set(PORTS.filter((p) => p.net === n).map((p) => p.lan));
const sharedLans = (a: Net, b: Net) => (a === b ? new Set<Lan>() : new Set([...lansOf(a)].filter((l) => lansOf(b).has(l))));
const ixpsOn = (lans: Set<Lan>, local: string) => IXPS.filter((x) => x.lan && lans.has(x.lan) && x.local === local).map((x) => x.name).sort();
const sharedFacilities = (a: Net, b: Net) => FACILITIES[a].filter((f) => FACILITIES[b].includes(f)).sort();
const v4s = (ports: typeof PORTS) => ports.map((p) => p.v4).join(',');

describe('PeeringDB template filters', () => {
  let s: TestServer;
  const as: Record<string, any> = {};
  const ixp: Record<string, any> = {};
  let netB: number;
  const emails = new Map<string, number>();

  beforeAll(async () => {
    s = await startTestServer('pglite');
    const org = (await pdbPost(s, 'org', { name: 'Filters Org' })).id;
    const fac: Record<string, number> = {};
    for (const f of ['F1', 'F2', 'F3']) fac[f] = (await pdbPost(s, 'fac', { org_id: org, name: `Facility ${f}`, city: 'Bern', country: 'CH' })).id;
    const net: Record<string, number> = {};
    for (const n of ['A', 'B', 'C'] as Net[]) net[n] = (await pdbPost(s, 'net', { org_id: org, name: `Net ${n}`, asn: ASN[n] })).id;
    netB = net.B;
    const lan: Record<string, number> = {};
    for (const [name, l] of Object.entries(LANS)) {
      lan[name] = (await pdbPost(s, 'ix', { org_id: org, name: `IX ${name}`, city: 'Bern', country: 'CH', prefix: l.prefix })).id;
      if (l.v6) await pdbPost(s, 'ixpfx', { ixlan_id: lan[name], prefix: l.v6, protocol: 'IPv6' });
    }
    for (const p of PORTS) await pdbPost(s, 'netixlan', { net_id: net[p.net], ixlan_id: lan[p.lan], speed: 1000, ipaddr4: p.v4, ipaddr6: p.v6 });
    for (const [n, fs] of Object.entries(FACILITIES)) for (const f of fs) await pdbPost(s, 'netfac', { net_id: net[n], fac_id: fac[f] });
    for (const [k, asn] of Object.entries(ASN)) as[k] = await post(s, '/api/peering/autonomous-systems/', { asn, name: `AS ${k}`, affiliated: k === 'A' });
    for (const x of IXPS) {
      ixp[x.name] = await post(s, '/api/peering/internet-exchanges/', { name: x.name, slug: x.name.toLowerCase(), local_autonomous_system: as[x.local].id, peeringdb_ixlan: x.lan ? lan[x.lan] : null });
    }
    const platform = await post(s, '/api/devices/platforms/', { name: 'p1', slug: 'p1' });
    const router = await post(s, '/api/devices/routers/', { name: 'r1', hostname: 'r1.example', platform: platform.id, local_autonomous_system: as.A.id });
    const conn = await post(s, '/api/net/connections/', { router: router.id, internet_exchange_point: ixp.X1.id, ipv4_address: '203.0.113.1/24', ipv6_address: '2001:db8:1::1/64' });
    for (const ip of SESSIONS_B_X1) await post(s, '/api/peering/internet-exchange-peering-sessions/', { autonomous_system: as.B.id, ixp_connection: conn.id, ip_address: ip });
  }, 120_000);
  afterAll(async () => { await s?.close(); });

  /** Renders `template` as an e-mail body for autonomous_system = `who` (affiliated: A). */
  async function render(who: keyof typeof ASN, template: string): Promise<{ body?: string; error?: string }> {
    let id = emails.get(template);
    if (!id) {
      id = (await post(s, '/api/messaging/emails/', { name: `e${emails.size}`, subject: '-', template })).id as number;
      emails.set(template, id);
    }
    const r = await s.gql(`{ generateEmail(autonomousSystemId: "${as[who].id}", emailId: "${id}") { body } }`);
    return r.errors ? { error: r.errors[0].message } : { body: r.data.generateEmail.body };
  }
  const US = '{%- set us = affiliated_autonomous_systems.0 -%}';

  test('shared_ixps between two ASes: our IXPs on shared LANs whose local AS is the second operand', async () => {
    const t = `${US}{{ autonomous_system | shared_ixps(us) | iterate('name') | join(',') }}|{{ us | shared_ixps(autonomous_system) | iterate('name') | join(',') }}`;
    expect((await render('B', t)).body).toBe(`${ixpsOn(sharedLans('B', 'A'), 'A').join(',')}|${ixpsOn(sharedLans('A', 'B'), 'B').join(',')}`);
    expect((await render('C', t)).body).toBe(`${ixpsOn(sharedLans('C', 'A'), 'A').join(',')}|${ixpsOn(sharedLans('A', 'C'), 'C').join(',')}`);
    // No PeeringDB record, a private ASN, the same network: nothing.
    for (const who of ['D', 'P', 'A'] as const) expect((await render(who, t)).body).toBe('|');
  });

  test('shared_facilities: PeeringDB facilities of both networks, as facility objects', async () => {
    const t = `${US}{{ autonomous_system | shared_facilities(us) | iterate('name') | join(',') }}`;
    expect((await render('B', t)).body).toBe(sharedFacilities('B', 'A').map((f) => `Facility ${f}`).join(','));
    expect((await render('C', t)).body).toBe(sharedFacilities('C', 'A').map((f) => `Facility ${f}`).join(','));
    expect((await render('D', t)).body).toBe('');
    expect((await render('A', t)).body).toBe('');
  });

  test('missing_sessions between two ASes: the receiver\'s ports on shared LANs with an address it has no session on', async () => {
    const used = new Set(['203.0.113.2', '2001:db8:1::2']);
    const open = (p: (typeof PORTS)[number]) => (p.v6 !== null && !used.has(p.v6)) || (p.v4 !== null && !used.has(p.v4));
    const all = `${US}{{ autonomous_system | missing_sessions(us) | iterate('ipaddr4') | join(',') }}`;
    const shared = new Set(IXPS.filter((x) => ixpsOn(sharedLans('B', 'A'), 'A').includes(x.name)).map((x) => x.lan));
    expect((await render('B', all)).body).toBe(v4s(PORTS.filter((p) => p.net === 'B' && shared.has(p.lan) && open(p))));
    // On one IXP (X2, by keyword): only its LAN; the sessions counted are those on its connections (none).
    const onX2 = `${US}{{ autonomous_system | missing_sessions(us, ixp=(autonomous_system | shared_ixps(us) | last)) | iterate('ipaddr4') | join(',') }}`;
    expect((await render('B', onX2)).body).toBe(v4s(PORTS.filter((p) => p.net === 'B' && p.lan === 'L2')));
    // The same AS, or a private one: none.
    expect((await render('A', all)).body).toBe('');
    expect((await render('P', all)).body).toBe('');
  });

  test('prefix_list on an IXP: its PeeringDB LAN\'s prefixes by family, or one family as a list', async () => {
    const t = `${US}{% set x1 = autonomous_system | shared_ixps(us) | first %}{% set p = x1 | prefix_list %}{{ x1.name }} {{ p | length }} {{ p.ipv6 }} {{ p.ipv4 }} {{ x1 | prefix_list(4) }} {{ x1 | prefix_list(6) }}`;
    expect((await render('B', t)).body).toBe(`X1 2 ['${LANS.L1.v6}'] ['${LANS.L1.prefix}'] ['${LANS.L1.prefix}'] ['${LANS.L1.v6}']`);
  });

  test('wrong operands are template errors naming the filter', async () => {
    expect((await render('B', `{{ autonomous_system | shared_ixps('x') }}`)).error).toMatch(/shared_ixps: "x" is not an autonomous system or a PeeringDB network/);
    expect((await render('B', `{{ 'x' | shared_facilities(autonomous_system) }}`)).error).toMatch(/shared_facilities: "x" is not/);
    expect((await render('B', `{{ autonomous_system | missing_sessions(autonomous_system, ixp='x') }}`)).error).toMatch(/missing_sessions: "x" is not an IXP/);
  });

  describe('with a PeeringDB network (render-email: autonomous_systems = [AS, network])', () => {
    async function renderTo(template: string): Promise<string> {
      const email = await post(s, '/api/messaging/emails/', { name: `n${emails.size}-${Date.now()}`, subject: '-', template });
      const r = await s.http('POST', '/api/peeringdb/networks/render-email/', { body: { email: email.id, autonomous_system: as.A.id, network: netB } });
      if (r.status !== 200) throw new Error(`${r.status} ${r.text}`);
      return r.json.body;
    }

    test('shared_ixps either way round: the AS operand\'s IXPs on LANs both networks are on', async () => {
      const expected = ixpsOn(sharedLans('A', 'B'), 'A').join(',');
      expect(await renderTo(`{{ autonomous_systems.0 | shared_ixps(autonomous_systems.1) | iterate('name') | join(',') }}`)).toBe(expected);
      expect(await renderTo(`{{ autonomous_systems.1 | shared_ixps(autonomous_systems.0) | iterate('name') | join(',') }}`)).toBe(expected);
    });

    test('shared_facilities and missing_sessions (the network\'s ports on the AS\'s LANs, sessions not excluded)', async () => {
      expect(await renderTo(`{{ autonomous_systems.0 | shared_facilities(autonomous_systems.1) | iterate('name') | join(',') }}`)).toBe(sharedFacilities('A', 'B').map((f) => `Facility ${f}`).join(','));
      expect(await renderTo(`{{ autonomous_systems.0 | missing_sessions(autonomous_systems.1) | iterate('ipaddr4') | join(',') }}`))
        .toBe(v4s(PORTS.filter((p) => p.net === 'B' && lansOf('A').has(p.lan))));
    });

    test('two networks are refused by shared_ixps', async () => {
      await expect(renderTo(`{{ autonomous_systems.1 | shared_ixps(autonomous_systems.1) }}`)).rejects.toThrow(/one of the values must be an autonomous system/);
    });
  });
});
