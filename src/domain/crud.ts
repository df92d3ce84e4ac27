// Generic reads and writes for every model, driven by its descriptor. Each write
// call is one transaction: bulk operations are all-or-none.
import { FlushMode, helper, wrap, type EntityManager, type AnyEntity, type QueryOrderMap } from '@mikro-orm/core';
import { describe, type ModelDescriptor, type FieldMeta } from './model';
import { checkValue, addError, type FieldErrors } from './validate';
import { inputNames, patchName, refFields, writableFields } from './inputs';
import { AuthError, ConflictError, NotFoundError, ValidationError } from './errors';
import { requestOf, sqlConnection } from '../db/context';
import { transaction } from '../db/transaction';
import { insertNewRows, insertsDirectly } from '../db/direct-insert';
import { deleteStoredRows, forgetObjects, updateStoredRows } from '../db/direct-writes';
import { readStoredRows, storedOf } from '../db/stored-rows';
import { takenValues } from '../db/json-rows';
import type { ObjectChange } from './extras/object-change';
import { isPromise, type Maybe } from './maybe';
import { newRows } from './new-rows';
import { ensureNotProtected } from './protection';
import { hashPasswordAsync } from './users/passwords';
import { readGrant, rowMatches, toWhere, writeGrant, NO_PERMISSION, type WriteGrant } from './access';
import type { Caller } from './users/caller';

export interface ListArgs {
  filter?: Record<string, unknown> | null;
  ordering?: string[] | null;
  limit?: number | null;
  offset?: number | null;
}

export interface Paging { paginateCount: number; maxPageSize: number }

/** Called with the change records once a write transaction has committed. */
export type Publish = (changes: ObjectChange[]) => void;

/**
 * Reads what a write answers with, by the written ids, inside its transaction (on its connection,
 * before COMMIT). Without one, the written entities are read again after COMMIT.
 */
export type Answer<T> = (tem: EntityManager, ids: number[]) => Promise<T[]>;

export function pageLimit(limit: number | null | undefined, paging: Paging): number | undefined {
  if (limit === undefined || limit === null) return paging.paginateCount;
  if (limit < 0) throw new ValidationError({ limit: ['Ensure this value is greater than or equal to 0.'] });
  if (limit === 0) return paging.maxPageSize || undefined;
  return paging.maxPageSize ? Math.min(limit, paging.maxPageSize) : limit;
}

/** `ordering` keys -> MikroORM orderBy; unknown keys are dropped as Django REST framework does. */
export function orderBy(d: ModelDescriptor, ordering: string[] | null | undefined): QueryOrderMap<any>[] {
  const keys = ordering?.length ? ordering.flatMap((o) => o.split(',')).map((o) => o.trim()).filter(Boolean) : d.ordering;
  const out: QueryOrderMap<any>[] = [];
  for (const key of keys) {
    const desc = key.startsWith('-');
    const name = desc ? key.slice(1) : key;
    const dir = desc ? 'desc' : 'asc';
    const f = d.field(name);
    // Secrets are never an ordering: the order of rows would tell their values apart.
    const path = d.orderingPaths?.[name] ?? (f && !f.secret && !f.writeOnly && !['m2m', 'json'].includes(f.kind) ? name : undefined);
    if (!path) continue;
    const [a, b] = path.split('.');
    out.push(b ? { [a]: { [b]: dir } } : { [a]: dir });
  }
  out.push({ id: 'asc' });
  return out;
}

/** Heavy fields are only read when the caller asks for them (Peering Manager #969). */
function excluded(d: ModelDescriptor, selected?: Set<string>): string[] {
  return d.fields.filter((f) => f.heavy && !selected?.has(f.name)).map((f) => f.name);
}

export async function get(em: EntityManager, d: ModelDescriptor, id: string | number, selected?: Set<string>, scope?: Record<string, unknown> | null): Promise<AnyEntity | null> {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n < 1 || n > 2147483647) return null;
  const exclude = excluded(d, selected);
  return em.findOne(d.cls as any, withScope({ id: n }, scope) as any, exclude.length ? { exclude: exclude as any } : {});
}

/** `where` within a caller's scope (null: no limit). */
export function withScope(where: Record<string, unknown>, scope: Record<string, unknown> | null | undefined): Record<string, unknown> {
  return scope ? { $and: [where, scope] } : where;
}

type Input = Record<string, any>;
type Mode = 'create' | 'replace' | 'patch';

