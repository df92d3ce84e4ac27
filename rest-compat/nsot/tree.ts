// Detail routes: the network tree (parent, ancestors, children, descendants,
// root, siblings, supernets, subnets, closest_parent, next_network, next_address,
// assignments) and the relations of devices, interfaces and circuits. Tree
// queries are the models' ip filters (cidr within / contains) run in SQL.
import { parseBool } from '../core/query';
import { cidrText, freeSubnets, lastAddr, overlaps, contains, parseCidr, type Cidr } from '../../src/domain/inventory/cidr';
import { BUSY_STATES } from '../../src/domain/inventory/choices';
import { NsotError, badRequest, notFound } from './errors';
import { run, send, writable, type Call } from './call';
import { fetchAll, fetchItems, fetchOne, lookupId, scoped, sendList } from './read';
import { shapeFor, projectionFrom } from './shape';
import { resource, type Resource } from './resources';
import { documentFor } from '../core/documents';

type Item = Record<string, any>;
type Filter = Record<string, unknown>;

const flag = (call: Call, name: string, dflt: boolean): boolean => {
  const v = call.params.get(name);
  if (v === null || v === '') return dflt;
  try { return parseBool(v); } catch { throw badRequest({ [name]: 'Must be a valid boolean.' }); }
};

const intParam = (call: Call, name: string, dflt: number | null): number | null => {
  const v = call.params.get(name);
  if (v === null || v === '') return dflt;
  if (!/^\d+$/.test(v)) throw badRequest({ [name]: 'A valid integer is required.' });
  return Number(v);
};

async function sendOne(call: Call, r: Resource, id: number): Promise<void> {
  const shape = shapeFor(r, projectionFrom(call.params));
  send(call, 200, shape.render(await fetchOne(call, r, id, shape.selection)));
}

const NET_SEL = '{ id cidr state prefixLength site { id } parent { id } }';

async function networkTree(call: Call, r: Resource, id: number, action: string): Promise<void> {
  const net = await fetchOne(call, r, id, NET_SEL);
  const site = { site: { exact: [String(net.site.id)] } };
  const notSelf = { id: { n: [id] } };
  const ancestors: Filter = { ...site, cidr: { contains: net.cidr }, ...notSelf };
  const descendants: Filter = { ...site, cidr: { within: net.cidr }, ...notSelf };
  switch (action) {
    case 'parent':
      if (!net.parent) throw new NsotError(404, `Network ${net.cidr} has no parent.`);
      return sendOne(call, r, Number(net.parent.id));
    case 'root': {
      const top = await fetchItems(call, r, ancestors, '{ id }', 1, ['prefixLength']);
      if (!top.length) throw new NsotError(404, `Network ${net.cidr} has no root.`);
      return sendOne(call, r, Number(top[0].id));
    }
    case 'ancestors':
      return send(call, 200, await sendList(call, r, ancestors, { ordering: [flag(call, 'ascending', false) ? '-prefixLength' : 'prefixLength'] }));
    case 'supernets':
      if (flag(call, 'direct', false)) return send(call, 200, await sendList(call, r, { id: { exact: net.parent ? [Number(net.parent.id)] : [] } }));
      return send(call, 200, await sendList(call, r, ancestors, { ordering: ['prefixLength'] }));
    case 'children':
      return send(call, 200, await sendList(call, r, { parent: { exact: [String(id)] } }));
    case 'descendants': case 'descendents':
      if (action === 'descendents') call.res.setHeader('Warning', '299 - "descendents/ is deprecated; use descendants/"');
      return send(call, 200, await sendList(call, r, descendants, { ordering: ['prefixLength', 'id'] }));
    case 'subnets': {
      const f: Filter = flag(call, 'direct', false) ? { parent: { exact: [String(id)] } } : { ...descendants };
      const ips = flag(call, 'include_ips', true), nets = flag(call, 'include_networks', true);
      if (!ips && !nets) return send(call, 200, []);
      if (!ips || !nets) f.isIp = { exact: ips };
      return send(call, 200, await sendList(call, r, f));
    }
    case 'siblings': {
      const f: Filter = { ...site, parent: net.parent ? { exact: [String(net.parent.id)] } : { empty: true }, ipVersion: { exact: [net.cidr.includes(':') ? '6' : '4'] } };
      if (!flag(call, 'include_self', false)) Object.assign(f, notSelf);
      return send(call, 200, await sendList(call, r, f));
    }
    case 'assignments':
      return send(call, 200, await assignments(call, { address: { exact: [String(id)] } }));
    case 'next_network': case 'next_address':
      return nextFree(call, r, net, action);
  }
  throw notFound();
}

