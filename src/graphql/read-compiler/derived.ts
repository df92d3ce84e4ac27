// Derived values (`display`, computed fields) stay declared once on the model as functions over
// the row; the compiled statement brings each object's row, and the related rows those functions
// load, so they run after the statement without another query. Which relations a function loads is
// found once per function by running it over stand-in rows that record every `load` (a relation
// reached only on some branch is still found: every stand-in is present, so every branch that
// needs a related row takes it). The stand-ins also record the fields read of each related row,
// and the statement brings only those (an IX session's display read whole AS, connection, IX and
// router rows for an ASN and two names: a 25-session page's rows were 62 KB of JSON, now 30). A field read
// only on a branch the stand-ins did not take is caught where it is read (RowTooNarrow): from
// then on related rows are whole, and the read runs again.
import { describe, type ModelDescriptor, type RelationLoader } from '../../domain/model';
import { Unsupported, type ObjectPlan } from './plan';
import { fieldsRead } from './fields-read';

/**
 * Foreign keys a derived function loads, nested as it follows them (a connection's IXP), and of
 * each related row the fields read (`read`; none: the whole row).
 */
export interface Loads extends Map<string, Loads> { read?: Set<string> }

/** Whether related rows carry only the fields their traces read; off for good after a read outside them. */
let narrow = true;
export const narrowRelatedRows = (): boolean => narrow;

/** A derived function read a field its related row did not bring: the read runs again with whole rows. */
export class RowTooNarrow extends Error {}

/** Runs a compiled read; when its related rows were too narrow, again (they are whole from then on). */
export async function wholeRowsOnMiss<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (!(e instanceof RowTooNarrow)) throw e;
    return read();
  }
}

const newLoads = (read?: Set<string>): Loads => Object.assign(new Map<string, Loads>(), read ? { read } : {});

const traces = new Map<Function, Promise<Loads | null>>();

async function trace(d: ModelDescriptor, fn: (o: any, load: RelationLoader) => unknown): Promise<Loads | null> {
  const nodes = new WeakMap<object, { d: ModelDescriptor; loads: Loads }>();
  const standIn = (m: ModelDescriptor, loads: Loads) => {
    const p = new Proxy({}, { get: (_, key) => { if (typeof key === 'string') loads.read!.add(key); return undefined; } });
    nodes.set(p, { d: m, loads });
    return p;
  };
  const root = newLoads(new Set());
  const load: RelationLoader = async (obj, field) => {
    const n = nodes.get(obj);
    const f = n?.d.field(field);
    if (!n || f?.kind !== 'fk') throw new Unsupported(`load of ${field}`);
    const sub = n.loads.get(field) ?? newLoads(new Set());
    n.loads.set(field, sub);
    return standIn(describe(f.target!()), sub) as any;
  };
  try {
    await fn(standIn(d, root), load);
    return root;
  } catch {
    return null; // the function needs more than rows and relations: not compiled
  }
}

function derivedFn(d: ModelDescriptor, name: string): (o: any, load: RelationLoader) => unknown {
  return name === 'display' ? d.display : d.computed![name].resolve;
}

/** The relations the derived fields of `plan` load, merged; Unsupported when one cannot be traced. */
export async function loadsOf(plan: ObjectPlan): Promise<Loads> {
  const merged = newLoads();
  for (const { name } of plan.derived) {
    const fn = derivedFn(plan.model, name);
    let t = traces.get(fn);
    if (!t) traces.set(fn, (t = trace(plan.model, fn)));
    const loads = await t;
    if (!loads) throw new Unsupported(`${plan.model.name}.${name} cannot be traced`);
    merge(merged, loads);
  }
  return merged;
}

/** `from` merged into `into`; the fields read of a related row (not the root's: ./fields-read.ts tells those) while rows are narrow. */
function merge(into: Loads, from: Loads): void {
  for (const [k, v] of from) {
    if (!into.has(k)) into.set(k, newLoads(narrow ? new Set() : undefined));
    const sub = into.get(k)!;
    for (const f of sub.read && v.read ? v.read : []) sub.read!.add(f);
    merge(sub, v);
  }
}

/** The key holding an object's row for its derived fields. */
export const ROW_KEY = '__row';

