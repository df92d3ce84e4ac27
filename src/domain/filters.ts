// What a filter means, whatever surface sends it: a model's filterable fields (its own columns,
// foreign key ids and attributes of the targets) derived from the descriptor, and a filter
// (the `<Model>Filter` input GraphQL clients send, or what a REST dialect's query string
// becomes) translated to one MikroORM condition. Bad values are validation errors naming the field.
import { RawQueryFragment, raw } from '@mikro-orm/core';
import { describe, snake, type ModelDescriptor, type FieldMeta, type FilterKind } from './model';
import { ipHostFilter, parseIp } from './ip';
import { ValidationError } from './errors';
import { fold, foldSql } from './fold';
import { readGrant, toWhere } from './access';
import type { Caller } from './users/caller';

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

/** A filterable GraphQL field of a model, with how it maps to a condition. */
export interface FilterField {
  name: string;               // GraphQL filter field name
  restName: string;           // Peering Manager query parameter
  kind: FilterKind;
  path: string;               // property path ('localAutonomousSystem.asn')
  source: FieldMeta;
  restDefault?: boolean;      // the REST `<fk>=` parameter maps here
}

const filterFieldCache = new Map<ModelDescriptor, FilterField[]>();

/** Every filterable field of a model: its own columns, FK ids and FK attributes ("via"). */
export function filterFields(d: ModelDescriptor): FilterField[] {
  const cached = filterFieldCache.get(d);
  if (cached) return cached;
  const out: FilterField[] = [];
  for (const f of d.fields) {
    if (!f.filterKind || f.kind === 'm2m' || f.secret || f.writeOnly) continue;
    if (f.kind === 'fk') {
      out.push({ name: f.name, restName: `${f.restName}_id`, kind: 'id', path: f.name, source: f });
      for (const via of f.via ?? []) {
        const target = describe(f.target!());
        const tf = target.field(via);
        if (!tf?.filterKind) continue;
        out.push({
          name: `${f.name}${cap(via)}`, restName: `${f.restName}_${tf.restName}`, kind: tf.filterKind,
          path: `${f.name}.${via}`, source: tf, restDefault: f.restVia === via,
        });
      }
      continue;
    }
    out.push({ name: f.name, restName: f.restName, kind: f.filterKind, path: f.name, source: f });
  }
  filterFieldCache.set(d, out);
  return out;
}

/** A foreign key filtered by its target's filter input. */
export interface RelationFilter { name: string; field: FieldMeta; target: ModelDescriptor }

const relationFilterCache = new Map<ModelDescriptor, RelationFilter[]>();

/** `<fk>Where` filters of a model whose descriptor asks for them (relationFilters). */
export function relationFilters(d: ModelDescriptor): RelationFilter[] {
  if (!d.relationFilters) return [];
  let out = relationFilterCache.get(d);
  if (!out) {
    out = d.fields.filter((f) => f.kind === 'fk' && !f.secret && !f.writeOnly).map((f) => ({ name: `${f.name}Where`, field: f, target: describe(f.target!()) }));
    relationFilterCache.set(d, out);
  }
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkIps(ff: FilterField, value: Record<string, any>): void {
  for (const op of ['exact', 'n', 'within', 'contains']) {
    const vals = value[op] === undefined || value[op] === null ? [] : Array.isArray(value[op]) ? value[op] : [value[op]];
    for (const v of vals) {
      if (!parseIp(String(v))) throw new ValidationError({ [ff.name]: [`"${v}" is not a valid IP address or prefix.`] });
    }
  }
}

function checkUuids(ff: FilterField, value: Record<string, any>): void {
  for (const v of [...(value.exact ?? []), ...(value.n ?? [])]) {
    if (!UUID.test(String(v))) throw new ValidationError({ [ff.name]: [`"${v}" is not a valid UUID.`] });
  }
}

/**
 * A filter input -> one MikroORM `where`. Lookups AND together; values inside one lookup OR.
 * `caller` bounds relation filters (`orgWhere`) to the target rows it may read; without one they match none.
 */
export function filterToWhere(d: ModelDescriptor, filter: Record<string, any> | null | undefined, caller?: Caller): Record<string, unknown> {
  if (!filter) return {};
  const and: Record<string, unknown>[] = [];
  try {
    addConditions(d, filter, caller, and);
  } catch (e) {
    // A raw() key stays in MikroORM's process-wide registry until a query renders it: a filter
    // refused half-way would leave one there for every such request.
    forgetRawKeys(and);
    throw e;
  }
  return and.length ? { $and: and } : {};
}

/** Removes the raw() keys in `conditions` from MikroORM's registry. */
function forgetRawKeys(conditions: unknown): void {
  if (Array.isArray(conditions)) { conditions.forEach(forgetRawKeys); return; }
  if (!conditions || typeof conditions !== 'object') return;
  for (const [key, value] of Object.entries(conditions)) {
    if (RawQueryFragment.isKnownFragment(key)) RawQueryFragment.remove(key);
    forgetRawKeys(value);
  }
}

function addConditions(d: ModelDescriptor, filter: Record<string, any>, caller: Caller | undefined, and: Record<string, unknown>[]): void {
  const byName = new Map(filterFields(d).map((f) => [f.name, f]));
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === null) continue;
    const rel = d.relationFilters ? relationFilters(d).find((r) => r.name === key) : undefined;
    if (rel) {
      and.push(relationCondition(rel, value, caller));
    } else if (key === 'q') {
      and.push(qCondition(d, String(value)));
    } else if (key === 'tag') {
      for (const slug of value as string[]) and.push({ tags: { $some: { slug } } });
    } else if (key === 'createdByRequest' || key === 'updatedByRequest') {
      if (!UUID.test(String(value))) throw new ValidationError({ [key]: ['Must be a valid UUID.'] });
      const action = key === 'createdByRequest' ? 'create' : 'update';
      and.push({
        [raw((a: string) => `${a}.id in (select changed_object_id from core_object_change where request_id = ? and action = ? and changed_object_type = ?)`,
          [value, action, d.contentType])]: true,
      } as any);
    } else if (d.customFilters?.[key]) {
      and.push(d.customFilters[key].apply(value, d));
    } else {
      const ff = byName.get(key);
      if (!ff) continue;
      if (ff.kind === 'ip') checkIps(ff, value);
      if (ff.kind === 'uuid') checkUuids(ff, value);
      if (ff.kind === 'id') {
        const ids: Record<string, unknown> = {};
        if (value.exact) ids.exact = (value.exact as string[]).map(toId(ff.name));
        if (value.n) ids.n = (value.n as string[]).map(toId(ff.name));
        if (value.empty !== undefined) ids.empty = value.empty;
        and.push(...lookupConditions('numeric', ff.path, ids));
      } else {
        and.push(...lookupConditions(ff.kind, ff.path, value).map((c) => nest(ff.path, c)));
      }
    }
  }
}

