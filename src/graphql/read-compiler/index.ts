// The read compiler: a GraphQL list or detail root field, its filter, ordering, paging and whole
// nested selection, read with ONE SQL statement (plus one for `totalCount` when selected) whose
// rows are already the response's objects; the schema's field resolvers hand their values through.
// It is the only read path of list and detail root fields: fields that are not columns, relations
// or derived values of a descriptor (an IX's availablePeers, a session's isAbandoned) are declared
// as SQL (./declared.ts), and a nested argument the caller gets wrong (a negative limit) is that
// field's error on each object. A generic write mutation answers with compiled objects too, read
// by id inside its transaction (compiledWritten). Objects that are not compiled rows (a custom
// mutation's answer) resolve foreign keys through the request's DataLoaders (src/graphql/loaders.ts),
// their lists and declared fields by one statement each (handThrough).
import { Kind, isObjectType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { EntityManager } from '@mikro-orm/core';
import { allModels, describe, type ModelDescriptor } from '../../domain/model';
import { requireReadGrant, type RowCondition } from '../../domain/access';
import { pageLimit, type ListArgs, type Paging } from '../../domain/crud';
import { ValidationError } from '../../domain/errors';
import type { GqlContext } from '../context';
import { handedThrough, Planner, slot, type ObjectPlan } from './plan';
import { derive, loadsOf, needsDerive, wholeRowsOnMiss, type Loads } from './derived';
import { StatementBuilder, COMPILED, idOnly } from './statement';
import { ident, intParam, joinSql, param, sql, type Sql } from './sql';
import { executeRead } from '../../db/prepared-reads';
import { bind, emptyFilter, IDS, LIMIT, OFFSET, remember, remembered, reusable, shapeKey, withStandIns, type BuiltList, type BuiltObject } from './list-cache';
import { filterToWhere } from '../../domain/filters';
import { releaseRawKeys } from './filter-sql';

export { COMPILED };

/** Whether a value in a field resolver came from a compiled statement (compiledValue then reads it). */
export const isCompiled = (obj: unknown): obj is Record<string, unknown> => !!obj && (obj as Record<string, unknown>)[COMPILED] === true;

/** The value a compiled object holds for the field being resolved; an error held there is the field's error. */
export function compiledValue(obj: Record<string, unknown>, info: GraphQLResolveInfo): unknown {
  const v = obj[slot(info.path.key as string)];
  if (v instanceof Error) throw v;
  return v;
}

/**
 * Resolves the fields a compiled object hands through (relations, lists, derived and declared
 * values) straight from the object, ahead of type-graphql's resolver: its wrapper (middlewares,
 * a class instance copied from the object, converted arguments) cost more per field than the
 * read itself on large nested answers, and the resolvers return compiledValue first anyway.
 */
export function handCompiledValuesThrough(schema: GraphQLSchema): void {
  for (const d of allModels()) {
    const type = schema.getType(d.name);
    if (!isObjectType(type)) continue;
    for (const [name, field] of Object.entries(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve || !handedThrough(d, name)) continue;
      field.resolve = (obj, args, ctx, info) => (isCompiled(obj) ? compiledValue(obj, info) : resolve(obj, args, ctx, info));
    }
  }
}

async function loadsOfTree(plan: ObjectPlan, out: Map<ObjectPlan, Loads>): Promise<Map<ObjectPlan, Loads>> {
  if (plan.derived.length) out.set(plan, await loadsOf(plan));
  for (const fk of plan.fks) await loadsOfTree(fk.plan, out);
  for (const l of [...plan.lists, ...plan.declaredLists]) await loadsOfTree(l.plan, out);
  return out;
}

/** What the arguments of the plan's declared lists mean for this request (./declared.ts prepare); a failure is the field's error. */
async function prepareDeclared(ctx: GqlContext, plan: ObjectPlan): Promise<void> {
  for (const l of plan.declaredLists) {
    if (l.field.prepare && l.rows) {
      try {
        l.prepared = await l.field.prepare(ctx, l.args);
      } catch (e) {
        if (!(e instanceof Error)) throw e;
        l.error = e;
      }
    }
    await prepareDeclared(ctx, l.plan);
  }
  for (const fk of plan.fks) await prepareDeclared(ctx, fk.plan);
  for (const l of plan.lists) await prepareDeclared(ctx, l.plan);
}

/** The plan of `plan`'s objects and a statement builder for them. */
async function prepare(ctx: GqlContext, plan: ObjectPlan, paging: Paging): Promise<StatementBuilder> {
  const loads = await loadsOfTree(plan, new Map());
  await prepareDeclared(ctx, plan);
  return new StatementBuilder(ctx.em as SqlEntityManager, ctx.caller, paging, loads);
}

export function run(ctx: GqlContext, statement: Sql): Promise<Record<string, any>[]> {
  return executeRead(ctx.em, statement.text, statement.params);
}

const json = (v: unknown): Record<string, any> => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, any>;

/** Statement rows as the response's objects, their derived values set. */
async function objects(rows: Record<string, any>[], plan: ObjectPlan, loadsByPlan: Map<ObjectPlan, Loads>): Promise<Record<string, any>[]> {
  const items = rows.map((row) => json(row.j));
  if (needsDerive(plan)) await derive(plan, items, loadsByPlan);
  return items;
}

/** The caller's scope on `d` and the filter input over `alias`. */
export function conditions(builder: StatementBuilder, d: ModelDescriptor, alias: string, rows: ReturnType<typeof requireReadGrant>, filter: ListArgs['filter']): Sql[] {
  const conds = builder.scope(d, alias, rows);
  const f = builder.filter(d, alias, filter);
  if (f) conds.push(f);
  return conds;
}

/** A root list's LIMIT/OFFSET from its arguments (limit 0: the page is empty). */
export function pageBounds(args: ListArgs, paging: Paging): { limit: number | undefined; limitOffset: Sql } {
  const offset = args.offset ?? 0;
  if (offset < 0) throw new ValidationError({ offset: ['Ensure this value is greater than or equal to 0.'] });
  const limit = pageLimit(args.limit, paging);
  return { limit, limitOffset: sql`${limit === undefined ? '' : sql` limit ${intParam(limit)}`}${offset ? sql` offset ${intParam(offset)}` : ''}` };
}

/** A root list's LIMIT/OFFSET as markers for bind() (./list-cache.ts), so the statement serves every page. */
const pageMarkers = (limit: number | undefined, offset: number): Sql =>
  sql`${limit === undefined ? '' : sql` limit ${param(LIMIT)}`}${offset ? sql` offset ${param(OFFSET)}` : ''}`;

/** The aliases of a root list's rows, the page's and the count's: a new builder's first two, in this order. */
const rootAliases = (builder: StatementBuilder): [string, string] => [builder.alias(), builder.alias()];

/** Whether the list is ordered by a filter's value (a custom filter's orderBy: distance), which its ORDER BY then holds. */
const ordersByFilter = (d: ModelDescriptor, ordering: ListArgs['ordering']): boolean =>
  (ordering ?? []).some((o) => o.split(',').some((k) => !!d.customFilters?.[k.trim().replace(/^-/, '')]?.orderBy));

/**
 * A root list's filter as SQL over the page's rows, rendered for this request, so that its
 * statement can be remembered with the filter's values as parameters: null without conditions,
 * undefined when the statement must be built for this request (a filter the direct renderer does
 * not know, or one the list orders by). The count reads its rows under the page's alias (its
 * subquery does not see the page's), so one rendering serves both.
 */
function renderedFilter(ctx: GqlContext, d: ModelDescriptor, args: ListArgs, paging: Paging): Sql | null | undefined {
  if (emptyFilter(args.filter)) return null;
  if (ordersByFilter(d, args.ordering)) return undefined;
  const probe = new StatementBuilder(ctx.em as SqlEntityManager, ctx.caller, paging, new Map());
  const where = filterToWhere(d, args.filter, ctx.caller);
  const f = probe.directFilter(d, rootAliases(probe)[0], where);
  if (f === undefined) releaseRawKeys(where);
  return f;
}

/**
 * The plan and statement of a root list page (./list-cache.ts BuiltList). `filter`: the filter
 * rendered beforehand (renderedFilter), whose values become stand-ins; undefined: rendered here.
 */
async function buildList(ctx: GqlContext, info: GraphQLResolveInfo, d: ModelDescriptor, args: ListArgs, paging: Paging, rows: RowCondition[], limit: number | undefined, filter: Sql | null | undefined): Promise<BuiltList> {
  const { items: plan, count } = new Planner(info, ctx.caller).page(d);
  const builder = await prepare(ctx, plan, paging);
  const table = ident(builder.meta(d).tableName);
  // The count rides on the page's statement, one value per row (PostgreSQL computes the
  // uncorrelated subquery once): one turn through the pool and the server per page, not two, a
  // page past the end included (StatementBuilder.page). Only limit 0 reads it on its own. Rendered
  // here, it has its own alias and its own copy of the filter (MikroORM's raw fragments are
  // single-use); rendered beforehand, the filter is the page's, under the page's alias.
  const [r, own] = rootAliases(builder);
  const c = filter === undefined ? own : r;
  const where = (alias: string): Sql[] => (filter === undefined
    ? conditions(builder, d, alias, rows, args.filter)
    : [...builder.scope(d, alias, rows), ...(filter ? [withStandIns(filter)] : [])]);
  const countWhere = where(c);
  const countSql = count ? sql`(select count(*)::int from ${table} ${c}${countWhere.length ? sql` where ${joinSql(countWhere, ' and ')}` : ''})` : null;
  const page = limit === 0 ? null : builder.page(plan, `${table} ${r}`, r, where(r), args.ordering, pageMarkers(limit, args.offset ?? 0), args.filter, countSql);
  return { plan, loadsByPlan: builder.loadsByPlan, page, count: countSql };
}

/** A root list page. */
export function compiledList(ctx: GqlContext, info: GraphQLResolveInfo, d: ModelDescriptor, args: ListArgs, paging: Paging): Promise<{ items: unknown[]; totalCount: number }> {
  return wholeRowsOnMiss(() => compiledListOnce(ctx, info, d, args, paging));
}

async function compiledListOnce(ctx: GqlContext, info: GraphQLResolveInfo, d: ModelDescriptor, args: ListArgs, paging: Paging): Promise<{ items: unknown[]; totalCount: number }> {
  const rows = requireReadGrant(ctx.caller, d);
  const { limit } = pageBounds(args, paging);
  const offset = args.offset ?? 0;
  const filter = renderedFilter(ctx, d, args, paging);
  const key = filter === undefined ? null : shapeKey(info, ctx.caller, paging, [args.ordering ?? null, limit === undefined, !!offset, filter?.text ?? null]);
  let list = key === null ? undefined : remembered<BuiltList>(info, key);
  if (!list) {
    list = await buildList(ctx, info, d, args, paging, rows, limit, filter);
    if (key !== null && reusable(list.plan)) remember(info, key, list);
  }
  const { plan, page, count } = list;
  const values = { limit, offset, filter: filter ?? undefined };
  const pageRows = page ? await executeRead(ctx.em, page.text, bind(page, values)) : [];
  // With a count, the page's statement always answers (one row of null j past the end); only limit 0 reads it alone.
  const totalCount = !count ? -1 : page ? Number(pageRows[0].n) : Number((await executeRead(ctx.em, `select ${count.text} as n`, bind(count, values)))[0].n);
  return { items: await objects(pageRows.filter((row) => row.j !== null), plan, list.loadsByPlan), totalCount };
}

/**
 * The plan and statement of one object or a few by id (IDS stands in for them), remembered per
 * shape; `plan` is given when already made. `statement` writes it for the builder, the plan and the row alias.
 */
async function builtObject(ctx: GqlContext, info: GraphQLResolveInfo, key: string | null, plan: ObjectPlan, paging: Paging, statement: (builder: StatementBuilder, r: string) => Sql): Promise<BuiltObject> {
  const known = key === null ? undefined : remembered<BuiltObject>(info, key);
  if (known) return known;
  const builder = await prepare(ctx, plan, paging);
  const built = { plan, loadsByPlan: builder.loadsByPlan, statement: statement(builder, builder.alias()) };
  if (key !== null && reusable(plan)) remember(info, key, built);
  return built;
}

/** One object by id; null when there is none the caller may read. */
export function compiledDetail(ctx: GqlContext, info: GraphQLResolveInfo, d: ModelDescriptor, id: string, paging: Paging): Promise<Record<string, unknown> | null> {
  return wholeRowsOnMiss(() => compiledDetailOnce(ctx, info, d, id, paging));
}

async function compiledDetailOnce(ctx: GqlContext, info: GraphQLResolveInfo, d: ModelDescriptor, id: string, paging: Paging): Promise<Record<string, unknown> | null> {
  const rows = requireReadGrant(ctx.caller, d);
  const key = shapeKey(info, ctx.caller, paging, ['detail']);
  const plan = (key === null ? undefined : remembered<BuiltObject>(info, key))?.plan ?? new Planner(info, ctx.caller).detail(d);
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n < 1 || n > 2147483647) return null;
  const { statement, loadsByPlan } = await builtObject(ctx, info, key, plan, paging, (builder, r) => {
    const conds = [sql`${r}."id" = ${param(IDS)}`, ...builder.scope(d, r, rows)];
    const { j, lateral } = builder.rowObject(plan, r);
    return sql`select ${j} as j from ${ident(builder.meta(d).tableName)} ${r}${lateral} where ${joinSql(conds, ' and ')}`;
  });
  const found = await executeRead(ctx.em, statement.text, bind(statement, { ids: String(n) }));
  return (await objects(found, plan, loadsByPlan))[0] ?? null;
}

