// PeeringDB sync at real size: PeerGate A holds the generated dataset (bench/pdb-gen),
// PeerGate B syncs it over HTTP from A's /pdb/api/: first a full load, then an
// incremental run after 1% of nets changed and 500 netixlans were deleted on A.
//   npx tsx bench/pdb-sync/run.ts [--scale 1]       (embedded PGlite in memory on both sides)
import 'reflect-metadata';
process.env.LOG_LEVEL ??= 'warn';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { startPeerGate, type PeerGate } from '../../src/server';
import { loadRows, syncPeeringDB, type SyncSummary } from '../../src/domain/peeringdb/sync';
import { pdbDelete } from '../../src/domain/peeringdb/writes';
import { SYNC_ORDER } from '../../src/domain/peeringdb/tags';
import { generatePdb } from '../pdb-gen/generate';
import { machine, writeSection } from '../lib';

async function start(): Promise<{ pg: PeerGate; url: string; token: string }> {
  const token = randomBytes(20).toString('hex');
  const config = loadConfig({ DATABASE_URL: 'pglite://memory', PEERGATE_ADMIN_TOKEN: token, PORT: '0', HOST: '127.0.0.1', BGP_WORKER: 'off', LOG_LEVEL: 'warn' });
  const pg = await startPeerGate(config, { port: 0, host: '127.0.0.1' });
  const addr = pg.http.server.address() as { port: number };
  return { pg, url: `http://127.0.0.1:${addr.port}`, token };
}

const perSecond = (rows: number, ms: number) => (ms ? Math.round((rows * 1000) / ms).toLocaleString('en') : '-');
const table = (s: SyncSummary) => {
  const total = s.tags.reduce((a, t) => a + t.fetched, 0);
  return ['| type | mode | rows | ms | rows/s |', '| --- | --- | ---: | ---: | ---: |',
    ...s.tags.map((t) => `| ${t.tag} | ${t.mode} | ${t.fetched} | ${t.ms} | ${perSecond(t.fetched, t.ms)} |`),
    `| **total** | | ${total} | **${s.ms}** | **${perSecond(total, s.ms)}** |`].join('\n');
};

/** Samples the process's RSS while `fn` runs; returns the peak above the starting value. */
async function peakRss<T>(fn: () => Promise<T>): Promise<{ result: T; startMiB: number; peakMiB: number }> {
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  try {
    const result = await fn();
    return { result, startMiB: start / 2 ** 20, peakMiB: Math.max(peak, process.memoryUsage().rss) / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  const scaleArg = process.argv.indexOf('--scale');
  const scale = scaleArg >= 0 ? Number(process.argv[scaleArg + 1]) : 1;
  const data = generatePdb(scale);
  const [a, b] = await Promise.all([start(), start()]);
  try {
    let t = Date.now();
    for (const tag of SYNC_ORDER) await loadRows(a.pg.orm.em.fork(), tag, data[tag]);
    const loadMs = Date.now() - t;
    console.log(`A loaded in ${loadMs} ms`);
    const opts = { url: `${a.url}/pdb/api`, apiKey: a.token };
    const { result: full, startMiB, peakMiB } = await peakRss(() => syncPeeringDB(b.pg.orm.em.fork(), opts));
    console.log(`full sync ${full.ms} ms`);
    // Changes on A: 1% of nets renamed (updated now), 500 netixlans soft-deleted.
    const em = a.pg.orm.em.fork();
    const nets = Math.ceil(data.net.length / 100);
    await em.getConnection().execute(`update peeringdb_net set name = name || ' (changed)', updated = now() where id <= ${nets}`);
    await em.transactional((tem) => pdbDelete(tem, 'netixlan', data.netixlan.slice(0, 500).map((r) => r.id as number)));
    await new Promise((r) => setTimeout(r, 1100));
    t = Date.now();
    const inc = await syncPeeringDB(b.pg.orm.em.fork(), opts);
    console.log(`incremental sync ${inc.ms} ms (${Date.now() - t})`);
    const rows = Object.values(data).reduce((n, r) => n + r.length, 0);
    writeSection('pdb-sync', `PeerGate B mirrors PeerGate A's \`/pdb/api/\` over HTTP (\`syncPeeringDB\`, the code behind \`peergate sync-peeringdb\`),
both on embedded PGlite in memory, one process. Dataset: \`bench/pdb-gen\` at scale ${scale} (${rows} rows: ${data.net.length} net, ${data.org.length} org,
${data.netixlan.length} netixlan, ${data.netfac.length} netfac, ${data.poc.length} poc, ${data.fac.length} fac, ${data.ix.length} ix). Machine: ${machine()}.

Loading A directly (batched upserts, no HTTP): ${loadMs} ms.

Full sync (B empty; every type fetched whole, upserted in multi-row INSERT ... ON CONFLICT batches, one transaction per type).
Peak memory: the process (A serving, B syncing, both databases in memory) went from ${startMiB.toFixed(0)} MiB RSS to a peak of
${peakMiB.toFixed(0)} MiB during the full sync (+${(peakMiB - startMiB).toFixed(0)} MiB, sampled every 20 ms).

${table(full)}

Incremental sync after ${nets} nets changed and 500 netixlans were deleted on A (\`since=<max(updated) - 1>\` per type):

${table(inc)}

Run: \`npx tsx bench/pdb-sync/run.ts [--scale 1]\`.`);
  } finally {
    await Promise.all([a.pg.close(), b.pg.close()]);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
