// A PeeringDB-shaped dataset of real size (spec §6: ~25k org, 5k fac, 30k net, 1.2k ix,
// 60k netixlan, 50k netfac, 40k poc), deterministic from a seed, as PeeringDB JSON rows
// per tag. `scale` shrinks it for tests (0.002 = a few dozen nets).
//   npx tsx bench/pdb-gen/generate.ts [--scale 1] [--out DIR]   writes DIR/<tag>-0.json
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../test/helpers/rng';

export type PdbDataset = Record<string, Record<string, unknown>[]>;

/** Full-size counts; other tags follow from these. */
export const FULL_SIZE = { org: 25_000, campus: 50, fac: 5_000, net: 30_000, ix: 1_200, carrier: 180, carrierfac: 3_000, ixfac: 3_700, netfac: 50_000, netixlan: 60_000, poc: 40_000 };


const COUNTRIES = ['US', 'DE', 'NL', 'GB', 'FR', 'BR', 'JP', 'SG', 'AU', 'ZA', 'CH', 'SE', 'IT', 'ES', 'CA', 'IN', 'PL', 'AR'];
const CITIES = ['Frankfurt', 'Amsterdam', 'London', 'Ashburn', 'São Paulo', 'Tokyo', 'Singapore', 'Sydney', 'Johannesburg', 'Zürich', 'Stockholm', 'Milan', 'Madrid', 'Toronto', 'Mumbai', 'Warsaw'];
const INFO_TYPES = ['NSP', 'Content', 'Cable/DSL/ISP', 'Enterprise', 'Educational/Research', 'Non-Profit', 'Route Server', 'Network Services', 'Government'];
const TRAFFIC = ['', '0-20Mbps', '100-1000Mbps', '1-5Gbps', '10-20Gbps', '100-200Gbps', '1-5Tbps'];
const RATIO = ['', 'Not Disclosed', 'Heavy Outbound', 'Mostly Outbound', 'Balanced', 'Mostly Inbound', 'Heavy Inbound'];
const SCOPE = ['', 'Regional', 'North America', 'Asia Pacific', 'Europe', 'South America', 'Africa', 'Australia', 'Middle East', 'Global'];
const POLICY = ['Open', 'Selective', 'Restrictive', 'No'];
const ROLES = ['Abuse', 'Maintenance', 'Policy', 'Technical', 'NOC', 'Public Relations', 'Sales'];
const VISIBLE = ['Public', 'Public', 'Users', 'Private'];

