// Jinja2 rendering (spec pm-workflows §1, §2, §4): Peering Manager's own example templates
// (docs/templating/examples, kept in test/fixtures/templates) rendered against seeded data must give
// what real Jinja2 gives: test/fixtures/templates/oracle.py, run here with the system's python3-jinja2:
// real Jinja2 in a SandboxedEnvironment over the same objects in Python, with Python versions of the
// filters these templates use. Then: the REST job and synchronous shapes, template errors naming the
// template and line, the sandbox, read scoping, secrets, and the bounds on work and output.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server';
import { post } from '../helpers/pm';
import { seed } from '../helpers/templates';
import { settledJob } from '../helpers/jobs';

const FIXTURES = join(__dirname, '..', 'fixtures', 'templates');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
/** What Jinja2 renders for a fixture template on the same objects. */
const jinja2 = (name: string) => execFileSync('python3', [join(FIXTURES, 'oracle.py'), name], { encoding: 'utf8', timeout: 60_000 });

describe('Jinja2 templates', () => {
  let s: TestServer;
  let ids: Awaited<ReturnType<typeof seed>>;
  let aliceRO: string;
  let alice: number;

  const render = async (id: number, token?: string) => s.gql('query($id: ID!) { renderRouterConfiguration(id: $id) }', { id: String(id) }, token);
  /** A router whose configuration template is `template` (jinja2 flags optional). */
  const routerWith = async (template: string, extra: Record<string, unknown> = {}) => {
    const cfg = await post(s, '/api/devices/configurations/', { name: `cfg-${Math.random().toString(36).slice(2, 8)}`, template, ...extra });
    const r = await s.http('PATCH', `/api/devices/routers/${ids.router}/`, { body: { configuration_template: cfg.id } });
    expect(r.status).toBe(200);
    return cfg;
  };

  beforeAll(async () => {
    s = await startTestServer('pglite');
    ids = await seed(s, { junos: fixture('juniper-junos.j2'), iosxr: fixture('cisco-iosxr.j2') });
    const u = await s.gql('mutation { createUser(input: {username: "alice", password: "alice-pass-1"}) { id } }');
    alice = Number(u.data.createUser.id);
    aliceRO = (await s.gql(`mutation { createToken(input: {userId: "${alice}", writeEnabled: false}) { key } }`)).data.createToken.key;
  }, 120_000);
  afterAll(async () => { await s?.close(); });

  test("Peering Manager's Junos and IOS XR examples render as Jinja2 renders them", async () => {
    const junos = await render(ids.router);
    expect(junos.errors).toBeUndefined();
    expect(junos.data.renderRouterConfiguration).toBe(jinja2('juniper-junos'));
    const iosxr = await render(ids.iosxrRouter);
    expect(iosxr.errors).toBeUndefined();
    expect(iosxr.data.renderRouterConfiguration).toBe(jinja2('cisco-iosxr'));
  });

  test('GET …/routers/{id}/configuration/ answers 202 with a devices.router.render_configuration job whose output is the configuration', async () => {
    const r = await s.http('GET', `/api/devices/routers/${ids.iosxrRouter}/configuration/`);
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ name: 'devices.router.render_configuration', object_type: 'devices.router', object_id: ids.iosxrRouter });
    const job = await settledJob(s, r.json.id);
    expect(job.status).toBe('completed');
    expect(job.output).toBe(jinja2('cisco-iosxr'));
    const lines = (job.data as any).main.log.map((l: unknown[]) => [l[1], l[4]]);
    expect(lines).toEqual([['info', 'Running job'], ['info', 'Rendering router configuration.'], ['success', 'Router configuration rendered.'], ['success', 'Job completed']]);
    expect((await s.http('GET', '/api/devices/routers/999999/configuration/')).status).toBe(404);
  });

  test('Python printing, Jinja2 constructs MiniJinja lacks, filters and kwargs', async () => {
    await routerWith([
      "{{ none }}|{{ true }}|{{ ['a', 1] }}|{{ router }}|{{ undefined_thing }}|{{ local_as }}",
      '{{ autonomous_systems.1.asn }} {{ autonomous_systems[-1].name | safe_string }} {{ communities.filter(slug="blackhole").first().value }}',
      "{{ {'a': 1}.get('a') }} {{ {'a': 1}.get('b', 'dflt') }} {{ communities.count() }} {{ 'x' | quote }}{{ '' | quote }}",
      '{% for s in router | ixp_sessions(family=4) %}{{ s | ip }} {{ s.enabled }} {{ s | inherited_status }};{% endfor %}',
      "{{ router | routing_policies('slug') | join(',') }} {{ local_as.prefixes is iterable }} {{ autonomous_systems | iterate('asn') }}",
      '{{ "7 0822455D0A16" | cisco_password }} {{ autonomous_systems.0 | prefix_list(4) | length }} {{ "RIPE::AS-ONE AS-ONE ARIN:AS-TWO" | strip_irr_sources }}',
    ].join('\n'));
    const r = await render(ids.router);
    expect(r.errors).toBeUndefined();
    expect(r.data.renderRouterConfiguration.split('\n')).toEqual([
      "None|True|['a', 1]|edge1||AS64500 - Local Net",
      '64502 Peer Two 65535:666',
      '1 dflt 2 "x"',
      '192.0.2.11 True enabled;192.0.2.12 False disabled;',
      'ix-in,ix-out,transit-in,v6-only False [64501, 64502]',
      "0822455D0A16 1 ['AS-ONE', 'AS-TWO']",
    ]);
  });

  test('template errors name the template and line: GraphQL BAD_USER_INPUT, REST 400, jobs complete with the error as output', async () => {
    const cfg = await routerWith('ok\n{{ router.config_context.timers.hold }}');
    const r = await render(ids.router);
    expect(r.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(r.errors[0].message).toBe(`Error in template "${cfg.name}" at line 2: undefined value`);
    const job = await s.http('GET', `/api/devices/routers/${ids.router}/configuration/`);
    const done = await settledJob(s, job.json.id);
    expect([done.status, done.output]).toEqual(['completed', `Error in template "${cfg.name}" at line 2: undefined value`]);

    const syntax = await routerWith('a\nb\n{% for x in %}');
    expect((await render(ids.router)).errors[0].message).toBe(`Syntax error in template "${syntax.name}" at line 3: unexpected end of block`);
    const filter = await routerWith('line\n{{ router | sessions }}');
    expect((await render(ids.router)).errors[0].message).toBe(`Error in template "${filter.name}" at line 2: sessions: unsupported value "edge1"`);

    const et = await post(s, '/api/extras/export-templates/', { content_type: 'peering.autonomoussystem', name: 'broken', template: '{% if %}' });
    const sync = await s.http('GET', `/api/extras/export-templates/${et.id}/render-synchronous/`);
    expect([sync.status, sync.json]).toEqual([400, { detail: 'Syntax error in template "broken" at line 1: unexpected end of block' }]);
  });

  test('the sandbox: no underscore attributes, no files, no environment, read-only values', async () => {
    await routerWith('{{ router.__class__ }}');
    expect((await render(ids.router)).errors[0].message).toMatch(/line 1: access to attribute '__class__' is unsafe/);
    await routerWith("{{ ''.__class__.__mro__ }}");
    expect((await render(ids.router)).errors[0].message).toMatch(/unsafe/);
    await routerWith("{% include '/etc/passwd' %}");
    expect((await render(ids.router)).errors[0].message).toMatch(/template not found/);
    await routerWith('[{{ process }}{{ env }}{{ config }}{{ os }}{{ settings }}]');
    expect((await render(ids.router)).data.renderRouterConfiguration).toBe('[]');
    await routerWith('{% set l = [] %}{{ l.append(1) }}');
    expect((await render(ids.router)).errors[0].message).toMatch(/append\(\) is not supported/);
  });

  test('include_configuration renders another configuration with the current context', async () => {
    await post(s, '/api/devices/configurations/', { name: 'Header', template: '! {{ router.name }} {{ greeting }}' });
    await routerWith("{% set greeting = 'hi' %}{% include_configuration 'Header' %}\n{% include_configuration Missing %}");
    expect((await render(ids.router)).errors[0].message).toMatch(/line 2: No configuration template "Missing"/);
    await routerWith("{% set greeting = 'hi' %}{% include_configuration 'Header' %}|{% include 'configuration::Header' %}");
    expect((await render(ids.router)).data.renderRouterConfiguration).toBe('! edge1 hi|! edge1 hi');
  });

  test('secrets are shown to writers only; export datasets hold only rows the caller may read', async () => {
    expect((await render(ids.iosxrRouter)).data.renderRouterConfiguration).toContain('password clear clear-one');
    const ro = await render(ids.iosxrRouter, aliceRO);
    expect(ro.errors).toBeUndefined();
    expect(ro.data.renderRouterConfiguration).not.toContain('clear-one');
    // A job renders as the request that queued it: the read-only token's job sees no secret either.
    const jobOutput = async (token?: string) => {
      const j = await s.http('GET', `/api/devices/routers/${ids.iosxrRouter}/configuration/`, token ? { token } : {});
      expect(j.status).toBe(202);
      return (await settledJob(s, j.json.id)).output;
    };
    expect(await jobOutput()).toContain('password clear clear-one');
    const roJob = await jobOutput(aliceRO);
    expect(roJob).toContain('router bgp');
    expect(roJob).not.toContain('clear-one');

    // Tokens are owner-scoped: alice reads her own only.
    const et = await post(s, '/api/extras/export-templates/', { content_type: 'users.token', name: 'tokens', template: '{% for t in dataset %}{{ t.user.username }};{% endfor %}' });
    const admin = await s.http('GET', `/api/extras/export-templates/${et.id}/render-synchronous/`);
    expect(admin.status).toBe(200);
    expect(admin.json.rendered).toMatch(/admin;/);
    expect(admin.json.rendered).toMatch(/alice;/);
    const mine = await s.http('GET', `/api/extras/export-templates/${et.id}/render-synchronous/`, { token: aliceRO });
    expect([mine.status, mine.json]).toEqual([200, { rendered: 'alice;' }]);
  });

  test('export templates: synchronous, as a job, and through GraphQL', async () => {
    const et = await post(s, '/api/extras/export-templates/', { content_type: 'peering.autonomoussystem', name: 'ases', template: '{% for a in dataset %}{{ a.asn }} {{ a }}\n{% endfor %}' });
    const want = '64500 AS64500 - Local Net\n64501 AS64501 - Peer One\n64502 AS64502 - Péer Twö\n';
    expect((await s.http('GET', `/api/extras/export-templates/${et.id}/render-synchronous/`)).json).toEqual({ rendered: want });
    expect((await s.gql(`{ renderExportTemplate(id: "${et.id}") }`)).data.renderExportTemplate).toBe(want);
    const r = await s.http('GET', `/api/extras/export-templates/${et.id}/render/`);
    expect([r.status, r.json.name]).toEqual([202, 'extras.exporttemplate.render']);
    expect((await settledJob(s, r.json.id)).output).toBe(want);
    const empty = await post(s, '/api/extras/export-templates/', { content_type: 'peering.autonomoussystem', name: 'empty', template: '{# nothing #}' });
    const e = await s.http('GET', `/api/extras/export-templates/${empty.id}/render/`);
    const done = await settledJob(s, e.json.id);
    expect(done.output).toBe('');
    expect((done.data as any).main.log.map((l: unknown[]) => l[4])).toContain('No export (or empty) generated.');
    const job = await s.gql(`mutation { renderExportTemplateJob(id: "${et.id}") { name status } }`);
    expect(job.data.renderExportTemplateJob.name).toBe('extras.exporttemplate.render');
  });

  test('generate-email: 200 subject/body in the AS context, and the error shapes of Peering Manager', async () => {
    const email = await post(s, '/api/messaging/emails/', {
      name: 'Request', subject: 'Peering AS{{ autonomous_system.asn }} <> AS{{ affiliated_autonomous_systems.0.asn }}',
      template: '{%- set local_as = affiliated_autonomous_systems | get(asn=64500) %}\nDear {{ autonomous_system.name }},\nwe are {{ local_as }}.\n',
    });
    const url = `/api/peering/autonomous-systems/${ids.peer1}/generate-email/`;
    const ok = await s.http('POST', url, { body: { email: email.id } });
    expect([ok.status, ok.json]).toEqual([200, { subject: 'Peering AS64501 <> AS64500', body: '\nDear Peer One,\nwe are AS64500 - Local Net.' }]);
    expect((await s.http('POST', url, { body: {} })).json).toEqual({ email: ['This field is required.'] });
    const bad = await s.http('POST', url, { body: { email: 'abc' } });
    expect([bad.status, bad.json]).toEqual([400, { email: ['A valid integer is required.'] }]);
    const unknown = await s.http('POST', url, { body: { email: 999999 } });
    expect([unknown.status, unknown.text]).toEqual([404, '']);
    expect((await s.http('POST', '/api/peering/autonomous-systems/999999/generate-email/', { body: { email: email.id } })).status).toBe(404);
    const gql = await s.gql(`{ generateEmail(autonomousSystemId: "${ids.peer1}", emailId: "${email.id}") { subject body } }`);
    expect(gql.data.generateEmail.subject).toBe('Peering AS64501 <> AS64500');
  });

  test('bounds: a runaway loop stops on fuel with a clear error, fast; output is capped', async () => {
    await routerWith('{% for i in range(10000) %}{% for j in range(10000) %}{% for k in range(10000) %}x{% endfor %}{% endfor %}{% endfor %}');
    const r = await render(ids.router);
    expect(r.errors[0].message).toMatch(/line 1: the template did too much work \(render fuel exhausted\)/);
    await routerWith("{% for i in range(20) %}{{ 'x' * 1000000 }}{% endfor %}");
    expect((await render(ids.router)).errors[0].message).toMatch(/the output is over 10000000 characters/);
    // Still rendering afterwards: the engine survived.
    await routerWith('{{ local_as.asn }}');
    expect((await render(ids.router)).data.renderRouterConfiguration).toBe('64500');
  });
});
