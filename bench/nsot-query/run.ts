// NSoT set queries over 50,000 devices with 5 attributes each (250,000 value rows),
// through the whole stack: HTTP -> /nsot/api/devices/query/ -> GraphQL -> one SQL
// predicate over the value table. Seeded with raw multi-row INSERTs.
//   npx tsx bench/nsot-query/run.ts                  (embedded PGlite in memory)
//   BENCH_DB=postgres npx tsx bench/nsot-query/run.ts (a throwaway PostgreSQL 15 server)
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { startPeerGate } from '../../src/server';
import { measure, machine, fmt, writeSection, type Stats } from '../lib';
import { startPostgres, type PgServer } from '../../test/helpers/postgres';
import { setQuerySql } from '../../src/domain/inventory/set-query';

const DEVICES = 50_000;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const BATCH = 2_000;

const VENDORS = ['juniper', 'cisco', 'arista', 'nokia'];
const ROLES = ['br', 'dr', 'core', 'edge', 'tor'];

function attributesOf(i: number): Record<string, string> {
  // Decorrelated, so intersections of two attributes are neither empty nor everything.
  return { vendor: VENDORS[i % 4], metro: `m${i % 20}`, role: ROLES[Math.floor(i / 7) % 5], owner: `team-${Math.floor(i / 3) % 50}`, rack: `rack-${i}` };
}

async function seed(exec: (sql: string, params?: unknown[]) => Promise<any>): Promise<void> {
  await exec(`insert into inventory_site (name, description) values ('bench', '')`);
  const names = Object.keys(attributesOf(0));
  await exec(`insert into inventory_attribute (site_id, name, description, resource_name, required, displayed, multi, constraints) values
    ${names.map(() => `(1, ?, '', 'Device', false, false, false, '{"pattern":"","valid_values":[],"allow_empty":false}')`).join(', ')}`, names);
  const attrId = new Map((await exec('select id, name from inventory_attribute')).map((r: any) => [r.name, r.id]));
  for (let start = 1; start <= DEVICES; start += BATCH) {
    const ids = Array.from({ length: Math.min(BATCH, DEVICES - start + 1) }, (_, k) => start + k);
    await exec(`insert into inventory_device (id, site_id, hostname, attributes) values ${ids.map(() => '(?, 1, ?, ?::jsonb)').join(', ')}`,
      ids.flatMap((i) => [i, `dev-${i}`, JSON.stringify(attributesOf(i))]));
    const rows = ids.flatMap((i) => Object.entries(attributesOf(i)).map(([n, v]) => [attrId.get(n), n, v, 'Device', i]));
    await exec(`insert into inventory_value (attribute_id, name, value, resource_name, resource_id) values ${rows.map(() => '(?, ?, ?, ?, ?)').join(', ')}`, rows.flat());
  }
  await exec(`select setval(pg_get_serial_sequence('inventory_device', 'id'), ${DEVICES})`);
  await exec('analyze');
}

interface Case { name: string; path: (i: number) => string; expect: (body: any) => boolean }

/** The set query of a request path, to time its SQL alone. */
const queryOf = (path: string) => new URL(path, 'http://x').searchParams.get('query') ?? '';

const enc = encodeURIComponent;
const CASES: Case[] = [
  { name: '`metro=mN role=br`, page of 50 (count ~500)', path: (i) => `/nsot/api/devices/query/?query=${enc(`metro=m${i % 20} role=br`)}&limit=50`, expect: (b) => b.count > 0 && b.results.length > 0 },
  { name: '`vendor=juniper -metro=mN +owner=team-N`, page of 50', path: (i) => `/nsot/api/devices/query/?query=${enc(`vendor=juniper -metro=m${i % 20} +owner=team-${i % 50}`)}&limit=50`, expect: (b) => b.results.length === 50 },
  { name: '`rack=rack-N vendor=V metro=M` unique=true (one device)', path: (i) => { const d = 1 + ((i * 7919) % DEVICES); const a = attributesOf(d); return `/nsot/api/sites/1/devices/query/?query=${enc(`rack=${a.rack} vendor=${a.vendor} metro=${a.metro}`)}&unique=true`; }, expect: (b) => Array.isArray(b) && b.length >= 1 },
  { name: '`role_regex=^(br|dr)$ owner=team-N` (regex, full list ~400)', path: (i) => `/nsot/api/devices/query/?query=${enc(`role_regex=^(br|dr)$ owner=team-${i % 50}`)}`, expect: (b) => Array.isArray(b) },
];

async function main(): Promise<void> {
  const token = randomBytes(20).toString('hex');
  const server: PgServer | null = process.env.BENCH_DB === 'postgres' ? await startPostgres() : null;
  const config = loadConfig({ ...process.env, DATABASE_URL: server?.url ?? 'pglite://memory', PEERGATE_ADMIN_TOKEN: token, PORT: '0', HOST: '127.0.0.1', BGP_WORKER: 'off', LOG_LEVEL: 'warn' });
  const pg = await startPeerGate(config, { migrate: true, port: 0, host: '127.0.0.1' });
  const conn = pg.orm.em.fork().getConnection();
  const exec = (sql: string, params: unknown[] = []) => conn.execute(sql, params as any[]);
  const t0 = performance.now();
  await seed(exec);
  console.log(`seeded ${DEVICES} devices and ${DEVICES * 5} values in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  const base = `http://127.0.0.1:${(pg.http.server.address() as { port: number }).port}`;
  const rows: string[] = [];
  for (const c of CASES) {
    const call = async (i: number) => {
      const res = await fetch(base + c.path(i), { headers: { Authorization: `Token ${token}`, Accept: 'application/json' } });
      const body = await res.json();
      if (res.status !== 200 || !c.expect(body)) throw new Error(`${c.name}: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
    };
    await measure(10, 1, call); // warm-up: documents cached, plans warm
    const s: Stats = await measure(REQUESTS, CONCURRENCY, call);
    // The same predicate alone: count + first page, as the endpoint runs them.
    const sqlOnly = async (i: number) => {
      const q = setQuerySql('Device', 'inventory_device', queryOf(c.path(i)), 'd');
      await exec(`select count(*) from inventory_device d where ${q.sql}`, q.params);
      await exec(`select d.id, d.hostname, d.attributes from inventory_device d where ${q.sql} order by d.id limit 50`, q.params);
    };
    await measure(10, 1, sqlOnly);
    const raw: Stats = await measure(REQUESTS, 1, sqlOnly);
    rows.push(`| ${c.name} | ${fmt(s.perSecond, 0)} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${fmt(raw.p50)} | ${fmt(raw.p99)} |`);
    console.log(rows[rows.length - 1]);
  }
  const db = server ? 'PostgreSQL server' : 'embedded PGlite (in memory)';
  const body = `Run ${new Date().toISOString().slice(0, 10)} on ${machine()}; ${db}.
Set queries over ${DEVICES.toLocaleString('en')} devices with 5 attributes each (${(DEVICES * 5).toLocaleString('en')} value rows),
over HTTP through /nsot/api/devices/query/ (auth, attribute check, GraphQL, one SQL predicate on the value table),
${REQUESTS} requests per query at ${CONCURRENCY} concurrent clients after a warm-up (client and server share one process).
SQL only: the count and first-page statements of the same set-query predicate, run serially in-process.

| query | requests/s | p50 ms | p99 ms | SQL only p50 ms | SQL only p99 ms |
| --- | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}
`;
  writeSection(`nsot-query (${server ? 'PostgreSQL' : 'PGlite'})`, body);
  console.log(body);
  await pg.close();
  server?.stop();
}

main().catch((e) => { console.error(e); process.exit(1); });
