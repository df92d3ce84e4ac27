// Peering Manager's doc example templates (docs/templating/examples, kept in test/fixtures/templates)
// rendered by GET /api/devices/routers/{id}/configuration/ against examples-dataset.json, each
// compared with what real Jinja2 renders for the same objects: examples_oracle.py, run here with
// the system's python3 and its Jinja2 (Debian's python3-jinja2). PeerGate itself never runs Python.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InternetExchangePeeringSession } from '../../src/domain/peering/internet-exchange-peering-session';
import { DirectPeeringSession } from '../../src/domain/peering/direct-peering-session';
import { startTestServer, type TestServer } from '../helpers/server';
import { post } from '../helpers/pm';
import { dataset, EXAMPLES, seedEmails, seedExamples, type ExampleIds } from '../helpers/template-examples';
import { settledJob } from '../helpers/jobs';

/** What Jinja2 renders: the oracle's stdout, or "ERROR <class>: <message>" for a template error. */
function jinja2(router: string, main: string, subs: Record<string, string> = {}): string {
  const args = [join(EXAMPLES, 'examples_oracle.py'), router, main, ...Object.entries(subs).map(([n, f]) => `${n}=${f}`)];
  try {
    return execFileSync('python3', args, { encoding: 'utf8', timeout: 60_000 });
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    if (err.status === 3) return String(err.stdout).trim();
    throw new Error(`the Jinja2 oracle failed (python3 with jinja2 needed): ${err.stderr ?? e}`);
  }
}

