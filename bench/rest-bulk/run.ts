// Bulk create through the Peering Manager REST dialect against the floor: one
// POST of 10,000 autonomous systems (validation, uniqueness, one transaction,
// change log, full representations back) versus one raw multi-row INSERT of the
// same rows. Each path runs several times on fresh ASN ranges.
//   npx tsx bench/rest-bulk/run.ts                  (embedded PGlite in memory)
//   BENCH_DB=postgres npx tsx bench/rest-bulk/run.ts (a throwaway PostgreSQL 15 server)
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { startPeerGate } from '../../src/server';
import { machine, fmt, writeSection } from '../lib';
import { startPostgres, type PgServer } from '../../test/helpers/postgres';

const N = Number(process.env.BENCH_ROWS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const token = randomBytes(20).toString('hex');
  const server: PgServer | null = process.env.BENCH_DB === 'postgres' ? await startPostgres() : null;
  const config = loadConfig({ ...process.env, DATABASE_URL: server?.url ?? 'pglite://memory', PEERGATE_ADMIN_TOKEN: token, PORT: '0', HOST: '127.0.0.1', BGP_WORKER: 'off', BODY_LIMIT: '50mb' });
  const pg = await startPeerGate(config, { migrate: true, port: 0, host: '127.0.0.1' });
  const conn = pg.orm.em.fork().getConnection();
  const url = `http://127.0.0.1:${(pg.http.server.address() as { port: number }).port}/api/peering/autonomous-systems/`;
  let next = 100_000;
  const batch = () => Array.from({ length: N }, () => { next += 1; return { asn: next, name: `Network ${next}`, irr_as_set: `AS-NET${next}`, ipv4_max_prefixes: next % 1000 }; });

  const viaRest = async (): Promise<number> => {
    const body = JSON.stringify(batch());
    const t = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: `Token ${token}` }, body });
    const out = await res.json() as unknown[];
    const ms = performance.now() - t;
    if (res.status !== 201 || out.length !== N) throw new Error(`bulk POST: ${res.status} ${JSON.stringify(out).slice(0, 300)}`);
    return ms;
  };
  const viaRawSql = async (): Promise<number> => {
    const rows = batch();
    const t = performance.now();
    // Literal values (generated here, quote-free): 40,000 bind parameters overflow PGlite's protocol buffer.
    const values = rows.map((r) => `(${r.asn}, '${r.name}', '${r.irr_as_set}', ${r.ipv4_max_prefixes}, 0, '', '', true, true, true, true, true, true, '', '', '', false, '[]', now(), now())`);
    await conn.execute(`insert into peering_autonomoussystem (asn, name, irr_as_set, ipv4_max_prefixes, ipv6_max_prefixes, description, comments,
        name_peeringdb_sync, irr_as_set_peeringdb_sync, ipv4_max_prefixes_peeringdb_sync, ipv6_max_prefixes_peeringdb_sync,
        retrieve_prefixes, retrieve_as_list, irr_sources_override, irr_ipv6_prefixes_args_override, irr_ipv4_prefixes_args_override, affiliated, as_list, created, updated)
      values ${values.join(', ')} returning id`);
    return performance.now() - t;
  };

  const rest: number[] = [];
  const raw: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    rest.push(await viaRest());
    raw.push(await viaRawSql());
    console.log(`round ${round + 1}: REST ${fmt(rest[round], 0)} ms, raw ${fmt(raw[round], 0)} ms`);
  }
  const r = median(rest);
  const w = median(raw);
  const db = server ? 'PostgreSQL 15 server (local)' : 'embedded PGlite (in memory)';
  const body = `Run ${new Date().toISOString().slice(0, 10)} on ${machine()}; ${db}.
One \`POST /api/peering/autonomous-systems/\` with a list of ${N.toLocaleString('en')} new autonomous systems (validated, uniqueness-checked,
written in one transaction with one change-log row each, returned as full representations), versus one raw multi-row
INSERT of the same rows. Median of ${ROUNDS} rounds, each on fresh ASNs.

| path | ms per ${N.toLocaleString('en')} rows | rows/s |
| --- | ---: | ---: |
| REST bulk POST over HTTP (JSON in and out, GraphQL createAutonomousSystems, change log) | ${fmt(r, 0)} | ${fmt((N * 1000) / r, 0)} |
| one raw multi-row INSERT (no validation, no change log, nothing returned but ids) | ${fmt(w, 0)} | ${fmt((N * 1000) / w, 0)} |
| ratio REST / raw | ${fmt(r / w, 1)}x the time | |
`;
  writeSection(server ? 'rest-bulk (PostgreSQL)' : 'rest-bulk', body);
  console.log(body);
  await pg.close();
  server?.stop();
}

main().catch((e) => { console.error(String(e?.stack ?? e).slice(0, 2000)); process.exit(1); });
