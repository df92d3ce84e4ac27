// PeeringDB query strings -> SQL conditions over the mirror tables, from the column maps:
// exact matches (accents and case folded for text), the seven suffixes (lt lte gt gte in
// contains startswith), one-hop relations (`org__name__contains=`) as id subqueries; the
// filters that are not fields are in specials.ts, search.ts and spatial.ts.
// Unknown fields and suffixes are ignored, as PeeringDB ignores them.
import { pdbTable, type PdbColumn, type PdbTable } from '../../src/domain/peeringdb/columns';
import { PdbError } from './errors';
import { validDate } from '../../src/domain/values';
import { fold, foldSql } from '../../src/domain/fold';
import { addNameSearch } from './search';
import { LOCATION_FILTERS } from './spatial';
import { addSpecial } from './specials';
import { like, list, number, placeholders, q, SUFFIXES, type Where } from './where';

/** Parameters that are not filters. */
export const RESERVED = new Set(['limit', 'skip', 'depth', 'fields', 'since', 'pretty', 'format', 'page', 'per_page', 'name_search', 'ordering', 'distance']);
/** Always substring matches in PeeringDB. */
const ALWAYS_CONTAINS = new Set(['address1', 'city', 'state']);

/**
 * Adds the conditions of every filter parameter to `w`; `alias` is the table's alias.
 * In a spatial search (`distance`, see spatial.ts) the exact location filters do not apply.
 */
export function addFilters(t: PdbTable, params: URLSearchParams, alias: string, w: Where, spatial = false): void {
  const seen = new Set<string>();
  if (addNameSearch(t.tag, params, alias, w)) seen.add('id__in');
  for (const key of params.keys()) {
    if (seen.has(key) || RESERVED.has(key) || (spatial && LOCATION_FILTERS.has(key))) continue;
    seen.add(key);
    const value = params.get(key) ?? '';
    if (addSpecial(t.tag, key, value, alias, w)) continue;
    const parts = key.split('__');
    const suffix = parts.length > 1 && SUFFIXES.has(parts[parts.length - 1]) ? parts.pop()! : '';
    if (parts.length === 1) {
      const c = column(t, parts[0]);
      if (c) condition(`${alias}.${q(c.column)}`, c, suffix, value, key, w);
    } else if (parts.length === 2) {
      // One hop over a foreign key: `org__name`, `net__asn`, `fac__city`.
      const fk = t.columns.find((c) => c.fk?.name === parts[0]);
      if (!fk) continue;
      const target = pdbTable(fk.fk!.tag);
      const c = column(target, parts[1]);
      if (!c) continue;
      const inner: Where = { sql: [], args: [] };
      condition(`p.${q(c.column)}`, c, suffix, value, key, inner);
      if (!inner.sql.length) continue;
      w.sql.push(`${alias}.${q(fk.column)} in (select p.id from ${q(target.table)} p where ${inner.sql.join(' and ')})`);
      w.args.push(...inner.args);
    }
  }
}

/** A field by its PeeringDB name; a bare FK name (`org=5`) means its id. */
function column(t: PdbTable, name: string): PdbColumn | undefined {
  const c = t.byRest.get(name) ?? t.columns.find((x) => x.fk?.name === name);
  return c && !c.field.writeOnly ? c : undefined;
}

function condition(col: string, c: PdbColumn, suffix: string, value: string, key: string, w: Where): void {
  const push = (sql: string, ...args: unknown[]) => { w.sql.push(sql); w.args.push(...args); };
  switch (c.kind) {
    case 'id': case 'fk': case 'int': case 'bigint': case 'asn': case 'float': {
      if (suffix === 'contains' || suffix === 'startswith') {
        push(`${col}::text like ?`, suffix === 'contains' ? `%${like(value)}%` : `${like(value)}%`);
      } else if (suffix === 'in') {
        const ns = list(value).map((v) => number(v, key));
        push(ns.length ? `${col} in (${placeholders(ns.length)})` : 'false', ...ns);
      } else {
        push(`${col} ${op(suffix)} ?`, number(value, key));
      }
      return;
    }
    case 'bool': {
      const b = /^(true|1|yes|on)$/i.test(value.trim());
      push(`${col} = ?`, b);
      return;
    }
    case 'datetime': {
      if (!suffix) { push(`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') like ?`, `${like(value)}%`); return; }
      if (suffix === 'in' || suffix === 'contains' || suffix === 'startswith') return;
      push(`${col} ${op(suffix)} ?`, dateBound(value, suffix, key));
      return;
    }
    case 'json': {
      // info_types and friends: a list holding the value (case-insensitive).
      if (suffix && suffix !== 'in' && suffix !== 'contains') return;
      const vals = suffix === 'in' ? list(value) : [value];
      push(`exists (select 1 from jsonb_array_elements_text(case when jsonb_typeof(${col}) = 'array' then ${col} else '[]'::jsonb end) e(v) where lower(e.v) in (${placeholders(vals.length)}))`, ...vals.map((v) => v.toLowerCase()));
      return;
    }
    default: {
      // Text compares with accents and case folded on both sides (see fold.ts).
      const folded = foldSql(col);
      if (suffix === 'contains' || (!suffix && ALWAYS_CONTAINS.has(c.rest)) || (!suffix && c.rest === 'country' && value.length !== 2)) {
        push(`${folded} like ?`, `%${like(fold(value))}%`);
      } else if (suffix === 'startswith') {
        push(`${folded} like ?`, `${like(fold(value))}%`);
      } else if (suffix === 'in') {
        const vals = list(value).map(fold);
        push(vals.length ? `${folded} in (${placeholders(vals.length)})` : 'false', ...vals);
      } else if (suffix) {
        push(`${col} ${op(suffix)} ?`, value);
      } else {
        push(`${folded} = ?`, fold(value));
      }
    }
  }
}

function op(suffix: string): string {
  return ({ lt: '<', lte: '<=', gt: '>', gte: '>=' } as Record<string, string>)[suffix] ?? '=';
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

