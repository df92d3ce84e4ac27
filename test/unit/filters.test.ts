// src/domain/filters.ts: the filterable fields derived from the descriptor, and a filter
// input -> one MikroORM condition (lookups AND together, values inside one lookup OR), with bad
// values refused as validation errors that name the filter field.
import 'reflect-metadata';
import '../../src/domain';
import { AutonomousSystem } from '../../src/domain/peering/autonomous-system';
import { DirectPeeringSession } from '../../src/domain/peering/direct-peering-session';
import { Router } from '../../src/domain/devices/router';
import { allModels, describe as model } from '../../src/domain/model';
import { ValidationError } from '../../src/domain/errors';
import { filterFields, filterToWhere } from '../../src/domain/filters';

const as = model(AutonomousSystem);
const session = model(DirectPeeringSession);
const router = model(Router);
const one = (cond: Record<string, unknown>) => ({ $and: [cond] });

describe('filterFields', () => {
  const byName = (d = as) => new Map(filterFields(d).map((f) => [f.name, f]));

  test.each<[string, Record<string, unknown>]>([
    ['asn', { restName: 'asn', kind: 'numeric', path: 'asn' }],
    ['name', { restName: 'name', kind: 'string', path: 'name' }],
    ['irrAsSet', { restName: 'irr_as_set', kind: 'string', path: 'irrAsSet' }],
    ['affiliated', { restName: 'affiliated', kind: 'bool', path: 'affiliated' }],
    ['created', { restName: 'created', kind: 'datetime', path: 'created' }],
  ])('%s', (name, expected) => {
    expect(byName().get(name)).toMatchObject(expected);
  });

  test.each<[string, Record<string, unknown>]>([
    ['autonomousSystem', { restName: 'autonomous_system_id', kind: 'id', path: 'autonomousSystem' }],
    ['autonomousSystemAsn', { restName: 'autonomous_system_asn', kind: 'numeric', path: 'autonomousSystem.asn', restDefault: false }],
    ['autonomousSystemName', { restName: 'autonomous_system_name', kind: 'string', path: 'autonomousSystem.name', restDefault: true }],
    ['status', { restName: 'status', kind: 'choice', path: 'status' }],
  ])('a session\'s %s', (name, expected) => {
    expect(byName(session).get(name)).toMatchObject(expected);
  });

  test('no model offers a filter on a secret, a write-only field or a many-to-many', () => {
    for (const d of allModels()) {
      for (const ff of filterFields(d)) {
        expect({ model: d.name, field: ff.name, secret: !!ff.source.secret, writeOnly: !!ff.source.writeOnly, m2m: ff.source.kind === 'm2m' })
          .toEqual({ model: d.name, field: ff.name, secret: false, writeOnly: false, m2m: false });
      }
    }
  });

  test('the same list each time (built once per model)', () => {
    expect(filterFields(as)).toBe(filterFields(as));
  });
});

