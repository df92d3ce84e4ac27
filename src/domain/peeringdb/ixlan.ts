import { Index, type Rel } from '@mikro-orm/core';
import { Model, F } from '../model';
import { PdbObject, T, TN, PDB_FILTERS } from './base';
import { PDB_QUERY_FILTERS } from './query-filters';
import { PdbInternetExchange } from './ix';

/** PeeringDB `ixlan`: the peering LAN of an IX (its id equals the IX's). */
@Model<PdbIXLan>({
  app: 'peeringdb', table: 'peeringdb_ixlan', restPath: 'ixlans', display: (o) => o.name || `IX LAN ${o.id}`,
  brief: ['id', 'name', 'status'], ordering: ['id'], q: ['name', 'descr'], changeLogged: false, readOnly: true, customFilters: { ...PDB_FILTERS, ...PDB_QUERY_FILTERS.ixlan }, relationFilters: true,
})
export class PdbIXLan extends PdbObject {
  @Index() @F.fk(() => PdbInternetExchange, { required: true, reverse: 'ixLans' }) ix!: Rel<PdbInternetExchange>;
  @T() name: string = '';
  @T() descr: string = '';
  @F.int({ nullable: true }) mtu?: number | null;
  @F.bool({ default: false }) dot1qSupport: boolean = false;
  @F.bigint({ nullable: true }) rsAsn?: number | null;
  @TN() arpSponge?: string | null;
  @TN() ixfIxpMemberListUrl?: string | null;
  @T({ default: 'Private' }) ixfIxpMemberListUrlVisible: string = 'Private';
  @F.bool({ default: false }) ixfIxpImportEnabled: boolean = false;
}
