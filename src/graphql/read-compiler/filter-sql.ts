// The condition objects src/domain/filters.ts builds (MikroORM's `where` format), rendered to SQL
// directly: the query builder costs 56-640 microseconds of CPU per filter, this 0.07-0.17x of that (bench/filter-sql). It knows
// what filters produce: $and/$or/$not, comparison and (i)like operators, null, raw() keys with
// their params and alias callback, to-one relation paths and many-to-many `$some`. Anything else
// is `null`, and the caller renders the filter with the query builder: never a different answer.
//
// Semantics follow the query builder's SQL: a condition on a to-one relation is a JOIN there
// (INNER when required, LEFT when nullable), here `fk in (select id ... where cond)` (or the key is
// null and the all-null row meets cond), the same rows when it is a conjunct of the whole filter;
// under $or or $not beside other fields the join's rows differ from a subquery's: the builder's;
// `$some` is the builder's `id in (subquery)`; `$in: []` is false, `$nin: []` true.
import { ArrayType, JsonType, RawQueryFragment, ReferenceKind, type EntityMetadata, type EntityProperty, type MetadataStorage, type Platform } from '@mikro-orm/core';
import { ident } from './sql';

/** The alias marker raw()'s callback form writes, replaced by the alias of the row it is about. */
const ALIAS_MARK = '[::alias::]';

const COMPARE: Record<string, string> = { $lt: '<', $lte: '<=', $gt: '>', $gte: '>=', $like: 'like', $ilike: 'ilike' };

/** Operators comparing a value: a relation given them compares its key (`{ org: { $in: [1] } }`). */
const COMPARISONS = new Set(['$eq', '$ne', '$in', '$nin', ...Object.keys(COMPARE)]);

class Unknown extends Error {}
const unknown = (): never => { throw new Unknown(); };

const isPlain = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;

/** The one relation every field under `where` goes through ('site.name', 'site.slug'), or null. */
function onlyRelation(where: unknown): string | null {
  const relations = new Set<string>();
  const walk = (x: unknown): boolean => {
    if (Array.isArray(x)) return x.every(walk);
    if (!isPlain(x)) return false;
    return Object.entries(x).every(([k, v]) => {
      if (k === '$and' || k === '$or' || k === '$not') return walk(v);
      if (k.startsWith('$') || RawQueryFragment.isKnownFragment(k) || !k.includes('.')) return false;
      relations.add(k.slice(0, k.indexOf('.')));
      return true;
    });
  };
  return walk(where) && relations.size === 1 ? [...relations][0] : null;
}

/** `where` with `rel.` taken off its field names. */
function stripRelation(rel: string, where: unknown): unknown {
  if (Array.isArray(where)) return where.map((x) => stripRelation(rel, x));
  return Object.fromEntries(Object.entries(where as Record<string, unknown>).map(([k, v]) => (k.startsWith('$') ? [k, stripRelation(rel, v)] : [k.slice(rel.length + 1), v])));
}

class Renderer {
  readonly params: unknown[] = [];
  readonly rawKeys: string[] = [];
  private aliases = 0;
  constructor(private metadata: MetadataStorage, private platform: Platform, private aliasPrefix: string) {}

  private subAlias(): string { return `${this.aliasPrefix}f${++this.aliases}`; }

  private value(v: unknown, prop?: EntityProperty): string {
    if (v === undefined || v === null || Array.isArray(v) || isPlain(v) || RawQueryFragment.isRaw(v)) unknown();
    if (typeof v === 'string' && RawQueryFragment.isKnownFragment(v)) unknown();
    const converted = prop?.customType ? prop.customType.convertToDatabaseValue(v, this.platform, { fromQuery: true, key: prop.name, mode: 'query' }) : v;
    this.params.push(converted);
    return '?';
  }

  private list(values: unknown, prop?: EntityProperty): string {
    if (!Array.isArray(values)) return unknown();
    return values.map((v) => this.value(v, prop)).join(', ');
  }

