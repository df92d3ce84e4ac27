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
    if (type && out[name] !== undefined && out[name] !== null && holdsEnum(type)) out[name] = convertInput(type, out[name], bad, { index: null, field: name }, true);
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
