// Scalars GraphQL lacks: 32-bit unsigned ASNs (Int is signed 32-bit), ISO timestamps, and
// JSON values held to a nesting depth (JSON_MAX_DEPTH) before anything stores or walks them.
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { GraphQLJSON } from 'graphql-scalars';

function toAsn(value: unknown): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new GraphQLError('A valid integer is required.');
  if (n < 0) throw new GraphQLError('Ensure this value is greater than or equal to 0.');
  if (!Number.isSafeInteger(n)) throw new GraphQLError('Ensure this value is less than or equal to 9007199254740991.');
  return n === 0 ? 0 : n; // -0 is 0
}

/** Unsigned integer up to 2^53 (ASNs, 64-bit counters); range checks per field happen in validation. */
export const ASNScalar = new GraphQLScalarType({
  name: 'BigInt',
  description: 'An unsigned integer beyond 32 bits (ASNs 1..4294967295, counters), as a JSON number.',
  serialize: (v) => (typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? Number(v) : v),
  parseValue: toAsn,
  parseLiteral: (ast: ValueNode) => {
    if (ast.kind === Kind.INT || ast.kind === Kind.STRING) return toAsn(ast.kind === Kind.INT ? Number(ast.value) : ast.value);
    throw new GraphQLError('A valid integer is required.');
  },
});

/**
 * A date-time every surface accepts: one JavaScript can represent and PostgreSQL's
 * timestamptz can store, within years 1 to 9999 (Django's and DRF's range). Null when not.
 */
export function validDate(text: string | number): Date | null {
  const d = new Date(text);
  return inDateRange(d) ? d : null;
}

/** Whether a Date is valid and within years 1 to 9999 (UTC). */
export function inDateRange(d: Date): boolean {
  if (Number.isNaN(d.getTime())) return false;
  const year = d.getUTCFullYear();
  return year >= 1 && year <= 9999;
}

function toDateTime(v: unknown): Date {
  if (typeof v !== 'string' || Number.isNaN(new Date(v).getTime())) throw new GraphQLError('Datetime has wrong format.');
  const d = validDate(v);
  if (!d) throw new GraphQLError('Datetime out of range: years 1 to 9999 only.');
  return d;
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An ISO-8601 date-time with offset, years 1 to 9999.',
  serialize: (v) => (v instanceof Date ? v.toISOString() : v == null ? null : new Date(v as string).toISOString()),
  parseValue: toDateTime,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('Datetime has wrong format.');
    return toDateTime(ast.value);
  },
});

// ---- JSON nesting depth -------------------------------------------------------------

const DEFAULT_JSON_MAX_DEPTH = 32;
let jsonMaxDepthSetting = DEFAULT_JSON_MAX_DEPTH;

/** The deepest nesting a JSON value may have (JSON_MAX_DEPTH); set once at start from the config. */
export function jsonMaxDepth(): number { return jsonMaxDepthSetting; }
export function setJsonMaxDepth(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`JSON max depth must be a positive integer, got ${n}`);
  jsonMaxDepthSetting = n;
}

export const jsonTooDeep = (max = jsonMaxDepthSetting) => `JSON nested deeper than ${max} levels.`;

/**
 * Whether a JSON value nests arrays/objects more than `max` levels (`1` and `"x"` are 0
 * levels, `[]` and `{}` 1, `[[1]]` 2). Walks without recursion and stops at the first
 * container past the limit, so a value 100,000 levels deep costs no stack.
 */
export function jsonDepthExceeds(value: unknown, max = jsonMaxDepthSetting): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (depth > max) return true;
    const children = Array.isArray(v) ? v : Object.values(v as object);
    for (const c of children) if (c !== null && typeof c === 'object') stack.push([c, depth + 1]);
  }
  return false;
}

/**
 * The same on JSON text, before it is parsed: a linear scan of the brackets outside
 * strings. Lets a reader refuse a body nested 100,000 levels deep without building it.
 * Text that is not JSON is left for the parser to report.
 */
export function jsonTextDepthExceeds(text: string, max = jsonMaxDepthSetting): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) { if (++depth > max) return true; }
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** The same on a GraphQL literal (`{a: [1, {b: 2}]}` in a document). */
function literalDepthExceeds(ast: ValueNode, max: number): boolean {
  const stack: [ValueNode, number][] = [[ast, ast.kind === Kind.LIST || ast.kind === Kind.OBJECT ? 1 : 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > max) return true;
    const children = node.kind === Kind.LIST ? node.values : node.kind === Kind.OBJECT ? node.fields.map((f) => f.value) : [];
    for (const c of children) if (c.kind === Kind.LIST || c.kind === Kind.OBJECT) stack.push([c, depth + 1]);
  }
  return false;
}

/**
 * graphql-scalars' JSON, with the nesting depth checked on the way in (variables and
 * literals), so the database never sees a value it cannot store: PGlite's small stack
 * fails on jsonb about 1,000 levels deep. Every JSON field, argument and output uses this one type.
 */
export const JSONScalar = new GraphQLScalarType({
  ...GraphQLJSON.toConfig(),
  parseValue: (v) => {
    if (jsonDepthExceeds(v)) throw new GraphQLError(jsonTooDeep());
    return GraphQLJSON.parseValue(v);
  },
  parseLiteral: (ast, variables) => {
    if (literalDepthExceeds(ast, jsonMaxDepthSetting)) throw new GraphQLError(jsonTooDeep());
    const v = GraphQLJSON.parseLiteral(ast, variables);
    // Variables inside a literal are substituted here: check the result as a whole too.
    if (jsonDepthExceeds(v)) throw new GraphQLError(jsonTooDeep());
    return v;
  },
});
