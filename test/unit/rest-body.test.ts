// rest-compat/core/body.ts: a REST write body -> the model's GraphQL input, coerced the way Django
// REST framework coerces, with every mistake reported per field and all at once.
import 'reflect-metadata';
import '../../src/domain';
import { AutonomousSystem } from '../../src/domain/peering/autonomous-system';
import { DirectPeeringSession } from '../../src/domain/peering/direct-peering-session';
import { describe as model, type FieldMeta } from '../../src/domain/model';
import { coerceScalar, itemId, toInput, typeName } from '../../rest-compat/core/body';

const as = model(AutonomousSystem);
const session = model(DirectPeeringSession);
const meta = (kind: FieldMeta['kind'], extra: Partial<FieldMeta> = {}) => ({ name: 'f', restName: 'f', kind, ...extra }) as FieldMeta;
const status = session.field('status')!;

describe('typeName: Python names of JSON types', () => {
  test.each<[unknown, string]>([[null, 'NoneType'], [[], 'list'], [{}, 'dict'], ['', 'str'], [true, 'bool'], [1, 'int'], [1.5, 'float']])('%j', (v, name) => {
    expect(typeName(v)).toBe(name);
  });
});

describe('coerceScalar', () => {
  test.each<[string, FieldMeta, unknown, unknown]>([
    ['int', meta('int'), 5, 5],
    ['int from text', meta('int'), ' 42 ', 42],
    ['int from text with .0', meta('int'), '7.00', 7],
    ['int -0', meta('int'), -0, 0],
    ['int32 upper bound', meta('int'), 2147483647, 2147483647],
    ['asn past int32', meta('asn'), 4294967296, 4294967296],
    ['bigint', meta('bigint'), '9007199254740991', 9007199254740991],
    ['float', meta('float'), '2.5', 2.5],
    ['bool true', meta('bool'), true, true],
    ['bool from text', meta('bool'), ' Yes ', true],
    ['bool from t', meta('bool'), 't', true],
    ['bool from 0', meta('bool'), 0, false],
    ['bool from n', meta('bool'), 'n', false],
    ['string', meta('string'), 'x', 'x'],
    ['string from a number', meta('string'), 12, '12'],
    ['json as it is', meta('json'), { a: [1] }, { a: [1] }],
    ['null', meta('int'), null, null],
    ['datetime', meta('datetime'), '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z'],
    ['choice', status, 'enabled', 'enabled'],
    ['choice from a number', status, 5, '5'],
    ['numeric choice from text', meta('choice', { choices: { name: 'af', values: [{ value: 4, label: 'IPv4' }, { value: 6, label: 'IPv6' }] } as any }), ' 6 ', 6],
  ])('%s', (_name, f, v, out) => {
    expect(coerceScalar(f, v)).toEqual(out);
  });

  test.each<[string, FieldMeta, unknown, string]>([
    ['int from words', meta('int'), 'five', 'A valid integer is required.'],
    ['int from a fraction', meta('int'), 1.5, 'A valid integer is required.'],
    ['int from a bool', meta('int'), true, 'A valid integer is required.'],
    ['int past int32', meta('int'), 2147483648, 'Ensure this value is less than or equal to 2147483647.'],
    ['int below int32', meta('int'), -2147483649, 'Ensure this value is greater than or equal to -2147483648.'],
    ['asn past 2^53', meta('asn'), 2 ** 53, `Ensure this value is less than or equal to ${Number.MAX_SAFE_INTEGER}.`],
    ['bigint below -2^53', meta('bigint'), -(2 ** 53), `Ensure this value is greater than or equal to ${-Number.MAX_SAFE_INTEGER}.`],
    ['float from words', meta('float'), 'abc', 'A valid number is required.'],
    ['float from blank', meta('float'), ' ', 'A valid number is required.'],
    ['float infinite', meta('float'), 'Infinity', 'A valid number is required.'],
    ['bool from words', meta('bool'), 'maybe', 'Must be a valid boolean.'],
    ['bool from 2', meta('bool'), 2, 'Must be a valid boolean.'],
    ['bool from a list', meta('bool'), [], 'Must be a valid boolean.'],
    ['string from a list', meta('string'), ['a'], 'Not a valid string.'],
    ['string from a bool', meta('string'), false, 'Not a valid string.'],
    ['choice from a dict', status, { value: 'enabled' }, 'Value must be passed directly (e.g. "foo": 123); do not use a dictionary or list.'],
    ['numeric choice from words', meta('choice', { choices: { name: 'af', values: [{ value: 4, label: 'IPv4' }] } as any }), 'four', '"four" is not a valid choice.'],
    ['datetime from words', meta('datetime'), 'soon', 'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].'],
    ['datetime from a number', meta('datetime'), 5, 'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].'],
    ['datetime past 9999', meta('datetime'), '+010000-01-01T00:00:00Z', 'Datetime out of range: years 1 to 9999 only.'],
  ])('%s is refused', (_name, f, v, message) => {
    expect(() => coerceScalar(f, v)).toThrow(message);
  });
});

