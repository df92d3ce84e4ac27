// Crash safety of `peergate serve` on PostgreSQL, with real processes: SIGKILL under a
// write load loses no acknowledged write and half-applies no bulk (the long run is
// bench/crash/run.ts); SIGTERM finishes the requests in flight, refuses new connections
// and exits 0.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { request } from 'node:http';
import { Client } from 'pg';
import { freshDatabaseUrl } from '../helpers/db';
import { spawnPeerGate, startGateway, killGateway, type Gateway } from '../helpers/process';
import { freePort } from '../interop/daemons';
import { CrashLoad } from '../helpers/crash-load';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('crash safety', () => {
  const token = randomBytes(20).toString('hex');
  let url: string;
  let env: Record<string, string>;
  let port: number;
  let gw: Gateway | null = null;

  beforeAll(async () => {
    url = await freshDatabaseUrl('postgres');
    env = { DATABASE_URL: url, PEERGATE_ADMIN_TOKEN: token };
    await spawnPeerGate('migrate', ['migrate'], env).waitFor(/Applied|No pending/, 60_000);
    port = await freePort('127.0.0.1');
  }, 120_000);
  afterEach(async () => {
    await gw?.proc.stop();
    gw = null;
  });

  test('three SIGKILLs under 16 writing clients: every acknowledged write survives, no unanswered bulk is half there', async () => {
    const load = new CrashLoad(20261201, token);
    gw = await startGateway(env, port);
    for (let kill = 0; kill < 3; kill++) {
      const running = load.start(port, 16);
      // Some writes answered first, so the kill lands in a working load however slow the machine.
      await load.until(load.acked + 10);
      await sleep(load.between(0, 500));
      running.halt();
      await killGateway(gw);
      await running.settled();
      gw = await startGateway(env, port);
      const v = await load.verify(url);
      expect({ kill, lost: v.ackedLost, half: v.halfPresent, changes: v.missingChanges, failed: v.failed }).toEqual({ kill, lost: [], half: [], changes: [], failed: 0 });
    }
    // The kills really cut requests in flight.
    expect((await load.verify(url)).unknown).toBeGreaterThan(0);
    // And the checker does see a loss: with the rows gone behind its back, it reports them.
    const db = new Client({ connectionString: url });
    await db.connect();
    await db.query('delete from peering_autonomoussystem where asn >= 4200000000').finally(() => db.end());
    expect((await load.verify(url)).ackedLost.length).toBeGreaterThan(0);
  }, 120_000);

  test('SIGTERM: requests sent before it finish with 2xx and their data, new connections are refused, exit 0', async () => {
    // NODE_ENV as in production: under jest it is 'test', which changes what Apollo does on signals.
    gw = await startGateway({ ...env, NODE_ENV: 'production' }, port);
    const proc = gw.proc;
    const items = (first: number, n: number) => Array.from({ length: n }, (_, i) => ({ asn: first + i, name: `term-${first + i}` }));
    const gqlBulk = (first: number, n: number) => ({
      query: 'mutation($i: [AutonomousSystemCreateInput!]!) { createAutonomousSystems(inputs: $i) { id } }', variables: { i: items(first, n) },
    });
    const base = 4_100_000_000;
    const inFlight = [
      post(port, token, '/api/peering/autonomous-systems/', items(base, 300)),
      post(port, token, '/graphql', gqlBulk(base + 1000, 300)),
      ...Array.from({ length: 6 }, (_, i) => post(port, token, '/graphql', gqlBulk(base + 2000 + i, 1))),
    ];
    // Every request has left this process whole before the signal.
    await Promise.all(inFlight.map((r) => r.sent));
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => proc.proc.once('exit', (code) => resolve({ code, at: performance.now() })));
    const signalAt = performance.now();
    proc.proc.kill('SIGTERM');

    // New connections are refused while the process still finishes its requests (it accepts
    // for a moment after the signal, those already queued in the kernel; see src/main.ts).
    let refusedWhileAlive = false;
    while (!refusedWhileAlive && !proc.exited()) {
      refusedWhileAlive = (await refused(port)) && !proc.exited();
      await sleep(50);
    }
    expect(refusedWhileAlive).toBe(true);

    const answers = await Promise.all(inFlight.map((r) => r.answer));
    for (const a of answers) expect({ status: a.status, errors: a.json.errors }).toEqual({ status: a === answers[0] ? 201 : 200, errors: undefined });
    // The bulks were still being written when the signal came.
    expect(Math.min(answers[0].at, answers[1].at)).toBeGreaterThan(signalAt);

    const { code, at } = await exited;
    expect(code).toBe(0);
    expect(at - signalAt).toBeLessThan(10_000);

    const db = new Client({ connectionString: url });
    await db.connect();
    try {
      const r = await db.query('select count(*)::int as n from peering_autonomoussystem where asn >= $1 and asn < $2', [base, base + 3000]);
      expect(r.rows[0].n).toBe(606);
    } finally {
      await db.end();
    }
  }, 60_000);

  test('SIGTERM the moment the port opens, while jobs and the BGP worker still start: a clean stop, exit 0', async () => {
    // The port opens before the rest of the start; a signal in between used to kill the
    // process outright (exit by signal, no shutdown lines), so try the earliest moment a few times.
    for (let attempt = 0; attempt < 3; attempt++) {
      const proc = spawnPeerGate('early-term', ['serve'], { ...env, HOST: '127.0.0.1', PORT: String(port), BGP_WORKER: 'embedded', NODE_ENV: 'production' });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.proc.once('exit', (code, signal) => resolve({ code, signal })));
      while (!proc.exited() && (await refused(port))) await sleep(1);
      proc.proc.kill('SIGTERM');
      expect({ attempt, ...(await exited) }).toEqual({ attempt, code: 0, signal: null });
      expect(proc.output()).toMatch(/"event":"stopped"/);
    }
  }, 60_000);
});

/** A POST on its own connection: `sent` once the whole request is handed to the OS. */
function post(port: number, token: string, path: string, body: unknown): { sent: Promise<void>; answer: Promise<{ status: number; json: any; at: number }> } {
  let sent!: () => void;
  const sentP = new Promise<void>((r) => { sent = r; });
  const answer = new Promise<{ status: number; json: any; at: number }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { 'Content-Type': 'application/json', Authorization: `Token ${token}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text), at: performance.now() }));
      res.on('error', reject);
    });
    req.on('finish', sent);
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
  return { sent: sentP, answer };
}

/** True when a new TCP connection to the port is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(false); });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}