/** Finds related objects by id or attributes, with one query per target model for the ids; only rows the caller may read. */
class RelatedResolver {
  private found = new Map<Function, Map<number, AnyEntity>>();
  constructor(private em: EntityManager, private caller: Caller) {}

  /** The target's rows this caller reads, as a condition; null when it reads none. */
  private readable(cls: Function, where: Record<string, unknown>): Record<string, unknown> | null {
    const g = readGrant(this.caller, describe(cls));
    return g.allowed ? withScope(where, toWhere(g.rows)) : null;
  }

  async preload(d: ModelDescriptor, inputs: Input[]): Promise<void> {
    const wanted = new Map<Function, Set<number>>();
    for (const f of writableFields(d)) {
      if (f.kind !== 'fk' && f.kind !== 'm2m') continue;
      const names = inputNames(f);
      const cls = f.target!();
      for (const input of inputs) {
        const v = input[names.id!];
        const vals = v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
        for (const x of vals) if (/^\d+$/.test(String(x))) (wanted.get(cls) ?? wanted.set(cls, new Set()).get(cls)!).add(Number(x));
      }
    }
    for (const [cls, ids] of wanted) {
      const where = this.readable(cls, { id: { $in: [...ids].filter((i) => i <= 2147483647) } });
      const rows = where ? await this.em.find(cls as any, where as any) : [];
      const map = this.found.get(cls) ?? new Map();
      for (const r of rows as AnyEntity[]) map.set(r.id, r);
      this.found.set(cls, map);
    }
  }

  /** From the preloaded rows: no I/O. */
  byId(f: FieldMeta, id: unknown, errors: FieldErrors): AnyEntity | null {
    const s = String(id);
    const hit = /^\d+$/.test(s) ? this.found.get(f.target!())?.get(Number(s)) : undefined;
    if (!hit) addError(errors, f.name, `Related object not found using the provided numeric ID: ${s}`);
    return hit ?? null;
  }

  async byAttributes(f: FieldMeta, attrs: Input, errors: FieldErrors): Promise<AnyEntity | null> {
    const target = describe(f.target!());
    const where: Input = {};
    const allowed = new Set(refFields(target).map((x) => x.name));
    for (const [k, v] of Object.entries(attrs ?? {})) {
      if (v === undefined) continue;
      if (k === 'id') where.id = Number(v);
      else if (allowed.has(k)) where[k] = v;
    }
    if (!Object.keys(where).length) {
      addError(errors, f.name, 'Related objects must be referenced by numeric ID or by dictionary of attributes.');
      return null;
    }
    const shown = JSON.stringify(attrs);
    const scoped = this.readable(f.target!(), where);
    const rows = scoped ? await this.em.find(f.target!() as any, scoped as any, { limit: 2 }) : [];
    if (rows.length === 0) addError(errors, f.name, `Related object not found using the provided attributes: ${shown}`);
    else if (rows.length > 1) addError(errors, f.name, `Multiple objects match the provided attributes: ${shown}`);
    return rows.length === 1 ? (rows[0] as AnyEntity) : null;
  }
}

/** A model's writable fields with their input names, and its merge-patched fields: worked out once per model, not per object. */
interface InputPlan { fields: FieldMeta[]; ids: (string | undefined)[]; refs: string[]; patched: FieldMeta[] }
const inputPlans = new WeakMap<ModelDescriptor, InputPlan>();

function inputPlan(d: ModelDescriptor): InputPlan {
  let plan = inputPlans.get(d);
  if (!plan) {
    const fields = writableFields(d);
    const names = fields.map(inputNames);
    plan = { fields, ids: names.map((n) => n.id), refs: names.map((n) => n.ref), patched: d.fields.filter((x) => x.mergePatch) };
    inputPlans.set(d, plan);
  }
  return plan;
}

/**
 * Applies an input to an entity; its field errors. A promise only when a field needs I/O (a related
 * object named by attributes, a password to hash): fields are applied in order either way.
 */
function applyInput(d: ModelDescriptor, entity: AnyEntity, input: Input, mode: Mode, related: RelatedResolver): Maybe<FieldErrors> {
  return applyFrom(0, d, inputPlan(d), entity, input, mode, related, {});
}

function applyFrom(start: number, d: ModelDescriptor, plan: InputPlan, entity: AnyEntity, input: Input, mode: Mode, related: RelatedResolver, errors: FieldErrors): Maybe<FieldErrors> {
  for (let i = start; i < plan.fields.length; i++) {
    const pending = applyField(d, plan.fields[i], plan.ids[i], plan.refs[i], entity, input, mode, related, errors);
    if (pending) return pending.then(() => applyFrom(i + 1, d, plan, entity, input, mode, related, errors));
  }
  for (const f of plan.patched) applyPatch(f, entity, input[patchName(f)], errors);
  return errors;
}

