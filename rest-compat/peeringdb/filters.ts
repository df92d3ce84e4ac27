// PeeringDB query strings -> SQL conditions over the mirror tables, from the column maps:
// exact matches (case-insensitive for text), the seven suffixes (lt lte gt gte in
// contains startswith), one-hop relations (`org__name__contains=`) as id subqueries.
// Unknown fields and suffixes are ignored, as PeeringDB ignores them.
import { pdbTable, type PdbColumn, type PdbTable } from '../../src/domain/peeringdb/columns';
import type { PdbTag } from '../../src/domain/peeringdb/tags';
import { isIP } from 'node:net';
import { PdbError } from './errors';

export interface Where { sql: string[]; args: unknown[] }

/** Parameters that are not filters. */
export const RESERVED = new Set(['limit', 'skip', 'depth', 'fields', 'since', 'pretty', 'format', 'page', 'per_page', 'name_search', 'ordering']);
const SUFFIXES = new Set(['lt', 'lte', 'gt', 'gte', 'in', 'contains', 'startswith']);
/** Always substring matches in PeeringDB. */
const ALWAYS_CONTAINS = new Set(['address1', 'city', 'state']);

export const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const like = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * PeeringDB's relationship filters over link tables (`net?ix=`, `ix?fac=`, `net?not_fac=`):
 * the rows linked to (or, negated, not linked to) any of the given ids.
 */
interface Special { table: string; own: string; other: string; not?: boolean }
const SPECIALS: Partial<Record<PdbTag, Record<string, Special>>> = {
  net: {
    ix: { table: 'peeringdb_netixlan', own: 'net_id', other: 'ix_id' },
    ixlan: { table: 'peeringdb_netixlan', own: 'net_id', other: 'ixlan_id' },
    netixlan: { table: 'peeringdb_netixlan', own: 'net_id', other: 'id' },
    fac: { table: 'peeringdb_netfac', own: 'net_id', other: 'fac_id' },
    netfac: { table: 'peeringdb_netfac', own: 'net_id', other: 'id' },
    not_ix: { table: 'peeringdb_netixlan', own: 'net_id', other: 'ix_id', not: true },
    not_fac: { table: 'peeringdb_netfac', own: 'net_id', other: 'fac_id', not: true },
  },
  ix: {
    fac: { table: 'peeringdb_ixfac', own: 'ix_id', other: 'fac_id' },
    ixfac: { table: 'peeringdb_ixfac', own: 'ix_id', other: 'id' },
    net: { table: 'peeringdb_netixlan', own: 'ix_id', other: 'net_id' },
    ixlan: { table: 'peeringdb_ixlan', own: 'ix_id', other: 'id' },
  },
  fac: {
    net: { table: 'peeringdb_netfac', own: 'fac_id', other: 'net_id' },
    ix: { table: 'peeringdb_ixfac', own: 'fac_id', other: 'ix_id' },
  },
  org: { asn: { table: 'peeringdb_net', own: 'org_id', other: 'asn' } },
};

function special(tag: PdbTag, key: string, value: string, alias: string, w: Where): boolean {
  const m = /^(\w+?)(?:_id)?(?:__in)?$/.exec(key);
  const sp = m ? SPECIALS[tag]?.[m[1]] : undefined;
  if (!sp) return false;
  const ids = list(value).map((v) => number(v, key));
  const sub = `select l.${q(sp.own)} from ${q(sp.table)} l where l.status = 'ok' and l.${q(sp.other)} in (${ids.map(() => '?').join(', ') || 'null'})`;
  w.sql.push(`${alias}.id ${sp.not ? 'not in' : 'in'} (${sub})`);
  w.args.push(...ids);
  return true;
}

/** `ixpfx?whereis=<ip>`: the prefixes holding the address (prefixes are text as the upstream wrote them). */
function whereis(value: string, alias: string, w: Where): void {
  const ip = value.trim();
  if (!isIP(ip)) throw new PdbError(400, `Invalid value for whereis: "${value}"`);
  // Only text shaped like a prefix is cast, so one odd upstream row cannot fail the query.
  w.sql.push(`(case when ${alias}.prefix ~ '^[0-9A-Fa-f:.]+/[0-9]{1,3}$' then ${alias}.prefix::inet >>= ?::inet else false end)`);
  w.args.push(ip);
}

/** Adds the conditions of every filter parameter to `w`; `alias` is the table's alias. */
export function addFilters(t: PdbTable, params: URLSearchParams, alias: string, w: Where): void {
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (seen.has(key) || RESERVED.has(key)) continue;
    seen.add(key);
    const value = params.get(key) ?? '';
    if (t.tag === 'ixpfx' && key === 'whereis') { whereis(value, alias, w); continue; }
    if (!t.byRest.has(key.split('__')[0]) && special(t.tag, key, value, alias, w)) continue;
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

function list(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function number(v: string, key: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new PdbError(400, `Invalid value for ${key}: "${v}"`);
  return n;
}

function condition(col: string, c: PdbColumn, suffix: string, value: string, key: string, w: Where): void {
  const push = (sql: string, ...args: unknown[]) => { w.sql.push(sql); w.args.push(...args); };
  const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');
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
      if (suffix === 'contains' || (!suffix && ALWAYS_CONTAINS.has(c.rest)) || (!suffix && c.rest === 'country' && value.length !== 2)) {
        push(`${col} ilike ?`, `%${like(value)}%`);
      } else if (suffix === 'startswith') {
        push(`${col} ilike ?`, `${like(value)}%`);
      } else if (suffix === 'in') {
        const vals = list(value).map((v) => v.toLowerCase());
        push(vals.length ? `lower(${col}) in (${placeholders(vals.length)})` : 'false', ...vals);
      } else if (suffix) {
        push(`${col} ${op(suffix)} ?`, value);
      } else {
        push(`lower(${col}) = ?`, value.toLowerCase());
      }
    }
  }
}

function op(suffix: string): string {
  return ({ lt: '<', lte: '<=', gt: '>', gte: '>=' } as Record<string, string>)[suffix] ?? '=';
}

/** Dates as YYYY-MM-DD are whole days: `__gt`/`__lte` compare with the day's last instant. */
function dateBound(v: string, suffix: string, key: string): Date {
  if (/^\d+(\.\d+)?$/.test(v)) return new Date(Number(v) * 1000);
  const day = /^\d{4}-\d{2}-\d{2}$/.test(v);
  const d = new Date(day && (suffix === 'gt' || suffix === 'lte') ? `${v}T23:59:59.999Z` : day ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(d.getTime())) throw new PdbError(400, `Invalid value for ${key}: "${v}"`);
  return d;
}

export type { PdbTag };
