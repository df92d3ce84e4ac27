// Query parameters read as they are: numbers (depth, limit, skip, page, per_page), whole numbers
// within what PostgreSQL and JavaScript hold or a 400 naming the parameter; `fields`, the keys kept.
import { PdbError } from './errors';

/** Largest limit, skip, page or per_page: PostgreSQL's LIMIT and OFFSET are bigint, and JavaScript's numbers lose digits past 2^53. */
const MAX_PAGING = 2147483647;

export function intParam(params: URLSearchParams, name: string, dflt: number, max?: number): number {
  const v = params.get(name);
  if (v === null || v === '') return dflt;
  if (!/^-?\d+$/.test(v.trim())) throw new PdbError(400, `Invalid value for ${name}: "${v}"`);
  const n = Math.max(0, Number(v));
  if (n > MAX_PAGING) throw new PdbError(400, `Invalid value for ${name}: "${v}" (at most ${MAX_PAGING})`);
  return max === undefined ? n : Math.min(n, max);
}

/** `fields=a,b`: the keys to keep; null when every key stays. */
export function askedFields(params: URLSearchParams): Set<string> | null {
  const f = params.get('fields');
  return f ? new Set(f.split(',').map((s) => s.trim()).filter(Boolean)) : null;
}
