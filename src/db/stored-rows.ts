// Stored objects read for an update or a delete that skips the unit of work (./direct-writes), as
// plain rows (src/domain/new-rows): one statement per write, with the many-to-many id lists as
// JSON subqueries, where em.find built a query (and a second per list) through the query builder
// and tracked every object it hydrated. A row reads as the entity would: foreign keys are
// references of the request's entity manager, lists are NewLists. What the row held when read is
// kept beside it (storedOf), for what changed and the change record's "before".
import { JsonType, ReferenceKind, type AnyEntity, type EntityManager, type EntityMetadata, type EntityProperty } from '@mikro-orm/core';
import type { ModelDescriptor } from '../domain/model';
import { NewList, rowPrototype } from '../domain/new-rows';
import { toSql, type RowCondition } from '../domain/access';
import { execute, idsIn, quote, rowProperties, tableOf } from './json-rows';

/** A many-to-many item as read: its id, and for tags their name (the change log records tags by name). */
export interface ListItem { id: number; name?: string }

/** What a row held when it was read: property values (foreign keys as ids) and list items. */
export interface Stored { values: Record<string, unknown>; lists: Record<string, ListItem[]> }

const stored = new WeakMap<AnyEntity, Stored>();

/** What `row` held when it was read here; undefined for anything else. */
export function storedOf(row: AnyEntity): Stored | undefined {
  return stored.get(row);
}

/** Which lists a write reads: all of them (an update sets any), or the tags alone (a delete records only those, as the ORM's path did). */
export type Lists = 'all' | 'tags';

interface Shape { meta: EntityMetadata; props: EntityProperty[]; lists: EntityProperty[]; select: string }

const shapes = new Map<string, Shape>();

/** The statement's fixed part for a model and a set of lists (the scope and lock are added per call). */
function shapeOf(em: EntityManager, d: ModelDescriptor, lists: Lists): Shape {
  const key = `${d.cls.name}\u0001${lists}`;
  let shape = shapes.get(key);
  if (shape) return shape;
  const meta = em.getMetadata().find(d.cls.name)!;
  // Heavy read-only columns (an AS's prefix lists) are never written through here, nor recorded.
  const props = rowProperties(meta).filter((p) => !(d.field(p.name)?.heavy && d.field(p.name)?.readOnly));
  const listProps = Object.values(meta.props).filter((p) => p.kind === ReferenceKind.MANY_TO_MANY && p.owner && (lists === 'all' || p.name === 'tags'));
  const columns = ['t."id"', ...props.map((p) => `t.${quote(p.fieldNames[0])}`), ...listProps.map((p) => `${listSql(p)} as ${quote(`list:${p.name}`)}`)];
  shape = { meta, props, lists: listProps, select: `select ${columns.join(', ')} from ${tableOf(meta)} t` };
  shapes.set(key, shape);
  return shape;
}

/** A row's list of a many-to-many relation as a JSON array: ids, or {id, name} for tags. */
function listSql(p: EntityProperty): string {
  const [owner, target] = [quote(p.joinColumns[0]), quote(p.inverseJoinColumns[0])];
  const pivot = quote(p.pivotTable);
  if (p.name !== 'tags') return `(select coalesce(json_agg(p.${target}), '[]') from ${pivot} p where p.${owner} = t."id")`;
  const tags = tableOf(p.targetMeta!);
  return `(select coalesce(json_agg(json_build_object('id', x."id", 'name', x."name")), '[]') from ${pivot} p join ${tags} x on x."id" = p.${target} where p.${owner} = t."id")`;
}

/**
 * Rows `ids` of `d` within the row conditions `scope`, in id order; when `lock` (an update that
 * merges into stored values), rows `ids` are locked until the transaction ends before they are read.
 */
export async function readStoredRows(em: EntityManager, d: ModelDescriptor, ids: number[], scope: RowCondition[], lists: Lists, lock: boolean): Promise<AnyEntity[]> {
  if (!ids.length) return [];
  const shape = shapeOf(em, d, lists);
  const { meta } = shape;
  const limit = toSql(scope, 't', (field) => quote(meta.properties[field].fieldNames[0]));
  const wanted = idsIn('t."id"', ids);
  // Locked by a statement of its own: a later statement reads what a merge it waited for committed,
  // lists included (a locking read's list subqueries would still see its own start).
  if (lock) await execute(em, `select 1 from ${tableOf(meta)} t where ${wanted.sql} for update`, [wanted.param]);
  const sql = `${shape.select} where ${wanted.sql}${limit.sql.map((c) => ` and ${c}`).join('')} order by t."id"`;
  const raw = await execute(em, sql, [wanted.param, ...limit.args]);
  const comparator = em.getComparator();
  const platform = em.getPlatform();
  const proto = rowPrototype(d);
  return raw.map((r) => {
    const data = comparator.mapResult(meta.className, r) as Record<string, unknown>;
    const row = Object.create(proto) as AnyEntity;
    const values: Record<string, unknown> = {};
    row.id = Number(r.id);
    for (const p of shape.props) {
      let v = data[p.name];
      if (v === undefined) v = null;
      if (v !== null && p.kind === ReferenceKind.SCALAR && p.customType && !(p.customType instanceof JsonType)) v = p.customType.convertToJSValue(v, platform);
      values[p.name] = v;
      row[p.name] = v !== null && p.kind !== ReferenceKind.SCALAR ? em.getReference(p.type, v as number) : v;
    }
    const items: Record<string, ListItem[]> = {};
    for (const p of shape.lists) {
      const list = parsedList(r[`list:${p.name}`]);
      items[p.name] = list;
      const held = new NewList<ListItem>();
      held.set(list);
      held.snapshot = list;
      row[p.name] = held;
    }
    stored.set(row, { values, lists: items });
    return row;
  });
}

function parsedList(v: unknown): ListItem[] {
  const list = (typeof v === 'string' ? JSON.parse(v) : v ?? []) as ListItem[];
  return list.map((x) => (typeof x === 'object' ? { id: Number(x.id), name: x.name } : { id: Number(x) }));
}
