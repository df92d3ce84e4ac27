import { buildSchema, getIntrospectionQuery, parse, validate, specifiedRules, type GraphQLSchema } from 'graphql';
import { checkLogin, documentTooLarge, limitsFrom, measureDocument, parseLimited, requestRules, validationRules, type Limits } from '../../src/graphql/limits';
import { loadConfig } from '../../src/config';
import { makeSchema } from '../../src/graphql/schema';
import { InProcessBus } from '../../src/events/bus';

const schema = buildSchema(`
  type Node { id: ID, children(limit: Int): NodeList, parent: Node }
  type NodeList { totalCount: Int, items: [Node] }
  type Query { nodes(limit: Int): NodeList }
`);
const limits: Limits = { maxDepth: 5, maxComplexity: 1000, defaultPage: 50, maxPage: 1000, maxTokens: 2000, maxDocumentBytes: 20_000 };
const check = (q: string, vars: Record<string, unknown> = {}, on: GraphQLSchema = schema, l: Limits = limits) =>
  validate(on, parse(q), requestRules({ limits: l, variables: vars, anonymousRefused: false })).map((e) => e.extensions?.code);
const complexity = (q: string, on: GraphQLSchema = schema, l: Limits = limits) => [...measureDocument(on, parse(q), l, {}).values()][0].complexity;
const aliases = (n: number, body: string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${body}`).join(' ')} }`;

describe('GraphQL limits', () => {
  test('a shallow, small query passes', () => {
    expect(check('{ nodes(limit: 10) { totalCount items { id parent { id } } } }')).toEqual([]);
  });
  test('depth beyond the maximum is refused', () => {
    expect(check('{ nodes { items { parent { parent { parent { parent { id } } } } } } }')).toContain('QUERY_TOO_DEEP');
  });
  test('depth through fragments counts too', () => {
    expect(check('{ nodes { items { ...P } } } fragment P on Node { parent { parent { parent { parent { id } } } } }')).toContain('QUERY_TOO_DEEP');
  });
  test('list size multiplies cost; variables are read', () => {
    expect(check('query($n: Int) { nodes(limit: $n) { items { id parent { id } } } }', { n: 10 })).toEqual([]);
    expect(check('query($n: Int) { nodes(limit: $n) { items { id parent { id } } } }', { n: 1000 })).toContain('QUERY_TOO_COMPLEX');
  });
  test('aliases add up', () => {
    expect(check(aliases(40, 'nodes { items { id } }'))).toContain('QUERY_TOO_COMPLEX');
  });
  test('every list is a query of its own: many small aliased counts are refused', () => {
    expect(check(aliases(3, 'nodes { totalCount }'))).toEqual([]);
    expect(check(aliases(20, 'nodes { totalCount }'))).toContain('QUERY_TOO_COMPLEX');
  });

  test('a list whose items sit in a fragment or an inline fragment is still a list', () => {
    const direct = complexity(aliases(5, 'nodes { items { id } }'));
    expect(complexity(`${aliases(5, 'nodes { ...Page }')} fragment Page on NodeList { items { id } }`)).toBe(direct);
    expect(complexity(aliases(5, 'nodes { ... on NodeList { items { id } } }'))).toBe(direct);
    // A fragment that itself only spreads another one.
    expect(complexity(`${aliases(5, 'nodes { ...A }')} fragment A on NodeList { ...B } fragment B on NodeList { totalCount }`)).toBe(complexity(aliases(5, 'nodes { totalCount }')));
    expect(check(`${aliases(20, 'nodes { ...C }')} fragment C on NodeList { totalCount }`)).toContain('QUERY_TOO_COMPLEX');
  });

  test('fragments spreading the next one twice: measured once each, refused at once', () => {
    // 23 levels: 2^23 leaves. Re-walking each spread took 19 s; memoized it is linear.
    const levels = 23;
    const frags = Array.from({ length: levels }, (_, i) => `fragment F${i} on Node { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const q = `{ nodes(limit: 1) { items { ...F0 } } }\n${frags}\nfragment F${levels} on Node { id }`;
    const codes = check(q);
    expect(codes).toContain('QUERY_TOO_COMPLEX');
    expect(complexity(q, schema, { ...limits, maxComplexity: Infinity })).toBe(1 + 1 * (1 + 2 ** levels) + 100);
  });

  test('fragment cycles neither hang nor overflow (graphql reports them)', () => {
    const q = '{ nodes { items { ...A } } } fragment A on Node { parent { ...B } } fragment B on Node { parent { ...A } }';
    const codes = validate(schema, parse(q), validationRules({ limits, variables: {}, anonymousRefused: false })).map((e) => e.message);
    expect(codes.some((m) => /Cannot spread fragment/.test(m))).toBe(true);
  });

  test('the token limit stops the parser early; the byte limit before it', () => {
    const huge = `{ ${Array.from({ length: 200_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expect(() => parseLimited(huge, { ...limits, maxDocumentBytes: 0 })).toThrow('Document exceeds the maximum of 2000 tokens.');
    try { parseLimited(huge, limits); throw new Error('not refused'); } catch (e: any) { expect(e.extensions.code).toBe('QUERY_TOO_LARGE'); expect(e.message).toMatch(/bytes/); }
    expect(documentTooLarge('{ x }', limits)).toBeNull();
    // Bytes, not characters: 7,000 three-byte characters are 21,000 bytes.
    expect(documentTooLarge(`# ${'€'.repeat(7000)}\n{ x }`, limits)?.extensions.code).toBe('QUERY_TOO_LARGE');
    expect(parseLimited('{ nodes { totalCount } }', limits).definitions).toHaveLength(1);
  });

  test('LOGIN_REQUIRED: anonymous introspection and __typename are refused', () => {
    for (const q of ['{ __schema { types { name } } }', '{ __typename }', '{ ...F } fragment F on Query { __type(name: "Node") { name } }']) {
      expect(checkLogin(parse(q), true).map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
      expect(checkLogin(parse(q), false)).toEqual([]);
    }
    expect(checkLogin(parse('{ nodes { totalCount __typename } }'), true)).toEqual([]);
  });
});

describe('introspection cost, on PeerGate\'s schema and default limits', () => {
  let real: GraphQLSchema;
  const defaults = limitsFrom(loadConfig({}));
  const refusals = (q: string) => validate(real, parseLimited(q, defaults), validationRules({ limits: defaults, variables: {}, anonymousRefused: false })).map((e) => e.extensions?.code);
  beforeAll(async () => { real = await makeSchema(new InProcessBus()); });

  test('the standard introspection query (GraphiQL\'s) passes, and is not free', () => {
    expect(refusals(getIntrospectionQuery())).toEqual([]);
    expect(refusals(getIntrospectionQuery({ inputValueDeprecation: true, schemaDescription: true, specifiedByUrl: true, directiveIsRepeatable: true }))).toEqual([]);
    // Costed near its real size (tens of thousands of values), not at a handful of fields.
    expect(complexity(getIntrospectionQuery(), real, defaults)).toBeGreaterThan(20_000);
  });

  test('50 aliased copies of __schema { types { fields { name } } } are refused; one passes', () => {
    expect(refusals(aliases(1, '__schema { types { fields { name } } }'))).toEqual([]);
    expect(refusals(aliases(50, '__schema { types { fields { name } } }'))).toContain('QUERY_TOO_COMPLEX');
  });

  test('one named type costs its largest lists, and nested ofType chains stop at the real wrapping depth', () => {
    const named = complexity('{ __type(name: "Query") { fields { name } } }', real, defaults);
    const anyType = complexity('{ __schema { types { fields { name } } } }', real, defaults) / Object.keys(real.getTypeMap()).length;
    expect(named).toBeGreaterThan(anyType * 5);
    const chain = (n: number) => `{ __type(name: "Query") { fields { type { ${'ofType { '.repeat(n)}name${' }'.repeat(n)} } } } }`;
    expect(complexity(chain(40), real, defaults)).toBe(complexity(chain(10), real, defaults));
    expect(refusals(aliases(200, '__type(name: "Query") { fields { name args { name } } }'))).toContain('QUERY_TOO_COMPLEX');
  });

  test('introspection fragment cycles terminate (ofType and fields/type loops)', () => {
    for (const q of ['{ __schema { types { ...T } } } fragment T on __Type { ofType { ...T } }',
      '{ __schema { types { ...T } } } fragment T on __Type { fields { type { ...T } } }']) {
      const codes = validate(real, parse(q), validationRules({ limits: defaults, variables: {}, anonymousRefused: false })).map((e) => e.message);
      expect(codes.some((m) => /Cannot spread fragment "T" within itself/.test(m))).toBe(true);
    }
  });

  test('specified rules are part of the shared rule set', () => {
    expect(validationRules({ limits: defaults, variables: {}, anonymousRefused: false }).slice(0, specifiedRules.length)).toEqual([...specifiedRules]);
  });
});
