// PeeringDB lists (`/api/<tag>?...`) as GraphQL documents on the read-compiled path: the query
// string becomes the type's filter input (numeric and boolean fields with PeeringDB's suffixes,
// `since`, the default status), `depth` the selection (./shape.ts), limit/skip or page/per_page
// the paging. A parameter not translated yet (text filters with accent folding, relation and
// link filters, name_search, distance) leaves the list to the SQL engine in ./read.ts.
import { pdbTable, type PdbColumn } from '../../src/domain/peeringdb/columns';
import { pdbDescriptor, type PdbTag } from '../../src/domain/peeringdb/tags';
import { fieldName } from '../../src/graphql/resolvers';
import type { GqlContext } from '../../src/graphql/context';
import type { RunningApp } from '../../src/http/app';
import { objectSelection, renderObject } from './shape';
import { setsWhole } from './detail';
import { fromGraphql } from './graphql-errors';
import { intParam } from './params';
import { PdbError } from './errors';
import { sinceInRange } from '../../src/domain/peeringdb/base';
import { list as valueList, number, SUFFIXES } from './where';
import { isSpecial } from './specials';
import { fold } from '../../src/domain/fold';
import { validDate } from '../../src/domain/values';

type Obj = Record<string, unknown>;

/** PeeringDB's API_DEPTH_ROW_LIMIT: lists with depth > 0 stop here. */
export const DEPTH_ROW_LIMIT = 250;
const PER_PAGE = 250;

/** `meta.pagination` of a page-based list (`page`, `per_page`). */
export interface Pagination {
  count: number; has_next: boolean; has_previous: boolean; next: number | null; previous: number | null;
  page: number; per_page: number; total_pages: number;
}

export interface ListResult { data: Obj[]; truncated?: string; pagination?: Pagination }

/** Parameters that shape the answer, not filter it. */
const SHAPING = new Set(['limit', 'skip', 'depth', 'fields', 'since', 'pretty', 'format', 'page', 'per_page', 'ordering']);
const NUMERIC = new Set(['id', 'fk', 'int', 'bigint', 'asn']);
const OPS = new Set(['lt', 'lte', 'gt', 'gte']);
const INT32 = 2147483647;
const MAX_ASN = 4294967295;

interface Query { filter: Record<string, unknown>; ordering: string[]; depth: number; limit: number; offset: number; page?: { page: number; perPage: number } }

/** PostgreSQL text cannot hold NUL: a 400 here, not an error from the database. */
export function refuseNul(params: URLSearchParams): void {
  for (const [k, v] of params) if (v.includes('\u0000')) throw new PdbError(400, `Invalid value for ${k}: NUL characters are not allowed`);
}

/** Whether `name` is a foreign key of `tag` (`org` of net). */
const fkNamed = (tag: PdbTag, name: string): boolean => pdbTable(tag).columns.some((c) => c.fk?.name === name);

/** A field by its PeeringDB name; a bare FK name (`org=5`) means its id. */
function column(tag: PdbTag, name: string): PdbColumn | undefined {
  const t = pdbTable(tag);
  const c = t.byRest.get(name) ?? t.columns.find((x) => x.fk?.name === name);
  return c && !c.field.writeOnly ? c : undefined;
}

/** A whole number the column's lookup holds, or undefined when it holds none (the SQL engine then answers). */
function whole(c: PdbColumn, v: string, key: string): number | undefined {
  const n = number(v, key);
  if (!Number.isInteger(n)) return undefined;
  const [min, max] = c.kind === 'asn' || c.kind === 'bigint' ? [1, MAX_ASN] : [-INT32 - 1, INT32];
  return n >= min && n <= max ? n : undefined;
}

/** Always substring matches in PeeringDB. */
const ALWAYS_CONTAINS = new Set(['address1', 'city', 'state']);

type Lookup = Record<string, unknown>;
/** A parameter PeeringDB ignores (a suffix its field kind does not take). */
const IGNORED = 'ignored';