/** Assignment rows (NSoT's to_dict: id, device, hostname, interface, interface_name, address). */
async function assignments(call: Call, filter: Filter): Promise<unknown> {
  const rows = await fetchAll(call, ASSIGNMENTS, filter, '{ id interface { id name device { id hostname } } address { cidr } }');
  return rows.map((a) => ({
    id: Number(a.id), device: Number(a.interface.device.id), hostname: a.interface.device.hostname,
    interface: Number(a.interface.id), interface_name: a.interface.name, address: a.address.cidr,
  }));
}

const ASSIGNMENTS = { key: 'assignments', label: 'Assignment', d: { name: 'Assignment', plural: 'Assignments' }, create: [], update: [] } as unknown as Resource;

/**
 * Free subnets of the requested length, in address order. A candidate is taken
 * when it does not hold an existing network and is not inside a busy (assigned
 * or reserved) one; strict_allocation also refuses anything inside an existing child.
 */
async function nextFree(call: Call, r: Resource, net: Item, action: 'next_network' | 'next_address'): Promise<void> {
  const parent = parseCidr(net.cidr)!;
  const len = action === 'next_address' ? parent.bits : intParam(call, 'prefix_length', null);
  if (len === null) throw badRequest({ prefix_length: 'Type: prefix_length is required.' });
  if (len < parent.len || len > parent.bits) throw badRequest({ prefix_length: `Invalid prefix_length: ${len}` });
  const num = intParam(call, 'num', 1)!;
  const strict = flag(call, 'strict_allocation', false);
  const below = (await fetchAll(call, r, { site: { exact: [String(net.site.id)] }, cidr: { within: net.cidr }, id: { n: [Number(net.id)] } }, '{ cidr state }'))
    .map((x) => ({ c: parseCidr(x.cidr)!, busy: BUSY_STATES.includes(x.state) }));
  const skipEdges = action === 'next_address' && parent.version === 4 && parent.len < 31;
  const isFree = (c: Cidr): boolean => {
    if (skipEdges && (c.addr === parent.addr || c.addr === lastAddr(parent))) return false; // network and broadcast
    return !below.some((b) => (strict ? overlaps(b.c, c) : contains(c, b.c) || (b.busy && contains(b.c, c))));
  };
  const found = freeSubnets(parent, len, Math.min(num, 1024), isFree);
  const cidrs = found.map(cidrText);
  if (call.req.method !== 'POST') return send(call, 200, cidrs);
  await writable(call);
  const state = flag(call, 'reserve', false) ? 'reserved' : 'allocated';
  const shape = shapeFor(r, projectionFrom(call.params));
  const doc = documentFor('createMany', r.d, shape.selection);
  const data = await run(call, doc.text, { inputs: cidrs.map((cidr) => ({ cidr, state, siteId: String(net.site.id) })) }, r);
  send(call, 201, (data[doc.root] as unknown as Item[]).map(shape.render));
}

/** closest_parent/ works for a CIDR that need not exist. */
export async function closestParent(call: Call, r: Resource, key: string): Promise<void> {
  const c = parseCidr(key);
  if (!c) throw badRequest({ cidr: `Invalid CIDR: ${key}` });
  const minLen = intParam(call, 'prefix_length', 0)!;
  const f = scoped(call, r, { cidr: { contains: cidrText(c) }, prefixLength: { lt: c.len, gte: minLen }, ipVersion: { exact: [String(c.version)] } });
  const hit = await fetchItems(call, r, f, '{ id }', 1, ['-prefixLength']);
  if (!hit.length) throw new NsotError(404, `No such Network found matching closest parent of ${cidrText(c)}`);
  return sendOne(call, r, Number(hit[0].id));
}

