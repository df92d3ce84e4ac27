// Lists inside an object (a router's sessions, an object's tags): which exist, and how a page of
// owners reads them. Each list takes the filter, ordering and limit of its model's root list and
// is read within the caller's scope of that model, in ONE statement for all owners: rows are
// ranked per owner (row_number() over the owner) so `limit` holds per owner, not per page.
import type { AnyEntity, EntityManager, EntityMetadata, EntityProperty } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { allModels, describe, type FieldMeta, type ModelDescriptor } from './model';
import { orderBy, withScope, type ListArgs, type Paging } from './crud';
import { filterToWhere } from './filters';
import { ValidationError } from './errors';

/** A list field of `owner` whose items are rows of `child`. */
export interface NestedList {
  /** The GraphQL field name on the owner. */
  name: string;
  owner: ModelDescriptor;
  child: ModelDescriptor;
  /** m2m: the owner's many-to-many field; reverse: the child's foreign key to the owner. */
  via: 'm2m' | 'reverse';
  field: FieldMeta;
}

/** The most rows per owner a nested list reads when MAX_PAGE_SIZE is 0 (unlimited). */
export const NESTED_LIST_CAP = 1000;

const lowerFirst = (s: string) => s.replace(/^[A-Z]+s?$|^[A-Z]+(?=[A-Z][a-z])|^[A-Z]/, (m) => m.toLowerCase());

let byOwner: Map<ModelDescriptor, NestedList[]> | null = null;

/** Every nested list of a model: its many-to-many fields, and foreign keys of other models declared with `reverse`. */
export function nestedLists(owner: ModelDescriptor): NestedList[] {
  if (!byOwner) {
    const map = new Map<ModelDescriptor, NestedList[]>();
    const add = (l: NestedList) => (map.get(l.owner) ?? map.set(l.owner, []).get(l.owner)!).push(l);
    for (const d of allModels()) {
      for (const f of d.fields) {
        if (f.kind === 'm2m' && !f.writeOnly) add({ name: f.name, owner: d, child: describe(f.target!()), via: 'm2m', field: f });
        if (f.kind === 'fk' && f.reverse) {
          add({ name: typeof f.reverse === 'string' ? f.reverse : lowerFirst(d.plural), owner: describe(f.target!()), child: d, via: 'reverse', field: f });
        }
      }
    }
    for (const [d, lists] of map) {
      const names = new Set(d.fields.map((f) => f.name).concat(Object.keys(d.computed ?? {}), 'display'));
      for (const l of lists) {
        if (l.via === 'reverse' && names.has(l.name)) throw new Error(`${d.name}.${l.name}: reverse list of ${l.child.name}.${l.field.name} clashes with a field`);
        names.add(l.name);
      }
    }
    byOwner = map;
  }
  return byOwner.get(owner) ?? [];
}

const quote = (id: string) => id.split('.').map((p) => `"${p.replace(/"/g, '""')}"`).join('.');

/** Where the (owner, child) pairs of a list live: the pivot table of a many-to-many, or the child's own table. */
function membership(em: EntityManager, list: NestedList, childMeta: EntityMetadata): { from: string; ownerCol: string } {
  const childTable = quote(childMeta.tableName);
  if (list.via === 'reverse') {
    return { from: `${childTable} c`, ownerCol: `c.${quote(childMeta.properties[list.field.name].fieldNames[0])}` };
  }
  const ownerMeta = em.getMetadata().find(list.owner.cls.name)!;
  let prop: EntityProperty = ownerMeta.properties[list.field.name];
  let [ownerCol, childCol] = [prop.joinColumns[0], prop.inverseJoinColumns[0]];
  if (!prop.owner) {
    // The inverse side: the owning side's pivot, columns the other way round.
    prop = childMeta.properties[prop.mappedBy];
    [ownerCol, childCol] = [prop.inverseJoinColumns[0], prop.joinColumns[0]];
  }
  return { from: `${quote(prop.pivotTable)} m join ${childTable} c on c."id" = m.${quote(childCol)}`, ownerCol: `m.${quote(ownerCol)}` };
}

