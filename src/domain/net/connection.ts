import { type Rel } from '@mikro-orm/core';
import { Model, F } from '../model';
import { Primary } from '../base';
import { ConnectionStatus } from '../choices';
import { InternetExchange } from '../peering/internet-exchange';
import { Router } from '../devices/router';
import type { RelationLoader } from '../model';

async function connectionDisplay(o: Connection, load: RelationLoader): Promise<string> {
  const ix = await load<InternetExchange>(o, 'internetExchangePoint');
  if (!ix) return `Connection #${o.id}`;
  const router = await load<Router>(o, 'router');
  return `${ix.name}${router ? ` on ${router.name}` : ''}${o.interface ? ` ${o.interface}` : ''}`;
}

@Model<Connection>({
  app: 'net',
  display: (o, load) => connectionDisplay(o, load),
  brief: ['id', 'url', 'display', 'name', 'macAddress', 'ipv6Address', 'ipv4Address'],
  ordering: ['internetExchangePoint', 'router'],
  orderingPaths: { internetExchangePoint: 'internetExchangePoint.name', router: 'router.name' },
  q: ['interface', 'description'],
  qIp: ['ipv4Address', 'ipv6Address'],
  presentOnCreate: ['internetExchangePoint', 'router'],
  computed: { name: { type: 'string', resolve: (o, load) => connectionDisplay(o, load) } },
})
export class Connection extends Primary {
  @F.int({ nullable: true, min: 0, label: 'PeeringDB netixlan', filter: false }) peeringdbNetixlan?: number | null;
  @F.choice(ConnectionStatus, { default: 'enabled' }) status: string = 'enabled';
  @F.int({ nullable: true, min: 1, max: 4094, label: 'VLAN' }) vlan?: number | null;
  @F.string({ maxLength: 18, nullable: true, filter: false, label: 'MAC address' }) macAddress?: string | null;
  @F.ip({ nullable: true, withLength: true, family: 6, filter: false, label: 'IPv6 address' }) ipv6Address?: string | null;
  @F.ip({ nullable: true, withLength: true, family: 4, filter: false, label: 'IPv4 address' }) ipv4Address?: string | null;
  @F.fk(() => InternetExchange, { nullable: true, via: ['name'], restVia: 'name', deleteRule: 'set null', reverse: true })
  internetExchangePoint?: Rel<InternetExchange> | null;
  @F.fk(() => Router, { nullable: true, via: ['name', 'hostname'], restVia: 'hostname', deleteRule: 'set null', reverse: true })
  router?: Rel<Router> | null;
  @F.string({ maxLength: 200, default: '' }) interface: string = '';
  @F.localContext() localContextData?: Record<string, unknown> | null;
}
