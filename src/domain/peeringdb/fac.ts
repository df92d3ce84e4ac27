import { Index, type Rel } from '@mikro-orm/core';
import { Model, F } from '../model';
import { PdbAddressed, T, TN, PDB_FILTERS } from './base';
import { PDB_QUERY_FILTERS } from './query-filters';
import { PdbOrganization } from './org';
import { PdbCampus } from './campus';

/** PeeringDB `fac`: a colocation facility. */
@Model<PdbFacility>({
  app: 'peeringdb', table: 'peeringdb_fac', restPath: 'facilities', plural: 'PdbFacilities', display: (o) => o.name,
  brief: ['id', 'name', 'status'], ordering: ['id'], q: ['name', 'aka', 'nameLong'], changeLogged: false, readOnly: true, customFilters: { ...PDB_FILTERS, ...PDB_QUERY_FILTERS.fac }, relationFilters: true,
})
export class PdbFacility extends PdbAddressed {
  @Index() @F.fk(() => PdbOrganization, { required: true, reverse: 'facilities' }) org!: Rel<PdbOrganization>;
  @T({ readOnly: true }) orgName: string = '';
  @Index() @F.fk(() => PdbCampus, { nullable: true, reverse: 'facilities' }) campus?: Rel<PdbCampus> | null;
  @T() clli: string = '';
  @T({ readOnly: true }) rencode: string = '';
  @T() npanxx: string = '';
  @F.int({ default: 0, readOnly: true }) netCount: number = 0;
  @F.int({ default: 0, readOnly: true }) ixCount: number = 0;
  @F.int({ default: 0, readOnly: true }) carrierCount: number = 0;
  @T() salesEmail: string = '';
  @T() salesPhone: string = '';
  @T() techEmail: string = '';
  @T() techPhone: string = '';
  @F.json({ default: [], filter: true }) availableVoltageServices?: unknown;
  @F.bool({ nullable: true }) diverseServingSubstations?: boolean | null;
  @TN() property?: string | null;
  @TN({ readOnly: true }) regionContinent?: string | null;
  @TN() statusDashboard?: string | null;
}
