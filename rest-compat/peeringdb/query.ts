// A PeeringDB list's query string as the GraphQL list field's arguments: every filter parameter
// becomes the type's filter input (what the filters mean is declared on the mirror models:
// src/domain/peeringdb/query-filters.ts and the generic lookups), `since` and the default status,
// ordering (sync order with since, nearest first with distance), limit/skip or page/per_page.
// PeeringDB's parsing and its 400s stay here; unknown fields and suffixes are ignored, as PeeringDB does.
import { pdbTable, type PdbColumn } from '../../src/domain/peeringdb/columns';
import { pdbDescriptor, type PdbTag } from '../../src/domain/peeringdb/tags';
import { sinceInRange } from '../../src/domain/peeringdb/base';
import { ALL_NET_REFUSAL, asnOverlapRefusal, whereisAddress, type DistanceInput } from '../../src/domain/peeringdb/query-filters';
import { fold } from '../../src/domain/fold';
import { validDate } from '../../src/domain/values';
import { intParam } from './params';
import { PdbError } from './errors';

/** PeeringDB's API_DEPTH_ROW_LIMIT: lists with depth > 0 stop here. */
export const DEPTH_ROW_LIMIT = 250;
const PER_PAGE = 250;

export interface Query { filter: Record<string, unknown>; ordering: string[]; depth: number; limit: number; offset: number; page?: { page: number; perPage: number } }

type Lookup = Record<string, unknown>;
type Filter = Record<string, unknown>;

/** Parameters that shape the answer, not filter it (name_search and distance are read on their own). */
const SHAPING = new Set(['limit', 'skip', 'depth', 'fields', 'since', 'pretty', 'format', 'page', 'per_page', 'ordering', 'name_search', 'distance']);
/** The seven lookup suffixes PeeringDB recognizes; others are ignored. */
const SUFFIXES: ReadonlySet<string> = new Set(['lt', 'lte', 'gt', 'gte', 'in', 'contains', 'startswith']);
const OPS = new Set(['lt', 'lte', 'gt', 'gte']);
const NUMERIC = new Set(['id', 'fk', 'int', 'bigint', 'asn', 'float']);
/** Always substring matches in PeeringDB. */
const ALWAYS_CONTAINS = new Set(['address1', 'city', 'state']);
/** A parameter PeeringDB ignores (a suffix its field kind does not take). */
const IGNORED = 'ignored';

/** PostgreSQL text cannot hold NUL: a 400 here, not an error from the database. */
export function refuseNul(params: URLSearchParams): void {
  for (const [k, v] of params) if (v.includes('\u0000')) throw new PdbError(400, `Invalid value for ${k}: NUL characters are not allowed`);
}

/** A comma list, blanks dropped. */
const valueList = (value: string): string[] => value.split(',').map((s) => s.trim()).filter((s) => s !== '');

/** A finite number or a 400 naming the parameter. */
function number(v: string, key: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new PdbError(400, `Invalid value for ${key}: "${v}"`);
  return n;
}

/** A comma list of whole numbers (ids, ASNs) or a 400 naming the parameter. */
function integers(value: string, key: string): number[] {
  return valueList(value).map((v) => {
    if (!/^\d{1,10}$/.test(v)) throw new PdbError(400, `Invalid value for ${key}: "${v}"`);
    return Number(v);
  });
}

/** A field by its PeeringDB name; a bare FK name (`org=5`) means its id. */
function column(tag: PdbTag, name: string): PdbColumn | undefined {
  const t = pdbTable(tag);
  const c = t.byRest.get(name) ?? t.columns.find((x) => x.fk?.name === name);
  return c && !c.field.writeOnly ? c : undefined;
}

/** The values a column's lookup holds: whole numbers in its range (floats: any). */
function range(c: PdbColumn): { whole: boolean; min: number; max: number } {
  if (c.kind === 'float') return { whole: false, min: -Number.MAX_VALUE, max: Number.MAX_VALUE };
  return c.kind === 'asn' || c.kind === 'bigint' ? { whole: true, min: 0, max: Number.MAX_SAFE_INTEGER } : { whole: true, min: -2147483648, max: 2147483647 };
}

/**
 * `col <op> n` as a lookup the column's type holds: 1.5 on an integer column compares as its
 * neighbours do (lt 1.5 = lt 2), a bound past the type's range as all or none of the values.
 */
export function bound(c: PdbColumn, op: string, n: number): Lookup {
  const r = range(c);
  const v = !r.whole ? n : op === 'lt' || op === 'gte' ? Math.ceil(n) : Math.floor(n);
  const below = op === 'lt' || op === 'lte';
  if (v > r.max) return below ? { empty: false } : { exact: [] };
  if (v < r.min) return below ? { exact: [] } : { empty: false };
  return { [op]: v };
}

