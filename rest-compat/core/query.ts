// Query string -> the GraphQL filter input and ordering of a model, using the
// same filter fields GraphQL clients see (filterFields) and Peering Manager's
// lookup suffixes (`asn__gt=5` -> `{ asn: { gt: 5 } }`). Values are checked
// here so a wrong-typed parameter is a 400 naming it, never a 500.
import { snake, type FilterKind, type ModelDescriptor } from '../../src/domain/model';
import { filterFields, type FilterField } from '../../src/domain/filters';
import { validDate } from '../../src/domain/values';
import { dict } from './form';

export type ParamErrors = Record<string, string[]>;

/** Query parameters that shape the response instead of filtering it. */
export const RESERVED = new Set(['limit', 'offset', 'ordering', 'brief', 'fields', 'exclude', 'format', 'export']);

/** Lookup suffixes each filter kind accepts (Peering Manager's lookup map, plus `empty`). */
const SUFFIXES: Record<FilterKind, string[]> = {
  numeric: ['n', 'lt', 'lte', 'gt', 'gte', 'empty'],
  string: ['n', 'ic', 'nic', 'isw', 'nisw', 'iew', 'niew', 'ie', 'nie', 'fie', 'fic', 'fisw', 'empty'],
  choice: ['n'],
  id: ['n', 'empty'],
  bool: [],
  datetime: ['n', 'lt', 'lte', 'gt', 'gte'],
  ip: ['n', 'ic', 'isw', 'empty'],
  uuid: ['n'],
  jsonList: [],
};
const SINGLE = new Set(['lt', 'lte', 'gt', 'gte', 'empty']);

const INT32 = 2147483647;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const invalidChoice = (v: string) => `Select a valid choice. ${v} is not one of the available choices.`;

class ParamError extends Error {}

export function parseBool(v: string): boolean {
  const s = v.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(s)) return true;
  if (['false', '0', 'no', 'off'].includes(s)) return false;
  throw new ParamError(invalidChoice(v));
}

function parseFloat(v: string): number {
  const n = Number(v.trim());
  if (v.trim() === '' || !Number.isFinite(n)) throw new ParamError('Enter a number.');
  return n;
}

function parseInt(v: string, big: boolean): number {
  const s = v.trim();
  if (!/^-?\d+$/.test(s)) throw new ParamError('Enter a number.');
  const n = Number(s);
  if (big ? !Number.isSafeInteger(n) || n < 0 : n > INT32 || n < -INT32 - 1) {
    throw new ParamError(n < 0 ? `Ensure this value is greater than or equal to ${big ? 0 : -INT32 - 1}.` : `Ensure this value is less than or equal to ${big ? Number.MAX_SAFE_INTEGER : INT32}.`);
  }
  return n === 0 ? 0 : n; // -0 is 0
}

/** One value of a filter, converted to what its GraphQL lookup takes. */
function convert(ff: FilterField, op: string, v: string): unknown {
  if (op === 'empty') return parseBool(v);
  switch (ff.kind) {
    case 'numeric': return ff.source.kind === 'float' ? parseFloat(v) : parseInt(v, ff.source.kind === 'asn' || ff.source.kind === 'bigint');
    case 'id': {
      if (!/^\d+$/.test(v.trim()) || Number(v) > INT32) throw new ParamError(invalidChoice(v));
      return v.trim();
    }
    case 'choice': {
      const hit = ff.source.choices!.values.find((c) => String(c.value) === v);
      if (!hit) throw new ParamError(invalidChoice(v));
      return hit.value;
    }
    case 'bool': return parseBool(v);
    case 'datetime':
      // Years 1 to 9999, as Django's DateTimeField: beyond them JavaScript or PostgreSQL cannot hold the value.
      if (!validDate(v)) throw new ParamError('Enter a valid date/time.');
      return v;
    case 'uuid':
      if (!UUID.test(v.trim())) throw new ParamError('Enter a valid UUID.');
      return v.trim();
    default: return v;
  }
}

interface Index {
  byRest: Map<string, FilterField>;
  custom: Map<string, { key: string; type: 'int' | 'float' | 'bool' | 'string' | 'ids' }>;
  hasTags: boolean;
}
const indexes = new Map<ModelDescriptor, Index>();

function index(d: ModelDescriptor): Index {
  let ix = indexes.get(d);
  if (ix) return ix;
  const byRest = new Map<string, FilterField>();
  for (const ff of filterFields(d)) {
    byRest.set(ff.restName, ff);
    // `<fk>=value` compares the attribute the descriptor names (Peering Manager's name filters).
    if (ff.restDefault) byRest.set(ff.restName.slice(0, ff.restName.length - ff.source.restName.length - 1), ff);
  }
  // Filters taking a lookup or an object (PeeringDB's capacity, name_search, distance) are GraphQL's only.
  const custom = new Map<string, Index['custom'] extends Map<string, infer V> ? V : never>();
  for (const [key, cf] of Object.entries(d.customFilters ?? {})) {
    if (cf.type !== 'bigintRange' && cf.type !== 'object') custom.set(cf.restName ?? snake(key), { key, type: cf.type });
  }
  ix = { byRest, custom, hasTags: d.fields.some((f) => f.name === 'tags') };
  indexes.set(d, ix);
  return ix;
}