describe('filterToWhere: lookups', () => {
  test.each<[string, Record<string, unknown> | null | undefined, Record<string, unknown>]>([
    ['no filter', null, {}],
    ['an undefined filter', undefined, {}],
    ['an empty filter', {}, {}],
    ['null lookups are skipped', { asn: null, name: undefined }, {}],
    ['unknown fields are skipped', { colour: { exact: ['red'] } }, {}],
    ['exact values OR', { asn: { exact: [1, 2] } }, one({ asn: { $in: [1, 2] } })],
    ['none of', { asn: { n: [3] } }, one({ asn: { $nin: [3] } })],
    ['comparisons AND', { asn: { gt: 1, lte: 9 } }, { $and: [{ asn: { $gt: 1 } }, { asn: { $lte: 9 } }] }],
    ['lt and gte', { ipv4MaxPrefixes: { lt: 5, gte: 0 } }, { $and: [{ ipv4MaxPrefixes: { $lt: 5 } }, { ipv4MaxPrefixes: { $gte: 0 } }] }],
    ['a number is empty', { asn: { empty: true } }, one({ asn: null })],
    ['a number is not empty', { asn: { empty: false } }, one({ asn: { $ne: null } })],
    ['a string is empty: null or blank', { name: { empty: true } }, one({ $or: [{ name: null }, { name: '' }] })],
    ['a string is not empty', { name: { empty: false } }, one({ name: { $nin: [''] }, $and: [{ name: { $ne: null } }] })],
    ['icontains', { name: { ic: ['awe', 'net'] } }, one({ $or: [{ name: { $ilike: '%awe%' } }, { name: { $ilike: '%net%' } }] })],
    ['icontains escapes LIKE wildcards', { name: { ic: ['50%_a\\b'] } }, one({ $or: [{ name: { $ilike: '%50\\%\\_a\\\\b%' } }] })],
    ['not icontains', { name: { nic: ['x'] } }, one({ $not: { $or: [{ name: { $ilike: '%x%' } }] } })],
    ['istartswith', { name: { isw: ['a'] } }, one({ $or: [{ name: { $ilike: 'a%' } }] })],
    ['not istartswith', { name: { nisw: ['a'] } }, one({ $not: { $or: [{ name: { $ilike: 'a%' } }] } })],
    ['iendswith', { name: { iew: ['z'] } }, one({ $or: [{ name: { $ilike: '%z' } }] })],
    ['not iendswith', { name: { niew: ['z'] } }, one({ $not: { $or: [{ name: { $ilike: '%z' } }] } })],
    ['iexact', { name: { ie: ['Awe'] } }, one({ $or: [{ name: { $ilike: 'Awe' } }] })],
    ['not iexact', { name: { nie: ['Awe'] } }, one({ $not: { $or: [{ name: { $ilike: 'Awe' } }] } })],
    ['an empty list of patterns adds nothing', { name: { ic: [] } }, {}],
    ['a boolean', { affiliated: { exact: true } }, one({ affiliated: true })],
    ['a boolean false', { affiliated: { exact: false } }, one({ affiliated: false })],
    ['a datetime', { created: { gte: '2020-01-01T00:00:00Z' } }, one({ created: { $gte: '2020-01-01T00:00:00Z' } })],
    ['tags: every one must be present', { tag: ['a', 'b'] }, { $and: [{ tags: { $some: { slug: 'a' } } }, { tags: { $some: { slug: 'b' } } }] }],
    ['free text: icontains on the search fields', { q: ' awe ' }, one({ $or: (as.q ?? []).map((f) => ({ [f]: { $ilike: '%awe%' } })) })],
    ['two fields AND', { asn: { exact: [1] }, name: { exact: ['x'] } }, { $and: [{ asn: { $in: [1] } }, { name: { $in: ['x'] } }] }],
  ])('%s', (_name, filter, where) => {
    expect(filterToWhere(as, filter)).toEqual(where);
  });

  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['a foreign key by ids', { autonomousSystem: { exact: ['3', 4] } }, one({ autonomousSystem: { $in: [3, 4] } })],
    ['a foreign key, none of', { autonomousSystem: { n: ['3'] } }, one({ autonomousSystem: { $nin: [3] } })],
    ['a foreign key is empty', { bfd: { empty: true } }, one({ bfd: null })],
    ['an attribute of a foreign key', { autonomousSystemAsn: { gt: 5 } }, one({ autonomousSystem: { asn: { $gt: 5 } } })],
    ['a string attribute of a foreign key', { autonomousSystemName: { exact: ['A'] } }, one({ autonomousSystem: { name: { $in: ['A'] } } })],
    ['a choice', { status: { exact: ['enabled'] } }, one({ status: { $in: ['enabled'] } })],
  ])('a session: %s', (_name, filter, where) => {
    expect(filterToWhere(session, filter)).toEqual(where);
  });

  test('a custom filter adds the condition its descriptor builds', () => {
    // Raw SQL fragments are numbered as made: compare them by their text.
    const text = (v: unknown) => JSON.stringify(v).replace(/ \(#\d+\)/g, '');
    expect(text(filterToWhere(session, { addressFamily: 6 }))).toBe(text(one(session.customFilters!.addressFamily.apply(6, session))));
    expect(text(filterToWhere(session, { addressFamily: 6 }))).not.toBe(text(one(session.customFilters!.addressFamily.apply(4, session))));
  });

  test.each<[string, Record<string, unknown>, number]>([
    ['IP exact', { routerId: { exact: ['192.0.2.1'] } }, 1],
    ['IP exact and none of', { routerId: { exact: ['192.0.2.1/32'], n: ['192.0.2.2'] } }, 2],
    ['IP within and contains', { routerId: { within: '192.0.2.0/24', contains: '192.0.2.1' } }, 2],
    ['IP is empty', { routerId: { empty: true } }, 1],
  ])('%s: one condition per lookup', (_name, filter, n) => {
    expect((filterToWhere(router, filter).$and as unknown[]).length).toBe(n);
  });

  test('IP empty compares the column with null', () => {
    expect(filterToWhere(router, { routerId: { empty: false } })).toEqual(one({ routerId: { $ne: null } }));
  });
});

