// Reads: list documents (full array, or limit/offset pages with count/next/previous),
// object lookups by id or natural key (scoped to the site on nested routes),
// and NSoT's list filters turned into the models' GraphQL filter input.
import { parseBool } from '../core/query';
import { pageLinks } from '../core/pagination';
import { documentFor } from '../core/documents';
import { NsotError, badRequest } from './errors';
import { run, type Call } from './call';
import { shapeFor, projectionFrom, type Shape } from './shape';
import type { Resource } from './resources';

type Filter = Record<string, unknown>;
type Item = Record<string, any>;

export function scoped(call: Call, r: Resource, filter: Filter = {}): Filter {
  return call.siteId !== null && r.siteScoped ? { ...filter, [r.siteFilter]: { exact: [String(call.siteId)] } } : filter;
}

/** Every matching row (NSoT has no default page size), fetched in pages of the server's maximum. */
export async function fetchAll(call: Call, r: Resource, filter: Filter, selection: string, ordering?: string[]): Promise<Item[]> {
  const ctx = await call.ctx();
  const page = ctx.config.maxPageSize;
  const doc = documentFor('listItems', r.d, selection);
  const out: Item[] = [];
  for (let offset = 0; ; offset += page) {
    const data = await run(call, doc.text, { filter, limit: 0, offset, ordering }, r);
    const items = (data[doc.root] as any).items as Item[];
    out.push(...items);
    if (!page || items.length < page) return out;
  }
}

export async function fetchPage(call: Call, r: Resource, filter: Filter, selection: string, limit: number, offset: number, ordering?: string[]): Promise<{ items: Item[]; count: number }> {
  const doc = documentFor('list', r.d, selection);
  const data = await run(call, doc.text, { filter, limit, offset, ordering }, r);
  const page = data[doc.root] as any;
  return { items: page.items, count: page.totalCount };
}

/** One page's rows without their count (lookups need no count; it would cost the statement a second scan). */
export async function fetchItems(call: Call, r: Resource, filter: Filter, selection: string, limit: number, ordering?: string[]): Promise<Item[]> {
  const doc = documentFor('listItems', r.d, selection);
  const data = await run(call, doc.text, { filter, limit, offset: 0, ordering }, r);
  return (data[doc.root] as any).items;
}

function intParam(call: Call, name: string): number | null {
  const v = call.params.get(name);
  if (v === null || v === '') return null;
  if (!/^\d+$/.test(v)) throw badRequest({ [name]: 'A valid integer is required.' });
  return Math.min(Number(v), 2147483647);
}

/** The list body: a bare array, or {count, next, previous, results} when `limit` is given. */
export async function sendList(call: Call, r: Resource, filter: Filter, opts: { ordering?: string[]; shape?: Shape } = {}): Promise<unknown> {
  const shape = opts.shape ?? shapeFor(r, projectionFrom(call.params));
  const limit = intParam(call, 'limit');
  if (limit === null) return (await fetchAll(call, r, filter, shape.selection, opts.ordering)).map(shape.render);
  const offset = intParam(call, 'offset') ?? 0;
  const ctx = await call.ctx();
  const size = ctx.config.maxPageSize ? Math.min(limit, ctx.config.maxPageSize) : limit;
  const { items, count } = await fetchPage(call, r, filter, shape.selection, size || 1, offset, opts.ordering);
  const links = pageLinks(`${call.base}${call.req.originalUrl}`, { limit: size || 1, offset }, count);
  return { count, ...links, results: items.map(shape.render) };
}

/** Finds one object's id by pk or natural key; NSoT's 404 and ambiguity texts. */
export async function lookupId(call: Call, r: Resource, key: string): Promise<number> {
  const where = call.siteId !== null && r.siteScoped ? '(site_id, %s) = (' + call.siteId + ', %v)' : '(%s) = (%v)';
  const miss = (field: string) => new NsotError(404, `No such ${r.label} found at ${where.replace('%s', field).replace('%v', key)}`);
  let filter: Filter | null;
  let field = 'id';
  if (/^\d+$/.test(key)) {
    if (Number(key) > 2147483647) throw miss('id');
    filter = { id: { exact: [Number(key)] } };
  } else if (r.natural) {
    field = r.natural.field;
    filter = r.natural.filter(key);
    if (!filter) throw miss(field);
  } else {
    throw miss('id');
  }
  const rows = await fetchItems(call, r, scoped(call, r, filter), '{ id }', 2);
  if (rows.length === 0) throw miss(field);
  if (rows.length > 1) {
    throw badRequest(`Multiple ${r.label}s matched ${field}='${key}'. Use a site-specific endpoint or lookup by ID.`);
  }
  return Number(rows[0].id);
}

