// Fields of a model's GraphQL type that are not columns, relations or derived values of its
// descriptor (Peering Manager's PeeringDB features: an IX session's isAbandoned, an IX's available
// peers, an AS's IXPs shared with the affiliated AS), declared once as SQL the statement builder
// embeds: a scalar as an expression over the object's row, a list of another model as conditions
// on its rows (which the caller's read grant of that model narrows as any nested list). The field
// resolver of such a field only hands the compiled value through (./index.ts handThrough).
import type { ModelDescriptor } from '../../domain/model';
import type { GqlContext } from '../context';
import type { Sql } from './sql';
import type { MappedNames } from '../../db/naming';

/** Column SQL of a model's row at an alias ("alias"."column"). */
export type ColumnOf = (field: string) => string;

/**
 * Any model's table and columns as the ORM maps them, and the caller's read conditions on its rows:
 * what a declared field's SQL reads beyond the rows it is given.
 */
export interface Models extends MappedNames {
  /** The caller's read conditions on rows of the model at an alias (['false'] when it reads none). */
  readable(cls: Function, alias: string): Sql[];
}

export interface ScalarField {
  kind: 'scalar';
  /** The value of one object whose row is at `row` (its columns through `col`). */
  sql: (col: ColumnOf, row: string, models: Models) => Sql;
}

export interface ListField<P = unknown> {
  kind: 'list';
  target: () => Function;
  /** Ordering of the target's rows (field names, '-' for descending; id last). */
  ordering: string[];
  /**
   * What the field's arguments mean for this request, found once before the statement (the
   * affiliated AS of a preference); an error thrown here is the field's error on every object.
   */
  prepare?: (ctx: GqlContext, args: Record<string, unknown>) => Promise<P>;
  /** Conditions on a target row at `c.row` for the owner row at `o.row`. */
  where: (o: { col: ColumnOf; row: string }, c: { col: ColumnOf; row: string }, prepared: P, models: Models) => Sql[];
  /** When `when` holds (for this request, over no row) the field is refused with `error` on every object. */
  refused?: { when: (prepared: P, models: Models) => Sql; error: () => Error };
}

export type DeclaredField = ScalarField | ListField<any>;

// By class: a descriptor is not asked for while modules load (describe() settles a model's access rule).
const declared = new Map<Function, Map<string, DeclaredField>>();

/** Declares the SQL of field `name` of model `cls` (next to its GraphQL field resolver). */
export function declareField<P>(cls: Function, name: string, field: ScalarField | ListField<P>): void {
  if (!declared.has(cls)) declared.set(cls, new Map());
  declared.get(cls)!.set(name, field);
}

export function declaredField(d: ModelDescriptor, name: string): DeclaredField | undefined {
  return declared.get(d.cls)?.get(name);
}

/** Every declared field, as (model class, field name, declaration). */
export function allDeclaredFields(): [Function, string, DeclaredField][] {
  return [...declared].flatMap(([cls, fields]) => [...fields].map(([name, f]) => [cls, name, f] as [Function, string, DeclaredField]));
}
