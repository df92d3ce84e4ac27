// Scalars GraphQL lacks: 32-bit unsigned ASNs (Int is signed 32-bit), ISO timestamps, and
// JSON values held to a nesting depth (JSON_MAX_DEPTH) before anything stores or walks them.
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { jsonDepthExceeds, jsonMaxDepth, jsonTooDeep, validDate } from '../domain/values';

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

function toDateTime(v: unknown): Date {
  if (typeof v !== 'string' || Number.isNaN(new Date(v).getTime())) throw new GraphQLError('Datetime has wrong format.');
  const d = validDate(v);
  if (!d) throw new GraphQLError('Datetime out of range: years 1 to 9999 only.');
  return d;
}

/** A timestamptz as PostgreSQL writes it in JSON in a UTC session ('2026-12-07T04:33:20.101234+00:00'). */
const PG_UTC = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00:00$/;

/**
 * The ISO string Date#toISOString gives. Compiled reads hand timestamps through as PostgreSQL's
 * JSON text, several per object: rewritten as text (milliseconds truncated, as Date parses them)
 * instead of parsed into a Date and formatted again. Other forms take the Date.
 */
export function isoDateTime(v: string): string {
  const m = PG_UTC.exec(v);
  if (m) return `${m[1]}.${(m[2] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
  return new Date(v).toISOString();
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An ISO-8601 date-time with offset, years 1 to 9999.',
  serialize: (v) => (v instanceof Date ? v.toISOString() : v == null ? null : typeof v === 'string' ? isoDateTime(v) : new Date(v as string).toISOString()),
  parseValue: toDateTime,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('Datetime has wrong format.');
    return toDateTime(ast.value);
  },
});

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
    if (literalDepthExceeds(ast, jsonMaxDepth())) throw new GraphQLError(jsonTooDeep());
    const v = GraphQLJSON.parseLiteral(ast, variables);
    // Variables inside a literal are substituted here: check the result as a whole too.
    if (jsonDepthExceeds(v)) throw new GraphQLError(jsonTooDeep());
    return v;
  },
});