async function interfaceActions(call: Call, r: Resource, id: number, action: string): Promise<void> {
  const nets = resource('networks')!;
  switch (action) {
    case 'addresses': case 'networks': {
      const rows = await fetchAll(call, ASSIGNMENTS, { interface: { exact: [String(id)] } }, '{ address { id parent { id } } }');
      const ids = rows.map((a) => Number(action === 'addresses' ? a.address.id : a.address.parent?.id)).filter((x) => x > 0);
      return send(call, 200, await sendList(call, nets, { id: { exact: [...new Set(ids)] } }));
    }
    case 'assignments': return send(call, 200, await assignments(call, { interface: { exact: [String(id)] } }));
    case 'parent': {
      const me = await fetchOne(call, r, id, '{ parent { id } }');
      if (!me.parent) throw new NsotError(404, 'Interface has no parent.');
      return sendOne(call, r, Number(me.parent.id));
    }
    case 'children': return send(call, 200, await sendList(call, r, { parent: { exact: [String(id)] } }));
    case 'circuit': {
      const circuits = resource('circuits')!;
      for (const end of ['endpointA', 'endpointZ']) {
        const hit = await fetchItems(call, circuits, { [end]: { exact: [String(id)] } }, '{ id }', 1);
        if (hit.length) return sendOne(call, circuits, Number(hit[0].id));
      }
      throw new NsotError(404, 'No circuit found on this interface.');
    }
  }
  throw notFound();
}

async function deviceActions(call: Call, id: number, action: string): Promise<void> {
  const ifaces = resource('interfaces')!;
  if (action === 'interfaces') return send(call, 200, await sendList(call, ifaces, { device: { exact: [String(id)] } }));
  if (action === 'circuits') {
    const mine = (await fetchAll(call, ifaces, { device: { exact: [String(id)] } }, '{ id }')).map((x) => String(x.id));
    const circuits = resource('circuits')!;
    const a = await fetchAll(call, circuits, { endpointA: { exact: mine } }, '{ id }');
    const z = await fetchAll(call, circuits, { endpointZ: { exact: mine } }, '{ id }');
    return send(call, 200, await sendList(call, circuits, { id: { exact: [...new Set([...a, ...z].map((x) => Number(x.id)))] } }));
  }
  throw notFound();
}

async function circuitActions(call: Call, r: Resource, id: number, action: string): Promise<void> {
  const c = await fetchOne(call, r, id, '{ endpointA { id device { id } } endpointZ { id device { id } } }');
  const ends = [c.endpointA, c.endpointZ].filter(Boolean);
  if (action === 'interfaces') return send(call, 200, await sendList(call, resource('interfaces')!, { id: { exact: ends.map((e) => Number(e.id)) } }));
  if (action === 'devices') return send(call, 200, await sendList(call, resource('devices')!, { id: { exact: ends.map((e) => Number(e.device.id)) } }));
  if (action === 'addresses') {
    const rows = await fetchAll(call, ASSIGNMENTS, { interface: { exact: ends.map((e) => String(e.id)) } }, '{ address { id } }');
    return send(call, 200, await sendList(call, resource('networks')!, { id: { exact: rows.map((a) => Number(a.address.id)) } }));
  }
  throw notFound();
}

export const DETAIL_ACTIONS: Record<string, string[]> = {
  networks: ['parent', 'root', 'ancestors', 'children', 'descendants', 'descendents', 'siblings', 'subnets', 'supernets', 'closest_parent', 'assignments', 'next_network', 'next_address'],
  interfaces: ['addresses', 'assignments', 'networks', 'parent', 'children', 'circuit'],
  devices: ['interfaces', 'circuits'],
  circuits: ['addresses', 'devices', 'interfaces'],
};

export async function detailAction(call: Call, r: Resource, key: string, action: string): Promise<void> {
  const method = call.req.method;
  const post = ['next_network', 'next_address'].includes(action);
  if (method !== 'GET' && method !== 'HEAD' && !(post && method === 'POST')) throw new NsotError(405, `Method "${method}" not allowed.`);
  if (r.key === 'networks' && action === 'closest_parent') return closestParent(call, r, key);
  await call.ctx();
  const id = await lookupId(call, r, key);
  if (r.key === 'networks') return networkTree(call, r, id, action);
  if (r.key === 'interfaces') return interfaceActions(call, r, id, action);
  if (r.key === 'devices') return deviceActions(call, id, action);
  if (r.key === 'circuits') return circuitActions(call, r, id, action);
  throw notFound();
}

