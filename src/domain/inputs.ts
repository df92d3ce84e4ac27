// What a write's input holds for each model field, derived from the descriptor: the names every
// surface writes through (`<fk>Id` / `<fk>`, `<m2m singular>Ids` / `<m2m>`, `<json>Patch`) and
// which fields may be written or used to find a related object. The GraphQL input types
// (src/graphql/inputs.ts) and the REST bodies (rest-compat/core/body.ts) are built from these.
import type { FieldMeta, ModelDescriptor } from './model';

const singular = (s: string): string =>
  s.endsWith('ies') ? `${s.slice(0, -3)}y` : s.endsWith('ses') ? s.slice(0, -2) : s.endsWith('s') ? s.slice(0, -1) : s;

/** Names of the input fields that write one model field. */
export function inputNames(f: FieldMeta): { id?: string; ref: string } {
  if (f.kind === 'fk') return { id: `${f.name}Id`, ref: f.name };
  if (f.kind === 'm2m') return { id: `${singular(f.name)}Ids`, ref: f.name };
  return { ref: f.name };
}

/** Fields an API client may write. */
export function writableFields(d: ModelDescriptor): FieldMeta[] {
  return d.fields.filter((f) => !f.readOnly && f.kind !== 'id');
}

/** Attributes a related-object lookup may use. */
export function refFields(d: ModelDescriptor): FieldMeta[] {
  return d.fields.filter((f) => f.kind !== 'id' && f.kind !== 'fk' && f.kind !== 'm2m' && f.kind !== 'json' && !f.secret && !f.writeOnly);
}

/** The input field that merges into a mergePatch JSON field. */
export const patchName = (f: FieldMeta): string => `${f.name}Patch`;
