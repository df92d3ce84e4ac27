import { Index, type Rel } from '@mikro-orm/core';
import { Model, F } from '../model';
import { PdbNamed, T, TN, PDB_FILTERS } from './base';
import { PDB_QUERY_FILTERS } from './query-filters';
import { PdbOrganization } from './org';

/** PeeringDB `ix`: an Internet exchange. */
@Model<PdbInternetExchange>({
  app: 'peeringdb', table: 'peeringdb_ix', restPath: 'internet-exchanges', display: (o) => o.name,
  brief: ['id', 'name', 'status'], ordering: ['id'], q: ['name', 'aka', 'nameLong'], changeLogged: false, readOnly: true, customFilters: { ...PDB_FILTERS, ...PDB_QUERY_FILTERS.ix }, relationFilters: true,
})
export class PdbInternetExchange extends PdbNamed {
  @Index() @F.fk(() => PdbOrganization, { required: true, reverse: 'exchanges' }) org!: Rel<PdbOrganization>;
  @T() city: string = '';
  @T() country: string = '';
  @T() regionContinent: string = '';
  @T({ default: 'Ethernet', readOnly: true }) media: string = 'Ethernet';
  @F.bool({ default: false }) protoUnicast: boolean = false;
  @F.bool({ default: false, readOnly: true }) protoMulticast: boolean = false;
  @F.bool({ default: false }) protoIpv6: boolean = false;
  @T() urlStats: string = '';
  @T() techEmail: string = '';
  @T() techPhone: string = '';
  @T() policyEmail: string = '';
  @T() policyPhone: string = '';
  @T() salesEmail: string = '';
  @T() salesPhone: string = '';
  @F.int({ default: 0, readOnly: true }) netCount: number = 0;
  @F.int({ default: 0, readOnly: true }) facCount: number = 0;
  @F.int({ default: 0, readOnly: true }) ixfNetCount: number = 0;
  @F.datetime({ nullable: true, readOnly: true }) ixfLastImport?: Date | null;
  @F.datetime({ nullable: true, readOnly: true }) ixfImportRequest?: Date | null;
  @T({ readOnly: true }) ixfImportRequestStatus: string = '';
  @T() serviceLevel: string = '';
  @T() terms: string = '';
  @TN() statusDashboard?: string | null;
}