/**
 * What a write mutation answers with: the objects of these ids, in their order, as its selection
 * asks (one statement, whether it returns one object or a list). Read on the write's own
 * connection before COMMIT (`em` is its transaction), so the answer costs no second turn through
 * the pool. The written rows are not narrowed by the read scope (the write grant admitted them, and
 * a write answered with them before); the relations they reach are, as in any read.
 */
export function compiledWritten(ctx: GqlContext, em: EntityManager, info: GraphQLResolveInfo, d: ModelDescriptor, ids: number[], paging: Paging): Promise<Record<string, unknown>[]> {
  return wholeRowsOnMiss(() => compiledWrittenOnce(ctx, em, info, d, ids, paging));
}

async function compiledWrittenOnce(ctx: GqlContext, em: EntityManager, info: GraphQLResolveInfo, d: ModelDescriptor, ids: number[], paging: Paging): Promise<Record<string, unknown>[]> {
  if (!ids.length) return [];
  // One id (a single write's answer) is a one-element array PostgreSQL can count. Of an array
  // parameter it guesses ten elements, finds the generic plan dearer than one planned for the
  // values, and so planned the prepared statement again on every write (~0.9 ms of its CPU for
  // an AS with its lists, against ~0.35 ms run with the generic plan it now keeps).
  const single = ids.length === 1;
  const key = shapeKey(info, ctx.caller, paging, ['written', single]);
  const plan = (key === null ? undefined : remembered<BuiltObject>(info, key))?.plan ?? new Planner(info, ctx.caller).detail(d);
  // Ids alone (what a bulk import often asks back) are known: no statement.
  if (idOnly(plan)) return ids.map((id) => ({ [COMPILED]: true, id }));
  // Whatever the plan reads first (a declared list's argument from the caller's preferences) reads
  // on the transaction too: a second connection taken while holding one can starve a full pool.
  const tx: GqlContext = { ...ctx, em };
  // One parameter for any number of ids (a bulk write's thousands), as a PostgreSQL array literal.
  const { statement, loadsByPlan } = await builtObject(tx, info, key, plan, paging, (builder, r) => {
    const idArray = () => (single ? sql`array[${param(IDS)}::bigint]` : sql`${param(IDS)}::bigint[]`);
    // Nested lists read once for all the objects, not per object.
    const { lists, joins } = builder.ownersLists(plan, r, idArray());
    const { j, lateral } = builder.rowObject(plan, r, lists);
    return sql`select ${r}."id" as id, ${j} as j from ${ident(builder.meta(d).tableName)} ${r}${joinSql(joins, '')}${lateral} where ${r}."id" = any(${idArray()})`;
  });
  const found = await executeRead(em, statement.text, bind(statement, { ids: single ? String(ids[0]) : `{${ids.join(',')}}` }));
  const items = await objects(found, plan, loadsByPlan);
  const byId = new Map(found.map((row, i) => [Number(row.id), items[i]]));
  return ids.map((id) => byId.get(id)).filter((o): o is Record<string, any> => !!o);
}

