// A root list as ONE JSON text in a dialect's own key names and value formats, built by
// PostgreSQL in the one statement (json_build_object per row, json_agg over the page): a
// 60,000-row list reaches the client without a JS object per row. Its rows are a GraphQL list's:
// the filter input coerced as GraphQL coerces a variable, the caller's read grants as SQL scopes,
// the list's ordering and paging (./index.ts). What differs is only each object's text: a
// TextShape names, in the dialect's order, the model field behind each key and how SQL formats it.
import { GraphQLError, getVariableValues, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { describe, type ModelDescriptor } from '../../domain/model';
import { canSeeSecrets, readGrant, requireReadGrant } from '../../domain/access';
import type { ListArgs, Paging } from '../../domain/crud';
import { variablesToEnumNames } from '../dialect-values';
import type { GqlContext } from '../context';
import { StatementBuilder } from './statement';
import { conditions, pageBounds, run } from './index';
import type { ColumnOf } from './declared';
import { ident, joinSql, sql, Sql } from './sql';

export interface TextKey {
  /** The dialect's key. */
  key: string;
  /** The model field whose value it holds; a foreign key holds the target's id (null when the caller may not read that row). */
  field: string;
  /** The dialect's value as SQL, from the field's value `v` and the row's columns. */
  format?: (v: string, col: ColumnOf) => string;
}

export interface TextShape { model: ModelDescriptor; keys: TextKey[] }

/** A list's arguments as the dialect would pass them to the GraphQL list field (filter values as stored). */
export interface TextListArgs { filter?: Record<string, unknown> | null; ordering?: string[] | null; limit?: number | null; offset?: number | null }

/** json_build_object takes at most 100 arguments. */
const PAIRS_PER_CALL = 50;

const filterOperations = new WeakMap<GraphQLSchema, Map<string, OperationDefinitionNode>>();

/** An operation declaring `$filter` of the model's filter input, for coercing the dialect's value as GraphQL does. */
function filterOperation(schema: GraphQLSchema, d: ModelDescriptor): OperationDefinitionNode {
  let bySchema = filterOperations.get(schema);
  if (!bySchema) filterOperations.set(schema, (bySchema = new Map()));
  let op = bySchema.get(d.name);
  if (!op) {
    op = parse(`query($filter: ${d.name}Filter) { __typename }`).definitions[0] as OperationDefinitionNode;
    bySchema.set(d.name, op);
  }
  return op;
}

/** The filter as the list field's resolver receives it; a bad value is GraphQL's error for that variable. */
function coercedFilter(schema: GraphQLSchema, d: ModelDescriptor, filter: TextListArgs['filter']): ListArgs['filter'] {
  if (filter === undefined || filter === null) return null;
  const op = filterOperation(schema, d);
  const named = variablesToEnumNames(schema, { kind: 'Document', definitions: [op] } as any, { filter });
  const r = getVariableValues(schema, op.variableDefinitions ?? [], named, { maxErrors: 1 });
  if (r.errors) throw r.errors[0] as GraphQLError;
  return r.coerced.filter as ListArgs['filter'];
}

/** The value of `key` on the row at `alias`, as GraphQL would hand it (a hidden secret null, a foreign key the caller may read). */
function value(builder: StatementBuilder, ctx: GqlContext, d: ModelDescriptor, alias: string, key: TextKey): Sql {
  const f = d.field(key.field);
  if (!f) throw new Error(`${d.name}.${key.field}: no such field`);
  const col: ColumnOf = (name) => builder.column(d, alias, name);
  let v: Sql;
  if (f.secret && !canSeeSecrets(ctx.caller, d)) v = new Sql('null');
  else if (f.kind !== 'fk') v = new Sql(col(f.name));
  else {
    const target = describe(f.target!());
    const g = readGrant(ctx.caller, target);
    if (!g.allowed) v = new Sql('null');
    else if (!g.rows.length) v = new Sql(col(f.name));
    else {
      const t = builder.alias();
      const scoped = joinSql([new Sql(`${t}."id" = ${col(f.name)}`), ...builder.scope(target, t, g.rows)], ' and ');
      v = sql`(select ${t}."id" from ${ident(builder.meta(target).tableName)} ${t} where ${scoped})`;
    }
  }
  // A format writes `v` once, so its parameters stay in place.
  return key.format ? new Sql(key.format(v.text, col), v.params) : v;
}

/**
 * The object's text. Past 50 pairs, the parts' texts are joined (a jsonb merge would reorder the
 * keys): `{"a" : 1` + `, ` + `"b" : 2}` is what one json_build_object of both writes.
 */
function objectText(pairs: [string, Sql][]): Sql {
  const calls: Sql[] = [];
  for (let i = 0; i < pairs.length; i += PAIRS_PER_CALL) {
    const args = pairs.slice(i, i + PAIRS_PER_CALL).map(([k, v]) => sql`'${k.replace(/'/g, "''")}', ${v}`);
    calls.push(sql`json_build_object(${joinSql(args, ', ')})`);
  }
  if (calls.length === 1) return calls[0];
  const parts = calls.map((c, i) => {
    if (i === 0) return sql`left(${c}::text, -1)`;
    return i === calls.length - 1 ? sql`right(${c}::text, -1)` : sql`substr(${c}::text, 2, length(${c}::text) - 2)`;
  });
  return sql`(${joinSql(parts, ` || ', ' || `)})::json`;
}

/**
 * A page of `shape.model` as one JSON array text: the rows the GraphQL list field answers for
 * these arguments, each written as `shape` says, in the list's order.
 */
export async function compiledListText(ctx: GqlContext, schema: GraphQLSchema, shape: TextShape, args: TextListArgs, paging: Paging): Promise<string> {
  const d = shape.model;
  // As GraphQL: the variables are coerced before the field's resolver checks the grant.
  const filter = coercedFilter(schema, d, args.filter);
  const rows = requireReadGrant(ctx.caller, d);
  const { limit, limitOffset } = pageBounds({ ...args, filter }, paging);
  if (limit === 0) return '[]';
  const builder = new StatementBuilder(ctx.em as SqlEntityManager, ctx.caller, paging, new Map());
  const r = builder.alias();
  const object = objectText(shape.keys.map((k) => [k.key, value(builder, ctx, d, r, k)]));
  const where = conditions(builder, d, r, rows, filter);
  const statement = sql`select coalesce(json_agg(${object} order by ${builder.order(d, r, args.ordering, filter)}), '[]')::text as data from (select ${r}.* from ${ident(builder.meta(d).tableName)} ${r}${where.length ? sql` where ${joinSql(where, ' and ')}` : ''} order by ${builder.order(d, r, args.ordering, filter)}${limitOffset}) ${r}`;
  const [row] = await run(ctx, statement);
  return String(row.data);
}
