// The read compiler: a GraphQL list or detail root field, its filter, ordering, paging and whole
// nested selection, read with ONE SQL statement (plus one for `totalCount` when selected) whose
// rows are already the response's objects; the schema's field resolvers hand their values through.
//
// Fields that are not columns, relations or derived values of a descriptor (an IX's
// availablePeers, a session's isAbandoned) are declared as SQL (./declared.ts) and compiled too; a
// nested argument the caller gets wrong (a negative limit) is that field's error on each object.
//
// Not compiled yet (the root field is then read through the ORM and DataLoaders, as before):
// - a derived field (display, computed) whose function needs more than its row and the rows it
//   loads through foreign keys (none today: the depth-2 test reads every model's);
// - a response key that is both a column and another field under an alias.
// compileStats counts both outcomes and keeps the last reason a selection fell back.
//
// Still to do for issue 16: the PeeringDB dialect (rest-compat/peeringdb/read.ts and
// src/domain/peeringdb/sql.ts, its own SQL engine) as GraphQL documents on this path; then the
// ORM read path (crud.list/get, Loaders.nested, readNested) can go, leaving the loaders to writes'
// answers.
import { Kind, type GraphQLResolveInfo } from 'graphql';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { describe, type ModelDescriptor } from '../../domain/model';
import { requireReadGrant } from '../../domain/access';
import { pageLimit, type ListArgs, type Paging } from '../../domain/crud';
import { ValidationError } from '../../domain/errors';
import type { GqlContext } from '../context';
import { logger } from '../../log';
import { Planner, Unsupported, type ObjectPlan } from './plan';
import { derive, loadsOf, needsDerive, type Loads } from './derived';
import { StatementBuilder, COMPILED } from './statement';
import { ident, joinSql, param, sql, type Sql } from './sql';

export { COMPILED };

/** Off: every read takes the ORM path (benchmarks compare the two in one run). */
export const readCompiler = { enabled: true };

export const compileStats = { compiled: 0, fallback: 0, lastFallback: '' };

function fellBack(reason: string): void {
  compileStats.fallback++;
  compileStats.lastFallback = reason;
  logger.debug({ reason }, 'read compiler: selection read through the ORM');
}

/** Whether a value in a field resolver came from a compiled statement; its value is then under the response key (info.path.key). */
export const isCompiled = (obj: unknown): obj is Record<string, unknown> => !!obj && (obj as Record<string, unknown>)[COMPILED] === true;

/** The value a compiled object holds for the field being resolved; an error held there is the field's error. */
export function compiledValue(obj: Record<string, unknown>, info: GraphQLResolveInfo): unknown {
  const v = obj[info.path.key as string];
  if (v instanceof Error) throw v;
  return v;
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

interface Prepared { plan: ObjectPlan; builder: StatementBuilder; count: boolean }

/** The plan and a statement builder, or null when the selection is not compiled (the reason is counted). */
async function prepare(ctx: GqlContext, info: GraphQLResolveInfo, paging: Paging, pick: (p: Planner) => { items: ObjectPlan; count: boolean }): Promise<Prepared | null> {
  if (!readCompiler.enabled) return null;
  try {
    const { items, count } = pick(new Planner(info, ctx.caller));
    const loads = await loadsOfTree(items, new Map());
    await prepareDeclared(ctx, items);
    return { plan: items, count, builder: new StatementBuilder(ctx.em as SqlEntityManager, ctx.caller, paging, loads) };
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    fellBack(e.message);
    return null;
  }
}

async function run(ctx: GqlContext, statement: Sql): Promise<Record<string, any>[]> {
  const em = ctx.em as SqlEntityManager;
  return em.getConnection().execute<Record<string, any>[]>(statement.text, [...statement.params], 'all', em.getTransactionContext());
}

const json = (v: unknown): Record<string, any> => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, any>;

/**
 * Builds the statement; a nested argument the ORM path reports as a field error (a negative
 * limit, a bad filter value) is left to that path, so errors keep their place in the response.
 */
function build<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    fellBack(e.message);
    return null;
  }
}

function conditions(builder: StatementBuilder, d: ModelDescriptor, alias: string, rows: ReturnType<typeof requireReadGrant>, filter: ListArgs['filter']): Sql[] {
  const conds = builder.scope(d, alias, rows);
  const f = builder.filter(d, alias, filter);
  if (f) conds.push(f);
  return conds;
}

