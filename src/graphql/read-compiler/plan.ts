// What a GraphQL selection asks of the models: for each object in the response, which columns,
// which foreign keys (an object each), which nested lists (with their filter, ordering and limit)
// which derived values (display, computed fields) and which SQL-declared fields (./declared.ts),
// with the caller's read grant of every model reached. Everything is taken from the model
// descriptors and the declarations.
// Values a field resolver hands through (relations, lists, derived and declared values) are kept
// under their response key's slot (slot()), so aliases of one field with different arguments each
// get theirs and none takes a column's place; columns, read by the default resolver, by field name.
import {
  getArgumentValues, getDirectiveValues, GraphQLIncludeDirective, GraphQLSkipDirective, Kind,
  type FieldNode, type GraphQLObjectType, type GraphQLResolveInfo, type SelectionSetNode,
} from 'graphql';
import type { FieldMeta, ModelDescriptor } from '../../domain/model';
import { describe } from '../../domain/model';
import { canSeeSecrets, readGrant, type RowCondition } from '../../domain/access';
import { nestedLists, type NestedList } from '../../domain/nested';
import type { ListArgs } from '../../domain/crud';
import type { Caller } from '../../http/auth';
import { declaredField, type ListField, type ScalarField } from './declared';

/** A selection the compiler cannot read; validation and the descriptors' checks leave none (an internal error). */
export class Unsupported extends Error {}

/** Response keys are clients' aliases: the slots remembered are bounded, and forgotten all at once past it. */
const MAX_SLOTS = 10_000;
const slots = new Map<string, string>();

/**
 * Where a compiled object keeps the value a field resolver hands through for a response key. The
 * same string every time: a key made afresh for each read (every field of every object of a page)
 * is looked up in V8's string table on each, 3-4 times the cost of the read itself.
 */
export function slot(responseKey: string): string {
  let s = slots.get(responseKey);
  if (s === undefined) {
    if (slots.size >= MAX_SLOTS) slots.clear();
    slots.set(responseKey, (s = `@${responseKey}`));
  }
  return s;
}

export interface ObjectPlan {
  model: ModelDescriptor;
  /** Own columns (and the id), keyed by field name; `hidden`: a secret this caller may not see (null). */
  columns: { field: FieldMeta; hidden: boolean }[];
  /** Foreign keys; `rows` null when the caller reads none of the target (the value is null). */
  fks: { key: string; field: FieldMeta; plan: ObjectPlan; rows: RowCondition[] | null }[];
  /** Lists inside the object; `rows` null when the caller reads none of the child (the list is empty). */
  lists: { key: string; list: NestedList; args: ListArgs; plan: ObjectPlan; rows: RowCondition[] | null }[];
  /** `display` and computed fields (name, response key), derived after the statement from the row (./derived.ts). */
  derived: { key: string; name: string }[];
  /** Declared scalar fields (./declared.ts), expressions over the row. */
  scalars: { key: string; field: ScalarField }[];
  /**
   * Declared lists of another model (./declared.ts) with their arguments; `prepared` is what
   * their arguments mean (set before the statement is built), `error` the field's error instead.
   */
  declaredLists: { key: string; field: ListField; args: Record<string, unknown>; plan: ObjectPlan; rows: RowCondition[] | null; prepared?: unknown; error?: Error }[];
  /** Nested lists whose arguments are refused (a negative limit, a bad filter value): the field's error on every object. */
  failed: { key: string; error: Error }[];
}

/** Selected fields of one object type by response key, merged over fragments (validation made each key one field with one set of arguments). */
function collect(info: GraphQLResolveInfo, type: GraphQLObjectType, sets: readonly (SelectionSetNode | undefined)[]): Map<string, FieldNode[]> {
  const out = new Map<string, FieldNode[]>();
  const walk = (set: SelectionSetNode | undefined) => {
    for (const sel of set?.selections ?? []) {
      if (getDirectiveValues(GraphQLSkipDirective, sel, info.variableValues)?.if === true) continue;
      if (getDirectiveValues(GraphQLIncludeDirective, sel, info.variableValues)?.if === false) continue;
      if (sel.kind === Kind.FIELD) {
        const key = sel.alias?.value ?? sel.name.value;
        (out.get(key) ?? out.set(key, []).get(key)!).push(sel);
      } else {
        const cond = sel.kind === Kind.INLINE_FRAGMENT ? sel.typeCondition : info.fragments[sel.name.value]?.typeCondition;
        if (cond && cond.name.value !== type.name) throw new Unsupported(`fragment on ${cond.name.value}`);
        walk(sel.kind === Kind.INLINE_FRAGMENT ? sel.selectionSet : info.fragments[sel.name.value]?.selectionSet);
      }
    }
  };
  for (const s of sets) walk(s);
  return out;
}