/** Every REST filter parameter of a model with its kind (for OpenAPI and docs). */
export function filterParams(d: ModelDescriptor): { name: string; kind: FilterKind | 'int' | 'string' }[] {
  const ix = index(d);
  const out: { name: string; kind: FilterKind | 'int' | 'string' }[] = [];
  for (const [name, ff] of ix.byRest) {
    out.push({ name, kind: ff.kind });
    for (const s of SUFFIXES[ff.kind]) out.push({ name: `${name}__${s}`, kind: s === 'empty' ? 'bool' : ff.kind });
  }
  for (const [name, c] of ix.custom) out.push({ name, kind: c.type === 'bool' ? 'bool' : c.type === 'float' || c.type === 'ids' ? 'numeric' : c.type });
  out.push({ name: 'q', kind: 'string' });
  if (ix.hasTags) out.push({ name: 'tag', kind: 'string' });
  if (d.changeLogged) out.push({ name: 'created_by_request', kind: 'uuid' }, { name: 'updated_by_request', kind: 'uuid' });
  return out;
}

/** `<fk>_id` values, which must name existing objects (django-filter's ModelMultipleChoiceFilter). */
export interface ChoiceIds { param: string; target: Function; ids: string[] }

export interface ParsedFilter { filter: Record<string, any>; errors: ParamErrors; choices: ChoiceIds[] }

export function filterFromQuery(d: ModelDescriptor, params: URLSearchParams): ParsedFilter {
  const ix = index(d);
  const filter = dict<any>();
  const errors = dict<string[]>();
  const choices: ChoiceIds[] = [];
  const keys = [...new Set(params.keys())];
  for (const key of keys) {
    if (RESERVED.has(key)) continue;
    // Empty values are ignored, as django-filter does.
    const values = params.getAll(key).filter((v) => v !== '');
    if (!values.length) continue;
    const last = values[values.length - 1];
    try {
      if (key === 'q') { filter.q = last; continue; }
      if (key === 'tag') { if (ix.hasTags) filter.tag = values; continue; }
      if ((key === 'created_by_request' || key === 'updated_by_request') && d.changeLogged) {
        if (!UUID.test(last.trim())) throw new ParamError('Enter a valid UUID.');
        filter[key === 'created_by_request' ? 'createdByRequest' : 'updatedByRequest'] = last.trim();
        continue;
      }
      const custom = ix.custom.get(key);
      if (custom) {
        filter[custom.key] = custom.type === 'int' ? parseInt(last, false) : custom.type === 'float' ? parseFloat(last)
          : custom.type === 'bool' ? parseBool(last) : custom.type === 'ids' ? values.flatMap((v) => v.split(',')).filter((v) => v.trim()).map((v) => parseInt(v, true)) : last;
        continue;
      }
      const cut = key.lastIndexOf('__');
      const base = cut > 0 ? key.slice(0, cut) : key;
      const op = cut > 0 ? key.slice(cut + 2) : 'exact';
      const ff = ix.byRest.get(base);
      if (!ff || (op !== 'exact' && !SUFFIXES[ff.kind].includes(op))) continue; // unknown parameters are ignored
      const lookup = (filter[ff.name] ??= {});
      if (ff.kind === 'jsonList') lookup.has = [...(lookup.has ?? []), ...values];
      else if (ff.kind === 'bool') lookup.exact = convert(ff, op, last);
      else if (SINGLE.has(op)) lookup[op] = convert(ff, op, last);
      else {
        const converted = values.map((v) => convert(ff, op, v));
        lookup[op] = [...(lookup[op] ?? []), ...converted];
        if (ff.kind === 'id' && ff.source.target) choices.push({ param: key, target: ff.source.target(), ids: converted as string[] });
      }
    } catch (e) {
      if (!(e instanceof ParamError)) throw e;
      (errors[key] ??= []).push(e.message);
    }
  }
  return { filter, errors, choices };
}

/** `ordering=asn,-name` -> GraphQL ordering keys; unknown keys are dropped (DRF's OrderingFilter). */
export function orderingFromQuery(d: ModelDescriptor, params: URLSearchParams): string[] | undefined {
  const raw = params.get('ordering');
  if (!raw) return undefined;
  const out: string[] = [];
  for (const part of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const desc = part.startsWith('-');
    const name = desc ? part.slice(1) : part;
    const f = d.fields.find((x) => x.restName === name && x.kind !== 'm2m' && x.kind !== 'json' && !x.secret && !x.writeOnly);
    const key = f?.name ?? Object.keys(d.orderingPaths ?? {}).find((k) => snake(k) === name);
    if (key) out.push(desc ? `-${key}` : key);
  }
  return out.length ? out : undefined;
}
