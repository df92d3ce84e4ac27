// `name_search`: PeeringDB's search-index lookup for org, campus, fac, net, ix and carrier.
// A number looks up ASNs; words must each appear (accents and case folded) in one of the
// type's searched fields, the descriptor's `q` fields (name, aka, name_long ...). Hits are
// merged into `id__in` as PeeringDB merges them: with an explicit `id__in` the answer is
// both lists; with no hit at all it is empty.
import { pdbTable, type PdbTable } from '../../src/domain/peeringdb/columns';
import type { PdbTag } from '../../src/domain/peeringdb/tags';
import { fold, foldSql } from './fold';
import { integers, like, placeholders, q, type Where } from './where';

const SEARCHED: ReadonlySet<PdbTag> = new Set<PdbTag>(['org', 'campus', 'fac', 'net', 'ix', 'carrier']);

/** The live rows of `t` the search matches, as `s.id` of a subquery body ("from ... where ..."). */
function hits(t: PdbTable, text: string): { sql: string; args: unknown[] } {
  const cleaned = text.trim().replace(/^as(?=\d+$)/i, '');
  const from = `from ${q(t.table)} s where s.status = 'ok'`;
  if (/^\d+$/.test(cleaned)) {
    const numeric = (t.d.qNumeric ?? []).map((p) => t.byProp.get(p)!.column);
    if (!numeric.length) return { sql: `${from} and false`, args: [] };
    return { sql: `${from} and (${numeric.map((c) => `s.${q(c)} = ?`).join(' or ')})`, args: numeric.map(() => Number(cleaned)) };
  }
  const words = fold(cleaned).split(/\s+/).filter(Boolean);
  if (!words.length) return { sql: `${from} and false`, args: [] };
  // The fields folded once per row, joined by a character no word holds, so each word is
  // matched within one field (folding per word and field cost 4x on 30,000 networks).
  // (OFFSET 0 keeps PostgreSQL from inlining the subquery, which would fold once per word again.)
  const fields = (t.d.q ?? []).map((p) => `s.${q(t.byProp.get(p)!.column)}`);
  const folded = `cross join lateral (select ${foldSql(`concat_ws(chr(1), ${fields.join(', ')})`)} as t offset 0) f`;
  return {
    sql: `from ${q(t.table)} s ${folded} where s.status = 'ok' and ${words.map(() => 'f.t like ?').join(' and ')}`,
    args: words.map((w) => `%${like(w)}%`),
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
  const h = hits(pdbTable(tag), text);
  const explicit = params.get('id__in');
  if (explicit === null) {
    w.sql.push(`${alias}.id in (select s.id ${h.sql})`);
    w.args.push(...h.args);
    return false;
  }
  const ids = integers(explicit, 'id__in');
  w.sql.push(`(exists (select 1 ${h.sql}) and (${alias}.id in (select s.id ${h.sql})${ids.length ? ` or ${alias}.id in (${placeholders(ids.length)})` : ''}))`);
  w.args.push(...h.args, ...h.args, ...ids);
  return true;
}