/** Whether a field is in the row derived functions read (columns but heavy and secret ones, foreign keys). */
export const inRow = (f: ModelDescriptor['fields'][number]): boolean => !f.heavy && !f.secret && !f.writeOnly && f.kind !== 'm2m';

const readByPlan = new WeakMap<ObjectPlan, ReadonlySet<string> | null>();

/** The row fields the derived functions of `plan` can read (./fields-read.ts); null: any of them. */
export function rowFieldsRead(plan: ObjectPlan): ReadonlySet<string> | null {
  if (readByPlan.has(plan)) return readByPlan.get(plan)!;
  let all: Set<string> | null = new Set();
  for (const { name } of plan.derived) {
    const fields = fieldsRead(derivedFn(plan.model, name));
    if (!fields) { all = null; break; }
    for (const f of fields) all.add(f);
  }
  readByPlan.set(plan, all);
  return all;
}

/** Whether the row of `plan`'s derived functions holds the field `name`. */
export const rowReads = (plan: ObjectPlan, name: string): boolean => rowFieldsRead(plan)?.has(name) ?? true;

const shared = new WeakMap<ObjectPlan, string[]>();

/**
 * Row fields the object already holds as selected columns: the statement leaves them out of the
 * row (a full representation would otherwise build, send and parse every column twice) and
 * derive()'s row view reads them from the object (those the derived functions can read).
 */
export function sharedColumns(plan: ObjectPlan): string[] {
  let names = shared.get(plan);
  if (!names) shared.set(plan, (names = plan.columns.filter((c) => !c.hidden && c.field.kind !== 'fk' && inRow(c.field) && rowReads(plan, c.field.name)).map((c) => c.field.name)));
  return names;
}

const datetimesOf = new WeakMap<ModelDescriptor, string[]>();
const datetimes = (d: ModelDescriptor): string[] => {
  let names = datetimesOf.get(d);
  if (!names) datetimesOf.set(d, (names = d.fields.filter((f) => f.kind === 'datetime').map((f) => f.name)));
  return names;
};

const ownColumnsOnly = new WeakMap<ObjectPlan, boolean>();

/**
 * Whether the derived functions of `plan` read nothing but columns the object holds, none a
 * date-time (a tag's or an AS's display): the object is then their row as it is, read without a
 * view (a proxy per object and a trap per read cost more than the display itself).
 */
function readsOwnColumnsOnly(plan: ObjectPlan): boolean {
  let only = ownColumnsOnly.get(plan);
  if (only === undefined) {
    const read = rowFieldsRead(plan);
    const own = new Set(sharedColumns(plan));
    const dates = new Set(datetimes(plan.model));
    ownColumnsOnly.set(plan, (only = !!read && [...read].every((f) => own.has(f) && !dates.has(f))));
  }
  return only;
}

/** What a row view reads: the statement's row, the object's own columns, what was already converted. */
interface RowSource { raw: Record<string, any> | null; obj: Record<string, any> | null; memo: Map<string, unknown> | null }

const wholeRows = new WeakMap<ModelDescriptor, ReadonlySet<string>>();
/** What a whole row holds (./statement.ts rowPairs): where a narrow row's missing field would be. */
function wholeRowFields(d: ModelDescriptor): ReadonlySet<string> {
  let names = wholeRows.get(d);
  if (!names) wholeRows.set(d, (names = new Set(d.fields.filter(inRow).map((f) => f.name))));
  return names;
}

/**
 * A derived function's view of one object: the statement's row, and for the columns the object
 * selects itself (`shared`, ./statement.ts leaves them out of the row) the object's values, read
 * through without being copied; a date-time becomes a Date, a loaded relation its own row view,
 * when a function reads it (most read a name or two of all the row's fields). A related row
 * brought narrow (`loads.read`) counts a read of a field it lacks in `misses`.
 */
