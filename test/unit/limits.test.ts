import { buildSchema, parse, validate } from 'graphql';
import { limitRules } from '../../src/graphql/limits';

const schema = buildSchema(`
  type Node { id: ID, children(limit: Int): NodeList, parent: Node }
  type NodeList { totalCount: Int, items: [Node] }
  type Query { nodes(limit: Int): NodeList }
`);
const limits = { maxDepth: 5, maxComplexity: 1000, defaultPage: 50, maxPage: 1000 };
const check = (q: string, vars: Record<string, unknown> = {}) => validate(schema, parse(q), [limitRules(limits, () => vars)]).map((e) => e.extensions?.code);

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
    const q = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: nodes { items { id } }`).join(' ')} }`;
    expect(check(q)).toContain('QUERY_TOO_COMPLEX');
  });
  test('every list is a query of its own: many small aliased counts are refused', () => {
    const counts = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: nodes { totalCount }`).join(' ')} }`;
    expect(check(counts(3))).toEqual([]);
    expect(check(counts(20))).toContain('QUERY_TOO_COMPLEX');
  });
});
