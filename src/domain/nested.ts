// Lists inside an object (a router's sessions, an object's tags): which exist, and how many rows
// per owner one reads. Each list takes the filter, ordering and limit of its model's root list and
// is read within the caller's scope of that model (the read compiler renders it, per owner).
import { allModels, describe, type FieldMeta, type ModelDescriptor } from './model';
import type { Paging } from './crud';
import { ValidationError } from './errors';

/** A list field of `owner` whose items are rows of `child`. */
export interface NestedList {
  /** The GraphQL field name on the owner. */
  name: string;
  owner: ModelDescriptor;
  child: ModelDescriptor;
  /** m2m: the owner's many-to-many field; reverse: the child's foreign key to the owner. */
  via: 'm2m' | 'reverse';
  field: FieldMeta;
}

/** The most rows per owner a nested list reads when MAX_PAGE_SIZE is 0 (unlimited). */
export const NESTED_LIST_CAP = 1000;

const lowerFirst = (s: string) => s.replace(/^[A-Z]+s?$|^[A-Z]+(?=[A-Z][a-z])|^[A-Z]/, (m) => m.toLowerCase());

let byOwner: Map<ModelDescriptor, NestedList[]> | null = null;

/** Every nested list of a model: its many-to-many fields, and foreign keys of other models declared with `reverse`. */
export function nestedLists(owner: ModelDescriptor): NestedList[] {
  if (!byOwner) {
    const map = new Map<ModelDescriptor, NestedList[]>();
    const add = (l: NestedList) => (map.get(l.owner) ?? map.set(l.owner, []).get(l.owner)!).push(l);
    for (const d of allModels()) {
      for (const f of d.fields) {
        if (f.kind === 'm2m' && !f.writeOnly) add({ name: f.name, owner: d, child: describe(f.target!()), via: 'm2m', field: f });
        if (f.kind === 'fk' && f.reverse) {
          add({ name: typeof f.reverse === 'string' ? f.reverse : lowerFirst(d.plural), owner: describe(f.target!()), child: d, via: 'reverse', field: f });
        }
      }
    }
    for (const [d, lists] of map) {
      const names = new Set(d.fields.map((f) => f.name).concat(Object.keys(d.computed ?? {}), 'display'));
      for (const l of lists) {
        if (l.via === 'reverse' && names.has(l.name)) throw new Error(`${d.name}.${l.name}: reverse list of ${l.child.name}.${l.field.name} clashes with a field`);
        names.add(l.name);
      }
    }
    byOwner = map;
  }
  return byOwner.get(owner) ?? [];
}

/**
 * Rows per owner, as a root list pages: PAGINATE_COUNT by default, 0 for the most allowed, never
 * more than MAX_PAGE_SIZE (or NESTED_LIST_CAP when that is 0, unlimited).
 */
export function nestedLimit(limit: number | null | undefined, paging: Paging): number {
  const max = paging.maxPageSize || NESTED_LIST_CAP;
  if (limit === undefined || limit === null) return Math.min(paging.paginateCount, max);
  if (limit < 0) throw new ValidationError({ limit: ['Ensure this value is greater than or equal to 0.'] });
  return limit === 0 ? max : Math.min(limit, max);
}
