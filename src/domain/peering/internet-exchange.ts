import { Collection, type Rel } from '@mikro-orm/core';
import { Model, F } from '../model';
import { Organisational } from '../base';
import { BGPGroupStatus } from '../choices';
import { RoutingPolicy } from './routing-policy';
import { Community } from '../bgp/community';
import { AutonomousSystem } from './autonomous-system';
import { IXAPI } from '../extras/ixapi';

@Model<InternetExchange>({
  app: 'peering',
  display: (o) => o.name,
  brief: ['id', 'url', 'display', 'name', 'slug', 'status'],
  ordering: ['localAutonomousSystem', 'name', 'slug'],
  orderingPaths: { localAutonomousSystem: 'localAutonomousSystem.asn' },
  q: ['name', 'slug', 'description'],
})
export class InternetExchange extends Organisational {
  @F.int({ nullable: true, min: 0, label: 'PeeringDB IX LAN', filter: false }) peeringdbIxlan?: number | null;
  @F.fk(() => IXAPI, { nullable: true, via: ['name'], restVia: 'name', deleteRule: 'set null', label: 'IX-API endpoint' })
  ixapiEndpoint?: Rel<IXAPI> | null;
  @F.choice(BGPGroupStatus, { default: 'enabled' }) status: string = 'enabled';
  @F.fk(() => AutonomousSystem, { required: true, via: ['asn', 'name'], restVia: 'name', deleteRule: 'cascade' })
  localAutonomousSystem!: Rel<AutonomousSystem>;
  @F.m2m(() => RoutingPolicy, { filter: false }) importRoutingPolicies = new Collection<RoutingPolicy>(this);
  @F.m2m(() => RoutingPolicy, { filter: false }) exportRoutingPolicies = new Collection<RoutingPolicy>(this);
  @F.m2m(() => Community, { filter: false }) communities = new Collection<Community>(this);
  @F.localContext() localContextData?: Record<string, unknown> | null;
}
