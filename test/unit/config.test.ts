import { loadConfig, ConfigError } from '../../src/config';

describe('configuration', () => {
  test('defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8000, databaseUrl: '', paginateCount: 50, maxPageSize: 1000, loginRequired: false, adminToken: null });
  });
  test('values are parsed and validated', () => {
    expect(loadConfig({ PORT: '9000', MAX_PAGE_SIZE: '0', LOGIN_REQUIRED: 'true', DATABASE_URL: 'pglite://memory' })).toMatchObject({ port: 9000, maxPageSize: 0, loginRequired: true });
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/between/);
    expect(() => loadConfig({ PEERGATE_ADMIN_TOKEN: 'short' })).toThrow(/40 hexadecimal/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ LOGIN_REQUIRED: 'maybe' })).toThrow(/true or false/);
  });
});
