// One side of bench/pdb-query/before-after.ts: a PeerGate of the source tree given as argv[2]
// (its own server and sync code, so an older commit answers with its own dialect), holding
// bench/pdb-gen at the scale given as argv[3] on DATABASE_URL; then one JSON line on stdout
// with its address, token and pid. It serves until stdin closes.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

async function main(): Promise<void> {
  const [root, scale] = [process.argv[2], Number(process.argv[3] ?? 1)];
  const from = (p: string) => require(join(root, p));
  const { loadConfig } = from('src/config');
  const { startPeerGate } = from('src/server');
  const { loadRows } = from('src/domain/peeringdb/sync');
  const { SYNC_ORDER } = from('src/domain/peeringdb/tags');
  const { generatePdb } = from('bench/pdb-gen/generate');
  const data = generatePdb(scale);
  const token = randomBytes(20).toString('hex');
  const config = loadConfig({ DATABASE_URL: process.env.DATABASE_URL ?? 'pglite://memory', PEERGATE_ADMIN_TOKEN: token, PORT: '0', HOST: '127.0.0.1', BGP_WORKER: 'off', LOG_LEVEL: 'warn' });
  const pg = await startPeerGate(config, { migrate: true, port: 0, host: '127.0.0.1' });
  for (const tag of SYNC_ORDER) await loadRows(pg.orm.em.fork(), tag, data[tag]);
  const base = `http://127.0.0.1:${pg.http.server.address().port}/pdb/api`;
  process.stdout.write(`${JSON.stringify({ base, token, pid: process.pid })}\n`);
  process.stdin.resume();
  process.stdin.once('end', () => void pg.close().then(() => process.exit(0)));
}

main().catch((e) => { console.error(e); process.exit(1); });
