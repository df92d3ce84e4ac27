// Keeps the inventory consistent inside every write transaction, whatever the
// caller (GraphQL, a REST dialect, a script): attribute dicts are validated
// against their site's definitions before the flush; afterwards the value table,
// the network tree and interface address assignments are rebuilt in SQL.
import { ChangeSetType, type AnyEntity, type EntityManager, type EventSubscriber, type FlushEventArgs } from '@mikro-orm/core';
import { ValidationError } from '../errors';
import { checkAttributes, valueRows, type AttributeDef } from './attribute-rules';
import { checkConstraints } from './attribute';
import { parseCidr, cidrText } from './cidr';
import { sqlConnection } from '../../db/context';

const RESOURCES = new Set(['Device', 'Network', 'Interface', 'Circuit']);

interface Pending {
  values: { resource: string; entity: AnyEntity; defs: Map<string, AttributeDef> }[];
  removed: { resource: string; id: number }[];
  networks: AnyEntity[];
  interfaces: AnyEntity[];
}

const pendingByEm = new WeakMap<EntityManager, Pending>();

async function sql(em: EntityManager, text: string, params: unknown[] = []): Promise<any[]> {
  return sqlConnection(em).execute(text, params as any[], 'all', em.getTransactionContext(), em.getLoggerContext());
}

const marks = (n: number) => Array(n).fill('?').join(', ');
const idOf = (ref: unknown): number | null => (ref && typeof ref === 'object' ? ((ref as AnyEntity).id ?? null) : null);

/** Definitions of every (site, resource type) the flush touches, in one query. */
async function loadDefs(em: EntityManager, siteIds: number[]): Promise<Map<string, Map<string, AttributeDef>>> {
  const out = new Map<string, Map<string, AttributeDef>>();
  if (!siteIds.length) return out;
  const rows = await sql(em, `select id, site_id, name, resource_name, required, multi, constraints from inventory_attribute where site_id in (${marks(siteIds.length)})`, siteIds);
  for (const r of rows) {
    const key = `${r.site_id}|${r.resource_name}`;
    const constraints = checkConstraints(typeof r.constraints === 'string' ? JSON.parse(r.constraints) : r.constraints).value;
    (out.get(key) ?? out.set(key, new Map()).get(key)!).set(r.name, { id: r.id, name: r.name, required: r.required, multi: r.multi, constraints });
  }
  return out;
}

export class InventorySubscriber implements EventSubscriber {
  /** The models whose writes must pass through this subscriber's flush (src/db/direct-insert reads it). */
  getSubscribedEntities(): string[] {
    return [...RESOURCES];
  }

  async onFlush(args: FlushEventArgs): Promise<void> {
    const p: Pending = { values: [], removed: [], networks: [], interfaces: [] };
    const toCheck: { resource: string; entity: AnyEntity; site: number | null }[] = [];
    for (const cs of args.uow.getChangeSets()) {
      const resource = cs.meta.className;
      if (!RESOURCES.has(resource)) continue;
      if (cs.type === ChangeSetType.DELETE) { p.removed.push({ resource, id: cs.entity.id }); continue; }
      const created = cs.type === ChangeSetType.CREATE;
      // Constraint changes are not retroactive: objects are checked when their attributes are written.
      if (created || 'attributes' in cs.payload) toCheck.push({ resource, entity: cs.entity, site: idOf(cs.entity.site) });
      if (resource === 'Network' && created) p.networks.push(cs.entity);
      if (resource === 'Interface' && (created || 'addresses' in cs.payload)) p.interfaces.push(cs.entity);
    }
    if (toCheck.length) {
      const defs = await loadDefs(args.em, [...new Set(toCheck.map((c) => c.site).filter((s): s is number => s !== null))]);
      for (const c of toCheck) {
        const d = defs.get(`${c.site}|${c.resource}`) ?? new Map<string, AttributeDef>();
        const errors = checkAttributes(c.entity.attributes, d);
        if (Object.keys(errors).length) throw new ValidationError(errors);
        p.values.push({ resource: c.resource, entity: c.entity, defs: d });
      }
    }
    if (p.values.length || p.removed.length || p.networks.length || p.interfaces.length) pendingByEm.set(args.em, p);
  }

