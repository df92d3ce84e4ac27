// src/graphql/nul-arguments.ts: PostgreSQL text cannot hold U+0000, so the schema every surface
// runs refuses it in any argument, before a resolver runs: BAD_USER_INPUT naming the input field,
// the bulk item or the argument. Run here on the real schema with no database and no context:
// a refused operation never reaches a resolver, so it cannot need either.
import 'reflect-metadata';
import { execute, parse, subscribe, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { makeSchema } from '../../src/graphql/schema';
import { InProcessBus } from '../../src/events/bus';
import { ValidationError } from '../../src/domain/errors';
import { NUL_REFUSED, holdsNul, nulRefusal } from '../../src/graphql/nul-arguments';

let schema: GraphQLSchema;
beforeAll(async () => { schema = await makeSchema(new InProcessBus()); });

const run = (query: string, variableValues: Record<string, unknown> = {}) =>
  execute({ schema, document: parse(query), variableValues, contextValue: {} }) as Promise<ExecutionResult>;

const refusal = (r: ExecutionResult) => {
  const cause = r.errors?.[0]?.originalError;
  return cause instanceof ValidationError ? { fields: cause.fields, items: cause.items } : null;
};

describe('NUL in arguments', () => {
  test.each<[string, string, Record<string, unknown>, Record<string, string[]>]>([
    ['a filter string', 'query($f: AutonomousSystemFilter) { autonomousSystems(filter: $f) { totalCount } }', { f: { name: { exact: ['a\u0000b'] } } }, { name: [NUL_REFUSED] }],
    ['free text', 'query($f: AutonomousSystemFilter) { autonomousSystems(filter: $f) { totalCount } }', { f: { q: '\u0000' } }, { q: [NUL_REFUSED] }],
    ['a tag', 'query($f: AutonomousSystemFilter) { autonomousSystems(filter: $f) { totalCount } }', { f: { tag: ['ok', 'x\u0000'] } }, { tag: [NUL_REFUSED] }],
    ['a literal in the document', '{ autonomousSystems(filter: {name: {ic: ["a\\u0000"]}}) { totalCount } }', {}, { name: [NUL_REFUSED] }],
    ['a written field', 'mutation($i: AutonomousSystemCreateInput!) { createAutonomousSystem(input: $i) { id } }', { i: { asn: 64500, name: 'a\u0000' } }, { name: [NUL_REFUSED] }],
    ['a plain String argument', 'query($t: String!) { exportAutonomousSystems(template: $t) }', { t: 'a\u0000b' }, { template: [NUL_REFUSED] }],
    ['an ID argument', 'query($id: ID!) { autonomousSystem(id: $id) { id } }', { id: '1\u0000' }, { id: [NUL_REFUSED] }],
    ['a JSON value, by its key', 'mutation($d: JSON!) { peeringdbCreate(tag: "org", data: $d) }', { d: { name: 'x', notes: ['a\u0000'] } }, { notes: [NUL_REFUSED] }],
    ['a JSON key', 'mutation($d: JSON!) { peeringdbCreate(tag: "org", data: $d) }', { d: { 'a\u0000': 1 } }, { data: [NUL_REFUSED] }],
    ['a nested list\'s filter below the root field', 'query($f: InternetExchangePeeringSessionFilter) { autonomousSystems { items { internetExchangePeeringSessions(filter: $f) { id } } } }', { f: { description: { exact: ['\u0000'] } } }, { description: [NUL_REFUSED] }],
  ])('%s', async (_name, query, variables, fields) => {
    const r = await run(query, variables);
    expect(r.errors?.map((e) => e.message)).toHaveLength(1);
    expect(refusal(r)).toEqual({ fields, items: undefined });
  });

  test('through a fragment', async () => {
    const r = await run('query($f: InternetExchangePeeringSessionFilter) { autonomousSystems { items { ...S } } } fragment S on AutonomousSystem { internetExchangePeeringSessions(filter: $f) { id } }', { f: { q: 'x\u0000' } });
    expect(refusal(r)).toEqual({ fields: { q: [NUL_REFUSED] }, items: undefined });
  });

  test('a bulk write names the item', async () => {
    const r = await run('mutation($i: [AutonomousSystemCreateInput!]!) { createAutonomousSystems(inputs: $i) { id } }', { i: [{ asn: 64500, name: 'ok' }, { asn: 64501, name: '\u0000' }] });
    expect(refusal(r)).toEqual({ fields: {}, items: [{}, { name: [NUL_REFUSED] }] });
  });

  test('compiled execution (graphql-jit, as the dialects\' executor runs a repeated document) inherits it', async () => {
    const query = compileQuery(schema, parse('query($f: InternetExchangePeeringSessionFilter) { autonomousSystems { items { internetExchangePeeringSessions(filter: $f) { id } } } }'), undefined, { useExperimentalPathBasedSkipInclude: true });
    if (!isCompiledQuery(query)) throw new Error('not compiled');
    for (const q of ['a\u0000', 'b\u0000']) {
      const r = (await query.query(undefined, {}, { f: { q } })) as ExecutionResult;
      expect(r.errors?.[0]?.message).toBe(`q: ${NUL_REFUSED}`);
    }
  });

  test('a subscription is refused before it subscribes', async () => {
    const sub = await subscribe({ schema, document: parse('subscription($t: [String!]) { objectChanged(types: $t) { action } }'), variableValues: { t: ['peering.\u0000'] }, contextValue: {} });
    expect(refusal(sub as ExecutionResult)).toEqual({ fields: { types: [NUL_REFUSED] }, items: undefined });
  });

  test('an operation without NUL reaches its resolver', async () => {
    // No context here: the resolver fails on it, which shows it was reached.
    const r = await run('query($f: AutonomousSystemFilter) { autonomousSystems(filter: $f) { totalCount } }', { f: { name: { exact: ['a b'] } } });
    expect(r.errors).toHaveLength(1);
    expect(refusal(r)).toBeNull();
  });
});

describe('nulRefusal', () => {
  test('values without NUL pass, whatever their shape', () => {
    for (const v of ['x', ['a', 'b'], { a: 'x', b: [1, { c: 'd' }] }, [{ a: 'x' }], 5, null, new Date(0)]) expect(nulRefusal('arg', v)).toBeNull();
  });

  test('every field that holds NUL is named, a key with NUL names the argument', () => {
    expect(nulRefusal('input', { a: '\u0000', b: 'ok', c: { d: ['\u0000'] } })?.fields).toEqual({ a: [NUL_REFUSED], c: [NUL_REFUSED] });
    expect(nulRefusal('data', { 'k\u0000': 1 })?.fields).toEqual({ data: [NUL_REFUSED] });
    expect(nulRefusal('ids', ['1', '2\u0000'])?.fields).toEqual({ ids: [NUL_REFUSED] });
    expect(holdsNul([[{ x: [['\u0000']] }]])).toBe(true);
  });
});