/** The lookup of one field parameter. */
function lookup(c: PdbColumn, suffix: string, value: string, key: string): Lookup | typeof IGNORED {
  // Any suffix compares the same way (PeeringDB's boolean filter has none).
  if (c.kind === 'bool') return { exact: /^(true|1|yes|on)$/i.test(value.trim()) };
  if (c.kind === 'datetime') return dateLookup(suffix, value, key);
  if (c.kind === 'json') {
    // info_types and friends: the list holds the value (case-insensitive).
    if (suffix && suffix !== 'in' && suffix !== 'contains') return IGNORED;
    return { has: suffix === 'in' ? valueList(value) : [value] };
  }
  if (c.kind === 'choice') return choiceLookup(c, suffix, value);
  if (!NUMERIC.has(c.kind)) return textLookup(c, suffix, value);
  if (suffix === 'contains' || suffix === 'startswith') return { [suffix === 'contains' ? 'ic' : 'isw']: [value] };
  if (suffix === '' || suffix === 'in') {
    const r = range(c);
    // A value the column cannot hold (1.5 on an integer column) equals no row.
    const ns = (suffix === 'in' ? valueList(value) : [value]).map((v) => number(v, key)).filter((n) => n >= r.min && n <= r.max && (!r.whole || Number.isInteger(n)));
    return { exact: c.kind === 'fk' ? ns.map(String) : ns };
  }
  return bound(c, suffix, number(value, key));
}

/** Text compares with accents and case folded on both sides (StringLookup's f-forms); lt/gt in the column's order. */
function textLookup(c: PdbColumn, suffix: string, value: string): Lookup {
  if (suffix === 'contains' || (!suffix && ALWAYS_CONTAINS.has(c.rest)) || (!suffix && c.rest === 'country' && value.length !== 2)) return { fic: [value] };
  if (suffix === 'startswith') return { fisw: [value] };
  if (suffix === 'in') return { fie: valueList(value) };
  if (suffix) return { [suffix]: value };
  return { fie: [value] };
}

/** A choice field (status) by its values: the text comparison is made here, on the few values there are. */
function choiceLookup(c: PdbColumn, suffix: string, value: string): Lookup {
  const values = c.field.choices!.values.map((v) => String(v.value));
  const f = fold(value);
  const test: Record<string, (v: string) => boolean> = {
    '': (v) => fold(v) === f, contains: (v) => fold(v).includes(f), startswith: (v) => fold(v).startsWith(f),
    in: (v) => valueList(value).some((x) => fold(x) === fold(v)),
    lt: (v) => v < value, lte: (v) => v <= value, gt: (v) => v > value, gte: (v) => v >= value,
  };
  return { exact: values.filter(test[suffix]) };
}

/** Date-times: a bare value is a prefix of the ISO text; YYYY-MM-DD bounds are whole days; in/contains/startswith are ignored. */
function dateLookup(suffix: string, value: string, key: string): Lookup | typeof IGNORED {
  if (!suffix) return { isw: [value] };
  if (!OPS.has(suffix)) return IGNORED;
  return { [suffix]: dateBound(value, suffix, key).toISOString() };
}

/** Dates as YYYY-MM-DD are whole days: `__gt`/`__lte` compare with the day's last instant. */
function dateBound(v: string, suffix: string, key: string): Date {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(v);
  // Seconds since the epoch, or ISO text; either within years 1 to 9999 (what both JavaScript and PostgreSQL hold).
  const d = /^\d+(\.\d+)?$/.test(v)
    ? validDate(Number(v) * 1000)
    : validDate(day && (suffix === 'gt' || suffix === 'lte') ? `${v}T23:59:59.999Z` : day ? `${v}T00:00:00Z` : v);
  if (!d) throw new PdbError(400, `Invalid value for ${key}: "${v}"`);
  return d;
}

/**
 * Two parameters on one field hold together: exact values intersect, bounds keep the stricter.
 * One text lookup twice (`name__contains=a&name__contains=b` cannot be sent; `address1=a&address1__contains=b`
 * can) keeps the first: a filter input holds one list per lookup.
 */
