// Webhook deliveries across real gateway processes on one PostgreSQL: two gateways deliver each
// exactly once (SKIP LOCKED claim), and deliveries pending when every gateway is SIGKILLed are
// delivered after a restart.
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { freshDatabaseUrl } from '../helpers/db';
import { freePort } from '../helpers/cli';
import { spawnPeerGate, startGateway, killGateway, type Gateway } from '../helpers/process';
import { waitFor } from '../interop/daemons';

/** Polls every 50 ms until `f` gives a value (test/interop/daemons.ts waitFor). */
const until = <T>(what: string, f: () => T | undefined | Promise<T | undefined>, ms = 30_000): Promise<T> => waitFor(what, f, ms, 50);

const token = randomBytes(20).toString('hex');

describe('webhooks across gateway processes (postgres)', () => {
  let env: Record<string, string>;
  let server: Server;
  let hookUrl: string;
  const got: number[] = [];
  let failing = false;
  let refused = 0;
  const gws: Gateway[] = [];

  const call = async (port: number, method: string, path: string, body?: unknown) => {
    const r = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { Authorization: `Token ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, json: await r.json().catch(() => null) as any };
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        if (failing) { refused += 1; res.writeHead(500).end('no'); return; }
        got.push(JSON.parse(Buffer.concat(chunks).toString()).data.asn);
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    hookUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    env = { DATABASE_URL: await freshDatabaseUrl('postgres'), PEERGATE_ADMIN_TOKEN: token, JOBS_POLL_MS: '100', WEBHOOK_RETRY_BASE_MS: '200', WEBHOOK_MAX_ATTEMPTS: '30', WEBHOOK_TIMEOUT_MS: '2000', JOBS_LEASE_GRACE_MS: '1000' };
    await spawnPeerGate('migrate', ['migrate'], env).waitFor(/Applied|No pending/, 60_000);
  }, 120_000);
  afterAll(async () => {
    for (const g of gws) await g.proc.stop();
    server.close();
  });

  test('two gateways deliver each change exactly once', async () => {
    const [pa, pb] = [await freePort(), await freePort()];
    gws.push(await startGateway(env, pa, 'gw-a'), await startGateway(env, pb, 'gw-b'));
    expect((await call(pa, 'POST', '/api/extras/webhooks/', { name: 'all', content_types: ['peering.autonomoussystem'], type_create: true, payload_url: hookUrl })).status).toBe(201);
    const asns = Array.from({ length: 40 }, (_, i) => 64600 + i);
    await Promise.all(asns.map((asn, i) => call(i % 2 ? pb : pa, 'POST', '/api/peering/autonomous-systems/', { asn, name: `AS${asn}` }).then((r) => expect(r.status).toBe(201))));
    await until('40 deliveries', () => (got.length >= 40 ? true : undefined));
    // Both pollers have had many turns since: a double delivery would have arrived by now.
    await new Promise((r) => setTimeout(r, 1000));
    expect([...got].sort()).toEqual(asns);
  }, 120_000);

  test('deliveries pending when the gateways are SIGKILLed arrive after a restart', async () => {
    failing = true;
    const pa = await freePort();
    gws.push(await startGateway(env, pa, 'gw-c'));
    expect((await call(pa, 'POST', '/api/peering/autonomous-systems/', { asn: 64700, name: 'Pending' })).status).toBe(201);
    await until('a refused attempt', () => (refused > 0 ? true : undefined));
    for (const g of gws.splice(0)) await killGateway(g);
    failing = false;
    gws.push(await startGateway(env, pa, 'gw-d'));
    // A job killed mid-request is running until its lease (7 s + 1 s here) runs out, then retried.
    await until('delivery after restart', () => (got.includes(64700) ? true : undefined), 60_000);
    expect(got.filter((x) => x === 64700)).toHaveLength(1);
  }, 120_000);
});
