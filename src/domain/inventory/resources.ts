import { wrap, type Rel } from '@mikro-orm/core';
import { Model, F, IdField } from '../model';
import { INVENTORY_ACCESS } from './access';
import { Site } from './site';
import { NetworkState, INTERFACE_TYPES } from './choices';
import { cidrText, parseCidr } from './cidr';
import { setQueryFilter } from './set-query';

/** Attribute values as stored on the object (NSoT's `_attributes_cache`): name -> string or list. */
export type AttributeMap = Record<string, string | string[]>;

// A DNS label (NSoT's default hostname regex): no dots.
const HOSTNAME: [RegExp, string] = [/^[A-Za-z0-9]([A-Za-z0-9_-]{0,253}[A-Za-z0-9])?$/, 'Invalid hostname: must be a DNS label without dots.'];


@Model<Device>({
  app: 'inventory',
  access: INVENTORY_ACCESS,
  display: (o) => o.hostname,
  brief: ['id', 'hostname'],
  ordering: ['id'],
  q: ['hostname'],
  naturalKeys: ['hostname'],
  uniqueTogether: [['site', 'hostname']],
  customFilters: setQueryFilter('Device', 'inventory_device'),
})
export class Device {
  @IdField() id!: number;
  @F.fk(() => Site, { required: true, deleteRule: 'restrict', via: ['name'] }) site!: Rel<Site>;
  @F.string({ maxLength: 255, required: true, pattern: HOSTNAME }) hostname!: string;
  @F.json({ objectOnly: true, default: {}, mergePatch: true }) attributes: AttributeMap | null = {};
}

@Model<Network>({
  app: 'inventory',
  access: INVENTORY_ACCESS,
  display: (o) => o.cidr,
  brief: ['id', 'cidr'],
  ordering: ['id'],
  q: ['cidr'],
  naturalKeys: ['cidr'],
  uniqueTogether: [['site', 'cidr']],
  customFilters: setQueryFilter('Network', 'inventory_network'),
  compute: (o) => {
    const c = parseCidr(o.cidr);
    if (!c) return;
    o.cidr = cidrText(c);
    o.networkAddress = cidrText(c).split('/')[0];
    o.prefixLength = c.len;
    o.ipVersion = String(c.version);
    o.isIp = c.len === c.bits;
  },
  validate: (o) => (parseCidr(o.cidr) ? {} : { cidr: [`Invalid CIDR: ${o.cidr}`] }),
})
export class Network {
  @IdField() id!: number;
  @F.fk(() => Site, { required: true, deleteRule: 'restrict', via: ['name'] }) site!: Rel<Site>;
  @F.prefix({ required: true, help: 'Prefix, e.g. 10.0.0.0/8; host bits are cleared' }) cidr!: string;
  @F.string({ maxLength: 39, readOnly: true, default: '' }) networkAddress: string = '';
  @F.int({ readOnly: true, default: 0 }) prefixLength: number = 0;
  @F.string({ maxLength: 1, readOnly: true, default: '4' }) ipVersion: string = '4';
  @F.bool({ readOnly: true, default: false }) isIp: boolean = false;
  @F.choice(NetworkState, { default: 'allocated', choiceStyle: 'plain' }) state: string = 'allocated';
  // Maintained by the database after every write (closest containing network of the site).
  @F.fk(() => Network, { nullable: true, readOnly: true, deleteRule: 'restrict' }) parent?: Rel<Network> | null;
  @F.json({ objectOnly: true, default: {}, mergePatch: true }) attributes: AttributeMap | null = {};
}

