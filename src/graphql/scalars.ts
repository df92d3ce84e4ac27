// Scalars GraphQL lacks: 32-bit unsigned ASNs (Int is signed 32-bit) and ISO timestamps.
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

function toAsn(value: unknown): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new GraphQLError('A valid integer is required.');
  if (n < 0 || n > 18446744073709551615) throw new GraphQLError('Ensure this value is greater than or equal to 0.');
  if (!Number.isSafeInteger(n)) throw new GraphQLError('Ensure this value is less than or equal to 9007199254740991.');
  return n;
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

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An ISO-8601 date-time with offset.',
  serialize: (v) => (v instanceof Date ? v.toISOString() : v == null ? null : new Date(v as string).toISOString()),
  parseValue: (v) => {
    const d = new Date(v as string);
    if (typeof v !== 'string' || Number.isNaN(d.getTime())) throw new GraphQLError('Datetime has wrong format.');
    return d;
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING || Number.isNaN(new Date(ast.value).getTime())) throw new GraphQLError('Datetime has wrong format.');
    return new Date(ast.value);
  },
});
