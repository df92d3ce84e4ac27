// A plan (./plan.ts) as ONE SQL statement whose rows are the response's objects as JSON: each
// object a json_build_object of its columns, each foreign key a correlated subquery for one
// object, each nested list a json_agg over a correlated, filtered, ordered and limited subquery.
// The caller's read grant of every model reached is a WHERE condition at the place it is reached,
// so a relation never shows a row its model's rule hides. Filters are the GraphQL filter inputs as
// filterToWhere's conditions rendered to SQL (./filter-sql.ts), inlined.
import type { EntityMetadata, EntityProperty, MetadataStorage } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { ModelDescriptor } from '../../domain/model';
import { describe } from '../../domain/model';
import { readGrant, toSql, type RowCondition } from '../../domain/access';
import { orderBy, withScope, type ListArgs, type Paging } from '../../domain/crud';
import { nestedLimit } from '../../domain/nested';
import type { Caller } from '../../http/auth';
import { filterToWhere } from '../../domain/filters';
import { ValidationError } from '../../domain/errors';
import { ident, intParam, joinSql, sql, Sql } from './sql';
import { inRow, ROW_KEY, rowReads, sharedColumns, type Loads } from './derived';
import type { ObjectPlan } from './plan';
import type { Models } from './declared';
import { mappedNames } from '../../db/naming';
import { renderWhere } from './filter-sql';

/** A key every compiled object carries: field resolvers return its values as they are. */
export const COMPILED = '__compiled';

/** json_build_object takes at most 100 arguments: longer objects are built in parts and merged. */
const PAIRS_PER_CALL = 50;

/** PostgreSQL truncates a longer identifier (NAMEDATALEN - 1). */
const MAX_IDENTIFIER_BYTES = 63;

export class StatementBuilder {
  private aliases = 0;
  /** `loads`: the relations each plan's derived fields load (./derived.ts loadsOf). */
  constructor(private em: SqlEntityManager, private caller: Caller, private paging: Paging, readonly loadsByPlan: Map<ObjectPlan, Loads>) {}

  private get metadata(): MetadataStorage { return this.em.getMetadata(); }
  meta(d: ModelDescriptor): EntityMetadata { return this.metadata.find(d.cls.name)!; }
  alias(): string { return `_c${++this.aliases}`; }

  column(d: ModelDescriptor, alias: string, field: string): string {
    return `${alias}.${ident(this.meta(d).properties[field].fieldNames[0])}`;
  }

  /** Tables, columns and read conditions of any model, for declared fields (./declared.ts). */
  get models(): Models {
    return this.modelsOnce ??= {
      ...mappedNames(this.metadata),
      readable: (cls, alias) => {
        const g = readGrant(this.caller, describe(cls));
        return g.allowed ? this.scope(describe(cls), alias, g.rows) : [new Sql('false')];
      },
    };
  }
  private modelsOnce?: Models;

  /** The caller's row conditions on `d` over `alias`, as SQL. */
  scope(d: ModelDescriptor, alias: string, rows: RowCondition[]): Sql[] {
    const s = toSql(rows, alias, (f) => ident(this.meta(d).properties[f].fieldNames[0]));
    let i = 0;
    return s.sql.map((text) => {
      const n = (text.match(/\?/g) ?? []).length;
      const part = new Sql(text, s.args.slice(i, i + n));
      i += n;
      return part;
    });
  }

  /**
   * A filter input on `d` over `alias`, rendered directly (./filter-sql.ts) or, for what that does
   * not know, by MikroORM's query builder; null when empty. Conditions on the row's own columns are
   * inlined; the builder's one that joins stays `alias.id in (...)`. Inlined, a nested list's filter is read with the owner's index
   * instead of a semi-join against the whole child table.
   */
  filter(d: ModelDescriptor, alias: string, filter: ListArgs['filter']): Sql | null {
    const where = filterToWhere(d, filter ?? null, this.caller);
    const direct = this.directFilter(d, alias, where);
    return direct === undefined ? this.filterByQueryBuilder(d, alias, where) : direct;
  }

  /** filterToWhere's conditions over `alias` as the direct renderer writes them; null when none, undefined when it does not know them. */
  directFilter(d: ModelDescriptor, alias: string, where: Record<string, unknown>): Sql | null | undefined {
    if (!Object.keys(where).length) return null;
    const direct = renderWhere(this.metadata, this.em.getPlatform(), this.meta(d), alias, where);
    if (!direct) return undefined;
    return direct.text ? new Sql(`(${direct.text})`, direct.params) : null;
  }

