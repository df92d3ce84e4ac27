import { Model } from '../model';
import { PdbAddressed, PDB_FILTERS } from './base';
import { PDB_QUERY_FILTERS } from './query-filters';

/** PeeringDB `org`. */
@Model<PdbOrganization>({
  app: 'peeringdb', table: 'peeringdb_org', restPath: 'organizations', display: (o) => o.name,
  brief: ['id', 'name', 'status'], ordering: ['id'], q: ['name', 'aka', 'nameLong'], changeLogged: false, readOnly: true, customFilters: { ...PDB_FILTERS, ...PDB_QUERY_FILTERS.org }, relationFilters: true,
})
export class PdbOrganization extends PdbAddressed {}
