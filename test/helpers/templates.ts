// Seeded data for the template tests: one router with an IXP connection and a BGP group, peers
// with IXP and direct sessions, policies, communities and tags. test/fixtures/templates/oracle.py
// builds the same objects in Python for Jinja2 (keep both in step).
import type { TestServer } from '../helpers/server';
import { post } from './pm';
import { AutonomousSystem } from '../../src/domain/peering/autonomous-system';

export interface Seeded { router: number; local: number; peer1: number; peer2: number; ix: number; group: number; emailId?: number }

export async function seed(s: TestServer, templates: { junos: string; iosxr: string }): Promise<Seeded & { iosxrRouter: number; junosConfig: number }> {
  const tag = await post(s, '/api/extras/tags/', { name: 'filter-prefixes', slug: 'filter-prefixes' });
  const local = await post(s, '/api/peering/autonomous-systems/', { asn: 64500, name: 'Local Net', affiliated: true });
  const peer1 = await post(s, '/api/peering/autonomous-systems/', { asn: 64501, name: 'Peer One', ipv4_max_prefixes: 100, ipv6_max_prefixes: 50, tags: [tag.id] });
  const peer2 = await post(s, '/api/peering/autonomous-systems/', { asn: 64502, name: 'Péer Twö', ipv4_max_prefixes: 0, ipv6_max_prefixes: 0 });
  await s.pg.orm.em.fork().nativeUpdate(AutonomousSystem, { id: peer1.id }, {
    prefixes: { ipv6: [{ prefix: '2001:db8:100::/48', exact: true }], ipv4: [{ prefix: '203.0.113.0/24', exact: false, 'greater-equal': 24, 'less-equal': 26 }] },
  } as any);
  const ixIn = await post(s, '/api/peering/routing-policies/', { name: 'IX In', slug: 'ix-in', type: 'import-policy', weight: 10 });
  const ixOut = await post(s, '/api/peering/routing-policies/', { name: 'IX Out', slug: 'ix-out', type: 'export-policy' });
  const v6Only = await post(s, '/api/peering/routing-policies/', { name: 'V6 Only', slug: 'v6-only', type: 'import-policy', address_family: 6 });
  const transitIn = await post(s, '/api/peering/routing-policies/', { name: 'Transit In', slug: 'transit-in', type: 'import-policy' });
  await post(s, '/api/bgp/communities/', { name: 'blackhole', slug: 'blackhole', value: '65535:666' });
  await post(s, '/api/bgp/communities/', { name: 'customers', slug: 'customers', value: '64500:100' });
  const platform = await post(s, '/api/devices/platforms/', { name: 'junos', slug: 'junos', password_algorithm: 'juniper-type9' });
  const junosConfig = await post(s, '/api/devices/configurations/', { name: 'Junos', template: templates.junos });
  const iosxrConfig = await post(s, '/api/devices/configurations/', { name: 'IOS XR', template: templates.iosxr });
  const router = await post(s, '/api/devices/routers/', { name: 'edge1', hostname: 'edge1.example', platform: platform.id, local_autonomous_system: local.id, configuration_template: junosConfig.id });
  const router2 = await post(s, '/api/devices/routers/', { name: 'edge2', hostname: 'edge2.example', platform: platform.id, local_autonomous_system: local.id, configuration_template: iosxrConfig.id });
  const ix = await post(s, '/api/peering/internet-exchanges/', { name: 'IX One', slug: 'ix-one', local_autonomous_system: local.id, import_routing_policies: [ixIn.id], export_routing_policies: [ixOut.id] });
  const conn = await post(s, '/api/net/connections/', { internet_exchange_point: ix.id, router: router.id, ipv4_address: '192.0.2.1/24', ipv6_address: '2001:db8::1/64' });
  const conn2 = await post(s, '/api/net/connections/', { internet_exchange_point: ix.id, router: router2.id, ipv4_address: '192.0.2.2/24', ipv6_address: '2001:db8::2/64' });
  const ixs = '/api/peering/internet-exchange-peering-sessions/';
  await post(s, ixs, { autonomous_system: peer1.id, ixp_connection: conn.id, ip_address: '2001:db8::11', import_routing_policies: [v6Only.id] });
  await post(s, ixs, { autonomous_system: peer1.id, ixp_connection: conn.id, ip_address: '192.0.2.11', password: 'clear-one' });
  await post(s, ixs, { autonomous_system: peer2.id, ixp_connection: conn.id, ip_address: '192.0.2.12', status: 'disabled' });
  await post(s, ixs, { autonomous_system: peer2.id, ixp_connection: conn2.id, ip_address: '192.0.2.12', encrypted_password: '7 02050D480809', is_route_server: true });
  await post(s, ixs, { autonomous_system: peer1.id, ixp_connection: conn2.id, ip_address: '2001:db8::11' });
  const rel = await post(s, '/api/bgp/relationships/', { name: 'Transit', slug: 'transit' });
  const group = await post(s, '/api/peering/bgp-groups/', { name: 'Transit', slug: 'transit', import_routing_policies: [transitIn.id] });
  await post(s, '/api/peering/direct-peering-sessions/', { local_autonomous_system: local.id, autonomous_system: peer2.id, relationship: rel.id, ip_address: '198.51.100.1/31', router: router.id, bgp_group: group.id, password: 's3cret' });
  await post(s, '/api/peering/direct-peering-sessions/', { local_autonomous_system: local.id, autonomous_system: peer1.id, relationship: rel.id, ip_address: '2001:db8:ffff::1/127', router: router.id, bgp_group: group.id, status: 'disabled' });
  return { router: router.id, iosxrRouter: router2.id, junosConfig: junosConfig.id, local: local.id, peer1: peer1.id, peer2: peer2.id, ix: ix.id, group: group.id };
}