/** The lookup of one field parameter; undefined when it is not translated (yet). */
function lookup(c: PdbColumn, suffix: string, value: string, key: string): Lookup | typeof IGNORED | undefined {
  // Any suffix compares the same way (PeeringDB's boolean filter has none).
  if (c.kind === 'bool') return { exact: /^(true|1|yes|on)$/i.test(value.trim()) };
  if (c.kind === 'datetime') return dateLookup(suffix, value, key);
  if (c.kind === 'json') {
    // info_types and friends: the list holds the value (case-insensitive).
    if (suffix && suffix !== 'in' && suffix !== 'contains') return IGNORED;
    return { has: suffix === 'in' ? valueList(value) : [value] };
  }
  if (c.kind === 'text' || c.kind === 'string') return textLookup(c, suffix, value);
  if (c.kind === 'choice') return choiceLookup(c, suffix, value);
  if (!NUMERIC.has(c.kind)) return undefined;
  if (suffix === 'contains' || suffix === 'startswith') return c.kind === 'fk' ? undefined : { [suffix === 'contains' ? 'ic' : 'isw']: [value] };
  const asId = (n: number) => (c.kind === 'fk' ? String(n) : n);
  if (suffix === '' || suffix === 'in') {
    const raw = suffix === 'in' ? valueList(value) : [value];
    const ns = raw.map((v) => whole(c, v, key));
    if (!ns.length || ns.some((n) => n === undefined)) return undefined;
    return { exact: ns.map((n) => asId(n!)) };
  }
  if (!OPS.has(suffix) || c.kind === 'fk') return undefined;
  const n = whole(c, value, key);
  return n === undefined ? undefined : { [suffix]: n };
}

/** Text compares with accents and case folded on both sides (StringLookup's f-forms). */
function textLookup(c: PdbColumn, suffix: string, value: string): Lookup | undefined {
  if (suffix === 'contains' || (!suffix && ALWAYS_CONTAINS.has(c.rest)) || (!suffix && c.rest === 'country' && value.length !== 2)) return { fic: [value] };
  if (suffix === 'startswith') return { fisw: [value] };
  if (suffix === 'in') return { fie: valueList(value) };
  if (suffix) return undefined; // lt, gt ...: plain text order
  return { fie: [value] };
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

/** Two parameters on one field (`asn__gt=1&asn__lt=9`) hold together; null when they use one lookup twice (exact values intersect). */
function merge(a: Lookup | undefined, b: Lookup): Lookup | null {
  if (!a) return b;
  const out: Lookup = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (!(k in out)) out[k] = v;
    else if (k === 'exact' && Array.isArray(v)) out.exact = (out.exact as unknown[]).filter((x) => v.some((y) => String(y) === String(x)));
    else return null;
  }
  return out;
}

/** A choice field (status) by its values: the text comparison is made here, on the few values there are. */
function choiceLookup(c: PdbColumn, suffix: string, value: string): Lookup | undefined {
  const values = c.field.choices!.values.map((v) => String(v.value));
  const f = fold(value);
  const test: Record<string, (v: string) => boolean> = {
    '': (v) => fold(v) === f, contains: (v) => fold(v).includes(f), startswith: (v) => fold(v).startsWith(f),
    in: (v) => valueList(value).some((x) => fold(x) === fold(v)),
    lt: (v) => v < value, lte: (v) => v <= value, gt: (v) => v > value, gte: (v) => v >= value,
  };
  return test[suffix] ? { exact: values.filter(test[suffix]) } : undefined;
}

type Filter = Record<string, unknown>;

/**
 * Adds one field parameter (`name__contains`, `org__name`, `org_name`) to `filter`; false when it is
 * not translated (yet). Relations are one hop, the target's own filter (`orgWhere`).
 */
