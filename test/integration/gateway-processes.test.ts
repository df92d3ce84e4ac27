// GATEWAY_PROCESSES=2: one `peergate serve` on PostgreSQL runs two gateway processes on one port.
// Which process holds a connection is read from /proc (the socket's inode among each process's
// file descriptors), so the test sees the connections really spread, a dead process replaced,
// and a token revoked through one process refused by the other.
import { Agent, request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { freshDatabaseUrl } from '../helpers/db';
import { freePort } from '../helpers/cli';
import { spawnPeerGate, type PeerGateProcess } from '../helpers/process';
import { waitFor } from '../interop/daemons';

const token = randomBytes(20).toString('hex');

/** Gateway processes the primary `pid` started (its node children running main.ts), from /proc. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc').filter((n) => /^\d+$/.test(n)).flatMap((n) => {
    try {
      const stat = readFileSync(`/proc/${n}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      // The gateway processes, not helpers such as tsx's esbuild service.
      return parent === pid && readFileSync(`/proc/${n}/cmdline`, 'utf8').includes('main.ts') ? [Number(n)] : [];
    } catch { return []; }
  });
}

/** The socket inode of the server side of the TCP connection between the two local ports. */
function serverInode(serverPort: number, clientPort: number): string | null {
  const hex = (p: number) => p.toString(16).toUpperCase().padStart(4, '0');
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length > 9 && f[1].endsWith(`:${hex(serverPort)}`) && f[2].endsWith(`:${hex(clientPort)}`)) return f[9];
  }
  return null;
}

/** Which of `pids` holds the socket with this inode. */
function holderOf(inode: string, pids: number[]): number | null {
  for (const pid of pids) {
    let fds: string[] = [];
    try { fds = readdirSync(`/proc/${pid}/fd`); } catch { continue; }
    for (const fd of fds) {
      try { if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return pid; } catch { /* closed meanwhile */ }
    }
  }
  return null;
}

interface Reply { status: number; text: string; clientPort: number }

/** The process of the primary `primary` that answers on this connection (the socket stays with it while kept alive). */
async function holderOfConnection(port: number, primary: number, c: ReturnType<typeof connection>): Promise<number | null> {
  const r = await c.send('GET', '/readyz');
  expect(r.status).toBe(200);
  const inode = serverInode(port, r.clientPort);
  return inode ? holderOf(inode, childrenOf(primary)) : null;
}

/** Keep-alive connections until one reaches each of `pids` (they are handed out in turn), by pid. */
async function onePerProcess(port: number, pids: number[], primary: number, opened: ReturnType<typeof connection>[]) {
  const byHolder = new Map<number | null, ReturnType<typeof connection>>();
  for (let i = 0; i < 8 && pids.some((p) => !byHolder.has(p)); i++) {
    const c = connection(port);
    opened.push(c);
    byHolder.set(await holderOfConnection(port, primary, c), c);
  }
  return pids.map((p) => byHolder.get(p)!);
}

/** One keep-alive connection: every request on it goes over the same socket. */
function connection(port: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const send = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) => new Promise<Reply>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, agent, headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, clientPort: req.socket?.localPort ?? 0 }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
  return { send, close: () => agent.destroy() };
}

