import { Index, type Rel } from '@mikro-orm/core';
import { Model, F } from '../model';
import { PdbObject, T, PDB_FILTERS } from './base';
import { PDB_QUERY_FILTERS } from './query-filters';
import { PdbIXLan } from './ixlan';

/** PeeringDB `ixpfx`: a prefix of an IX LAN (kept as text, exactly as the upstream writes it). */
@Model<PdbIXLanPrefix>({
  app: 'peeringdb', table: 'peeringdb_ixpfx', restPath: 'ixlan-prefixes', plural: 'PdbIXLanPrefixes', display: (o) => o.prefix,
  brief: ['id', 'prefix', 'status'], ordering: ['id'], q: ['prefix'], changeLogged: false, readOnly: true, customFilters: { ...PDB_FILTERS, ...PDB_QUERY_FILTERS.ixpfx }, relationFilters: true,
})
export class PdbIXLanPrefix extends PdbObject {
  @Index() @F.fk(() => PdbIXLan, { required: true, reverse: 'prefixes' }) ixlan!: Rel<PdbIXLan>;
  @T({ default: 'IPv4' }) protocol: string = 'IPv4';
  @T({ required: true }) prefix!: string;
  @F.bool({ default: true }) inDfz: boolean = true;
}
