// `name_search`: PeeringDB's search-index lookup for org, campus, fac, net, ix and carrier.
// A number looks up ASNs; words must each appear (accents and case folded) in one of the
// type's searched fields, the descriptor's `q` fields (name, aka, name_long ...). Hits are
// merged into `id__in` as PeeringDB merges them: with an explicit `id__in` the answer is
// both lists; with no hit at all it is empty.
import { pdbTable, type PdbTable } from '../../src/domain/peeringdb/columns';
import type { PdbTag } from '../../src/domain/peeringdb/tags';
import { fold, foldSql } from '../../src/domain/fold';
import { integers, like, placeholders, q, type Where } from './where';

const SEARCHED: ReadonlySet<PdbTag> = new Set<PdbTag>(['org', 'campus', 'fac', 'net', 'ix', 'carrier']);

/**
 * The condition for a live row of `t` (as `alias`) to be a hit. It is put on the listed rows
 * themselves, not as an id subquery: that self-join cost a nested loop per row.
 */
function hit(t: PdbTable, text: string, alias: string): { sql: string; args: unknown[] } {
  const cleaned = text.trim().replace(/^as(?=\d+$)/i, '');
  const live = `${alias}.status = 'ok'`;
  if (/^\d+$/.test(cleaned)) {
    const numeric = (t.d.qNumeric ?? []).map((p) => `${alias}.${q(t.byProp.get(p)!.column)}`);
    if (!numeric.length) return { sql: 'false', args: [] };
    return { sql: `(${live} and (${numeric.map((c) => `${c} = ?`).join(' or ')}))`, args: numeric.map(() => Number(cleaned)) };
  }
  const words = fold(cleaned).split(/\s+/).filter(Boolean);
  if (!words.length) return { sql: 'false', args: [] };
  const fields = (t.d.q ?? []).map((p) => foldSql(`${alias}.${q(t.byProp.get(p)!.column)}`));
  return {
    sql: `(${live} and ${words.map(() => `(${fields.map((f) => `${f} like ?`).join(' or ')})`).join(' and ')})`,
    args: words.flatMap((w) => fields.map(() => `%${like(w)}%`)),
  };
}

/**
 * Adds the `name_search` condition, taking over `id__in` when both are given.
 * Returns whether `id__in` was consumed.
 */
export function addNameSearch(tag: PdbTag, params: URLSearchParams, alias: string, w: Where): boolean {
  const text = params.get('name_search');
  if (!text) return false;
  if (!SEARCHED.has(tag)) { w.sql.push('false'); return false; }
  const t = pdbTable(tag);
  const own = hit(t, text, alias);
  const explicit = params.get('id__in');
  if (explicit === null) {
    w.sql.push(own.sql);
    w.args.push(...own.args);
    return false;
  }
  // Any hit at all (an uncorrelated EXISTS, evaluated once), then the hits or the ids given.
  const ids = integers(explicit, 'id__in');
  const any = hit(t, text, 's');
  w.sql.push(`(exists (select 1 from ${q(t.table)} s where ${any.sql}) and (${own.sql}${ids.length ? ` or ${alias}.id in (${placeholders(ids.length)})` : ''}))`);
  w.args.push(...any.args, ...own.args, ...ids);
  return true;
}
