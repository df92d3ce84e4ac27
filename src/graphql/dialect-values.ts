// The REST dialects speak choices as Peering Manager stores them ('pre-maintenance', 4); GraphQL
// speaks them as enum names (PRE_MAINTENANCE, IPV4). The executor the dialects run through
// translates at this one boundary, typed by the schema: stored values to names in variables, names
// to stored values in results. No dialect carries its own mapping.
import {
  getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isObjectType, isInterfaceType, Kind, typeFromAST,
  type DocumentNode, type FragmentDefinitionNode, type GraphQLEnumType, type GraphQLInputType, type GraphQLNamedType,
  type GraphQLObjectType, type GraphQLSchema, type SelectionSetNode,
} from 'graphql';
import { ValidationError } from '../domain/errors';
import type { FieldErrors } from '../domain/errors';

const byStored = new WeakMap<GraphQLEnumType, Map<string, string>>();

function nameOf(e: GraphQLEnumType, stored: unknown): string | undefined {
  let m = byStored.get(e);
  if (!m) {
    m = new Map(e.getValues().map((v) => [String(v.value), v.name]));
    byStored.set(e, m);
  }
  return m.get(String(stored));
}

interface Bad { index: number | null; field: string; value: unknown }

/** Variables with stored choice values -> the same with enum names; an unknown value is a field error. */
export function variablesToEnumNames(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>): Record<string, unknown> {
  const op = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!op || op.kind !== Kind.OPERATION_DEFINITION) return variables;
  const bad: Bad[] = [];
  const out = { ...variables };
  for (const def of op.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const type = typeFromAST(schema, def.type as any) as GraphQLInputType | undefined;
    if (type && out[name] !== undefined && out[name] !== null) out[name] = convertInput(type, out[name], bad, { index: null, field: name }, true);
  }
  if (bad.length) throw choiceErrors(bad);
  return out;
}

function convertInput(type: GraphQLInputType, value: unknown, bad: Bad[], at: { index: number | null; field: string }, top: boolean): unknown {
  if (value === null || value === undefined) return value;
  if (isNonNullType(type)) return convertInput(type.ofType, value, bad, at, top);
  if (isListType(type)) {
    if (!Array.isArray(value)) return convertInput(type.ofType, value, bad, at, top);
    // The index of a top-level list (bulk inputs) says which object an error belongs to.
    return value.map((v, i) => convertInput(type.ofType, v, bad, top ? { index: i, field: at.field } : at, false));
  }
  if (isEnumType(type)) {
    const name = nameOf(type, value);
    if (name === undefined) bad.push({ ...at, value });
    return name ?? value;
  }
  if (isInputObjectType(type) && typeof value === 'object' && !Array.isArray(value)) {
    const fields = type.getFields();
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const f = fields[k];
      // A lookup's operator (exact, n) belongs to the field it filters.
      out[k] = f ? convertInput(f.type, v, bad, { index: at.index, field: isLookup(type) ? at.field : k }, false) : v;
    }
    return out;
  }
  return value;
}

const isLookup = (t: GraphQLNamedType) => t.name.endsWith('Lookup');

function choiceErrors(bad: Bad[]): ValidationError {
  const message = (b: Bad) => `"${String(b.value)}" is not a valid choice.`;
  const add = (errors: FieldErrors, b: Bad) => { (errors[b.field] ??= []).push(message(b)); };
  if (bad.every((b) => b.index === null)) {
    const fields: FieldErrors = {};
    for (const b of bad) add(fields, b);
    return new ValidationError(fields);
  }
  const items: FieldErrors[] = [];
  for (const b of bad) add((items[b.index ?? 0] ??= {}), b);
  for (let i = 0; i < items.length; i++) items[i] ??= {};
  return new ValidationError({}, items);
}

/** Result data with enum names -> the stored values, in place. */
export function resultToStoredValues(schema: GraphQLSchema, document: DocumentNode, data: Record<string, unknown> | null | undefined): void {
  const op = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!data || !op || op.kind !== Kind.OPERATION_DEFINITION) return;
  const root = op.operation === 'mutation' ? schema.getMutationType() : op.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  if (root) storedIn(schema, op.selectionSet, root, data, fragments);
}

function storedIn(schema: GraphQLSchema, set: SelectionSetNode, parent: GraphQLObjectType, data: unknown, fragments: Map<string, FragmentDefinitionNode>): void {
  if (Array.isArray(data)) { for (const d of data) storedIn(schema, set, parent, d, fragments); return; }
  if (!data || typeof data !== 'object') return;
  const obj = data as Record<string, unknown>;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const def = parent.getFields()[sel.name.value];
      if (!def) continue;
      const key = sel.alias?.value ?? sel.name.value;
      const named = getNamedType(def.type);
      if (isEnumType(named)) obj[key] = storedValue(named, obj[key]);
      else if (sel.selectionSet && (isObjectType(named) || isInterfaceType(named))) storedIn(schema, sel.selectionSet, named as GraphQLObjectType, obj[key], fragments);
    } else {
      const fragment = sel.kind === Kind.INLINE_FRAGMENT ? sel : fragments.get(sel.name.value);
      if (!fragment) continue;
      const on = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
      if (on && isObjectType(on)) storedIn(schema, fragment.selectionSet, on, data, fragments);
    }
  }
}

function storedValue(e: GraphQLEnumType, v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => storedValue(e, x));
  return typeof v === 'string' ? (e.getValue(v)?.value ?? v) : v;
}

/** Whether a document selects any enum field (results of the others need no walk). */
export function selectsEnums(schema: GraphQLSchema, document: DocumentNode): boolean {
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode, parent: GraphQLNamedType | null | undefined): boolean => {
    if (!parent || !(isObjectType(parent) || isInterfaceType(parent))) return false;
    return set.selections.some((sel) => {
      if (sel.kind === Kind.FIELD) {
        const def = parent.getFields()[sel.name.value];
        if (!def) return false;
        const named = getNamedType(def.type);
        return isEnumType(named) || (!!sel.selectionSet && walk(sel.selectionSet, named));
      }
      if (sel.kind === Kind.INLINE_FRAGMENT) return walk(sel.selectionSet, sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent);
      if (seen.has(sel.name.value)) return false;
      seen.add(sel.name.value);
      const f = document.definitions.find((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === sel.name.value);
      return !!f && walk(f.selectionSet, schema.getType(f.typeCondition.name.value));
    });
  };
  return document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION
    && walk(d.selectionSet, d.operation === 'mutation' ? schema.getMutationType() : d.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType()));
}