/** One field of an input onto the entity; `idName` and `refName` are its input names (inputNames). */
function applyField(d: ModelDescriptor, f: FieldMeta, idName: string | undefined, refName: string, entity: AnyEntity, input: Input, mode: Mode, related: RelatedResolver, errors: FieldErrors): Promise<void> | undefined {
  const hasId = idName !== undefined && input[idName] !== undefined;
  const hasRef = input[refName] !== undefined;
  if (f.kind === 'fk') {
    if (hasId && input[idName!] !== null) entity[f.name] = related.byId(f, input[idName!], errors);
    else if (hasRef && input[refName] !== null) return related.byAttributes(f, input[refName], errors).then((e) => { entity[f.name] = e; });
    else if (hasId || hasRef) {
      if (f.nullable) entity[f.name] = null;
      else addError(errors, f.name, 'This field may not be null.');
    } else if (mode !== 'patch' && (f.required || (mode === 'create' && d.presentOnCreate?.includes(f.name)))) {
      addError(errors, f.name, 'This field is required.');
    }
    return;
  }
  if (f.kind === 'm2m') {
    if (!hasId && !hasRef) return;
    const items: AnyEntity[] = [];
    for (const id of (hasId ? input[idName!] : []) ?? []) {
      const e = related.byId(f, id, errors);
      if (e) items.push(e);
    }
    const refs: Input[] = (hasRef ? input[refName] : []) ?? [];
    if (!refs.length) {
      entity[f.name].set(items);
      return;
    }
    return (async () => {
      for (const attrs of refs) {
        const e = await related.byAttributes(f, attrs, errors);
        if (e) items.push(e);
      }
      entity[f.name].set(items);
    })();
  }
  if (input[f.name] === undefined) {
    if (mode !== 'patch' && f.required && f.default === undefined && entity[f.name] === undefined) addError(errors, f.name, 'This field is required.');
    else if (mode === 'replace' && f.required && f.default === undefined) addError(errors, f.name, 'This field is required.');
    return;
  }
  const value = checkValue(f, input[f.name], errors);
  if (f.writeOnly && f.name === 'password' && typeof value === 'string' && value) {
    return hashPasswordAsync(value).then((hash) => { entity[f.name] = hash; });
  }
  entity[f.name] = value;
}

/** `<field>Patch` onto the stored object: a key with a value sets it, a key with null removes it. */
function applyPatch(f: FieldMeta, entity: AnyEntity, patch: unknown, errors: FieldErrors): void {
  if (patch === undefined || patch === null) return;
  if (typeof patch !== 'object' || Array.isArray(patch)) {
    addError(errors, f.name, 'Expected a dictionary of items.');
    return;
  }
  const merged: Record<string, unknown> = { ...(entity[f.name] ?? {}) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete merged[k];
    else merged[k] = v;
  }
  entity[f.name] = merged;
}

/** Whether an update merges into stored values, so it must read them under a row lock. */
const mergesStored = (d: ModelDescriptor, items: UpdateItem[]): boolean =>
  d.fields.some((f) => f.mergePatch && items.some((i) => i.input[patchName(f)] != null));

/** Whether a loaded object's field still holds the value it was read with. */
function storedAlready(e: AnyEntity, name: string): boolean {
  if (e.id === undefined) return false; // new: a plain row (src/domain/new-rows) or an entity not yet flushed
  const original = storedOf(e)?.values ?? helper(e)?.__originalEntityData as Record<string, unknown> | undefined;
  return !!original && Object.hasOwn(original, name) && original[name] !== null && String(original[name]) === String(e[name]);
}

