// Webhook templates against a real receiver on 127.0.0.1: body_template, additional_headers and
// payload_url rendered with the webhook context (event, model, username, data, snapshots), the
// HMAC-SHA512 signature over the rendered body; a template that does not render fails every
// attempt with its error recorded, sends nothing, and leaves the write and other webhooks alone.
import '../helpers/fast-webhooks';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { DB_KINDS } from '../helpers/db';
import { startTestServer, type TestServer } from '../helpers/server';
import { waitFor } from '../interop/daemons';

/** Polls every 50 ms until `f` gives a value (test/interop/daemons.ts waitFor). */
const until = <T>(what: string, f: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> => waitFor(what, f, ms, 50);

interface Received { url: string; headers: Record<string, string | string[] | undefined>; body: string }

function receiver(): Promise<{ server: Server; base: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      got.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end('ok');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ server, base: `http://127.0.0.1:${(server.address() as { port: number }).port}`, got });
  }));
}

const BODY = [
  '{"event": "{{ event }}", "model": "{{ model }}", "by": "{{ username }}", "name": "{{ data.name }}",',
  ' "tags": [{% for t in data.tags %}"{{ t.name }}"{% if not loop.last %}, {% endif %}{% endfor %}],',
  ' "was": {{ snapshots.prechange|tojson }}}',
].join('\n');

describe.each(DB_KINDS)('webhook templates (%s)', (kind) => {
  let s: TestServer;
  let rx: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    rx = await receiver();
    s = await startTestServer(kind);
    for (const slug of ['gold', 'transit']) expect((await s.http('POST', '/api/extras/tags/', { body: { name: slug, slug } })).status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    rx?.server.close();
  });

  const deliveryJobs = async (hookId: number, status: string) => {
    const r = await s.http('GET', `/api/core/jobs/?name=extras.webhook.process&status=${status}&ordering=-id&limit=100`);
    return (r.json.results as any[]).filter((j) => j.object_id === hookId);
  };

  test('body, headers and URL are rendered; the signature covers the rendered body', async () => {
    const wh = await s.http('POST', '/api/extras/webhooks/', { body: {
      name: 'templated', content_types: ['peering.autonomoussystem'], type_create: true, secret: 'k3y',
      payload_url: `${rx.base}/{{ model }}/{{ data.asn }}?event={{ event }}`,
      additional_headers: 'X-Asn: {{ data.asn }}\nX-Event: {{ event|upper }}\nX-Plain: as written',
      body_template: BODY,
    } });
    expect(wh.status).toBe(201);
    const as = await s.http('POST', '/api/peering/autonomous-systems/', { body: { asn: 64510, name: 'Templated Net', tags: [{ slug: 'gold' }, { slug: 'transit' }] } });
    expect(as.status).toBe(201);
    const got = await until('templated delivery', () => rx.got.find((g) => g.url.startsWith('/autonomoussystem/64510')));
    expect(got.url).toBe('/autonomoussystem/64510?event=create');
    expect(JSON.parse(got.body)).toEqual({ event: 'create', model: 'autonomoussystem', by: 'admin', name: 'Templated Net', tags: ['gold', 'transit'], was: null });
    expect(got.body.split('\n')).toHaveLength(3);
    expect([got.headers['x-asn'], got.headers['x-event'], got.headers['x-plain']]).toEqual(['64510', 'CREATE', 'as written']);
    expect(got.headers['x-hook-signature']).toBe(createHmac('sha512', 'k3y').update(got.body).digest('hex'));
    expect((await s.http('DELETE', `/api/extras/webhooks/${wh.json.id}/`)).status).toBe(204);
  });

  test('a template error fails each attempt with the error recorded and sends nothing; the write and other webhooks are unaffected', async () => {
    const bad = await s.http('POST', '/api/extras/webhooks/', { body: {
      name: 'broken-body', content_types: ['peering.autonomoussystem'], type_create: true,
      payload_url: `${rx.base}/broken-body`, body_template: '{"name": "{{ data.name }"}\n{% for x in %}',
    } });
    const badUrl = await s.http('POST', '/api/extras/webhooks/', { body: {
      name: 'broken-url', content_types: ['peering.autonomoussystem'], type_create: true,
      payload_url: `${rx.base}/broken-url/{{ data.nothing.deeper }}`,
    } });
    const good = await s.http('POST', '/api/extras/webhooks/', { body: {
      name: 'still-fine', content_types: ['peering.autonomoussystem'], type_create: true, payload_url: `${rx.base}/fine/{{ data.asn }}`,
    } });
    expect([bad.status, badUrl.status, good.status]).toEqual([201, 201, 201]);
    const as = await s.http('POST', '/api/peering/autonomous-systems/', { body: { asn: 64520, name: 'Broken' } });
    expect(as.status).toBe(201);
    await until('the good delivery', () => rx.got.find((g) => g.url === '/fine/64520'));

    // fast-webhooks: four attempts, then the job is errored.
    const [badJob] = await until('broken-body job errored', async () => ((await deliveryJobs(bad.json.id, 'errored')).length ? deliveryJobs(bad.json.id, 'errored') : undefined));
    const bodyAttempts = badJob.data.main.log.map((l: unknown[]) => l[4] as string).filter((m: string) => /^Attempt \d:/.test(m));
    expect(bodyAttempts).toHaveLength(4);
    for (const m of bodyAttempts) expect(m).toMatch(/^Attempt \d: nothing sent: Syntax error in template "body_template" at line 1: /);
    expect(badJob.data.output.log.map((l: unknown[]) => l[4]).join('\n')).toMatch(/Syntax error in template "body_template"/);

    const [urlJob] = await until('broken-url job errored', async () => ((await deliveryJobs(badUrl.json.id, 'errored')).length ? deliveryJobs(badUrl.json.id, 'errored') : undefined));
    const urlAttempts = urlJob.data.main.log.map((l: unknown[]) => l[4] as string).filter((m: string) => /^Attempt \d:/.test(m));
    expect(urlAttempts).toHaveLength(4);
    for (const m of urlAttempts) expect(m).toMatch(/^Attempt \d: nothing sent: Error in template "payload_url" at line 1: /);

    expect(rx.got.filter((g) => g.url.startsWith('/broken'))).toEqual([]);
    expect((await s.http('GET', `/api/peering/autonomous-systems/${as.json.id}/`)).json.name).toBe('Broken');
    for (const h of [bad, badUrl, good]) expect((await s.http('DELETE', `/api/extras/webhooks/${h.json.id}/`)).status).toBe(204);
  });
});