export function generatePdb(scale = 1, seed = 42, now = new Date('2026-01-01T00:00:00Z')): PdbDataset {
  const r = seededRandom(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const int = (n: number) => Math.floor(r() * n);
  const n = (k: keyof typeof FULL_SIZE) => Math.max(k === 'campus' || k === 'carrier' ? 1 : 2, Math.round(FULL_SIZE[k] * scale));
  const base = now.getTime() / 1000;
  /** created years ago, updated since; whole seconds like PeeringDB. */
  const stamps = () => {
    const created = base - 86400 * (30 + int(5000));
    const updated = Math.min(base, created + int(base - created));
    const iso = (s: number) => `${new Date(Math.floor(s) * 1000).toISOString().slice(0, 19)}Z`;
    return { created: iso(created), updated: iso(updated), status: 'ok' };
  };
  const named = (kind: string, i: number) => ({
    name: `${kind} ${i}`, aka: r() < 0.3 ? `${kind[0]}${i}` : '', name_long: r() < 0.2 ? `${kind} ${i} Limited` : '',
    website: `https://www.${kind.toLowerCase()}${i}.example`, social_media: r() < 0.3 ? [{ service: 'website', identifier: `https://${kind.toLowerCase()}${i}.example` }] : [],
    notes: r() < 0.1 ? `Notes for ${kind} ${i}.` : '', logo: null,
  });
  const address = () => ({
    address1: `${1 + int(200)} Peering Street`, address2: '', city: pick(CITIES), state: '', zipcode: String(10000 + int(89999)),
    country: pick(COUNTRIES), floor: '', suite: '', latitude: r() < 0.7 ? Number((r() * 140 - 70).toFixed(6)) : null, longitude: r() < 0.7 ? Number((r() * 340 - 170).toFixed(6)) : null,
  });

  const org = Array.from({ length: n('org') }, (_, i) => ({ id: i + 1, ...named('Organization', i + 1), ...address(), ...stamps() }));
  const orgName = (id: number) => org[id - 1].name;
  const campus = Array.from({ length: n('campus') }, (_, i) => {
    const o = 1 + int(org.length);
    return { id: i + 1, org_id: o, org_name: orgName(o), ...named('Campus', i + 1), country: pick(COUNTRIES), city: pick(CITIES), zipcode: '', state: '', ...stamps() };
  });
  const fac = Array.from({ length: n('fac') }, (_, i) => {
    const o = 1 + int(org.length);
    return {
      id: i + 1, org_id: o, org_name: orgName(o), campus_id: r() < 0.02 ? 1 + int(campus.length) : null, ...named('Facility', i + 1),
      clli: '', rencode: '', npanxx: '', net_count: 0, ix_count: 0, carrier_count: 0, sales_email: '', sales_phone: '', tech_email: `noc@fac${i + 1}.example`, tech_phone: '',
      available_voltage_services: r() < 0.3 ? ['230 VAC'] : [], diverse_serving_substations: r() < 0.2 ? true : null, property: r() < 0.5 ? 'Owner' : null,
      region_continent: 'Europe', status_dashboard: null, ...address(), ...stamps(),
    };
  });
  const net = Array.from({ length: n('net') }, (_, i) => {
    const o = 1 + (i % org.length);
    return {
      id: i + 1, org_id: o, ...named('Network', i + 1), asn: i < 20_000 ? 1000 + i * 3 : 4200000000 + i,
      looking_glass: '', route_server: '', irr_as_set: r() < 0.7 ? `AS-NET${i + 1}` : '', info_type: pick(INFO_TYPES), info_types: [pick(INFO_TYPES)],
      info_prefixes4: int(50) === 0 ? 50_000 : int(1000), info_prefixes6: int(200), info_traffic: pick(TRAFFIC), info_ratio: pick(RATIO), info_scope: pick(SCOPE),
      info_unicast: true, info_multicast: false, info_ipv6: r() < 0.8, info_never_via_route_servers: r() < 0.05, ix_count: 0, fac_count: 0, notes: '',
      netixlan_updated: null, netfac_updated: null, poc_updated: null, policy_url: '', policy_general: pick(POLICY), policy_locations: 'Not Required',
      policy_ratio: false, policy_contracts: 'Not Required', allow_ixp_update: r() < 0.4, ixp_update_exclude: null, status_dashboard: null,
      rir_status: 'ok', rir_status_updated: null, ...stamps(),
    };
  });
  const ix = Array.from({ length: n('ix') }, (_, i) => ({
    id: i + 1, org_id: 1 + int(org.length), ...named('Exchange', i + 1), city: pick(CITIES), country: pick(COUNTRIES), region_continent: 'Europe', media: 'Ethernet',
    proto_unicast: true, proto_multicast: false, proto_ipv6: true, url_stats: '', tech_email: `noc@ix${i + 1}.example`, tech_phone: '', policy_email: '', policy_phone: '',
    sales_email: '', sales_phone: '', net_count: 0, fac_count: 0, ixf_net_count: 0, ixf_last_import: null, ixf_import_request: null, ixf_import_request_status: 'queued',
    service_level: 'Not Disclosed', terms: 'Not Disclosed', status_dashboard: null, ...stamps(),
  }));
  const ixlan = ix.map((x) => ({
    id: x.id, ix_id: x.id, name: '', descr: '', mtu: 1500, dot1q_support: false, rs_asn: r() < 0.5 ? 64000 + x.id : null, arp_sponge: null,
    ixf_ixp_member_list_url_visible: 'Private', ixf_ixp_import_enabled: false, ...stamps(),
  }));
  // One /20 and one /64 per IX, unique across the dataset.
  const v4 = (k: number, host: number) => `10.${k >> 4}.${((k & 15) << 4) + (host >> 8)}.${host & 255}`;
  const ixpfx = ixlan.flatMap((l) => [
    { id: 2 * l.id - 1, ixlan_id: l.id, protocol: 'IPv4', prefix: `${v4(l.id, 0)}/20`, in_dfz: true, ...stamps() },
    { id: 2 * l.id, ixlan_id: l.id, protocol: 'IPv6', prefix: `2001:7f8:${l.id.toString(16)}::/64`, in_dfz: true, ...stamps() },
  ]);
  // Membership follows a power law: a few IXes have a thousand members, most a few dozen.
  const weights = ix.map((_, k) => 1 / Math.pow(k + 1, 0.9));
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  weights.reduce((acc, w, k) => (cumulative[k] = acc + w / total), 0);
  const pickIx = () => { const x = r(); let lo = 0, hi = cumulative.length - 1; while (lo < hi) { const m = (lo + hi) >> 1; if (cumulative[m] < x) lo = m + 1; else hi = m; } return lo + 1; };
  const hostsUsed = new Map<number, number>();
  const ixName = (id: number) => ix[id - 1].name;
  const netixlan: Record<string, unknown>[] = [];
  for (let i = 0; i < n('netixlan'); i++) {
    let k = pickIx();
    if ((hostsUsed.get(k) ?? 0) >= 4000) k = 1 + int(ix.length);
    const host = (hostsUsed.get(k) ?? 0) + 1;
    if (host >= 4000) continue;
    hostsUsed.set(k, host);
    const nt = net[int(net.length)];
    netixlan.push({
      id: i + 1, net_id: nt.id, ix_id: k, ixlan_id: k, name: ixName(k), notes: '', speed: pick([1000, 10000, 10000, 100000, 400000]), asn: nt.asn,
      ipaddr4: r() < 0.97 ? v4(k, host) : null, ipaddr6: r() < 0.8 ? `2001:7f8:${k.toString(16)}::${host.toString(16)}` : null,
      is_rs_peer: r() < 0.6, bfd_support: r() < 0.2, operational: r() < 0.97, net_side_id: null, ix_side_id: null, ...stamps(),
    });
  }
  const pairs = new Set<string>();
  const netfac: Record<string, unknown>[] = [];
  for (let i = 0; i < n('netfac'); i++) {
    const nt = net[int(net.length)];
    const f = fac[Math.floor(Math.pow(r(), 2) * fac.length)];
    if (pairs.has(`${nt.id}:${f.id}`)) continue;
    pairs.add(`${nt.id}:${f.id}`);
    netfac.push({ id: i + 1, net_id: nt.id, fac_id: f.id, name: f.name, city: f.city, country: f.country, local_asn: nt.asn, ...stamps() });
  }
  const ixfac = Array.from({ length: n('ixfac') }, (_, i) => {
    const f = fac[int(fac.length)];
    return { id: i + 1, ix_id: 1 + int(ix.length), fac_id: f.id, name: f.name, city: f.city, country: f.country, ...stamps() };
  });
  const carrier = Array.from({ length: n('carrier') }, (_, i) => {
    const o = 1 + int(org.length);
    return { id: i + 1, org_id: o, org_name: orgName(o), ...named('Carrier', i + 1), fac_count: 0, ...stamps() };
  });
  const carrierfac = Array.from({ length: n('carrierfac') }, (_, i) => {
    const f = fac[int(fac.length)];
    return { id: i + 1, carrier_id: 1 + int(carrier.length), fac_id: f.id, name: f.name, ...stamps() };
  });
  const poc = Array.from({ length: n('poc') }, (_, i) => ({
    id: i + 1, net_id: 1 + int(net.length), role: pick(ROLES), visible: pick(VISIBLE), name: `Contact ${i + 1}`, phone: r() < 0.5 ? `+41 44 ${100 + int(899)} ${1000 + int(8999)}` : '',
    email: `contact${i + 1}@example.net`, url: '', ...stamps(),
  }));
  return { org, campus, fac, net, ix, carrier, carrierfac, ixfac, ixlan, ixpfx, netfac, netixlan, poc };
}

if (require.main === module) {
  const arg = (name: string) => { const i = process.argv.indexOf(name); return i >= 0 ? process.argv[i + 1] : undefined; };
  const scale = Number(arg('--scale') ?? 1);
  const out = arg('--out') ?? join(__dirname, 'data');
  mkdirSync(out, { recursive: true });
  const data = generatePdb(scale);
  for (const [tag, rows] of Object.entries(data)) {
    writeFileSync(join(out, `${tag}-0.json`), JSON.stringify({ data: rows, meta: { generated: Date.now() / 1000 } }));
    console.log(`${tag.padEnd(11)} ${String(rows.length).padStart(7)} rows`);
  }
}