/** Unique fields and unique-together sets, checked in one query each for a whole batch. */
async function checkUnique(em: EntityManager, d: ModelDescriptor, entities: AnyEntity[], errors: FieldErrors[]): Promise<void> {
  const ids = entities.map((e) => e.id).filter((id) => id !== undefined);
  for (const f of d.fields.filter((x) => x.unique && x.kind !== 'id')) {
    // A value that already failed validation (too long, not a choice) is not looked up, nor one an
    // update leaves as it was stored (the unique index holds it; the batch's own clashes are below).
    const checkable = (e: AnyEntity, i: number) => e[f.name] !== null && e[f.name] !== undefined && !errors[i][f.name] && !storedAlready(e, f.name);
    const values = entities.filter(checkable).map((e) => e[f.name]);
    if (!values.length) continue;
    const taken = await takenValues(em, d.cls.name, f.name, values, ids)
      ?? new Set(((await em.find(d.cls as any, { [f.name]: { $in: values }, ...(ids.length ? { id: { $nin: ids } } : {}) } as any, { fields: ['id', f.name] as any })) as AnyEntity[]).map((r) => String(r[f.name])));
    const inBatch = new Map<string, number>();
    entities.forEach((e, i) => {
      const v = e[f.name];
      if (v === null || v === undefined) return;
      const key = String(v);
      if (taken.has(key) || (inBatch.has(key) && inBatch.get(key) !== i)) {
        addError(errors[i], f.name, `${d.verboseName} with this ${f.label ?? f.name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)} already exists.`);
      }
      if (!inBatch.has(key)) inBatch.set(key, i);
    });
  }
  for (const set of d.uniqueTogether ?? []) {
    const keyOf = (e: AnyEntity) => set.map((n) => { const v = e[n]; return v && typeof v === 'object' ? v.id : v; }).join('\u0001');
    const valid = entities.filter((_, i) => !Object.keys(errors[i]).length);
    if (!valid.length) continue;
    const tuples = valid.map((e) => Object.fromEntries(set.map((n) => [n, e[n] && typeof e[n] === 'object' ? e[n].id : e[n]])));
    const rows = (await em.find(d.cls as any, { $or: tuples, ...(ids.length ? { id: { $nin: ids } } : {}) } as any)) as AnyEntity[];
    const taken = new Set(rows.map(keyOf));
    const seen = new Set<string>();
    entities.forEach((e, i) => {
      const k = keyOf(e);
      if (taken.has(k) || seen.has(k)) addError(errors[i], 'nonFieldErrors', `The fields ${set.map((n) => describe(d.cls).field(n)?.restName ?? n).join(', ')} must make a unique set.`);
      seen.add(k);
    });
  }
}

async function finish(d: ModelDescriptor, em: EntityManager, entities: AnyEntity[], errors: FieldErrors[]): Promise<void> {
  const load = async (obj: AnyEntity, field: string) => {
    const ref = obj?.[field];
    if (!ref) return null;
    if (!wrap(ref, true).isInitialized()) await wrap(ref, true).init();
    return ref;
  };
  for (let i = 0; i < entities.length; i++) {
    if (Object.keys(errors[i]).length) continue;
    d.compute?.(entities[i], requestOf(em));
    if (!d.validate) continue;
    // Awaited only when the model's validation needed I/O for this object.
    let found = d.validate(entities[i], load as any);
    if (isPromise(found)) found = await found;
    for (const [k, v] of Object.entries(found)) for (const m of v ?? []) addError(errors[i], k, m);
  }
  await checkUnique(em, d, entities, errors);
}

function throwIfInvalid(errors: FieldErrors[], bulk: boolean): void {
  if (!errors.some((e) => Object.keys(e).length)) return;
  if (bulk) throw new ValidationError({}, errors);
  throw new ValidationError(errors[0]);
}

/** Runs a write in one transaction, then publishes its change records. */
async function inTransaction<T>(em: EntityManager, publish: Publish | undefined, fn: (tem: EntityManager) => Promise<T>): Promise<T> {
  const ctx = requestOf(em);
  const before = ctx?.changes?.length ?? 0;
  try {
    // COMMIT: the queries of validation (uniqueness) must not auto-flush values that failed it.
    const result = await transaction(em, fn, { flushMode: FlushMode.COMMIT });
    if (ctx?.changes && publish) publish(ctx.changes.slice(before));
    return result;
  } catch (e) {
    if (ctx?.changes) ctx.changes.length = before;
    throw mapDbError(e);
  }
}

/** Database constraint errors that slipped past validation become client errors, not 500s. */
export function mapDbError(e: unknown): unknown {
  const code = (e as any)?.code ?? (e as any)?.cause?.code;
  if (code === '23505') return new ValidationError({ nonFieldErrors: ['An object with these unique values already exists.'] });
  if (code === '23503') return new ConflictError('unable to delete object: dependent objects exist.');
  // Invalid text, out of range, too long, a NOT NULL or a CHECK constraint: the values sent are wrong.
  if (code === '22P02' || code === '22003' || code === '22001' || code === '23502' || code === '23514') return new ValidationError({ nonFieldErrors: ['Invalid value.'] });
  return e;
}