  /** What renderWhere does not know, as MikroORM's query builder renders it. */
  filterByQueryBuilder(d: ModelDescriptor, alias: string, where: Record<string, unknown>): Sql {
    const q = this.em.createQueryBuilder(d.cls as any, alias).select(`${alias}.id`).where(withScope(where, null) as any).getKnexQuery().toSQL();
    const own = `select ${ident(alias)}."id" from ${ident(this.meta(d).tableName)} as ${ident(alias)} where `;
    if (q.sql.startsWith(own)) return new Sql(`(${q.sql.slice(own.length)})`, q.bindings as unknown[]);
    return new Sql(`${alias}."id" in (${q.sql})`, q.bindings as unknown[]);
  }

  /**
   * ORDER BY of a root or nested list (the root list's ordering keys; relation paths through a lookup).
   * A key naming a filter that orders (a custom filter's orderBy: distance) sorts by it, first, when the filter is given.
   */
  order(d: ModelDescriptor, alias: string, ordering: string[] | null | undefined, filter?: ListArgs['filter']): Sql {
    const meta = this.meta(d);
    const keys = (ordering ?? []).flatMap((o) => o.split(',')).map((o) => o.trim());
    const byFilter = keys.filter((k) => d.customFilters?.[k.replace(/^-/, '')]?.orderBy);
    const first = byFilter.flatMap((k) => {
      const name = k.replace(/^-/, '');
      const value = (filter as Record<string, unknown> | null | undefined)?.[name];
      if (value === undefined || value === null) return [];
      const by = d.customFilters![name].orderBy!(value, d);
      return [new Sql(`${by.sql(alias)} ${k.startsWith('-') ? 'desc' : 'asc'}`, by.args)];
    });
    const rest = byFilter.length ? keys.filter((k) => !byFilter.includes(k)) : ordering;
    const columns = orderBy(d, rest).map((o) => {
      const [key, v] = Object.entries(o)[0];
      const prop = meta.properties[key];
      if (typeof v === 'string') return `${alias}.${ident(prop.fieldNames[0])} ${v === 'desc' ? 'desc' : 'asc'}`;
      const [sub, dir] = Object.entries(v as Record<string, string>)[0];
      const target = this.metadata.find(prop.type)!;
      const t = this.alias();
      return `(select ${t}.${ident(target.properties[sub].fieldNames[0])} from ${ident(target.tableName)} ${t} where ${t}."id" = ${alias}.${ident(prop.fieldNames[0])}) ${dir === 'desc' ? 'desc' : 'asc'}`;
    });
    return joinSql([...first, new Sql(columns.join(', '))], ', ');
  }

  /**
   * The objects of `plan` from the rows of `from` (which binds `alias`) meeting `conds`, ordered,
   * limited and offset. The page's rows are picked first and only they are turned into JSON:
   * PostgreSQL computes a select list below LIMIT/OFFSET, so objects of skipped rows would be built.
   * `count`: a value every row carries beside its object, as `n` (a root list's total count). The
   * page is then joined to it, so a page without rows (past the end) still answers with one row: its
   * `j` null, its `n` the count, and no second statement is needed for it.
   */
  page(plan: ObjectPlan, from: string, alias: string, conds: Sql[], ordering: string[] | null | undefined, limitOffset: Sql | string, filter?: ListArgs['filter'], count?: Sql | null): Sql {
    const d = plan.model;
    const where = conds.length ? sql` where ${joinSql(conds, ' and ')}` : '';
    const order = this.order(d, alias, ordering, filter);
    const { j, lateral } = this.rowObject(plan, alias);
    const rows = sql`(select ${alias}.* from ${from}${where} order by ${order}${limitOffset}) ${alias}`;
    if (!count) return sql`select ${j} as j from ${rows}${lateral} order by ${order}`;
    return sql`select case when ${alias}."id" is null then null else ${j} end as j, "_count".n from (select ${count} as n) "_count" left join ${rows} on true${lateral} order by ${order}`;
  }

  /**
   * The JSON object of one row of `plan.model` at `alias`. `lists`: values of its nested lists read
   * for many owners at once (ownersLists), in place of a correlated subquery per owner.
   */
  object(plan: ObjectPlan, alias: string, lists?: Map<NestedListPlan, Sql | string>): Sql {
    return buildObject(this.pairs(plan, alias, lists));
  }

