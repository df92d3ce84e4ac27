// Plain-data renders (the webhook environment: no loaded objects) compared with python3-jinja2 on
// the same JSON context: dict order as given (and as written in dict literals), list.append, loop
// scoping, % formatting, ~ and |string.
import { execFileSync } from 'node:child_process';
import { renderWebhookTemplate } from '../../src/workflows/webhooks/template';

const ANONYMOUS = { user: null, token: null, error: null, canWrite: false } as any;

/** Jinja2's outputs, in a SandboxedEnvironment as Peering Manager's (an error as "ERROR …"). */
function jinja2(cases: { template: string; context: unknown }[]): string[] {
  const script = [
    'import json, sys',
    'from jinja2.sandbox import SandboxedEnvironment',
    'env = SandboxedEnvironment(autoescape=False)',
    'out = []',
    'for c in json.load(sys.stdin):',
    '    try: out.append(env.from_string(c["template"]).render(**c["context"]))',
    '    except Exception as e: out.append("ERROR " + str(e))',
    'json.dump(out, sys.stdout)',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(cases), encoding: 'utf8', timeout: 60_000 }));
}

const data = { id: 7, url: 'http://x/api/peering/autonomous-systems/7/', display: 'AS64500 - Net', asn: 64500, name: 'Net', tags: ['b', 'a'], custom: { zeta: 1, alpha: null, mid: [{ y: 2, x: 1 }] } };

const CASES = [
  '{% for k in data %}{{ k }},{% endfor %}',
  '{{ data.custom }} {{ data.custom.keys()|list }} {% for k, v in data.custom.items() %}{{ k }}={{ v }};{% endfor %}',
  "{% set seen = [] %}{% for t in data.tags %}{% set _ = seen.append(t|upper) %}{% endfor %}{{ seen }} {{ seen|join('+') }}",
  "{% set by = {'even': [], 'odd': []} %}{% for n in range(5) %}{% set _ = by['even' if n % 2 == 0 else 'odd'].append(n) %}{% endfor %}{{ by['even'] }} {{ by['odd'] }}",
  '{% for n in range(3) %}{% if n == 0 %}{% set first = n %}{% endif %}[{{ first }}]{% endfor %}',
  "{{ '%s (AS%d) %5.1f%% %-4s|' % (data.name, data.asn, 99.5, 'x') }}{{ '%(name)s/%(asn)s' % data }}",
  "{{ '%d' % data.name }}",
  // ~ and |string print str() of their operands.
  "{{ 'a' ~ none ~ true ~ [1, 'b'] ~ data.custom.alpha ~ data.custom ~ 2 * 3 }}|{{ none|string }}|{{ true|string }}|{{ data.tags|string }}",
  "{% if 'v' ~ data.id == 'v7' and data.name ~ '' is string %}ok{% endif %}{% set k = 'n' ~ data.id %}{{ {k: data.tags ~ ''} }}",
  "{{ 'x' ~ 1 + 2 }}",
  "{% set d = {'b': 1, 'a': {'z': 1, 'y': [{'q': 1, 'p': 2}]}} %}{{ d }} {% for k in d %}{{ k }}{% endfor %} {{ d.a.keys()|list }}",
];

test('plain-data templates render as python3-jinja2 renders them', () => {
  const want = jinja2(CASES.map((template) => ({ template, context: { data } })));
  const got = CASES.map((t, i) => {
    try {
      return renderWebhookTemplate(`case ${i}`, t, { data }, ANONYMOUS);
    } catch (e) {
      return `ERROR ${(e as Error).message}`;
    }
  });
  for (const [i, t] of CASES.entries()) {
    if (want[i].startsWith('ERROR ')) expect([t, got[i]]).toEqual([t, expect.stringMatching(new RegExp(`^ERROR Error in template "case ${i}" at line 1: `))]);
    else expect([t, got[i]]).toEqual([t, want[i]]);
  }
});
