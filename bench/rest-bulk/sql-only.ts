// The SQL a bulk create of 10,000 autonomous systems sends, without the gateway's JavaScript,
// against the raw multi-row INSERT of rest-bulk: where the 3x goal cannot be met by the
// gateway's code alone. One bulk POST through an in-process gateway gives the real change
// records; each round then re-sends, with their JSON parameters built before the clock starts,
// the statements json-rows sends for new rows (chunks of 2000, RETURNING the defaulted columns)
// and for their change records (chunks of 2000, jsonb postchange_data), and the raw INSERT.
//   npx tsx bench/rest-bulk/sql-only.ts                   (embedded PGlite in memory)
//   BENCH_DB=postgres npx tsx bench/rest-bulk/sql-only.ts (a throwaway PostgreSQL 15 server)
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { loadConfig } from '../../src/config';
import { startPeerGate } from '../../src/server';
import { CHUNK, execute } from '../../src/db/json-rows';
import { machine, fmt, median, writeSection } from '../lib';
import { startPostgres } from '../../test/helpers/postgres';
import { createDatabase } from '../../test/helpers/db';

const N = Number(process.env.BENCH_ROWS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

async function main(): Promise<void> {
  const token = randomBytes(20).toString('hex');
  const server = process.env.BENCH_DB === 'postgres' ? await startPostgres() : null;
  process.on('exit', () => { server?.stop(); });
  const url = server ? await createDatabase(server.url, 'bench_sql_only') : 'pglite://memory';
  const config = loadConfig({ ...process.env, DATABASE_URL: url, PEERGATE_ADMIN_TOKEN: token, PORT: '0', HOST: '127.0.0.1', BGP_WORKER: 'off', BODY_LIMIT: '50mb', LOG_LEVEL: 'warn' });
  const pg = await startPeerGate(config, { migrate: true, port: 0, host: '127.0.0.1' });
  const conn = pg.orm.em.fork().getConnection();
  const sql = (text: string, params: unknown[] = []) => conn.execute(text, params) as Promise<Record<string, any>[]>;
  let next = 100_000;
  const batch = () => Array.from({ length: N }, () => { next += 1; return { asn: next, name: `Network ${next}`, irr_as_set: `AS-NET${next}`, ipv4_max_prefixes: next % 1000 }; });

  // The change records one real bulk POST writes.
  const port = (pg.http.server.address() as AddressInfo).port;
  const res = await fetch(`http://127.0.0.1:${port}/api/peering/autonomous-systems/`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Token ${token}` }, body: JSON.stringify(batch()),
  });
  if (res.status !== 201) throw new Error(`bulk POST: ${res.status} ${(await res.text()).slice(0, 300)}`);
  const changeColumns = ['time', 'user_id', 'user_name', 'request_id', 'action', 'changed_object_type', 'changed_object_id', 'object_repr', 'prechange_data', 'postchange_data'];
  const changes = await sql(`select ${changeColumns.join(', ')} from core_object_change where request_id = ? order by id`, [res.headers.get('x-request-id')]);
  const asColumns = ['asn', 'name', 'irr_as_set', 'ipv4_max_prefixes', 'ipv6_max_prefixes', 'description', 'comments', 'name_peeringdb_sync', 'irr_as_set_peeringdb_sync',
    'ipv4_max_prefixes_peeringdb_sync', 'ipv6_max_prefixes_peeringdb_sync', 'retrieve_prefixes', 'retrieve_as_list', 'irr_sources_override',
    'irr_ipv6_prefixes_args_override', 'irr_ipv4_prefixes_args_override', 'affiliated', 'as_list', 'created', 'updated'];
  const chunks = <T>(xs: T[]) => Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));
  const inserts = (table: string, columns: string[], returning: string) =>
    `insert into ${table} (${columns.join(', ')}) select ${columns.join(', ')} from json_populate_recordset(null::${table}, ?::json) returning ${returning}`;

  // One transaction, parameters bound as the gateway binds them (json-rows' execute).
  const inTransaction = (text: string, params: string[]) => pg.orm.em.fork().transactional(async (em) => { for (const p of params) await execute(em, text, [p]); });
  const timed = async (fn: () => Promise<unknown>) => { const t = performance.now(); await fn(); return performance.now() - t; };
  const raw = async () => {
    const values = batch().map((r) => `(${r.asn}, '${r.name}', '${r.irr_as_set}', ${r.ipv4_max_prefixes}, 0, '', '', true, true, true, true, true, true, '', '', '', false, '[]', now(), now())`);
    return timed(() => sql(`insert into peering_autonomoussystem (${asColumns.join(', ')}) values ${values.join(', ')} returning id`));
  };
  const rows = async () => {
    const now = new Date().toISOString();
    const params = chunks(batch().map((r) => ({ ...r, ipv6_max_prefixes: 0, description: '', comments: '', name_peeringdb_sync: true, irr_as_set_peeringdb_sync: true,
      ipv4_max_prefixes_peeringdb_sync: true, ipv6_max_prefixes_peeringdb_sync: true, retrieve_prefixes: true, retrieve_as_list: true, irr_sources_override: '',
      irr_ipv6_prefixes_args_override: '', irr_ipv4_prefixes_args_override: '', affiliated: false, as_list: [], created: now, updated: now }))).map((c) => JSON.stringify(c));
    const text = inserts('peering_autonomoussystem', asColumns, 'id');
    return timed(() => inTransaction(text, params));
  };
  const records = async () => {
    const params = chunks(changes).map((c) => JSON.stringify(c));
    const text = inserts('core_object_change', changeColumns, 'id');
    return timed(() => inTransaction(text, params));
  };

  const load = loadavg()[0];
  const paths: [string, () => Promise<number>][] = [['raw', raw], ['rows', rows], ['records', records]];
  for (const [, fn] of paths) await fn();
  const ms = new Map<string, number[]>(paths.map(([k]) => [k, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < paths.length; i++) {
      const [k, fn] = paths[(i + round) % paths.length];
      ms.get(k)!.push(await fn());
    }
  }
  const ratio = (k: string) => median(ms.get(k)!.map((x, i) => x / ms.get('raw')![i]));
  const both = ms.get('rows')!.map((x, i) => (x + ms.get('records')![i]) / ms.get('raw')![i]);
  const db = server ? 'PostgreSQL 15 server (local)' : 'embedded PGlite (in memory)';
  const body = `Run ${new Date().toISOString().slice(0, 10)} on ${machine()}; ${db}; load average ${fmt(load, 1)} at start.
The SQL of a ${N.toLocaleString('en')}-object bulk create without the gateway's JavaScript (JSON parameters built before the clock starts), against the raw
INSERT of rest-bulk; ${ROUNDS} rounds, the paths alternating in a rotated order. The change records are those one real bulk POST wrote (postchange_data ${fmt(changes.reduce((a, c) => a + JSON.stringify(c.postchange_data).length, 0) / changes.length, 0)} bytes of JSON each).

| statements | median ms | ratio to the raw INSERT of the same round, median |
| --- | ---: | ---: |
| one raw multi-row INSERT with literal values | ${fmt(median(ms.get('raw')!), 0)} | 1.0x |
| the new rows: json_populate_recordset per ${CHUNK}, RETURNING id | ${fmt(median(ms.get('rows')!), 0)} | ${fmt(ratio('rows'), 2)}x |
| their change records: the same per ${CHUNK}, jsonb postchange_data | ${fmt(median(ms.get('records')!), 0)} | ${fmt(ratio('records'), 2)}x |
| both (the bulk create's SQL floor, before uniqueness and the webhook queue) | | ${fmt(median(both), 2)}x |

Reproduce: \`${server ? 'BENCH_DB=postgres ' : ''}npx tsx bench/rest-bulk/sql-only.ts\`.
`;
  writeSection(server ? 'rest-bulk SQL only (PostgreSQL)' : 'rest-bulk SQL only', body);
  console.log(body);
  await pg.close();
}

main().then(() => process.exit(0), (e) => { console.error(String(e?.stack ?? e).slice(0, 3000)); process.exit(1); });
