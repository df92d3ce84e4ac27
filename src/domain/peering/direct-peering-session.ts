import { type Rel } from '@mikro-orm/core';
import { Model, F } from '../model';
import { BGPSession } from './sessions';
import { AutonomousSystem } from './autonomous-system';
import { BGPGroup } from './bgp-group';
import { Relationship } from '../bgp/relationship';
import { Router } from '../devices/router';
import { Connection } from '../net/connection';
import { addressFamilyFilter, validateSessionAddresses } from '../ip';

@Model<DirectPeeringSession>({
  app: 'peering',
  display: async (o, load) => {
    const rel = await load<Relationship>(o, 'relationship');
    const as = await load<AutonomousSystem>(o, 'autonomousSystem');
    return `${rel?.name ?? ''} - AS${as?.asn ?? ''} - IP ${o.ipAddress}`;
  },
  brief: ['id', 'url', 'display', 'ipAddress', 'status'],
  ordering: ['serviceReference', 'localAutonomousSystem', 'autonomousSystem', 'ipAddress'],
  orderingPaths: { localAutonomousSystem: 'localAutonomousSystem.asn', autonomousSystem: 'autonomousSystem.asn' },
  q: ['serviceReference', 'comments'],
  qIp: ['ipAddress', 'localIpAddress'],
  customFilters: { addressFamily: { type: 'int', apply: (v: number) => addressFamilyFilter('ipAddress', v) } },
  validate: (o) => validateSessionAddresses(o.ipAddress, o.localIpAddress, o.multihopTtl),
})
export class DirectPeeringSession extends BGPSession {
  @F.fk(() => AutonomousSystem, { required: true, via: ['asn', 'name'], restVia: 'name', deleteRule: 'cascade' })
  localAutonomousSystem!: Rel<AutonomousSystem>;
  @F.ip({ nullable: true, withLength: true, filter: false, label: 'Local IP address' }) localIpAddress?: string | null;
  @F.fk(() => BGPGroup, { nullable: true, via: ['name'], restVia: 'name', deleteRule: 'set null', label: 'BGP group', reverse: true }) bgpGroup?: Rel<BGPGroup> | null;
  @F.ip({ required: true, withLength: true, filter: false, label: 'IP address' }) ipAddress!: string;
  @F.fk(() => Relationship, { required: true, via: ['name'], restVia: 'name', deleteRule: 'restrict' }) relationship!: Rel<Relationship>;
  @F.fk(() => Router, { nullable: true, via: ['name'], restVia: 'hostname', deleteRule: 'set null', reverse: true }) router?: Rel<Router> | null;
  @F.fk(() => Connection, { nullable: true, deleteRule: 'set null' }) connection?: Rel<Connection> | null;
}