function addParam(filter: Filter, tag: PdbTag, key: string, value: string): boolean {
  const parts = key.split('__');
  const suffix = parts.length > 1 && SUFFIXES.has(parts[parts.length - 1]) ? parts.pop()! : '';
  if (tag === 'fac' && parts.length === 1 && parts[0] === 'org_name') {
    // The owner's name (not the row's copy of it): a substring unless startswith or in.
    return addParam(filter, tag, `org__name__${suffix === 'startswith' || suffix === 'in' ? suffix : 'contains'}`, value);
  }
  if (parts.length > 2) return true; // PeeringDB filters one hop only: ignored
  let on = tag;
  let where: string | undefined;
  if (parts.length === 2) {
    const fk = pdbTable(tag).columns.find((c) => c.fk?.name === parts[0]);
    if (!fk) return true; // `name__iexact`: an unknown suffix, ignored
    on = fk.fk!.tag;
    where = `${fk.prop}Where`;
  }
  const c = column(on, parts[parts.length - 1]);
  if (!c) return !!where; // an unknown field of the target is ignored
  const l = lookup(c, suffix, value, key);
  if (l === IGNORED) return true;
  if (!l) return false;
  const into = where ? ((filter[where] ??= {}) as Filter) : filter;
  const field = c.field.gqlName ?? c.prop;
  const merged = merge(into[field] as Lookup | undefined, l);
  if (!merged) return false;
  into[field] = merged;
  return true;
}

/** The list's arguments, or null when a parameter is left to the SQL engine. */
export function translate(tag: PdbTag, params: URLSearchParams): Query | null {
  refuseNul(params);
  const depth = intParam(params, 'depth', 0, 3);
  const filter: Filter = {};
  for (const key of new Set(params.keys())) {
    if (SHAPING.has(key)) continue;
    if (!(tag === 'fac' && key.startsWith('org_name')) && isSpecial(tag, key)) return null;
    if (!addParam(filter, tag, key, params.get(key) ?? '')) return null;
  }
  const since = params.get('since');
  let ordering = ['id'];
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

const documents = new Map<string, { text: string; root: string }>();

function documentFor(tag: PdbTag, depth: number, count: boolean): { text: string; root: string } {
  const key = `${tag}|${depth}|${count}`;
  let doc = documents.get(key);
  if (!doc) {
    const d = pdbDescriptor(tag);
    const root = fieldName(d.plural);
    doc = {
      root,
      text: `query($filter: ${d.name}Filter, $ordering: [String!], $limit: Int, $offset: Int) {
  ${root}(filter: $filter, ordering: $ordering, limit: $limit, offset: $offset) { ${count ? 'totalCount ' : ''}items ${objectSelection(tag, depth, false)} } }`,
    };
    documents.set(key, doc);
  }
  return doc;
}

/** Django's paginator: at least one (possibly empty) page; a page past the last is a 404. */
export function pagination(count: number, at: { page: number; perPage: number }): Pagination {
  const totalPages = Math.max(1, Math.ceil(count / at.perPage));
  if (at.page > totalPages) throw new PdbError(404, 'Invalid page.');
  const hasNext = at.page < totalPages;
  const hasPrevious = at.page > 1;
  return {
    count, has_next: hasNext, has_previous: hasPrevious, next: hasNext ? at.page + 1 : null, previous: hasPrevious ? at.page - 1 : null,
    page: at.page, per_page: at.perPage, total_pages: totalPages,
  };
}

/** The list through GraphQL, or null when a parameter needs the SQL engine (./read.ts). */
export async function compiledList(running: RunningApp, ctx: GqlContext, tag: PdbTag, params: URLSearchParams): Promise<ListResult | null> {
  const q = translate(tag, params);
  if (!q) return null;
  const doc = documentFor(tag, q.depth, !!q.page);
  // limit 0 is PeeringDB's "no limit": GraphQL's "the largest page", which the dialect's context leaves unbounded.
  const r = await running.executor.run(doc.text, { filter: q.filter, ordering: q.ordering, limit: q.limit, offset: q.offset }, setsWhole(ctx));
  if (r.errors?.length) throw fromGraphql(r.errors[0]);
  const page = (r.data as any)[doc.root] as { totalCount?: number; items: Obj[] };
  let items = page.items;
  let truncated: string | undefined;
  if (q.depth > 0 && !q.page && items.length > DEPTH_ROW_LIMIT) {
    items = items.slice(0, DEPTH_ROW_LIMIT);
    truncated = `Your search query (with depth ${q.depth}) returned more than ${DEPTH_ROW_LIMIT} rows and has been truncated. Please be more specific in your filter settings or use depth=0 instead`;
  }
  return {
    data: items.map((o) => renderObject(tag, o as Record<string, any>, q.depth, false)),
    truncated,
    pagination: q.page && pagination(page.totalCount ?? 0, q.page),
  };
}
