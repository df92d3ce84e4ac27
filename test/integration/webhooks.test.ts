// Webhooks against a real receiver on 127.0.0.1: Peering Manager's default body, headers and
// HMAC-SHA512 signature for create, update and delete; conditions; a receiver answering 500 gets
// the delivery after a retry; every attempt is recorded on the delivery job; `data` is the REST
// representation (relative URLs, nested objects, no secrets) and conditions are read on it.
import '../helpers/fast-webhooks';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { DB_KINDS } from '../helpers/db';
import { startTestServer, type TestServer } from '../helpers/server';
import { waitFor } from '../interop/daemons';

/** Polls every 50 ms until `f` gives a value (test/interop/daemons.ts waitFor). */
const until = <T>(what: string, f: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> => waitFor(what, f, ms, 50);

interface Received { headers: Record<string, string | string[] | undefined>; body: string; json: any }

function receiver(): Promise<{ server: Server; url: string; got: Received[]; failNext: { n: number } }> {
  const got: Received[] = [];
  const failNext = { n: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (failNext.n > 0) { failNext.n -= 1; res.writeHead(500).end('down for maintenance'); return; }
      const body = Buffer.concat(chunks).toString('utf8');
      got.push({ headers: req.headers, body, json: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, got, failNext });
  }));
}

