// Seeds test/fixtures/templates/examples-dataset.json through the Peering Manager REST API, the
// data the doc example templates render against (examples_oracle.py builds the same in Python).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestServer } from './server';
import { post } from './pm';
import { pdbPost } from './pdb';
import { AutonomousSystem } from '../../src/domain/peering/autonomous-system';

export const EXAMPLES = join(__dirname, '..', 'fixtures', 'templates');
export const dataset = (): any => JSON.parse(readFileSync(join(EXAMPLES, 'examples-dataset.json'), 'utf8'));

export interface ExampleIds { routers: Record<string, number>; ases: Record<number, number>; localAs: number; platform: number }

const M2M = ['import_routing_policies', 'export_routing_policies', 'communities', 'tags'] as const;

export async function seedExamples(s: TestServer): Promise<ExampleIds> {
  const d = dataset();
  const ids = { tags: {} as Record<string, number>, communities: {} as Record<string, number>, policies: {} as Record<string, number>, contexts: {} as Record<string, number> };
  /** The m2m fields of an object, names turned into ids. */
  const m2m = (o: any) => {
    const out: Record<string, number[]> = {};
    const table = { import_routing_policies: ids.policies, export_routing_policies: ids.policies, communities: ids.communities, tags: ids.tags };
    for (const f of M2M) if (o[f]) out[f] = o[f].map((n: string) => table[f][n]);
    return out;
  };
  const assign = async (contentType: string, objectId: number, contexts: string[] = []) => {
    for (const [i, c] of contexts.entries()) {
      await post(s, '/api/extras/config-context-assignments/', { content_type: contentType, object_id: objectId, config_context: ids.contexts[c], weight: 100 + i });
    }
  };
  for (const t of d.tags) ids.tags[t] = (await post(s, '/api/extras/tags/', { name: t, slug: t })).id;
  const rels: Record<string, number> = {};
  for (const r of d.relationships) rels[r] = (await post(s, '/api/bgp/relationships/', { name: r, slug: r.toLowerCase().replace(/ /g, '-') })).id;
  for (const c of d.communities) ids.communities[c.slug] = (await post(s, '/api/bgp/communities/', { ...c, ...m2m(c) })).id;
  for (const c of d.config_contexts) ids.contexts[c.name] = (await post(s, '/api/extras/config-contexts/', c)).id;
  for (const p of d.routing_policies) {
    const { contexts, ...rest } = p;
    ids.policies[p.name] = (await post(s, '/api/peering/routing-policies/', { ...rest, ...m2m(p) })).id;
    await assign('peering.routingpolicy', ids.policies[p.name], contexts);
  }
  const ases: Record<number, number> = {};
  for (const a of d.autonomous_systems) {
    const { prefixes, ...rest } = a;
    ases[a.asn] = (await post(s, '/api/peering/autonomous-systems/', { ...rest, ...m2m(a) })).id;
    // Cached IRR prefixes are read-only through the API: written as a prefix refresh would.
    if (prefixes) await s.pg.orm.em.fork().nativeUpdate(AutonomousSystem, { id: ases[a.asn] }, { prefixes } as any);
  }
  const localAs = ases[d.autonomous_systems.find((a: any) => a.affiliated).asn];
  const ixps: Record<string, number> = {};
  for (const x of d.internet_exchanges) {
    const { contexts, ...rest } = x;
    ixps[x.name] = (await post(s, '/api/peering/internet-exchanges/', { ...rest, ...m2m(x), local_autonomous_system: localAs })).id;
    await assign('peering.internetexchange', ixps[x.name], contexts);
  }
  const groups: Record<string, number> = {};
  for (const g of d.bgp_groups) {
    const { contexts, ...rest } = g;
    groups[g.name] = (await post(s, '/api/peering/bgp-groups/', { ...rest, ...m2m(g) })).id;
    await assign('peering.bgpgroup', groups[g.name], contexts);
  }
  const platform = (await post(s, '/api/devices/platforms/', { name: 'Examples', slug: 'examples' })).id;
  const routers: Record<string, number> = {};
  for (const r of d.routers) {
    routers[r.name] = (await post(s, '/api/devices/routers/', { name: r.name, hostname: r.hostname, platform, local_autonomous_system: localAs })).id;
    await assign('devices.router', routers[r.name], r.contexts);
  }
  const conns: Record<string, number> = {};
  for (const c of d.connections) {
    conns[`${c.router}/${c.ixp}`] = (await post(s, '/api/net/connections/', {
      router: routers[c.router], internet_exchange_point: ixps[c.ixp], ipv4_address: c.ipv4_address, ipv6_address: c.ipv6_address,
    })).id;
  }
  for (const x of d.ixp_sessions) {
    const { router, ixp, asn, ...rest } = x;
    await post(s, '/api/peering/internet-exchange-peering-sessions/', { ...rest, ...m2m(x), ixp_connection: conns[`${router}/${ixp}`], autonomous_system: ases[asn] });
  }
  for (const x of d.direct_sessions) {
    const { router, group, relationship, asn, ...rest } = x;
    await post(s, '/api/peering/direct-peering-sessions/', {
      ...rest, ...m2m(x), router: routers[router], bgp_group: groups[group], relationship: rels[relationship], autonomous_system: ases[asn], local_autonomous_system: localAs,
    });
  }
  return { routers, ases, localAs, platform };
}

