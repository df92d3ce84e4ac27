// Which webhooks a write fires is remembered between writes: a write reads the webhook table only
// after a webhook was written, here or (over the PostgreSQL event bus) on another gateway, and a
// webhook created, disabled or deleted is seen by the very next write.
import { requestStatements, startTestServer, type TestServer } from '../helpers/server';
import { WEBHOOK_JOB } from '../../src/workflows/webhooks/enqueue';
import { waitFor } from '../interop/daemons';

const readsWebhooks = (sql: string[]) => sql.filter((q) => /^select .* from "?extras_webhook\b/i.test(q));

/** Delivery jobs queued for webhook `id`. */
async function deliveries(s: TestServer, id: number): Promise<number> {
  const rows = await s.pg.orm.em.fork().getConnection().execute(`select count(*)::int as n from core_job where name = ? and (params->>'webhookId')::int = ?`, [WEBHOOK_JOB, id]);
  return rows[0].n;
}

let asn = 64600;
const writeAs = async (s: TestServer) => {
  const r = await s.http('POST', '/api/peering/autonomous-systems/', { body: { asn: asn++, name: 'lookup' } });
  expect(r.status).toBe(201);
};
const createHook = async (s: TestServer, name: string) => {
  const r = await s.http('POST', '/api/extras/webhooks/', { body: { name, content_types: ['peering.autonomoussystem'], type_create: true, payload_url: 'http://127.0.0.1:9/none' } });
  expect(r.status).toBe(201);
  return r.json.id as number;
};

describe('enabled webhooks, remembered between writes (pglite)', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer('pglite'); });
  afterAll(async () => { await s?.close(); });

  test('a second write reads no webhook; a webhook created, disabled or deleted is seen by the next write', async () => {
    await writeAs(s);
    expect(readsWebhooks(await requestStatements(s, () => writeAs(s)))).toEqual([]);

    const hook = await createHook(s, 'fresh');
    await writeAs(s);
    expect(await deliveries(s, hook)).toBe(1);
    expect(readsWebhooks(await requestStatements(s, () => writeAs(s)))).toEqual([]);
    expect(await deliveries(s, hook)).toBe(2);

    expect((await s.http('PATCH', `/api/extras/webhooks/${hook}/`, { body: { enabled: false } })).status).toBe(200);
    await writeAs(s);
    expect(await deliveries(s, hook)).toBe(2);
    expect((await s.http('PATCH', `/api/extras/webhooks/${hook}/`, { body: { enabled: true } })).status).toBe(200);
    await writeAs(s);
    expect(await deliveries(s, hook)).toBe(3);
    expect((await s.http('DELETE', `/api/extras/webhooks/${hook}/`)).status).toBe(204);
    await writeAs(s);
    expect(await deliveries(s, hook)).toBe(3);
  });

  test('a webhook write that fails leaves the remembered list as it was', async () => {
    await writeAs(s);
    const dup = await s.http('POST', '/api/extras/webhooks/', { body: { name: 'x', content_types: ['no.such'], type_create: true, payload_url: 'http://127.0.0.1:9/' } });
    expect(dup.status).toBe(400);
    expect(readsWebhooks(await requestStatements(s, () => writeAs(s)))).toEqual([]);
  });
});

describe('enabled webhooks across gateways (postgres)', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await startTestServer('postgres');
    b = await startTestServer('postgres', { DATABASE_URL: a.config.databaseUrl });
  }, 60_000);
  afterAll(async () => { await b?.close(); await a?.close(); });

  test('a webhook created on one gateway fires on the other\'s next write once the bus brought it', async () => {
    await writeAs(b);
    expect(readsWebhooks(await requestStatements(b, () => writeAs(b)))).toEqual([]);
    let heard = false;
    const stop = b.pg.bus.listen('objectChanged', (e) => { if (e.objectType === 'extras.webhook') heard = true; });
    const hook = await createHook(a, 'from-a');
    await waitFor('the webhook change on b', () => heard || undefined, 10_000, 20);
    stop();
    await writeAs(b);
    expect(await deliveries(b, hook)).toBe(1);
  });
});