function merge(a: Lookup | undefined, b: Lookup): Lookup {
  if (!a) return b;
  const out: Lookup = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (!(k in out)) out[k] = v;
    else if ((k === 'exact' || k === 'fie') && Array.isArray(v)) {
      const key = (x: unknown) => (k === 'fie' ? fold(String(x)) : String(x));
      out[k] = (out[k] as unknown[]).filter((x) => v.some((y) => key(y) === key(x)));
    } else if (k === 'lt' || k === 'lte') out[k] = (v as number) < (out[k] as number) ? v : out[k];
    else if (k === 'gt' || k === 'gte') out[k] = (v as number) > (out[k] as number) ? v : out[k];
  }
  return out;
}

/** Adds one field parameter (`name__contains`, `org__name`) to `filter`. Relations are one hop, the target's own filter (`orgWhere`). */
function addField(filter: Filter, tag: PdbTag, key: string, value: string): void {
  const parts = key.split('__');
  const suffix = parts.length > 1 && SUFFIXES.has(parts[parts.length - 1]) ? parts.pop()! : '';
  if (parts.length > 2) return; // PeeringDB filters one hop only
  let on = tag;
  let where: string | undefined;
  if (parts.length === 2) {
    const fk = pdbTable(tag).columns.find((c) => c.fk?.name === parts[0]);
    if (!fk) return; // `name__iexact`: an unknown suffix
    on = fk.fk!.tag;
    where = `${fk.prop}Where`;
  }
  const c = column(on, parts[parts.length - 1]);
  if (!c) return;
  // A foreign key's text or order lookups compare the target's id.
  if (c.kind === 'fk' && suffix && suffix !== 'in' && !where) {
    addField(filter, tag, `${c.fk!.name}__id__${suffix}`, value);
    return;
  }
  const l = lookup(c, suffix, value, key);
  if (l === IGNORED) return;
  const into = where ? ((filter[where] ??= {}) as Filter) : filter;
  const field = c.field.gqlName ?? c.prop;
  into[field] = merge(into[field] as Lookup | undefined, l);
}

const camel = (s: string): string => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The filters that are not fields and are not links (links take `x`, `x_id`, `x__in`, `x_id__in`: ids). */
const NOT_LINKS = new Set(['asnOverlap', 'allNet', 'orgPresent', 'orgNotPresent', 'capacity', 'ipblock', 'hideIxNoFac', 'whereis', 'nameSearch', 'distance']);

/** Adds `key` when it is one of the type's filters that are not fields (src/domain/peeringdb/query-filters.ts); false when it is not. */
function addSpecial(filter: Filter, tag: PdbTag, key: string, value: string): boolean {
  const parts = key.split('__');
  const suffix = parts.length === 2 && SUFFIXES.has(parts[1]) ? parts[1] : '';
  if (parts.length > (suffix ? 2 : 1)) return false;
  const custom = pdbDescriptor(tag).customFilters ?? {};
  const name = camel(parts[0]);
  if (NOT_LINKS.has(name) && Object.hasOwn(custom, name)) {
    switch (name) {
      case 'asnOverlap': {
        const refused = asnOverlapRefusal(valueList(value).length);
        if (refused) throw new PdbError(400, refused);
        filter.asnOverlap = integers(value, key);
        break;
      }
      case 'allNet': {
        const ids = integers(value, key);
        if (!ids.length) throw new PdbError(400, ALL_NET_REFUSAL);
        filter.allNet = ids;
        break;
      }
      case 'orgPresent': case 'orgNotPresent': filter[name] = integers(value, key); break;
      case 'capacity': {
        if (suffix === 'in') filter.capacity = merge(filter.capacity as Lookup, { exact: integers(value, key) });
        else if (suffix === '' || OPS.has(suffix)) {
          const n = number(value, key);
          const asLookup = suffix === '' ? { exact: Number.isInteger(n) && n >= 0 ? [n] : [] } : bound({ kind: 'bigint' } as PdbColumn, suffix, n);
          filter.capacity = merge(filter.capacity as Lookup, asLookup);
        }
        break;
      }
      case 'ipblock': filter.ipblock = value; break;
      case 'hideIxNoFac': if (/^(true|1)$/i.test(value.trim())) filter.hideIxNoFac = true; break;
      case 'whereis':
        if (!whereisAddress(value)) throw new PdbError(400, `Invalid value for whereis: "${value}"`);
        filter.whereis = value;
        break;
    }
    return true;
  }
  if (suffix && suffix !== 'in') return false;
  const link = camel(parts[0].replace(/_id$/, ''));
  if (NOT_LINKS.has(link) || !Object.hasOwn(custom, link) || custom[link].type !== 'ids') return false;
  filter[link] = integers(value, key);
  return true;
}

/** Types PeeringDB's search index holds. */
const SEARCHED: ReadonlySet<PdbTag> = new Set<PdbTag>(['org', 'campus', 'fac', 'net', 'ix', 'carrier']);