/** The arguments of the field under one response key (the same on every node: validation checked it). */
function argsOf(info: GraphQLResolveInfo, type: GraphQLObjectType, nodes: FieldNode[]): Record<string, any> {
  return getArgumentValues(type.getFields()[nodes[0].name.value], nodes[0], info.variableValues);
}

const fieldsByName = new Map<ModelDescriptor, Map<string, FieldMeta>>();
function gqlFields(d: ModelDescriptor): Map<string, FieldMeta> {
  let m = fieldsByName.get(d);
  if (!m) {
    m = new Map(d.fields.filter((f) => !f.writeOnly).map((f) => [f.gqlName ?? f.name, f]));
    fieldsByName.set(d, m);
  }
  return m;
}

/**
 * Whether a compiled object holds field `name` of `d` under a response key's slot (a relation, a
 * list, a derived or declared value) rather than as a column: the cases Planner.object tells apart.
 */
export function handedThrough(d: ModelDescriptor, name: string): boolean {
  return !!declaredField(d, name) || name === 'display' || !!(d.computed && Object.hasOwn(d.computed, name))
    || gqlFields(d).get(name)?.kind === 'fk' || nestedLists(d).some((l) => l.name === name);
}

export class Planner {
  constructor(private info: GraphQLResolveInfo, private caller: Caller) {}

  private typeOf(d: ModelDescriptor): GraphQLObjectType {
    return this.info.schema.getType(d.name) as GraphQLObjectType;
  }

  /** The plan of objects of `d` with these selection sets. */
  object(d: ModelDescriptor, sets: readonly (SelectionSetNode | undefined)[]): ObjectPlan {
    const type = this.typeOf(d);
    const plan: ObjectPlan = { model: d, columns: [], fks: [], lists: [], derived: [], scalars: [], declaredLists: [], failed: [] };
    const secretsShown = canSeeSecrets(this.caller, d);
    const own = gqlFields(d);
    const lists = new Map(nestedLists(d).map((l) => [l.name, l]));
    const columns = new Set<string>();
    for (const [responseKey, nodes] of collect(this.info, type, sets)) {
      const name = nodes[0].name.value;
      if (name === '__typename') continue;
      const f = own.get(name);
      const key = slot(responseKey);
      const subSets = nodes.map((n) => n.selectionSet);
      const decl = declaredField(d, name);
      if (decl?.kind === 'scalar') {
        plan.scalars.push({ key, field: decl });
      } else if (decl?.kind === 'list') {
        const target = describe(decl.target());
        const g = readGrant(this.caller, target);
        plan.declaredLists.push({ key, field: decl, args: argsOf(this.info, type, nodes), plan: this.object(target, subSets), rows: g.allowed ? g.rows : null });
      } else if (name === 'display' || (d.computed && Object.hasOwn(d.computed, name))) {
        plan.derived.push({ key, name });
      } else if (f?.kind === 'fk') {
        const target = describe(f.target!());
        const g = readGrant(this.caller, target);
        plan.fks.push({ key, field: f, plan: this.object(target, subSets), rows: g.allowed ? g.rows : null });
      } else if (lists.has(name)) {
        const list = lists.get(name)!;
        const args = argsOf(this.info, type, nodes);
        const g = readGrant(this.caller, list.child);
        plan.lists.push({ key, list, args: { filter: args.filter, ordering: args.ordering, limit: args.limit }, plan: this.object(list.child, subSets), rows: g.allowed ? g.rows : null });
      } else if (f && f.kind !== 'm2m') {
        if (!columns.has(f.name)) plan.columns.push({ field: f, hidden: !!f.secret && !secretsShown });
        columns.add(f.name);
      } else {
        throw new Unsupported(`${d.name}.${name}`);
      }
    }
    return plan;
  }

  /** A root list's `items` and whether `totalCount` is selected. */
  page(d: ModelDescriptor): { items: ObjectPlan; count: boolean } {
    const listType = this.info.returnType as GraphQLObjectType;
    const named = (listType as any).ofType ?? listType;
    const top = collect(this.info, named, this.info.fieldNodes.map((n) => n.selectionSet));
    for (const name of top.keys()) if (!['items', 'totalCount', '__typename'].includes(name)) throw new Unsupported(`list field ${name}`);
    return { items: this.object(d, (top.get('items') ?? []).map((n) => n.selectionSet)), count: top.has('totalCount') };
  }

  detail(d: ModelDescriptor): ObjectPlan {
    return this.object(d, this.info.fieldNodes.map((n) => n.selectionSet));
  }
}