export const emailDataset = (): any => JSON.parse(readFileSync(join(EXAMPLES, 'email-dataset.json'), 'utf8'));

/** Seeds email-dataset.json: PeeringDB records through the PeeringDB API, the rest through Peering Manager's. */
export async function seedEmails(s: TestServer): Promise<{ ases: Record<number, number>; networks: Record<number, number> }> {
  const d = emailDataset();
  const org = (await pdbPost(s, 'org', { name: 'Examples Org' })).id;
  const fac: Record<string, number> = {};
  for (const f of d.facilities) fac[f] = (await pdbPost(s, 'fac', { org_id: org, name: f, city: 'Zürich', country: 'CH' })).id;
  const networks: Record<number, number> = {};
  for (const n of d.networks) networks[n.asn] = (await pdbPost(s, 'net', { org_id: org, name: n.name, asn: n.asn })).id;
  const lans: Record<string, number> = {};
  for (const l of d.lans) {
    lans[l.name] = (await pdbPost(s, 'ix', { org_id: org, name: l.name, city: 'Zürich', country: 'CH', prefix: l.prefix })).id;
    if (l.v6) await pdbPost(s, 'ixpfx', { ixlan_id: lans[l.name], prefix: l.v6, protocol: 'IPv6' });
  }
  for (const p of d.ports) await pdbPost(s, 'netixlan', { net_id: networks[p.asn], ixlan_id: lans[p.lan], speed: 10000, ipaddr4: p.v4, ipaddr6: p.v6 });
  for (const n of d.networks) for (const f of n.facilities) await pdbPost(s, 'netfac', { net_id: networks[n.asn], fac_id: fac[f] });
  const ases: Record<number, number> = {};
  for (const a of d.autonomous_systems) ases[a.asn] = (await post(s, '/api/peering/autonomous-systems/', a)).id;
  const local = ases[d.autonomous_systems.find((a: any) => a.affiliated).asn];
  const platform = (await post(s, '/api/devices/platforms/', { name: 'Mail', slug: 'mail' })).id;
  const router = (await post(s, '/api/devices/routers/', { name: 'mail1', hostname: 'mail1.example', platform, local_autonomous_system: local })).id;
  const conns: Record<string, number> = {};
  for (const x of d.internet_exchanges) {
    const ixp = (await post(s, '/api/peering/internet-exchanges/', { name: x.name, slug: x.slug, local_autonomous_system: local, peeringdb_ixlan: lans[x.lan] })).id;
    conns[x.name] = (await post(s, '/api/net/connections/', { router, internet_exchange_point: ixp, ipv4_address: x.ipv4_address, ipv6_address: x.ipv6_address })).id;
  }
  for (const x of d.sessions) {
    await post(s, '/api/peering/internet-exchange-peering-sessions/', { autonomous_system: ases[x.asn], ixp_connection: conns[x.ixp], ip_address: x.ip_address });
  }
  return { ases, networks };
}
