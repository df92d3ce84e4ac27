import { Collection } from '@mikro-orm/core';
import { Model, F } from '../model';
import { Organisational } from '../base';
import { BGPGroupStatus } from '../choices';
import { RoutingPolicy } from './routing-policy';
import { Community } from '../bgp/community';

@Model<BGPGroup>({
  app: 'peering',
  name: 'BGPGroup',
  restPath: 'bgp-groups',
  verboseName: 'BGP group',
  display: (o) => o.name,
  brief: ['id', 'url', 'display', 'name', 'slug', 'status'],
  ordering: ['name', 'slug'],
  q: ['name', 'slug', 'description'],
})
export class BGPGroup extends Organisational {
  @F.choice(BGPGroupStatus, { default: 'enabled' }) status: string = 'enabled';
  @F.m2m(() => RoutingPolicy, { filter: false }) importRoutingPolicies = new Collection<RoutingPolicy>(this);
  @F.m2m(() => RoutingPolicy, { filter: false }) exportRoutingPolicies = new Collection<RoutingPolicy>(this);
  @F.m2m(() => Community, { filter: false }) communities = new Collection<Community>(this);
  @F.localContext() localContextData?: Record<string, unknown> | null;
}