  /** `lhs` compared as `cond` says: a value, null, a list, or an object of operators. */
  private compare(lhs: string, cond: unknown, prop?: EntityProperty): string[] {
    if (cond === null) return [`${lhs} is null`];
    if (Array.isArray(cond)) return this.compare(lhs, { $in: cond }, prop);
    if (!isPlain(cond)) return [`${lhs} = ${this.value(cond, prop)}`];
    const out: string[] = [];
    for (const [op, v] of Object.entries(cond)) {
      if (op === '$eq') out.push(v === null ? `${lhs} is null` : `${lhs} = ${this.value(v, prop)}`);
      else if (op === '$ne') out.push(v === null ? `${lhs} is not null` : `${lhs} != ${this.value(v, prop)}`);
      else if (op === '$in') out.push(Array.isArray(v) && !v.length ? 'false' : `${lhs} in (${this.list(v, prop)})`);
      else if (op === '$nin') out.push(Array.isArray(v) && !v.length ? 'true' : `${lhs} not in (${this.list(v, prop)})`);
      else if (COMPARE[op]) out.push(`${lhs} ${COMPARE[op]} ${this.value(v, prop)}`);
      else unknown();
    }
    if (!out.length) unknown();
    return out;
  }

  /** Conjuncts of `where` on `meta`'s row `alias`; `conjunct`: this object is ANDed into the whole filter. */
  where(meta: EntityMetadata, alias: string, where: unknown, conjunct: boolean): string[] {
    if (!isPlain(where)) return unknown();
    const out: string[] = [];
    for (const [key, v] of Object.entries(where)) {
      const rel = conjunct && (key === '$or' || key === '$not') ? onlyRelation({ [key]: v }) : null;
      if (rel) {
        // `$or` / `$not` over one relation's fields ('site.name'): a condition on its one joined row.
        out.push(this.relation(meta, alias, meta.properties[rel], stripRelation(rel, { [key]: v })));
      } else if (key === '$and') {
        if (!Array.isArray(v)) unknown();
        for (const part of v as unknown[]) out.push(...this.where(meta, alias, part, conjunct).map((s) => `(${s})`));
      } else if (key === '$or') {
        if (!Array.isArray(v) || !v.length) unknown();
        const parts = (v as unknown[]).map((part) => this.where(meta, alias, part, false));
        if (parts.some((p) => !p.length)) unknown();
        out.push(`(${parts.map((p) => `(${p.join(' and ')})`).join(' or ')})`);
      } else if (key === '$not') {
        const inner = this.where(meta, alias, v, false);
        if (!inner.length) unknown();
        out.push(`not (${inner.join(' and ')})`);
      } else if (RawQueryFragment.isKnownFragment(key)) {
        const raw = RawQueryFragment.getKnownFragment(key, false)!;
        this.rawKeys.push(key);
        this.params.push(...raw.params);
        const parts = this.compare(raw.sql.split(ALIAS_MARK).join(alias), v);
        // Its parameters are bound once: the fragment may stand in one comparison only.
        if (raw.params.length && parts.length !== 1) unknown();
        out.push(...parts);
      } else if (key.includes('.')) {
        if (!conjunct) unknown();
        const dot = key.indexOf('.');
        out.push(...this.property(meta, alias, key.slice(0, dot), { [key.slice(dot + 1)]: v }, conjunct));
      } else {
        out.push(...this.property(meta, alias, key, v, conjunct));
      }
    }
    return out;
  }

  private property(meta: EntityMetadata, alias: string, key: string, v: unknown, conjunct: boolean): string[] {
    const prop = meta.properties[key];
    if (!prop || prop.fieldNames?.length !== 1 || prop.customType instanceof JsonType || prop.customType instanceof ArrayType) return unknown();
    const column = `${alias}.${ident(prop.fieldNames[0])}`;
    if (prop.kind === ReferenceKind.SCALAR) return this.compare(column, v, prop);
    if (prop.kind === ReferenceKind.MANY_TO_ONE || (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner)) {
      const target = this.metadata.find(prop.type)!;
      if (!isPlain(v) || Object.keys(v).every((k) => COMPARISONS.has(k))) return this.compare(column, v, target.properties[target.primaryKeys[0]]);
      if (!conjunct || Object.keys(v).some((k) => COMPARISONS.has(k))) return unknown();
      return [this.relation(meta, alias, prop, v)];
    }
    return this.manyToMany(meta, alias, prop, v, conjunct);
  }

