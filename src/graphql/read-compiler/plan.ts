// What a GraphQL selection asks of the models: for each object in the response, which columns,
// which foreign keys (an object each), which nested lists (with their filter, ordering and limit)
// and which derived values (display, computed fields), with the caller's read grant of every
// model reached. Everything is taken from the model descriptors; a selection that reaches a field
// no descriptor declares (a custom resolver) is Unsupported and the caller reads it the old way.
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

/** A selection the compiler does not (yet) turn into SQL; the resolver falls back to the ORM path. */
export class Unsupported extends Error {}

export interface ObjectPlan {
  model: ModelDescriptor;
  /** Own columns (and the id), keyed by field name; `hidden`: a secret this caller may not see (null). */
  columns: { field: FieldMeta; hidden: boolean }[];
  /** Foreign keys; `rows` null when the caller reads none of the target (the value is null). */
  fks: { field: FieldMeta; plan: ObjectPlan; rows: RowCondition[] | null }[];
  /** Lists inside the object; `rows` null when the caller reads none of the child (the list is empty). */
  lists: { list: NestedList; args: ListArgs; plan: ObjectPlan; rows: RowCondition[] | null }[];
  /** `display` and computed field names, derived after the statement from the row (./derived.ts). */
  derived: string[];
}

/** Selected fields of one object type by field name, merged over fragments; aliases of one field must agree on arguments. */
function collect(info: GraphQLResolveInfo, type: GraphQLObjectType, sets: readonly (SelectionSetNode | undefined)[]): Map<string, FieldNode[]> {
  const out = new Map<string, FieldNode[]>();
  const walk = (set: SelectionSetNode | undefined) => {
    for (const sel of set?.selections ?? []) {
      if (getDirectiveValues(GraphQLSkipDirective, sel, info.variableValues)?.if === true) continue;
      if (getDirectiveValues(GraphQLIncludeDirective, sel, info.variableValues)?.if === false) continue;
      if (sel.kind === Kind.FIELD) {
        const name = sel.name.value;
        (out.get(name) ?? out.set(name, []).get(name)!).push(sel);
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

/** The arguments of a field selected one or more times; different arguments under different aliases are Unsupported. */
function argsOf(info: GraphQLResolveInfo, type: GraphQLObjectType, nodes: FieldNode[]): Record<string, any> {
  const def = type.getFields()[nodes[0].name.value];
  const values = nodes.map((n) => getArgumentValues(def, n, info.variableValues));
  const first = JSON.stringify(values[0]);
  if (values.some((v) => JSON.stringify(v) !== first)) throw new Unsupported(`${type.name}.${def.name} with different arguments`);
  return values[0];
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

export class Planner {
  constructor(private info: GraphQLResolveInfo, private caller: Caller) {}

  private typeOf(d: ModelDescriptor): GraphQLObjectType {
    return this.info.schema.getType(d.name) as GraphQLObjectType;
  }

  /** The plan of objects of `d` with these selection sets. */
  object(d: ModelDescriptor, sets: readonly (SelectionSetNode | undefined)[]): ObjectPlan {
    const type = this.typeOf(d);
    const plan: ObjectPlan = { model: d, columns: [], fks: [], lists: [], derived: [] };
    const secretsShown = canSeeSecrets(this.caller, d);
    const own = gqlFields(d);
    const lists = new Map(nestedLists(d).map((l) => [l.name, l]));
    for (const [name, nodes] of collect(this.info, type, sets)) {
      if (name === '__typename') continue;
      const f = own.get(name);
      // A field declared under another GraphQL name would be read by its property name.
      if (f?.gqlName) throw new Unsupported(`${d.name}.${name} renamed`);
      const subSets = nodes.map((n) => n.selectionSet);
      if (name === 'display' || (d.computed && Object.hasOwn(d.computed, name))) {
        plan.derived.push(name);
      } else if (f?.kind === 'fk') {
        const target = describe(f.target!());
        const g = readGrant(this.caller, target);
        plan.fks.push({ field: f, plan: this.object(target, subSets), rows: g.allowed ? g.rows : null });
      } else if (lists.has(name)) {
        const list = lists.get(name)!;
        const args = argsOf(this.info, type, nodes);
        const g = readGrant(this.caller, list.child);
        plan.lists.push({ list, args: { filter: args.filter, ordering: args.ordering, limit: args.limit }, plan: this.object(list.child, subSets), rows: g.allowed ? g.rows : null });
      } else if (f && f.kind !== 'm2m') {
        plan.columns.push({ field: f, hidden: !!f.secret && !secretsShown });
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