  /**
   * object() for a statement's own rows at `alias`: `j` goes in its select list, `lateral` after its
   * FROM items. row_to_json of a lateral one-row subselect, which PostgreSQL folds into the row
   * instead of running a subquery per row (10,000 objects: 68 against 74 ms of its CPU for
   * buildObject's form, 190 against 230 ms on PGlite; a prepared 25-row page 0.37 against 0.43 ms).
   */
  rowObject(plan: ObjectPlan, alias: string, lists?: Map<NestedListPlan, Sql | string>): { j: Sql | string; lateral: Sql | string } {
    const pairs = this.pairs(plan, alias, lists);
    if (!namesFit(pairs)) return { j: buildObject(pairs), lateral: '' };
    const o = this.alias();
    return { j: `row_to_json(${o})`, lateral: sql` cross join lateral (${columns(pairs)}) ${o}` };
  }

  /** The keys and SQL values of object(). */
  private pairs(plan: ObjectPlan, alias: string, lists?: Map<NestedListPlan, Sql | string>): [string, Sql | string][] {
    const d = plan.model;
    const pairs: [string, Sql | string][] = [[COMPILED, 'true']];
    for (const c of plan.columns) pairs.push([c.field.name, c.hidden ? 'null' : this.column(d, alias, c.field.name)]);
    for (const fk of plan.fks) {
      pairs.push([fk.key, idOnly(fk.plan) && fk.rows?.length === 0
        ? this.idOf(d, alias, fk.field.name)
        : this.related(d, alias, fk.field.name, fk.rows, (a) => this.object(fk.plan, a))]);
    }
    for (const l of plan.lists) pairs.push([l.key, lists?.get(l) ?? this.list(plan, l, alias)]);
    for (const x of plan.scalars) pairs.push([x.key, x.field.sql((f) => this.column(d, alias, f), alias, this.models)]);
    for (const l of plan.declaredLists) pairs.push([l.key, this.declaredList(d, l, alias)]);
    if (plan.derived.length) {
      const row = this.rowPairs(d, alias, this.loadsByPlan.get(plan)!, new Set(sharedColumns(plan)), (name) => rowReads(plan, name));
      if (row.length) pairs.push([ROW_KEY, buildObject(row)]);
    }
    return pairs;
  }

  /**
   * The row a derived function reads: every column but heavy and secret ones, its formulas, the
   * relations it loads; but the columns `held` by the object itself (./derived.ts sharedColumns),
   * and but the fields the functions cannot read (`reads`, ./fields-read.ts).
   */
  private rowPairs(d: ModelDescriptor, alias: string, loads: Loads, held: Set<string> = new Set(), reads: (name: string) => boolean = () => true): [string, Sql | string][] {
    const meta = this.meta(d);
    const pairs: [string, Sql | string][] = [];
    for (const f of d.fields) {
      if (!inRow(f) || held.has(f.name) || !reads(f.name)) continue;
      if (f.kind !== 'fk') { pairs.push([f.name, this.column(d, alias, f.name)]); continue; }
      const sub = loads.get(f.name);
      const col = this.column(d, alias, f.name);
      const g = sub ? readGrant(this.caller, describe(f.target!())) : null;
      pairs.push([f.name, sub
        ? this.related(d, alias, f.name, g!.allowed ? g!.rows : null, (a) => buildObject(this.rowPairs(describe(f.target!()), a, sub, new Set(), relatedReads(sub))))
        : `case when ${col} is null then null else json_build_object('id', ${col}) end`]);
    }
    for (const prop of meta.props.filter((p: EntityProperty) => p.formula && reads(p.name))) {
      const table = { alias, name: meta.tableName, qualifiedName: meta.tableName, toString: () => alias };
      pairs.push([prop.name, `(${prop.formula!(table as any, meta.createColumnMappingObject() as any)})`]);
    }
    return pairs;
  }

  /**
   * A related object of which only the id is selected, when the caller reads every row of its
   * model: the foreign key's column, no subquery (the column's constraint holds the row exists).
   * Full lists select a parent's id per row: 60,000 lookups saved.
   */
  private idOf(d: ModelDescriptor, alias: string, field: string): string {
    const col = this.column(d, alias, field);
    return `case when ${col} is null then null else json_build_object('${COMPILED}', true, 'id', ${col}) end`;
  }