  /**
   * A to-one relation whose row meets `cond`. The builder joins it: INNER for a required relation
   * (a row without one never matches), LEFT for a nullable one, where `cond` is also asked of the
   * all-null row; rows whose key points nowhere cannot exist (foreign keys).
   */
  private relation(meta: EntityMetadata, alias: string, prop: EntityProperty, cond: unknown): string {
    if (!prop || (prop.kind !== ReferenceKind.MANY_TO_ONE && !(prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner)) || prop.fieldNames?.length !== 1) return unknown();
    const column = `${alias}.${ident(prop.fieldNames[0])}`;
    const target = this.metadata.find(prop.type)!;
    if (target.primaryKeys.length !== 1) return unknown();
    const pk = ident(target.properties[target.primaryKeys[0]].fieldNames[0]);
    const where = (conds: string[]) => (conds.length ? ` where ${conds.join(' and ')}` : '');
    const t = this.subAlias();
    const matching = `${column} in (select ${t}.${pk} from ${ident(target.tableName)} as ${t}${where(this.where(target, t, cond, true))})`;
    if (!prop.nullable) return matching;
    const [one, n] = [this.subAlias(), this.subAlias()];
    const ofNullRow = `exists (select 1 from (select 1) as ${one} left join ${ident(target.tableName)} as ${n} on false${where(this.where(target, n, cond, true))})`;
    return `(${matching} or (${column} is null and ${ofNullRow}))`;
  }

  /** `{ tags: { $some: cond } }` on the owning side: the row's id among the pivot rows whose target meets cond. */
  private manyToMany(meta: EntityMetadata, alias: string, prop: EntityProperty, v: unknown, conjunct: boolean): string[] {
    if (prop.kind !== ReferenceKind.MANY_TO_MANY || !prop.owner || !conjunct || !isPlain(v) || Object.keys(v).join() !== '$some') return unknown();
    if (prop.joinColumns?.length !== 1 || prop.inverseJoinColumns?.length !== 1 || meta.primaryKeys.length !== 1) return unknown();
    const target = this.metadata.find(prop.type)!;
    const [p, t] = [this.subAlias(), this.subAlias()];
    const inner = this.where(target, t, (v as { $some: unknown }).$some, true);
    const own = `${alias}.${ident(meta.properties[meta.primaryKeys[0]].fieldNames[0])}`;
    return [`${own} in (select ${p}.${ident(prop.joinColumns[0])} from ${ident(prop.pivotTable)} as ${p} join ${ident(target.tableName)} as ${t} on ${t}.${ident(target.properties[target.primaryKeys[0]].fieldNames[0])} = ${p}.${ident(prop.inverseJoinColumns[0])}${inner.length ? ` where ${inner.join(' and ')}` : ''})`];
  }
}

/**
 * `where` on `meta`'s row `alias` as one SQL condition with `?` placeholders ('' when it holds no
 * condition), or null when it holds something this renderer does not know.
 */
export function renderWhere(metadata: MetadataStorage, platform: Platform, meta: EntityMetadata, alias: string, where: Record<string, unknown>): { text: string; params: unknown[] } | null {
  const r = new Renderer(metadata, platform, alias);
  let parts: string[];
  try {
    parts = r.where(meta, alias, where, true);
  } catch (e) {
    if (e instanceof Unknown) return null;
    throw e;
  }
  // The query builder would have taken these out of MikroORM's registry of raw fragments.
  for (const key of r.rawKeys) RawQueryFragment.remove(key);
  return { text: parts.join(' and '), params: r.params };
}

/** Takes the raw fragments `where` registered out of MikroORM's registry when no renderer consumed them. */
export function releaseRawKeys(where: unknown): void {
  if (Array.isArray(where)) {
    for (const x of where) releaseRawKeys(x);
    return;
  }
  if (!isPlain(where)) return;
  for (const [k, v] of Object.entries(where)) {
    if (RawQueryFragment.isKnownFragment(k)) RawQueryFragment.remove(k);
    releaseRawKeys(v);
  }
}