/**
 * The value of a declared field (./declared.ts) for the field resolver: handed through from a
 * compiled object, or, for an object that is not a compiled row (a mutation's answer), read by
 * one compiled statement for that object.
 */
export async function handThrough(obj: Record<string, any>, ctx: GqlContext, info: GraphQLResolveInfo): Promise<unknown> {
  if (isCompiled(obj)) return compiledValue(obj, info);
  return wholeRowsOnMiss(() => readDeclared(obj, ctx, info));
}

/** A declared field's value for an object that is not a compiled row. */
async function readDeclared(obj: Record<string, any>, ctx: GqlContext, info: GraphQLResolveInfo): Promise<unknown> {
  const d = describe(obj.constructor);
  const plan = new Planner(info, ctx.caller).object(d, [{ kind: Kind.SELECTION_SET, selections: info.fieldNodes }]);
  const builder = await prepare(ctx, plan, { paginateCount: ctx.config.paginateCount, maxPageSize: ctx.config.maxPageSize });
  const r = builder.alias();
  const found = await run(ctx, sql`select ${builder.object(plan, r)} as j from ${ident(builder.meta(d).tableName)} ${r} where ${r}."id" = ${intParam(obj.id)}`);
  const [row] = await objects(found, plan, builder.loadsByPlan);
  if (!row) throw new Error(`${d.name} ${obj.id} is gone`);
  return compiledValue(row, info);
}
