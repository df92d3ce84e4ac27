// PeeringDB's link records: network at facility, IX at facility, carrier at facility, and contacts.
import { Index, type Rel } from '@mikro-orm/core';
import { Model, F } from '../model';
import { PdbObject, T, PDB_FILTERS } from './base';
import { PdbNetwork } from './net';
import { PdbFacility } from './fac';
import { PdbInternetExchange } from './ix';
import { PdbCarrier } from './carrier';

/** PeeringDB `netfac`; name, city and country are copied from the facility. */
@Model<PdbNetworkFacility>({
  app: 'peeringdb', table: 'peeringdb_netfac', restPath: 'network-facilities', plural: 'PdbNetworkFacilities', display: (o) => o.name,
  brief: ['id', 'name', 'status'], ordering: ['id'], q: ['name'], changeLogged: false, readOnly: true, customFilters: PDB_FILTERS, relationFilters: true,
})
export class PdbNetworkFacility extends PdbObject {
  @Index() @F.fk(() => PdbNetwork, { required: true, reverse: 'networkFacilities' }) net!: Rel<PdbNetwork>;
  @Index() @F.fk(() => PdbFacility, { required: true }) fac!: Rel<PdbFacility>;
  @T({ readOnly: true }) name: string = '';
  @T({ readOnly: true }) city: string = '';
  @T({ readOnly: true }) country: string = '';
  @F.bigint({ nullable: true, readOnly: true }) localAsn?: number | null;
}

/** PeeringDB `ixfac`. */
@Model<PdbInternetExchangeFacility>({
  app: 'peeringdb', table: 'peeringdb_ixfac', restPath: 'internet-exchange-facilities', plural: 'PdbInternetExchangeFacilities', display: (o) => o.name,
  brief: ['id', 'name', 'status'], ordering: ['id'], q: ['name'], changeLogged: false, readOnly: true, customFilters: PDB_FILTERS, relationFilters: true,
})
export class PdbInternetExchangeFacility extends PdbObject {
  @Index() @F.fk(() => PdbInternetExchange, { required: true, reverse: 'exchangeFacilities' }) ix!: Rel<PdbInternetExchange>;
  @Index() @F.fk(() => PdbFacility, { required: true }) fac!: Rel<PdbFacility>;
  @T({ readOnly: true }) name: string = '';
  @T({ readOnly: true }) city: string = '';
  @T({ readOnly: true }) country: string = '';
}

/** PeeringDB `carrierfac`. */
@Model<PdbCarrierFacility>({
  app: 'peeringdb', table: 'peeringdb_carrierfac', restPath: 'carrier-facilities', plural: 'PdbCarrierFacilities', display: (o) => o.name,
  brief: ['id', 'name', 'status'], ordering: ['id'], q: ['name'], changeLogged: false, readOnly: true, customFilters: PDB_FILTERS, relationFilters: true,
})
export class PdbCarrierFacility extends PdbObject {
  @Index() @F.fk(() => PdbCarrier, { required: true, reverse: 'carrierFacilities' }) carrier!: Rel<PdbCarrier>;
  @Index() @F.fk(() => PdbFacility, { required: true }) fac!: Rel<PdbFacility>;
  @T({ readOnly: true }) name: string = '';
}

/** PeeringDB `poc`: a network contact, visible as PeeringDB shows it: Public to all, Users to signed-in users, Private to staff. */
@Model<PdbNetworkContact>({
  app: 'peeringdb', table: 'peeringdb_poc', restPath: 'network-contacts', display: (o) => o.name || o.role,
  brief: ['id', 'role', 'name', 'status'], ordering: ['id'], q: ['name', 'email'], changeLogged: false, readOnly: true, customFilters: PDB_FILTERS, relationFilters: true,
  access: { visibleBy: { field: 'visible', values: { anonymous: ['Public'], user: ['Public', 'Users'] } } },
})
export class PdbNetworkContact extends PdbObject {
  @Index() @F.fk(() => PdbNetwork, { required: true, reverse: 'contacts' }) net!: Rel<PdbNetwork>;
  @T({ required: true }) role!: string;
  @T({ default: 'Public' }) visible: string = 'Public';
  @T() name: string = '';
  @T() phone: string = '';
  @T() email: string = '';
  @T() url: string = '';
}
