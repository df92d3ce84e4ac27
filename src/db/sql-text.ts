// SQL text as the embedded database needs it: how many statements a script holds (reading
// quotes, dollar quotes and comments, so a ';' inside a value or a comment is not a boundary),
// and MikroORM's `?` placeholders turned into numbered parameters instead of inlined values.
import { JsonProperty, Utils } from '@mikro-orm/core';

const IDENT = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

/** Where the token starting at `i` ends (exclusive), for quoted text and comments; i + 1 otherwise. */
function skipToken(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'") {
    // E'...' takes backslash escapes; a standard string only doubles the quote.
    const escapes = i > 0 && (sql[i - 1] === 'E' || sql[i - 1] === 'e') && (i < 2 || !IDENT.test(sql[i - 2]));
    let j = i + 1;
    while (j < sql.length) {
      if (escapes && sql[j] === '\\') { j += 2; continue; }
      if (sql[j] === "'") {
        if (sql[j + 1] === "'") { j += 2; continue; }
        return j + 1;
      }
      j++;
    }
    return sql.length;
  }
  if (c === '"') {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === '"') {
        if (sql[j + 1] === '"') { j += 2; continue; }
        return j + 1;
      }
      j++;
    }
    return sql.length;
  }
  if (c === '-' && sql[i + 1] === '-') {
    const end = sql.indexOf('\n', i);
    return end < 0 ? sql.length : end + 1;
  }
  if (c === '/' && sql[i + 1] === '*') {
    // Block comments nest in PostgreSQL.
    let depth = 1;
    let j = i + 2;
    while (j < sql.length && depth > 0) {
      if (sql[j] === '/' && sql[j + 1] === '*') { depth++; j += 2; } else if (sql[j] === '*' && sql[j + 1] === '/') { depth--; j += 2; } else j++;
    }
    return j;
  }
  if (c === '$' && (i === 0 || !IDENT.test(sql[i - 1]))) {
    DOLLAR_TAG.lastIndex = i;
    const m = DOLLAR_TAG.exec(sql);
    if (m) {
      const end = sql.indexOf(m[0], i + m[0].length);
      return end < 0 ? sql.length : end + m[0].length;
    }
  }
  return i + 1;
}

/** The number of non-empty statements in `sql` (0 for only blanks and comments). */
export function countStatements(sql: string): number {
  let count = 0;
  let content = false;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === ';') {
      if (content) count++;
      content = false;
      i++;
      continue;
    }
    const isComment = (c === '-' && sql[i + 1] === '-') || (c === '/' && sql[i + 1] === '*');
    if (!isComment && !/\s/.test(c)) content = true;
    i = skipToken(sql, i);
  }
  return content ? count + 1 : count;
}

/** A statement with numbered parameters ($1 ...) and their values, as PostgreSQL's text input. */
export interface Statement { text: string; values: (string | null)[] }

/** What parameterise needs of MikroORM's platform: the same quoting as its inlining. */
export interface QuotingPlatform {
  quoteIdentifier(id: string): string;
  quoteValue(value: unknown): string;
  isRaw(value: unknown): boolean;
  formatDate(date: Date): string;
}

/**
 * MikroORM's `?` (value), `??` (identifier) and `\?` (a literal ?) placeholders, as its
 * formatQuery reads them, but with each string, date, JSON or binary value sent as a parameter
 * rather than inlined. Numbers, booleans and NULL stay inline (their text cannot carry a quote
 * or a ';', and PostgreSQL then types them as it does on the server path); an array expands to a
 * list, as formatQuery expands it; raw SQL fragments stay SQL.
 */
export function parameterise(sql: string, params: readonly unknown[], platform: QuotingPlatform, values: (string | null)[] = []): Statement {
  let j = 0;
  let out = '';
  let from = 0;
  const value = (v: unknown): string => {
    if (v === undefined || v === null) return 'null';
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(platform.quoteValue(v));
    if (Utils.isRawSql(v)) return parameterise(v.sql, v.params ?? [], platform, values).text;
    if (platform.isRaw(v)) return String(platform.quoteValue(v));
    if (Utils.isPlainObject(v) || (v as Record<symbol, unknown>)[JsonProperty]) return `$${values.push(JSON.stringify(v))}`;
    if (Array.isArray(v)) return v.map(value).join(', ');
    if (typeof v === 'string') return `$${values.push(v)}`;
    if (v instanceof Date) return `$${values.push(platform.formatDate(v))}`;
    if (ArrayBuffer.isView(v)) return `$${values.push('\\x' + Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex'))}`;
    // Anything else is quoted exactly as on the server path.
    return String(platform.quoteValue(v));
  };
  // From one `?` to the next: a read statement is kilobytes of SQL with a few placeholders.
  for (let i = sql.indexOf('?'); i >= 0; i = sql.indexOf('?', i + 1)) {
    if (i > 0 && sql[i - 1] === '\\') {
      out += sql.slice(from, i - 1) + '?';
    } else if (sql[i + 1] === '?') {
      out += sql.slice(from, i) + platform.quoteIdentifier(String(params[j++]));
      i++;
    } else {
      out += sql.slice(from, i) + value(params[j++]);
    }
    from = i + 1;
  }
  return { text: out + sql.slice(from), values };
}

/** A PostgreSQL array literal's element: quoted, with quotes and backslashes escaped. */
function arrayElement(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (Array.isArray(v)) return arrayLiteral(v);
  return `"${String(toText(v)).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function arrayLiteral(a: unknown[]): string {
  return `{${a.map(arrayElement).join(',')}}`;
}

/**
 * A bound value as PostgreSQL's text input, for values bound by knex itself (as node-postgres
 * would send them): arrays as array literals, objects as JSON, binary as bytea hex.
 */
export function toText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return v.toISOString();
  if (ArrayBuffer.isView(v)) return '\\x' + Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  if (Array.isArray(v)) return arrayLiteral(v);
  return JSON.stringify(v);
}
