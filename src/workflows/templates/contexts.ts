// The variables each kind of render sees (pm-workflows §2.3), built from the loaded graph.
import type { Graph, Rec } from './graph';
import { sortRecs } from './graph';
import { routerPolicies } from './filters';

/** Models a router configuration (and an e-mail, which may use the same filters) reads. */
export const PEERING_MODELS = [
  'peering.autonomoussystem', 'peering.directpeeringsession', 'peering.internetexchangepeeringsession',
  'peering.internetexchange', 'peering.bgpgroup', 'peering.routingpolicy', 'net.connection', 'net.bfd',
  'devices.router', 'devices.platform', 'bgp.community', 'bgp.relationship', 'extras.tag',
  'extras.configcontext', 'extras.configcontextassignment',
  'messaging.contact', 'messaging.contactrole', 'messaging.contactassignment',
];
/** Templates an include tag may name. */
export const TEMPLATE_MODELS = ['devices.configuration', 'messaging.email', 'extras.exporttemplate'];

export function routerContext(g: Graph, router: Rec): Record<string, unknown> {
  const direct = g.all('peering.directpeeringsession').filter((s) => s.fk.router === router.id);
  const conns = g.all('net.connection').filter((c) => c.fk.router === router.id);
  const connIds = new Set(conns.map((c) => c.id));
  const ixpSessions = g.all('peering.internetexchangepeeringsession').filter((s) => connIds.has(s.fk.ixp_connection as number));
  const asIds = new Set([...direct, ...ixpSessions].map((s) => s.fk.autonomous_system));
  const groupIds = new Set(direct.map((s) => s.fk.bgp_group));
  const ixpIds = new Set(conns.map((c) => c.fk.internet_exchange_point));
  const ixps = g.all('peering.internetexchange').filter((x) => ixpIds.has(x.id)).sort((a, b) => {
    const la = Number(g.fk(a, 'local_autonomous_system')?.row.asn ?? 0), lb = Number(g.fk(b, 'local_autonomous_system')?.row.asn ?? 0);
    return la - lb || String(a.row.name).localeCompare(String(b.row.name)) || String(a.row.slug).localeCompare(String(b.row.slug));
  });
  const local = g.fk(router, 'local_autonomous_system');
  return {
    router: g.view(router),
    local_as: local ? g.view(local) : null,
    autonomous_systems: sortRecs(g.all('peering.autonomoussystem').filter((a) => asIds.has(a.id))).map((r) => g.view(r)),
    bgp_groups: sortRecs(g.all('peering.bgpgroup').filter((x) => groupIds.has(x.id))).map((r) => g.view(r)),
    internet_exchange_points: ixps.map((r) => g.view(r)),
    communities: sortRecs(g.all('bgp.community')).map((r) => g.view(r)),
    routing_policies: routerPolicies(g, router).map((r) => g.view(r)),
  };
}

export function emailContext(g: Graph, as: Rec): Record<string, unknown> {
  return {
    autonomous_system: g.view(as),
    affiliated_autonomous_systems: sortRecs(g.all('peering.autonomoussystem').filter((a) => a.row.affiliated)).map((r) => g.view(r)),
  };
}