/** The foreign key's target among the rows the caller reads that meet the target's filter. */
function relationCondition(rel: RelationFilter, value: Record<string, any>, caller: Caller | undefined): Record<string, unknown> {
  const g = caller ? readGrant(caller, rel.target) : { allowed: false as const };
  if (!g.allowed) return { [raw('false')]: true };
  const conds = [filterToWhere(rel.target, value, caller), toWhere(g.rows) ?? {}].filter((c) => Object.keys(c).length);
  return { [rel.field.name]: conds.length ? { $and: conds } : { $ne: null } };
}

/** `{ 'a.b': cond }` -> `{ a: { b: cond } }` (MikroORM wants nested relation conditions). */
function nest(path: string, cond: Record<string, unknown>): Record<string, unknown> {
  if (!path.includes('.') || !(path in cond)) return cond;
  const [rel, field] = path.split('.');
  const { [path]: v, ...rest } = cond;
  return { ...rest, [rel]: { [field]: v } };
}

function toId(field: string) {
  return (v: string | number): number => {
    const s = String(v);
    if (!/^\d+$/.test(s) || Number(s) > 2147483647) throw new ValidationError({ [field]: [`"${s}" is not a valid id.`] });
    return Number(s);
  };
}

/** Free-text search: icontains on the descriptor's q fields, numeric prefix and IP host matches. */
function qCondition(d: ModelDescriptor, q: string): Record<string, unknown> {
  const v = q.trim();
  const like = `%${escapeLike(v)}%`;
  // An address column (inet, cidr) has no ILIKE of its own: its text is searched.
  const ors: Record<string, unknown>[] = (d.q ?? []).map((f) => (d.field(f)?.filterKind === 'ip'
    ? { [raw((a: string) => `${a}.${snake(f)}::text`)]: { $ilike: like } }
    : { [f]: { $ilike: like } }));
  if (/^\d+$/.test(v)) {
    for (const f of d.qNumeric ?? []) ors.push({ [raw((a: string) => `${a}.${snake(f)}::text`)]: { $like: `${v}%` } });
  }
  ors.push(...ipHostFilter(d.qIp ?? [], v));
  return ors.length ? { $or: ors } : {};
}

