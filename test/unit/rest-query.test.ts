// rest-compat/core/query.ts: a REST query string -> the model's GraphQL filter input and ordering,
// with Peering Manager's lookup suffixes, and per-parameter errors for values of the wrong type.
import 'reflect-metadata';
import '../../src/domain';
import { AutonomousSystem } from '../../src/domain/peering/autonomous-system';
import { DirectPeeringSession } from '../../src/domain/peering/direct-peering-session';
import { Router } from '../../src/domain/devices/router';
import { describe as model } from '../../src/domain/model';
import { filterFromQuery, filterParams, invalidChoice, orderingFromQuery, parseBool } from '../../rest-compat/core/query';

const as = model(AutonomousSystem);
const session = model(DirectPeeringSession);
const router = model(Router);
const UUID = '0b5a9f5e-8f3c-4c55-9d1e-2f1a3b4c5d6e';
const status = session.field('status')!.choices!.values[0].value;

const parsed = (d = as, query: string) => filterFromQuery(d, new URLSearchParams(query));

describe('filterFromQuery: lookups', () => {
  test.each<[string, string, Record<string, unknown>]>([
    ['an exact value', 'asn=65000', { asn: { exact: [65000] } }],
    ['repeated values OR together', 'asn=1&asn=2', { asn: { exact: [1, 2] } }],
    ['a comparison', 'asn__gt=5', { asn: { gt: 5 } }],
    ['two comparisons', 'asn__gte=5&asn__lt=10', { asn: { gte: 5, lt: 10 } }],
    ['a single-valued lookup keeps the last value', 'asn__gte=5&asn__gte=7', { asn: { gte: 7 } }],
    ['negation', 'asn__n=5&asn__n=6', { asn: { n: [5, 6] } }],
    ['exact and negation together', 'asn=1&asn__n=2', { asn: { exact: [1], n: [2] } }],
    ['empty', 'asn__empty=true', { asn: { empty: true } }],
    ['empty false', 'ipv4_max_prefixes__empty=0', { ipv4MaxPrefixes: { empty: false } }],
    ['-0 is 0', 'ipv4_max_prefixes=-0', { ipv4MaxPrefixes: { exact: [0] } }],
    ['a string, exact', 'name=Awesome', { name: { exact: ['Awesome'] } }],
    ['icontains', 'name__ic=awe', { name: { ic: ['awe'] } }],
    ['not icontains', 'name__nic=awe', { name: { nic: ['awe'] } }],
    ['istartswith', 'irr_as_set__isw=AS-', { irrAsSet: { isw: ['AS-'] } }],
    ['not iendswith', 'name__niew=net', { name: { niew: ['net'] } }],
    ['iexact', 'name__ie=awesome', { name: { ie: ['awesome'] } }],
    ['a boolean', 'affiliated=yes', { affiliated: { exact: true } }],
    ['a boolean, false', 'affiliated=off', { affiliated: { exact: false } }],
    ['a datetime', 'created__gte=2020-01-01T00:00:00Z', { created: { gte: '2020-01-01T00:00:00Z' } }],
    ['free text', 'q=awesome', { q: 'awesome' }],
    ['tags AND together', 'tag=a&tag=b', { tag: ['a', 'b'] }],
    ['created by a request', `created_by_request=${UUID}`, { createdByRequest: UUID }],
    ['updated by a request', `updated_by_request=${UUID}`, { updatedByRequest: UUID }],
    ['empty values are ignored', 'asn=&name=', {}],
    ['unknown parameters are ignored', 'colour=red&asn__like=5', {}],
    ['a suffix the kind does not have is ignored', 'name__gt=a&affiliated__n=true', {}],
    ['reserved parameters are not filters', 'limit=5&offset=10&ordering=asn&brief=1&fields=id&exclude=name&format=json', {}],
  ])('%s: %s', (_name, query, filter) => {
    expect(parsed(as, query)).toEqual({ filter, errors: {}, choices: [] });
  });

  test.each<[string, string, Record<string, unknown>]>([
    ['a foreign key by id', 'autonomous_system_id=3', { autonomousSystem: { exact: ['3'] } }],
    ['a foreign key, unsuffixed, compares its named attribute', 'autonomous_system=Awesome', { autonomousSystemName: { exact: ['Awesome'] } }],
    ['an attribute of a foreign key', 'autonomous_system_asn__lt=10', { autonomousSystemAsn: { lt: 10 } }],
    ['a foreign key is empty', 'bfd_id__empty=true', { bfd: { empty: true } }],
    ['a choice by its stored value', `status=${status}`, { status: { exact: [status] } }],
    ['a custom filter', 'address_family=6', { addressFamily: 6 }],
  ])('%s: %s', (_name, query, filter) => {
    expect(parsed(session, query).filter).toEqual(filter);
    expect(parsed(session, query).errors).toEqual({});
  });

  test('IP filters take text lookups', () => {
    expect(parsed(router, 'router_id=192.0.2.1&router_id__isw=192.0').filter).toEqual({ routerId: { exact: ['192.0.2.1'], isw: ['192.0'] } });
  });

  test('foreign key ids are listed for the existence check', () => {
    expect(parsed(session, 'autonomous_system_id=3&autonomous_system_id=4&relationship_id__n=5').choices).toEqual([
      { param: 'autonomous_system_id', target: AutonomousSystem, ids: ['3', '4'] },
      { param: 'relationship_id__n', target: expect.any(Function), ids: ['5'] },
    ]);
  });
});

