// Operations surfaces: health, readiness, Prometheus metrics.
import { startTestServer, type TestServer } from '../helpers/server';
import { freshDatabaseUrl } from '../helpers/db';
import { freePort, waitFor } from '../interop/daemons';
import { loadConfig } from '../../src/config';
import { startPeerGate } from '../../src/server';
import { JobRunner } from '../../src/jobs/runner';
import { routePattern } from '../../src/http/metrics';

describe('operations endpoints', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer('pglite'); });
  afterAll(async () => { await s?.close(); });

  test('healthz and readyz', async () => {
    expect((await s.http('GET', '/healthz')).json).toEqual({ status: 'ok' });
    const ready = await s.http('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json.checks).toEqual({ startup: 'ok', database: 'ok', bus: 'ok' });
  });

  test('readyz answers 503 while the process is still starting after its port opened, 200 once started', async () => {
    // The job runner's start is held, so the process stays between "port open" and "started".
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    const start = JobRunner.prototype.start;
    const spy = jest.spyOn(JobRunner.prototype, 'start').mockImplementation(async function (this: JobRunner) { await held; return start.call(this); });
    const port = await freePort('127.0.0.1');
    const url = `http://127.0.0.1:${port}`;
    const config = loadConfig({ DATABASE_URL: await freshDatabaseUrl('pglite'), PORT: String(port), HOST: '127.0.0.1', BGP_WORKER: 'off' });
    const starting = startPeerGate(config, { migrate: true, port, host: '127.0.0.1' });
    try {
      await waitFor('port open', async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok, 60_000, 20);
      const early = await fetch(`${url}/readyz`);
      expect({ status: early.status, body: await early.json() }).toEqual({ status: 503, body: { status: 'unavailable', checks: { startup: 'starting', database: 'ok', bus: 'ok' } } });
    } finally {
      release();
      spy.mockRestore();
      const pg = await starting;
      const ready = await fetch(`${url}/readyz`);
      await pg.close();
      expect(ready.status).toBe(200);
    }
  });

  test('metrics count HTTP requests and GraphQL operations', async () => {
    await s.gql('query Probe { tags { totalCount } }');
    const m = await s.http('GET', '/metrics');
    expect(m.status).toBe(200);
    expect(m.headers.get('content-type')).toMatch(/text\/plain/);
    expect(m.text).toMatch(/peergate_http_request_duration_seconds_count\{method="POST",route="\/graphql",status="200"\} \d+/);
    expect(m.text).toMatch(/peergate_graphql_operation_duration_seconds_count\{type="query",name="Probe",outcome="ok"\} 1/);
  });

  test('route labels never carry ids or made-up paths', () => {
    const req = (originalUrl: string, route?: string, baseUrl = '') => ({ originalUrl, baseUrl, route: route ? { path: route } : undefined });
    expect(routePattern(req('/api/peering/autonomous-systems/12/?brief=1'), 200)).toBe('/api/:app/:model/:id/');
    expect(routePattern(req('/api/peering/autonomous-systems/'), 200)).toBe('/api/:app/:model/');
    expect(routePattern(req('/v1/peer/192.0.2.1/state', '/peer/:peer_ip/state', '/v1'), 200)).toBe('/v1/peer/:peer_ip/state');
    expect(routePattern(req('/pdb/api/net/7'), 200)).toBe('/pdb/api/:tag/:id');
    expect(routePattern(req('/nsot/api/sites/1/devices/'), 200)).toBe('/nsot/api/:resource/:id/:child/');
    expect(routePattern(req('/graphql'), 400)).toBe('/graphql');
    expect(routePattern(req('/api/a/b/c/d/e/f/'), 400)).toBe('unmatched');
    expect(routePattern(req('/api/nope/nothing/'), 404)).toBe('unmatched');
    expect(routePattern(req('/wp-login.php'), 200)).toBe('unmatched');
  });
});