/** A root list page, or undefined when this selection is read the old way. */
export async function compiledList(ctx: GqlContext, info: GraphQLResolveInfo, d: ModelDescriptor, args: ListArgs, paging: Paging): Promise<{ items: unknown[]; totalCount: number } | undefined> {
  const rows = requireReadGrant(ctx.caller, d);
  const p = await prepare(ctx, info, paging, (pl) => pl.page(d));
  if (!p) return undefined;
  const statements = build(() => {
    const offset = args.offset ?? 0;
    if (offset < 0) throw new ValidationError({ offset: ['Ensure this value is greater than or equal to 0.'] });
    const limit = pageLimit(args.limit, paging);
    const table = ident(p.builder.meta(d).tableName);
    const r = p.builder.alias();
    const limitOffset = sql`${limit === undefined ? '' : sql` limit ${param(limit)}`}${offset ? sql` offset ${param(offset)}` : ''}`;
    const page = limit === 0 ? null : p.builder.page(p.plan, `${table} ${r}`, r, conditions(p.builder, d, r, rows, args.filter), args.ordering, limitOffset);
    // The filter is rendered again: MikroORM's raw fragments are single-use.
    const where = conditions(p.builder, d, r, rows, args.filter);
    const count = p.count ? sql`select count(*)::int as n from ${table} ${r}${where.length ? sql` where ${joinSql(where, ' and ')}` : ''}` : null;
    return { page, count };
  });
  if (!statements) return undefined;
  compileStats.compiled++;
  const [pageRows, countRows] = await Promise.all([statements.page ? run(ctx, statements.page) : [], statements.count ? run(ctx, statements.count) : null]);
  const items = pageRows.map((row) => json(row.j));
  if (needsDerive(p.plan)) await derive(p.plan, items, p.builder.loadsByPlan);
  return { items, totalCount: countRows ? Number(countRows[0].n) : -1 };
}

/** One object by id (null: none the caller may read), or undefined when read the old way. */
export async function compiledDetail(ctx: GqlContext, info: GraphQLResolveInfo, d: ModelDescriptor, id: string, paging: Paging): Promise<Record<string, unknown> | null | undefined> {
  const rows = requireReadGrant(ctx.caller, d);
  const p = await prepare(ctx, info, paging, (pl) => ({ items: pl.detail(d), count: false }));
  if (!p) return undefined;
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n < 1 || n > 2147483647) return null;
  const statement = build(() => {
    const r = p.builder.alias();
    const conds = [sql`${r}."id" = ${param(n)}`, ...p.builder.scope(d, r, rows)];
    return sql`select ${p.builder.object(p.plan, r)} as j from ${ident(p.builder.meta(d).tableName)} ${r} where ${joinSql(conds, ' and ')}`;
  });
  if (!statement) return undefined;
  compileStats.compiled++;
  const found = await run(ctx, statement);
  if (!found.length) return null;
  const obj = json(found[0].j);
  if (needsDerive(p.plan)) await derive(p.plan, [obj], p.builder.loadsByPlan);
  return obj;
}

/**
 * The value of a declared field (./declared.ts) for the field resolver: handed through from a
 * compiled object, or, for an object that is not a compiled row (a mutation's answer), read by
 * one compiled statement for that object.
 */
export async function handThrough(obj: Record<string, any>, ctx: GqlContext, info: GraphQLResolveInfo): Promise<unknown> {
  if (isCompiled(obj)) return compiledValue(obj, info);
  const d = describe(obj.constructor);
  const plan = new Planner(info, ctx.caller).object(d, [{ kind: Kind.SELECTION_SET, selections: info.fieldNodes }]);
  await prepareDeclared(ctx, plan);
  const builder = new StatementBuilder(ctx.em as SqlEntityManager, ctx.caller, { paginateCount: ctx.config.paginateCount, maxPageSize: ctx.config.maxPageSize }, await loadsOfTree(plan, new Map()));
  const r = builder.alias();
  const found = await run(ctx, sql`select ${builder.object(plan, r)} as j from ${ident(builder.meta(d).tableName)} ${r} where ${r}."id" = ${param(obj.id)}`);
  compileStats.compiled++;
  const row = json(found[0].j);
  if (needsDerive(plan)) await derive(plan, [row], builder.loadsByPlan);
  return compiledValue(row, info);
}
