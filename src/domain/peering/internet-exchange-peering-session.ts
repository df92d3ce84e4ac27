import { type Rel } from '@mikro-orm/core';
import { Model, F } from '../model';
import { BGPSession } from './sessions';
import { AutonomousSystem } from './autonomous-system';
import { Connection } from '../net/connection';
import { InternetExchange } from './internet-exchange';
import { addressFamilyFilter, validateSessionAddresses } from '../ip';

@Model<InternetExchangePeeringSession>({
  app: 'peering',
  display: async (o, load) => {
    const as = await load<AutonomousSystem>(o, 'autonomousSystem');
    const conn = await load<Connection>(o, 'ixpConnection');
    const ix = conn ? await load<InternetExchange>(conn, 'internetExchangePoint') : null;
    return `${ix ? `${ix.name} - ` : ''}AS${as?.asn ?? ''} - IP ${o.ipAddress}`;
  },
  brief: ['id', 'url', 'display', 'ipAddress', 'status', 'isRouteServer'],
  ordering: ['serviceReference', 'autonomousSystem', 'ixpConnection', 'ipAddress'],
  orderingPaths: { autonomousSystem: 'autonomousSystem.asn', ixpConnection: 'ixpConnection.id' },
  q: ['serviceReference', 'comments'],
  qIp: ['ipAddress'],
  uniqueTogether: [['ixpConnection', 'ipAddress']],
  customFilters: {
    addressFamily: { type: 'int', apply: (v: number) => addressFamilyFilter('ipAddress', v) },
    internetExchange: { type: 'int', restName: 'internet_exchange_id', apply: (v: number) => ({ ixpConnection: { internetExchangePoint: v } }) },
  },
  validate: (o) => validateSessionAddresses(o.ipAddress, null, o.multihopTtl),
})
export class InternetExchangePeeringSession extends BGPSession {
  @F.fk(() => Connection, { required: true, deleteRule: 'cascade', label: 'IXP connection', reverse: true }) ixpConnection!: Rel<Connection>;
  @F.ip({ required: true, filter: false, label: 'IP address' }) ipAddress!: string;
  @F.bool({ default: false }) isRouteServer: boolean = false;
}