/** Input keys a grant limited to some fields does not cover (an owner changing their own account). */
function checkFields(grant: WriteGrant, input: Input): void {
  if (!grant.fields) return;
  for (const k of Object.keys(input)) if (input[k] !== undefined && !grant.fields.has(k)) throw new AuthError('FORBIDDEN', NO_PERMISSION);
}

/** After the input is applied, a caller limited to its own rows must still own every row it wrote. */
function checkOwned(d: ModelDescriptor, grant: WriteGrant, entities: AnyEntity[]): void {
  if (grant.ownRows.length && !entities.every((e) => rowMatches(grant.ownRows, d, e))) throw new AuthError('FORBIDDEN', NO_PERMISSION);
}

/** A single write limited to the caller's own rows, aimed at somebody else's row: refused, not "not found". */
async function refuseIfOthers(em: EntityManager, d: ModelDescriptor, grant: WriteGrant, ids: number[]): Promise<void> {
  if (grant.ownRows.length && ids.length && (await em.count(d.cls as any, { id: { $in: ids } } as any)) > 0) throw new AuthError('FORBIDDEN', NO_PERMISSION);
}

export async function create(em: EntityManager, d: ModelDescriptor, inputs: Input[], caller: Caller, publish?: Publish, bulk?: boolean): Promise<AnyEntity[]>;
export async function create<T>(em: EntityManager, d: ModelDescriptor, inputs: Input[], caller: Caller, publish: Publish | undefined, bulk: boolean, answer: Answer<T>): Promise<T[]>;
export async function create<T>(em: EntityManager, d: ModelDescriptor, inputs: Input[], caller: Caller, publish?: Publish, bulk = false, answer?: Answer<T>): Promise<(AnyEntity | T)[]> {
  guardWritable(d);
  const grant = writeGrant(caller, d, 'create');
  const direct = insertsDirectly(em, d);
  const written = await inTransaction(em, publish, async (tem) => {
    const related = new RelatedResolver(tem, caller);
    await related.preload(d, inputs);
    const entities: AnyEntity[] = [];
    const errors: FieldErrors[] = [];
    // Inserted directly, new objects are plain rows: nothing flushes them.
    const newObject = direct ? newRows(tem, d) : () => new (d.cls as any)();
    for (const input of inputs) {
      const entity = newObject();
      const applied = applyInput(d, entity, input, 'create', related);
      errors.push(isPromise(applied) ? await applied : applied);
      entities.push(entity);
    }
    checkOwned(d, grant, entities);
    await finish(d, tem, entities, errors);
    throwIfInvalid(errors, bulk);
    const answered = answer && (() => answer(tem, entities.map((e) => e.id as number)));
    if (direct) return (await insertNewRows(tem, d, entities, answered)) ?? entities;
    tem.persist(entities);
    await tem.flush();
    return answered ? answered() : entities;
  });
  // Inserted directly, the entities are whole (the database's defaults were copied back).
  return answer || direct ? written : reload(em, d, (written as AnyEntity[]).map((e) => e.id as number));
}

export interface UpdateItem { id: string | number; input: Input }

export async function update(em: EntityManager, d: ModelDescriptor, items: UpdateItem[], partial: boolean, caller: Caller, publish?: Publish, bulk?: boolean): Promise<AnyEntity[]>;
export async function update<T>(em: EntityManager, d: ModelDescriptor, items: UpdateItem[], partial: boolean, caller: Caller, publish: Publish | undefined, bulk: boolean, answer: Answer<T>): Promise<T[]>;
export async function update<T>(em: EntityManager, d: ModelDescriptor, items: UpdateItem[], partial: boolean, caller: Caller, publish?: Publish, bulk = false, answer?: Answer<T>): Promise<(AnyEntity | T)[]> {
  guardWritable(d);
  const grant = writeGrant(caller, d, 'update');
  for (const item of items) checkFields(grant, item.input);
  const direct = writesDirectly(em, d);
  const targets = rowIds(items.map((i) => i.id));
  const written = await inTransaction<(number | T)[]>(em, publish, async (tem) => {
    const merging = mergesStored(d, items) && targets.length > 0;
    const rows = direct ? await readStoredRows(tem, d, targets, grant.ownRows, 'all', merging) : await findToUpdate(tem, d, targets, grant, merging);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const related = new RelatedResolver(tem, caller);
    await related.preload(d, items.map((i) => i.input));
    const entities: AnyEntity[] = [];
    const errors: FieldErrors[] = [];
    for (const item of items) {
      const entity = byId.get(Number(item.id));
      if (!entity) {
        if (bulk) continue; // Peering Manager skips unknown ids in bulk updates
        await refuseIfOthers(tem, d, grant, targets);
        throw new NotFoundError(`No ${d.className} matches the given query.`);
      }
      const applied = applyInput(d, entity, item.input, partial ? 'patch' : 'replace', related);
      errors.push(isPromise(applied) ? await applied : applied);
      entities.push(entity);
    }
    checkOwned(d, grant, entities);
    await finish(d, tem, entities, errors);
    throwIfInvalid(errors, bulk);
    const ids = entities.map((e) => e.id as number);
    if (direct) {
      await updateStoredRows(tem, d, entities);
      forgetObjects(tem, d, ids);
    } else {
      await tem.flush();
    }
    return answer ? answer(tem, ids) : ids;
  });
  if (direct) forgetObjects(em, d, targets);
  return answer ? (written as T[]) : reload(em, d, written as number[]);
}

