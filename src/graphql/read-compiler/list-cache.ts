// A root field's plan and statement, built once per shape and reused: the same document (a REST
// dialect's, a client's persisted query) read by the same kind of caller differs from request to
// request only in values that are parameters of the statement: a list's limit, offset and filter
// values, a detail's id, a write's ids (src/db/prepared-reads.ts prepares it once per connection
// for the same reason). Planning the selection and writing the statement of a 50-AS Peering
// Manager page cost about as much as deriving its display values; of a filtered 25-AS page, about
// a ninth of the gateway's CPU for it (bench/load/per-op.ts).
//
// What a statement depends on, and so the key: the field's selection (its AST node, the document's
// own), the values of the variables used inside that selection (nested arguments, @include), the
// list's ordering, whether it has a limit and an offset, the text of its filter's SQL (the values
// are parameters, rendered per request), the paging configuration, whether related rows are
// narrow (./derived.ts), and of the caller what the read
// grants and secrets read (role, user id, whether the token writes). Statements that depend on
// more are built every time: a filter the direct renderer (./filter-sql.ts) does not know or one
// that orders (MikroORM's raw fragments are single-use), a nested list's filter, a declared list
// (its arguments are prepared per request, possibly from the database), a nested argument refused
// with an error.
import { Kind, visit, type ASTNode, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo } from 'graphql';
import type { ListArgs, Paging } from '../../domain/crud';
import { roleOf } from '../../domain/access';
import type { Caller } from '../../domain/users/caller';
import type { ObjectPlan } from './plan';
import { narrowRelatedRows, type Loads } from './derived';
import { Sql } from './sql';

export interface BuiltList {
  plan: ObjectPlan;
  loadsByPlan: Map<ObjectPlan, Loads>;
  /** The page with its count, its limit and offset as LIMIT and OFFSET markers; null for limit 0. */
  page: Sql | null;
  count: Sql | null;
}

/** Stand-ins for the page's limit and offset among a built statement's parameters (bind() puts the values there). */
export const LIMIT = Symbol('limit');
export const OFFSET = Symbol('offset');
/** Stand-in for a detail's id or a write's ids. */
export const IDS = Symbol('ids');

/** Stand-in for the `index`th parameter of the list's filter. */
export class FilterParam {
  constructor(readonly index: number) {}
}

/** A filter's SQL whose parameters are stand-ins, for a statement that serves every value. */
export const withStandIns = (filter: Sql): Sql => new Sql(filter.text, filter.params.map((_, i) => new FilterParam(i)));

/** A detail's or a written object's plan and statement (its ids as IDS). */
export interface BuiltObject { plan: ObjectPlan; loadsByPlan: Map<ObjectPlan, Loads>; statement: Sql }

/** Shapes kept per field node: callers of many users each have their own (an owner's rows). */
const PER_FIELD = 200;

const built = new WeakMap<FieldNode, Map<string, BuiltList | BuiltObject>>();
const variablesUsed = new WeakMap<FieldNode, string[]>();

/** The statement's parameters with this request's values in place of the stand-ins. */
export function bind(statement: Sql, values: { limit?: number; offset?: number; ids?: string; filter?: Sql }): unknown[] {
  return statement.params.map((p) => {
    if (p === LIMIT) return String(values.limit);
    if (p === OFFSET) return String(values.offset);
    if (p === IDS) return values.ids;
    if (p instanceof FilterParam) return values.filter!.params[p.index];
    return p;
  });
}

/** Names of the variables used inside a field's selection, fragments included. */
function variablesIn(node: FieldNode, fragments: Record<string, FragmentDefinitionNode>): string[] {
  let names = variablesUsed.get(node);
  if (names) return names;
  const found = new Set<string>();
  const seen = new Set<string>();
  const walk = (n: ASTNode | undefined) => {
    if (!n) return;
    visit(n, {
      enter(x) {
        if (x.kind === Kind.VARIABLE) found.add(x.name.value);
        else if (x.kind === Kind.FRAGMENT_SPREAD && !seen.has(x.name.value)) {
          seen.add(x.name.value);
          walk(fragments[x.name.value]?.selectionSet);
        }
      },
    });
  };
  walk(node.selectionSet);
  // The field's own directives: a skipped field is not resolved, but they are cheap to count in.
  for (const d of node.directives ?? []) walk(d);
  variablesUsed.set(node, (names = [...found].sort()));
  return names;
}

export const emptyFilter = (f: ListArgs['filter']): boolean => f === null || f === undefined || (typeof f === 'object' && !Object.keys(f).length);

/**
 * The key of this field's shape, or null when its statement is built for this request alone.
 * `own`: what else the statement depends on (a list's ordering, paging and its filter's SQL text).
 */
export function shapeKey(info: GraphQLResolveInfo, caller: Caller, paging: Paging, own: unknown[]): string | null {
  if (info.fieldNodes.length !== 1) return null;
  const node = info.fieldNodes[0];
  if (node.kind !== Kind.FIELD) return null;
  const vars = variablesIn(node, info.fragments).map((n) => info.variableValues[n]);
  return JSON.stringify([
    roleOf(caller), caller.user?.id ?? null, caller.canWrite, paging.paginateCount ?? null, paging.maxPageSize ?? null, narrowRelatedRows(), vars, own,
  ]);
}

/** Whether a built plan depends on nothing but its key (see the header). */
export function reusable(plan: ObjectPlan): boolean {
  return !plan.declaredLists.length && !plan.failed.length
    && plan.fks.every((f) => reusable(f.plan))
    && plan.lists.every((l) => emptyFilter(l.args.filter) && reusable(l.plan));
}

export function remembered<T extends BuiltList | BuiltObject>(info: GraphQLResolveInfo, key: string): T | undefined {
  return built.get(info.fieldNodes[0])?.get(key) as T | undefined;
}

export function remember(info: GraphQLResolveInfo, key: string, list: BuiltList | BuiltObject): void {
  const node = info.fieldNodes[0];
  let shapes = built.get(node);
  if (!shapes) built.set(node, (shapes = new Map()));
  if (shapes.size >= PER_FIELD) shapes.delete(shapes.keys().next().value!);
  shapes.set(key, list);
}
