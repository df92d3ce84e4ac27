// The REST view of a model descriptor: which snake_case fields a representation
// has, in which order, and which GraphQL field each one reads. Derived only from
// FieldMeta and the descriptor, so a new model gets its REST shape for free.
import { describe, snake, type FieldMeta, type ModelDescriptor } from '../../src/domain/model';
import { inputNames } from '../../src/domain/inputs';

export type RestFieldKind = 'id' | 'url' | 'display_url' | 'display' | 'scalar' | 'choice' | 'fk' | 'm2m' | 'computed';

export interface RestField {
  rest: string;             // snake_case name in the representation
  gql: string;              // GraphQL field it reads ('' for url fields, derived from id)
  kind: RestFieldKind;
  meta?: FieldMeta;
  readOnly: boolean;
  heavy: boolean;           // left null unless asked for by name (Peering Manager #969)
  target?: ModelDescriptor; // fk / m2m
}

const cache = new Map<ModelDescriptor, { full: RestField[]; byRest: Map<string, RestField>; byGql: Map<string, RestField> }>();

function fromMeta(f: FieldMeta): RestField {
  const kind: RestFieldKind = f.kind === 'fk' ? 'fk' : f.kind === 'm2m' ? 'm2m' : f.kind === 'choice' ? 'choice' : f.kind === 'id' ? 'id' : 'scalar';
  return {
    rest: f.restName, gql: f.name, kind, meta: f, readOnly: !!f.readOnly || f.kind === 'id', heavy: !!f.heavy,
    ...(f.target ? { target: describe(f.target()) } : {}),
  };
}

function build(d: ModelDescriptor) {
  const hit = cache.get(d);
  if (hit) return hit;
  const head: RestField[] = [
    { rest: 'id', gql: 'id', kind: 'id', readOnly: true, heavy: false },
    { rest: 'url', gql: '', kind: 'url', readOnly: true, heavy: false },
    { rest: 'display_url', gql: '', kind: 'display_url', readOnly: true, heavy: false },
    { rest: 'display', gql: 'display', kind: 'display', readOnly: true, heavy: false },
  ];
  const shown = d.fields.filter((f) => f.kind !== 'id' && !f.writeOnly && !f.graphqlOnly);
  // Timestamps close the representation, as in Peering Manager's serializers.
  const stamps = shown.filter((f) => f.name === 'created' || f.name === 'updated');
  const body = shown.filter((f) => !stamps.includes(f)).map(fromMeta);
  const computed: RestField[] = Object.entries(d.computed ?? {}).map(([name, c]) => ({
    rest: c.restName ?? snake(name), gql: name, kind: 'computed', readOnly: true, heavy: false,
  }));
  const full = [...head, ...body, ...computed, ...stamps.map(fromMeta)];
  const entry = { full, byRest: new Map(full.map((f) => [f.rest, f])), byGql: new Map(full.filter((f) => f.gql).map((f) => [f.gql, f])) };
  cache.set(d, entry);
  return entry;
}

/** Every field of the full representation, in order. */
export function fullFields(d: ModelDescriptor): RestField[] {
  return build(d).full;
}

/** The nested (brief) representation: the descriptor's brief list. */
export function briefFields(d: ModelDescriptor): RestField[] {
  const { byRest, byGql } = build(d);
  return d.brief.map((n) => byGql.get(n) ?? byRest.get(n) ?? byRest.get(snake(n))).filter((f): f is RestField => !!f);
}

/** Maps names used by the GraphQL layer (fields, input names, camelCase) back to REST names. */
export function restNameOf(d: ModelDescriptor, name: string): string {
  if (name === 'nonFieldErrors') return 'non_field_errors';
  const f = d.fields.find((x) => x.name === name || inputNames(x).id === name);
  return f?.restName ?? build(d).byGql.get(name)?.rest ?? snake(name);
}