  /** One related object through a foreign key, or null when absent or hidden from the caller. */
  private related(d: ModelDescriptor, alias: string, field: string, rows: RowCondition[] | null, body: (a: string) => Sql): Sql | string {
    if (!rows) return 'null';
    const target = describe(d.field(field)!.target!());
    const a = this.alias();
    const conds = [new Sql(`${a}."id" = ${this.column(d, alias, field)}`), ...this.scope(target, a, rows)];
    return sql`(select ${body(a)} from ${ident(this.meta(target).tableName)} ${a} where ${joinSql(conds, ' and ')})`;
  }

  /**
   * What a nested list's members are read from, for the child alias `c`: its limit and filter, or the
   * value the list has on every owner (empty: hidden or a limit of 0; null: a refused argument).
   */
  private listSource(owner: ObjectPlan, l: NestedListPlan, c: string): { limit: number; conds: Sql[]; from: string; ownerCol: string } | { value: string } {
    if (!l.rows) return { value: `'[]'::json` };
    const child = l.list.child;
    let limit: number;
    let f: Sql | null;
    try {
      limit = nestedLimit(l.args.limit, this.paging);
      f = limit === 0 ? null : this.filter(child, c, l.args.filter);
    } catch (e) {
      // A refused argument is this field's error on each object, where GraphQL reports it.
      if (!(e instanceof ValidationError)) throw e;
      if (!owner.failed.some((x) => x.key === l.key)) owner.failed.push({ key: l.key, error: e });
      return { value: 'null' };
    }
    if (limit === 0) return { value: `'[]'::json` };
    const { from, ownerCol } = this.membership(l.list, c);
    const conds = [...this.scope(child, c, l.rows), ...(f ? [f] : [])];
    return { limit, conds, from, ownerCol };
  }

  /** A nested list of one owner row: its members within the caller's scope, filtered, ordered, limited. */
  private list(owner: ObjectPlan, l: NestedListPlan, ownerAlias: string): Sql | string {
    const c = this.alias();
    const source = this.listSource(owner, l, c);
    if ('value' in source) return source.value;
    const conds = [new Sql(`${source.ownerCol} = ${ownerAlias}."id"`), ...source.conds];
    const s = this.alias();
    return sql`coalesce((select json_agg(${s}.j) from (${this.page(l.plan, source.from, c, conds, l.args.ordering, sql` limit ${intParam(source.limit)}`, l.args.filter)}) ${s}), '[]'::json)`;
  }

  /**
   * The nested lists of many owner rows (`ownerIds`, an id array) read once for all of them: per
   * list, one grouped subquery joined to the owners by id, the same members as list() picks for each
   * owner (scope, filter, order, the limit as a row number per owner). For a write's thousands of
   * objects, a correlated subquery per owner and list costs an index probe, a sort and an aggregate
   * each (10,000 autonomous systems: 40,000 of them, ~60 ms of PostgreSQL's time).
   * Returns each list's value for object()'s `lists` and the joins that go after the owners' table.
   */
  ownersLists(owner: ObjectPlan, ownerAlias: string, ownerIds: Sql): { lists: Map<NestedListPlan, Sql | string>; joins: Sql[] } {
    const lists = new Map<NestedListPlan, Sql | string>();
    const joins: Sql[] = [];
    for (const l of owner.lists) {
      const c = this.alias();
      const source = this.listSource(owner, l, c);
      if ('value' in source) { lists.set(l, source.value); continue; }
      const order = this.order(l.list.child, c, l.args.ordering, l.args.filter);
      const conds = [sql`${source.ownerCol} = any(${ownerIds})`, ...source.conds];
      const g = this.alias();
      const members = sql`select ${c}.*, ${source.ownerCol} as "__owner", row_number() over (partition by ${source.ownerCol} order by ${order}) as "__n" from ${source.from} where ${joinSql(conds, ' and ')}`;
      joins.push(sql` left join (select ${c}."__owner", json_agg(${this.object(l.plan, c)} order by ${c}."__n") as j from (${members}) ${c} where ${c}."__n" <= ${intParam(source.limit)} group by ${c}."__owner") ${g} on ${g}."__owner" = ${ownerAlias}."id"`);
      lists.set(l, `coalesce(${g}.j, '[]'::json)`);
    }
    return { lists, joins };
  }