describe('several gateway processes on one port (postgres)', () => {
  let env: Record<string, string>;
  let port: number;
  let gw: PeerGateProcess;
  let pids: number[];
  const conns: ReturnType<typeof connection>[] = [];

  const holder = (c: ReturnType<typeof connection>) => holderOfConnection(port, gw.proc.pid!, c);

  beforeAll(async () => {
    port = await freePort();
    env = { DATABASE_URL: await freshDatabaseUrl('postgres'), PEERGATE_ADMIN_TOKEN: token, GATEWAY_PROCESSES: '2', HOST: '127.0.0.1', PORT: String(port), BGP_WORKER: 'off' };
    gw = spawnPeerGate('gateways', ['serve', '--migrate'], env);
    const banner = await gw.waitForLog('listening', 120_000);
    expect(banner).toMatchObject({ processes: 2, port });
    pids = banner.pids as number[];
  }, 150_000);
  afterAll(async () => {
    for (const c of conns) c.close();
    await gw.stop(35_000);
  }, 40_000);

  test('one banner for two processes, the primary\'s children, and connections spread over both', async () => {
    expect(pids).toHaveLength(2);
    expect(childrenOf(gw.proc.pid!).sort()).toEqual([...pids].sort());
    expect(gw.output().match(/"event":"listening"/g)).toHaveLength(1);
    for (let i = 0; i < 4; i++) conns.push(connection(port));
    const holders = await Promise.all(conns.map(holder));
    expect(new Set(holders)).toEqual(new Set(pids));
  }, 30_000);

  test('a token revoked through one process is refused by the other', async () => {
    const [a, b] = await onePerProcess(port, pids, gw.proc.pid!, conns);
    const admin = { Authorization: `Token ${token}` };
    const made = await a.send('POST', '/graphql', admin, { query: 'mutation { createToken(input: {}) { key token { id } } }' });
    const { key, token: { id } } = JSON.parse(made.text).data.createToken;
    const asIt = { Authorization: `Token ${key}` };
    const me = '/api/users/tokens/';
    // Both processes have now looked the key up (and remember it).
    expect((await a.send('GET', me, asIt)).status).toBe(200);
    expect((await b.send('GET', me, asIt)).status).toBe(200);
    const revoked = await a.send('POST', '/graphql', admin, { query: `mutation { revokeToken(id: "${id}") }` });
    expect(JSON.parse(revoked.text).data.revokeToken).toBe(true);
    await waitFor('the other process to refuse the revoked key', async () => ((await b.send('GET', me, asIt)).status === 403 ? true : undefined), 5000, 50);
  }, 30_000);

  test('/metrics answers for every process, whichever one takes the scrape', async () => {
    const [a, b] = await onePerProcess(port, pids, gw.proc.pid!, conns);
    const healthz = async () => {
      const text = (await a.send('GET', '/metrics')).text;
      return Number(/^peergate_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} (\d+)$/m.exec(text)?.[1] ?? 0);
    };
    const before = await healthz();
    for (let i = 0; i < 3; i++) expect((await a.send('GET', '/healthz')).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await b.send('GET', '/healthz')).status).toBe(200);
    expect(await healthz()).toBe(before + 8);
    // The same sum through the other process, and the pool gauge counts both processes' connections.
    const viaB = (await b.send('GET', '/metrics')).text;
    expect(viaB).toMatch(new RegExp(`^peergate_http_request_duration_seconds_count\\{method="GET",route="/healthz",status="200"\\} ${before + 8}$`, 'm'));
    const pool = (state: string) => Number(new RegExp(`^peergate_db_pool_connections\\{state="${state}"\\} (\\d+)$`, 'm').exec(viaB)?.[1]);
    expect(pool('used') + pool('free')).toBeGreaterThanOrEqual(2);
  }, 30_000);

  test('a process that dies is replaced, and the port keeps answering', async () => {
    const [victim, survivor] = pids;
    process.kill(victim, 'SIGKILL');
    const replaced = await waitFor('a replacement process', () => {
      const now = childrenOf(gw.proc.pid!);
      return now.length === 2 && !now.includes(victim) && now.includes(survivor) ? now : undefined;
    }, 30_000, 50);
    expect(gw.output()).toMatch(new RegExp(`gateway process ${victim} exited \\(signal SIGKILL\\); starting another`));
    // The replacement serves once it listens: fresh connections reach both processes again.
    await waitFor('connections on both processes', async () => {
      const fresh = Array.from({ length: 4 }, () => connection(port));
      try {
        const holders = new Set(await Promise.all(fresh.map(holder)));
        return holders.size === 2 && replaced.every((p) => holders.has(p)) ? true : undefined;
      } finally { for (const c of fresh) c.close(); }
    }, 60_000, 200);
  }, 100_000);

  test('SIGTERM stops the primary and every process', async () => {
    const children = childrenOf(gw.proc.pid!);
    const exit = new Promise<number | null>((resolve) => gw.proc.once('exit', (code) => resolve(code)));
    gw.proc.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(gw.output()).toMatch(/"event":"stopped"/);
    for (const pid of children) expect(() => process.kill(pid, 0)).toThrow();
  }, 40_000);

  test('the embedded database refuses several processes with exit 2', async () => {
    const p = spawnPeerGate('embedded', ['serve'], { ...env, DATABASE_URL: 'pglite://memory' });
    const code = await new Promise<number | null>((resolve) => p.proc.once('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(p.output()).toMatch(/GATEWAY_PROCESSES above 1 needs DATABASE_URL to name a PostgreSQL server/);
  }, 30_000);
});

describe('several gateway processes share the NSoT server key (postgres)', () => {
  test('an auth_token one process issued opens in the other, without NSOT_SECRET_KEY or an admin token', async () => {
    const port = await freePort();
    const env = { DATABASE_URL: await freshDatabaseUrl('postgres'), GATEWAY_PROCESSES: '2', HOST: '127.0.0.1', PORT: String(port), BGP_WORKER: 'off', NSOT_SECRET_KEY: '', PEERGATE_ADMIN_TOKEN: '' };
    await spawnPeerGate('migrate', ['migrate'], env).waitFor(/Applied|No pending/, 60_000);
    const made = spawnPeerGate('token', ['token', 'create'], env);
    await made.waitFor(/^[0-9a-f]{40}$/, 60_000);
    const key = made.output().split('\n').find((l) => /^[0-9a-f]{40}$/.test(l))!;
    const gw = spawnPeerGate('gateways', ['serve'], env);
    const conns: ReturnType<typeof connection>[] = [];
    try {
      const pids = (await gw.waitForLog('listening', 120_000)).pids as number[];
      const [a, b] = await onePerProcess(port, pids, gw.proc.pid!, conns);
      const admin = { Authorization: `Token ${key}` };
      expect((await a.send('POST', '/graphql', admin, { query: 'mutation { updateUser(id: 1, input: {email: "admin@example.com"}) { id } }' })).status).toBe(200);
      const secret = JSON.parse((await a.send('GET', '/nsot/api/users/0/?with_secret_key=true', admin)).text).secret_key;
      const issued = await a.send('POST', '/nsot/api/authenticate/', {}, { email: 'admin@example.com', secret_key: secret });
      expect(issued.status).toBe(200);
      const header = { Authorization: `AuthToken admin@example.com:${JSON.parse(issued.text).auth_token}` };
      const verified = await b.send('POST', '/nsot/api/verify_token/', header);
      expect([verified.status, verified.text]).toEqual([200, 'true']);
      // The secret key stored through one process is read back through the other.
      expect(JSON.parse((await b.send('GET', '/nsot/api/users/0/?with_secret_key=true', admin)).text).secret_key).toBe(secret);
    } finally {
      for (const c of conns) c.close();
      await gw.stop(35_000);
    }
  }, 180_000);
});
