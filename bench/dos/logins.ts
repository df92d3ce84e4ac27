// Password guessing against the HTTP Basic and NSoT login surfaces (issue 12, section 2):
// 100 wrong-password attempts at concurrency 10 while /healthz is fetched back to back and
// the server's event-loop delay is sampled; writes bench/RESULTS.md (section dos-logins).
//   npx tsx bench/dos/logins.ts [--attempts 100] [--concurrency 10]
//   npx tsx bench/dos/logins.ts --url http://127.0.0.1:8000 [--user admin]   (a running server:
//     event-loop delay from its /metrics; prints, does not write RESULTS.md)
// In-process (the default), two PeerGates on PGlite in memory: LOGIN_RATE_LIMIT=off, so every
// attempt runs scrypt, and the default 10/300, where all attempts come from one address.
import { request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { machine, fmt, writeSection } from '../lib';

process.env.LOG_LEVEL ??= 'silent';

const arg = (name: string, def: string) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : def; };
const ATTEMPTS = Number(arg('attempts', '100'));
const CONCURRENCY = Number(arg('concurrency', '10'));

interface Reply { status: number; ms: number }

function get(url: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply & { text: string }> {
  const u = new URL(url + path);
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: body === undefined ? 'GET' : 'POST', agent: false,
      headers: { Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode!, ms: performance.now() - t, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const basic = (u: string, p: string) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : 0; };

interface Row { name: string; answers: string; reqP50: number; reqP99: number; wallMs: number; hzP50: number; hzP99: number; hzMax: number; hzN: number; eldP99: number; eldMax: number }

type Attack = (i: number) => Promise<Reply>;

/** Runs `attempts` calls of `attack`, `concurrency` at a time, while sampling /healthz and the event loop. */
async function run(url: string, name: string, attack: Attack, eventLoop: { start(): void; stop(): Promise<{ p99: number; max: number }> }): Promise<Row> {
  await new Promise((r) => setTimeout(r, 300));
  const statuses = new Map<number, number>();
  const req: number[] = [];
  eventLoop.start();
  let next = 0;
  const started = performance.now();
  const work = Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < ATTEMPTS) {
      const r = await attack(next++);
      req.push(r.ms);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
  }));
  let done = false;
  void work.finally(() => { done = true; });
  const hz: number[] = [];
  while (!done) {
    hz.push((await get(url, '/healthz')).ms);
    await new Promise((r) => setTimeout(r, 10));
  }
  await work;
  const wallMs = performance.now() - started;
  const eld = await eventLoop.stop();
  const row: Row = {
    name, answers: [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${n}× ${s}`).join(', '),
    reqP50: pct(req, 50), reqP99: pct(req, 99), wallMs, hzP50: pct(hz, 50), hzP99: pct(hz, 99), hzMax: Math.max(...hz), hzN: hz.length, eldP99: eld.p99, eldMax: eld.max,
  };
  console.log(JSON.stringify(row));
  return row;
}

/** The event-loop delay of this process (the in-process server). */
function localLoop() {
  const h = monitorEventLoopDelay({ resolution: 5 });
  return { start: () => { h.reset(); h.enable(); }, stop: async () => { h.disable(); return { p99: h.percentile(99) / 1e6, max: h.max / 1e6 }; } };
}

/** The event-loop delay a remote PeerGate reports on /metrics (prom-client resets it at each scrape). */
function remoteLoop(url: string) {
  const read = async () => {
    const text = (await get(url, '/metrics')).text;
    const v = (m: string) => Number(new RegExp(`^nodejs_eventloop_lag_${m}_seconds (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
    return { p99: v('p99'), max: v('max') };
  };
  return { start: () => { void read(); }, stop: read };
}

const attacks = (url: string, user: string) => ({
  knownUser: (i: number) => get(url, '/v1/peer/192.0.2.1/state', basic(user, `wrong-${i}`)),
  unknownUsers: (i: number) => get(url, '/v1/peer/192.0.2.1/state', basic(`nobody-${i}`, `wrong-${i}`)),
  pdb: (i: number) => get(url, '/pdb/api/net', basic(user, `wrong-${i}`)),
  nsot: (i: number) => get(url, '/nsot/api/authenticate/', {}, JSON.stringify({ email: user.includes('@') ? user : `${user}@example.com`, secret_key: `wrong-${i}` })),
});

function table(rows: Row[]): string {
  return rows.map((r) => `| ${r.name} | ${r.answers} | ${fmt(r.reqP50, 0)} / ${fmt(r.reqP99, 0)} | ${fmt(r.wallMs / 1000, 2)} | ${fmt(r.hzP50, 1)} / ${fmt(r.hzP99, 1)} / ${fmt(r.hzMax, 1)} (${r.hzN}) | ${fmt(r.eldP99, 1)} / ${fmt(r.eldMax, 1)} |`).join('\n');
}

async function main() {
  const url = arg('url', '');
  if (url) {
    const a = attacks(url.replace(/\/$/, ''), arg('user', 'admin'));
    const rows = [
      await run(url, `/v1 Basic, known user, wrong passwords`, a.knownUser, remoteLoop(url)),
      await run(url, `/v1 Basic, unknown users`, a.unknownUsers, remoteLoop(url)),
    ];
    console.log(table(rows));
    return;
  }
  // Loaded here, after LOG_LEVEL is set (src/log.ts reads it at load).
  const { startTestServer } = require('../../test/helpers/server') as typeof import('../../test/helpers/server');
  const { User } = require('../../src/domain/users/user') as typeof import('../../src/domain/users/user');
  const { hashPassword } = require('../../src/domain/users/passwords') as typeof import('../../src/domain/users/passwords');
  const scenarios: [limit: string, name: string, pick: (a: ReturnType<typeof attacks>) => Attack][] = [
    ['off', 'idle: /healthz only', () => async () => { await new Promise((r) => setTimeout(r, (2000 / ATTEMPTS) * CONCURRENCY)); return { status: 0, ms: 0 }; }],
    ['off', '/v1 Basic, known user, wrong passwords', (a) => a.knownUser],
    ['off', '/v1 Basic, unknown users', (a) => a.unknownUsers],
    ['off', '/pdb Basic, known user, wrong passwords', (a) => a.pdb],
    ['10/300', '/v1 Basic, known user, wrong passwords', (a) => a.knownUser],
    ['10/300', '/pdb Basic, known user, wrong passwords', (a) => a.pdb],
    ['10/300', 'NSoT /authenticate/, wrong secret keys', (a) => a.nsot],
  ];
  const loadBefore = loadavg()[0];
  const rows: Row[] = [];
  for (const [limit, name, pick] of scenarios) {
    // A fresh server each time, so that every scenario starts with unspent budgets.
    const s = await startTestServer('pglite', { LOGIN_RATE_LIMIT: limit });
    const em = s.pg.orm.em.fork();
    await em.persist(em.create(User, { username: 'victim', email: 'victim@example.com', password: hashPassword('right-password'), isActive: true } as any)).flush();
    rows.push(await run(s.url, `LOGIN_RATE_LIMIT=${limit}: ${name}`, pick(attacks(s.url, 'victim')), localLoop()));
    await s.close();
  }
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  writeSection('dos-logins', `
\`npx tsx bench/dos/logins.ts --attempts ${ATTEMPTS} --concurrency ${CONCURRENCY}\` on ${date}; ${machine()}; 1-minute load average ${fmt(loadBefore, 1)} before, ${fmt(loadavg()[0], 1)} after (other work shares the machine). PeerGate in-process
on PGlite in memory; ${ATTEMPTS} password attempts, ${CONCURRENCY} at a time, all from 127.0.0.1, while \`/healthz\` is fetched back
to back (10 ms apart, fresh connections) and the event-loop delay (monitorEventLoopDelay, 5 ms resolution; the client
shares the process) is sampled. Passwords are checked with scrypt (N=16384, r=8) on libuv's thread pool, at most
cores − 1 at once (here 1); an unknown user is checked against a dummy hash. Before this change (synchronous scrypt, no
limit), the same 100 attempts put /healthz at a 408 ms median. With asynchronous scrypt but no cap on parallel runs (4 on
the pool), a run on 2026-12-06T05:59Z on this machine gave /healthz p50 2.6-7.7 ms but p99 81-168 ms, attempts 204-208 ms
p50 (the 4 scrypt threads and the event loop shared 2 cores); the cap trades attempt latency (and guessing rate) for the
event loop's share. The machine is shared with other work, so single maxima are noisy. Times in ms.

| attack | answers | attempt p50 / p99 | wall s | /healthz p50 / p99 / max (samples) | event-loop delay p99 / max |
| --- | --- | --- | --- | --- | --- |
${table(rows)}
`);
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
