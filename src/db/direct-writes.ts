// Updates and deletes of stored rows (./stored-rows) as the ORM's flush would write them, without
// its unit of work: only the columns that changed, one UPDATE per set of changed columns from one
// JSON parameter, the pivot rows' difference, one DELETE; then the change records as the change
// log's flush subscriber writes them (./change-log), with the same before/after snapshots. A single
// write through the unit of work cost several times the gateway CPU of its SQL (change sets,
// snapshots, the identity map, knex's compilation of each statement).
import { ReferenceKind, type AnyEntity, type EntityManager, type EntityProperty } from '@mikro-orm/core';
import { isDeepStrictEqual } from 'node:util';
import type { ModelDescriptor } from '../domain/model';
import { beforeDeletes, recordChanges, type PendingChange } from './change-log';
import { snapshot } from './snapshot';
import { storedOf, type ListItem } from './stored-rows';
import { columnValue, execute, idsIn, quote, rowProperties, tableOf } from './json-rows';

interface Column { prop: EntityProperty; value: (v: unknown) => unknown }

const columnsOf = new Map<string, Column[]>();

/** The columns an update may write, each with its values as the database reads them. */
function writableColumns(em: EntityManager, d: ModelDescriptor): Column[] {
  let columns = columnsOf.get(d.cls.name);
  if (!columns) {
    const meta = em.getMetadata().find(d.cls.name)!;
    columns = rowProperties(meta).filter((p) => !(d.field(p.name)?.heavy && d.field(p.name)?.readOnly)).map((prop) => ({ prop, value: columnValue(em, prop) }));
    columnsOf.set(d.cls.name, columns);
  }
  return columns;
}

const listsOf = (em: EntityManager, d: ModelDescriptor) => Object.values(em.getMetadata().find(d.cls.name)!.props).filter((p) => p.kind === ReferenceKind.MANY_TO_MANY && p.owner);

/** A list as the relation now holds it: the items set, without repeats (a Collection is a set). */
function heldItems(row: AnyEntity, name: string): ListItem[] {
  const seen = new Set<number>();
  return (row[name].getItems(false) as ListItem[]).filter((x) => !seen.has(x.id) && !!seen.add(x.id));
}

/** What an update changed in one row. */
interface RowChange { row: AnyEntity; columns: Column[]; lists: { prop: EntityProperty; added: number[]; removed: number[] }[]; listsSet: boolean }

function changeOf(em: EntityManager, d: ModelDescriptor, row: AnyEntity): RowChange {
  const before = storedOf(row)!;
  const columns = writableColumns(em, d).filter((c) => !c.prop.onUpdate && !isDeepStrictEqual(c.value(row[c.prop.name]), c.value(before.values[c.prop.name])));
  const lists: RowChange['lists'] = [];
  let listsSet = false;
  for (const prop of listsOf(em, d)) {
    const was = before.lists[prop.name];
    const now = row[prop.name].getItems(false) as ListItem[];
    // As a Collection's set() decides: the same items in the same order leave it as it was.
    if (now.length === was.length && now.every((x, i) => x.id === was[i].id)) continue;
    listsSet = true;
    const held = heldItems(row, prop.name);
    row[prop.name].set(held);
    const nowIds = new Set(held.map((x) => x.id));
    const wasIds = new Set(was.map((x) => x.id));
    lists.push({ prop, added: [...nowIds].filter((id) => !wasIds.has(id)), removed: [...wasIds].filter((id) => !nowIds.has(id)) });
  }
  return { row, columns, lists, listsSet };
}

/**
 * Writes what the input changed in stored rows of `d` (read by ./stored-rows, changed in place) and
 * records the changes, in the caller's transaction. A row whose columns are all as stored is not
 * written and, its lists unchanged too, not recorded; timestamps set on update (`updated`) move
 * only with a column, as the ORM's flush does.
 */
