// Reads with PeeringDB's semantics over raw rows: lists (filters, since, limit/skip),
// single objects, and depth expansion. Sets are loaded one query per set and level
// for all rows at once, so a depth-2 list costs a handful of queries whatever its size.
import type { EntityManager } from '@mikro-orm/core';
import type { Caller } from '../../src/http/auth';
import { pdbTable, renderRow, type PdbTable } from '../../src/domain/peeringdb/columns';
import { PDB_TYPES, pdbDescriptor, type PdbTag } from '../../src/domain/peeringdb/tags';
import { readGrant, toSql } from '../../src/domain/access';
import { sqlRows, type Row } from '../../src/domain/peeringdb/sql';
import { addFilters } from './filters';
import { addDistance, centreOf, distanceOf } from './spatial';
import { q, type Where } from './where';
import { PdbError } from './errors';
import { sinceInRange } from '../../src/domain/peeringdb/base';
import { intParam } from './params';
import { DEPTH_ROW_LIMIT, pagination, refuseNul, type ListResult, type Pagination } from './list';

export type Obj = Record<string, unknown>;

const PER_PAGE = 250;

const select = sqlRows;

/** The rows of `tag` this caller may read, as the model declares them (contacts by visibility): none when it may read none. */
function visibleRows(caller: Caller, tag: PdbTag, alias: string, w: Where): void {
  const grant = readGrant(caller, pdbDescriptor(tag));
  if (!grant.allowed) { w.sql.push('false'); return; }
  const t = pdbTable(tag);
  const column = (prop: string) => q(t.byProp.get(prop)!.column);
  const rows = toSql(grant.rows, alias, column);
  w.sql.push(...rows.sql);
  w.args.push(...rows.args);
}

interface ListPlan { t: PdbTable; depth: number; where: Where; order: string; limit: number; skip: number; page?: { page: number; perPage: number } }

/** Filters, since, visibility and paging of a list, shared by both ways of answering it. */
async function plan(em: EntityManager, caller: Caller, tag: PdbTag, params: URLSearchParams): Promise<ListPlan> {
  const t = pdbTable(tag);
  refuseNul(params);
  const depth = intParam(params, 'depth', 0, 3);
  const where: Where = { sql: [], args: [] };
  const since = params.get('since');
  let order = 't.id';
  const bySince = since !== null && since !== '';
  if (bySince) {
    const ts = Number(since);
    if (!sinceInRange(ts)) throw new PdbError(400, `Invalid value for since: "${since}"`);
    // Strict > on whole seconds (rows are stored without fractions), deleted rows included.
    where.sql.push(`(t.created > to_timestamp(?) or t.updated > to_timestamp(?))`, `t.status in (${tag === 'campus' ? "'ok', 'deleted', 'pending'" : "'ok', 'deleted'"})`);
    where.args.push(Math.floor(ts), Math.floor(ts));
    order = 't.updated, t.id';
  } else {
    where.sql.push(`t.status = 'ok'`);
  }
  visibleRows(caller, tag, 't', where);
  const km = distanceOf(tag, params);
  if (km !== null) {
    const nearest = addDistance('t', await centreOf(em, params), km, where);
    // Nearest first, unless `since` asks for PeeringDB's sync order.
    if (nearest && !bySince) order = nearest;
  }
  addFilters(t, params, 't', where, km !== null);
  if (params.has('page')) {
    // Page-based pagination replaces limit/skip; a page is at most 250 rows, so depth never truncates it.
    const page = Math.max(1, intParam(params, 'page', 1));
    const perPage = Math.max(1, intParam(params, 'per_page', PER_PAGE, PER_PAGE));
    return { t, depth, where, order, limit: perPage, skip: (page - 1) * perPage, page: { page, perPage } };
  }
  let limit = intParam(params, 'limit', 0);
  const skip = intParam(params, 'skip', 0);
  if (depth > 0 && (limit === 0 || limit > DEPTH_ROW_LIMIT)) limit = DEPTH_ROW_LIMIT + 1; // one more tells whether it was cut
  return { t, depth, where, order, limit, skip };
}

const tail = (p: ListPlan) => `where ${p.where.sql.join(' and ')} order by ${p.order}${p.limit ? ` limit ${p.limit}` : ''}${p.skip ? ` offset ${p.skip}` : ''}`;

export async function list(em: EntityManager, caller: Caller, tag: PdbTag, params: URLSearchParams): Promise<ListResult> {
  const p = await plan(em, caller, tag, params);
  let rows = await select(em, `select t.* from ${q(p.t.table)} t ${tail(p)}`, p.where.args);
  let truncated: string | undefined;
  if (p.depth > 0 && rows.length > DEPTH_ROW_LIMIT) {
    rows = rows.slice(0, DEPTH_ROW_LIMIT);
    truncated = `Your search query (with depth ${p.depth}) returned more than ${DEPTH_ROW_LIMIT} rows and has been truncated. Please be more specific in your filter settings or use depth=0 instead`;
  }
  const data = rows.map((r) => renderRow(p.t, r));
  await expandSets(em, caller, tag, data, p.depth);
  return { data, truncated, pagination: p.page && (await countedPagination(em, p, p.page)) };
}