describe('toInput', () => {
  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['scalars by their GraphQL names', { asn: 65000, name: 'Awesome', irr_as_set: 'AS-X' }, { asn: 65000, name: 'Awesome', irrAsSet: 'AS-X' }],
    ['coerced values', { asn: '65000', name: 7, affiliated: 'true', ipv4_max_prefixes: '10' }, { asn: 65000, name: '7', affiliated: true, ipv4MaxPrefixes: 10 }],
    ['read-only fields sent back unchanged are ignored', { asn: 1, name: 'n', id: 3, url: 'x', display: 'y', created: 'z', prefixes: {} }, { asn: 1, name: 'n' }],
    ['many-to-many by ids', { asn: 1, name: 'n', tags: [1, ' 2 '] }, { asn: 1, name: 'n', tagIds: ['1', '2'] }],
    ['many-to-many by attributes', { asn: 1, name: 'n', tags: [3, { slug: 'core' }] }, { asn: 1, name: 'n', tagIds: ['3'], tags: [{ slug: 'core' }] }],
    ['many-to-many emptied', { asn: 1, name: 'n', communities: [] }, { asn: 1, name: 'n', communityIds: [] }],
    ['JSON as it is', { asn: 1, name: 'n', local_context_data: { a: [1, { b: null }] } }, { asn: 1, name: 'n', localContextData: { a: [1, { b: null }] } }],
  ])('%s', (_name, body, input) => {
    expect(toInput(as, body, 'create')).toEqual({ input, errors: {} });
  });

  test.each<[string, unknown, Record<string, unknown>]>([
    ['a foreign key by id', 5, { autonomousSystemId: '5' }],
    ['a foreign key by id in text', ' 7 ', { autonomousSystemId: '7' }],
    ['a foreign key by attributes', { asn: '65000' }, { autonomousSystem: { asn: 65000 } }],
    ['a foreign key by id in a dict', { id: 9 }, { autonomousSystem: { id: '9' } }],
    ['a foreign key cleared', null, { autonomousSystemId: null }],
  ])('%s', (_name, value, input) => {
    expect(toInput(session, { autonomous_system: value }, 'patch')).toEqual({ input, errors: {} });
  });

  const unrecognized = (v: unknown) => `Related objects must be referenced by numeric ID or by dictionary of attributes. Received an unrecognized value: ${JSON.stringify(v)}`;
  test.each<[string, Record<string, unknown>, Record<string, string[]>]>([
    ['an unknown field', { colour: 'red' }, { colour: ['Unknown field.'] }],
    ['a foreign key by a word', { autonomous_system: 'abc' }, { autonomous_system: [unrecognized('abc')] }],
    ['a foreign key by 0', { autonomous_system: 0 }, { autonomous_system: [unrecognized(0)] }],
    ['a foreign key by a list', { autonomous_system: [1] }, { autonomous_system: [unrecognized([1])] }],
    ['a foreign key by an empty dict', { autonomous_system: {} }, { autonomous_system: [unrecognized({})] }],
    ['a foreign key by a bad id in a dict', { autonomous_system: { id: 'x' } }, { autonomous_system: [unrecognized('x')] }],
    ['a foreign key by an attribute it does not have', { autonomous_system: { colour: 'red' } },
      { autonomous_system: ['Related object not found using the provided attributes: {"colour":"red"} ("colour" is not an attribute of autonomous system).'] }],
    ['a foreign key attribute of the wrong type', { autonomous_system: { asn: 'x' } }, { autonomous_system: ['A valid integer is required.'] }],
    ['many-to-many not a list', { tags: 'core' }, { tags: ['Expected a list of items but got type "str".'] }],
    ['many-to-many item not an id', { tags: [true] }, { tags: [unrecognized(true)] }],
    ['a choice in a dict', { status: { value: 'enabled' } }, { status: ['Value must be passed directly (e.g. "foo": 123); do not use a dictionary or list.'] }],
    ['every mistake at once', { multihop_ttl: 'x', passive: 'maybe', colour: 1 },
      { multihop_ttl: ['A valid integer is required.'], passive: ['Must be a valid boolean.'], colour: ['Unknown field.'] }],
  ])('%s is refused', (_name, body, errors) => {
    expect(toInput(session, body, 'patch').errors).toEqual(errors);
  });

  test.each<[string, unknown]>([['list', []], ['str', 'x'], ['NoneType', null], ['int', 1]])('a body that is a %s', (type, body) => {
    expect(toInput(as, body, 'create')).toEqual({ input: {}, errors: { non_field_errors: [`Invalid data. Expected a dictionary, but got ${type}.`] } });
  });

  test.each<['create' | 'replace' | 'patch', string[]]>([
    ['create', ['asn', 'name']],
    ['replace', ['asn', 'name']],
    ['patch', []],
  ])('required fields on %s', (mode, missing) => {
    const { errors } = toInput(as, {}, mode);
    expect(errors).toEqual(Object.fromEntries(missing.map((k) => [k, ['This field is required.']])));
  });

  test('required foreign keys are reported on create, optional ones are not', () => {
    const { errors } = toInput(session, { ip_address: '192.0.2.1' }, 'create');
    expect(Object.keys(errors).sort()).toEqual(['autonomous_system', 'local_autonomous_system', 'relationship']);
  });
});

describe('itemId', () => {
  test.each<[unknown, number | null]>([
    [{ id: 5 }, 5], [{ id: '12' }, 12], [{ id: 0 }, null], [{ id: -1 }, null], [{ id: 1.5 }, null], [{ id: 'x' }, null],
    [{ id: ' 3' }, null], [{}, null], [[{ id: 1 }], null], [null, null], [7, null],
  ])('%j', (item, id) => {
    expect(itemId(item)).toBe(id);
  });
});