  /** A declared list (./declared.ts) of one owner row: the target's rows meeting its conditions, within the caller's scope. */
  private declaredList(d: ModelDescriptor, l: ObjectPlan['declaredLists'][number], ownerAlias: string): Sql | string {
    if (l.error) return 'null';
    if (!l.rows) return `'[]'::json`;
    const target = l.plan.model;
    const c = this.alias();
    const conds = [
      ...l.field.where({ col: (f) => this.column(d, ownerAlias, f), row: ownerAlias }, { col: (f) => this.column(target, c, f), row: c }, l.prepared, this.models),
      ...this.scope(target, c, l.rows),
    ];
    const s = this.alias();
    const list = sql`coalesce((select json_agg(${s}.j) from (${this.page(l.plan, `${ident(this.meta(target).tableName)} ${c}`, c, conds, l.field.ordering, '')}) ${s}), '[]'::json)`;
    // null marks a refused field (./derived.ts puts its error there).
    return l.field.refused ? sql`case when ${l.field.refused.when(l.prepared, this.models)} then null else ${list} end` : list;
  }

  /** Where the (owner, child) pairs of a list live: the pivot table of a many-to-many, or the child's own table. */
  private membership(list: NestedListPlan['list'], c: string): { from: string; ownerCol: string } {
    const childMeta = this.meta(list.child);
    const childTable = ident(childMeta.tableName);
    if (list.via === 'reverse') return { from: `${childTable} ${c}`, ownerCol: `${c}.${ident(childMeta.properties[list.field.name].fieldNames[0])}` };
    let prop: EntityProperty = this.meta(list.owner).properties[list.field.name];
    let [ownerCol, childCol] = [prop.joinColumns[0], prop.inverseJoinColumns[0]];
    if (!prop.owner) {
      prop = childMeta.properties[prop.mappedBy];
      [ownerCol, childCol] = [prop.inverseJoinColumns[0], prop.joinColumns[0]];
    }
    const m = this.alias();
    return { from: `${ident(prop.pivotTable)} ${m} join ${childTable} ${c} on ${c}."id" = ${m}.${ident(childCol)}`, ownerCol: `${m}.${ident(ownerCol)}` };
  }
}

type NestedListPlan = ObjectPlan['lists'][number];

/** The fields of a related row its derived functions read (./derived.ts Loads), the relations they load among them; all without a trace of them. */
const relatedReads = (loads: Loads): ((name: string) => boolean) => (loads.read ? (name) => loads.read!.has(name) || loads.has(name) : () => true);

/** A plan selecting nothing but the id. */
export function idOnly(plan: ObjectPlan): boolean {
  return plan.columns.length === 1 && plan.columns[0].field.name === 'id' && !plan.columns[0].hidden
    && !plan.fks.length && !plan.lists.length && !plan.derived.length && !plan.scalars.length && !plan.declaredLists.length;
}

/**
 * The JSON object of `pairs` (key, SQL value), keys in this order. row_to_json over a one-row
 * subselect whose columns the keys name costs PostgreSQL 20-30% less per object than
 * json_build_object, which looks up every argument's type and writes every key through text's
 * output function, per row (10,000 autonomous systems' full representations: 74 against 96 ms of
 * the backend's CPU, bench/RESULTS.md "rest-bulk: objects by row_to_json"). A key longer than an
 * identifier may be (a long GraphQL alias) keeps json_build_object, in parts: it takes at most 100 arguments.
 */
function buildObject(pairs: [string, Sql | string][]): Sql {
  if (!pairs.length) return new Sql("'{}'::json");
  if (namesFit(pairs)) return sql`(select row_to_json(_o) from (${columns(pairs)}) _o)`;
  const calls: Sql[] = [];
  for (let i = 0; i < pairs.length; i += PAIRS_PER_CALL) {
    const args = pairs.slice(i, i + PAIRS_PER_CALL).map(([k, v]) => sql`'${k.replace(/'/g, "''")}', ${v}`);
    calls.push(sql`json_build_object(${joinSql(args, ', ')})`);
  }
  return calls.length === 1 ? calls[0] : sql`(${joinSql(calls.map((c) => sql`${c}::jsonb`), ' || ')})::json`;
}

/** Whether every key can name a column (PostgreSQL truncates longer identifiers). */
const namesFit = (pairs: [string, Sql | string][]): boolean => pairs.every(([k]) => Buffer.byteLength(k) <= MAX_IDENTIFIER_BYTES);

/** A one-row select whose columns the keys name. */
const columns = (pairs: [string, Sql | string][]): Sql => sql`select ${joinSql(pairs.map(([k, v]) => sql`${v} as ${ident(k)}`), ', ')}`;
