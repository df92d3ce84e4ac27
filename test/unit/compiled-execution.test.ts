// graphql-jit answers every case below the way graphql-js does (data, message, path,
// locations, extensions, the resolver's error kept for its code), each document compiled once.
import {
  GraphQLEnumType, GraphQLError, GraphQLInputObjectType, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType,
  GraphQLScalarType, GraphQLSchema, GraphQLString, getIntrospectionQuery, parse, type ExecutionResult,
} from 'graphql';
import { CompiledExecution } from '../../src/graphql/compiled-execution';
import { ASNScalar, DateTimeScalar } from '../../src/graphql/scalars';
import { NotFoundError } from '../../src/domain/errors';
import { domainCause } from '../../src/graphql/errors';

const Kind = new GraphQLEnumType({ name: 'Kind', values: { PUBLIC: { value: 'public' }, PRIVATE: { value: 'private' } } });
interface Row { id: number; asn?: unknown; when?: unknown; kind?: unknown; name?: string | null }
const Item: GraphQLObjectType = new GraphQLObjectType({
  name: 'Item',
  fields: () => ({
    id: { type: new GraphQLNonNull(GraphQLInt) },
    asn: { type: ASNScalar },
    when: { type: DateTimeScalar },
    kind: { type: Kind },
    name: { type: new GraphQLNonNull(GraphQLString) },
    missing: { type: GraphQLString, resolve: (r: Row) => { throw new NotFoundError(`Item ${r.id} has no such thing.`); } },
    refused: { type: GraphQLString, resolve: () => { throw new GraphQLError('Not yours.', { extensions: { code: 'FORBIDDEN' } }); } },
    crashed: { type: GraphQLString, resolve: async () => { throw new TypeError("Cannot read properties of undefined (reading 'x')"); } },
    parent: { type: Item, resolve: (r: Row) => (r.id > 1 ? { id: r.id - 1, name: 'p' } : null) },
  }),
});
const Filter = new GraphQLInputObjectType({
  name: 'Filter',
  fields: { ids: { type: new GraphQLList(new GraphQLNonNull(GraphQLInt)) }, kind: { type: Kind }, after: { type: DateTimeScalar } },
});
const rows: Row[] = [
  { id: 1, asn: 65000, when: new Date('2026-12-07T00:00:00Z'), kind: 'public', name: 'one' },
  { id: 2, asn: '4200000000', when: 'not a date', kind: 'nope', name: null },
  { id: 3, asn: 64512, when: null, kind: 'private', name: 'three' },
];
const touched: number[] = [];
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      items: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(Item))), resolve: () => rows },
      loose: { type: new GraphQLList(Item), resolve: () => rows },
      echo: {
        type: GraphQLString,
        args: { asn: { type: new GraphQLNonNull(ASNScalar) }, filter: { type: Filter }, limit: { type: GraphQLInt, defaultValue: 50 } },
        // graphql-jit puts defaulted arguments first: same values, other key order.
        resolve: (_: unknown, args: Record<string, unknown>) => JSON.stringify(args, Object.keys(args).sort().concat('ids', 'kind', 'after')),
      },
    },
  }),
  mutation: new GraphQLObjectType({
    name: 'Mutation',
    fields: {
      touch: {
        type: GraphQLInt,
        args: { n: { type: new GraphQLNonNull(GraphQLInt) } },
        resolve: async (_: unknown, { n }: { n: number }) => { await new Promise((r) => setTimeout(r, 3 - n)); touched.push(n); return n; },
      },
      /** Non-null: its failure nulls the whole mutation result, and graphql-js runs no later root field. */
      touchOrFail: {
        type: new GraphQLNonNull(GraphQLInt),
        args: { n: { type: new GraphQLNonNull(GraphQLInt) } },
        resolve: async (_: unknown, { n }: { n: number }) => {
          if (n === 2) throw new GraphQLError('The database is unavailable.', { extensions: { code: 'SERVICE_UNAVAILABLE' } });
          touched.push(n);
          return n;
        },
      },
    },
  }),
});

/**
 * A result as a client and PeerGate's error formatting see it. (For a null in a non-null field
 * and a scalar's serialize error graphql-jit keeps only the message, not an originalError: both
 * are internal errors, answered alike and logged without the scalar's stack.)
 */