export async function fetchOne(call: Call, r: Resource, id: number, selection: string): Promise<Item> {
  const rows = await fetchItems(call, r, { id: { exact: [id] } }, selection, 1);
  if (!rows.length) throw new NsotError(404, `No such ${r.label} found at (id) = (${id})`);
  return rows[0];
}

type Conv = (v: string) => Filter;
const str = (gql: string): Conv => (v) => ({ [gql]: { exact: [v] } });
const int = (gql: string): Conv => (v) => {
  if (!/^-?\d+$/.test(v.trim())) throw badRequest({ [gql]: 'Enter a whole number.' });
  return { [gql]: { exact: [Number(v)] } };
};
const bool = (gql: string): Conv => (v) => {
  try { return { [gql]: { exact: parseBool(v) } }; } catch { throw badRequest({ [gql]: `Select a valid choice. ${v} is not one of the available choices.` }); }
};
const fk = (gql: string): Conv => (v) => {
  if (!/^\d+$/.test(v.trim())) throw badRequest({ [gql]: `Select a valid choice. ${v} is not one of the available choices.` });
  return { [gql]: { exact: [v.trim()] } };
};

/** NSoT's per-resource list filters (django-filter FilterSets). */
const FILTERS: Record<string, Record<string, Conv>> = {
  sites: { name: str('name') },
  attributes: { name: str('name'), resource_name: str('resourceName'), required: bool('required'), display: bool('displayed'), multi: bool('multi') },
  devices: { hostname: str('hostname') },
  networks: {
    cidr: (v) => {
      const [a, l] = v.split('/');
      return { networkAddress: { exact: [a] }, ...(l ? { prefixLength: { exact: [Number(l)] } } : {}) };
    },
    network_address: str('networkAddress'), prefix_length: int('prefixLength'), ip_version: str('ipVersion'), state: str('state'),
    include_ips: (v) => (parseBool(v) ? {} : { isIp: { exact: false } }),
    include_networks: (v) => (parseBool(v) ? {} : { isIp: { exact: true } }),
    root_only: (v) => (parseBool(v) ? { parent: { empty: true } } : {}),
  },
  interfaces: {
    device: (v) => (/^\d+$/.test(v) ? fk('device')(v) : { deviceHostname: { exact: [v] } }), device_hostname: (v) => ({ deviceHostname: { exact: [v] } }),
    name: str('name'), speed: int('speed'), type: int('type'), mac_address: str('macAddress'), description: str('description'), parent_id: fk('parent'),
  },
  circuits: { name: str('name'), endpoint_a: fk('endpointA'), endpoint_z: fk('endpointZ') },
  values: { name: str('name'), value: str('value'), resource_name: str('resourceName'), resource_id: int('resourceId') },
};

/** Shell-quotes a value so `attributes=k=v` filters can reuse the set-query machinery. */
export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Query parameters -> filter input; `attributes=k=v` (repeatable, ANDed) becomes set-query terms. */
export function listFilter(call: Call, r: Resource, extraQuery?: string): Filter {
  let filter: Filter = {};
  const and: Filter[] = [];
  for (const [name, conv] of Object.entries(FILTERS[r.key] ?? {})) {
    const v = call.params.get(name);
    if (v === null || v === '') continue;
    try { and.push(conv(v)); } catch (e) {
      if (e instanceof NsotError) throw e;
      throw badRequest({ [name]: `Select a valid choice. ${v} is not one of the available choices.` });
    }
  }
  for (const f of and) filter = { ...filter, ...f };
  const attrTerms = call.params.getAll('attributes').filter(Boolean).map((kv) => {
    const cut = kv.indexOf('=');
    return cut < 0 ? shellQuote(kv) : `${shellQuote(kv.slice(0, cut))}=${shellQuote(kv.slice(cut + 1))}`;
  });
  const q = [extraQuery, ...attrTerms].filter((x) => x !== undefined && x !== '').join(' ');
  if (r.setQuery && (q || extraQuery !== undefined)) filter.setQuery = q;
  return scoped(call, r, filter);
}
