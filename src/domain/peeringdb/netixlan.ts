import { Index, type Rel } from '@mikro-orm/core';
import { Model, F } from '../model';
import { PdbObject, T, TN, PDB_FILTERS } from './base';
import { PDB_QUERY_FILTERS } from './query-filters';
import { PdbNetwork } from './net';
import { PdbIXLan } from './ixlan';
import { PdbInternetExchange } from './ix';
import { PdbFacility } from './fac';

/** PeeringDB `netixlan`: a network's port on an IX LAN. */
@Model<PdbNetworkIXLan>({
  app: 'peeringdb', table: 'peeringdb_netixlan', restPath: 'network-ixlans', display: (o) => `AS${o.asn} on ${o.name}`,
  brief: ['id', 'asn', 'ipaddr4', 'ipaddr6', 'status'], ordering: ['id'], q: ['name', 'ipaddr4', 'ipaddr6'], qNumeric: ['asn'],
  changeLogged: false, readOnly: true, customFilters: { ...PDB_FILTERS, ...PDB_QUERY_FILTERS.netixlan }, relationFilters: true,
})
export class PdbNetworkIXLan extends PdbObject {
  @Index() @F.fk(() => PdbNetwork, { required: true, reverse: 'networkIxLans' }) net!: Rel<PdbNetwork>;
  @Index() @F.fk(() => PdbIXLan, { required: true, reverse: 'networkIxLans' }) ixlan!: Rel<PdbIXLan>;
  // Derived from the IX LAN; stored so `ix_id` filters and renders without a join.
  @F.fk(() => PdbInternetExchange, { nullable: true, readOnly: true }) ix?: Rel<PdbInternetExchange> | null;
  @T({ readOnly: true }) name: string = '';
  @T() notes: string = '';
  @F.int({ default: 0 }) speed: number = 0;
  @F.asn({ readOnly: true }) asn!: number;
  @TN() ipaddr4?: string | null;
  @TN() ipaddr6?: string | null;
  @F.bool({ default: false }) isRsPeer: boolean = false;
  @F.bool({ default: false }) bfdSupport: boolean = false;
  @F.bool({ default: true }) operational: boolean = true;
  @F.fk(() => PdbFacility, { nullable: true, readOnly: true }) netSide?: Rel<PdbFacility> | null;
  @F.fk(() => PdbFacility, { nullable: true, readOnly: true }) ixSide?: Rel<PdbFacility> | null;
}
