// POST /api/devices/routers/configure/ (pm-workflows §1): one devices.router.set_napalm_configuration
// job per router found. PeerGate has no NAPALM: each job renders the configuration as its output
// and its log says plainly that nothing was installed, with or without `commit`.
import { Job } from '../../src/domain/core/job';
import { NO_DIFF, NOT_PUSHED } from '../../src/workflows/templates/configure';
import { startTestServer, type TestServer } from '../helpers/server';
import { makeToken, post } from '../helpers/pm';
import { settledJob } from '../helpers/jobs';

const URL = '/api/devices/routers/configure/';

/** [level, message] of the job's main log. */
const lines = (job: Job) => (job.data as any).main.log.map((l: unknown[]) => [l[1], l[4]]);

describe('configuring routers (render-only)', () => {
  let s: TestServer;
  let edge1: number;
  let edge2: number;
  let off: number;
  let blank: number;
  let broken: number;

  beforeAll(async () => {
    s = await startTestServer('pglite');
    const local = await post(s, '/api/peering/autonomous-systems/', { asn: 64500, name: 'Local Net', affiliated: true });
    const platform = await post(s, '/api/devices/platforms/', { name: 'eos', slug: 'eos' });
    const cfg = await post(s, '/api/devices/configurations/', { name: 'Base', template: 'hostname {{ router.hostname }}\nrouter bgp {{ local_as.asn }}' });
    const bad = await post(s, '/api/devices/configurations/', { name: 'Broken', template: 'ok\n{{ router.config_context.timers.hold }}' });
    const router = (name: string, extra: Record<string, unknown> = {}) => post(s, '/api/devices/routers/', {
      name, hostname: `${name}.example`, platform: platform.id, local_autonomous_system: local.id, configuration_template: cfg.id, ...extra,
    });
    edge1 = (await router('edge1')).id;
    edge2 = (await router('edge2')).id;
    off = (await router('off1', { status: 'disabled' })).id;
    blank = (await router('blank1', { configuration_template: null })).id;
    broken = (await router('broken1', { configuration_template: bad.id })).id;
  }, 120_000);
  afterAll(async () => { await s?.close(); });

  test('202 with one job per router found; the output is the rendered configuration, and the log says it was not installed', async () => {
    const r = await s.http('POST', URL, { body: { routers: [edge2, 999999, edge1], commit: true } });
    expect(r.status).toBe(202);
    expect(r.json.map((j: any) => [j.name, j.object_type, j.object_id, j.user.username])).toEqual([
      ['devices.router.set_napalm_configuration', 'devices.router', edge1, 'admin'],
      ['devices.router.set_napalm_configuration', 'devices.router', edge2, 'admin'],
    ]);
    const done = await settledJob(s, r.json[0].id);
    expect([done.status, done.output]).toEqual(['completed', 'hostname edge1.example\nrouter bgp 64500']);
    expect(lines(done)).toEqual([
      ['info', 'Running job'], ['info', 'Rendering router configuration.'], ['warning', NOT_PUSHED],
      ['success', 'Router configuration rendered.'], ['success', 'Job completed'],
    ]);
    expect(NOT_PUSHED).toMatch(/cannot push.*not installed/);
    // The job is visible through the jobs API like any other.
    const listed = await s.http('GET', `/api/core/jobs/${r.json[1].id}/`);
    expect([listed.status, listed.json.name]).toEqual([200, 'devices.router.set_napalm_configuration']);
  });

  test('without commit (the default) the log says the output is no diff', async () => {
    const r = await s.http('POST', URL, { body: { routers: [String(edge1)] } });
    expect(r.status).toBe(202);
    const done = await settledJob(s, r.json[0].id);
    expect(done.output).toBe('hostname edge1.example\nrouter bgp 64500');
    expect(lines(done)).toContainEqual(['info', NO_DIFF]);
    expect(lines(done).map((l: string[]) => l[0])).not.toContain('warning');
  });

  test('a disabled router is cancelled; no template: nothing to install; a template error: errored, naming template and line', async () => {
    const r = await s.http('POST', URL, { body: { routers: [off, blank, broken], commit: 'true' } });
    expect(r.status).toBe(202);
    const [o, b, k] = await Promise.all(r.json.map((j: any) => settledJob(s, j.id)));
    expect([o.objectId, o.status, o.output]).toEqual([off, 'completed', '']);
    expect(lines(o)).toEqual([['info', 'Running job'], ['warning', 'Router is disabled.'], ['success', 'Task cancelled'], ['success', 'Job completed']]);
    expect([b.objectId, b.status, b.output]).toEqual([blank, 'completed', '']);
    expect(lines(b)).toContainEqual(['success', 'No configuration to install.']);
    expect([k.objectId, k.status, k.output]).toEqual([broken, 'errored', 'Error in template "Broken" at line 2: undefined value']);
  });

  test('bad bodies are 400 in the shape of DRF; an empty list is ["routers list must not be empty"]', async () => {
    const bad = async (body: unknown) => {
      const r = await s.http('POST', URL, { body });
      expect(r.status).toBe(400);
      return r.json;
    };
    expect(await bad({ routers: [] })).toEqual(['routers list must not be empty']);
    expect(await bad({})).toEqual({ routers: ['This field is required.'] });
    expect(await bad({ routers: null })).toEqual({ routers: ['This field may not be null.'] });
    expect(await bad({ routers: '1' })).toEqual({ routers: ['Expected a list of items but got type "str".'] });
    expect(await bad({ routers: [1, 'x', 2.5] })).toEqual({ routers: { 1: ['A valid integer is required.'], 2: ['A valid integer is required.'] } });
    expect(await bad({ routers: [edge1], commit: 'maybe' })).toEqual({ commit: ['Must be a valid boolean.'] });
    expect(await bad([edge1])).toEqual({ non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
  });

  test('none found is an empty 404; the GraphQL mutation behaves the same', async () => {
    const r = await s.http('POST', URL, { body: { routers: [999998, 999999, -3, '99999999999999999999'] } });
    expect([r.status, r.text]).toEqual([404, '']);
    const m = (ids: string) => s.gql(`mutation { configureRouters(routers: ${ids}, commit: true) { name objectId } }`);
    expect((await m('[]')).errors[0].message).toBe('routers list must not be empty');
    expect((await m('["999999"]')).errors[0].extensions.code).toBe('NOT_FOUND');
    expect((await m(`["${edge2}"]`)).data.configureRouters).toEqual([{ name: 'devices.router.set_napalm_configuration', objectId: edge2 }]);
  });

  test('permissions: read-only token and anonymous are 403, nothing queued; GET is 405', async () => {
    const before = await s.pg.orm.em.fork().count(Job, { name: 'devices.router.set_napalm_configuration' });
    const ro = await makeToken(s, { writeEnabled: false });
    const r = await s.http('POST', URL, { body: { routers: [edge1] }, token: ro });
    expect([r.status, r.json]).toEqual([403, { detail: 'You do not have permission to perform this action.' }]);
    expect((await s.http('POST', URL, { body: { routers: [edge1] }, token: null })).status).toBe(403);
    expect((await s.gql(`mutation { configureRouters(routers: ["${edge1}"]) { id } }`, {}, ro)).errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await s.http('GET', URL)).status).toBe(405);
    expect(await s.pg.orm.em.fork().count(Job, { name: 'devices.router.set_napalm_configuration' })).toBe(before);
    // Testing a NAPALM connection stays refused with a reason.
    const t = await s.http('GET', `/api/devices/routers/${edge1}/test-napalm-connection/`);
    expect(t.status).toBe(501);
    expect(t.json.detail).toMatch(/NAPALM/);
  });
});
