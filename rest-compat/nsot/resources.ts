// NSoT's resources as PeerGate models: each output field of NSoT's to_dict()
// with the GraphQL selection it reads, and which fields can be expanded into
// the related object. Write fields map NSoT names onto GraphQL input names.
import '../../src/domain';
import { describe, type ModelDescriptor } from '../../src/domain/model';
import { Site, Attribute, Device, Network, Interface, Circuit, Value } from '../../src/domain/inventory';
import { formatAddr, parseCidr } from '../../src/domain/inventory/cidr';

type Item = Record<string, any>;

export interface OutField {
  name: string;
  select: string;                      // GraphQL selection when not expanded
  read: (item: Item) => unknown;
  expand?: { rel: string; target: string }; // ?expand=<name>: the related object in full
}

/** How one NSoT write field becomes GraphQL input: a plain value, or a reference by id or natural key. */
export type InField =
  | { name: string; gql: string; kind: 'value' }
  | { name: string; gql: string; kind: 'ref'; refKey: string };   // id -> `<gql>Id`, text -> `<gql>: {refKey: text}`

export interface Resource {
  key: string;                // URL segment: 'devices'
  label: string;              // 'Device' (NSoT's messages)
  d: ModelDescriptor;
  out: OutField[];
  create: InField[];
  update: InField[];          // mutable fields (PUT sets all of them)
  putRequired: string[];      // NSoT's serializers require these on PUT
  natural?: { field: string; filter: (key: string) => Record<string, unknown> | null };
  siteScoped: boolean;        // nested under /sites/<id>/
  siteFilter: string;         // GraphQL filter field of the site
  setQuery: boolean;
  attributes: boolean;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const plain = (name: string, gql = name): OutField => ({ name, select: gql, read: (i) => i[gql] ?? null });
const intField = (name: string, gql: string): OutField => ({ name, select: gql, read: (i) => num(i[gql]) });
const idOf = (name: string, rel: string, target: string): OutField => ({
  name, select: `${rel} { id }`, read: (i) => num(i[rel]?.id), expand: { rel, target },
});
const attrs: OutField = { name: 'attributes', select: 'attributes', read: (i) => i.attributes ?? {} };
const v = (name: string, gql = name): InField => ({ name, gql, kind: 'value' });

const resources: Resource[] = [
  {
    key: 'sites', label: 'Site', d: describe(Site), siteScoped: false, siteFilter: 'id', setQuery: false, attributes: false,
    out: [intField('id', 'id'), plain('name'), plain('description')],
    create: [v('name'), v('description')], update: [v('name'), v('description')], putRequired: ['name'],
  },
  {
    key: 'attributes', label: 'Attribute', d: describe(Attribute), siteScoped: true, siteFilter: 'site', setQuery: false, attributes: false,
    out: [intField('id', 'id'), idOf('site_id', 'site', 'sites'), plain('name'), plain('description'), plain('resource_name', 'resourceName'),
      plain('required'), plain('display', 'displayed'), plain('multi'), plain('constraints')],
    create: [v('name'), v('description'), v('resource_name', 'resourceName'), v('required'), v('display', 'displayed'), v('multi'), v('constraints'), { name: 'site_id', gql: 'site', kind: 'ref', refKey: 'name' }],
    update: [v('description'), v('required'), v('display', 'displayed'), v('multi'), v('constraints')], putRequired: [],
  },
  {
    key: 'devices', label: 'Device', d: describe(Device), siteScoped: true, siteFilter: 'site', setQuery: true, attributes: true,
    out: [intField('id', 'id'), idOf('site_id', 'site', 'sites'), plain('hostname'), attrs],
    create: [v('hostname'), v('attributes'), { name: 'site_id', gql: 'site', kind: 'ref', refKey: 'name' }],
    update: [v('hostname'), v('attributes')], putRequired: ['hostname', 'attributes'],
    natural: { field: 'hostname', filter: (k) => ({ hostname: { exact: [k] } }) },
  },
  {
    key: 'networks', label: 'Network', d: describe(Network), siteScoped: true, siteFilter: 'site', setQuery: true, attributes: true,
    out: [intField('id', 'id'), plain('cidr'), idOf('parent_id', 'parent', 'networks'),
      { name: 'parent', select: 'parent { cidr }', read: (i) => i.parent?.cidr ?? null },
      idOf('site_id', 'site', 'sites'), plain('is_ip', 'isIp'), plain('ip_version', 'ipVersion'), plain('network_address', 'networkAddress'),
      intField('prefix_length', 'prefixLength'), plain('state'), attrs],
    create: [v('cidr'), v('state'), v('attributes'), { name: 'site_id', gql: 'site', kind: 'ref', refKey: 'name' }],
    update: [v('state'), v('attributes')], putRequired: ['attributes'],
    natural: { field: 'cidr', filter: cidrFilter },
  },
  {
    key: 'interfaces', label: 'Interface', d: describe(Interface), siteScoped: true, siteFilter: 'site', setQuery: true, attributes: true,
    out: [intField('id', 'id'), idOf('parent_id', 'parent', 'interfaces'),
      { name: 'parent', select: 'parent { nameSlug }', read: (i) => i.parent?.nameSlug ?? null },
      plain('name'), plain('name_slug', 'nameSlug'), idOf('device', 'device', 'devices'),
      { name: 'device_hostname', select: 'device { hostname }', read: (i) => i.device?.hostname ?? null },
      plain('description'), { name: 'addresses', select: 'addresses', read: (i) => i.addresses ?? [] },
      { name: 'networks', select: 'networks', read: (i) => i.networks ?? [] },
      plain('mac_address', 'macAddress'), intField('speed', 'speed'), intField('type', 'type'), attrs],
    create: [{ name: 'device', gql: 'device', kind: 'ref', refKey: 'hostname' }, v('name'), v('description'), v('type'), v('mac_address', 'macAddress'), v('speed'),
      { name: 'parent_id', gql: 'parent', kind: 'ref', refKey: 'nameSlug' }, v('addresses'), v('attributes')],
    update: [v('name'), v('description'), v('type'), v('mac_address', 'macAddress'), v('speed'), { name: 'parent_id', gql: 'parent', kind: 'ref', refKey: 'nameSlug' }, v('addresses'), v('attributes')],
    putRequired: ['attributes', 'addresses'],
    natural: { field: 'name_slug', filter: (k) => ({ nameSlug: { exact: [k] } }) },
  },
  {
    key: 'circuits', label: 'Circuit', d: describe(Circuit), siteScoped: true, siteFilter: 'site', setQuery: true, attributes: true,
    out: [intField('id', 'id'), plain('name'), plain('name_slug', 'nameSlug'),
      { name: 'endpoint_a', select: 'endpointA { nameSlug }', read: (i) => i.endpointA?.nameSlug ?? null, expand: { rel: 'endpointA', target: 'interfaces' } },
      { name: 'endpoint_z', select: 'endpointZ { nameSlug }', read: (i) => i.endpointZ?.nameSlug ?? null, expand: { rel: 'endpointZ', target: 'interfaces' } },
      attrs],
    create: [{ name: 'endpoint_a', gql: 'endpointA', kind: 'ref', refKey: 'nameSlug' }, { name: 'endpoint_z', gql: 'endpointZ', kind: 'ref', refKey: 'nameSlug' }, v('name'), v('attributes')],
    update: [{ name: 'endpoint_a', gql: 'endpointA', kind: 'ref', refKey: 'nameSlug' }, { name: 'endpoint_z', gql: 'endpointZ', kind: 'ref', refKey: 'nameSlug' }, v('name'), v('attributes')],
    putRequired: ['attributes'],
    natural: { field: 'name_slug', filter: (k) => ({ nameSlug: { exact: [k] } }) },
  },
  {
    key: 'values', label: 'Value', d: describe(Value), siteScoped: false, siteFilter: '', setQuery: false, attributes: false,
    out: [intField('id', 'id'), plain('name'), plain('value'), idOf('attribute', 'attribute', 'attributes'), plain('resource_name', 'resourceName'), intField('resource_id', 'resourceId')],
    create: [], update: [], putRequired: [],
  },
];

/** `10.0.0.0/8` (host bits allowed) -> the exact-network filter. */
function cidrFilter(key: string): Record<string, unknown> | null {
  const c = /^[0-9a-fA-F:./]+$/.test(key) ? parseCidr(key) : null;
  if (!c) return null;
  return { networkAddress: { exact: [formatAddr(c.version, c.addr)] }, prefixLength: { exact: [c.len] } };
}

const byKey = new Map(resources.map((r) => [r.key, r]));

export function resource(key: string): Resource | undefined {
  return byKey.get(key);
}

export function allResources(): Resource[] {
  return resources;
}
