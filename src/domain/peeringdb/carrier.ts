import { Index, type Rel } from '@mikro-orm/core';
import { Model, F } from '../model';
import { PdbNamed, T, PDB_FILTERS } from './base';
import { PDB_QUERY_FILTERS } from './query-filters';
import { PdbOrganization } from './org';

/** PeeringDB `carrier`. */
@Model<PdbCarrier>({
  app: 'peeringdb', table: 'peeringdb_carrier', restPath: 'carriers', display: (o) => o.name,
  brief: ['id', 'name', 'status'], ordering: ['id'], q: ['name', 'aka', 'nameLong'], changeLogged: false, readOnly: true, customFilters: { ...PDB_FILTERS, ...PDB_QUERY_FILTERS.carrier }, relationFilters: true,
})
export class PdbCarrier extends PdbNamed {
  @Index() @F.fk(() => PdbOrganization, { required: true, reverse: 'carriers' }) org!: Rel<PdbOrganization>;
  @T({ readOnly: true }) orgName: string = '';
  @F.int({ default: 0, readOnly: true }) facCount: number = 0;
}
