// Operations surfaces: health, readiness, Prometheus metrics.
import { startTestServer, type TestServer } from '../helpers/server';
import { routeLabel } from '../../src/http/metrics';

describe('operations endpoints', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer('pglite'); });
  afterAll(async () => { await s?.close(); });

  test('healthz and readyz', async () => {
    expect((await s.http('GET', '/healthz')).json).toEqual({ status: 'ok' });
    const ready = await s.http('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json.checks).toEqual({ database: 'ok', bus: 'ok' });
  });

  test('metrics count HTTP requests and GraphQL operations', async () => {
    await s.gql('query Probe { tags { totalCount } }');
    const m = await s.http('GET', '/metrics');
    expect(m.status).toBe(200);
    expect(m.headers.get('content-type')).toMatch(/text\/plain/);
    expect(m.text).toMatch(/peergate_http_request_duration_seconds_count\{method="POST",route="\/graphql",status="200"\} \d+/);
    expect(m.text).toMatch(/peergate_graphql_operation_duration_seconds_count\{type="query",name="Probe",outcome="ok"\} 1/);
  });

  test('route labels never carry ids', () => {
    expect(routeLabel('/api/peering/autonomous-systems/12/')).toBe('/api/peering/autonomous-systems/:id/');
    expect(routeLabel('/v1/peer/192.0.2.1/state')).toBe('/v1/peer/:id/state');
  });
});
