import { loadConfig, ConfigError } from '../../src/config';
import { processConfig } from '../../src/cli/gateway-processes';

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
  test('GraphQL, graphql-ws and /metrics limits', () => {
    expect(loadConfig({})).toMatchObject({ graphqlMaxTokens: 10_000, graphqlMaxDocumentBytes: 100_000, wsMaxPayload: 1_048_576, wsConnectionInitTimeout: 3_000, metricsToken: null });
    expect(loadConfig({ GRAPHQL_MAX_TOKENS: '0', GRAPHQL_MAX_DOCUMENT_BYTES: '0', WS_MAX_PAYLOAD: '65536', WS_CONNECTION_INIT_TIMEOUT: '500', METRICS_TOKEN: 'scrape-0123456789abcdef' }))
      .toMatchObject({ graphqlMaxTokens: 0, graphqlMaxDocumentBytes: 0, wsMaxPayload: 65536, wsConnectionInitTimeout: 500, metricsToken: 'scrape-0123456789abcdef' });
    expect(() => loadConfig({ GRAPHQL_MAX_TOKENS: 'many' })).toThrow(/GRAPHQL_MAX_TOKENS must be an integer/);
    expect(() => loadConfig({ GRAPHQL_MAX_DOCUMENT_BYTES: '-1' })).toThrow(/GRAPHQL_MAX_DOCUMENT_BYTES/);
    expect(() => loadConfig({ WS_MAX_PAYLOAD: '10' })).toThrow(/WS_MAX_PAYLOAD must be between 1024/);
    expect(() => loadConfig({ WS_CONNECTION_INIT_TIMEOUT: '0' })).toThrow(/WS_CONNECTION_INIT_TIMEOUT/);
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ METRICS_TOKEN: 'has a space in it, long enough' })).toThrow(/METRICS_TOKEN/);
  });
  test('DATABASE_POOL_SIZE', () => {
    expect(loadConfig({}).databasePoolSize).toBe(10);
    expect(loadConfig({ DATABASE_POOL_SIZE: '20' }).databasePoolSize).toBe(20);
    expect(() => loadConfig({ DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE must be between 1 and 1000/);
  });
  test('GATEWAY_PROCESSES: above 1 only on a PostgreSQL server', () => {
    expect(loadConfig({}).gatewayProcesses).toBe(1);
    expect(loadConfig({ GATEWAY_PROCESSES: '4', DATABASE_URL: 'postgres://u@h/db' }).gatewayProcesses).toBe(4);
    expect(() => loadConfig({ GATEWAY_PROCESSES: '2' })).toThrow(/GATEWAY_PROCESSES above 1 needs DATABASE_URL to name a PostgreSQL server/);
    expect(() => loadConfig({ GATEWAY_PROCESSES: '2', DATABASE_URL: 'pglite://memory' })).toThrow(/embedded database belongs to one process/);
    expect(() => loadConfig({ GATEWAY_PROCESSES: '0', DATABASE_URL: 'postgres://u@h/db' })).toThrow(/GATEWAY_PROCESSES must be between 1 and 64/);
  });
  test('several gateway processes share LOGIN_RATE_LIMIT between them', () => {
    const of = (env: Record<string, string>) => processConfig(loadConfig({ DATABASE_URL: 'postgres://u@h/db', ...env })).loginRateLimit;
    expect(of({ LOGIN_RATE_LIMIT: '10/300' })).toEqual({ failures: 10, windowSeconds: 300 });
    expect(of({ LOGIN_RATE_LIMIT: '10/300', GATEWAY_PROCESSES: '3' })).toEqual({ failures: 3, windowSeconds: 300 });
    expect(of({ LOGIN_RATE_LIMIT: '10/300', GATEWAY_PROCESSES: '20' })).toEqual({ failures: 1, windowSeconds: 300 });
    expect(of({ LOGIN_RATE_LIMIT: 'off', GATEWAY_PROCESSES: '2' })).toBeNull();
  });
  test('DATABASE_PREPARED_STATEMENTS', () => {
    expect(loadConfig({}).databasePreparedStatements).toBe(true);
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: 'false' }).databasePreparedStatements).toBe(false);
  });
  test('JSON_MAX_DEPTH', () => {
    expect(loadConfig({}).jsonMaxDepth).toBe(32);
    expect(loadConfig({ JSON_MAX_DEPTH: '8' }).jsonMaxDepth).toBe(8);
    expect(() => loadConfig({ JSON_MAX_DEPTH: '0' })).toThrow(/JSON_MAX_DEPTH must be between 1 and 512/);
    expect(() => loadConfig({ JSON_MAX_DEPTH: 'deep' })).toThrow(/JSON_MAX_DEPTH must be an integer/);
  });
  test('BMP station: off unless BMP_PORT is set, listening on 127.0.0.1 by default', () => {
    expect(loadConfig({})).toMatchObject({ bmpPort: null, bmpListenAddress: '127.0.0.1' });
    expect(loadConfig({ BMP_PORT: 'off' }).bmpPort).toBeNull();
    expect(loadConfig({ BMP_PORT: '11019', BMP_LISTEN_ADDRESS: '::1' })).toMatchObject({ bmpPort: 11019, bmpListenAddress: '::1' });
    expect(() => loadConfig({ BMP_PORT: '70000' })).toThrow(/BMP_PORT must be between 0 and 65535/);
    expect(() => loadConfig({ BMP_PORT: 'bmp' })).toThrow(/BMP_PORT must be an integer/);
    expect(() => loadConfig({ BMP_PORT: '11019', BMP_LISTEN_ADDRESS: 'router.example' })).toThrow(/BMP_LISTEN_ADDRESS/);
  });
  test('max-prefix: warning at 90% and a 60 s hold by default, validated', () => {
    expect(loadConfig({})).toMatchObject({ bgpMaxPrefixWarningPercent: 90, bgpMaxPrefixRestartSeconds: 60 });
    expect(loadConfig({ BGP_MAX_PREFIX_WARNING_PERCENT: '75', BGP_MAX_PREFIX_RESTART_SECONDS: '300' }))
      .toMatchObject({ bgpMaxPrefixWarningPercent: 75, bgpMaxPrefixRestartSeconds: 300 });
    expect(() => loadConfig({ BGP_MAX_PREFIX_WARNING_PERCENT: '101' })).toThrow(/BGP_MAX_PREFIX_WARNING_PERCENT must be between 1 and 100/);
    expect(() => loadConfig({ BGP_MAX_PREFIX_RESTART_SECONDS: '0' })).toThrow(/BGP_MAX_PREFIX_RESTART_SECONDS must be between 1 and 86400/);
  });
});