@Model<Interface>({
  app: 'inventory',
  access: INVENTORY_ACCESS,
  display: (o) => o.nameSlug,
  brief: ['id', 'nameSlug'],
  ordering: ['id'],
  q: ['name', 'description'],
  naturalKeys: ['nameSlug'],
  uniqueTogether: [['device', 'name']],
  customFilters: setQueryFilter('Interface', 'inventory_interface'),
  compute: (o) => {
    if (o.device && wrap(o.device, true).isInitialized()) {
      const dev = o.device as Device;
      o.site = dev.site;
      o.nameSlug = `${dev.hostname}:${o.name}`;
    }
    if (Array.isArray(o.addresses)) {
      o.addresses = o.addresses.map((a) => { const c = typeof a === 'string' ? parseCidr(a.includes('/') ? a : a) : null; return c ? cidrText(c) : a; });
    }
  },
  validate: (o) => {
    const errors: Record<string, string[]> = {};
    if (!INTERFACE_TYPES.includes(o.type)) errors.type = [`"${o.type}" is not a valid choice.`];
    if (o.addresses !== null && o.addresses !== undefined) {
      if (!Array.isArray(o.addresses)) errors.addresses = ['Expected a list of items.'];
      else for (const a of o.addresses) {
        const c = typeof a === 'string' ? parseCidr(a) : null;
        if (!c || c.len !== c.bits) errors.addresses = [`Invalid address: ${String(a)}`];
      }
    }
    return errors;
  },
})
export class Interface {
  @IdField() id!: number;
  @F.fk(() => Device, { required: true, deleteRule: 'cascade', via: ['hostname'] }) device!: Rel<Device>;
  // Copied from the device on every write, for site scoping and attribute definitions.
  @F.fk(() => Site, { nullable: true, readOnly: true, deleteRule: 'restrict' }) site?: Rel<Site> | null;
  @F.string({ maxLength: 255, required: true }) name!: string;
  @F.string({ maxLength: 255, readOnly: true, unique: true, default: '', help: '<device hostname>:<name>' }) nameSlug: string = '';
  @F.string({ maxLength: 255, default: '' }) description: string = '';
  @F.int({ default: 6, help: 'IANA ifType' }) type: number = 6;
  @F.string({ maxLength: 18, nullable: true }) macAddress?: string | null;
  @F.int({ default: 1000, min: 0, help: 'Mbps' }) speed: number = 1000;
  @F.fk(() => Interface, { nullable: true, deleteRule: 'restrict' }) parent?: Rel<Interface> | null;
  @F.json({ help: 'Assigned host addresses (CIDR); missing host networks are created, state assigned' }) addresses: string[] | null = [];
  @F.json({ readOnly: true, help: 'Networks containing the assigned addresses' }) networks: string[] | null = [];
  @F.json({ objectOnly: true, default: {}, mergePatch: true }) attributes: AttributeMap | null = {};
}

@Model<Circuit>({
  app: 'inventory',
  access: INVENTORY_ACCESS,
  display: (o) => o.name,
  brief: ['id', 'name'],
  ordering: ['id'],
  q: ['name'],
  naturalKeys: ['nameSlug'],
  customFilters: setQueryFilter('Circuit', 'inventory_circuit'),
  compute: (o) => {
    const a = o.endpointA && wrap(o.endpointA, true).isInitialized() ? (o.endpointA as Interface) : null;
    const z = o.endpointZ && wrap(o.endpointZ, true).isInitialized() ? (o.endpointZ as Interface) : null;
    if (a) o.site = a.site;
    if (!o.name && a) o.name = `${a.nameSlug}_${z ? z.nameSlug : 'None'}`;
    o.nameSlug = (o.name ?? '').replace(/\//g, '_');
  },
})
export class Circuit {
  @IdField() id!: number;
  @F.fk(() => Interface, { required: true, deleteRule: 'restrict' }) endpointA!: Rel<Interface>;
  @F.fk(() => Interface, { nullable: true, deleteRule: 'restrict' }) endpointZ?: Rel<Interface> | null;
  @F.fk(() => Site, { nullable: true, readOnly: true, deleteRule: 'restrict' }) site?: Rel<Site> | null;
  @F.string({ maxLength: 255, default: '' }) name: string = '';
  @F.string({ maxLength: 255, readOnly: true, unique: true, default: '' }) nameSlug: string = '';
  @F.json({ objectOnly: true, default: {}, mergePatch: true }) attributes: AttributeMap | null = {};
}
