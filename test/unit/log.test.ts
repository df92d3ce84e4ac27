// What an unexpected error leaves in the logs: no SQL and no values for database errors.
import { loggableError } from '../../src/log';

describe('loggableError', () => {
  test('a database error keeps its SQLSTATE, constraint and PostgreSQL text, not the statement and its values', () => {
    const e = Object.assign(new Error(`update "peering_directpeeringsession" set "password" = 'hunter2' where "id" = 1 - value too long for type character varying(255)`), {
      name: 'DriverException', sqlState: '22001', code: '22001', severity: 'ERROR', table: 'peering_directpeeringsession',
    });
    const logged = loggableError({ originalError: e });
    expect(logged).toEqual({ type: 'DriverException', sqlState: '22001', constraint: undefined, table: 'peering_directpeeringsession', message: 'value too long for type character varying(255)' });
    expect(JSON.stringify(logged)).not.toContain('hunter2');
  });

  test('other errors keep their message and stack for the operator', () => {
    const logged = loggableError(new TypeError('x is not a function'));
    expect(logged).toMatchObject({ type: 'TypeError', message: 'x is not a function', stack: expect.stringContaining('log.test.ts') });
    expect(loggableError('plain')).toEqual({ message: 'plain' });
  });
});
