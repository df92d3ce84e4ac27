import { communityKind } from '../../src/domain/bgp/community';
import { parseIp, validateSessionAddresses } from '../../src/domain/ip';
import { coercionFields } from '../../src/graphql/errors';

describe('community values', () => {
  test.each([
    ['65000:100', 'standard'], ['0:100', null], ['65536:1', null],
    ['target:65000:1', 'extended'], ['origin:192.0.2.1:7', 'extended'], ['65000:1:2', 'large'], ['4294967296:1:1', null], ['foo', null],
  ])('%s is %s', (v, kind) => { expect(communityKind(v)).toBe(kind); });
});

describe('ip handling', () => {
  test('parse', () => {
    expect(parseIp('192.0.2.1/31')).toEqual({ address: '192.0.2.1', family: 4, length: 31 });
    expect(parseIp('2001:db8::1')).toEqual({ address: '2001:db8::1', family: 6, length: null });
    expect(parseIp('192.0.2.1/33')).toBeNull();
    expect(parseIp('nope')).toBeNull();
  });
  test('session address rules', () => {
    expect(validateSessionAddresses('192.0.2.0/24', null, 1).ipAddress).toBeDefined();
    expect(validateSessionAddresses('192.0.2.255/24', null, 1).ipAddress).toBeDefined();
    expect(validateSessionAddresses('192.0.2.1/31', '192.0.2.1/31', 1).localIpAddress).toBeDefined();
    expect(validateSessionAddresses('192.0.2.1/30', '198.51.100.2/30', 1).localIpAddress).toBeDefined();
    expect(validateSessionAddresses('192.0.2.1/30', '198.51.100.2/30', 2)).toEqual({});
    expect(validateSessionAddresses('192.0.2.1/31', '192.0.2.0/31', 1)).toEqual({});
  });
});

describe('variable coercion errors become field errors', () => {
  test('a nested field', () => {
    expect(coercionFields('Variable "$i" got invalid value -5 at "i.asn"; Expected type "BigInt". Ensure this value is greater than or equal to 0.'))
      .toEqual({ fields: { asn: ['Ensure this value is greater than or equal to 0.'] }, index: undefined });
  });
  test('an item of a bulk input', () => {
    expect(coercionFields('Variable "$i" got invalid value "x" at "i[1].asn"; Expected type "BigInt". A valid integer is required.'))
      .toEqual({ fields: { asn: ['A valid integer is required.'] }, index: 1 });
  });
  test('a missing required field', () => {
    expect(coercionFields('Variable "$i" got invalid value { asn: 1 }; Field "name" of required type "String!" was not provided.'))
      .toEqual({ fields: { name: ['This field is required.'] }, index: undefined });
  });
});