/** A value matched literally inside a LIKE pattern (backslash is PostgreSQL's default escape). */
export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** One lookup input -> MikroORM conditions on `column` (a property path). */
export function lookupConditions(kind: FilterKind, prop: string, value: Record<string, any>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const on = (cond: unknown) => out.push({ [prop]: cond });
  const like = (values: string[] | undefined, pattern: (v: string) => string, negate: boolean) => {
    if (!values?.length) return;
    const ors = values.map((v) => ({ [prop]: { $ilike: pattern(escapeLike(v)) } }));
    out.push(negate ? { $not: { $or: ors } } : { $or: ors });
  };
  if (kind === 'ip') return ipConditions(prop, value);
  if (kind === 'jsonList') return value.has?.length ? [jsonListHas(prop, value.has)] : [];
  for (const [op, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    switch (op) {
      case 'exact':
        if (kind === 'bool') on(v);
        else on({ $in: v });
        break;
      case 'n': on({ $nin: v }); break;
      case 'lt': case 'lte': case 'gt': case 'gte': on({ [`$${op}`]: v }); break;
      case 'empty':
        if (kind === 'string') out.push(v ? { $or: [{ [prop]: null }, { [prop]: '' }] } : { [prop]: { $nin: [''] }, $and: [{ [prop]: { $ne: null } }] });
        else on(v ? null : { $ne: null });
        break;
      case 'ic':
        if (kind === 'numeric') out.push(textMatch(prop, 'numeric', v, (s) => `%${s}%`));
        else like(v, (s) => `%${s}%`, false);
        break;
      case 'nic': like(v, (s) => `%${s}%`, true); break;
      case 'isw':
        if (kind === 'numeric' || kind === 'datetime') out.push(textMatch(prop, kind, v, (s) => `${s}%`));
        else like(v, (s) => `${s}%`, false);
        break;
      case 'nisw': like(v, (s) => `${s}%`, true); break;
      case 'iew': like(v, (s) => `%${s}`, false); break;
      case 'niew': like(v, (s) => `%${s}`, true); break;
      case 'ie': like(v, (s) => s, false); break;
      case 'nie': like(v, (s) => s, true); break;
      case 'fie': case 'fic': case 'fisw': out.push(folded(prop, op, v)); break;
    }
  }
  return out;
}

const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** `expr op v1 or expr op v2 ...` as one raw condition (no values: false). */
function anyOf(expr: (alias: string) => string, op: '=' | 'like', values: string[]): Record<string, unknown> {
  const sql = (a: string) => (values.length ? `(${values.map(() => `${expr(a)} ${op} ?`).join(' or ')})` : 'false');
  return { [raw(sql, values)]: true };
}

/** A column of the row itself, for conditions written as SQL: related fields are filtered through their model's own filter. */
function ownColumn(prop: string, op: string): string {
  if (prop.includes('.')) throw new ValidationError({ [prop]: [`${op} compares the row's own fields only.`] });
  return snake(prop);
}

/** `fie`, `fic`, `fisw`: both sides folded (./fold.ts), as PeeringDB's accent-insensitive text filters. */
function folded(prop: string, op: string, values: string[]): Record<string, unknown> {
  const col = ownColumn(prop, op);
  const pattern = (v: string) => (op === 'fie' ? fold(v) : op === 'fic' ? `%${escapeLike(fold(v))}%` : `${escapeLike(fold(v))}%`);
  return anyOf((a) => foldSql(`${a}.${col}`), op === 'fie' ? '=' : 'like', values.map(pattern));
}

/** A number's decimal text or a date-time's UTC ISO text (`2024-05-01T10:00:00`) matched with LIKE. */
function textMatch(prop: string, kind: 'numeric' | 'datetime', values: string[], pattern: (s: string) => string): Record<string, unknown> {
  const col = ownColumn(prop, kind === 'numeric' ? 'ic' : 'isw');
  const text = (a: string) => (kind === 'numeric' ? `${a}.${col}::text` : `to_char(${a}.${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')`);
  return anyOf(text, 'like', values.map((v) => pattern(escapeLike(v))));
}

/** A JSON list holding one of the values, case-insensitively (PeeringDB's `info_types=`); other JSON holds none. */
function jsonListHas(prop: string, values: string[]): Record<string, unknown> {
  const col = ownColumn(prop, 'has');
  return {
    [raw((a: string) => `exists (select 1 from jsonb_array_elements_text(case when jsonb_typeof(${a}.${col}::jsonb) = 'array' then ${a}.${col}::jsonb else '[]'::jsonb end) e(v) where lower(e.v) in (${placeholders(values.length)}))`,
      values.map((v) => v.toLowerCase()))]: true,
  };
}

function ipConditions(prop: string, value: Record<string, any>): Record<string, unknown>[] {
  const col = snake(prop);
  const expr = (sql: (a: string) => string) => raw((a: string) => sql(a));
  const out: Record<string, unknown>[] = [];
  const hostIn = (vals: string[], negate: boolean) => {
    const cond = { [expr((a) => `host(${a}.${col})`)]: { $in: vals.map((v) => v.split('/')[0]) } };
    out.push(negate ? { $not: cond } : cond);
  };
  if (value.exact?.length) hostIn(value.exact, false);
  if (value.n?.length) hostIn(value.n, true);
  for (const [op, pat] of [['ic', (s: string) => `%${s}%`], ['isw', (s: string) => `${s}%`]] as const) {
    if (value[op]?.length) out.push({ $or: value[op].map((v: string) => ({ [expr((a) => `${a}.${col}::text`)]: { $ilike: pat(escapeLike(v)) } })) });
  }
  // Values were checked as addresses by validateLookupIps before they reach SQL.
  if (value.within) out.push({ [raw((a: string) => `(${a}.${col} <<= ?::inet)`, [value.within])]: true });
  if (value.contains) out.push({ [raw((a: string) => `(${a}.${col} >>= ?::inet)`, [value.contains])]: true });
  if (value.family) out.push({ [expr((a) => `family(${a}.${col})`)]: value.family });
  if (value.empty !== undefined && value.empty !== null) out.push({ [prop]: value.empty ? null : { $ne: null } });
  return out;
}
