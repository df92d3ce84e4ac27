// NSoT set queries ("vendor=juniper -metro=iad +role_regex=^br"): parsed with
// POSIX shell rules, then turned into ONE SQL predicate over the attribute value
// table, evaluated left to right: no prefix = intersection, + union, - difference.
// The database does the set algebra; nothing is loaded into JS to filter.
import { raw } from '@mikro-orm/core';
import { ValidationError } from '../errors';

export type SetOp = 'intersection' | 'union' | 'difference';
export interface SetTerm { op: SetOp; name: string; value: string; regex: boolean }

/** Python's shlex.split(s) (posix=True): whitespace separates, quotes group, backslash escapes. */
export function shellSplit(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inToken = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      if (inToken) { out.push(cur); cur = ''; inToken = false; }
      i++;
    } else if (c === '\\') {
      if (i + 1 >= s.length) throw new ValidationError({ query: ['No escaped character'] });
      cur += s[i + 1]; inToken = true; i += 2;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new ValidationError({ query: ['No closing quotation'] });
      cur += s.slice(i + 1, end); inToken = true; i = end + 1;
    } else if (c === '"') {
      inToken = true; i++;
      for (;;) {
        if (i >= s.length) throw new ValidationError({ query: ['No closing quotation'] });
        const d = s[i];
        if (d === '"') { i++; break; }
        // Inside double quotes a backslash escapes only \ and " (and $ `).
        if (d === '\\' && i + 1 < s.length && '\\"$`'.includes(s[i + 1])) { cur += s[i + 1]; i += 2; continue; }
        cur += d; i++;
      }
    } else {
      cur += c; inToken = true; i++;
    }
  }
  if (inToken) out.push(cur);
  return out;
}

/** Tokens -> terms; `name=value` split at the first '=', a missing '=' means an empty value. */
export function parseSetQuery(query: string): SetTerm[] {
  return shellSplit(query).map((tok) => {
    const op: SetOp = tok.startsWith('+') ? 'union' : tok.startsWith('-') ? 'difference' : 'intersection';
    const body = op === 'intersection' ? tok : tok.slice(1);
    const eq = body.indexOf('=');
    let name = eq < 0 ? body : body.slice(0, eq);
    const value = eq < 0 ? '' : body.slice(eq + 1);
    const regex = name.endsWith('_regex');
    if (regex) name = name.slice(0, -'_regex'.length);
    return { op, name, value, regex };
  });
}

/** Attribute names a query refers to (to check that they exist). */
export function setQueryNames(query: string): string[] {
  return [...new Set(parseSetQuery(query).map((t) => t.name))];
}

/**
 * The SQL predicate of a set query on a resource table (`table`, aliased `alias`),
 * with its parameters. The terms become one INTERSECT/UNION/EXCEPT expression over
 * the indexed value table, so PostgreSQL computes the (usually small) id set first
 * and then fetches only those rows. An empty query matches nothing (NSoT returns []).
 */
export function setQuerySql(resourceName: string, table: string, query: string, alias: string): { sql: string; params: string[] } {
  const terms = parseSetQuery(query);
  if (!terms.length) return { sql: 'false', params: [] };
  const params: string[] = [];
  const member = (t: SetTerm) => {
    params.push(resourceName, t.name, t.value);
    return `(select resource_id from inventory_value where resource_name = ? and name = ? and value ${t.regex ? '~' : '='} ?)`;
  };
  // Left to right from the whole resource set; "all ∩ X" is just X.
  let expr = terms[0].op === 'intersection' ? member(terms[0]) : `(select id from ${table})`;
  for (const t of terms[0].op === 'intersection' ? terms.slice(1) : terms) {
    const op = t.op === 'intersection' ? 'intersect' : t.op === 'union' ? 'union' : 'except';
    expr = `(${expr} ${op} ${member(t)})`;
  }
  return { sql: `${alias}.id in ${expr}`, params };
}

/** The `setQuery` filter of a resource list (GraphQL and REST), as a MikroORM condition. */
export function setQueryFilter(resourceName: string, table: string) {
  return {
    setQuery: {
      type: 'string' as const,
      restName: 'set_query',
      apply: (value: string): Record<string, unknown> => {
        // Build the SQL once here so syntax errors are reported before the query runs.
        const parsed = setQuerySql(resourceName, table, String(value), '__alias__');
        return { [raw((a: string) => `(${parsed.sql.split('__alias__').join(a)})`, parsed.params)]: true } as Record<string, unknown>;
      },
    },
  };
}
