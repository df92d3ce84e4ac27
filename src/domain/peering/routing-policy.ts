import { Collection } from '@mikro-orm/core';
import { Model, F } from '../model';
import { Organisational } from '../base';
import { IPFamily, RoutingPolicyType } from '../choices';
import { Community } from '../bgp/community';

@Model<RoutingPolicy>({
  app: 'peering',
  plural: 'RoutingPolicies',
  verboseNamePlural: 'routing policies',
  display: (o) => o.name,
  brief: ['id', 'url', 'display', 'name', 'slug', 'type'],
  ordering: ['-weight', 'name'],
  q: ['name', 'slug', 'description'],
  customFilters: {
    // Peering Manager: an import-export policy matches either direction.
    type: { type: 'string', apply: (v: string) => ({ type: { $in: [v, 'import-export-policy'] } }) },
  },
})
export class RoutingPolicy extends Organisational {
  @F.choice(RoutingPolicyType, { default: 'import-policy', choiceStyle: 'plain', filter: false }) type: string = 'import-policy';
  @F.int({ min: 0, max: 32767, default: 0, help: 'Higher wins' }) weight: number = 0;
  @F.choice(IPFamily, { default: 0, choiceStyle: 'plain', columnType: 'smallint', label: 'Address family' }) addressFamily: number = 0;
  @F.m2m(() => Community) communities = new Collection<Community>(this);
}