  async afterFlush(args: FlushEventArgs): Promise<void> {
    const p = pendingByEm.get(args.em);
    if (!p) return;
    pendingByEm.delete(args.em);
    const em = args.em;
    await this.syncValues(em, p);
    for (const n of p.networks) await reparent(em, idOf(n.site)!, n.cidr);
    await requireBaseNetworks(em, p.networks.filter((n) => n.isIp).map((n) => n.id), 'cidr');
    for (const i of p.interfaces) await syncAddresses(em, i);
  }

  private async syncValues(em: EntityManager, p: Pending): Promise<void> {
    const clear = [...p.removed, ...p.values.map((v) => ({ resource: v.resource, id: v.entity.id as number }))];
    for (const resource of new Set(clear.map((c) => c.resource))) {
      const ids = clear.filter((c) => c.resource === resource).map((c) => c.id);
      await sql(em, `delete from inventory_value where resource_name = ? and resource_id in (${marks(ids.length)})`, [resource, ...ids]);
    }
    const rows: unknown[][] = [];
    for (const v of p.values) {
      for (const [name, value] of valueRows(v.entity.attributes)) rows.push([v.defs.get(name)!.id, name, value, v.resource, v.entity.id]);
    }
    // Chunked: PostgreSQL allows 65535 bind parameters per statement.
    for (let i = 0; i < rows.length; i += 10_000) {
      const chunk = rows.slice(i, i + 10_000);
      await sql(em, `insert into inventory_value (attribute_id, name, value, resource_name, resource_id) values ${chunk.map(() => '(?, ?, ?, ?, ?)').join(', ')}`, chunk.flat());
    }
  }
}

/** Sets the parent of `cidr` and of everything inside it to the closest containing network of the site. */
export async function reparent(em: EntityManager, siteId: number, cidr: string): Promise<void> {
  await sql(em, `update inventory_network n set parent_id = (
      select p.id from inventory_network p where p.site_id = n.site_id and p.cidr >> n.cidr order by masklen(p.cidr) desc limit 1)
    where n.site_id = ? and n.cidr <<= ?::cidr`, [siteId, cidr]);
}

/** NSoT: an address (a /32 or /128) must sit inside a network of its site. */
async function requireBaseNetworks(em: EntityManager, ids: number[], field: string): Promise<void> {
  if (!ids.length) return;
  const orphans = await sql(em, `select cidr from inventory_network where id in (${marks(ids.length)}) and is_ip and parent_id is null`, ids);
  if (orphans.length) throw new ValidationError({ [field]: ['IP Address needs base network.'] });
}

/** Assigns an interface's addresses: creates missing host networks (state assigned), then the assignment rows. */
async function syncAddresses(em: EntityManager, iface: AnyEntity): Promise<void> {
  const site = idOf(iface.site);
  const addresses = ((iface.addresses ?? []) as string[]).map((a) => parseCidr(a)).filter((c) => c !== null);
  await sql(em, 'delete from inventory_assignment where interface_id = ?', [iface.id]);
  if (!addresses.length || site === null) {
    await sql(em, `update inventory_interface set networks = '[]' where id = ?`, [iface.id]);
    return;
  }
  const texts = addresses.map(cidrText);
  const created = await sql(em, `insert into inventory_network (site_id, cidr, network_address, prefix_length, ip_version, is_ip, state, attributes)
    values ${addresses.map(() => '(?, ?::cidr, ?, ?, ?, true, \'assigned\', \'{}\')').join(', ')}
    on conflict do nothing returning id, cidr`,
  addresses.flatMap((c) => [site, cidrText(c), cidrText(c).split('/')[0], c.len, String(c.version)]));
  for (const r of created) await reparent(em, site, String(r.cidr));
  await requireBaseNetworks(em, created.map((r) => r.id), 'addresses');
  await sql(em, `insert into inventory_assignment (interface_id, address_id)
    select ?, id from inventory_network where site_id = ? and cidr in (${texts.map(() => '?::cidr').join(', ')})`, [iface.id, site, ...texts]);
  await sql(em, `update inventory_interface i set networks = coalesce((select jsonb_agg(distinct p.cidr::text) from inventory_assignment a
      join inventory_network n on n.id = a.address_id join inventory_network p on p.id = n.parent_id where a.interface_id = i.id), '[]'::jsonb)
    where i.id = ?`, [iface.id]);
}