/** The ordering of the root list as SQL on the child alias `c` (a relation path through a correlated lookup). */
function orderSql(em: EntityManager, d: ModelDescriptor, meta: EntityMetadata, ordering: string[] | null | undefined): string {
  const parts: string[] = [];
  for (const o of orderBy(d, ordering)) {
    const [key, v] = Object.entries(o)[0];
    const prop = meta.properties[key];
    if (typeof v === 'string') {
      parts.push(`c.${quote(prop.fieldNames[0])} ${v === 'desc' ? 'desc' : 'asc'}`);
    } else {
      const [sub, dir] = Object.entries(v as Record<string, string>)[0];
      const target = em.getMetadata().find(prop.type)!;
      const col = `(select t.${quote(target.properties[sub].fieldNames[0])} from ${quote(target.tableName)} t where t."id" = c.${quote(prop.fieldNames[0])})`;
      parts.push(`${col} ${dir === 'desc' ? 'desc' : 'asc'}`);
    }
  }
  return parts.join(', ');
}

/**
 * The items of `list` for each owner id: filtered, ordered and limited as the root list of the child
 * model, only rows `scope` lets the caller read. One SQL statement whatever the number of owners.
 */
export async function readNested(em: EntityManager, list: NestedList, ownerIds: number[], args: ListArgs, paging: Paging, scope: Record<string, unknown> | null): Promise<Map<number, AnyEntity[]>> {
  const out = new Map<number, AnyEntity[]>();
  const limit = nestedLimit(args.limit, paging);
  if (!ownerIds.length || limit === 0) return out;
  const sem = em as SqlEntityManager;
  const meta = em.getMetadata().find(list.child.cls.name)!;
  const { from, ownerCol } = membership(em, list, meta);
  const where = withScope(filterToWhere(list.child, args.filter ?? null), scope);
  const params: unknown[] = [...ownerIds];
  let filtered = '';
  if (Object.keys(where).length) {
    const sub = sem.createQueryBuilder(list.child.cls as any, 'f').select('f.id').where(where as any).getKnexQuery().toSQL();
    filtered = ` and c."id" in (${sub.sql})`;
    params.push(...sub.bindings);
  }
  params.push(limit);
  const sql = `select * from (select c.*, ${ownerCol} as "__owner", row_number() over (partition by ${ownerCol} order by ${orderSql(em, list.child, meta, args.ordering)}) as "__rank"`
    + ` from ${from} where ${ownerCol} in (${ownerIds.map(() => '?').join(', ')})${filtered}) r where r."__rank" <= ?::int order by r."__owner", r."__rank"`;
  // Inside the request's transaction when there is one (a write answered with its own lists).
  const rows = await sem.getConnection().execute<Record<string, unknown>[]>(sql, params, 'all', sem.getTransactionContext(), sem.getLoggerContext());
  for (const row of rows) {
    const { __owner, __rank, ...columns } = row;
    const owner = Number(__owner);
    (out.get(owner) ?? out.set(owner, []).get(owner)!).push(em.map(list.child.cls as any, columns as any) as AnyEntity);
  }
  return out;
}

/**
 * Rows per owner, as a root list pages: PAGINATE_COUNT by default, 0 for the most allowed, never
 * more than MAX_PAGE_SIZE (or NESTED_LIST_CAP when that is 0, unlimited).
 */
export function nestedLimit(limit: number | null | undefined, paging: Paging): number {
  const max = paging.maxPageSize || NESTED_LIST_CAP;
  if (limit === undefined || limit === null) return Math.min(paging.paginateCount, max);
  if (limit < 0) throw new ValidationError({ limit: ['Ensure this value is greater than or equal to 0.'] });
  return limit === 0 ? max : Math.min(limit, max);
}
