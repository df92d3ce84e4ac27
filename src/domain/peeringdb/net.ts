import { Index, type Rel } from '@mikro-orm/core';
import { Model, F } from '../model';
import { PdbNamed, T, TN, PDB_FILTERS } from './base';
import { PDB_QUERY_FILTERS } from './query-filters';
import { PdbOrganization } from './org';

/** PeeringDB `net`: a network and its peering policy. */
@Model<PdbNetwork>({
  app: 'peeringdb', table: 'peeringdb_net', restPath: 'networks', display: (o) => `AS${o.asn} - ${o.name}`,
  brief: ['id', 'asn', 'name', 'status'], ordering: ['id'], q: ['name', 'aka', 'nameLong', 'irrAsSet'], qNumeric: ['asn'],
  changeLogged: false, readOnly: true, customFilters: { ...PDB_FILTERS, ...PDB_QUERY_FILTERS.net }, relationFilters: true,
})
export class PdbNetwork extends PdbNamed {
  @Index() @F.fk(() => PdbOrganization, { required: true, reverse: 'networks' }) org!: Rel<PdbOrganization>;
  @Index() @F.asn({ required: true }) asn!: number;
  @T() lookingGlass: string = '';
  @T() routeServer: string = '';
  @T() irrAsSet: string = '';
  @T() infoType: string = '';
  @F.json({ default: [], filter: true }) infoTypes?: unknown;
  @F.int({ nullable: true }) infoPrefixes4?: number | null;
  @F.int({ nullable: true }) infoPrefixes6?: number | null;
  @T() infoTraffic: string = '';
  @T() infoRatio: string = '';
  @T() infoScope: string = '';
  @F.bool({ default: false }) infoUnicast: boolean = false;
  @F.bool({ default: false }) infoMulticast: boolean = false;
  @F.bool({ default: false }) infoIpv6: boolean = false;
  @F.bool({ default: false }) infoNeverViaRouteServers: boolean = false;
  @F.int({ default: 0, readOnly: true }) ixCount: number = 0;
  @F.int({ default: 0, readOnly: true }) facCount: number = 0;
  @F.datetime({ nullable: true, readOnly: true }) netixlanUpdated?: Date | null;
  @F.datetime({ nullable: true, readOnly: true }) netfacUpdated?: Date | null;
  @F.datetime({ nullable: true, readOnly: true }) pocUpdated?: Date | null;
  @T() policyUrl: string = '';
  @T() policyGeneral: string = '';
  @T() policyLocations: string = '';
  @F.bool({ default: false }) policyRatio: boolean = false;
  @T() policyContracts: string = '';
  @F.bool({ default: false }) allowIxpUpdate: boolean = false;
  @F.json({ filter: true }) ixpUpdateExclude?: unknown;
  @TN() statusDashboard?: string | null;
  @TN({ readOnly: true }) rirStatus?: string | null;
  @F.datetime({ nullable: true, readOnly: true }) rirStatusUpdated?: Date | null;
}