describe.each(DB_KINDS)('webhooks (%s)', (kind) => {
  let s: TestServer;
  let rx: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    rx = await receiver();
    s = await startTestServer(kind);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    rx?.server.close();
  });

  test('create, update and delete are delivered with the default body, headers and signature', async () => {
    const wh = await s.http('POST', '/api/extras/webhooks/', { body: {
      name: 'all-as', content_types: ['peering.autonomoussystem'], type_create: true, type_update: true, type_delete: true,
      payload_url: rx.url, secret: 's3cret', additional_headers: 'X-Env: test\nX-Team:  peering ',
    } });
    expect(wh.status).toBe(201);
    const as = await s.http('POST', '/api/peering/autonomous-systems/', { body: { asn: 64500, name: 'Zürich Net' } });
    expect(as.status).toBe(201);
    const created = await until('create delivery', () => rx.got.find((g) => g.json.event === 'create' && g.json.data.asn === 64500));
    expect(Object.keys(created.json)).toEqual(['event', 'timestamp', 'model', 'username', 'request_id', 'data', 'snapshots']);
    expect(created.json).toMatchObject({ model: 'autonomoussystem', username: 'admin', snapshots: { prechange: null } });
    expect(created.json.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    expect(created.body).toContain('"name": "Z\\u00fcrich Net"');
    expect(created.headers['x-hook-signature']).toBe(createHmac('sha512', 's3cret').update(created.body).digest('hex'));
    expect(created.headers['content-type']).toBe('application/json');
    expect(created.headers['user-agent']).toMatch(/^PeerGate\/\d/);
    expect([created.headers['x-env'], created.headers['x-team']]).toEqual(['test', 'peering']);

    expect((await s.http('PATCH', `/api/peering/autonomous-systems/${as.json.id}/`, { body: { name: 'Renamed' } })).status).toBe(200);
    const updated = await until('update delivery', () => rx.got.find((g) => g.json.event === 'update' && g.json.data.asn === 64500));
    expect([updated.json.snapshots.prechange.name, updated.json.snapshots.postchange.name]).toEqual(['Zürich Net', 'Renamed']);

    expect((await s.http('DELETE', `/api/peering/autonomous-systems/${as.json.id}/`)).status).toBe(204);
    const deleted = await until('delete delivery', () => rx.got.find((g) => g.json.event === 'delete' && g.json.snapshots.prechange?.asn === 64500));
    expect(deleted.json.snapshots.postchange).toBeNull();
    expect((await s.http('DELETE', `/api/extras/webhooks/${wh.json.id}/`)).status).toBe(204);
  });

  test('conditions decide which objects fire the webhook', async () => {
    const wh = await s.http('POST', '/api/extras/webhooks/', { body: {
      name: 'big-as', content_types: ['peering.autonomoussystem'], type_create: true, payload_url: `${rx.url}?c=1`,
      conditions: { and: [{ attr: 'asn', value: 65000, op: 'gte' }, { or: [{ attr: 'name', value: 'Match', op: 'regex' }, { attr: 'name', value: 'x', negate: true, op: 'contains' }] }] },
    } });
    expect(wh.status).toBe(201);
    for (const [asn, name] of [[64999, 'Matching'], [65001, 'Matching'], [65002, 'xx'], [65003, 'plain']] as const) {
      expect((await s.http('POST', '/api/peering/autonomous-systems/', { body: { asn, name } })).status).toBe(201);
    }
    await until('two conditional deliveries', () => (rx.got.filter((g) => g.json.data.asn >= 64999 && g.json.data.asn <= 65003).length >= 2 ? true : undefined));
    // The jobs of the other two completed without sending: wait for every job to settle before counting.
    await until('all jobs settled', async () => ((await s.http('GET', '/api/core/jobs/?status=pending&status=running')).json.count === 0 ? true : undefined));
    expect(rx.got.filter((g) => g.json.data.asn >= 64999 && g.json.data.asn <= 65003).map((g) => g.json.data.asn).sort()).toEqual([65001, 65003]);
    expect((await s.http('DELETE', `/api/extras/webhooks/${wh.json.id}/`)).status).toBe(204);
  });

  test('data is the REST representation as of the write, without secrets; conditions read it', async () => {
    const post = async (path: string, body: unknown) => {
      const r = await s.http('POST', path, { body });
      expect(r.status).toBe(201);
      return r.json;
    };
    const gold = await post('/api/extras/tags/', { name: 'Gold WH', slug: 'gold-wh' });
    const rel = await post('/api/bgp/relationships/', { name: 'Peer WH', slug: 'peer-wh' });
    const local = await post('/api/peering/autonomous-systems/', { asn: 64610, name: 'Local WH' });
    const peer = await post('/api/peering/autonomous-systems/', { asn: 64611, name: 'Peer WH' });
    const wh = await post('/api/extras/webhooks/', {
      name: 'gold-sessions', content_types: ['peering.directpeeringsession'], type_create: true, type_update: true, type_delete: true,
      payload_url: `${rx.url}?rest=1`, conditions: { attr: 'tags.slug', value: 'gold-wh', op: 'contains' },
    });
    const session = { local_autonomous_system: local.id, autonomous_system: peer.id, relationship: rel.id, password: 'hunter2' };
    const tagged = await post('/api/peering/direct-peering-sessions/', { ...session, ip_address: '198.51.100.1/31', tags: [gold.id] });
    await post('/api/peering/direct-peering-sessions/', { ...session, ip_address: '198.51.100.3/31' });
    const sessionUrl = `/api/peering/direct-peering-sessions/${tagged.id}/`;
    const ofTagged = (event: string) => () => rx.got.find((g) => g.json.model === 'directpeeringsession' && g.json.event === event && g.json.data.id === tagged.id);

    const created = (await until('create delivery', ofTagged('create'))).json;
    expect(created.data).toMatchObject({
      url: sessionUrl,
      autonomous_system: { id: peer.id, asn: 64611, url: `/api/peering/autonomous-systems/${peer.id}/` },
      tags: [{ id: gold.id, slug: 'gold-wh', name: 'Gold WH' }],
      password: null,
      encrypted_password: null,
    });
    expect(Object.keys(created.data)).toEqual(Object.keys(tagged));
    // The snapshot stays the change-log form: foreign keys as ids, tags as names.
    expect(created.snapshots.postchange).toMatchObject({ autonomous_system: peer.id, tags: ['Gold WH'] });
    expect(JSON.stringify(created)).not.toContain('hunter2');

    expect((await s.http('PATCH', sessionUrl, { body: { multihop_ttl: 3 } })).status).toBe(200);
    const updated = (await until('update delivery', ofTagged('update'))).json;
    expect(updated.data).toMatchObject({ url: sessionUrl, multihop_ttl: 3, autonomous_system: { asn: 64611 } });
    expect([updated.snapshots.prechange.multihop_ttl, updated.snapshots.postchange.multihop_ttl]).toEqual([1, 3]);

    expect((await s.http('DELETE', sessionUrl)).status).toBe(204);
    // Read before the row went: the deleted object's last representation.
    const deleted = (await until('delete delivery', ofTagged('delete'))).json;
    expect(deleted.data).toMatchObject({ url: sessionUrl, multihop_ttl: 3, autonomous_system: { asn: 64611 }, tags: [{ slug: 'gold-wh' }], password: null });
    expect(deleted.snapshots.postchange).toBeNull();

    // The untagged session failed the condition on tags.slug: its job completed without sending.
    await until('all jobs settled', async () => ((await s.http('GET', '/api/core/jobs/?status=pending&status=running')).json.count === 0 ? true : undefined));
    expect(rx.got.filter((g) => g.json.model === 'directpeeringsession').map((g) => [g.json.event, g.json.data.id])).toEqual([['create', tagged.id], ['update', tagged.id], ['delete', tagged.id]]);
    expect((await s.http('DELETE', `/api/extras/webhooks/${wh.id}/`)).status).toBe(204);
  });

  test('a receiver answering 500 gets the delivery after a retry; each attempt is recorded', async () => {
    const wh = await s.http('POST', '/api/extras/webhooks/', { body: {
      name: 'flaky', content_types: ['peering.autonomoussystem'], type_create: true, payload_url: `${rx.url}?flaky=1`,
    } });
    expect(wh.status).toBe(201);
    rx.failNext.n = 2;
    expect((await s.http('POST', '/api/peering/autonomous-systems/', { body: { asn: 64800, name: 'Flaky' } })).status).toBe(201);
    await until('retried delivery', () => rx.got.find((g) => g.json.data.asn === 64800));
    const job = await until('completed job', async () => {
      const r = await s.http('GET', '/api/core/jobs/?name=extras.webhook.process&status=completed&ordering=-id&limit=50');
      return r.json.results.find((j: any) => j.object_id === wh.json.id);
    });
    const attempts = job.data.main.log.map((l: unknown[]) => l[4]).filter((m: string) => m.startsWith('Attempt'));
    expect(attempts.filter((m: string) => /^Attempt \d: status 500/.test(m))).toHaveLength(2);
    expect(attempts.some((m: string) => /^Attempt 3: status 204 in \d+ ms$/.test(m))).toBe(true);
    expect((await s.http('DELETE', `/api/extras/webhooks/${wh.json.id}/`)).status).toBe(204);
  });
});