describe('filterToWhere: bad values are validation errors naming the field', () => {
  const refusal = (d: typeof as, filter: Record<string, unknown>): { fields: Record<string, string[]>; code: string } | null => {
    try {
      filterToWhere(d, filter);
      return null;
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return { fields: e.fields, code: e.code };
    }
  };

  test.each<[string, typeof as, Record<string, unknown>, Record<string, string[]>]>([
    ['a foreign key id that is not a number', session, { autonomousSystem: { exact: ['abc'] } }, { autonomousSystem: ['"abc" is not a valid id.'] }],
    ['a negative foreign key id', session, { autonomousSystem: { n: ['-1'] } }, { autonomousSystem: ['"-1" is not a valid id.'] }],
    ['a foreign key id past int32', session, { autonomousSystem: { exact: ['2147483648'] } }, { autonomousSystem: ['"2147483648" is not a valid id.'] }],
    ['an IP that is not one', router, { routerId: { exact: ['nope'] } }, { routerId: ['"nope" is not a valid IP address or prefix.'] }],
    ['an IP prefix that is not one', router, { routerId: { within: '10.0.0.0/99' } }, { routerId: ['"10.0.0.0/99" is not a valid IP address or prefix.'] }],
    ['an IP to contain that is not one', router, { routerId: { contains: 'x' } }, { routerId: ['"x" is not a valid IP address or prefix.'] }],
    ['a request id that is not a UUID', as, { createdByRequest: '123' }, { createdByRequest: ['Must be a valid UUID.'] }],
  ])('%s', (_name, d, filter, fields) => {
    expect(refusal(d, filter)).toEqual({ fields, code: 'INVALID' });
  });

  test('a UUID lookup with a bad value', () => {
    const withUuid = allModels().find((d) => filterFields(d).some((f) => f.kind === 'uuid'))!;
    const ff = filterFields(withUuid).find((f) => f.kind === 'uuid')!;
    expect(refusal(withUuid, { [ff.name]: { exact: ['not-a-uuid'] } })).toEqual({ fields: { [ff.name]: ['"not-a-uuid" is not a valid UUID.'] }, code: 'INVALID' });
    expect(refusal(withUuid, { [ff.name]: { exact: ['0b5a9f5e-8f3c-4c55-9d1e-2f1a3b4c5d6e'] } })).toBeNull();
  });

  test.each<[string, typeof as, Record<string, unknown>]>([
    ['IPv6', router, { routerId: { exact: ['2001:db8::1'] } }],
    ['an IPv4 prefix', router, { routerId: { within: '192.0.2.0/24' } }],
    ['a foreign key id at int32', session, { autonomousSystem: { exact: ['2147483647'] } }],
    ['a request id', as, { updatedByRequest: '0b5a9f5e-8f3c-4c55-9d1e-2f1a3b4c5d6e' }],
  ])('accepted: %s', (_name, d, filter) => {
    expect(refusal(d, filter)).toBeNull();
  });
});
