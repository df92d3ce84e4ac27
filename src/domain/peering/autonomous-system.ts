import { Collection } from '@mikro-orm/core';
import { Model, F } from '../model';
import { Primary } from '../base';
import { RoutingPolicy } from './routing-policy';
import { Community } from '../bgp/community';

@Model<AutonomousSystem>({
  app: 'peering',
  display: (o) => `AS${o.asn} - ${o.name}`,
  brief: ['id', 'url', 'display', 'asn', 'name', 'ipv6MaxPrefixes', 'ipv4MaxPrefixes'],
  ordering: ['asn', 'affiliated'],
  q: ['name', 'description', 'irrAsSet'],
  qNumeric: ['asn'],
  naturalKeys: ['asn', 'name'],
})
export class AutonomousSystem extends Primary {
  @F.asn({ required: true, unique: true, label: 'ASN' }) asn!: number;
  @F.string({ maxLength: 200, required: true }) name!: string;
  @F.string({ maxLength: 255, nullable: true, label: 'IRR AS-SET' }) irrAsSet?: string | null;
  @F.bool({ default: true, filter: false }) namePeeringdbSync: boolean = true;
  @F.bool({ default: true, filter: false }) irrAsSetPeeringdbSync: boolean = true;
  @F.int({ min: 0, nullable: true, default: 0, label: 'IPv6 max prefix' }) ipv6MaxPrefixes?: number | null = 0;
  @F.bool({ default: true, filter: false }) ipv6MaxPrefixesPeeringdbSync: boolean = true;
  @F.int({ min: 0, nullable: true, default: 0, label: 'IPv4 max prefix' }) ipv4MaxPrefixes?: number | null = 0;
  @F.bool({ default: true, filter: false }) ipv4MaxPrefixesPeeringdbSync: boolean = true;
  @F.m2m(() => RoutingPolicy, { filter: false }) importRoutingPolicies = new Collection<RoutingPolicy>(this);
  @F.m2m(() => RoutingPolicy, { filter: false }) exportRoutingPolicies = new Collection<RoutingPolicy>(this);
  @F.m2m(() => Community, { filter: false }) communities = new Collection<Community>(this);
  @F.json({ readOnly: true, heavy: true }) prefixes?: unknown;
  @F.json({ readOnly: true, heavy: true, default: [] }) asList?: unknown = [];
  @F.bool({ default: true, filter: false }) retrievePrefixes: boolean = true;
  @F.bool({ default: true, filter: false }) retrieveAsList: boolean = true;
  @F.string({ maxLength: 255, default: '', filter: false, label: 'IRR sources override' }) irrSourcesOverride: string = '';
  @F.string({ maxLength: 255, default: '', filter: false }) irrIpv6PrefixesArgsOverride: string = '';
  @F.string({ maxLength: 255, default: '', filter: false }) irrIpv4PrefixesArgsOverride: string = '';
  @F.bool({ default: false }) affiliated: boolean = false;
  @F.localContext() localContextData?: Record<string, unknown> | null;
}