/** The ORM's way: the rows with their lists, locked first when the update merges into them. */
async function findToUpdate(tem: EntityManager, d: ModelDescriptor, wanted: number[], grant: WriteGrant, merging: boolean): Promise<AnyEntity[]> {
  if (merging) {
    // Concurrent merges into the same row wait here, then each reads what the other committed.
    await sqlConnection(tem).execute(`select 1 from "${d.table}" where id in (${wanted.map(() => '?').join(', ')}) for update`, wanted, 'all', tem.getTransactionContext(), tem.getLoggerContext());
  }
  return (await tem.find(d.cls as any, withScope({ id: { $in: wanted } }, toWhere(grant.ownRows)) as any, {
    populate: d.fields.filter((f) => f.kind === 'm2m').map((f) => f.name) as any, refresh: merging,
  })) as AnyEntity[];
}

/** Ids as a write names them, those that can be a row's. */
function rowIds(ids: (string | number)[]): number[] {
  return [...new Set(ids.map(Number).filter((n) => Number.isSafeInteger(n) && n > 0 && n <= 2147483647))];
}

/**
 * Whether an update or delete of `d` skips the unit of work: as a create does (insertsDirectly, no
 * flush subscriber but the change log's watches it). `directWrites.enabled` false sends every
 * write through the ORM's flush (tests compare the two).
 */
export const directWrites = { enabled: true };
const writesDirectly = (em: EntityManager, d: ModelDescriptor): boolean => directWrites.enabled && insertsDirectly(em, d);

export async function remove(em: EntityManager, d: ModelDescriptor, ids: (string | number)[], caller: Caller, publish?: Publish, bulk = false): Promise<number> {
  guardWritable(d);
  const grant = writeGrant(caller, d, 'delete');
  const direct = writesDirectly(em, d);
  const targets = rowIds(ids);
  const count = await inTransaction(em, publish, async (tem) => {
    // The tags alone of the lists: a deleted object's change record names its tags.
    const rows = direct
      ? await readStoredRows(tem, d, targets, grant.ownRows, 'tags', false)
      : (await tem.find(d.cls as any, withScope({ id: { $in: targets } }, toWhere(grant.ownRows)) as any, { populate: ['tags'].filter((t) => d.field(t)) as any })) as AnyEntity[];
    if (!bulk && rows.length === 0) {
      await refuseIfOthers(tem, d, grant, targets);
      throw new NotFoundError(`No ${d.className} matches the given query.`);
    }
    const removed = rows.map((r) => r.id as number);
    await ensureNotProtected(tem, d, removed);
    if (direct) {
      await deleteStoredRows(tem, d, rows);
      forgetObjects(tem, d, removed);
    } else {
      tem.remove(rows);
      await tem.flush();
    }
    return rows.length;
  });
  if (direct) forgetObjects(em, d, targets);
  return count;
}

function guardWritable(d: ModelDescriptor): void {
  if (d.readOnly) throw new ConflictError(`${d.verboseNamePlural} are read-only.`);
}

async function reload(em: EntityManager, d: ModelDescriptor, ids: number[]): Promise<AnyEntity[]> {
  if (!ids.length) return [];
  const rows = (await em.find(d.cls as any, { id: { $in: ids } } as any, { refresh: true } as any)) as AnyEntity[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)!).filter(Boolean);
}
