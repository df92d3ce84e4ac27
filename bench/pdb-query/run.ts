// PeeringDB dialect read latency at real size (bench/pdb-gen, scale 1) over HTTP:
// full lists as peeringdb-py's --fetch-private and cache builders read them, the
// lookups scripts make (asn=, asn__in= with 150 ASNs, relation filters), and depth.
//   npx tsx bench/pdb-query/run.ts [--scale 1]                 (embedded PGlite in memory)
//   BENCH_DB=postgres npx tsx bench/pdb-query/run.ts [--scale 1] (a throwaway PostgreSQL 15 server)
import 'reflect-metadata';
process.env.LOG_LEVEL ??= 'warn';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { startPeerGate } from '../../src/server';
import { loadRows } from '../../src/domain/peeringdb/sync';
import { SYNC_ORDER } from '../../src/domain/peeringdb/tags';
import { generatePdb } from '../pdb-gen/generate';
import { measure, machine, fmt, writeSection } from '../lib';
import { pdbCases } from './cases';
import { startPostgres, type PgServer } from '../../test/helpers/postgres';

async function main(): Promise<void> {
  const scaleArg = process.argv.indexOf('--scale');
  const scale = scaleArg >= 0 ? Number(process.argv[scaleArg + 1]) : 1;
  const data = generatePdb(scale);
  const token = randomBytes(20).toString('hex');
  const server: PgServer | null = process.env.BENCH_DB === 'postgres' ? await startPostgres() : null;
  const dbName = server ? 'PostgreSQL 15 (local server)' : 'embedded PGlite in memory';
  const config = loadConfig({ DATABASE_URL: server?.url ?? 'pglite://memory', PEERGATE_ADMIN_TOKEN: token, PORT: '0', HOST: '127.0.0.1', BGP_WORKER: 'off', LOG_LEVEL: 'warn' });
  const pg = await startPeerGate(config, { migrate: true, port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(pg.http.server.address() as { port: number }).port}/pdb/api`;
  try {
    for (const tag of SYNC_ORDER) await loadRows(pg.orm.em.fork(), tag, data[tag]);
    const get = async (path: string) => {
      const r = await fetch(`${base}/${path}`, { headers: { Authorization: `Api-Key ${token}` } });
      const text = await r.text();
      if (r.status !== 200) throw new Error(`${path}: ${r.status} ${text.slice(0, 200)}`);
      return text.length;
    };
    const cases = pdbCases(data);
    const lines = ['| request | n | conc | p50 ms | p99 ms | req/s | response bytes |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |'];
    for (const [name, path, n, conc] of cases) {
      let bytes = 0;
      await get(path(0));
      const s = await measure(n, conc, async (i) => { bytes = await get(path(i)); });
      lines.push(`| ${name} | ${s.n} | ${conc} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${fmt(s.perSecond, 1)} | ${bytes} |`);
      console.log(lines[lines.length - 1]);
    }
    writeSection(server ? 'pdb-query-postgres' : 'pdb-query', `The \`/pdb/api/\` dialect over HTTP (keep-alive fetch), one PeerGate on ${dbName} holding
\`bench/pdb-gen\` at scale ${scale} (${data.net.length} net, ${data.netixlan.length} netixlan, ${data.org.length} org). Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}.

${lines.join('\n')}

Run: \`${server ? 'BENCH_DB=postgres ' : ''}npx tsx bench/pdb-query/run.ts [--scale 1]\`.`);
  } finally {
    await pg.close();
    server?.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
