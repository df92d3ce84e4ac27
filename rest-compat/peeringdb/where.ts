// The pieces PeeringDB's query-string translation builds SQL from: a growing WHERE
// (conditions with `?` placeholders and their arguments), quoting and value parsing.
import { PdbError } from './errors';

export interface Where { sql: string[]; args: unknown[] }

/** The seven lookup suffixes PeeringDB recognizes; others are ignored. */
export const SUFFIXES: ReadonlySet<string> = new Set(['lt', 'lte', 'gt', 'gte', 'in', 'contains', 'startswith']);

export const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** A LIKE pattern's wildcards escaped. */
export const like = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** A comma list, blanks dropped. */
export function list(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** A finite number or a 400 naming the parameter. */
export function number(v: string, key: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new PdbError(400, `Invalid value for ${key}: "${v}"`);
  return n;
}

/** A comma list of whole numbers (ids, ASNs) or a 400 naming the parameter. */
export function integers(value: string, key: string): number[] {
  return list(value).map((v) => {
    if (!/^\d{1,10}$/.test(v)) throw new PdbError(400, `Invalid value for ${key}: "${v}"`);
    return Number(v);
  });
}

/** `?true`, `1`: PeeringDB's boolean query values. */
export const truthy = (v: string): boolean => /^(true|1)$/i.test(v.trim());
