// DateTime answers what Date#toISOString gives, whether the value is a Date or PostgreSQL's JSON
// text of a timestamptz (compiled reads hand those through; src/graphql/scalars.ts isoDateTime).
import { DateTimeScalar, isoDateTime } from '../../src/graphql/scalars';

const texts = [
  '2026-12-07T04:33:20.101234+00:00', // microseconds: truncated to milliseconds
  '2026-12-07T04:33:20.999999+00:00',
  '2026-12-07T04:33:20.1+00:00',
  '2026-12-07T04:33:20.12+00:00',
  '2026-12-07T04:33:20+00:00', // no fraction
  '0999-01-01T00:00:00.5+00:00',
  '2026-12-07T05:33:20.101234+01:00', // another session time zone: through Date
  '2026-12-07T04:33:20.101Z',
];

test.each(texts)('%s serialises as its Date would', (text) => {
  expect(isoDateTime(text)).toBe(new Date(text).toISOString());
  expect(DateTimeScalar.serialize(text)).toBe(new Date(text).toISOString());
});

test('a Date and null serialise as before', () => {
  expect(DateTimeScalar.serialize(new Date(Date.UTC(2026, 11, 7, 4, 33, 20, 101)))).toBe('2026-12-07T04:33:20.101Z');
  expect(DateTimeScalar.serialize(null)).toBeNull();
});