describe('filterFromQuery: bad values are 400s that name the parameter', () => {
  test.each<[string, string, Record<string, string[]>]>([
    ['not a number', 'asn=abc', { asn: ['Enter a number.'] }],
    ['a fraction', 'ipv4_max_prefixes=1.5', { ipv4_max_prefixes: ['Enter a number.'] }],
    ['a negative ASN', 'asn=-1', { asn: ['Ensure this value is greater than or equal to 0.'] }],
    ['an ASN past 2^53', 'asn=9007199254740992', { asn: [`Ensure this value is less than or equal to ${Number.MAX_SAFE_INTEGER}.`] }],
    ['an int past int32', 'ipv4_max_prefixes__gt=2147483648', { ipv4_max_prefixes__gt: ['Ensure this value is less than or equal to 2147483647.'] }],
    ['an int below int32', 'ipv4_max_prefixes=-2147483649', { ipv4_max_prefixes: ['Ensure this value is greater than or equal to -2147483648.'] }],
    ['not a boolean', 'affiliated=maybe', { affiliated: [invalidChoice('maybe')] }],
    ['empty takes a boolean', 'asn__empty=perhaps', { asn__empty: [invalidChoice('perhaps')] }],
    ['not a date', 'created__lt=yesterday', { created__lt: ['Enter a valid date/time.'] }],
    ['a year past 9999', 'created__lt=+010000-01-01T00:00:00Z', { created__lt: ['Enter a valid date/time.'] }],
    ['not a UUID', 'created_by_request=123', { created_by_request: ['Enter a valid UUID.'] }],
    ['a parameter stops at its first bad value', 'asn=x&asn=y', { asn: ['Enter a number.'] }],
    ['every bad parameter at once', 'asn=x&affiliated=z', { asn: ['Enter a number.'], affiliated: [invalidChoice('z')] }],
  ])('%s: %s', (_name, query, errors) => {
    expect(parsed(as, query).errors).toEqual(errors);
  });

  test.each<[string, string, Record<string, string[]>]>([
    ['a foreign key id that is not a number', 'autonomous_system_id=abc', { autonomous_system_id: [invalidChoice('abc')] }],
    ['a foreign key id past int32', 'autonomous_system_id=2147483648', { autonomous_system_id: [invalidChoice('2147483648')] }],
    ['a choice the set does not have', 'status=bogus', { status: [invalidChoice('bogus')] }],
    ['a custom integer filter', 'address_family=four', { address_family: ['Enter a number.'] }],
  ])('%s: %s', (_name, query, errors) => {
    const r = parsed(session, query);
    expect(r.errors).toEqual(errors);
    expect(r.choices).toEqual([]);
  });

  test('good parameters are read beside bad ones', () => {
    const r = parsed(as, 'asn=x&name=ok');
    expect(r.errors).toEqual({ asn: ['Enter a number.'] });
    expect(r.filter.name).toEqual({ exact: ['ok'] });
  });
});

describe('parseBool', () => {
  test.each([['true', true], ['1', true], [' YES ', true], ['on', true], ['false', false], ['0', false], ['No', false], ['off', false]])('%j', (v, b) => {
    expect(parseBool(v as string)).toBe(b);
  });
  test.each(['', 't', 'y', '2', 'truthy'])('%j is refused', (v) => {
    expect(() => parseBool(v)).toThrow(invalidChoice(v));
  });
});

describe('orderingFromQuery', () => {
  test.each<[string, string[] | undefined]>([
    ['ordering=asn', ['asn']],
    ['ordering=-asn', ['-asn']],
    ['ordering=asn,-name', ['asn', '-name']],
    ['ordering=irr_as_set', ['irrAsSet']],
    ['ordering= asn , ,-name ', ['asn', '-name']],
    ['ordering=bogus,asn', ['asn']],
    ['ordering=bogus', undefined],
    ['ordering=tags', undefined],                 // many-to-many: no order
    ['ordering=local_context_data', undefined],   // JSON: no order
    ['ordering=', undefined],
    ['asn=1', undefined],
  ])('%s', (query, ordering) => {
    expect(orderingFromQuery(as, new URLSearchParams(query))).toEqual(ordering);
  });
});

describe('filterParams', () => {
  const params = new Map(filterParams(as).map((p) => [p.name, p.kind]));
  test.each<[string, string | undefined]>([
    ['asn', 'numeric'],
    ['asn__gt', 'numeric'],
    ['asn__empty', 'bool'],
    ['name__ic', 'string'],
    ['affiliated', 'bool'],
    ['affiliated__n', undefined],
    ['name__gt', undefined],
    ['q', 'string'],
    ['tag', 'string'],
    ['created_by_request', 'uuid'],
  ])('%s', (name, kind) => {
    expect(params.get(name)).toBe(kind);
  });

  test('every parameter listed is one filterFromQuery reads', () => {
    for (const [name, kind] of params) {
      const value = kind === 'bool' ? 'true' : kind === 'uuid' ? UUID : kind === 'datetime' ? '2020-01-01T00:00:00Z' : kind === 'string' ? 'x' : '1';
      const r = parsed(as, `${name}=${value}`);
      expect({ name, errors: r.errors, used: Object.keys(r.filter).length > 0 }).toEqual({ name, errors: {}, used: true });
    }
  });
});
