// PostgreSQL text and jsonb cannot hold U+0000, so no argument value may carry it. The rule sits
// on the schema's root fields: before a root field resolves (or a subscription subscribes), the
// arguments of every field selected below it, already coerced, are searched for NUL. A read the
// compiler turns into one statement, a write, a dialect's document and a subscription all pass
// here, on whichever executor runs the schema, and a refusal is BAD_USER_INPUT naming what
// carried the byte: the input field (the first key inside an argument's object), the item of a
// bulk list, or else the argument itself.
import {
  Kind, defaultFieldResolver, getArgumentValues, getNamedType, isInputObjectType, isObjectType, isInterfaceType, isScalarType,
  GraphQLBoolean, GraphQLFloat, GraphQLInt,
  type FieldNode, type FragmentDefinitionNode, type GraphQLField, type GraphQLFieldResolver, type GraphQLInputType,
  type GraphQLNamedType, type GraphQLObjectType, type GraphQLResolveInfo, type GraphQLSchema, type SelectionSetNode,
} from 'graphql';
import { ValidationError, type FieldErrors } from '../domain/errors';

export const NUL_REFUSED = 'Null characters are not allowed.';

type AnyField = GraphQLField<unknown, unknown>;
/** A field with arguments that can hold text, at one place in a document. */
interface Site { def: AnyField; node: FieldNode }

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** Whether a coerced value has a NUL in a string or a key anywhere inside. */
export function holdsNul(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('\u0000');
  if (Array.isArray(v)) return v.some(holdsNul);
  if (isRecord(v)) return Object.entries(v).some(([k, x]) => k.includes('\u0000') || holdsNul(x));
  return false;
}

/** The fields of an object that carry NUL, by their key (a key with NUL itself: under `whole`). */
function fieldsWithNul(obj: Record<string, unknown>, whole: string): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k.includes('\u0000')) out[whole] = [NUL_REFUSED];
    else if (holdsNul(v)) out[k] = [NUL_REFUSED];
  }
  return out;
}

/** The refusal of one argument's value, or null when it holds no NUL. */
export function nulRefusal(arg: string, value: unknown): ValidationError | null {
  if (!holdsNul(value)) return null;
  if (isRecord(value)) return new ValidationError(fieldsWithNul(value, arg));
  // A list of objects is a bulk write: the items say which one, as bulk validation does.
  if (Array.isArray(value) && value.some(isRecord)) {
    return new ValidationError({}, value.map((item) => (isRecord(item) ? fieldsWithNul(item, arg) : holdsNul(item) ? { [arg]: [NUL_REFUSED] } : {})));
  }
  return new ValidationError({ [arg]: [NUL_REFUSED] });
}

const NO_TEXT = new Set<GraphQLNamedType>([GraphQLInt, GraphQLFloat, GraphQLBoolean]);

/** Whether values of an input type can hold a string: a scalar other than Int, Float, Boolean, or an input object with one. */
function holdsText(type: GraphQLInputType, seen = new Set<GraphQLNamedType>()): boolean {
  const named = getNamedType(type);
  if (isScalarType(named)) return !NO_TEXT.has(named);
  if (!isInputObjectType(named) || seen.has(named)) return false;
  seen.add(named);
  return Object.values(named.getFields()).some((f) => holdsText(f.type, seen));
}

/** The sites below one selection set: fields (through fragments) whose arguments can hold text. */
function collectSites(
  schema: GraphQLSchema, parent: GraphQLNamedType, set: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>, text: (f: AnyField) => boolean, out: Site[],
): void {
  if (!set) return;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (sel.name.value.startsWith('__') || !(isObjectType(parent) || isInterfaceType(parent))) continue;
      const def = parent.getFields()[sel.name.value] as AnyField | undefined;
      if (!def) continue;
      if (sel.arguments?.length && text(def)) out.push({ def, node: sel });
      collectSites(schema, getNamedType(def.type), sel.selectionSet, fragments, text, out);
    } else {
      const fragment = sel.kind === Kind.FRAGMENT_SPREAD ? fragments[sel.name.value] : sel;
      if (!fragment) continue;
      const type = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
      if (type) collectSites(schema, type, fragment.selectionSet, fragments, text, out);
    }
  }
}

/**
 * Puts the rule on every root field of `schema` (resolve, and subscribe for subscriptions).
 * Where the arguments sit in a document is found once per document (by its root field nodes);
 * per request only those arguments are read.
 */
export function refuseNulInArguments(schema: GraphQLSchema): void {
  const textual = new WeakMap<AnyField, boolean>();
  const text = (f: AnyField) => {
    let t = textual.get(f);
    if (t === undefined) textual.set(f, (t = f.args.some((a) => holdsText(a.type))));
    return t;
  };
  const sitesOf = new WeakMap<FieldNode, Site[]>();
  const check = (root: GraphQLObjectType, info: GraphQLResolveInfo): void => {
    for (const node of info.fieldNodes) {
      let sites = sitesOf.get(node);
      if (!sites) {
        sites = [];
        const def = root.getFields()[node.name.value] as AnyField;
        if (node.arguments?.length && text(def)) sites.push({ def, node });
        collectSites(schema, getNamedType(def.type), node.selectionSet, info.fragments, text, sites);
        sitesOf.set(node, sites);
      }
      for (const site of sites) {
        let args: Record<string, unknown>;
        // An argument that does not coerce is its own field's error, reported where it is resolved.
        try { args = getArgumentValues(site.def, site.node, info.variableValues); } catch { continue; }
        for (const [name, value] of Object.entries(args)) {
          const refusal = nulRefusal(name, value);
          if (refusal) throw refusal;
        }
      }
    }
  };
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      const guard = <T extends GraphQLFieldResolver<unknown, unknown>>(inner: T): T =>
        ((source, args, ctx, info) => { check(root, info); return inner(source, args, ctx, info); }) as T;
      if (field.subscribe) field.subscribe = guard(field.subscribe);
      else field.resolve = guard(field.resolve ?? defaultFieldResolver);
    }
  }
}