function seen(r: ExecutionResult) {
  return {
    data: r.data,
    /** As sent: key order, and no key for a field skipped (a compiled function may hold one as undefined). */
    sent: JSON.stringify(r.data),
    errors: r.errors?.map((e) => ({
      json: e.toJSON(),
      graphqlJs: e.constructor === GraphQLError,
      extensionsIsObject: typeof e.extensions === 'object' && e.extensions !== null,
      domainCode: domainCause(e)?.code,
    })),
  };
}

const interpreted = new CompiledExecution(schema, false);
/** The second run of a document on a fresh jit executor (the first runs on graphql-js), and graphql-js's answer. */
async function both(source: string, variableValues: Record<string, unknown> = {}, operationName?: string) {
  const document = parse(source);
  const request = { document, source, variableValues, operationName, contextValue: {} };
  const jit = new CompiledExecution(schema, true);
  await jit.execute(request);
  const [a, b] = [await jit.execute(request), await interpreted.execute(request)];
  return { jit: seen(a), graphqlJs: seen(b), compiled: jit.compiledDocuments };
}

describe('compiled execution answers as graphql-js does', () => {
  test.each([
    ['leaves, enums, custom scalars (a bad DateTime and enum value are field errors), a non-null null bubbling up',
      '{ loose { id asn when kind } items { id name } }'],
    ['a null in a nullable list item position stays local', '{ loose { id name } }'],
    ['resolvers throwing: a domain error, a GraphQLError with a code, a programming error, in a list and nested',
      '{ loose { id missing refused crashed parent { id missing } } }'],
    ['aliases and fragments', 'query Q { a: loose { ...F } } fragment F on Item { x: id kind }'],
    ['__typename at the root, on objects and aliased (as Apollo Client asks)', '{ __typename loose { __typename t: __typename id kind parent { __typename id } } }'],
  ])('%s', async (_name, source) => {
    const r = await both(source);
    expect(r.compiled).toBe(1);
    expect(r.jit).toEqual(r.graphqlJs);
    expect(r.jit.errors?.length ?? 0).toBeGreaterThan(0);
    expect(r.jit.errors!.every((e) => e.graphqlJs && e.extensionsIsObject)).toBe(true);
  });

  test.each([
    [{ on: true, off: false }], [{ on: false, off: true }],
  ])('@include and @skip on fields, fragment spreads and inline fragments, by variable: %j', async (variables) => {
    const source = `query D($on: Boolean!, $off: Boolean!) { loose {
      id kind @include(if: $on) ...F @include(if: $on) ...G @skip(if: $off) ... on Item @skip(if: $on) { a: id }
      parent @include(if: $off) { id ...F @skip(if: $on) }
    } } fragment F on Item { asn name } fragment G on Item { asn id: id }`;
    const r = await both(source, variables);
    expect(r.compiled).toBe(1);
    expect(r.jit).toEqual(r.graphqlJs);
  });

  test("a resolver's error stays the originalError (a domain error keeps its code)", async () => {
    const source = '{ loose { id missing crashed } }';
    const jit = new CompiledExecution(schema, true);
    await jit.execute({ document: parse(source), source, contextValue: {} });
    const r = await jit.execute({ document: parse(source), source, contextValue: {} });
    expect(jit.compiledDocuments).toBe(1);
    expect(r.errors!.map((e) => e.originalError?.constructor.name).sort()).toEqual(['NotFoundError', 'NotFoundError', 'NotFoundError', 'TypeError', 'TypeError', 'TypeError']);
    expect(seen(r).errors![0]).toMatchObject({ domainCode: 'NOT_FOUND', json: { path: ['loose', 0, 'missing'], locations: [{ line: 1, column: 14 }] } });
  });

  test.each([
    ['valid variables, defaults, enums by name', { asn: '65001', filter: { ids: [1, 2], kind: 'PRIVATE', after: '2026-01-01T00:00:00Z' } }],
    ['a required variable missing', {}],
    ['a custom scalar refusing the value', { asn: -1 }],
    ['a bad item in a list, an unknown enum name, an unknown input field', { asn: 1, filter: { ids: [1, 'x'], kind: 'SECRET', colour: 'red' } }],
    ['a custom scalar refusing a nested value', { asn: 1, filter: { after: 'yesterday' } }],
    ['null for a non-null list item', { asn: 1, filter: { ids: [null] } }],
  ])('variables: %s', async (_name, variables) => {
    const r = await both('query E($asn: BigInt!, $filter: Filter) { echo(asn: $asn, filter: $filter) }', variables);
    expect(r.compiled).toBe(1);
    expect(r.jit).toEqual(r.graphqlJs);
  });

  test('a mutation of one root field is compiled; of several, they run one after the other (on graphql-js)', async () => {
    touched.length = 0;
    const one = await both('mutation { a: touch(n: 1) }');
    expect(one.compiled).toBe(1);
    expect(one.jit).toEqual(one.graphqlJs);
    touched.length = 0;
    const r = await both('mutation { a: touch(n: 1) b: touch(n: 2) c: touch(n: 3) }');
    expect(r.compiled).toBe(0);
    expect(r.jit).toEqual(r.graphqlJs);
    expect(touched).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3]);
  });

  test('a failed non-null mutation stops the ones after it (graphql-jit would run them: such documents run on graphql-js)', async () => {
    touched.length = 0;
    const r = await both('mutation { a: touchOrFail(n: 1) b: touchOrFail(n: 2) c: touchOrFail(n: 3) }');
    expect(r.jit).toEqual(r.graphqlJs);
    expect(r.jit.data).toBeNull();
    expect(touched).toEqual([1, 1, 1]);
  });

  test('introspection and a document with several operations are answered too (by graphql-js)', async () => {
    const intro = await both(getIntrospectionQuery());
    expect(intro.compiled).toBe(0);
    expect(intro.jit).toEqual(intro.graphqlJs);
    expect(JSON.stringify(intro.jit.data)).toContain('"Kind"');
    const two = 'query A { items { id } } query B { loose { kind } }';
    const b = await both(two, {}, 'B');
    expect(b.compiled).toBe(1);
    expect(b.jit).toEqual(b.graphqlJs);
    expect(b.jit.data).toEqual({ loose: [{ kind: 'PUBLIC' }, { kind: null }, { kind: 'PRIVATE' }] });
  });

  test('each document is compiled on its second run, keyed by its text and operation; the cache is bounded', async () => {
    const execution = new CompiledExecution(schema, true, 2);
    const run = (source: string, operationName?: string) => execution.execute({ document: parse(source), source, operationName, contextValue: {} });
    await run('{ items { id } }');
    expect(execution.compiledDocuments).toBe(0);
    await run('{ items { id } }');
    await run('{ items { id } }');
    expect(execution.compiledDocuments).toBe(1);
    const two = 'query A { items { id } } query B { loose { id } }';
    for (const op of ['A', 'B', 'A', 'B']) await run(two, op);
    expect(execution.compiledDocuments).toBe(2); // A and B; the first document went
    await run(getIntrospectionQuery());
    await run(getIntrospectionQuery());
    expect(execution.compiledDocuments).toBe(1); // the oldest went; introspection is not compiled
    expect(new CompiledExecution(schema, false).compiledDocuments).toBe(0);
  });

  test('without jit nothing is compiled', async () => {
    const execution = new CompiledExecution(schema, false);
    const source = '{ items { id } }';
    expect(await execution.execute({ document: parse(source), source, contextValue: {} })).toEqual({ data: { items: [{ id: 1 }, { id: 2 }, { id: 3 }] } });
    expect(execution.compiledDocuments).toBe(0);
  });

  test('compiled, valid variables are coerced once (graphql-js coerces them too only when graphql-jit refuses them)', async () => {
    let parsed = 0;
    const Counted = new GraphQLScalarType({ name: 'Counted', parseValue: (v) => { parsed++; if (v === 'bad') throw new GraphQLError('Bad value.'); return v; } });
    const counting = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: { echo: { type: GraphQLString, args: { v: { type: new GraphQLList(Counted) } }, resolve: (_: unknown, a: { v: unknown[] }) => a.v.join() } },
      }),
    });
    const execution = new CompiledExecution(counting, true);
    const source = 'query C($v: [Counted]) { echo(v: $v) }';
    const run = (v: unknown[]) => execution.execute({ document: parse(source), source, variableValues: { v }, contextValue: {} });
    await run(['a']);
    parsed = 0;
    expect(await run(['a', 'b', 'c'])).toEqual({ data: { echo: 'a,b,c' } });
    expect(execution.compiledDocuments).toBe(1);
    expect(parsed).toBe(3);
    const refused = await run(['a', 'bad']);
    expect(refused.errors?.map((e) => e.message)).toEqual(['Variable "$v" got invalid value "bad" at "v[1]"; Bad value.']);
  });
});