function rowViews(d: ModelDescriptor, loads: Loads, shared: ReadonlySet<string>, misses: { n: number }, root = true): (raw: Record<string, any> | null, obj: Record<string, any> | null) => Record<string, any> {
  const dates = new Set(datetimes(d));
  const related = new Map([...loads].map(([k, sub]) => [k, rowViews(describe(d.field(k)!.target!()), sub, new Set(), misses, false)]));
  const whole = !root && loads.read ? wholeRowFields(d) : null;
  const handler: ProxyHandler<RowSource> = {
    get(t, key) {
      if (typeof key !== 'string') return undefined;
      if (t.memo?.has(key)) return t.memo.get(key);
      let v = t.raw?.[key];
      if (v === undefined && shared.has(key)) v = t.obj![key];
      if (whole && v === undefined && whole.has(key) && !(t.raw && key in t.raw)) misses.n += 1;
      const view = related.get(key);
      if (view) v = v ? view(v, null) : v;
      else if (dates.has(key) && typeof v === 'string') v = new Date(v);
      else return v;
      (t.memo ??= new Map()).set(key, v);
      return v;
    },
  };
  return (raw, obj) => new Proxy<RowSource>({ raw, obj, memo: null }, handler) as unknown as Record<string, any>;
}

const loadFromRow: RelationLoader = async (obj, field) => (obj?.[field] ?? null);

/**
 * Sets the derived fields of the objects of `plan` (and of the objects nested in them), from
 * their rows; `loads` are the relations each plan's row carries (computed by the statement builder).
 */
export async function derive(plan: ObjectPlan, objects: Record<string, any>[], loadsByPlan: Map<ObjectPlan, Loads>): Promise<void> {
  const misses = { n: 0 };
  const tooNarrow = () => {
    narrow = false;
    return new RowTooNarrow(`a derived value of ${plan.model.name} read a field its related row did not bring`);
  };
  try {
    await deriveTree(plan, objects, loadsByPlan, misses);
  } catch (e) {
    throw misses.n ? tooNarrow() : e;
  }
  // A value computed from a missing field is wrong even when nothing threw.
  if (misses.n) throw tooNarrow();
}

async function deriveTree(plan: ObjectPlan, objects: Record<string, any>[], loadsByPlan: Map<ObjectPlan, Loads>, misses: { n: number }): Promise<void> {
  const work: Promise<void>[] = [];
  if (plan.derived.length) {
    const d = plan.model;
    const view = readsOwnColumnsOnly(plan) ? null : rowViews(d, loadsByPlan.get(plan)!, new Set(sharedColumns(plan)), misses);
    const fns = plan.derived.map(({ key, name }) => ({ key, fn: derivedFn(d, name), display: name === 'display' }));
    for (const obj of objects) {
      // No row at all when the functions read nothing but what the object holds (statement.ts).
      const row = view ? view(obj[ROW_KEY] ?? null, obj) : obj;
      delete obj[ROW_KEY];
      for (const { key, fn, display } of fns) {
        // Most are plain functions (a display of the name): no promise per object for those. A
        // throw joins the others' outcome (Promise.all below), as an async function's would.
        try {
          const v = fn(row, loadFromRow);
          if (v instanceof Promise) work.push(v.then((x) => { obj[key] = display ? String(x) : x; }));
          else obj[key] = display ? String(v) : v;
        } catch (e) {
          work.push(Promise.reject(e));
        }
      }
    }
  }
  // A field whose arguments were refused, or whose preparation failed, carries its error.
  for (const { key, error } of [...plan.failed, ...plan.declaredLists.filter((l) => l.error) as { key: string; error: Error }[]]) {
    for (const obj of objects) obj[key] = error;
  }
  for (const l of plan.declaredLists) {
    if (l.field.refused && !l.error) for (const obj of objects) if (obj[l.key] === null) obj[l.key] = l.field.refused.error();
  }
  for (const fk of plan.fks) {
    if (needsDerive(fk.plan)) work.push(deriveTree(fk.plan, objects.map((o) => o[fk.key]).filter(Boolean), loadsByPlan, misses));
  }
  for (const l of [...plan.lists, ...plan.declaredLists]) {
    if (needsDerive(l.plan)) work.push(deriveTree(l.plan, objects.flatMap((o) => (Array.isArray(o[l.key]) ? o[l.key] : [])), loadsByPlan, misses));
  }
  await Promise.all(work);
}

/** Whether objects of `plan` (or nested in them) need work after the statement: derived values, errors. */
export function needsDerive(plan: ObjectPlan): boolean {
  return plan.derived.length > 0 || plan.failed.length > 0 || plan.declaredLists.some((l) => l.error || l.field.refused || needsDerive(l.plan))
    || plan.fks.some((f) => needsDerive(f.plan)) || plan.lists.some((l) => needsDerive(l.plan));
}