/** Jinja2's outputs for small templates on a router's context (same dataset, same filters). */
function jinja2Snippets(router: string, sources: string[]): string[] {
  const out = execFileSync('python3', [join(EXAMPLES, 'examples_oracle.py'), '--snippets', router], { input: JSON.stringify(sources), encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out);
}

/** Python features PeerGate emulates on MiniJinja, each compared with python3-jinja2 (errors: both fail). */
const SNIPPETS = [
  // list.append in its statement form, in loops, on dict items, on context lists.
  "{% set l = [] %}{% for a in autonomous_systems %}{% set _ = l.append(a.asn) %}{% endfor %}{{ l }} {{ l|length }} {{ l is sequence }} {{ l[-1] }}",
  "{% set d = {'low': [], 'x': {'high': []}} %}{% for a in autonomous_systems %}{% if a.asn < 64520 %}{% set _ = d['low'].append(a) %}{% else %}{% set _ = d.x.high.append(a.name) %}{% endif %}{% endfor %}{{ d['low']|join(', ') }}|{{ d.x.high }}",
  "{% for s in router | ixp_sessions %}{% set _ = communities.append(s) %}{% endfor %}{{ communities|length }}",
  "{% set r = [] %}{% set x = r.append(1) %}{{ x }} {{ r }}",
  "{% set d = {'a': 1} %}{% set _ = d.append(1) %}",
  // Each loop iteration starts from the outer scope.
  "{% for a in autonomous_systems %}{% if loop.first %}{% set first = a %}{% endif %}[{{ first }}]{% endfor %}{{ first }}",
  "{% set x = 'outer' %}{% for a in autonomous_systems %}{{ x }}{% set x = a.asn %}:{{ x }};{% endfor %}{{ x }}",
  "{% set ns = namespace(c=0) %}{% for a in autonomous_systems %}{% for t in a.tags.all() %}{% set ns.c = ns.c + 1 %}{% set seen = t %}{% endfor %}{{ seen }}{% endfor %} {{ ns.c }}",
  // Dicts iterate and print in their order (stored JSON comes back as jsonb orders it; merged contexts add keys at the end), not sorted.
  "{% for p in routing_policies %}{{ p.name }}:{% for k, v in (p.config_context or {}).items() %}{{ k }}={{ v }},{% endfor %};{% endfor %}",
  "{% for p in routing_policies if p.config_context %}{% for k in p.config_context %}[{{ k }}]{% endfor %}{{ p.config_context['policy-variables'].keys()|list }}{% endfor %}",
  "{% for a in autonomous_systems %}{{ a.prefixes }}{% for f in a.prefixes or {} %}{{ f }}{% endfor %}{% endfor %} {{ router.config_context }}",
  // ~ and |string print models by their display.
  "{{ 'AS' ~ local_as.asn ~ ' ' ~ local_as }}|{{ router|string }}|{% for p in routing_policies %}{{ 'pm-' ~ p ~ ';' }}{% endfor %}|{{ 'x' ~ router.config_context }}",
  // Python's % formatting.
  "{{ '%s-%d' % (local_as.name, local_as.asn) }} {{ 'AS%05d' % local_as.asn }} {{ '%s' % router }} {{ '%r' % router.name }}",
  "{% for s in router | ixp_sessions %}{{ '%-16s %5s %s' % (s | ip, s | ip_version, s.autonomous_system) }}\n{% endfor %}",
  "{{ '%(name)s has %(n)d' % {'name': local_as.name, 'n': autonomous_systems|length} }} {{ '%6.2f%%' % 12.345 }} {{ '%#x %o %e %g' % (255, 8, 1234.5, 0.00001) }}",
  "{{ '%s' % none }} {{ '%s' % [1, 'a'] }} {{ '%s' % {'a': none} }} {{ '100%%' % () }} {{ 'x' ~ '%s' % 5 }}",
  "{{ '%s %s' % ('a',) }}",
  "{{ '%d' % router.name }}",
  "{{ 'abc' % 5 }}",
];

const fixture = (f: string) => readFileSync(join(EXAMPLES, f), 'utf8');

/** The SR OS sub-templates under the names its main template includes (pm-workflows §0 #11). */
const SROS_SUBS: Record<string, string> = {
  'GITHUB Nokia SROS Default config': 'nokia-sros/default-config.j2',
  'GITHUB Nokia SROS Sub - BGP Groups': 'nokia-sros/sub-bgp-groups.j2',
  'GITHUB Nokia SROS Sub - BGP Neighbors': 'nokia-sros/sub-bgp-neighbors.j2',
  'GITHUB Nokia SROS Sub - Route Policy': 'nokia-sros/sub-route-policy.j2',
  'GITHUB Nokia SROS Sub - Route Policy Communities': 'nokia-sros/sub-route-policy-communities.j2',
  'GITHUB Nokia SROS Sub - Route Policy Prefix Lists': 'nokia-sros/sub-route-policy-prefix-lists.j2',
};

describe("Peering Manager's example templates, as Jinja2 renders them", () => {
  let s: TestServer;
  let ids: ExampleIds;

  /** Makes `file` the router's configuration template (named `name`) and renders it through the REST job. */
  const renderAs = async (router: string, name: string, file: string): Promise<string> => {
    const cfg = await post(s, '/api/devices/configurations/', { name, template: fixture(file) });
    const p = await s.http('PATCH', `/api/devices/routers/${ids.routers[router]}/`, { body: { configuration_template: cfg.id } });
    expect(p.status).toBe(200);
    const r = await s.http('GET', `/api/devices/routers/${ids.routers[router]}/configuration/`);
    expect(r.status).toBe(202);
    const job = await settledJob(s, r.json.id);
    expect(job.status).toBe('completed');
    return job.output ?? '';
  };

  beforeAll(async () => {
    s = await startTestServer('pglite');
    ids = await seedExamples(s);
    // The oracle numbers objects in dataset order, as this fresh database does (the IOS tutorial prints session ids).
    const em = s.pg.orm.em.fork();
    const d = dataset();
    expect((await em.find(InternetExchangePeeringSession, {}, { orderBy: { id: 'asc' } })).map((x) => x.id)).toEqual(d.ixp_sessions.map((_: unknown, i: number) => i + 1));
    expect((await em.find(DirectPeeringSession, {}, { orderBy: { id: 'asc' } })).map((x) => x.id)).toEqual(d.direct_sessions.map((_: unknown, i: number) => i + 1));
  }, 180_000);
  afterAll(async () => { await s?.close(); });

  test('Arista EOS: a router whose IXPs have no policies renders as in Jinja2 (session policy lists print as Python lists)', async () => {
    const want = jinja2('eos1', 'arista-eos.j2');
    expect(want).toContain('route-map [<RoutingPolicy: PEER-IN>] in');
    expect(await renderAs('eos1', 'Arista EOS', 'arista-eos.j2')).toBe(want);
  });

  test('Arista EOS uses `session` outside its loop: with IXP policies both Jinja2 and PeerGate stop there, PeerGate naming template and line', async () => {
    expect(jinja2('edge-a', 'arista-eos.j2')).toBe("ERROR UndefinedError: 'session' is undefined");
    const out = await renderAs('edge-a', 'Arista EOS on edge-a', 'arista-eos.j2');
    expect(out).toMatch(/^Error in template "Arista EOS on edge-a" at line 8: /);
    const r = await s.gql('query($id: ID!) { renderRouterConfiguration(id: $id) }', { id: String(ids.routers['edge-a']) });
    expect(r.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(r.errors[0].message).toBe(out);
  });

  test('the Cisco IOS tutorial renders as in Jinja2', async () => {
    const want = jinja2('edge-a', 'tutorial-cisco-ios.j2');
    expect(want).toContain('route-map pm-session-as64510-id1-in permit 1001');
    expect(await renderAs('edge-a', 'Cisco IOS tutorial', 'tutorial-cisco-ios.j2')).toBe(want);
  });

  test('the AS196610 IOS XR template and the IOS XR tutorial render as in Jinja2', async () => {
    const as196610 = jinja2('edge-a', 'cisco-iosxr-as196610.j2');
    expect(as196610).toContain('route-policy PEER-IN');
    expect(await renderAs('edge-a', 'AS196610 IOS XR', 'cisco-iosxr-as196610.j2')).toBe(as196610);
    const tutorial = jinja2('edge-a', 'tutorial-cisco-iosxr.j2');
    expect(tutorial).toContain('router bgp 64500');
    expect(await renderAs('edge-a', 'IOS XR tutorial', 'tutorial-cisco-iosxr.j2')).toBe(tutorial);
  });

  test('the VyOS tutorial (list.append in loops, namespace(), dict.get, .filter().first()) renders as in Jinja2', async () => {
    const want = jinja2('edge-a', 'tutorial-vyos.j2');
    // The appends inside the loops are seen after them: peers sorted into their cities.
    expect(want).toContain('set policy as-path-list PEERS-FRANKFURT rule 11 description "Peer Gamma |Frankfurt"');
    expect(want).toContain("match peer 2001:db8:f::10");
    expect(await renderAs('edge-a', 'VyOS tutorial', 'tutorial-vyos.j2')).toBe(want);
  });

  test('list.append, loop scoping and % formatting give what python3-jinja2 gives', async () => {
    const cfg = await post(s, '/api/devices/configurations/', { name: 'snippet', template: 'x' });
    await s.http('PATCH', `/api/devices/routers/${ids.routers['edge-a']}/`, { body: { configuration_template: cfg.id } });
    const want = jinja2Snippets('edge-a', SNIPPETS);
    for (const [i, source] of SNIPPETS.entries()) {
      await s.http('PATCH', `/api/devices/configurations/${cfg.id}/`, { body: { template: source } });
      const r = await s.gql('query($id: ID!) { renderRouterConfiguration(id: $id) }', { id: String(ids.routers['edge-a']) });
      const got = r.errors ? `ERROR ${r.errors[0].message}` : r.data.renderRouterConfiguration;
      if (want[i].startsWith('ERROR ')) expect([source, got]).toEqual([source, expect.stringMatching(/^ERROR Error in template "snippet" at line 1: /)]);
      else expect([source, got]).toEqual([source, want[i]]);
    }
    expect(want.filter((w) => w.startsWith('ERROR ')).length).toBe(4);
    // The one difference: append inside an expression (Jinja2 prints None) is refused, saying what works.
    await s.http('PATCH', `/api/devices/configurations/${cfg.id}/`, { body: { template: '{% set l = [] %}{{ l.append(1) }}' } });
    const r = await s.gql('query($id: ID!) { renderRouterConfiguration(id: $id) }', { id: String(ids.routers['edge-a']) });
    expect(r.errors[0].message).toMatch(/line 1: list.append\(\) is not supported inside an expression: use the statement \{% set _ = name.append\(x\) %\}/);
  });

  test('Nokia SR OS with its six sub-templates and config contexts renders as in Jinja2', async () => {
    for (const [name, file] of Object.entries(SROS_SUBS)) await post(s, '/api/devices/configurations/', { name, template: fixture(file) });
    const want = jinja2('edge-a', 'nokia-sros/main.j2', SROS_SUBS);
    // The config contexts reach the output: timers, policy variables of policies and of the router.
    for (const part of ['seconds 90', 'seconds 30', 'local-preference 100', 'LARGE-TRANSIT-ASNS', 'DENY-TO-EDGE', 'repeat 2']) expect(want).toContain(part);
    expect(await renderAs('edge-a', 'Nokia SROS', 'nokia-sros/main.j2')).toBe(want);
  });

  test('Nokia SR OS: a sub-template named as the doc headers say (without "GITHUB") is a clear error, naming template and line', async () => {
    const main = fixture('nokia-sros/main.j2').replace(/"GITHUB (Nokia SROS [^"]*)"/g, '"$1"');
    const cfg = await post(s, '/api/devices/configurations/', { name: 'SROS header names', template: main });
    await s.http('PATCH', `/api/devices/routers/${ids.routers['edge-a']}/`, { body: { configuration_template: cfg.id } });
    const r = await s.gql('query($id: ID!) { renderRouterConfiguration(id: $id) }', { id: String(ids.routers['edge-a']) });
    expect(r.errors[0].message).toMatch(/"SROS header names" at line 11: No configuration template "Nokia SROS Default config"/);
  });
});

describe("Peering Manager's example e-mails, as Jinja2 renders them", () => {
  let s: TestServer;
  let ids: Awaited<ReturnType<typeof seedEmails>>;

  /** What Jinja2 renders: {"subject", "body"} from email_oracle.py. */
  const oracle = (...args: string[]) => JSON.parse(execFileSync('python3', [join(EXAMPLES, 'email_oracle.py'), ...args], { encoding: 'utf8', timeout: 60_000 }));
  const email = async (name: string, subject: string, body: string) => (await post(s, '/api/messaging/emails/', { name, subject: fixture(subject), template: fixture(body) })).id as number;

  beforeAll(async () => {
    s = await startTestServer('pglite');
    ids = await seedEmails(s);
  }, 180_000);
  afterAll(async () => { await s?.close(); });

  test('the peering-request e-mail (our AS set to 13030, as its doc asks) renders through generate-email as in Jinja2', async () => {
    const want = oracle('as', '6939', 'peering-request-email-subject.j2', 'peering-request-email.j2');
    // Only CHIX has a port of AS6939 without a session: SwissIX is left out.
    expect(want.body).toContain('IX Name: CHIX');
    expect(want.body).not.toContain('SwissIX');
    const id = await email('Peering request', 'peering-request-email-subject.j2', 'peering-request-email.j2');
    const r = await s.http('POST', `/api/peering/autonomous-systems/${ids.ases[6939]}/generate-email/`, { body: { email: id } });
    expect([r.status, r.json]).toEqual([200, want]);
  });

  test('the new-network e-mail renders through render-email to a PeeringDB network as in Jinja2', async () => {
    const want = oracle('network', '13030', '6939', 'new-network-email-subject.j2', 'new-network-email.j2');
    expect(want.body).toContain('- Interxion ZUR1');
    expect(want.body).toContain('- SwissIX');
    const id = await email('New network', 'new-network-email-subject.j2', 'new-network-email.j2');
    const r = await s.http('POST', '/api/peeringdb/networks/render-email/', { body: { email: id, autonomous_system: ids.ases[13030], network: ids.networks[6939] } });
    expect([r.status, r.json]).toEqual([200, want]);
  });
});