/** `name_search` (taking over `id__in`, which then lists its rows beside the hits); whether id__in was taken. */
function addNameSearch(filter: Filter, tag: PdbTag, params: URLSearchParams): boolean {
  const text = params.get('name_search');
  if (!text) return false;
  if (!SEARCHED.has(tag)) { filter.id = { exact: [] }; return false; }
  const explicit = params.get('id__in');
  filter.nameSearch = { text, orIds: explicit === null ? undefined : integers(explicit, 'id__in') };
  return explicit !== null;
}

/** Filters a spatial search replaces. */
const LOCATION_FILTERS: ReadonlySet<string> = new Set(['latitude', 'longitude', 'address1', 'city', 'city__in', 'state', 'zipcode']);

/** `distance` (km) of facilities and organizations, around latitude/longitude or a city; null when the list is not a spatial search. */
function distanceOf(tag: PdbTag, params: URLSearchParams): DistanceInput | null {
  const raw = params.get('distance');
  if ((tag !== 'fac' && tag !== 'org') || raw === null || raw === '') return null;
  const km = number(raw, 'distance');
  if (km <= 0) return null;
  if (params.has('latitude') && params.has('longitude')) {
    const latitude = number(params.get('latitude')!, 'latitude');
    const longitude = number(params.get('longitude')!, 'longitude');
    if (Math.abs(latitude) > 90) throw new PdbError(400, `Invalid value for latitude: "${latitude}"`);
    if (Math.abs(longitude) > 180) throw new PdbError(400, `Invalid value for longitude: "${longitude}"`);
    return { km, latitude, longitude };
  }
  // Without both, the filter itself refuses the search (its 400 names the missing ones).
  const city = params.get('city') ?? params.get('city__in')?.split(',')[0]?.trim() ?? '';
  const country = params.get('country') ?? params.get('country__in')?.split(',')[0]?.trim() ?? '';
  return { km, city, country };
}

/** The list field's arguments for a PeeringDB query string. */
export function translate(tag: PdbTag, params: URLSearchParams): Query {
  refuseNul(params);
  const depth = intParam(params, 'depth', 0, 3);
  const filter: Filter = {};
  const spatial = distanceOf(tag, params);
  if (spatial) filter.distance = spatial;
  const skip = new Set(SHAPING);
  if (addNameSearch(filter, tag, params)) skip.add('id__in');
  if (spatial) for (const k of LOCATION_FILTERS) skip.add(k);
  for (const key of new Set(params.keys())) {
    if (skip.has(key)) continue;
    const value = params.get(key) ?? '';
    // The type's own filters win over a field of the same name (fac's org_name is the owner's name).
    if (tag === 'fac' && /^org_name(__(lt|lte|gt|gte|in|contains|startswith))?$/.test(key)) {
      const suffix = key.split('__')[1];
      addField(filter, tag, `org__name__${suffix === 'startswith' || suffix === 'in' ? suffix : 'contains'}`, value);
    } else if (!addSpecial(filter, tag, key, value)) {
      addField(filter, tag, key, value);
    }
  }
  const since = params.get('since');
  // Nearest first in a spatial search, unless `since` asks for PeeringDB's sync order.
  let ordering = spatial ? ['distance', 'id'] : ['id'];
  if (since !== null && since !== '') {
    const ts = Number(since);
    if (!sinceInRange(ts)) throw new PdbError(400, `Invalid value for since: "${since}"`);
    // Deleted rows too, so a mirror learns of them; campuses also while pending.
    filter.since = ts;
    filter.status = merge(filter.status as Lookup | undefined, { exact: tag === 'campus' ? ['ok', 'deleted', 'pending'] : ['ok', 'deleted'] });
    ordering = ['updated', 'id'];
  } else {
    filter.status = merge(filter.status as Lookup | undefined, { exact: ['ok'] });
  }
  if (params.has('page')) {
    // Page-based pagination replaces limit/skip; a page is at most 250 rows, so depth never truncates it.
    const page = Math.max(1, intParam(params, 'page', 1));
    const perPage = Math.max(1, intParam(params, 'per_page', PER_PAGE, PER_PAGE));
    return { filter, ordering, depth, limit: perPage, offset: (page - 1) * perPage, page: { page, perPage } };
  }
  let limit = intParam(params, 'limit', 0);
  const offset = intParam(params, 'skip', 0);
  if (depth > 0 && (limit === 0 || limit > DEPTH_ROW_LIMIT)) limit = DEPTH_ROW_LIMIT + 1; // one more tells whether it was cut
  return { filter, ordering, depth, limit, offset };
}
