// Every model of the domain. Importing this module registers them all.
import { abstractBases, allModels } from './model';
export { Tag } from './extras/tag';
export { ObjectChange } from './extras/object-change';
export { ConfigContext, ConfigContextAssignment } from './extras/config-context';
export { ExportTemplate } from './extras/export-template';
export { JournalEntry } from './extras/journal-entry';
export { Webhook } from './extras/webhook';
export { IXAPI } from './extras/ixapi';
export { Job } from './core/job';
export { DataSource, DataFile } from './core/data';
export { HiddenPeer } from './peeringdb/hidden-peer';
export { PdbOrganization } from './peeringdb/org';
export { PdbCampus } from './peeringdb/campus';
export { PdbFacility } from './peeringdb/fac';
export { PdbNetwork } from './peeringdb/net';
export { PdbInternetExchange } from './peeringdb/ix';
export { PdbIXLan } from './peeringdb/ixlan';
export { PdbIXLanPrefix } from './peeringdb/ixpfx';
export { PdbNetworkIXLan } from './peeringdb/netixlan';
export { PdbCarrier } from './peeringdb/carrier';
export { PdbNetworkFacility, PdbInternetExchangeFacility, PdbCarrierFacility, PdbNetworkContact } from './peeringdb/links';
export { Community } from './bgp/community';
export { Relationship } from './bgp/relationship';
export { RoutingPolicy } from './peering/routing-policy';
export { AutonomousSystem } from './peering/autonomous-system';
export { BGPGroup } from './peering/bgp-group';
export { InternetExchange } from './peering/internet-exchange';
export { DirectPeeringSession } from './peering/direct-peering-session';
export { InternetExchangePeeringSession } from './peering/internet-exchange-peering-session';
export { BFD } from './net/bfd';
export { Connection } from './net/connection';
export { Platform } from './devices/platform';
export { Configuration } from './devices/configuration';
export { Router } from './devices/router';
export { Contact, ContactRole, ContactAssignment, Email } from './messaging/contact';
export { User, Group } from './users/user';
export { Token } from './users/token';
import { UserPreferences } from './users/preferences';
export { Site, Attribute, Device, Network, Interface, Circuit, Value, Assignment, UserSecret } from './inventory';

/** Entity classes for MikroORM discovery (abstract bases included). */
export function entityClasses(): Function[] {
  // UserPreferences is a plain entity: no generic list or REST endpoint, only its owner's own row.
  return [...abstractBases, ...allModels().map((d) => d.cls), UserPreferences];
}