/** The page's meta.pagination, after counting every row the list's conditions match. */
async function countedPagination(em: EntityManager, p: ListPlan, at: { page: number; perPage: number }): Promise<Pagination> {
  const [r] = await select(em, `select count(*)::int as n from ${q(p.t.table)} t where ${p.where.sql.join(' and ')}`, p.where.args);
  return pagination(Number(r.n), at);
}

/** The row as PeeringDB JSON, built by PostgreSQL; null when the table has too many columns for json_build_object. */
function jsonExpr(t: PdbTable): string | null {
  const cols = t.columns.filter((c) => !c.field.writeOnly);
  if (cols.length > 50) return null;
  return `json_build_object(${cols.map((c) => `'${c.rest}', ${c.kind === 'datetime'
    ? `to_char(t.${q(c.column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')` : `t.${q(c.column)}`}`).join(', ')})`;
}

/**
 * A depth-0 list as one JSON text built by the database: the full lists scripts and syncs
 * read (30,000 nets, 60,000 netixlans) then cost one value to decode instead of a
 * million cells. Null when the answer needs the object path (sets, contacts).
 */
export async function listJsonText(em: EntityManager, caller: Caller, tag: PdbTag, params: URLSearchParams): Promise<string | null> {
  const p = await plan(em, caller, tag, params);
  const expr = jsonExpr(p.t);
  if (p.depth > 0 || p.page || tag === 'poc' || !expr) return null;
  const [r] = await select(em, `select coalesce(json_agg(x.j order by x.n), '[]')::text as data from (select ${expr} as j, row_number() over (order by ${p.order}) as n from ${q(p.t.table)} t ${tail(p)}) x`, p.where.args);
  return String(r.data);
}

/**
 * `*_set` fields: depth 1 = ids, depth 2 = objects, 3 and 4 = those objects' own
 * sets (as ids, then objects). Only live (ok) children are listed.
 */
export async function expandSets(em: EntityManager, caller: Caller, tag: PdbTag, objs: Obj[], depth: number): Promise<void> {
  if (depth < 1 || !objs.length) return;
  const ids = objs.map((o) => o.id as number);
  for (const set of PDB_TYPES[tag].sets) {
    const ct = pdbTable(set.child);
    const fkCol = ct.byProp.get(set.fk)!.column;
    const w: Where = { sql: [`c.${q(fkCol)} in (${ids.map(() => '?').join(', ')})`, `c.status = 'ok'`], args: [...ids] };
    visibleRows(caller, set.child, 'c', w);
    let members: { parent: number; row: Row }[];
    let memberTag: PdbTag = set.child;
    if (set.via) {
      // ix.fac_set (through ixfac), ixlan.net_set (through netixlan): the pairs first, then each
      // far-side row once (a big IX lists thousands of memberships of far fewer networks).
      const vt = pdbTable(set.via.tag);
      const viaCol = ct.byProp.get(set.via.fk)!.column;
      const pairs = await select(em, `select c.${q(fkCol)} as p, c.${q(viaCol)} as m from ${q(ct.table)} c where ${w.sql.join(' and ')} and c.${q(viaCol)} is not null`, w.args);
      const wanted = [...new Set(pairs.map((r) => Number(r.m)))];
      const far = wanted.length ? await select(em, `select v.* from ${q(vt.table)} v where v.id = any(?::int[]) and v.status = 'ok' order by v.id`, [`{${wanted.join(',')}}`]) : [];
      const byId = new Map(far.map((r) => [Number(r.id), r]));
      members = pairs.filter((r) => byId.has(Number(r.m))).map((r) => ({ parent: Number(r.p), row: byId.get(Number(r.m))! }))
        .sort((a, b) => Number(a.row.id) - Number(b.row.id));
      memberTag = set.via.tag;
    } else {
      members = (await select(em, `select c.* from ${q(ct.table)} c where ${w.sql.join(' and ')} order by c.id`, w.args))
        .map((r) => ({ parent: Number(r[fkCol]), row: r }));
    }
    const mt = pdbTable(memberTag);
    const byParent = new Map<number, Obj[]>();
    const rendered: Obj[] = [];
    const seen = new Map<number, Obj>();
    const pairsSeen = new Set<string>();
    for (const m of members) {
      const id = Number(m.row.id);
      // A net twice on one ixlan is one member of its net_set.
      const o = seen.get(id) ?? renderRow(mt, m.row);
      if (!seen.has(id)) { seen.set(id, o); rendered.push(o); }
      const l = byParent.get(m.parent) ?? byParent.set(m.parent, []).get(m.parent)!;
      // A net twice on one ixlan is listed once: remember pairs, not scan the list.
      const pair = `${m.parent}:${id}`;
      if (!pairsSeen.has(pair)) { pairsSeen.add(pair); l.push(o); }
    }
    if (depth >= 2) await expandSets(em, caller, memberTag, rendered, depth - 2);
    for (const o of objs) {
      const l = byParent.get(o.id as number) ?? [];
      o[set.name] = depth === 1 ? l.map((x) => x.id) : l;
    }
  }
}
