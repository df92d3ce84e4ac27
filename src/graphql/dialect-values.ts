// The REST dialects speak choices as Peering Manager stores them ('pre-maintenance', 4); GraphQL
// speaks them as enum names (PRE_MAINTENANCE, IPV4). The executor the dialects run through
// translates at this one boundary, typed by the schema: stored values to names in variables, names
// to stored values in results. No dialect carries its own mapping.
import {
  getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isObjectType, isInterfaceType, Kind, typeFromAST,
  type DocumentNode, type FragmentDefinitionNode, type GraphQLEnumType, type GraphQLInputObjectType, type GraphQLInputType, type GraphQLNamedType,
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

const enumBearing = new WeakMap<GraphQLNamedType, boolean>();

/** Whether values of an input type can hold an enum anywhere inside (decided once per type): the others are left as they are, unwalked. */
function holdsEnum(type: GraphQLInputType, seen = new Set<GraphQLNamedType>()): boolean {
  const named = getNamedType(type);
  const known = enumBearing.get(named);
  if (known !== undefined) return known;
  if (isEnumType(named)) return true;
  if (!isInputObjectType(named) || seen.has(named)) return false;
  const top = seen.size === 0;
  seen.add(named);
  const holds = Object.values(named.getFields()).some((f) => holdsEnum(f.type, seen));
  // A "no" below the top may be partial (a type of a cycle still being explored); the top's is whole.
  if (top || holds) enumBearing.set(named, holds);
  return holds;
}

/** Variables with stored choice values -> the same with enum names; an unknown value is a field error. */
export function variablesToEnumNames(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>): Record<string, unknown> {
  const op = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!op || op.kind !== Kind.OPERATION_DEFINITION) return variables;
  const bad: Bad[] = [];
  const out = { ...variables };
  for (const def of op.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const type = typeFromAST(schema, def.type as any) as GraphQLInputType | undefined;
    if (type && out[name] !== undefined && out[name] !== null && holdsEnum(type)) out[name] = convertInput(type, out[name], bad, null, name, true);
  }
  if (bad.length) throw choiceErrors(bad);
  return out;
}

const enumFieldsOf = new WeakMap<GraphQLInputObjectType, string[]>();

/** The fields of an input object type whose values can hold an enum: the only ones walked. */
function enumFields(type: GraphQLInputObjectType): string[] {
  let names = enumFieldsOf.get(type);
  if (!names) {
    names = Object.values(type.getFields()).filter((f) => holdsEnum(f.type)).map((f) => f.name);
    enumFieldsOf.set(type, names);
  }
  return names;
}

/**
 * The value with enum names for stored values; lists and objects are copied only where something
 * changed (a bulk write's 10,000 inputs without a choice among their values are not copied again).
 * `index`: which object of a top-level list (bulk inputs) an error belongs to.
 */
function convertInput(type: GraphQLInputType, value: unknown, bad: Bad[], index: number | null, field: string, top: boolean): unknown {
  if (value === null || value === undefined) return value;
  if (isNonNullType(type)) return convertInput(type.ofType, value, bad, index, field, top);
  if (isListType(type)) {
    if (!Array.isArray(value)) return convertInput(type.ofType, value, bad, index, field, top);
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = convertInput(type.ofType, value[i], bad, top ? i : index, field, false);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return out ?? value;
  }
  if (isEnumType(type)) {
    const name = nameOf(type, value);
    if (name === undefined) bad.push({ index, field, value });
    return name ?? value;
  }
  if (isInputObjectType(type) && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    const fields = type.getFields();
    let out: Record<string, unknown> | undefined;
    for (const k of enumFields(type)) {
      if (!Object.hasOwn(obj, k)) continue;
      // A lookup's operator (exact, n) belongs to the field it filters.
      const v = convertInput(fields[k].type, obj[k], bad, index, isLookup(type) ? field : k, false);
      if (v !== obj[k]) (out ??= { ...obj })[k] = v;
    }
    return out ?? value;
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

/**
 * Where a document's result holds enum values: per response key, the enum, or the steps below it.
 * Built once per document (the executor caches it), so a result is walked only along these keys.
 */
export type StoredValuesPlan = Step[];
type Step = { key: string; enum: GraphQLEnumType; children?: undefined } | { key: string; enum?: undefined; children: Step[] };

/** The plan of a document's operation, or null when it selects no enum field (its results need no walk). */
export function storedValuesPlan(schema: GraphQLSchema, document: DocumentNode): StoredValuesPlan | null {
  const op = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!op || op.kind !== Kind.OPERATION_DEFINITION) return null;
  const root = op.operation === 'mutation' ? schema.getMutationType() : op.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const plan = root ? stepsOf(schema, op.selectionSet, root, fragments) : [];
  return plan.length ? plan : null;
}

/** A fragment's steps join its parent's: its fields are read on the same object. */
function stepsOf(schema: GraphQLSchema, set: SelectionSetNode, parent: GraphQLObjectType, fragments: Map<string, FragmentDefinitionNode>): Step[] {
  const steps: Step[] = [];
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const def = parent.getFields()[sel.name.value];
      if (!def) continue;
      const key = sel.alias?.value ?? sel.name.value;
      const named = getNamedType(def.type);
      if (isEnumType(named)) steps.push({ key, enum: named });
      else if (sel.selectionSet && (isObjectType(named) || isInterfaceType(named))) {
        const children = stepsOf(schema, sel.selectionSet, named as GraphQLObjectType, fragments);
        if (children.length) steps.push({ key, children });
      }
    } else {
      const fragment = sel.kind === Kind.INLINE_FRAGMENT ? sel : fragments.get(sel.name.value);
      if (!fragment) continue;
      const on = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
      if (on && isObjectType(on)) steps.push(...stepsOf(schema, fragment.selectionSet, on, fragments));
    }
  }
  return steps;
}

/** Result data with enum names -> the stored values, in place, along the document's plan. */
export function toStoredValues(plan: StoredValuesPlan, data: unknown): void {
  if (Array.isArray(data)) { for (const d of data) toStoredValues(plan, d); return; }
  if (!data || typeof data !== 'object') return;
  const obj = data as Record<string, unknown>;
  for (const step of plan) {
    if (step.enum) obj[step.key] = storedValue(step.enum, obj[step.key]);
    else toStoredValues(step.children, obj[step.key]);
  }
}

function storedValue(e: GraphQLEnumType, v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => storedValue(e, x));
  return typeof v === 'string' ? (e.getValue(v)?.value ?? v) : v;
}
