import { Collection, type Rel } from '@mikro-orm/core';
import { Model, F } from '../model';
import { Primary } from '../base';
import { DeviceStatus } from '../choices';
import { Platform } from './platform';
import { Configuration } from './configuration';
import { AutonomousSystem } from '../peering/autonomous-system';
import { Community } from '../bgp/community';

@Model<Router>({
  app: 'devices',
  display: (o) => o.name,
  brief: ['id', 'url', 'display', 'name', 'hostname'],
  ordering: ['localAutonomousSystem', 'name'],
  orderingPaths: { localAutonomousSystem: 'localAutonomousSystem.asn' },
  q: ['name', 'hostname'],
  validate: (o) => (o.bgpSpeaker && !o.routerId ? { routerId: ['A router ID is required when the router runs in bgp-core.'] } : {}),
})
export class Router extends Primary {
  @F.string({ maxLength: 128, required: true, unique: true }) name!: string;
  @F.string({ maxLength: 256, required: true }) hostname!: string;
  @F.fk(() => Platform, { required: true, via: ['name'], restVia: 'name', deleteRule: 'restrict' }) platform!: Rel<Platform>;
  @F.choice(DeviceStatus, { default: 'enabled' }) status: string = 'enabled';
  @F.bool({ default: false }) encryptPasswords: boolean = false;
  @F.fk(() => Configuration, { nullable: true, via: ['name'], restVia: 'name', deleteRule: 'set null' })
  configurationTemplate?: Rel<Configuration> | null;
  @F.m2m(() => Community, { filter: false }) communities = new Collection<Community>(this);
  @F.fk(() => AutonomousSystem, { required: true, via: ['asn', 'name'], restVia: 'name', deleteRule: 'cascade' })
  localAutonomousSystem!: Rel<AutonomousSystem>;
  @F.bigint({ min: 0, default: 0, filter: false, label: 'NetBox device' }) netboxDeviceId: number = 0;
  @F.bool({ default: false, filter: false }) pollBgpSessionsState: boolean = false;
  @F.datetime({ nullable: true, readOnly: true, filter: false }) pollBgpSessionsLastUpdated?: Date | null;
  @F.string({ maxLength: 256, nullable: true, filter: false, label: 'NAPALM username' }) napalmUsername?: string | null;
  @F.string({ maxLength: 256, nullable: true, filter: false, secret: true, label: 'NAPALM password' }) napalmPassword?: string | null;
  @F.int({ min: 0, default: 0, filter: false, label: 'NAPALM timeout' }) napalmTimeout: number = 0;
  @F.json({ label: 'NAPALM arguments' }) napalmArgs?: unknown;
  // bgp-core: run this router's sessions in PeerGate's own BGP speaker.
  @F.bool({ default: false, label: 'BGP speaker' }) bgpSpeaker: boolean = false;
  @F.ip({ nullable: true, family: 4, label: 'Router ID' }) routerId?: string | null;
  @F.ip({ nullable: true, filter: false, label: 'BGP listen address' }) bgpListenAddress?: string | null;
  @F.int({ min: 1, max: 65535, default: 179, filter: false, label: 'BGP listen port' }) bgpListenPort: number = 179;
  @F.localContext() localContextData?: Record<string, unknown> | null;
}
