// One side of bench/before-after: the bench PeerGate of the source tree given as argv[2]
// (its own bench/as-dataset.ts, so an older commit runs its own code), seeded, then one JSON
// line on stdout with its address, token, pid and (on PostgreSQL) its server's postmaster; it
// serves until stdin closes.
import { join } from 'node:path';
import { postmasterPid, serveUntilStdinCloses } from '../servers';

async function main(): Promise<void> {
  const root = process.argv[2];
  const dataset = require(join(root, 'bench/as-dataset')) as typeof import('../as-dataset');
  const bench = await dataset.startBenchServer();
  await dataset.seedAutonomousSystems(bench.exec);
  const postmaster = bench.postgres ? postmasterPid(join(bench.postgres.dir, 'data')) : null;
  serveUntilStdinCloses({ base: bench.base, token: bench.token, pid: process.pid, db: bench.db, postmaster }, () => bench.close());
}

main().catch((e) => { console.error(e); process.exit(1); });
