// Where each write of bench/load's mix spends the database pool: per request, the SQL statements
// it runs, how many times it takes one of the pool's connections (each take is one more turn
// through the queue when 200 clients share 10 connections), how long it holds them, and its
// transactions. One client, one request at a time, against a throwaway PostgreSQL server and a
// PeerGate in this process (knex's query events and its pool's acquire/release events).
//   LOG_LEVEL=silent npx tsx bench/load/trace.ts [--repeat 20] [--show]     --show prints each operation's statements once
import { randomBytes } from 'node:crypto';
import type { AbstractSqlConnection } from '@mikro-orm/knex';
import { loadConfig } from '../../src/config';
import { startPeerGate } from '../../src/server';
import { queryStats } from '../../src/db/context';
import { startPostgres } from '../../test/helpers/postgres';
import { fmt, machine } from '../lib';
import { Http } from './http';
import { AS, GQL } from './mix';

interface Tally { statements: number; acquires: number; heldMs: number; transactions: number; texts: string[] }

const REPEAT = (() => { const i = process.argv.indexOf('--repeat'); return i >= 0 ? Number(process.argv[i + 1]) : 20; })();
const SHOW = process.argv.includes('--show');

async function main(): Promise<void> {
  const pgServer = await startPostgres();
  const token = randomBytes(20).toString('hex');
  const config = loadConfig({ DATABASE_URL: pgServer.url, PEERGATE_ADMIN_TOKEN: token, PORT: '0', HOST: '127.0.0.1', BGP_WORKER: 'off', LOG_LEVEL: 'silent' });
  const pg = await startPeerGate(config, { migrate: true, port: 0, host: '127.0.0.1' });
  const http = new Http(`http://127.0.0.1:${(pg.http.server.address() as { port: number }).port}`, token, 1);
  try {
    const tags = Array.from({ length: 5 }, (_, i) => ({ name: `tag ${i}`, slug: `tag-${i}` }));
    const t = await http.gql('mutation($t: [TagCreateInput!]!) { createTags(inputs: $t) { id } }', { t: tags });
    if (t.json?.errors) throw new Error(JSON.stringify(t.json.errors));
    const kept = await http.gql(GQL.create, { in: { asn: 65000, name: 'read by the detail requests', tagIds: ['1', '2'] } });
    const keptId = kept.json?.data?.createAutonomousSystem?.id;
    if (!keptId) throw new Error(kept.text);

    const knex = (pg.orm.em.getConnection() as unknown as AbstractSqlConnection).getKnex();
    let tally: Tally = { statements: 0, acquires: 0, heldMs: 0, transactions: 0, texts: [] };
    // Statements are the project's own count (reads prepared on a pg client bypass knex's events).
    knex.on('query', (q: { sql: string }) => {
      if (/^begin/i.test(q.sql)) tally.transactions += 1;
      tally.texts.push(q.sql.replace(/\s+/g, ' ').slice(0, 110));
    });
    const pool = (knex.client as any).pool;
    const heldSince = new Map<unknown, number>();
    pool.on('acquireSuccess', (_id: number, conn: unknown) => { tally.acquires += 1; heldSince.set(conn, performance.now()); });
    pool.on('release', (conn: unknown) => { const s = heldSince.get(conn); if (s !== undefined) tally.heldMs += performance.now() - s; heldSince.delete(conn); });

    let asn = 4_200_000_000;
    const gqlOk = (r: any) => { if (r.status !== 200 || r.json?.errors) throw new Error(r.text.slice(0, 300)); return r.json.data; };
    const restOk = (status: number) => (r: { status: number; text: string }) => { if (r.status !== status) throw new Error(`${r.status} ${r.text.slice(0, 300)}`); return r.text ? JSON.parse(r.text) : null; };
    let gqlId = '';
    let restId = 0;
    let bulkIds: string[] = [];
    const ops: [string, () => Promise<unknown>][] = [
      ['GraphQL create', async () => { gqlId = gqlOk(await http.gql(GQL.create, { in: { asn: asn++, name: `trace ${asn}`, tagIds: ['1'] } })).createAutonomousSystem.id; }],
      ['GraphQL update', async () => gqlOk(await http.gql(GQL.update, { id: gqlId, in: { description: 'traced', ipv4MaxPrefixes: 10 } }))],
      ['GraphQL delete', async () => gqlOk(await http.gql(GQL.remove, { id: gqlId }))],
      ['GraphQL bulk create (5)', async () => { bulkIds = gqlOk(await http.gql(GQL.bulkCreate, { ins: Array.from({ length: 5 }, () => ({ asn: asn++, name: `bulk ${asn}` })) })).createAutonomousSystems.map((a: { id: string }) => a.id); }],
      ['GraphQL bulk delete (5)', async () => gqlOk(await http.gql(GQL.bulkDelete, { ids: bulkIds }))],
      ['PM REST POST', async () => { restId = restOk(201)(await http.send('POST', AS, { asn: asn++, name: `rest ${asn}`, tags: [1] })).id; }],
      ['PM REST PATCH', async () => restOk(200)(await http.send('PATCH', `${AS}${restId}/`, { description: 'patched', irr_as_set: 'AS-TRACE' }))],
      ['PM REST DELETE', async () => restOk(204)(await http.send('DELETE', `${AS}${restId}/`))],
      ['GraphQL detail', async () => gqlOk(await http.gql(GQL.detail, { id: keptId }))],
      ['PM REST detail', async () => restOk(200)(await http.send('GET', `${AS}${keptId}/`))],
    ];
    // Warm-up: documents cached, statements planned, the pool filled.
    for (let i = 0; i < 3; i++) for (const [, run] of ops) await run();
    const rows: string[] = [];
    const shown: string[] = [];
    for (const [name, run] of ops) {
      const total: Tally = { statements: 0, acquires: 0, heldMs: 0, transactions: 0, texts: [] };
      let wall = 0;
      for (let i = 0; i < REPEAT; i++) {
        // One op's run of the whole sequence (create, update, delete share the object they write).
        tally = { statements: 0, acquires: 0, heldMs: 0, transactions: 0, texts: [] };
        const t0 = performance.now();
        const q0 = queryStats.total;
        await run();
        wall += performance.now() - t0;
        tally.statements = queryStats.total - q0;
        total.statements += tally.statements; total.acquires += tally.acquires; total.heldMs += tally.heldMs; total.transactions += tally.transactions;
        if (i === 0) total.texts = [...tally.texts];
        // The rest of the sequence, untallied, so the next repetition has its object.
        for (const [other, next] of ops) if (other !== name && ops.findIndex(([n]) => n === other) < ops.findIndex(([n]) => n === name)) await next();
      }
      rows.push(`| ${name} | ${fmt(total.statements / REPEAT, 1)} | ${fmt(total.transactions / REPEAT, 1)} | ${fmt(total.acquires / REPEAT, 1)} | ${fmt(total.heldMs / REPEAT, 1)} | ${fmt(wall / REPEAT, 1)} |`);
      if (SHOW) shown.push(`${name}:\n${total.texts.map((s) => `  ${s}`).join('\n')}`);
    }
    console.log(`${machine()}; ${REPEAT} of each, one at a time, after a warm-up\n`);
    console.log('| operation | statements | transactions | pool acquires | connection held ms | wall ms |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    console.log(rows.join('\n'));
    if (SHOW) console.log(`\n${shown.join('\n')}`);
  } finally {
    http.close();
    await pg.close();
    pgServer.stop();
  }
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