export async function updateStoredRows(em: EntityManager, d: ModelDescriptor, rows: AnyEntity[]): Promise<void> {
  // An id named twice in one write is one object, written once.
  const changes = [...new Set(rows)].map((row) => changeOf(em, d, row));
  const stamped = writableColumns(em, d).filter((c) => c.prop.onUpdate);
  const pending: PendingChange[] = [];
  const listOnly: PendingChange[] = [];
  const groups = new Map<string, RowChange[]>();
  for (const change of changes) {
    const pre = snapshot(d, change.row, storedOf(change.row)!.values, true);
    if (change.columns.length) {
      for (const c of stamped) change.row[c.prop.name] = c.prop.onUpdate!(change.row, em);
      change.columns.push(...stamped);
      const key = change.columns.map((c) => c.prop.name).join(',');
      (groups.get(key) ?? groups.set(key, []).get(key)!).push(change);
      pending.push({ action: 'update', entity: change.row, model: d, pre, id: change.row.id });
    } else if (change.listsSet) {
      listOnly.push({ action: 'update', entity: change.row, model: d, pre, id: change.row.id });
    }
  }
  const table = tableOf(em.getMetadata().find(d.cls.name)!);
  for (const group of groups.values()) {
    const columns = group[0].columns;
    const set = columns.map((c) => `${quote(c.prop.fieldNames[0])} = v.${quote(c.prop.fieldNames[0])}`).join(', ');
    const json = JSON.stringify(group.map(({ row }) => {
      const r: Record<string, unknown> = { id: row.id };
      for (const c of columns) r[c.prop.fieldNames[0]] = c.value(row[c.prop.name]);
      return r;
    }));
    const wanted = idsIn('t."id"', group.map(({ row }) => row.id));
    await execute(em, `update ${table} t set ${set} from json_populate_recordset(null::${table}, ?::json) v where t."id" = v."id" and ${wanted.sql}`, [json, wanted.param]);
  }
  await writeListChanges(em, changes);
  if (d.changeLogged) await recordChanges(em, [...pending, ...listOnly]);
}

/** The pivot rows the updates removed and added, one statement per relation for each. */
async function writeListChanges(em: EntityManager, changes: RowChange[]): Promise<void> {
  const byProp = new Map<EntityProperty, { added: [number, number][]; removed: [number, number][] }>();
  for (const { row, lists } of changes) {
    for (const l of lists) {
      const pairs = byProp.get(l.prop) ?? byProp.set(l.prop, { added: [], removed: [] }).get(l.prop)!;
      for (const id of l.added) pairs.added.push([row.id, id]);
      for (const id of l.removed) pairs.removed.push([row.id, id]);
    }
  }
  for (const [prop, { added, removed }] of byProp) {
    const [owner, target] = [quote(prop.joinColumns[0]), quote(prop.inverseJoinColumns[0])];
    const pivot = quote(prop.pivotTable);
    const json = (pairs: [number, number][]) => JSON.stringify(pairs.map(([a, b]) => ({ [prop.joinColumns[0]]: a, [prop.inverseJoinColumns[0]]: b })));
    if (removed.length) await execute(em, `delete from ${pivot} p using json_populate_recordset(null::${pivot}, ?::json) v where p.${owner} = v.${owner} and p.${target} = v.${target}`, [json(removed)]);
    if (added.length) await execute(em, `insert into ${pivot} (${owner}, ${target}) select ${owner}, ${target} from json_populate_recordset(null::${pivot}, ?::json)`, [json(added)]);
  }
}

/**
 * Deletes stored rows of `d` (./stored-rows, read with their tags) in the caller's transaction: the
 * before-delete hooks while they exist, one DELETE (the database cascades and sets null as its
 * foreign keys say; those rows are not recorded, as they were not by the ORM's flush), then their
 * change records.
 */
export async function deleteStoredRows(em: EntityManager, d: ModelDescriptor, rows: AnyEntity[]): Promise<void> {
  if (!rows.length) return;
  const pending: PendingChange[] = d.changeLogged ? rows.map((row) => ({ action: 'delete', entity: row, model: d, pre: snapshot(d, row, storedOf(row)?.values, true), id: row.id })) : [];
  await beforeDeletes(em, pending);
  const wanted = idsIn('"id"', rows.map((r) => r.id));
  await execute(em, `delete from ${tableOf(em.getMetadata().find(d.cls.name)!)} where ${wanted.sql}`, [wanted.param]);
  if (pending.length) await recordChanges(em, pending);
}

/** Objects of `d` an entity manager may hold for these ids: stale once written here, they leave its identity map. */
export function forgetObjects(em: EntityManager, d: ModelDescriptor, ids: number[]): void {
  const uow = em.getUnitOfWork(false);
  for (const id of ids) {
    const held = uow.getById(d.cls.name, id);
    if (held) uow.unsetIdentity(held);
  }
}
