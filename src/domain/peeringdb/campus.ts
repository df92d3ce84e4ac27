import { Index, type Rel } from '@mikro-orm/core';
import { Model, F } from '../model';
import { PdbNamed, T, PDB_FILTERS } from './base';
import { PDB_QUERY_FILTERS } from './query-filters';
import { PdbOrganization } from './org';

/** PeeringDB `campus`: facilities close together, run as one site. */
@Model<PdbCampus>({
  app: 'peeringdb', table: 'peeringdb_campus', restPath: 'campuses', plural: 'PdbCampuses', display: (o) => o.name,
  brief: ['id', 'name', 'status'], ordering: ['id'], q: ['name', 'aka', 'nameLong'], changeLogged: false, readOnly: true, customFilters: { ...PDB_FILTERS, ...PDB_QUERY_FILTERS.campus }, relationFilters: true,
})
export class PdbCampus extends PdbNamed {
  @Index() @F.fk(() => PdbOrganization, { required: true, reverse: 'campuses' }) org!: Rel<PdbOrganization>;
  @T({ readOnly: true }) orgName: string = '';
  @T() country: string = '';
  @T() city: string = '';
  @T() zipcode: string = '';
  @T() state: string = '';
}
